//! The store's laws: revision chains, history, materialised state, canonical dumps.

use kiemtra_core::ids::{finding_id, new_id};
use kiemtra_core::model::*;
use kiemtra_core::store::Revision;
use kiemtra_core::visit::FindingInput;
use kiemtra_core::Localize;
use kiemtra_core::{Error, Store};

fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).unwrap()
}

fn unit(name: &str, parent: Option<&str>) -> Unit {
    Unit {
        name: name.into(),
        short_name: String::new(),
        code: String::new(),
        kind: "doan_co_so".into(),
        level_label: "Cơ sở".into(),
        parent_id: parent.map(str::to_string),
        valid_from: None,
        valid_to: None,
        merged_into: None,
    }
}

fn first_planned_visit(s: &Store) -> String {
    s.visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap()
        .id
}

#[test]
fn each_edit_writes_a_revision_whose_parent_is_the_previous_head() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let id = new_id();
    let r1 = s
        .write(|w| Ok(w.put(&id, &unit("Đoàn xã Gia Sinh", None))?))
        .unwrap();
    let r2 = s
        .write(|w| Ok(w.put(&id, &unit("Đoàn xã Gia Sinh (mới)", None))?))
        .unwrap();
    assert!(r1.starts_with("1-") && r2.starts_with("2-"), "{r1} {r2}");

    let h = s.history(&id).unwrap();
    assert_eq!(h.len(), 2);
    assert!(h[0].parents.is_empty());
    assert_eq!(h[1].parents, vec![r1.clone()]);
    assert_eq!(h[1].device_id, s.device().id);
    assert!(h[1].hlc > h[0].hlc, "clock moves forward");
    assert!(h[1].is_current && !h[0].is_current);
    assert_eq!(
        s.require::<Unit>(&id).unwrap().body.name,
        "Đoàn xã Gia Sinh (mới)"
    );

    // Saving the same content again (autosave) adds nothing.
    let r3 = s
        .write(|w| Ok(w.put(&id, &unit("Đoàn xã Gia Sinh (mới)", None))?))
        .unwrap();
    assert_eq!(r3, r2);
    assert_eq!(s.history(&id).unwrap().len(), 2);
    assert!(s.check().unwrap().ok);
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let before = s.dump_canonical().unwrap();
    let a = new_id();
    let res: Result<(), Error> = s.write(|w| {
        w.put(&a, &unit("Đoàn phường Đông Thành", None))?;
        // Invalid: an empty name is refused, so the whole transaction rolls back.
        w.put(&new_id(), &unit("  ", None))?;
        Ok(())
    });
    assert_eq!(res.unwrap_err().code(), "invalid_input");
    assert_eq!(s.dump_canonical().unwrap(), before);
    assert!(s.get::<Unit>(&a).unwrap().is_none());
}

#[test]
fn vietnamese_text_round_trips_and_is_stored_composed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let id = new_id();
    let name = "Đoàn TNCS Hồ Chí Minh huyện Yên Mô — “Ngân hàng ý tưởng” ≥ 3 tháng";
    s.write(|w| Ok(w.put(&id, &unit(name, None))?)).unwrap();
    assert_eq!(s.require::<Unit>(&id).unwrap().body.name, name);
    // Decomposed input (combining marks) is stored as NFC.
    let id2 = new_id();
    s.write(|w| Ok(w.put(&id2, &unit("Đoa\u{300}n phi\u{301}", None))?))
        .unwrap();
    assert_eq!(s.require::<Unit>(&id2).unwrap().body.name, "Đoàn phí");
}

