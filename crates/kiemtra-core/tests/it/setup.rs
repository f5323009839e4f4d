//! The secretariat's setup: campaigns, teams, criteria-set versions, the unit directory and
//! the visit plan. Every refusal leaves the shared state exactly as it was.

use chrono::NaiveDate;
use kiemtra_core::model::*;
use kiemtra_core::setup::*;
use kiemtra_core::units::{UnitInput, UnitPatch};
use kiemtra_core::visit::{FindingInput, RecommendationInput};
use kiemtra_core::Localize;
use kiemtra_core::{Error, Lang, Result, Store};

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("a.db")).unwrap()
}

fn demo(dir: &tempfile::TempDir) -> (Store, String) {
    let mut s = open(dir);
    let campaign = s.load_demo().unwrap();
    (s, campaign)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Run an operation that must be refused; check that nothing changed and return the error.
fn refused<T: std::fmt::Debug>(s: &mut Store, f: impl FnOnce(&mut Store) -> Result<T>) -> Error {
    let before = s.dump_canonical().unwrap();
    let err = f(s).expect_err("should be refused");
    assert_eq!(
        s.dump_canonical().unwrap(),
        before,
        "a refusal changes nothing"
    );
    err
}

fn unit(s: &mut Store, name: &str, parent: Option<&str>) -> String {
    s.unit_create(UnitInput {
        name: name.into(),
        parent_id: parent.map(str::to_string),
        ..Default::default()
    })
    .unwrap()
    .id
}

fn campaign(s: &mut Store, name: &str, year: i32, start: Option<NaiveDate>) -> String {
    s.campaign_create(CampaignInput {
        name: name.into(),
        year,
        start_date: start,
        ..Default::default()
    })
    .unwrap()
    .id
}

fn team_named(s: &Store, campaign: &str, name: &str) -> String {
    s.list_by::<Team>("campaign_id", campaign)
        .unwrap()
        .into_iter()
        .find(|t| t.body.name == name)
        .unwrap()
        .id
}

#[test]
fn a_campaign_is_created_with_the_newest_criteria_set_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir);
    let c = s
        .campaign_create(CampaignInput {
            name: "  Kiểm tra công tác Đoa\u{300}n năm 2026 ".into(),
            year: 2026,
            theme: "Năm Thanh niên tình nguyện".into(),
            start_date: Some(day(2026, 10, 5)),
            end_date: Some(day(2026, 10, 9)),
            decision_number: "101-QĐ/TĐTN".into(),
            issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        c.body.name, "Kiểm tra công tác Đoàn năm 2026",
        "trimmed, NFC"
    );
    assert_eq!(
        c.body.criteria_set_id,
        Some(s.criteria_current().unwrap().id)
    );
    assert_eq!(s.require::<Campaign>(&c.id).unwrap().body, c.body);

    let bad =
        |name: &str, year: i32, start: Option<NaiveDate>, end: Option<NaiveDate>| CampaignInput {
            name: name.into(),
            year,
            start_date: start,
            end_date: end,
            ..Default::default()
        };
    let e = refused(&mut s, |s| s.campaign_create(bad("  ", 2026, None, None)));
    assert_eq!(e.code(), "invalid_input");
    let e = refused(&mut s, |s| s.campaign_create(bad("Đợt", 20026, None, None)));
    assert_eq!(e.code(), "bad_year");
    assert!(e.message(Lang::Vi).contains("Năm 20026 không hợp lệ"));
    let e = refused(&mut s, |s| {
        s.campaign_create(bad(
            "Đợt",
            2026,
            Some(day(2026, 10, 9)),
            Some(day(2026, 10, 5)),
        ))
    });
    assert_eq!(
        e.message(Lang::Vi),
        "Ngày kết thúc 05/10/2026 trước ngày bắt đầu 09/10/2026."
    );
    assert_eq!(
        e.message(Lang::En),
        "The end date 05/10/2026 is before the start date 09/10/2026."
    );

    // An edit changes the given fields only; `null` clears a date.
    let patch: CampaignPatch =
        serde_json::from_str(r#"{"theme": " Chuyển đổi số ", "end_date": null}"#).unwrap();
    let edited = s.campaign_update(&c.id, patch).unwrap();
    assert_eq!(edited.body.theme, "Chuyển đổi số");
    assert_eq!(edited.body.end_date, None);
    assert_eq!(edited.body.start_date, Some(day(2026, 10, 5)));
    assert_eq!(edited.body.decision_number, "101-QĐ/TĐTN");
    assert_eq!(s.history(&c.id).unwrap().len(), 2);
    let e = refused(&mut s, |s| {
        s.campaign_update(
            &c.id,
            CampaignPatch {
                end_date: Some(Some(day(2026, 1, 1))),
                ..Default::default()
            },
        )
    });
    assert_eq!(e.code(), "dates_reversed");
}

#[test]
fn teams_take_members_by_name_with_one_head_and_keep_teams_with_visits() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, demo_campaign) = demo(&dir);
    let c = campaign(&mut s, "Đợt 2026", 2026, None);
    let inspectors = s.list::<Inspector>().unwrap().len();
    let t = s
        .team_create(TeamInput {
            campaign_id: c.clone(),
            name: "Đoàn kiểm tra số 1".into(),
            members: vec![
                // Typed without diacritics: the demo's inspector is found, not duplicated.
                MemberInput::named("dinh thi thu ha", Role::Head),
                MemberInput::named("Bùi Văn Toàn", Role::Member),
                MemberInput::named("  Lương Thị Mai ", Role::Secretary),
            ],
        })
        .unwrap();
    assert_eq!(s.list::<Inspector>().unwrap().len(), inspectors + 2);
    let names: Vec<(String, Role)> = t
        .body
        .members
        .iter()
        .map(|m| {
            let i = s.require::<Inspector>(&m.inspector_id).unwrap();
            (i.body.full_name, m.role)
        })
        .collect();
    assert_eq!(
        names,
        vec![
            ("Đinh Thị Thu Hà".to_string(), Role::Head),
            ("Bùi Văn Toàn".to_string(), Role::Member),
            ("Lương Thị Mai".to_string(), Role::Secretary),
        ]
    );

    let e = refused(&mut s, |s| {
        s.team_add_member(&t.id, "Lê Đức Mạnh", Role::Head)
    });
    assert_eq!(e.code(), "two_heads");
    assert!(
        e.message(Lang::Vi)
            .contains("Một đoàn chỉ có một trưởng đoàn, nhưng có 2"),
        "{}",
        e.message(Lang::Vi)
    );
    let e = refused(&mut s, |s| {
        s.team_add_member(&t.id, "BÙI VĂN TOÀN", Role::Member)
    });
    assert_eq!(e.code(), "member_twice");
    let e = refused(&mut s, |s| {
        s.team_create(TeamInput {
            campaign_id: c.clone(),
            name: "đoàn kiểm tra số 1".into(),
            members: vec![],
        })
    });
    assert_eq!(e.code(), "team_name_taken");

    let added = s
        .team_add_member(&t.id, "Lê Đức Mạnh", Role::Member)
        .unwrap();
    assert_eq!(added.body.members.len(), 4);
    let renamed = s
        .team_update(
            &t.id,
            TeamPatch {
                name: Some("Đoàn số 1".into()),
                members: None,
            },
        )
        .unwrap();
    assert_eq!(renamed.body.name, "Đoàn số 1");
    assert_eq!(renamed.body.members.len(), 4, "members kept");

    // A team with visits stays; one without goes.
    let busy = team_named(&s, &demo_campaign, "Đoàn kiểm tra số 1");
    let e = refused(&mut s, |s| s.team_delete(&busy));
    assert_eq!(e.code(), "team_has_visits");
    assert!(e
        .message(Lang::Vi)
        .starts_with("Không xóa được \"Đoàn kiểm tra số 1\": đoàn đang được phân công"));
    s.team_delete(&t.id).unwrap();
    assert!(s.get::<Team>(&t.id).unwrap().is_none());
}

