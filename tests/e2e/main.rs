//! The real app, under Xvfb, driven through tauri-driver as a person would use it.

use kiemtra_core::ids::finding_id;
use kiemtra_core::model::VisitStatus;
use kiemtra_core::{model::Finding, Store};
use kiemtra_tests::{close_app_windows, kill_app, screenshot_dir, wait_for, Driver, Session};
use serde_json::json;

fn planned_visit(db: &std::path::Path) -> (String, String) {
    let store = Store::open(db).unwrap();
    let v = store
        .visit_rows(None)
        .unwrap()
        .into_iter()
        .find(|v| v.status == VisitStatus::Planned)
        .expect("the demo has planned visits");
    (v.id, v.unit_name)
}

fn finding_in_db(db: &std::path::Path, visit: &str, item: &str) -> Option<Finding> {
    // A second connection beside the app's, as the CLI would open it.
    let store = Store::open(db).ok()?;
    store
        .get::<Finding>(&finding_id(visit, item))
        .ok()
        .flatten()
        .map(|f| f.body)
}

fn open_visit(s: &Session, visit_id: &str, unit_name: &str) {
    let row = s.wait(&format!(".visit-row[data-id=\"{visit_id}\"]"));
    s.click(&row);
    s.wait_text("h1, h2", unit_name);
    s.wait(".item[data-code=\"5.2\"]");
}

#[test]
fn demo_campaign_record_a_finding_restart_and_see_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiemtra.db");
    let shots = screenshot_dir();
    let driver = Driver::start();

    // First run: the laptop is named by its people, then the welcome screen offers the demo.
    let s = driver.launch(&db);
    s.wait_text(".page-title", "Đặt tên cho máy này");
    s.type_text(&s.wait("#lp-name"), "Máy Ban Xây dựng Đoàn");
    s.type_text(&s.wait("#lp-person-0"), "Trần Thị Lan");
    s.type_text(&s.wait("#lp-position-0"), "Phó Trưởng Ban Xây dựng Đoàn");
    s.screenshot(&shots.join("00-first-run-name.png"));
    s.click(&s.wait("#lp-save"));
    let demo = s.wait_text("#btn-demo", "Dùng dữ liệu mẫu");
    {
        let store = Store::open(&db).unwrap();
        let me = store.device_profile().unwrap();
        assert_eq!(me.laptop.name, "Máy Ban Xây dựng Đoàn");
        assert_eq!(me.person, "Trần Thị Lan");
        assert_eq!(me.laptop.people[0].position, "Phó Trưởng Ban Xây dựng Đoàn");
    }
    s.screenshot(&shots.join("01-welcome.png"));
    s.click(&demo);

    // The demo campaign opens, in Vietnamese.
    s.wait_text("body", "Năm chuyển đổi số các hoạt động của Đoàn");
    s.wait_count(".visit-row", 24);
    s.screenshot(&shots.join("02-campaign.png"));

    // Narrowing the list: signed visits only, then back to all.
    let signed = Store::open(&db)
        .unwrap()
        .visit_rows(None)
        .unwrap()
        .iter()
        .filter(|v| v.status == VisitStatus::Signed)
        .count();
    assert!(signed > 0 && signed < 24);
    s.click(&s.wait("#filter-status option[value=\"signed\"]"));
    s.wait_until("only signed visits", || {
        (s.find_all(".visit-row").len() == signed
            && s.find_all(".visit-row[data-status=\"signed\"]").len() == signed)
            .then_some(())
    });
    s.click(&s.wait("#filter-status option[value=\"\"]"));
    s.wait_until("all visits again", || {
        (s.find_all(".visit-row").len() == 24).then_some(())
    });

    // An inspector opens a planned visit and records item 5.2.
    let (visit, unit) = planned_visit(&db);
    open_visit(&s, &visit, &unit);
    let item = "[data-code=\"5.2\"]";
    let not_met = s.wait(&format!(".item{item} input[type=radio][value=chua_dat]"));
    s.click(&not_met);
    let note = "Sổ Chi đoàn chưa cập nhật biến động đoàn viên quý III; <b>không</b> in đậm";
    let explanation =
        "Đơn vị giải trình: bí thư chi đoàn mới chuyển công tác, sẽ bổ sung trước 30/11.";
    s.type_text(&s.wait(&format!(".item{item} textarea.note")), note);
    s.type_text(
        &s.wait(&format!(".item{item} textarea.explanation")),
        explanation,
    );

    // Autosave reaches the database without any save button, and the screen says so.
    let saved = wait_for("the finding to be saved", || {
        finding_in_db(&db, &visit, "5.2").filter(|f| f.note == note && f.explanation == explanation)
    });
    assert_eq!(saved.rating, Some(kiemtra_core::model::Rating::ChuaDat));
    s.wait_attr("#save-state", "data-state", "saved");
    s.screenshot(&shots.join("03-visit.png"));

    // English switch, then back to Vietnamese.
    s.click(&s.wait("#lang-en"));
    s.wait_text("body", "Not met");
    s.screenshot(&shots.join("04-visit-en.png"));
    s.click(&s.wait("#lang-vi"));
    s.wait_text("body", "Chưa đạt");
    s.quit();

    // Restart: the finding is still there.
    let s = driver.launch(&db);
    let row = s.wait(".campaign-row");
    s.screenshot(&shots.join("05-campaigns.png"));
    s.click(&row);
    open_visit(&s, &visit, &unit);
    let radio = s.wait(&format!(".item{item} input[type=radio][value=chua_dat]"));
    wait_for("the rating to show as selected", || {
        s.is_selected(&radio).then_some(())
    });
    // Typed HTML stays text.
    s.wait_property_eq(&format!(".item{item} textarea.note"), "value", json!(note));
    s.wait_property_eq(
        &format!(".item{item} textarea.explanation"),
        "value",
        json!(explanation),
    );
    // Nothing the person typed became markup.
    let bold = s.script(
        "return document.querySelectorAll('.item b').length",
        json!([]),
    );
    assert_eq!(bold, json!(0));
    s.screenshot(&shots.join("06-after-restart.png"));

    // Typing and closing the window at once: the close waits for the autosave.
    let last_words = "Ghi nhận cuối cùng trước khi đóng cửa sổ";
    s.type_text(
        &s.wait(".item[data-code=\"5.3\"] textarea.note"),
        last_words,
    );
    assert!(
        close_app_windows(&driver.display, "Kiểm tra") > 0,
        "the app window is on the display"
    );
    let kept = wait_for("the last words to reach the database", || {
        finding_in_db(&db, &visit, "5.3").filter(|f| f.note == last_words)
    });
    assert_eq!(kept.note, last_words);
    // The app is gone with its window: the session cannot find elements any more.
    wait_for("the app to exit", || {
        s.try_find(".item").is_err().then_some(())
    });
}

