//! Search: diacritics, đ/d and case ignored; the index follows edits, deletions and imports
//! without any work on the write path; user text is never FTS syntax.

use kiemtra_core::ids::{finding_id, new_id};
use kiemtra_core::model::*;
use kiemtra_core::search::{Place, SearchHit, SearchOptions, ITEM_TITLE};
use kiemtra_core::visit::{FindingInput, RecommendationInput};
use kiemtra_core::Localize;
use kiemtra_core::Store;

fn open(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).unwrap()
}

fn demo(dir: &tempfile::TempDir, name: &str) -> Store {
    let mut s = open(dir, name);
    s.load_demo().unwrap();
    s
}

fn find(s: &mut Store, q: &str) -> Vec<SearchHit> {
    s.search(q, &SearchOptions::default()).unwrap()
}

fn find_kind(s: &mut Store, q: &str, kind: &str) -> Vec<SearchHit> {
    let opts = SearchOptions {
        kind: Some(kind.into()),
        ..Default::default()
    };
    s.search(q, &opts).unwrap()
}

fn ids(hits: &[SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

fn unit(name: &str) -> Unit {
    Unit {
        name: name.into(),
        short_name: String::new(),
        code: String::new(),
        kind: "doan_co_so".into(),
        level_label: "Cơ sở".into(),
        parent_id: None,
        valid_from: None,
        valid_to: None,
        merged_into: None,
    }
}

fn set_note(s: &mut Store, visit: &str, item: &str, note: &str) -> String {
    s.finding_set(FindingInput {
        visit_id: visit.into(),
        item_code: item.into(),
        note: Some(note.into()),
        ..Default::default()
    })
    .unwrap()
    .id
}

fn any_visit(s: &Store) -> String {
    s.visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status != VisitStatus::Signed)
        .unwrap()
        .id
}

#[test]
fn doan_phi_finds_the_demo_note_about_doan_phi_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    let hits = find(&mut s, "doan phi");
    let hit = hits
        .iter()
        .find(|h| h.kind == "finding" && h.field == "note")
        .expect("a finding's note about đoàn phí");
    assert!(
        kiemtra_core::text::fold(&hit.snippet).contains("doan phi"),
        "{hit:?}"
    );
    // The snippet is the original text, diacritics kept.
    assert!(hit.snippet.contains("đoàn phí"), "{hit:?}");
    let Place::Visit {
        visit_id,
        item_code: Some(code),
    } = &hit.place
    else {
        panic!("a finding links to its item in its visit: {hit:?}");
    };
    let f = s.require::<Finding>(&hit.id).unwrap();
    assert_eq!((&f.body.visit_id, &f.body.item_code), (visit_id, code));
    let detail = s.visit_detail(visit_id).unwrap();
    let title = &detail.criteria.set.item(code).unwrap().title;
    assert_eq!(
        hit.label,
        format!("{} · {code} {title}", detail.unit.name),
        "label: unit · item"
    );
}

/// Notes that say it come before findings whose item title alone does (bm25 weights 1 and
/// 0.25). On a contentless index without positions (migration 3's detail=column) bm25 was 0
/// for every row and this failed: results came newest first.
#[test]
fn a_note_that_says_the_words_ranks_before_an_item_title_that_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    // One of each is made here, so both kinds are surely among the hits (all of them: no
    // limit cuts the lower-ranked kind off). The title-only one is made last, so a newest-
    // first order would put it first.
    let visit = any_visit(&s);
    let mut finding = |item: &str, note: &str| {
        s.finding_set(FindingInput {
            visit_id: visit.clone(),
            item_code: item.into(),
            note: Some(note.into()),
            explanation: Some(String::new()),
            ..Default::default()
        })
        .unwrap()
        .id
    };
    // 5.2's title says "Sổ Chi đoàn", never "phí"; 5.5's says "Trích nộp đoàn phí".
    let says_it = finding("5.2", "Chi đoàn chưa thu đoàn phí quý IV");
    let title_only = finding("5.5", "Chứng từ nộp lên cấp trên có đủ");
    let opts = SearchOptions {
        limit: 10_000,
        ..Default::default()
    };
    let all = s.search("doan phi", &opts).unwrap();
    let field_of = |id: &str| all.iter().find(|h| h.id == id).map(|h| h.field.as_str());
    assert_eq!(field_of(&says_it), Some("note"), "{all:#?}");
    assert_eq!(field_of(&title_only), Some(ITEM_TITLE), "{all:#?}");
    let last_note = all.iter().rposition(|h| h.field == "note").unwrap();
    let first_title_only = all.iter().position(|h| h.field == ITEM_TITLE).unwrap();
    assert!(
        last_note < first_title_only,
        "own text ranks first: note #{last_note}, title-only #{first_title_only} of {}",
        all.len()
    );
}