/// The demo's criteria set with item 1.1 reworded and 1.2 gone.
fn edited(set: &CriteriaSet) -> CriteriaSet {
    let mut set = set.clone();
    set.topics[0].items[0].title = "Ban hành chỉ tiêu công tác Đoàn năm 2024".into();
    set.topics[0].items.retain(|i| i.code != "1.2");
    set
}

#[test]
fn editing_an_unused_criteria_set_changes_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir);
    let mut fresh = s.criteria_current().unwrap().body;
    fresh.code = "BTC-2024".into();
    fresh.name = "Bộ tiêu chí năm 2024".into();
    let created = s.criteria_set_create(fresh.clone()).unwrap();
    assert_eq!(created.body.version, 1);
    assert_eq!(s.criteria_set_in_use(&created.id).unwrap(), 0);

    let saved = s
        .criteria_set_save(&created.id, edited(&created.body), None)
        .unwrap();
    assert!(!saved.new_version);
    assert_eq!((saved.id.as_str(), saved.version), (created.id.as_str(), 1));
    let now = s.require::<CriteriaSet>(&created.id).unwrap().body;
    assert!(now.item("1.2").is_none());
    assert_eq!(s.history(&created.id).unwrap().len(), 2, "a revision");
    assert_eq!(s.criteria_versions("btc-2024").unwrap().len(), 1);

    // A second set with the same code is refused: edit the existing one instead.
    let e = refused(&mut s, |s| s.criteria_set_create(fresh));
    assert_eq!(e.code(), "criteria_code_exists");
}