/// A crash (SIGKILL) mid-edit. The OS page cache outlives the process, so this checks that
/// what SQLite committed is kept when the app dies, not what a power cut would leave.
#[test]
fn a_crash_mid_edit_keeps_everything_the_screen_called_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiemtra.db");
    {
        let mut st = Store::open(&db).unwrap();
        st.load_demo().unwrap();
        st.set_device_name("Máy Đoàn kiểm tra số 1").unwrap();
        st.set_onboarded().unwrap();
    }
    let (visit, unit) = planned_visit(&db);
    let driver = Driver::start();
    let s = driver.launch(&db);
    s.click(&s.wait(".campaign-row"));
    open_visit(&s, &visit, &unit);
    let saved_text = "Ghi nhận trước khi ứng dụng bị dừng đột ngột";
    let note = s.wait(".item[data-code=\"2.1\"] textarea.note");
    s.type_text(&note, saved_text);
    s.wait_attr("#save-state", "data-state", "saved");
    // More words, then the app crashes: at most these last keystrokes may be lost.
    s.type_text(&note, " và sau");
    assert_eq!(kill_app(&db), 1, "the app was running");
    drop(s);

    let store = Store::open(&db).expect("the database still opens");
    assert!(store.check().unwrap().ok, "and is intact");
    let kept = store
        .get::<Finding>(&finding_id(&visit, "2.1"))
        .unwrap()
        .expect("the saved finding")
        .body
        .note;
    // Autosave may have caught some of the later keystrokes (on a loaded machine a pause
    // between two of them can outlast the debounce): what is kept runs from the saved text
    // to, at most, everything typed.
    let typed = format!("{saved_text} và sau");
    assert!(
        kept.starts_with(saved_text) && typed.starts_with(&kept),
        "{kept:?}"
    );
    drop(store);
    let s = driver.launch(&db);
    s.click(&s.wait(".campaign-row"));
    open_visit(&s, &visit, &unit);
    s.wait_property_eq(
        ".item[data-code=\"2.1\"] textarea.note",
        "value",
        json!(kept),
    );
    s.quit();
}

mod reports;
mod scale;
mod search;
mod setup;
mod sync;
mod visit;
