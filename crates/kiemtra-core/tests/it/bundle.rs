//! Bundles between laptops: convergence, conflicts and their resolution, and every kind of
//! bad file refused with the database unchanged.

use crate::common::{read_zip, write_zip};
use kiemtra_core::Localize;

use std::path::{Path, PathBuf};

use kiemtra_core::model::VisitStatus;
use kiemtra_core::store::Revision;
use kiemtra_core::sync::conflicts::Resolution;
use kiemtra_core::visit::FindingInput;
use kiemtra_core::{Lang, Store};

struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self, name: &str) -> Store {
        Store::open(&self.dir.path().join(format!("{name}.db"))).unwrap()
    }
    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn note(s: &mut Store, visit: &str, item: &str, note: Option<&str>, explanation: Option<&str>) {
    s.finding_set(FindingInput {
        visit_id: visit.into(),
        item_code: item.into(),
        note: note.map(str::to_string),
        explanation: explanation.map(str::to_string),
        ..Default::default()
    })
    .unwrap();
}

/// The secretariat imports what laptops a and b made (as a.kiemtra, b.kiemtra).
fn gather(lab: &Lab, hq: &mut Store, a: &Store, b: &Store) {
    for (s, name) in [(a, "a.kiemtra"), (b, "b.kiemtra")] {
        let f = lab.file(name);
        s.export_plain(&f, None).unwrap();
        hq.import_bundle(&f, false).unwrap();
    }
}

/// The secretariat sends the demo campaign out to two laptops, which edit concurrently.
fn campaign_on_three(lab: &Lab) -> (Store, Store, Store, String) {
    campaign_on_three_with(lab, |_, _| {})
}

/// `campaign_on_three`, with `prepare` run on the secretariat (given the visit the laptops
/// will edit) before the campaign goes out.
fn campaign_on_three_with(
    lab: &Lab,
    prepare: impl FnOnce(&mut Store, &str),
) -> (Store, Store, Store, String) {
    let mut hq = lab.db("hq");
    let campaign = hq.load_demo().unwrap();
    let visit = hq
        .visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap()
        .id;
    prepare(&mut hq, &visit);
    let (mut a, mut b) = (lab.db("a"), lab.db("b"));
    for s in [&a, &b] {
        crate::common::enrol(&mut hq, s, &campaign, lab.dir.path());
    }
    let out = lab.file("campaign.kiemtra");
    let r = hq.export_plain(&out, Some(&campaign)).unwrap();
    assert!(r.revisions > 400);
    for s in [&mut a, &mut b] {
        let rep = s.import_bundle(&out, false).unwrap();
        assert!(rep.new_device);
        assert_eq!(rep.new_revisions, r.revisions);
    }
    (hq, a, b, visit)
}

#[test]
fn three_laptops_converge_whatever_the_order_and_conflicts_match() {
    let lab = Lab::new();
    let (mut hq, mut a, mut b, visit) = campaign_on_three(&lab);
    // Different fields of one finding: merged. The same field: a conflict.
    note(&mut a, &visit, "5.2", Some("Máy A ghi nhận"), None);
    note(&mut b, &visit, "5.2", None, Some("Máy B ghi giải trình"));
    note(&mut a, &visit, "5.3", Some("Ý kiến A"), None);
    note(&mut b, &visit, "5.3", Some("Ý kiến B"), None);
    let (fa, fb) = (lab.file("a.kiemtra"), lab.file("b.kiemtra"));
    a.export_plain(&fa, None).unwrap();
    b.export_plain(&fb, None).unwrap();

    a.import_bundle(&fb, false).unwrap();
    b.import_bundle(&fa, false).unwrap();
    hq.import_bundle(&fb, false).unwrap();
    hq.import_bundle(&fa, false).unwrap();
    // Importing again changes nothing.
    let before = hq.dump_canonical().unwrap();
    let again = hq.import_bundle(&fa, false).unwrap();
    assert_eq!(again.new_revisions, 0);
    assert_eq!(hq.dump_canonical().unwrap(), before);

    let dumps: Vec<String> = [&a, &b, &hq]
        .iter()
        .map(|s| s.dump_canonical().unwrap())
        .collect();
    assert_eq!(dumps[0], dumps[1]);
    assert_eq!(dumps[1], dumps[2]);

    let merged = a.visit_detail(&visit).unwrap().findings["5.2"].clone();
    assert_eq!(merged.note, "Máy A ghi nhận");
    assert_eq!(merged.explanation, "Máy B ghi giải trình");

    let conflicts: Vec<Vec<String>> = [&a, &b, &hq]
        .iter()
        .map(|s| {
            s.conflicts()
                .unwrap()
                .iter()
                .map(|c| c.id.clone())
                .collect()
        })
        .collect();
    assert_eq!(conflicts[0].len(), 1);
    assert!(conflicts.iter().all(|c| *c == conflicts[0]));
    let c = &hq.conflicts().unwrap()[0];
    assert_eq!(
        c.fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        vec!["note"]
    );
    assert!(c.versions.iter().any(|v| v.body["note"] == "Ý kiến A"));
    assert!(c.versions.iter().any(|v| v.body["note"] == "Ý kiến B"));
    assert!(hq.check().unwrap().ok);
}