#[test]
fn editing_a_used_criteria_set_makes_version_2_and_visits_keep_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, campaign) = demo(&dir);
    let v1 = s.criteria_current().unwrap();
    let used = s.criteria_set_in_use(&v1.id).unwrap();
    assert_eq!(used, 24);
    let rows = s.visit_rows(Some(&campaign)).unwrap();
    let old_visit = rows
        .iter()
        .find(|v| v.status == VisitStatus::Signed)
        .unwrap()
        .id
        .clone();
    let planned_before: Vec<String> = rows
        .iter()
        .filter(|v| v.status == VisitStatus::Planned)
        .map(|v| v.id.clone())
        .collect();
    assert_eq!(planned_before.len(), 8);

    // Saving it unchanged makes nothing new.
    let same = s.criteria_set_save(&v1.id, v1.body.clone(), None).unwrap();
    assert!(!same.new_version);
    assert_eq!(same.rev, v1.rev);

    // Edited from the campaign: it follows, and so do its 8 visits nothing was recorded for.
    let saved = s
        .criteria_set_save(&v1.id, edited(&v1.body), Some(&campaign))
        .unwrap();
    assert!(saved.new_version);
    assert_eq!(saved.version, 2);
    assert_ne!(saved.id, v1.id);
    assert_eq!(saved.campaigns_moved, vec![campaign.clone()]);
    assert_eq!(saved.visits_moved, 8);
    for v in &planned_before {
        assert_eq!(s.visit_detail(v).unwrap().criteria.set.version, 2);
    }
    // Version 1 is untouched, and its visits still show its items.
    assert_eq!(s.require::<CriteriaSet>(&v1.id).unwrap(), v1);
    let d = s.visit_detail(&old_visit).unwrap();
    assert_eq!(
        (d.criteria.id.as_str(), d.criteria.set.version),
        (v1.id.as_str(), 1)
    );
    assert!(d.criteria.set.item("1.2").is_some());
    assert_eq!(d.total, 32);
    // The campaign now starts new visits with version 2.
    assert_eq!(
        s.require::<Campaign>(&campaign)
            .unwrap()
            .body
            .criteria_set_id,
        Some(saved.id.clone())
    );
    let u = unit(&mut s, "Đoàn xã Yên Mạc", None);
    let planned = s
        .visit_plan(VisitPlanInput {
            campaign_id: campaign.clone(),
            unit_id: u,
            team_id: None,
            date: Some(day(2023, 11, 10)),
            outside_campaign: false,
        })
        .unwrap();
    let d = s.visit_detail(&planned.id).unwrap();
    assert_eq!(d.criteria.set.version, 2);
    assert!(d.criteria.set.item("1.2").is_none());
    assert_eq!(
        d.criteria.set.item("1.1").unwrap().title,
        "Ban hành chỉ tiêu công tác Đoàn năm 2024"
    );
    assert_eq!(d.total, 31);
    // The new version is the default for new campaigns too.
    assert_eq!(s.criteria_current().unwrap().id, saved.id);

    let versions = s.criteria_versions(&v1.body.code).unwrap();
    let summary: Vec<(u32, usize)> = versions.iter().map(|v| (v.version, v.in_use)).collect();
    assert_eq!(summary, vec![(1, 16), (2, 9)]);

    // Editing version 2 now that visits use it makes version 3; version 1 stays put. Saved
    // from no campaign, the campaign that has not rated against version 2 follows.
    let mut again = edited(&v1.body);
    again.name = "Bộ tiêu chí 2023 (sửa lần 2)".into();
    let third = s.criteria_set_save(&saved.id, again, None).unwrap();
    assert_eq!(third.campaigns_moved, vec![campaign.clone()]);
    assert_eq!(third.visits_moved, 9);
    assert_eq!((third.new_version, third.version), (true, 3));
    assert_eq!(s.require::<CriteriaSet>(&v1.id).unwrap(), v1);
}

#[test]
fn bad_criteria_sets_are_refused_with_the_item_named() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir);
    let set = s.criteria_current().unwrap();
    type Change = Box<dyn Fn(&mut CriteriaSet)>;
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|c| c.topics[1].items[0].code = "1.1".into()),
            "duplicate_code",
            "Mã 1.1 bị trùng",
        ),
        (
            Box::new(|c| {
                let i = &mut c.topics[0].items[0];
                i.scale = Scale::Points;
                i.max_points = None;
            }),
            "max_points",
            "Tiêu chí 1.1 chấm bằng điểm nhưng chưa có điểm tối đa",
        ),
        (
            Box::new(|c| c.topics[0].items[0].max_points = Some(10)),
            "points_on_pass_fail",
            "Tiêu chí 1.1 đánh giá Đạt/Chưa đạt",
        ),
        (
            Box::new(|c| c.topics[2].title = "   ".into()),
            "missing_title",
            "Mục 3 chưa có tên",
        ),
        (
            Box::new(|c| c.topics[0].items.clear()),
            "topic_empty",
            "chưa có tiêu chí nào",
        ),
        (
            Box::new(|c| c.topics.clear()),
            "criteria_empty",
            "ít nhất một nội dung",
        ),
        (
            Box::new(|c| c.code = "BTC-2030".into()),
            "criteria_code_changed",
            "Không đổi được mã bộ tiêu chí từ BTC-2023 sang BTC-2030",
        ),
    ];
    for (change, code, message) in cases {
        let mut bad = set.body.clone();
        change(&mut bad);
        let e = refused(&mut s, |s| s.criteria_set_save(&set.id, bad, None));
        assert_eq!(e.code(), code);
        assert!(
            e.message(Lang::Vi).contains(message),
            "{}",
            e.message(Lang::Vi)
        );
    }
}