#[test]
fn demo_has_24_units_seven_topics_and_every_visit_status() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let campaign = s.load_demo().unwrap();
    let units = s.unit_tree().unwrap();
    assert_eq!(units.len(), 24);
    assert_eq!(
        units
            .iter()
            .filter(|u| u.level_label == "Cấp huyện")
            .count(),
        12
    );
    assert_eq!(
        units.iter().filter(|u| u.level_label == "Cơ sở").count(),
        12
    );
    // Every grassroots unit sits under a district-level unit.
    for u in units.iter().filter(|u| u.level_label == "Cơ sở") {
        assert_eq!(u.depth, 1, "{}", u.name);
    }
    let set = s.criteria_current().unwrap();
    assert_eq!(set.body.topics.len(), 7);
    assert_eq!(
        set.body.topics[4].title,
        "Công tác đoàn vụ, đoàn phí năm 2023"
    );

    let o = s.campaign_overview(&campaign).unwrap();
    assert_eq!(o.campaign.theme, "Năm chuyển đổi số các hoạt động của Đoàn");
    assert_eq!(o.visits.len(), 24);
    for st in VisitStatus::ALL {
        assert!(o.visits.iter().any(|v| v.status == st), "a visit {st:?}");
    }
    let party = s
        .list::<Recommendation>()
        .unwrap()
        .into_iter()
        .filter(|r| r.body.authority == Authority::Party && r.body.status == RecStatus::Forwarded)
        .count();
    assert!(party >= 1);
    assert!(s.check().unwrap().ok);
    // Loading it twice is refused and changes nothing.
    let before = s.dump_canonical().unwrap();
    assert_eq!(s.load_demo().unwrap_err().code(), "demo_exists");
    assert_eq!(s.dump_canonical().unwrap(), before);
}

#[test]
fn finding_set_validates_against_the_visits_criteria_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    s.load_demo().unwrap();
    let visit = first_planned_visit(&s);
    let set = s.criteria_current().unwrap().body;
    let pass_fail = set
        .topics
        .iter()
        .flat_map(|t| &t.items)
        .find(|i| i.scale == Scale::PassFail)
        .unwrap();
    let points = set
        .topics
        .iter()
        .flat_map(|t| &t.items)
        .find(|i| i.scale == Scale::Points)
        .unwrap();
    let before = s.dump_canonical().unwrap();

    let bad = |item: &str, rating: Option<Option<Rating>>, pts: Option<Option<f64>>| FindingInput {
        visit_id: visit.clone(),
        item_code: item.into(),
        rating,
        points: pts,
        ..Default::default()
    };
    let e = s
        .finding_set(bad("9.9", Some(Some(Rating::Dat)), None))
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.message(kiemtra_core::Lang::Vi).contains("9.9"));
    let e = s
        .finding_set(bad(&points.code, Some(Some(Rating::Dat)), None))
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let e = s
        .finding_set(bad(&pass_fail.code, None, Some(Some(3.0))))
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let max = points.max_points.unwrap() as f64;
    let e = s
        .finding_set(bad(&points.code, None, Some(Some(max + 1.0))))
        .unwrap_err();
    assert!(e.message(kiemtra_core::Lang::En).contains("between 0 and"));
    assert_eq!(
        s.dump_canonical().unwrap(),
        before,
        "refused input changes nothing"
    );

    let ok = s
        .finding_set(bad(&points.code, None, Some(Some(max))))
        .unwrap();
    assert_eq!(ok.id, finding_id(&visit, &points.code));
    assert_eq!(ok.visit_status, VisitStatus::InProgress);
    // A partial update keeps the other fields.
    s.finding_set(FindingInput {
        visit_id: visit.clone(),
        item_code: points.code.clone(),
        note: Some("Ghi chú".into()),
        ..Default::default()
    })
    .unwrap();
    let f = s.require::<Finding>(&ok.id).unwrap().body;
    assert_eq!((f.points, f.note.as_str()), (Some(max), "Ghi chú"));
}

/// Copy every revision of `from` into `to`, in the given order, as an import would.
/// `to` learns `from`'s key and trusts it, as after a bundle of `from`'s passed the checks:
/// what `check` needs to vouch for `from`'s revisions replayed into `to`.
fn know(to: &mut Store, from: &Store, dir: &tempfile::TempDir) {
    let intro = dir
        .path()
        .join(format!("intro-{}.kiemtra", from.device().id));
    from.export_plain(&intro, None).unwrap();
    crate::common::trust_maker(to, &intro);
}

fn replay(to: &mut Store, revs: &[Revision]) {
    to.write(|w| {
        for r in revs {
            w.apply(r, "test")?;
        }
        Ok(())
    })
    .unwrap();
}