#[test]
fn a_conflict_shows_the_text_before_the_edits_and_takes_a_merged_text() {
    let lab = Lab::new();
    let (mut hq, mut a, mut b, visit) = campaign_on_three_with(&lab, |hq, visit| {
        note(hq, visit, "5.3", Some("Sổ đoàn viên đủ."), Some("Chưa có"))
    });
    note(
        &mut a,
        &visit,
        "5.3",
        Some("Sổ đoàn viên đủ; 3 sổ chưa ghi nhận xét."),
        None,
    );
    note(
        &mut b,
        &visit,
        "5.3",
        Some("Sổ đoàn viên đủ, quản lý tại văn phòng."),
        None,
    );
    // A third edit on a before it sends: the ancestor is still the secretariat's text.
    note(
        &mut a,
        &visit,
        "5.3",
        Some("Sổ đoàn viên đủ; 3 sổ chưa ghi nhận xét năm 2023."),
        None,
    );
    gather(&lab, &mut hq, &a, &b);
    let c = hq.conflicts().unwrap().remove(0);
    let first = hq.history(&c.id).unwrap().remove(0);
    let ancestor = c.ancestor.as_ref().expect("a common ancestor");
    assert_eq!(ancestor.rev, first.rev);
    assert_eq!(ancestor.body["note"], "Sổ đoàn viên đủ.");
    let f = c.fields.iter().find(|f| f.field == "note").unwrap();
    assert_eq!(f.ancestor, "Sổ đoàn viên đủ.");
    assert!(f.text, "a note is prose to merge by hand");
    assert_eq!(f.values.len(), 2);

    // The secretariat writes its own text from both and saves it.
    let merged = "Sổ đoàn viên đủ, quản lý tại văn phòng; 3 sổ chưa ghi nhận xét năm 2023.";
    let mut fields = serde_json::Map::new();
    fields.insert("note".into(), merged.into());
    let rev = hq.resolve(&c.id, Resolution::Fields(fields)).unwrap();
    assert!(hq.conflicts().unwrap().is_empty());
    assert_eq!(
        hq.visit_detail(&visit).unwrap().findings["5.3"].note,
        merged
    );
    let last = hq.history(&c.id).unwrap().pop().unwrap();
    assert_eq!(last.rev, rev);
    assert_eq!(last.parents.len(), 2);
    assert_eq!(last.body["note"], merged);
    assert_eq!(
        last.body["explanation"], "Chưa có",
        "other fields as they were"
    );

    // A finding two laptops created independently has no earlier text to show.
    note(&mut a, &visit, "5.4", Some("Ý kiến A"), None);
    note(&mut b, &visit, "5.4", Some("Ý kiến B"), None);
    gather(&lab, &mut hq, &a, &b);
    let c = hq.conflicts().unwrap().remove(0);
    assert!(c.ancestor.is_none());
    assert!(c.fields.iter().all(|f| f.ancestor.is_null()));
}