#[test]
fn units_are_added_moved_and_never_under_themselves_or_a_dissolved_unit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let province = s
        .unit_create(UnitInput {
            name: "Tỉnh đoàn Ninh Bình".into(),
            code: "NB".into(),
            level_label: "Cấp tỉnh".into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    let district = unit(&mut s, "Huyện đoàn Yên Mô", Some(&province));
    let commune = unit(&mut s, "Đoàn xã Yên Thắng", Some(&district));
    let gone = s
        .unit_create(UnitInput {
            name: "Huyện đoàn Tam Điệp".into(),
            parent_id: Some(province.clone()),
            valid_to: Some(day(2025, 6, 30)),
            ..Default::default()
        })
        .unwrap()
        .id;

    let e = refused(&mut s, |s| {
        s.unit_create(UnitInput {
            name: "Tỉnh đoàn khác".into(),
            code: "nb".into(),
            ..Default::default()
        })
    });
    assert_eq!(
        e.message(Lang::Vi),
        "Mã nb đã dùng cho đơn vị \"Tỉnh đoàn Ninh Bình\"."
    );
    let e = refused(&mut s, |s| {
        s.unit_create(UnitInput {
            name: "Đoàn xã Yên Thắng".into(),
            parent_id: Some(district.clone()),
            ..Default::default()
        })
    });
    assert_eq!(e.code(), "unit_name_taken");
    let e = refused(&mut s, |s| s.unit_move(&province, Some(&commune)));
    assert_eq!(e.code(), "unit_cycle");
    assert!(e
        .message(Lang::Vi)
        .contains("Không chuyển được \"Tỉnh đoàn Ninh Bình\" vào \"Đoàn xã Yên Thắng\""));
    let e = refused(&mut s, |s| s.unit_move(&district, Some(&district)));
    assert_eq!(e.code(), "unit_cycle");
    let e = refused(&mut s, |s| s.unit_move(&commune, Some(&gone)));
    assert_eq!(e.code(), "unit_ended");
    assert!(e.message(Lang::En).contains("existed until 30/06/2025"));

    // Since July 2025: the commune sits directly under the province.
    let moved = s.unit_move(&commune, Some(&province)).unwrap();
    assert_eq!(moved.body.parent_id, Some(province.clone()));
    let tree: Vec<(String, usize)> = s
        .unit_tree()
        .unwrap()
        .into_iter()
        .map(|u| (u.name, u.depth))
        .collect();
    assert_eq!(
        tree,
        vec![
            ("Tỉnh đoàn Ninh Bình".to_string(), 0),
            ("Đoàn xã Yên Thắng".to_string(), 1),
            ("Huyện đoàn Yên Mô".to_string(), 1),
        ],
        "the dissolved district is hidden by default"
    );
    assert_eq!(s.unit_tree_with(true).unwrap().len(), 4);
}

#[test]
fn merging_units_ends_them_and_moves_their_sub_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let p = unit(&mut s, "Tỉnh đoàn Ninh Bình", None);
    let a = unit(&mut s, "Đoàn xã Yên Thắng", Some(&p));
    let b = unit(&mut s, "Đoàn xã Yên Hòa", Some(&p));
    let c = unit(&mut s, "Đoàn xã Yên Mô", Some(&p));
    let branch = unit(&mut s, "Chi đoàn thôn Bình Hải", Some(&a));
    let old_branch = s
        .unit_create(UnitInput {
            name: "Chi đoàn thôn cũ".into(),
            parent_id: Some(a.clone()),
            valid_to: Some(day(2024, 12, 31)),
            ..Default::default()
        })
        .unwrap()
        .id;

    let e = refused(&mut s, |s| {
        s.unit_merge(vec![a.clone()], &branch, day(2025, 6, 30))
    });
    assert_eq!(e.code(), "merge_into_descendant");
    let e = refused(&mut s, |s| {
        s.unit_merge(vec![c.clone()], &c, day(2025, 6, 30))
    });
    assert_eq!(e.code(), "merge_into_itself");
    let e = refused(&mut s, |s| s.unit_merge(vec![], &c, day(2025, 6, 30)));
    assert_eq!(e.code(), "nothing_to_merge");

    let m = s
        .unit_merge(vec![a.clone(), b.clone()], &c, day(2025, 6, 30))
        .unwrap();
    assert_eq!(m.merged, vec![a.clone(), b.clone()]);
    assert_eq!(
        m.moved,
        vec![branch.clone()],
        "only the live sub-unit moves"
    );
    for id in [&a, &b] {
        let u = s.require::<Unit>(id).unwrap().body;
        assert_eq!(u.valid_to, Some(day(2025, 6, 30)));
        assert_eq!(u.merged_into.as_deref(), Some(c.as_str()));
    }
    assert_eq!(
        s.require::<Unit>(&branch).unwrap().body.parent_id,
        Some(c.clone())
    );
    assert_eq!(
        s.require::<Unit>(&old_branch).unwrap().body.parent_id,
        Some(a.clone()),
        "history stays where it was"
    );
    let names: Vec<String> = s.unit_tree().unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(
        names,
        vec![
            "Tỉnh đoàn Ninh Bình",
            "Đoàn xã Yên Mô",
            "Chi đoàn thôn Bình Hải"
        ]
    );
    // A unit merged away cannot be merged again.
    let e = refused(&mut s, |s| {
        s.unit_merge(vec![a.clone()], &p, day(2025, 12, 31))
    });
    assert_eq!(e.code(), "unit_ended");
    // Bodies written before `merged_into` existed read back without it.
    assert!(!s.dump_canonical().unwrap().contains("\"merged_into\":null"));
}