#[test]
fn canonical_dump_is_identical_whatever_the_insertion_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a.db");
    a.load_demo().unwrap();
    let visit = first_planned_visit(&a);
    for (note, rating) in [("lần 1", Rating::ChuaDat), ("lần 2", Rating::Dat)] {
        a.finding_set(FindingInput {
            visit_id: visit.clone(),
            item_code: "5.2".into(),
            rating: Some(Some(rating)),
            note: Some(note.into()),
            ..Default::default()
        })
        .unwrap();
    }
    let revs = a.revisions().unwrap();
    let dump_a = a.dump_canonical().unwrap();
    assert_eq!(dump_a, a.dump_canonical().unwrap(), "two dumps, same bytes");

    let mut reversed = revs.clone();
    reversed.reverse();
    let mut b = open(&dir, "b.db");
    replay(&mut b, &reversed);
    let mut c = open(&dir, "c.db");
    // Interleaved order, and everything twice: applying is idempotent.
    let (even, odd): (Vec<_>, Vec<_>) = revs
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let shuffled: Vec<Revision> = odd.into_iter().chain(even).map(|(_, r)| r).collect();
    replay(&mut c, &shuffled);
    replay(&mut c, &revs);

    assert_ne!(a.device().id, b.device().id);
    assert_eq!(b.dump_canonical().unwrap(), dump_a);
    assert_eq!(c.dump_canonical().unwrap(), dump_a);
    know(&mut b, &a, &dir);
    know(&mut c, &a, &dir);
    assert!(b.check().unwrap().ok && c.check().unwrap().ok);
}

/// A revision may arrive before its parent (a bundle in another order), each recomputed at
/// once: the parent arriving later must not become the head over its stored child, whether
/// the child is an edit or a delete.
#[test]
fn a_parent_arriving_after_its_child_does_not_take_its_place() {
    let dir = tempfile::tempdir().unwrap();
    for (i, delete) in [false, true].into_iter().enumerate() {
        let mut a = open(&dir, &format!("a{i}.db"));
        let id = new_id();
        a.write(|w| Ok(w.put(&id, &unit("Gốc", None))?)).unwrap();
        let mut b = open(&dir, &format!("b{i}.db"));
        replay(&mut b, &a.revisions().unwrap());
        a.write(|w| Ok(w.put(&id, &unit("Sửa lần 1", None))?))
            .unwrap();
        if delete {
            a.write(|w| Ok(w.delete(Unit::KIND, &id)?)).unwrap();
        } else {
            a.write(|w| Ok(w.put(&id, &unit("Sửa lần 2", None))?))
                .unwrap();
        }
        // The unit's (the laptop's card came with the first one).
        let revs: Vec<Revision> = a
            .revisions()
            .unwrap()
            .into_iter()
            .filter(|r| r.kind == Unit::KIND)
            .collect();
        // The newest first, then its parent: both new to b, which has the first revision.
        replay(&mut b, &[revs[2].clone(), revs[1].clone()]);
        assert_eq!(b.dump_canonical().unwrap(), a.dump_canonical().unwrap());
        assert_eq!(
            b.get::<Unit>(&id).unwrap().map(|u| u.body.name),
            a.get::<Unit>(&id).unwrap().map(|u| u.body.name)
        );
        know(&mut b, &a, &dir);
        assert!(b.check().unwrap().ok);
    }
}

#[test]
fn concurrent_edits_pick_the_same_winner_everywhere_and_keep_the_loser() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a.db");
    let id = new_id();
    a.write(|w| Ok(w.put(&id, &unit("Gốc", None))?)).unwrap();
    let mut b = open(&dir, "b.db");
    replay(&mut b, &a.revisions().unwrap());
    a.write(|w| Ok(w.put(&id, &unit("Sửa trên máy A", None))?))
        .unwrap();
    b.write(|w| Ok(w.put(&id, &unit("Sửa trên máy B", None))?))
        .unwrap();
    let (ra, rb) = (a.revisions().unwrap(), b.revisions().unwrap());
    replay(&mut a, &rb);
    replay(&mut b, &ra);
    let (da, db) = (a.dump_canonical().unwrap(), b.dump_canonical().unwrap());
    assert_eq!(da, db);
    let dump: serde_json::Value = serde_json::from_str(&da).unwrap();
    assert_eq!(dump["conflicts"][0]["id"], id.as_str());
    assert_eq!(dump["conflicts"][0]["heads"].as_array().unwrap().len(), 2);
    let h = a.history(&id).unwrap();
    assert_eq!(
        h.iter().filter(|e| e.is_head).count(),
        2,
        "the loser is kept"
    );
    know(&mut a, &b, &dir);
    assert!(a.check().unwrap().ok);
}