#[test]
fn a_resolution_spreads_like_any_edit() {
    let lab = Lab::new();
    let (mut hq, mut a, mut b, visit) = campaign_on_three(&lab);
    note(&mut a, &visit, "5.3", Some("Ý kiến A"), None);
    note(&mut b, &visit, "5.3", Some("Ý kiến B"), None);
    gather(&lab, &mut hq, &a, &b);
    let c = hq.conflicts().unwrap().remove(0);
    let mut fields = serde_json::Map::new();
    fields.insert("note".into(), "Ý kiến A; Ý kiến B".into());
    hq.resolve(&c.id, Resolution::Fields(fields)).unwrap();
    assert!(hq.conflicts().unwrap().is_empty());
    assert_eq!(hq.history(&c.id).unwrap().last().unwrap().parents.len(), 2);

    let fh = lab.file("hq.kiemtra");
    hq.export_plain(&fh, None).unwrap();
    for s in [&mut a, &mut b] {
        s.import_bundle(&fh, false).unwrap();
        assert!(s.conflicts().unwrap().is_empty());
        assert_eq!(
            s.visit_detail(&visit).unwrap().findings["5.3"].note,
            "Ý kiến A; Ý kiến B"
        );
    }
    assert_eq!(a.dump_canonical().unwrap(), hq.dump_canonical().unwrap());
    assert_eq!(b.dump_canonical().unwrap(), hq.dump_canonical().unwrap());
    // Keeping one version works too, and a record without conflict is refused.
    assert_eq!(
        hq.resolve(&c.id, Resolution::Keep(c.winner.clone()))
            .unwrap_err()
            .code(),
        "no_conflict"
    );
}

/// A field by field resolution may take a field that only a losing version has (a
/// campaign's report settings, left out of the JSON while unset).
#[test]
fn a_resolution_takes_a_field_only_another_version_has() {
    use kiemtra_core::model::ReportSettings;
    use kiemtra_core::setup::CampaignPatch;
    let lab = Lab::new();
    let (mut hq, mut a, mut b, _) = campaign_on_three(&lab);
    let campaign = a.campaign_summaries().unwrap().remove(0).id;
    let settings = ReportSettings {
        signer_name: "Nguyễn Văn Bình".into(),
        ..Default::default()
    };
    let theme = |t: &str| CampaignPatch {
        theme: Some(t.into()),
        ..Default::default()
    };
    a.campaign_update(
        &campaign,
        CampaignPatch {
            report: Some(Some(settings.clone())),
            ..theme("Chuyển đổi số (A)")
        },
    )
    .unwrap();
    // Two edits on B: the longer history wins, and it has no report settings.
    b.campaign_update(&campaign, theme("Chuyển đổi số"))
        .unwrap();
    b.campaign_update(&campaign, theme("Chuyển đổi số (B)"))
        .unwrap();
    gather(&lab, &mut hq, &a, &b);
    let c = hq.conflict(&campaign).unwrap();
    let winner = c.versions.iter().find(|v| v.is_winner).unwrap();
    assert!(winner.body.get("report").is_none(), "{:?}", winner.body);
    let mut fields = serde_json::Map::new();
    fields.insert("theme".into(), "Chuyển đổi số (A); (B)".into());
    fields.insert("report".into(), serde_json::to_value(&settings).unwrap());
    hq.resolve(&campaign, Resolution::Fields(fields)).unwrap();
    let now = hq
        .require::<kiemtra_core::model::Campaign>(&campaign)
        .unwrap()
        .body;
    assert_eq!(now.theme, "Chuyển đổi số (A); (B)");
    assert_eq!(now.report, Some(settings));
    assert!(hq.conflicts().unwrap().is_empty());
}

/// Taking, field by field, the value of a version that lacks a field (a visit's attendees,
/// left out while there are none) leaves the field out.
#[test]
fn a_resolution_takes_the_absence_of_a_field_too() {
    use kiemtra_core::model::{Attendee, Side};
    use kiemtra_core::visit::VisitPatch;
    let lab = Lab::new();
    let (mut hq, mut a, mut b, visit) = campaign_on_three(&lab);
    let assess = |t: &str| VisitPatch {
        assessment: Some(t.into()),
        ..Default::default()
    };
    a.visit_update(
        &visit,
        VisitPatch {
            attendees: Some(vec![Attendee {
                name: "Đinh Văn Hùng".into(),
                position: "Bí thư Đoàn xã".into(),
                side: Side::Unit,
            }]),
            ..assess("Ý kiến A")
        },
    )
    .unwrap();
    a.visit_update(&visit, assess("Ý kiến A, sửa lại")).unwrap();
    b.visit_update(&visit, assess("Ý kiến B")).unwrap();
    gather(&lab, &mut hq, &a, &b);
    let c = hq.conflict(&visit).unwrap();
    let attendees = c.fields.iter().find(|f| f.field == "attendees").unwrap();
    let empty = attendees.values.iter().position(|v| v.is_null()).unwrap();
    assert!(!c.versions[empty].is_winner, "the winner has the attendees");
    let mut fields = serde_json::Map::new();
    fields.insert("attendees".into(), serde_json::Value::Null);
    fields.insert("assessment".into(), "Ý kiến B".into());
    hq.resolve(&visit, Resolution::Fields(fields)).unwrap();
    let v = hq
        .require::<kiemtra_core::model::Visit>(&visit)
        .unwrap()
        .body;
    assert!(v.attendees.is_empty());
    assert_eq!(v.assessment, "Ý kiến B");
    assert!(hq.check().unwrap().ok);
}