#[test]
fn dissolving_a_unit_with_live_sub_units_is_refused_until_they_move() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let p = unit(&mut s, "Tỉnh đoàn Ninh Bình", None);
    let d = unit(&mut s, "Huyện đoàn Kim Sơn", Some(&p));
    let x = unit(&mut s, "Đoàn xã Kim Đông", Some(&d));
    let y = unit(&mut s, "Đoàn xã Kim Hải", Some(&d));
    let e = refused(&mut s, |s| s.unit_dissolve(&d, day(2025, 6, 30)));
    assert_eq!(e.code(), "unit_has_children");
    assert_eq!(
        e.message(Lang::Vi),
        "Chưa giải thể được \"Huyện đoàn Kim Sơn\": còn 2 đơn vị trực thuộc đang hoạt động (\"Đoàn xã Kim Đông\", \"Đoàn xã Kim Hải\"). Hãy chuyển các đơn vị đó sang đơn vị khác hoặc sáp nhập chúng trước."
    );
    s.unit_move(&x, Some(&p)).unwrap();
    s.unit_move(&y, Some(&p)).unwrap();
    let gone = s.unit_dissolve(&d, day(2025, 6, 30)).unwrap();
    assert_eq!(gone.body.valid_to, Some(day(2025, 6, 30)));
    assert!(!s.unit_tree().unwrap().iter().any(|u| u.id == d));
    assert!(s.unit_tree_with(true).unwrap().iter().any(|u| u.id == d));
    let e = refused(&mut s, |s| s.unit_dissolve(&d, day(2025, 7, 31)));
    assert_eq!(e.code(), "unit_ended");
    // Clearing the end brings it back.
    let back = s
        .unit_update(
            &d,
            UnitPatch {
                valid_to: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(back.body.valid_to, None);
    assert!(s.unit_tree().unwrap().iter().any(|u| u.id == d));
}

#[test]
fn a_renamed_unit_keeps_its_old_name_in_old_campaigns() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, campaign) = demo(&dir);
    let row = s
        .visit_rows(Some(&campaign))
        .unwrap()
        .into_iter()
        .find(|v| v.unit_name == "Đoàn xã Yên Thắng")
        .unwrap();
    s.unit_update(
        &row.unit_id,
        UnitPatch {
            name: Some("Đoàn xã Yên Mô".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        s.unit_name_at(&row.unit_id, day(2023, 11, 8)).unwrap(),
        "Đoàn xã Yên Thắng"
    );
    assert_eq!(
        s.unit_name_at(&row.unit_id, today()).unwrap(),
        "Đoàn xã Yên Mô"
    );
    // The 2023 campaign shows the 2023 name; the directory shows today's.
    let again = s
        .visit_rows(Some(&campaign))
        .unwrap()
        .into_iter()
        .find(|v| v.id == row.id)
        .unwrap();
    assert_eq!(again.unit_name, "Đoàn xã Yên Thắng");
    assert_eq!(
        s.visit_detail(&row.id).unwrap().unit.name,
        "Đoàn xã Yên Thắng"
    );
    assert!(s
        .campaign_overview(&campaign)
        .unwrap()
        .units
        .iter()
        .any(|u| u.name == "Đoàn xã Yên Thắng"));
    assert!(s
        .unit_tree()
        .unwrap()
        .iter()
        .any(|u| u.name == "Đoàn xã Yên Mô"));
}

#[test]
fn a_campaigns_unit_tree_is_the_directorys_cut_to_its_units_and_their_ancestors() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, campaign) = demo(&dir);
    // Units outside the campaign, some under its units' parents, must not change its tree.
    let top = unit(&mut s, "Tỉnh đoàn Hà Nam", None);
    unit(&mut s, "Đoàn xã Lam Hạ", Some(&top));
    let o = s.campaign_overview(&campaign).unwrap();
    let shown: Vec<(String, usize)> = o.units.iter().map(|u| (u.id.clone(), u.depth)).collect();
    let ids: std::collections::HashSet<&str> = shown.iter().map(|(id, _)| id.as_str()).collect();
    let cut: Vec<(String, usize)> = s
        .unit_tree_with(true)
        .unwrap()
        .into_iter()
        .filter(|u| ids.contains(u.id.as_str()))
        .map(|u| (u.id, u.depth))
        .collect();
    assert_eq!(shown, cut, "the same order and depths as the whole tree");
    for v in &o.visits {
        assert!(ids.contains(v.unit_id.as_str()), "every visited unit");
    }
    for u in &o.units {
        if let Some(p) = &u.parent_id {
            assert!(ids.contains(p.as_str()), "every ancestor of {}", u.name);
        }
    }
    assert!(!ids.contains(top.as_str()));
}

