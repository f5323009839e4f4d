//! An inspector's visit in the real app: every topic rated from the keyboard, the minutes
//! written, a recommendation forwarded to the higher Union level, signed, refused while
//! signed, unlocked with a reason and edited again.

use kiemtra_core::ids::finding_id;
use kiemtra_core::model::{Authority, Finding, RecStatus, Recommendation, Visit, VisitStatus};
use kiemtra_core::Store;
use kiemtra_tests::{answer_file_dialog, keys, screenshot_dir, wait_for, Dialog, Driver, Session};
use serde_json::json;

fn saved(s: &Session) {
    s.wait_attr("#save-state", "data-state", "saved");
}

fn finding_in_db(db: &std::path::Path, visit: &str, item: &str) -> Option<Finding> {
    let store = Store::open(db).ok()?;
    store
        .get::<Finding>(&finding_id(visit, item))
        .ok()?
        .map(|f| f.body)
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
        st.set_device_name("Máy Đoàn kiểm tra số 1").unwrap();
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
    // All seven topics' items.
    let items = s.wait_count(".item[data-code]", 32);
    let codes: Vec<String> = items
        .iter()
        .map(|e| s.attr(e, "data-code").expect("an item's code"))
        .collect();
    s.click(&s.wait(".item[data-code] input.seg-input"));
    for (i, code) in codes.iter().enumerate() {
        if i > 0 {
            s.keys(&format!("{}{}{}", keys::ALT, keys::ARROW_DOWN, keys::NULL));
        }
        // Alt+↓ has moved the focus into this item before anything is typed.
        s.wait_until(&format!("the focus in item {code}"), || {
            let at = s.script(
                "const i = document.activeElement && document.activeElement.closest('.item[data-code]');
                 return i ? i.dataset.code : null;",
                json!([]),
            );
            (at.as_str() == Some(code.as_str())).then_some(())
        });
        let active = s.active();
        let is_points = s.attr(&active, "class").as_deref() == Some("points");
        if is_points {
            s.type_text(&active, "1");
        } else {
            s.keys("1");
        }
    }
    s.wait_text("#visit-progress", "32/32");
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
    s.wait_property_eq(
        ".rec-edit[data-authority=\"union\"] .rec-text-input",
        "value",
        json!(rec_text),
    );
    s.click(&s.wait(
        ".rec-edit[data-authority=\"union\"] .rec-status-select option[value=\"forwarded\"]",
    ));
    s.wait_property_eq(
        ".rec-edit[data-authority=\"union\"][data-status=\"forwarded\"] .rec-text-input",
        "value",
        json!(rec_text),
    );
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
    s.wait_property(
        ".att-tile",
        "textContent",
        "naming buoi-lam-viec.png",
        |t| t.as_str().is_some_and(|t| t.contains("buoi-lam-viec.png")),
    );
    s.wait_until("the thumbnail to load", || {
        let w = s.script(
            "const i = document.querySelector('.att-tile img'); return i && i.complete ? i.naturalWidth : 0;",
            json!([]),
        );
        (w.as_u64().unwrap_or(0) > 0).then_some(())
    });
    s.type_text(&s.wait(".att-caption"), "Đoàn kiểm tra làm việc với đơn vị");
    saved(&s);
    s.script(
        "document.getElementById('visit-attachments').scrollIntoView({block: 'center'})",
        json!([]),
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
    s.wait_property_eq("#minutes-assessment", "disabled", json!(true));
    s.wait_property_eq(
        ".item[data-code=\"1.1\"] textarea.note",
        "disabled",
        json!(true),
    );
    s.screenshot(&shots.join("21-visit-signed.png"));
    s.script(
        "window.scrollTo(0, document.documentElement.scrollHeight)",
        json!([]),
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
        json!([visit]),
    );
    assert_eq!(refused, json!("visit_locked"));

    // Unlock with a reason, edit, and the reason is in the history.
    s.click(&s.wait("#btn-unlock"));
    let reason = "Bổ sung ý kiến của Bí thư Đảng ủy xã";
    s.type_text(&s.wait("#unlock-reason"), reason);
    s.click(&s.wait("#btn-unlock-confirm"));
    s.wait("#btn-sign");
    let note = s.wait_property_eq(
        ".item[data-code=\"1.1\"] textarea.note",
        "disabled",
        json!(false),
    );
    let added = "Bổ sung sau khi mở khóa";
    s.type_text(&note, added);
    saved(&s);
    // The edit after unlocking is in the database, not only on the screen.
    let f = wait_for("the note typed after unlocking to be saved", || {
        finding_in_db(&db, &visit, "1.1").filter(|f| f.note == added)
    });
    assert_eq!(
        f.rating,
        Some(kiemtra_core::model::Rating::Dat),
        "the rating stays"
    );
    s.wait_text(".unlock-log", reason);
    s.screenshot(&shots.join("22-visit-unlocked.png"));

    // The visit's history shows who changed what, the unlock and its reason included.
    s.script("window.scrollTo(0, 0)", json!([]));
    s.click(&s.wait("#btn-visit-history"));
    s.wait_text("#history-dialog", reason);
    s.wait_text("#history-dialog", "Nguyễn Thị Hồng Nhung");
    s.screenshot(&shots.join("23-visit-history.png"));
    s.click(&s.wait("#history-close"));
    let v = visit_in_db(&db, &visit).unwrap();
    assert_eq!(v.status, VisitStatus::Completed);
    assert_eq!(v.unlocks[0].reason, reason);
    s.quit();
}