#[test]
fn case_diacritics_and_d_bar_do_not_matter_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let (with, without) = (new_id(), new_id());
    s.write(|w| {
        w.put(&with, &unit("Đoàn xã Đông Thành"))?;
        Ok(w.put(&without, &unit("Doan phuong Dong Hai"))?)
    })
    .unwrap();
    for q in [
        "dong thanh",
        "Đông Thành",
        "ĐÔNG THÀNH",
        "đong thanh",
        "DONG thành",
    ] {
        assert_eq!(ids(&find(&mut s, q)), [with.as_str()], "{q}");
    }
    for q in ["Đông Hải", "đông hai", "DONG HAI"] {
        assert_eq!(ids(&find(&mut s, q)), [without.as_str()], "{q}");
    }
    // Both units say "Đoàn"/"Doan" and "Đông"/"Dong".
    assert_eq!(find(&mut s, "ĐOÀN đông").len(), 2);
    // Decomposed input (combining tone marks) folds the same.
    assert_eq!(
        ids(&find(&mut s, "Đo\u{302}ng Tha\u{300}nh")),
        [with.as_str()]
    );
}

#[test]
fn the_last_word_matches_as_it_is_being_typed() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let id = new_id();
    s.write(|w| Ok(w.put(&id, &unit("Chi đoàn Phú Xuân"))?))
        .unwrap();
    for q in ["chi doan ph", "chi doan phu", "phu x", "p"] {
        assert_eq!(ids(&find(&mut s, q)), [id.as_str()], "{q}");
    }
    // Only the last word is a prefix: "ch" alone is no word of the name.
    assert!(find(&mut s, "ch doan").is_empty());
    assert!(find(&mut s, "phu xa").is_empty());
}

#[test]
fn an_edit_changes_what_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    let visit = any_visit(&s);
    let id = set_note(
        &mut s,
        &visit,
        "5.2",
        "Thiếu biên bản sinh hoạt tháng Giêng",
    );
    assert_eq!(ids(&find(&mut s, "thang gieng")), [id.as_str()]);
    set_note(&mut s, &visit, "5.2", "Đã bổ sung biên bản tháng Chạp");
    assert!(find(&mut s, "thang gieng").is_empty(), "old words gone");
    let hits = find(&mut s, "thang chap");
    assert_eq!(ids(&hits), [id.as_str()], "new words found");
    assert_eq!(hits[0].snippet, "Đã bổ sung biên bản tháng Chạp");
    // Nothing new since: catching up has nothing to do.
    assert_eq!(s.search_catch_up().unwrap(), 0);
}

#[test]
fn a_deleted_record_disappears() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let (a, b) = (new_id(), new_id());
    s.write(|w| {
        w.put(&a, &unit("Chi đoàn Vĩnh Lợi"))?;
        Ok(w.put(&b, &unit("Chi đoàn Vĩnh Hòa"))?)
    })
    .unwrap();
    assert_eq!(find(&mut s, "vinh").len(), 2);
    s.write(|w| Ok(w.delete(Unit::KIND, &a)?)).unwrap();
    assert_eq!(ids(&find(&mut s, "vinh")), [b.as_str()]);
    assert!(find(&mut s, "vinh loi").is_empty());
}

#[test]
fn an_oversized_text_is_indexed_by_its_start_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir, "a.db");
    let id = new_id();
    // 1.7 MB, as an older build or a foreign file could send; people cannot type it.
    let name = format!("Chi đoàn Bình Minh {} Hồ Sen", "đoàn viên ".repeat(120_000));
    s.write(|w| Ok(w.put(&id, &unit(&name))?)).unwrap();
    let hits = find(&mut s, "binh minh");
    assert_eq!(ids(&hits), [id.as_str()]);
    assert!(
        hits[0].snippet.chars().count() < 400,
        "a snippet, not the text"
    );
    assert!(find(&mut s, "ho sen").is_empty(), "past the first 64 KB");
    assert!(s.search_is_current().unwrap());
}