#[test]
fn visits_are_planned_once_per_unit_for_units_that_exist_then() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, demo_campaign) = demo(&dir);
    let c = campaign(&mut s, "Đợt 2026", 2026, Some(day(2026, 10, 5)));
    let team = s
        .team_create(TeamInput {
            campaign_id: c.clone(),
            name: "Đoàn số 1".into(),
            members: vec![MemberInput::named("Trần Quang Huy", Role::Head)],
        })
        .unwrap()
        .id;
    let p = unit(&mut s, "Tỉnh đoàn Ninh Bình", None);
    let a = unit(&mut s, "Đoàn xã Gia Vân", Some(&p));
    let v = s
        .visit_plan(VisitPlanInput {
            campaign_id: c.clone(),
            unit_id: a.clone(),
            team_id: Some(team.clone()),
            date: Some(day(2026, 10, 6)),
            outside_campaign: false,
        })
        .unwrap();
    assert_eq!(v.body.status, VisitStatus::Planned);
    assert_eq!(v.body.team_id.as_deref(), Some(team.as_str()));
    assert_eq!(
        Some(v.body.criteria_set_id.clone()),
        s.require::<Campaign>(&c).unwrap().body.criteria_set_id
    );

    let plan = |unit: &str, team: Option<&str>, date| VisitPlanInput {
        campaign_id: c.clone(),
        unit_id: unit.to_string(),
        team_id: team.map(str::to_string),
        date,
        outside_campaign: false,
    };
    let e = refused(&mut s, |s| s.visit_plan(plan(&a, None, None)));
    assert_eq!(
        e.message(Lang::Vi),
        "\"Đoàn xã Gia Vân\" đã có buổi kiểm tra trong đợt \"Đợt 2026\"; hãy đổi lịch buổi đó thay vì thêm buổi mới."
    );
    // A district dissolved in 2025 is not visited in 2026, but could be in 2023.
    let gone = s
        .unit_create(UnitInput {
            name: "Huyện đoàn Gia Viễn".into(),
            valid_to: Some(day(2025, 6, 30)),
            ..Default::default()
        })
        .unwrap()
        .id;
    let e = refused(&mut s, |s| s.visit_plan(plan(&gone, None, None)));
    assert_eq!(e.code(), "unit_ended");
    let demo_team = team_named(&s, &demo_campaign, "Đoàn kiểm tra số 1");
    let b = unit(&mut s, "Đoàn xã Gia Hưng", Some(&p));
    let e = refused(&mut s, |s| s.visit_plan(plan(&b, Some(&demo_team), None)));
    assert_eq!(e.code(), "team_elsewhere");

    // Many at once: all or nothing, the bad entry named.
    let many = |units: &[&str]| {
        units
            .iter()
            .map(|u| PlanEntry {
                unit_id: u.to_string(),
                team_id: Some(team.clone()),
                date: Some(day(2026, 10, 7)),
                outside_campaign: false,
            })
            .collect::<Vec<_>>()
    };
    let e = refused(&mut s, |s| s.visits_plan_many(&c, many(&[&b, &gone])));
    assert_eq!(e.code(), "unit_ended");
    assert!(e.message(Lang::Vi).starts_with("Mục 2 của kế hoạch:"));
    let e = refused(&mut s, |s| s.visits_plan_many(&c, many(&[&b, &b])));
    assert_eq!(e.code(), "visit_exists");
    let done = s.visits_plan_many(&c, many(&[&b, &p])).unwrap();
    assert_eq!(done.len(), 2);
    assert_eq!(s.list_by::<Visit>("campaign_id", &c).unwrap().len(), 3);

    // Rescheduling changes team and day, each change kept with its reason and the team's
    // name (the history cannot show an id to a reader).
    let why = |reason: &str| Replan {
        reason: reason.into(),
        outside_campaign: false,
    };
    let moved = s
        .visit_reschedule(
            &v.id,
            None,
            Some(day(2026, 10, 8)),
            why("Đơn vị họp đột xuất"),
        )
        .unwrap();
    assert_eq!(
        (moved.body.team_id.clone(), moved.body.date),
        (None, Some(day(2026, 10, 8)))
    );
    let change = moved.body.plan_changes.last().unwrap();
    assert_eq!(
        (change.date_from, change.date_to),
        (Some(day(2026, 10, 6)), Some(day(2026, 10, 8)))
    );
    assert_eq!(
        (change.team_from.as_str(), change.team_to.as_str()),
        ("Đoàn số 1", "")
    );
    assert_eq!(change.reason, "Đơn vị họp đột xuất");
    // Nothing changed: nothing written.
    let same = s
        .visit_reschedule(&v.id, None, Some(day(2026, 10, 8)), why("lần nữa"))
        .unwrap();
    assert_eq!(same.rev, moved.rev);
    let reassigned = s
        .visit_reschedule(&v.id, Some(&team), Some(day(2026, 10, 8)), why(""))
        .unwrap();
    assert_eq!(reassigned.body.plan_changes.len(), 2);
    assert_eq!(reassigned.body.plan_changes[1].team_to, "Đoàn số 1");

    // Cancelling needs a reason, and keeps it: the campaign lists the visit as cancelled.
    let e = refused(&mut s, |s| s.visit_cancel(&done[1].id, "  "));
    assert_eq!(e.code(), "cancel_needs_reason");
    assert!(s.get::<Visit>(&done[1].id).unwrap().is_some());
    s.visit_cancel(&done[1].id, "Đơn vị đang tổ chức Đại hội")
        .unwrap();
    assert!(s.get::<Visit>(&done[1].id).unwrap().is_none());
    let history = s.history(&done[1].id).unwrap();
    assert_eq!(history.len(), 2, "the plan and its cancellation");
    assert!(history[1].deleted);
    let cancelled = s.campaign_overview(&c).unwrap().cancelled;
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].id, done[1].id);
    assert_eq!(cancelled[0].reason, "Đơn vị đang tổ chức Đại hội");
    assert_eq!(cancelled[0].unit_name, "Tỉnh đoàn Ninh Bình");
    // The unit can be planned again.
    s.visit_plan(plan(&p, Some(&team), Some(day(2026, 10, 9))))
        .unwrap();
}

