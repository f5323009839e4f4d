//! The real app on a province-sized directory: what a screen draws follows what it shows,
//! never the size of the database (counted in rows, not timed).

use kiemtra_core::ids::new_id;
use kiemtra_core::model::Unit;
use kiemtra_core::setup::CampaignInput;
use kiemtra_core::Store;
use kiemtra_tests::{screenshot_dir, Driver};

fn unit(name: &str, parent: Option<&str>, level: &str) -> Unit {
    Unit {
        name: name.into(),
        short_name: String::new(),
        code: String::new(),
        kind: String::new(),
        level_label: level.into(),
        parent_id: parent.map(str::to_string),
        valid_from: None,
        valid_to: None,
        merged_into: None,
    }
}

#[test]
fn the_units_screen_and_the_planner_draw_a_bounded_number_of_rows_for_5000_units() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    // 1 province, 50 districts, 99 communes each: 5,001 units, written in one transaction.
    let deep = {
        let mut st = Store::open(&db).unwrap();
        st.set_device_name("Máy Văn phòng Tỉnh đoàn").unwrap();
        st.set_onboarded().unwrap();
        st.write(|w| {
            let province = new_id();
            w.put(&province, &unit("Tỉnh đoàn Ninh Bình", None, "Cấp tỉnh"))?;
            let mut last = String::new();
            for d in 0..50 {
                let district = new_id();
                let name = format!("Huyện đoàn số {d:02}");
                w.put(&district, &unit(&name, Some(&province), "Cấp huyện"))?;
                for c in 0..99 {
                    let id = new_id();
                    let name = format!("Đoàn xã Số {d:02}-{c:02}");
                    w.put(&id, &unit(&name, Some(&district), "Cơ sở"))?;
                    last = id;
                }
            }
            Ok(last)
        })
        .unwrap()
    };
    // A campaign of this year, whose planner offers every one of those units.
    let campaign = {
        let mut st = Store::open(&db).unwrap();
        st.add_criteria_set(&kiemtra_core::demo::default_criteria())
            .unwrap();
        st.campaign_create(CampaignInput {
            name: "Kiểm tra công tác Đoàn năm 2026".into(),
            year: 2026,
            ..Default::default()
        })
        .unwrap()
        .id
    };
    let shots = screenshot_dir();
    let driver = Driver::start();
    let s = driver.launch(&db);
    s.click(&s.wait("#nav-units"));
    s.wait("#unit-more");
    let rows = s.find_all(".unit-row").len();
    assert!(
        (50..=250).contains(&rows),
        "{rows} rows drawn for 5,001 units"
    );
    s.screenshot(&shots.join("40-units-5000.png"));

    // The filter ignores diacritics and still draws a bounded page.
    s.type_text(&s.wait("#unit-filter"), "doan xa so 49");
    s.wait_text("#unit-tree", "Đoàn xã Số 49-98");
    let rows = s.find_all(".unit-row").len();
    assert!(rows <= 250, "{rows} rows drawn for the filter");

    // The last unit, opened from its address, is drawn and marked wherever it is.
    s.script(
        "location.hash = arguments[0]",
        serde_json::json!([format!("#/units/{deep}")]),
    );
    s.wait(&format!(".unit-row.is-target[data-id=\"{deep}\"]"));
    let rows = s.find_all(".unit-row").len();
    assert!(rows <= 250, "{rows} rows drawn around the opened unit");

    // The planner of a campaign offers the 5,001 units a page at a time, with a filter.
    s.script(
        "location.hash = arguments[0]",
        serde_json::json!([format!("#/campaign/{campaign}")]),
    );
    s.click_on("#btn-plan");
    s.wait("#plan-more");
    let rows = s.find_all("#planner .plan-row").len();
    assert!(
        (50..=250).contains(&rows),
        "{rows} planner rows drawn for 5,001 units"
    );
    s.type_text(&s.wait("#plan-filter"), "doan xa so 49-9");
    s.wait_text("#plan-tree", "Đoàn xã Số 49-98");
    let rows = s.find_all("#planner .plan-row").len();
    assert!(rows <= 20, "{rows} planner rows drawn for the filter");
    s.screenshot(&shots.join("41-planner-5000.png"));
    s.quit();
}