#[test]
fn a_tampered_revision_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a.db");
    let id = new_id();
    a.write(|w| Ok(w.put(&id, &unit("Thật", None))?)).unwrap();
    let mut rev = a.revisions().unwrap().remove(0);
    rev.body["name"] = "Giả".into();
    let mut b = open(&dir, "b.db");
    let before = b.dump_canonical().unwrap();
    let err = b.write(|w| Ok(w.apply(&rev, "test")?)).unwrap_err();
    assert_eq!(err.code(), "corrupt");
    assert_eq!(b.dump_canonical().unwrap(), before);
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    {
        let c = rusqlite_conn(&path);
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Store::open(&path).err().expect("refused");
    assert_eq!(err.code(), "schema_too_new");
    assert!(err
        .message(kiemtra_core::Lang::Vi)
        .contains("phiên bản Kiểm tra mới hơn"));
}

fn rusqlite_conn(p: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(p).unwrap()
}

#[test]
fn unit_tree_keeps_any_depth_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    // Post-2025 shape: province → commune → branch.
    let (p, c, b) = (new_id(), new_id(), new_id());
    s.write(|w| {
        w.put(&b, &unit("Chi đoàn thôn 3", Some(&c)))?;
        w.put(&c, &unit("Đoàn xã Gia Viễn", Some(&p)))?;
        Ok(w.put(&p, &unit("Tỉnh đoàn Ninh Bình", None))?)
    })
    .unwrap();
    let t = s.unit_tree().unwrap();
    let names: Vec<(&str, usize)> = t.iter().map(|u| (u.name.as_str(), u.depth)).collect();
    assert_eq!(
        names,
        vec![
            ("Tỉnh đoàn Ninh Bình", 0),
            ("Đoàn xã Gia Viễn", 1),
            ("Chi đoàn thôn 3", 2)
        ]
    );
}

#[test]
fn a_version_1_database_migrates_to_the_same_state() {
    let dir = tempfile::tempdir().unwrap();
    // A database with ordinary records, a merged record and a conflict.
    let mut a = open(&dir, "a.db");
    a.load_demo().unwrap();
    let (merged, conflicted) = (new_id(), new_id());
    a.write(|w| {
        w.put(&merged, &unit("Gốc", None))?;
        Ok(w.put(&conflicted, &unit("Gốc", None))?)
    })
    .unwrap();
    let mut b = open(&dir, "b.db");
    replay(&mut b, &a.revisions().unwrap());
    a.write(|w| {
        let mut u = unit("Gốc", None);
        u.code = "A1".into();
        w.put(&merged, &u)?;
        Ok(w.put(&conflicted, &unit("Sửa trên máy A", None))?)
    })
    .unwrap();
    b.write(|w| {
        let mut u = unit("Gốc", None);
        u.short_name = "B".into();
        w.put(&merged, &u)?;
        Ok(w.put(&conflicted, &unit("Sửa trên máy B", None))?)
    })
    .unwrap();
    replay(&mut a, &b.revisions().unwrap());
    let expect = a.dump_canonical().unwrap();
    assert!(expect.contains("\"A1\"") && expect.contains(&conflicted));

    // The same content written in the version-1 layout (parent edges in their own table,
    // every body copied into `records`), as the first release left it.
    let old = dir.path().join("v1.db");
    {
        let c = rusqlite_conn(&old);
        c.execute_batch(kiemtra_core::schema::MIGRATIONS[0])
            .unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute(
            "ATTACH DATABASE ?1 AS a",
            [dir.path().join("a.db").to_str().unwrap()],
        )
        .unwrap();
        c.execute_batch(
            "INSERT INTO revisions SELECT rev, record_id, kind, generation, parents, device_id,
                    hlc, deleted, body, seq, source FROM a.revisions;
             INSERT INTO rev_parents(rev, parent)
                 SELECT r.rev, p.value FROM a.revisions r, json_each(r.parents) p;
             INSERT INTO records(id, kind, rev, deleted, body, heads, conflict)
                 SELECT id, kind, rev, deleted, body, heads, conflict FROM a.records;",
        )
        .unwrap();
    }
    let s = Store::open(&old).unwrap();
    assert_eq!(
        s.dump_canonical().unwrap(),
        expect,
        "same state after migration"
    );
    assert!(s.check().unwrap().ok);
    // Lists by owner (a visit's findings) read the new indexed column.
    let mut findings = 0;
    for v in a.visit_rows(None).unwrap() {
        let n = a.visit_detail(&v.id).unwrap().findings.len();
        assert_eq!(s.visit_detail(&v.id).unwrap().findings.len(), n);
        findings += n;
    }
    assert!(findings > 300);
}