#[test]
fn a_day_outside_the_campaign_is_refused_unless_meant() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir);
    let c = s
        .campaign_create(CampaignInput {
            name: "Đợt tháng 10".into(),
            year: 2026,
            start_date: Some(day(2026, 10, 20)),
            end_date: Some(day(2026, 10, 25)),
            ..Default::default()
        })
        .unwrap()
        .id;
    let a = unit(&mut s, "Đoàn xã Gia Vân", None);
    let plan = |date, outside_campaign| VisitPlanInput {
        campaign_id: c.clone(),
        unit_id: a.clone(),
        team_id: None,
        date: Some(date),
        outside_campaign,
    };
    let e = refused(&mut s, |s| s.visit_plan(plan(day(2030, 1, 1), false)));
    assert_eq!(e.code(), "visit_outside_campaign");
    assert_eq!(
        e.message(Lang::Vi),
        "Ngày 01/01/2030 của buổi kiểm tra tại \"Đoàn xã Gia Vân\" nằm ngoài thời gian của đợt kiểm tra (20/10/2026 – 25/10/2026). Nếu đúng là ngày đó, hãy xác nhận kiểm tra ngoài thời gian đợt."
    );
    assert!(s.list_by::<Visit>("campaign_id", &c).unwrap().is_empty());
    // The campaign's own days, first and last included, need nothing.
    let v = s.visit_plan(plan(day(2026, 10, 25), false)).unwrap();
    let e = refused(&mut s, |s| {
        s.visit_reschedule(&v.id, None, Some(day(2026, 10, 26)), Replan::default())
    });
    assert_eq!(e.code(), "visit_outside_campaign");
    let moved = s
        .visit_reschedule(
            &v.id,
            None,
            Some(day(2026, 10, 26)),
            Replan {
                reason: "Đơn vị đề nghị lùi một ngày".into(),
                outside_campaign: true,
            },
        )
        .unwrap();
    assert_eq!(moved.body.date, Some(day(2026, 10, 26)));
}

#[test]
fn only_planned_visits_with_nothing_recorded_are_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, campaign) = demo(&dir);
    let rows = s.visit_rows(Some(&campaign)).unwrap();
    let planned: Vec<_> = rows
        .iter()
        .filter(|v| v.status == VisitStatus::Planned)
        .collect();
    let in_progress = rows
        .iter()
        .find(|v| v.status == VisitStatus::InProgress)
        .unwrap();
    let signed = rows
        .iter()
        .find(|v| v.status == VisitStatus::Signed)
        .unwrap();

    let e = refused(&mut s, |s| {
        s.visit_cancel(&in_progress.id, "Đơn vị xin lùi lịch")
    });
    assert_eq!(e.code(), "visit_started");
    assert!(e
        .message(Lang::Vi)
        .contains("đã ở trạng thái \"Đang kiểm tra\""));
    let e = refused(&mut s, |s| {
        s.visit_reschedule(&signed.id, None, Some(day(2023, 11, 20)), Replan::default())
    });
    assert_eq!(e.code(), "visit_locked");

    s.recommendation_add(RecommendationInput {
        visit_id: planned[0].id.clone(),
        text: "Đề nghị bố trí phòng sinh hoạt".into(),
        raised_by: RaisedBy::Unit,
        authority: Authority::Party,
        due_date: None,
    })
    .unwrap();
    // Even a finding with nothing typed yet (the checklist saved a blank note) is recorded.
    s.finding_set(FindingInput {
        visit_id: planned[1].id.clone(),
        item_code: "1.1".into(),
        note: Some("   ".into()),
        ..Default::default()
    })
    .unwrap();
    let e = refused(&mut s, |s| {
        s.visit_cancel(&planned[0].id, "Đơn vị xin lùi lịch")
    });
    assert_eq!(
        e.message(Lang::Vi),
        format!(
            "Không hủy được buổi kiểm tra tại \"{}\": đã ghi 1 kiến nghị. Hãy xóa các nội dung đó trước nếu thật sự muốn hủy.",
            planned[0].unit_name
        )
    );
    let e = refused(&mut s, |s| {
        s.visit_cancel(&planned[1].id, "Đơn vị xin lùi lịch")
    });
    assert_eq!(e.code(), "visit_has_records");
    s.visit_cancel(&planned[2].id, "Đơn vị xin lùi lịch")
        .unwrap();
    assert_eq!(s.visit_rows(Some(&campaign)).unwrap().len(), 23);
}

