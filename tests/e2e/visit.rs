//! An inspector's visit in the real app: every topic rated from the keyboard, the minutes
//! written, a recommendation forwarded to the higher Union level, signed, refused while
//! signed, unlocked with a reason and edited again.

use kiemtra_core::model::{Authority, RecStatus, Recommendation, Visit, VisitStatus};
use kiemtra_core::Store;
use kiemtra_tests::{answer_file_dialog, keys, screenshot_dir, wait_for, Dialog, Driver, Session};

fn saved(s: &Session) {
    s.wait_until("everything to be saved", || {
        let st = s.wait("#save-state");
        (s.attr(&st, "data-state").as_deref() == Some("saved")).then_some(())
    });
}

fn visit_in_db(db: &std::path::Path, id: &str) -> Option<Visit> {
    Store::open(db).ok()?.get::<Visit>(id).ok()?.map(|v| v.body)
}

#[test]
fn an_inspector_completes_signs_and_unlocks_a_visit() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    let (visit, unit) = {
        let mut st = Store::open(&db).unwrap();
        st.load_demo().unwrap();
        st.set_onboarded().unwrap();
        let v = st
            .visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Planned)
            .unwrap();
        (v.id, v.unit_name)
    };
    let shots = screenshot_dir();
    let driver = Driver::start();
    let s = driver.launch(&db);
    s.click(&s.wait(".campaign-row"));
    s.click(&s.wait(&format!(".visit-row[data-id=\"{visit}\"]")));
    s.wait_text("h1", &unit);

    // The checklist from the keyboard: 1 rates "Đạt", Alt+↓ moves to the next item.
    let items = s.find_all(".item[data-code]");
    assert_eq!(items.len(), 32, "all seven topics' items");
    s.click(&s.wait(".item[data-code] input.seg-input"));
    for i in 0..items.len() {
        if i > 0 {
            s.keys(&format!("{}{}{}", keys::ALT, keys::ARROW_DOWN, keys::NULL));
        }
        let active = s.active();
        let is_points = s.attr(&active, "class").as_deref() == Some("points");
        if is_points {
            s.type_text(&active, "1");
        } else {
            s.keys("1");
        }
    }
    s.wait_until("every item to count as done", || {
        let text = s.text(&s.wait("#visit-progress"));
        text.contains("32/32").then_some(())
    });
    saved(&s);

    // The minutes: an attendee, the unit's report, a question, the conclusion.
    s.click(&s.wait("#att-add"));
    s.type_text(&s.wait(".att-name"), "Nguyễn Thị Hồng Nhung");
    s.type_text(&s.wait(".att-position"), "Bí thư Đoàn xã");
    s.type_text(
        &s.wait("#minutes-report_summary"),
        "Năm 2023 kết nạp 45 đoàn viên; thu đoàn phí đạt 100%.",
    );
    s.click(&s.wait("#qa-add"));
    s.type_text(
        &s.wait(".qa-question"),
        "Vì sao chưa cài đặt ứng dụng Thanh niên Việt Nam?",
    );
    s.type_text(&s.wait(".qa-answer"), "Đang hướng dẫn đoàn viên cài đặt.");
    s.type_text(
        &s.wait("#minutes-assessment"),
        "Nhìn chung đơn vị thực hiện tốt các nội dung kiểm tra.",
    );
    s.click(&s.wait("#minutes-overall_result option[value=\"tot\"]"));
    let rec_text = "Đề nghị Tỉnh đoàn hỗ trợ tập huấn phần mềm quản lý đoàn viên.";
    s.type_text(&s.wait("#rec-new-text"), rec_text);
    s.click(&s.wait("#rec-new-authority option[value=\"union\"]"));
    s.click(&s.wait("#rec-add"));
    let rec = s.wait(".rec-edit[data-authority=\"union\"]");
    s.click(&s.wait(
        ".rec-edit[data-authority=\"union\"] .rec-status-select option[value=\"forwarded\"]",
    ));
    s.wait(".rec-edit[data-status=\"forwarded\"]");
    assert!(s
        .property(&s.wait(".rec-edit .rec-text-input"), "value")
        .as_str()
        .unwrap()
        .contains("Tỉnh đoàn"));
    let _ = rec;
    saved(&s);
    s.screenshot(&shots.join("20-visit-minutes.png"));

    // A photo through the open dialog: kept by hash, shown as a thumbnail.
    let photos = tmp.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    // xdotool cannot type every Vietnamese letter into the dialog: an ASCII name here (the
    // core tests cover Vietnamese file names).
    let photo = photos.join("buoi-lam-viec.png");
    {
        use base64::Engine;
        // A 2×2 PNG: enough to be a real image the thumbnailer decodes.
        let png = base64::engine::general_purpose::STANDARD
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==")
            .unwrap();
        std::fs::write(&photo, png).unwrap();
    }
    s.click(&s.wait("#att-pick"));
    answer_file_dialog(&driver.display, "scan", Dialog::Open, &photo);
    let tile = s.wait(".att-tile");
    let tile_text = s.property(&tile, "textContent").to_string();
    assert!(tile_text.contains("buoi-lam-viec.png"), "{tile_text:?}");
    s.wait_until("the thumbnail to load", || {
        let w = s.script(
            "const i = document.querySelector('.att-tile img'); return i && i.complete ? i.naturalWidth : 0;",
            serde_json::json!([]),
        );
        (w.as_u64().unwrap_or(0) > 0).then_some(())
    });
    s.type_text(&s.wait(".att-caption"), "Đoàn kiểm tra làm việc với đơn vị");
    saved(&s);
    s.script(
        "document.getElementById('visit-attachments').scrollIntoView({block: 'center'})",
        serde_json::json!([]),
    );
    s.screenshot(&shots.join("20b-visit-attachments.png"));
    {
        let st = Store::open(&db).unwrap();
        let atts = st.attachments_of(&visit).unwrap();
        assert_eq!(atts.len(), 1);
        assert!(atts[0].present);
        assert_eq!(atts[0].body.caption, "Đoàn kiểm tra làm việc với đơn vị");
    }

    // Sign: the minutes lock.
    s.click(&s.wait("#btn-sign"));
    s.wait("#locked-notice");
    s.wait("#btn-unlock");
    assert_eq!(
        s.property(&s.wait("#minutes-assessment"), "disabled"),
        serde_json::json!(true)
    );
    assert_eq!(
        s.property(
            &s.wait(".item[data-code=\"1.1\"] textarea.note"),
            "disabled"
        ),
        serde_json::json!(true)
    );
    s.screenshot(&shots.join("21-visit-signed.png"));
    s.script(
        "window.scrollTo(0, document.documentElement.scrollHeight)",
        serde_json::json!([]),
    );
    s.screenshot(&shots.join("21b-visit-signed-bottom.png"));
    let v = wait_for("the signed visit", || {
        visit_in_db(&db, &visit).filter(|v| v.status == VisitStatus::Signed)
    });
    assert_eq!(v.attendees[0].name, "Nguyễn Thị Hồng Nhung");
    assert_eq!(v.questions.len(), 1);
    {
        let st = Store::open(&db).unwrap();
        let recs = st.list_by::<Recommendation>("visit_id", &visit).unwrap();
        let r = recs.iter().find(|r| r.body.text == rec_text).unwrap();
        assert_eq!(r.body.authority, Authority::Union);
        assert_eq!(r.body.status, RecStatus::Forwarded);
    }
    // Even a command sent straight to Rust is refused while signed.
    let refused = s.script_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI__.core.invoke('finding_set', {input: {visit_id: arguments[0], item_code: '1.1', note: 'x'}})
           .then(() => done('accepted'), (e) => done(e.code));",
        serde_json::json!([visit]),
    );
    assert_eq!(refused, serde_json::json!("visit_locked"));

    // Unlock with a reason, edit, and the reason is in the history.
    s.click(&s.wait("#btn-unlock"));
    let reason = "Bổ sung ý kiến của Bí thư Đảng ủy xã";
    s.type_text(&s.wait("#unlock-reason"), reason);
    s.click(&s.wait("#btn-unlock-confirm"));
    s.wait("#btn-sign");
    let note = s.wait(".item[data-code=\"1.1\"] textarea.note");
    assert_eq!(s.property(&note, "disabled"), serde_json::json!(false));
    s.type_text(&note, "Bổ sung sau khi mở khóa");
    saved(&s);
    s.wait_text(".unlock-log", reason);
    s.screenshot(&shots.join("22-visit-unlocked.png"));

    // The visit's history shows who changed what, the unlock and its reason included.
    s.script("window.scrollTo(0, 0)", serde_json::json!([]));
    s.click(&s.wait("#btn-visit-history"));
    let dialog = s.wait_text("#history-dialog", reason);
    assert!(s.text(&dialog).contains("Nguyễn Thị Hồng Nhung"));
    s.screenshot(&shots.join("23-visit-history.png"));
    s.click(&s.wait("#history-close"));
    let v = visit_in_db(&db, &visit).unwrap();
    assert_eq!(v.status, VisitStatus::Completed);
    assert_eq!(v.unlocks[0].reason, reason);
    s.quit();
}