#[test]
fn a_resolution_refuses_a_field_no_version_has() {
    let lab = Lab::new();
    let (mut hq, mut a, mut b, visit) = campaign_on_three(&lab);
    note(&mut a, &visit, "5.3", Some("Ý kiến A"), None);
    note(&mut b, &visit, "5.3", Some("Ý kiến B"), None);
    gather(&lab, &mut hq, &a, &b);
    let c = hq.conflicts().unwrap().remove(0);
    let before = hq.dump_canonical().unwrap();
    let mut fields = serde_json::Map::new();
    fields.insert("ghi_chu_la".into(), "x".into());
    let err = hq.resolve(&c.id, Resolution::Fields(fields)).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.message(Lang::Vi).contains("ghi_chu_la"));
    assert_eq!(hq.dump_canonical().unwrap(), before);
}

/// An import counts the conflicts it makes, not those it finds: a third laptop's version of
/// a record already in conflict is no new conflict.
#[test]
fn an_import_counts_only_the_conflicts_it_makes() {
    let lab = Lab::new();
    let (mut hq, mut a, mut b, visit) = campaign_on_three(&lab);
    let mut c = lab.db("c");
    let campaign = hq_campaign(&hq);
    crate::common::enrol(&mut hq, &c, &campaign, lab.dir.path());
    hq.export_plain(&lab.file("campaign.kiemtra"), None)
        .unwrap();
    c.import_bundle(&lab.file("campaign.kiemtra"), false)
        .unwrap();
    for (s, words) in [
        (&mut a, "Ý kiến A"),
        (&mut b, "Ý kiến B"),
        (&mut c, "Ý kiến C"),
    ] {
        note(s, &visit, "5.3", Some(words), None);
    }
    let mut counts = Vec::new();
    for (s, name) in [(&a, "a"), (&b, "b"), (&c, "c")] {
        let f = lab.file(&format!("{name}.kiemtra"));
        s.export_plain(&f, None).unwrap();
        counts.push(hq.import_bundle(&f, false).unwrap().new_conflicts);
    }
    assert_eq!(counts, [0, 1, 0]);
    assert_eq!(hq.conflicts().unwrap().len(), 1);
    assert_eq!(hq.conflicts().unwrap()[0].versions.len(), 3);
}

#[test]
fn a_dry_run_counts_but_writes_nothing() {
    let lab = Lab::new();
    let mut hq = lab.db("hq");
    hq.load_demo().unwrap();
    let f = lab.file("all.kiemtra");
    hq.export_plain(&f, None).unwrap();
    let mut x = lab.db("x");
    crate::common::trust_maker(&mut x, &f);
    let before = x.dump_canonical().unwrap();
    let devices = x.devices().unwrap().len();
    let r = x.import_bundle(&f, true).unwrap();
    assert!(r.dry_run && r.new_revisions > 400);
    assert_eq!(x.dump_canonical().unwrap(), before);
    assert_eq!(
        x.devices().unwrap().len(),
        devices,
        "no laptop learnt from a dry run"
    );
}

// ---------- bad bundles ----------

fn hq_campaign(hq: &Store) -> String {
    hq.list::<kiemtra_core::model::Campaign>()
        .unwrap()
        .remove(0)
        .id
}

fn good_bundle(lab: &Lab) -> PathBuf {
    let f = lab.file("good.kiemtra");
    if f.exists() {
        return f;
    }
    let mut hq = lab.db("source");
    hq.load_demo().unwrap();
    hq.export_plain(&f, None).unwrap();
    f
}