/// A revision from a laptop whose clock reads the last millisecond of year 9999, its counter
/// full: taken in, and this laptop's later edits are still stamped near its own clock.
#[test]
fn a_clock_from_year_9999_neither_panics_nor_moves_later_edits() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a.db");
    let id = new_id();
    a.write(|w| Ok(w.put(&id, &unit("Tương lai", None))?))
        .unwrap();
    let mut rev = a.revisions().unwrap().remove(0);
    rev.hlc = "9999-12-31T23:59:59.999Z#4294967295".into();
    rev.rev = Revision::compute_rev(
        &rev.id,
        &rev.kind,
        1,
        &rev.parents,
        &rev.device,
        &rev.person,
        &rev.hlc,
        rev.deleted,
        &rev.body,
    );
    // Signed by its laptop, as a laptop with that clock would have.
    rev.sig = Some(a.sign_revision(&rev.rev).unwrap());
    let mut b = open(&dir, "b.db");
    let intro = dir.path().join("a-intro.kiemtra");
    a.export_plain(&intro, None).unwrap();
    crate::common::trust_maker(&mut b, &intro);
    assert!(b.write(|w| Ok(w.apply(&rev, "test")?)).unwrap());

    let before = kiemtra_core::hlc::Hlc::now_millis();
    let mine = new_id();
    b.write(|w| Ok(w.put(&mine, &unit("Hôm nay", None))?))
        .unwrap();
    let stamped = b
        .history(&mine)
        .unwrap()
        .into_iter()
        .map(|h| kiemtra_core::hlc::Hlc::parse(&h.hlc).unwrap())
        .next()
        .unwrap();
    let day = kiemtra_core::hlc::MAX_AHEAD_MILLIS;
    assert!(
        stamped.millis >= before && stamped.millis <= kiemtra_core::hlc::Hlc::now_millis() + day,
        "stamped {stamped:?}"
    );
    // An edit of the far-future record itself still works and is ordered after it.
    b.write(|w| Ok(w.put(&id, &unit("Tương lai đã sửa", None))?))
        .unwrap();
    assert!(b.check().unwrap().ok);
}

/// A bundle holding a revision made on a clock years ahead: imported, counted in the report,
/// and marked in history; a revision on a sane clock is not.
#[test]
fn revisions_from_a_clock_far_ahead_are_counted_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a.db");
    let sane = new_id();
    a.write(|w| Ok(w.put(&sane, &unit("Hôm nay", None))?))
        .unwrap();
    let mut rev = a.revisions().unwrap().remove(0);
    let ahead = new_id();
    rev.id = ahead.clone();
    rev.hlc = "2999-01-01T00:00:00.000Z#0000".into();
    rev.rev = Revision::compute_rev(
        &rev.id,
        &rev.kind,
        1,
        &rev.parents,
        &rev.device,
        &rev.person,
        &rev.hlc,
        rev.deleted,
        &rev.body,
    );
    rev.sig = Some(a.sign_revision(&rev.rev).unwrap());
    a.write(|w| Ok(w.apply(&rev, "test")?)).unwrap();
    let bundle = dir.path().join("a.kiemtra");
    a.export_plain(&bundle, None).unwrap();

    let mut b = open(&dir, "b.db");
    crate::common::trust_maker(&mut b, &bundle);
    let rep = b.import_bundle(&bundle, false).unwrap();
    // The two units and the laptop's card.
    assert_eq!((rep.new_revisions, rep.clock_ahead), (3, 1));
    assert!(b.history(&ahead).unwrap()[0].clock_ahead);
    assert!(!b.history(&sane).unwrap()[0].clock_ahead);
}