#[test]
fn records_arriving_in_a_bundle_become_searchable() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = demo(&dir, "a.db");
    let visit = any_visit(&a);
    let id = set_note(
        &mut a,
        &visit,
        "5.6",
        "Thẻ đoàn viên cấp cho thanh niên bản Bát Xát",
    );
    let bundle = dir.path().join("a.kiemtra");
    a.export_plain(&bundle, None).unwrap();

    // B has data and an index already, so the import is caught up incrementally.
    let mut b = demo(&dir, "b.db");
    assert!(find(&mut b, "bat xat").is_empty());
    crate::common::trust_maker(&mut b, &bundle);
    b.import_bundle(&bundle, false).unwrap();
    assert!(b.search_catch_up().unwrap() > 400, "the bundle's records");
    let hits = find(&mut b, "BÁT XÁT");
    assert_eq!(ids(&hits), [id.as_str()]);
    assert!(hits[0].snippet.contains("bản Bát Xát"));
    // And a laptop that never searched before builds its index from everything.
    let mut c = open(&dir, "c.db");
    crate::common::trust_maker(&mut c, &bundle);
    c.import_bundle(&bundle, false).unwrap();
    assert_eq!(ids(&find(&mut c, "bat xat")), [id.as_str()]);
}

#[test]
fn another_process_writing_the_same_file_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let mut reader = open(&dir, "a.db");
    assert!(find(&mut reader, "tan lap").is_empty());
    let mut writer = open(&dir, "a.db");
    let id = new_id();
    writer
        .write(|w| Ok(w.put(&id, &unit("Đoàn xã Tân Lập"))?))
        .unwrap();
    assert_eq!(ids(&find(&mut reader, "tan lap")), [id.as_str()]);
}

#[test]
fn fts_syntax_in_the_query_is_just_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    for q in [
        "\"",
        "\"đoàn",
        "đoàn\"",
        "*",
        "đoàn*",
        "-phí",
        "đoàn -phí",
        "đoàn OR phí",
        "NOT",
        "đoàn AND",
        "NEAR(đoàn phí)",
        "note: đoàn",
        "{body context}: đoàn",
        "^đoàn",
        "(",
        "đoàn)",
        "'; DROP TABLE revisions; --",
        "đoàn + phí",
        "\u{0}",
        "🙂 đoàn",
        "đoànⓐphí",
        "đoàn\u{E000}phí",
        "đoàn\u{301}\u{301}phí",
    ] {
        if let Err(e) = s.search(q, &SearchOptions::default()) {
            panic!("{q:?}: {}", e.message(kiemtra_core::Lang::En));
        }
    }
    // Punctuation only separates words: these find what the plain words find.
    let plain = ids(&find(&mut s, "đoàn phí"))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    assert!(!plain.is_empty());
    for q in ["\"đoàn\" phí", "(đoàn) -phí", "đoàn:phí", "đoàn*phí"] {
        assert_eq!(ids(&find(&mut s, q)), plain, "{q}");
    }
    // Words only: "OR" is a word to find, not an operator.
    assert!(find(&mut s, "đoàn OR phí").is_empty());
    // Kind names are for filtering, not words of any record.
    assert!(find(&mut s, "finding").is_empty());
    assert!(find(&mut s, "{kind}: finding").is_empty());
    assert!(find(&mut s, " \"*-() ").is_empty(), "no words, no results");
}

#[test]
fn kind_filter_limit_and_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    let units = find_kind(&mut s, "doan", "unit");
    assert!(units.len() > 5);
    assert!(units.iter().all(
        |h| h.kind == "unit" && matches!(&h.place, Place::Unit { unit_id } if *unit_id == h.id)
    ));
    let three = s
        .search(
            "doan",
            &SearchOptions {
                limit: 3,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(three.len(), 3);
    assert!(find(&mut s, "doan").len() == 50, "50 by default");
    for opts in [
        SearchOptions {
            kind: Some("inspector".into()),
            ..Default::default()
        },
        SearchOptions {
            limit: 0,
            ..Default::default()
        },
    ] {
        let err = s.search("doan", &opts).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
    }
}

#[test]
fn visits_recommendations_and_campaigns_are_found_where_they_live() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    let visit = any_visit(&s);
    let mut v = s.require::<Visit>(&visit).unwrap().body;
    v.difficulties = "Địa bàn rộng, đường vào bản Khe Váng cách trở".into();
    s.write(|w| Ok(w.put(&visit, &v)?)).unwrap();
    let rec = s
        .recommendation_add(RecommendationInput {
            visit_id: visit.clone(),
            text: "Đề nghị hỗ trợ kinh phí sửa cầu treo qua suối".into(),
            raised_by: RaisedBy::Unit,
            authority: Authority::Party,
            due_date: None,
        })
        .unwrap();

    let hits = find(&mut s, "khe vang");
    assert_eq!(ids(&hits), [visit.as_str()]);
    assert_eq!(hits[0].field, "difficulties");
    assert_eq!(
        hits[0].place,
        Place::Visit {
            visit_id: visit.clone(),
            item_code: None
        }
    );
    let unit = s.require::<Unit>(&v.unit_id).unwrap().body.name;
    assert!(hits[0].label.starts_with(&unit), "{}", hits[0].label);

    let hits = find(&mut s, "cau treo");
    assert_eq!(ids(&hits), [rec.id.as_str()]);
    assert_eq!(
        (hits[0].kind.as_str(), hits[0].field.as_str()),
        ("recommendation", "text")
    );
    assert_eq!(
        hits[0].place,
        Place::Visit {
            visit_id: visit.clone(),
            item_code: None
        }
    );

    let campaign = s.campaign_summaries().unwrap().remove(0);
    let hits = find_kind(&mut s, &campaign.theme, "campaign");
    assert_eq!(ids(&hits), [campaign.id.as_str()]);
    assert_eq!(hits[0].field, "theme");
    assert_eq!(hits[0].label, campaign.name);
}