#[test]
fn the_campaign_overview_lists_every_unit_of_its_time_with_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.criteria_set_create(kiemtra_core::demo::default_criteria())
        .unwrap();
    let p = unit(&mut s, "Tỉnh đoàn Ninh Bình", None);
    let a = unit(&mut s, "Đoàn xã Yên Thắng", Some(&p));
    let old = s
        .unit_create(UnitInput {
            name: "Đoàn xã Yên Hòa".into(),
            parent_id: Some(p.clone()),
            valid_to: Some(day(2025, 6, 30)),
            ..Default::default()
        })
        .unwrap()
        .id;
    let new = s
        .unit_create(UnitInput {
            name: "Đoàn xã Yên Mô".into(),
            parent_id: Some(p.clone()),
            valid_from: Some(day(2025, 7, 1)),
            ..Default::default()
        })
        .unwrap()
        .id;
    let c2024 = campaign(&mut s, "Đợt 2024", 2024, Some(day(2024, 10, 1)));
    let c2026 = campaign(&mut s, "Đợt 2026", 2026, Some(day(2026, 10, 1)));
    s.visit_plan(VisitPlanInput {
        campaign_id: c2024.clone(),
        unit_id: old.clone(),
        team_id: None,
        date: Some(day(2024, 10, 2)),
        outside_campaign: false,
    })
    .unwrap();

    let state = |s: &Store, c: &str| -> Vec<(String, Option<VisitStatus>)> {
        s.campaign_units_state(c)
            .unwrap()
            .into_iter()
            .map(|u| (u.unit.id, u.visit.map(|v| v.status)))
            .collect()
    };
    assert_eq!(
        state(&s, &c2024),
        vec![
            (p.clone(), None),
            (old.clone(), Some(VisitStatus::Planned)),
            (a.clone(), None),
        ]
    );
    assert_eq!(
        state(&s, &c2026),
        vec![(p.clone(), None), (new.clone(), None), (a.clone(), None)]
    );
    let e = s.campaign_units_state("ffff").unwrap_err();
    assert_eq!(e.code(), "not_found");
}

#[test]
fn the_first_campaign_on_a_fresh_database_gets_the_standard_criteria_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    assert!(s.list::<CriteriaSet>().unwrap().is_empty());
    let c = s
        .campaign_create(CampaignInput {
            name: "Kiểm tra công tác Đoàn năm 2024".into(),
            year: 2024,
            ..Default::default()
        })
        .unwrap();
    let set_id = c.body.criteria_set_id.expect("a criteria set");
    let set = s.require::<CriteriaSet>(&set_id).unwrap();
    assert_eq!(set.body.topics.len(), 7);
    assert_eq!(set.body.item_count(), 32);
    // A second campaign reuses it rather than making another copy.
    let c2 = s
        .campaign_create(CampaignInput {
            name: "Đợt bổ sung".into(),
            year: 2024,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(c2.body.criteria_set_id.as_deref(), Some(set_id.as_str()));
    assert_eq!(s.list::<CriteriaSet>().unwrap().len(), 1);
}

#[test]
fn a_members_position_typed_in_the_team_form_becomes_the_inspectors_title() {
    let dir = tempfile::tempdir().unwrap();
    let (mut s, _) = demo(&dir);
    let c = campaign(&mut s, "Đợt 2026", 2026, None);
    let with_title = |name: &str, role, title: Option<&str>| MemberInput {
        title: title.map(String::from),
        ..MemberInput::named(name, role)
    };
    let t = s
        .team_create(TeamInput {
            campaign_id: c.clone(),
            name: "Đoàn kiểm tra số 1".into(),
            members: vec![
                with_title(
                    "Nguyễn Văn Bình",
                    Role::Head,
                    Some("  Phó Bí thư Tỉnh đoàn "),
                ),
                with_title("Bùi Văn Toàn", Role::Member, None),
            ],
        })
        .unwrap();
    let title = |s: &Store, i: usize| {
        s.require::<Inspector>(&t.body.members[i].inspector_id)
            .unwrap()
            .body
            .title
    };
    assert_eq!(title(&s, 0), "Phó Bí thư Tỉnh đoàn");
    assert_eq!(title(&s, 1), "");
    // Changed through the team by id: the inspector's title follows; None leaves it.
    s.team_update(
        &t.id,
        TeamPatch {
            members: Some(vec![
                MemberInput {
                    inspector_id: Some(t.body.members[0].inspector_id.clone()),
                    full_name: None,
                    role: Role::Head,
                    title: None,
                },
                MemberInput {
                    inspector_id: Some(t.body.members[1].inspector_id.clone()),
                    full_name: None,
                    role: Role::Member,
                    title: Some("Ủy viên Ban Thường vụ".into()),
                },
            ]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(title(&s, 0), "Phó Bí thư Tỉnh đoàn");
    assert_eq!(title(&s, 1), "Ủy viên Ban Thường vụ");
}