/// A database as the version before signed revisions left it (schema 4: no `sig` or `person`
/// columns, no laptop cards): it opens with its history intact, this laptop's own revisions
/// signed (ids unchanged), other laptops' kept and counted as not verifiable, and its bundles
/// import elsewhere.
#[test]
fn a_database_from_before_signatures_opens_with_its_history_intact_and_signed() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(&dir, "a.db");
    a.load_demo().unwrap();
    // One revision another laptop made, imported back then (no signature).
    let other = new_id();
    let mut u = a
        .revisions()
        .unwrap()
        .into_iter()
        .find(|r| r.kind == Unit::KIND)
        .unwrap();
    u.id = new_id();
    u.device = other.clone();
    u.rev = Revision::compute_rev(
        &u.id,
        &u.kind,
        1,
        &[],
        &u.device,
        "",
        &u.hlc,
        false,
        &u.body,
    );
    u.sig = None;
    a.write(|w| Ok(w.apply(&u, "import:old")?)).unwrap();
    let expect = a.dump_canonical().unwrap();
    let revs = a.revisions().unwrap().len();
    let me = a.device().id.clone();
    drop(a);

    // The same file in the old shape: the new columns and the laptop's card gone, user_version 4.
    let old = dir.path().join("v4.db");
    {
        let c = rusqlite_conn(&old);
        for m in &kiemtra_core::schema::MIGRATIONS[..4] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 4).unwrap();
        c.execute(
            "ATTACH DATABASE ?1 AS a",
            [dir.path().join("a.db").to_str().unwrap()],
        )
        .unwrap();
        c.execute_batch(
            "INSERT INTO revisions SELECT rev, record_id, kind, generation, parents, device_id,
                    hlc, deleted, body, seq, source FROM a.revisions WHERE kind <> 'device';
             INSERT INTO record_state
                 SELECT id, kind, rev, deleted, heads, conflict, merged, owner
                 FROM a.record_state WHERE kind <> 'device';
             INSERT INTO devices SELECT id, name, public_key, first_seen, is_self FROM a.devices;
             DELETE FROM meta;
             INSERT INTO meta SELECT * FROM a.meta WHERE key <> 'revisions_signed';",
        )
        .unwrap();
    }
    let mut s = Store::open(&old).unwrap();
    assert_eq!(s.device().id, me, "the same laptop");
    let unsigned: i64 = s
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM revisions WHERE sig IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        unsigned, 1,
        "only the other laptop's revision stays unsigned"
    );
    let r = s.check().unwrap();
    assert!(r.ok, "{:?} {:?}", r.problems, r.violations);
    assert_eq!((r.revisions, r.unsigned), (revs - 1, 1));
    // Its history as it was: every record and revision id, less the card it did not have.
    let without_card = |d: &str| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(d).unwrap();
        v["records"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["kind"] != "device");
        v
    };
    assert_eq!(
        without_card(&s.dump_canonical().unwrap()),
        without_card(&expect)
    );

    // It works on: an edit comes with the laptop's card, and its bundle imports elsewhere
    // (the other laptop's old revision is one the receiver has never seen: refused, as every
    // unverifiable revision is; a campaign bundle does not carry it).
    let campaign = s.list::<Campaign>().unwrap().remove(0).id;
    s.write(|w| {
        let mut c = w.get::<Campaign>(&campaign)?.unwrap().body;
        c.theme = "Sau khi cập nhật".into();
        Ok(w.put(&campaign, &c)?)
    })
    .unwrap();
    let f = dir.path().join("v4.kiemtra");
    s.export_plain(&f, Some(&campaign)).unwrap();
    let mut b = open(&dir, "b.db");
    crate::common::trust_maker(&mut b, &f);
    let rep = b.import_bundle(&f, false).unwrap();
    assert!(rep.new_revisions > 400);
    assert!(b.check().unwrap().ok);
    let all = dir.path().join("v4-all.kiemtra");
    s.export_plain(&all, None).unwrap();
    let err = b.import_bundle(&all, false).unwrap_err();
    assert!(err
        .message(kiemtra_core::Lang::En)
        .contains("made before signatures"));
}