fn refused(lab: &Lab, file: &Path, code: &str, words: &str) {
    let mut s = lab.db("target");
    let before = s.dump_canonical().unwrap();
    let err = s.import_bundle(file, false).unwrap_err();
    assert_eq!(err.code(), code, "{}", err.message(Lang::En));
    let msg = err.message(Lang::Vi);
    assert!(msg.contains(words), "expected {words:?} in {msg:?}");
    assert_eq!(s.dump_canonical().unwrap(), before, "nothing changed");
    assert!(s.check().unwrap().ok);
}

fn edit(lab: &Lab, name: &str, f: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> PathBuf {
    let good = good_bundle(lab);
    let mut e = read_zip(&good);
    f(&mut e);
    let out = lab.file(name);
    write_zip(&out, &e);
    out
}

#[test]
fn a_truncated_file_is_refused() {
    let lab = Lab::new();
    let good = good_bundle(&lab);
    let bytes = std::fs::read(&good).unwrap();
    let cut = lab.file("cut.kiemtra");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(&lab, &cut, "bad_bundle", "không phải tệp gói dữ liệu");
}

#[test]
fn a_file_that_is_not_a_bundle_is_refused() {
    let lab = Lab::new();
    let f = lab.file("note.kiemtra");
    std::fs::write(&f, "Đây là biên bản, không phải gói dữ liệu").unwrap();
    refused(&lab, &f, "bad_bundle", "không phải tệp gói dữ liệu");
}

#[test]
fn a_changed_byte_is_refused() {
    let lab = Lab::new();
    let f = edit(&lab, "changed.kiemtra", |e| {
        let rev = e.iter_mut().find(|(n, _)| n == "revisions.jsonl").unwrap();
        let pos = rev
            .1
            .windows(4)
            .position(|w| w == &"Đoàn".as_bytes()[..4])
            .unwrap();
        rev.1[pos + 3] ^= 0x01; // "Đoàn" → "Đoàm"-ish: one byte
    });
    refused(&lab, &f, "bad_bundle", "SHA-256");
}

#[test]
fn a_bad_or_missing_signature_is_refused() {
    let lab = Lab::new();
    let f = edit(&lab, "badsig.kiemtra", |e| {
        let m = e.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
        let text = String::from_utf8(m.1.clone())
            .unwrap()
            .replace("\"inspector\": \"", "\"inspector\": \"X");
        m.1 = text.into_bytes();
    });
    refused(&lab, &f, "bad_signature", "Chữ ký");
    let f = edit(&lab, "nosig.kiemtra", |e| {
        e.retain(|(n, _)| n != "signature.json")
    });
    refused(&lab, &f, "bad_bundle", "signature.json");
}

#[test]
fn a_newer_format_is_refused() {
    let lab = Lab::new();
    let f = edit(&lab, "newer.kiemtra", |e| {
        let m = e.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
        let text = String::from_utf8(m.1.clone())
            .unwrap()
            .replace("\"format_version\": 2", "\"format_version\": 7");
        m.1 = text.into_bytes();
    });
    refused(&lab, &f, "bundle_too_new", "phiên bản Kiểm tra mới hơn");
}

/// A bundle of the format before signed revisions (today's laptops that were not updated)
/// is refused with what to do, before anything else is looked at.
#[test]
fn a_bundle_from_before_signatures_says_to_update_the_laptop_that_made_it() {
    let lab = Lab::new();
    let f = edit(&lab, "older.kiemtra", |e| {
        let m = e.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
        let text = String::from_utf8(m.1.clone())
            .unwrap()
            .replace("\"format_version\": 2", "\"format_version\": 1");
        m.1 = text.into_bytes();
    });
    refused(
        &lab,
        &f,
        "bundle_too_old",
        "cập nhật Kiểm tra trên máy đã tạo gói",
    );
}

/// Bundles declare the data version, not the local schema: a build whose only newer
/// migration is a local index (the search index's, 4) still speaks to older ones.
#[test]
fn bundles_declare_the_data_version_and_refuse_a_newer_one() {
    use kiemtra_core::schema::DATA_VERSION;
    let lab = Lab::new();
    let good = good_bundle(&lab);
    let entries = read_zip(&good);
    let manifest: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert_eq!(manifest["schema_version"], DATA_VERSION);
    assert!(DATA_VERSION <= kiemtra_core::schema_version());
    let newer = format!("\"schema_version\": {}", DATA_VERSION + 1);
    let f = edit(&lab, "newer-data.kiemtra", |e| {
        let m = e.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
        let text = String::from_utf8(m.1.clone())
            .unwrap()
            .replace(&format!("\"schema_version\": {DATA_VERSION}"), &newer);
        m.1 = text.into_bytes();
    });
    assert!(String::from_utf8(
        read_zip(&f)
            .into_iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1
    )
    .unwrap()
    .contains(&newer));
    refused(&lab, &f, "bundle_too_new", "phiên bản Kiểm tra mới hơn");
}

#[test]
fn entry_paths_that_escape_are_refused() {
    let lab = Lab::new();
    let f = edit(&lab, "escape.kiemtra", |e| {
        e.push(("../../.bashrc".into(), b"echo pwned".to_vec()))
    });
    refused(&lab, &f, "bad_bundle", "../../.bashrc");
}

#[test]
fn a_zip_bomb_is_refused() {
    let lab = Lab::new();
    let f = edit(&lab, "bomb.kiemtra", |e| {
        let rev = e.iter_mut().find(|(n, _)| n == "revisions.jsonl").unwrap();
        rev.1 = vec![b' '; 64 << 20];
    });
    refused(&lab, &f, "bad_bundle", "zip bomb");
}

#[test]
fn a_revision_that_fails_validation_is_refused() {
    let lab = Lab::new();
    // A laptop whose database holds a revision that is well signed but not a finding.
    let mut src = lab.db("src");
    src.load_demo().unwrap();
    let body = serde_json::json!({ "visit_id": "x", "item_code": "1.1", "points": -5.0 });
    let id = kiemtra_core::ids::new_id();
    let hlc = "2023-11-07T08:00:00.000Z#0000";
    let dev = src.device().id.clone();
    let rev = Revision::compute_rev(&id, "finding", 1, &[], &dev, "", hlc, false, &body);
    let bad = Revision {
        id,
        kind: "finding".into(),
        rev,
        parents: vec![],
        device: dev,
        person: String::new(),
        hlc: hlc.into(),
        deleted: false,
        body,
        sig: None,
    };
    // Bypass the writer's checks as a broken or hostile build might.
    src.conn()
        .execute(
            "INSERT INTO revisions(rev, record_id, kind, generation, parents, device_id, hlc, deleted, body, seq)
             VALUES (?1, ?2, 'finding', 1, '[]', ?3, ?4, 0, ?5, 1000000)",
            rusqlite::params![bad.rev, bad.id, bad.device, bad.hlc, bad.body.to_string()],
        )
        .unwrap();
    let f = lab.file("invalid.kiemtra");
    src.export_plain(&f, None).unwrap();
    refused(&lab, &f, "bad_bundle", "không hợp lệ");
}

#[test]
fn a_revision_that_changes_a_records_kind_is_refused() {
    let lab = Lab::new();
    // Well-signed bundles holding a "unit" revision on a visit's id: once as a second first
    // revision, once as an edit on top of the visit's current revision.
    for (name, as_child) in [("root.kiemtra", false), ("child.kiemtra", true)] {
        let mut src = lab.db(name);
        src.load_demo().unwrap();
        let unit = src.list::<kiemtra_core::model::Unit>().unwrap().remove(0);
        let visit = src.visit_rows(None).unwrap().remove(0).id;
        let current = src.history(&visit).unwrap().pop().unwrap();
        let body = serde_json::to_value(&unit.body).unwrap();
        let (parents, generation) = if as_child {
            (vec![current.rev.clone()], current.generation + 1)
        } else {
            (vec![], 1)
        };
        let hlc = "2023-11-07T08:00:00.000Z#0000";
        let dev = src.device().id.clone();
        let rev = Revision::compute_rev(
            &visit, "unit", generation, &parents, &dev, "", hlc, false, &body,
        );
        src.conn()
            .execute(
                "INSERT INTO revisions(rev, record_id, kind, generation, parents, device_id, hlc, deleted, body, seq)
                 VALUES (?1, ?2, 'unit', ?3, ?4, ?5, ?6, 0, ?7, 1000000)",
                rusqlite::params![
                    rev,
                    visit,
                    generation as i64,
                    serde_json::to_string(&parents).unwrap(),
                    dev,
                    hlc,
                    kiemtra_core::canonical::to_string(&body)
                ],
            )
            .unwrap();
        let f = lab.file(name);
        src.export_plain(&f, None).unwrap();
        refused(&lab, &f, "bad_bundle", "nhưng bản ghi này là \"visit\"");
    }
}