#[test]
fn a_findings_item_title_follows_its_criteria_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = demo(&dir, "a.db");
    // A planned visit has no findings yet.
    let visit = s
        .visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .unwrap()
        .id;
    let set_id = s.require::<Visit>(&visit).unwrap().body.criteria_set_id;
    // A finding with a rating and no words of its own.
    s.finding_set(FindingInput {
        visit_id: visit.clone(),
        item_code: "7.3".into(),
        rating: Some(Some(Rating::Dat)),
        ..Default::default()
    })
    .unwrap();
    let id = finding_id(&visit, "7.3");
    let found = |s: &mut Store, q: &str| {
        find_kind(s, q, "finding")
            .into_iter()
            .find(|h| h.id == id)
            .map(|h| (h.field, h.snippet))
    };
    assert_eq!(
        found(&mut s, "hom thu y tuong"),
        Some((
            "item_title".to_string(),
            "Duy trì hòm thư ý tưởng sáng tạo tại các chi đoàn".to_string()
        ))
    );
    // The set's item is renamed: the finding follows.
    let mut set = s.require::<CriteriaSet>(&set_id).unwrap().body;
    for t in &mut set.topics {
        for i in &mut t.items {
            if i.code == "7.3" {
                i.title = "Duy trì hộp thư góp ý của đoàn viên".into();
            }
        }
    }
    s.write(|w| Ok(w.put(&set_id, &set)?)).unwrap();
    assert_eq!(found(&mut s, "hom thu y tuong"), None);
    assert!(found(&mut s, "hop thu gop y").is_some());
}

/// A database made before migration 4 (an index without positions, caught up) gets the new
/// index: rebuilt on the next search, which then ranks (bm25 no longer 0 for every row).
#[test]
fn an_index_without_positions_is_rebuilt_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut s = demo(&dir, "old.db");
    let before = find(&mut s, "doan phi");
    assert!(!before.is_empty());
    drop(s);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "DROP TABLE search_fts;
             CREATE VIRTUAL TABLE search_fts USING fts5(kind, body, context,
                 content = '', contentless_delete = 1, tokenize = 'unicode61',
                 detail = column, prefix = '1 2 3 4');
             INSERT INTO search_fts(rowid, kind, body, context)
                 VALUES (1, 'finding', 'doan phi doan phi', ''), (2, 'finding', 'doan vien', ''),
                        (3, 'unit', 'xa yen phong', '');
             ALTER TABLE revisions DROP COLUMN person;
             ALTER TABLE revisions DROP COLUMN sig;
             ALTER TABLE devices DROP COLUMN people;
             ALTER TABLE devices DROP COLUMN trusted;
             ALTER TABLE devices DROP COLUMN age_recipient;
             DROP INDEX revisions_device;
             DROP INDEX record_state_owner;
             ALTER TABLE record_state DROP COLUMN summary;
             CREATE INDEX record_state_owner ON record_state(owner) WHERE owner IS NOT NULL;
             DELETE FROM meta WHERE key IN ('revisions_signed', 'summary_fields');
             PRAGMA user_version = 3;",
        )
        .unwrap();
        let ranks: Vec<f64> = c
            .prepare("SELECT bm25(search_fts) FROM search_fts WHERE search_fts MATCH 'doan'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(ranks, [0.0, 0.0], "the old shape cannot rank");
    }
    let mut s = Store::open(&path).unwrap();
    let v: i64 = s
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, kiemtra_core::schema_version());
    let after = find(&mut s, "doan phi");
    // Same hits (the index was rebuilt from the records), now in ranked order.
    let mut a = ids(&after);
    let mut b = ids(&before);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let rank: f64 = s
        .conn()
        .query_row(
            "SELECT bm25(search_fts) FROM search_fts WHERE search_fts MATCH 'doan' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(rank < 0.0, "bm25 scores the match: {rank}");
}
