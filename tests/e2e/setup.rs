//! The secretariat's journey in the real app: the unit directory imported from an Excel
//! file (previewed, a bad row named, the good rows imported), a campaign created, its team
//! set up with roles, and visits planned for two units.

use kiemtra_core::model::{Campaign, Role, Team, VisitStatus};
use kiemtra_core::Store;
use kiemtra_tests::{answer_file_dialog, screenshot_dir, Dialog, Driver};

fn units_xlsx(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: &[[&str; 4]] = &[
        ["Mã", "Tên đơn vị", "Cấp", "Trực thuộc"],
        ["NB", "Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình", "Cấp tỉnh", ""],
        ["NB-HL", "Huyện đoàn Hoa Lư", "Cấp huyện", "NB"],
        ["NB-HL-NX", "Đoàn xã Ninh Xuân", "Cơ sở", "NB-HL"],
        ["NB-HL-NH", "Đoàn xã Ninh Hải", "Cơ sở", "NB-HL"],
        ["NB-XX", "Đoàn phường Không Có Cha", "Cơ sở", "NB-KHONG-CO"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

/// The JSON WebDriver uses for an element, for `Session::script` arguments.
fn year_ref(s: &kiemtra_tests::Session, css: &str) -> serde_json::Value {
    s.script(
        "return document.querySelector(arguments[0])",
        serde_json::json!([css]),
    )
}

#[test]
fn the_secretariat_imports_units_sets_up_a_campaign_and_plans_visits() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    {
        let mut st = Store::open(&db).unwrap();
        st.set_device_name("Máy Văn phòng Tỉnh đoàn").unwrap();
        st.set_onboarded().unwrap();
    }
    let files = tmp.path().join("usb");
    std::fs::create_dir_all(&files).unwrap();
    let xlsx = files.join("don-vi.xlsx");
    units_xlsx(&xlsx);
    let shots = screenshot_dir();
    let driver = Driver::start();
    let s = driver.launch(&db);

    s.click(&s.wait("#nav-units"));
    s.click(&s.wait("#btn-unit-import"));
    answer_file_dialog(&driver.display, "Excel", Dialog::Open, &xlsx);
    s.wait_text("#unit-import-tally", "4 đơn vị mới");
    // The bad row is named with its line and what is wrong; nothing imports until skipped.
    s.wait_text(".imp-row.imp-bad[data-line=\"6\"]", "NB-KHONG-CO");
    s.wait_count(".imp-row.imp-bad", 1);
    s.wait_property_eq("#unit-import-apply", "disabled", serde_json::json!(true));
    s.screenshot(&shots.join("30-units-preview.png"));
    s.click(&s.wait("#unit-import-skip"));
    s.click(&s.wait("#unit-import-apply"));
    s.wait_text("#unit-import-result", "4 mới");
    s.wait_text("#unit-tree", "Đoàn xã Ninh Hải");
    s.screenshot(&shots.join("31-units-tree.png"));
    {
        let st = Store::open(&db).unwrap();
        let tree = st.unit_tree().unwrap();
        assert_eq!(tree.len(), 4);
        let xa = tree.iter().find(|u| u.code == "NB-HL-NX").unwrap();
        assert_eq!(xa.name, "Đoàn xã Ninh Xuân");
        assert_eq!(xa.depth, 2);
    }

    // A new campaign through the form.
    s.click(&s.wait("#brand"));
    s.click(&s.wait("#btn-new-campaign"));
    let name = "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2024";
    s.type_text(&s.wait("#cf-name"), name);
    let year = s.wait("#cf-year");
    s.script(
        "arguments[0].value = ''",
        serde_json::json!([year_ref(&s, "#cf-year")]),
    );
    s.type_text(&year, "2024");
    // A start in 2026 for a 2024 campaign is named under its field, and nothing is saved.
    s.type_text(&s.wait("#cf-start"), "01/10/2026");
    s.type_text(&s.wait("#cf-end"), "30/11/2024");
    s.type_text(&s.wait("#cf-decision"), "215-QĐ/TĐTN-BTC");
    s.type_text(&s.wait("#cf-issuer"), "Ban Thường vụ Tỉnh đoàn Ninh Bình");
    s.click(&s.wait("#cf-save"));
    s.wait_text("#cf-start-error", "không thuộc năm 2024 của đợt kiểm tra");
    s.screenshot(&shots.join("32-campaign-form-error.png"));
    assert!(Store::open(&db)
        .unwrap()
        .list::<Campaign>()
        .unwrap()
        .is_empty());
    s.script(
        "arguments[0].value = ''",
        serde_json::json!([year_ref(&s, "#cf-start")]),
    );
    s.type_text(&s.wait("#cf-start"), "01/10/2024");
    s.wait_until("the corrected date's error to go", || {
        s.find_all("#cf-start-error").is_empty().then_some(())
    });
    s.screenshot(&shots.join("32-campaign-form.png"));
    s.click(&s.wait("#cf-save"));
    s.wait_text("#campaign-name", name);

    // Its team: a head and a secretary, typed by name.
    s.click(&s.wait("#team-new"));
    let members = s.wait_count(".member-input", 1);
    s.type_text(&members[0], "Trần Quang Huy");
    s.click(&s.wait("#team-add-member"));
    let members = s.wait_count(".member-input", 2);
    s.type_text(&members[1], "Lê Thị Mai");
    s.wait_count(".role-select", 2);
    s.click(&s.wait(".team-member-row:nth-of-type(2) .role-select option[value=\"secretary\"]"));
    s.click(&s.wait("#team-save"));
    s.wait_text("#teams", "Lê Thị Mai");

    // Plan visits to the two communes.
    s.click(&s.wait("#btn-plan"));
    let xa: Vec<String> = {
        let st = Store::open(&db).unwrap();
        st.unit_tree()
            .unwrap()
            .into_iter()
            .filter(|u| u.depth == 2)
            .map(|u| u.id)
            .collect()
    };
    for id in &xa {
        s.click(&s.wait(&format!(".plan-check[data-id=\"{id}\"]")));
    }
    s.type_text(&s.wait("#plan-date"), "15/10/2024");
    s.screenshot(&shots.join("33-plan.png"));
    s.click(&s.wait("#plan-go"));
    s.wait_until("two planned visits", || {
        (s.find_all(".visit-row[data-status=\"planned\"]").len() == 2).then_some(())
    });
    // The campaign shows every unit's state: the communes planned, the others not yet.
    for id in &xa {
        s.wait(&format!(".unit[data-id=\"{id}\"] .unit-state.s-planned"));
    }
    s.wait_count(".unit .unit-state.unplanned", 2);
    s.screenshot(&shots.join("34-campaign-planned.png"));
    {
        let st = Store::open(&db).unwrap();
        let c = st.list::<Campaign>().unwrap().remove(0);
        assert_eq!(c.body.name, name);
        assert_eq!(c.body.decision_number, "215-QĐ/TĐTN-BTC");
        let team = st.list::<Team>().unwrap().remove(0);
        assert_eq!(team.body.members.len(), 2);
        assert!(team.body.members.iter().any(|m| m.role == Role::Secretary));
        let visits = st.visit_rows(Some(&c.id)).unwrap();
        assert_eq!(visits.len(), 2);
        assert!(visits.iter().all(|v| v.status == VisitStatus::Planned
            && v.team_id.as_deref() == Some(team.id.as_str())
            && v.date.map(|d| d.to_string()).as_deref() == Some("2024-10-15")));
        // The standard criteria set came with the first campaign.
        assert_eq!(visits[0].total, 32);
    }

    // The criteria set, now used by the planned visits: editing it from the campaign makes
    // version 2, which the campaign and its visits not begun move to.
    s.script("window.scrollTo(0, 0)", serde_json::json!([]));
    s.click(&s.wait("#btn-criteria"));
    s.wait_text("#ce-in-use", "2 buổi kiểm tra");
    let title = s.wait(".ce-item .ce-title");
    s.type_text(&title, " (bổ sung năm 2024)");
    s.screenshot(&shots.join("35-criteria-editor.png"));
    s.click(&s.wait("#ce-save"));
    s.wait_text(
        "#ce-info",
        "phiên bản 2: 1 đợt kiểm tra và 2 buổi chưa đánh giá",
    );
    {
        let st = Store::open(&db).unwrap();
        let sets = st.list::<kiemtra_core::model::CriteriaSet>().unwrap();
        assert_eq!(sets.len(), 2, "the old version stays");
        let v2 = sets.iter().find(|c| c.body.version == 2).unwrap();
        assert!(v2.body.topics[0].items[0]
            .title
            .ends_with("(bổ sung năm 2024)"));
        let c = st.list::<Campaign>().unwrap().remove(0);
        assert_eq!(c.body.criteria_set_id.as_deref(), Some(v2.id.as_str()));
        for v in st.visit_rows(Some(&c.id)).unwrap() {
            let d = st.visit_detail(&v.id).unwrap();
            assert_eq!(
                d.criteria.set.version, 2,
                "visits not begun follow the campaign"
            );
        }
    }

    // The 2025 reform: Ninh Hải merges into Ninh Xuân. It leaves today's tree; the 2024
    // campaign still shows its visit under the old name.
    let (hai, xuan) = {
        let st = Store::open(&db).unwrap();
        let tree = st.unit_tree().unwrap();
        let id = |code: &str| tree.iter().find(|u| u.code == code).unwrap().id.clone();
        (id("NB-HL-NH"), id("NB-HL-NX"))
    };
    s.click(&s.wait("#nav-units"));
    let row = format!(".unit-row[data-id=\"{hai}\"]");
    s.click(&s.wait(&format!("{row} .unit-actions button:nth-child(2)")));
    s.click(&s.wait(&format!("#unit-merge-into option[value=\"{xuan}\"]")));
    s.type_text(&s.wait("#unit-date"), "30/06/2025");
    s.click(&s.wait("#unit-save"));
    s.wait_until("the merged unit to leave today's tree", || {
        (s.find_all(&row).is_empty() && !s.find_all("#unit-tree .unit-row").is_empty())
            .then_some(())
    });
    {
        let st = Store::open(&db).unwrap();
        let u = st.require::<kiemtra_core::model::Unit>(&hai).unwrap();
        assert_eq!(u.body.merged_into.as_deref(), Some(xuan.as_str()));
        let c = st.list::<Campaign>().unwrap().remove(0);
        let names: Vec<String> = st
            .visit_rows(Some(&c.id))
            .unwrap()
            .into_iter()
            .map(|v| v.unit_name)
            .collect();
        assert!(names.contains(&"Đoàn xã Ninh Hải".to_string()), "{names:?}");
    }
    replan_a_visit(&s, &db, &shots);
    s.quit();
}

/// A visit moved to another day and team (the day outside the campaign only once confirmed),
/// then cancelled: each with its reason, in the visit's history and the campaign's list.
fn replan_a_visit(s: &kiemtra_tests::Session, db: &std::path::Path, shots: &std::path::Path) {
    let (campaign, visit) = {
        let mut st = Store::open(db).unwrap();
        let c = st.list::<Campaign>().unwrap().remove(0);
        st.team_create(kiemtra_core::setup::TeamInput {
            campaign_id: c.id.clone(),
            name: "Đoàn kiểm tra số 2".into(),
            members: vec![kiemtra_core::setup::MemberInput::named(
                "Phạm Văn Long",
                Role::Head,
            )],
        })
        .unwrap();
        let v = st.visit_rows(Some(&c.id)).unwrap().remove(0);
        (c.id, v.id)
    };
    s.script(
        "location.hash = arguments[0]",
        serde_json::json!([format!("#/visit/{visit}")]),
    );
    s.click(&s.wait("#btn-replan"));
    let date = s.wait("#replan-date");
    s.script(
        "arguments[0].value = ''",
        serde_json::json!([year_ref(s, "#replan-date")]),
    );
    s.type_text(&date, "05/12/2024");
    s.click(&s.wait("#replan-team option:nth-child(3)"));
    s.type_text(
        &s.wait("#replan-reason"),
        "Đơn vị đề nghị lùi lịch vì trùng Đại hội",
    );
    s.click(&s.wait("#replan-save"));
    // After 30/11/2024: refused until the person says the day is meant.
    s.wait_text("#replan-error", "nằm ngoài thời gian của đợt kiểm tra");
    s.screenshot(&shots.join("36-replan-outside.png"));
    s.click(&s.wait("#replan-outside-confirm"));
    s.wait_text("#visit-outside", "Ngoài thời gian đợt");
    {
        let st = Store::open(db).unwrap();
        let v = st
            .require::<kiemtra_core::model::Visit>(&visit)
            .unwrap()
            .body;
        assert_eq!(v.date.map(|d| d.to_string()).as_deref(), Some("2024-12-05"));
        let change = v.plan_changes.last().unwrap();
        assert_eq!(change.reason, "Đơn vị đề nghị lùi lịch vì trùng Đại hội");
        assert_eq!(change.team_to, "Đoàn kiểm tra số 2");
        assert_eq!(
            change.date_to.map(|d| d.to_string()).as_deref(),
            Some("2024-12-05")
        );
    }
    s.click(&s.wait("#btn-visit-history"));
    s.wait_text("#history-dialog", "Đoàn kiểm tra số 2");
    s.wait_text("#history-dialog", "trùng Đại hội");
    s.click(&s.wait("#history-close"));

    s.click(&s.wait("#btn-replan"));
    s.wait("#cancel-visit");
    let panel = s.script(
        "return document.querySelector('#replan').innerText",
        serde_json::json!([]),
    );
    let panel = panel.as_str().unwrap_or_default();
    assert!(
        !panel.contains("null") && s.find_all("#replan-error").is_empty(),
        "the panel opens again clean: {panel}"
    );
    s.click(&s.wait("#cancel-visit"));
    s.wait_text("#replan .field-error", "lý do hủy");
    s.type_text(
        &s.wait("#cancel-reason"),
        "Đơn vị đang sáp nhập, chuyển sang đợt sau",
    );
    s.click(&s.wait("#cancel-visit"));
    s.wait(&format!(
        "#cancelled-visits .cancelled-row[data-id=\"{visit}\"]"
    ));
    s.script(
        "document.querySelector('#cancelled-visits').open = true",
        serde_json::json!([]),
    );
    s.wait_text("#cancelled-visits", "chuyển sang đợt sau");
    s.screenshot(&shots.join("37-cancelled.png"));
    let st = Store::open(db).unwrap();
    assert!(st
        .get::<kiemtra_core::model::Visit>(&visit)
        .unwrap()
        .is_none());
    let history = st.history(&visit).unwrap();
    let last = history.last().unwrap();
    assert!(last.deleted);
    assert_eq!(
        last.body["plan_changes"][1]["reason"],
        "Đơn vị đang sáp nhập, chuyển sang đợt sau"
    );
    assert_eq!(st.campaign_overview(&campaign).unwrap().cancelled.len(), 1);
}