/// The campaign list counts visits from the store's summary column: it follows edits and
/// cancellations, `check` notices a summary that disagrees with its body, and an opening
/// whose summary fields differ from the file's refills it.
#[test]
fn campaign_counts_come_from_summaries_that_follow_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let campaign = s.load_demo().unwrap();
    let counted = |s: &Store| {
        let rows = s.visit_rows(Some(&campaign)).unwrap();
        let signed = rows
            .iter()
            .filter(|v| v.status == VisitStatus::Signed)
            .count();
        (rows.len(), signed)
    };
    let listed = |s: &Store| {
        let c = s
            .campaign_summaries()
            .unwrap()
            .into_iter()
            .find(|c| c.id == campaign)
            .unwrap();
        (c.visit_count, c.status_counts.signed)
    };
    assert_eq!(listed(&s), counted(&s));
    assert!(listed(&s).1 > 0, "the demo has signed minutes");

    // A planned visit started elsewhere in the body, and one cancelled.
    let planned = first_planned_visit(&s);
    let mut v = s.require::<Visit>(&planned).unwrap().body;
    v.status = VisitStatus::InProgress;
    s.write(|w| Ok(w.put(&planned, &v)?)).unwrap();
    let other = first_planned_visit(&s);
    s.visit_cancel(&other, "Đơn vị đã sáp nhập").unwrap();
    let (visits, _) = listed(&s);
    assert_eq!(listed(&s), counted(&s));
    assert_eq!(visits, 23, "the cancelled visit is not counted");
    let c = s
        .campaign_summaries()
        .unwrap()
        .into_iter()
        .find(|c| c.id == campaign)
        .unwrap();
    let rows = s.visit_rows(Some(&campaign)).unwrap();
    let in_progress = rows
        .iter()
        .filter(|v| v.status == VisitStatus::InProgress)
        .count();
    assert_eq!(c.status_counts.in_progress, in_progress);
    assert!(s.check().unwrap().ok);

    // A summary that no longer says what the body does is a problem for `check`...
    s.conn()
        .execute(
            "UPDATE record_state SET summary = '{\"status\":\"signed\",\"unit_id\":\"x\"}'
             WHERE id = ?1",
            [&planned],
        )
        .unwrap();
    let report = s.check().unwrap();
    assert!(
        !report.ok && report.problems.iter().any(|p| p.contains(&planned)),
        "{:?}",
        report.problems
    );
    // ...and an opening by a build with other summary fields fills the column again.
    s.conn()
        .execute(
            "UPDATE meta SET value = 'visit:status' WHERE key = 'summary_fields'",
            [],
        )
        .unwrap();
    drop(s);
    let s = open(&dir, "a.db");
    assert!(s.check().unwrap().ok);
    assert_eq!(listed(&s), counted(&s));
}

/// The unit tree is kept between calls while no unit changes: an edit here, or
/// another process writing the same file (the CLI beside the app) each show at once.
#[test]
fn the_kept_unit_tree_follows_every_unit_change_in_any_process() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = open(&dir, "a.db");
    let top = new_id();
    app.write(|w| Ok(w.put(&top, &unit("Tỉnh đoàn Ninh Bình", None))?))
        .unwrap();
    let names =
        |s: &Store| -> Vec<String> { s.unit_tree().unwrap().into_iter().map(|u| u.name).collect() };
    assert_eq!(names(&app), ["Tỉnh đoàn Ninh Bình"]);
    // Here.
    let child = new_id();
    app.write(|w| Ok(w.put(&child, &unit("Huyện đoàn Yên Mô", Some(&top)))?))
        .unwrap();
    assert_eq!(names(&app), ["Tỉnh đoàn Ninh Bình", "Huyện đoàn Yên Mô"]);
    // A write of another kind leaves the tree as it was.
    let campaign = app.load_demo().unwrap();
    assert!(!campaign.is_empty());
    let before = names(&app);
    // Another process on the same file.
    let mut cli = open(&dir, "a.db");
    cli.write(|w| Ok(w.put(&child, &unit("Huyện đoàn Yên Mô (mới)", Some(&top)))?))
        .unwrap();
    let after = names(&app);
    assert_ne!(before, after);
    assert!(
        after.contains(&"Huyện đoàn Yên Mô (mới)".to_string()),
        "{after:?}"
    );
    assert!(!after.contains(&"Huyện đoàn Yên Mô".to_string()));
}
