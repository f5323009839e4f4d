//! Reports in the real app: the campaign's results report previewed (with what is not final
//! listed above it) and exported as DOCX through the save dialog; a visit's minutes previewed.

use kiemtra_core::model::VisitStatus;
use kiemtra_core::Store;
use kiemtra_tests::{answer_file_dialog, screenshot_dir, Dialog, Driver};

fn docx_text(path: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

#[test]
fn the_campaign_report_and_a_visits_minutes_from_the_app() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    let signed = {
        let mut st = Store::open(&db).unwrap();
        st.load_demo().unwrap();
        st.set_device_name("Máy Đoàn kiểm tra số 1").unwrap();
        st.set_onboarded().unwrap();
        st.visit_rows(None)
            .unwrap()
            .into_iter()
            .find(|v| v.status == VisitStatus::Signed)
            .unwrap()
    };
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let shots = screenshot_dir();
    let driver = Driver::start();
    let s = driver.launch(&db);
    s.click(&s.wait(".campaign-row"));
    // The documents' number and signer, set once for the campaign.
    s.click(&s.wait("#btn-edit-campaign"));
    s.type_text(&s.wait("#rs-report_number"), "127-BC/TĐTN-XDĐ");
    s.type_text(&s.wait("#rs-signer_name"), "Nguyễn Thị Hồng Nhung");
    s.screenshot(&shots.join("49-report-settings.png"));
    s.click(&s.wait("#cf-save"));
    s.wait("#btn-report");
    s.click(&s.wait("#btn-report"));
    // The demo has visits not yet signed: said before anyone signs the report.
    s.wait_property(
        "#report-warnings",
        "textContent",
        "naming unsigned minutes",
        |t| t.as_str().is_some_and(|t| t.contains("biên bản chưa ký")),
    );
    let frame = s.wait("#report-frame");
    s.enter_frame(&frame);
    s.wait_text("body", "BÁO CÁO");
    s.wait_text("body", "Đoàn xã Cúc Phương");
    s.wait_text("body", "127-BC/TĐTN-XDĐ");
    s.wait_text("body", "Nguyễn Thị Hồng Nhung");
    s.wait_text("body", "DỰ THẢO");
    s.wait_text("body", "đã kiểm tra 12/24 đơn vị theo kế hoạch");
    s.leave_frame();
    s.screenshot(&shots.join("50-report-preview.png"));

    // The secretariat's words: a suggestion from the minutes, one cause typed, saved into
    // the campaign and shown by the preview.
    s.click(&s.wait("#report-texts-toggle"));
    s.type_text(
        &s.wait("#rt-causes_subjective"),
        "Một số cán bộ Đoàn cơ sở mới được kiện toàn.",
    );
    s.click(&s.wait("#rt-suggest"));
    s.wait_text("#rt-note", "Đã điền gợi ý");
    s.screenshot(&shots.join("50b-report-texts.png"));
    s.click(&s.wait("#rt-save"));
    // The panel closes once the new preview is in place; the frame before it is gone.
    s.wait_count("#report-texts", 0);
    let frame = s.wait("#report-frame");
    s.enter_frame(&frame);
    s.wait_text("body", "Một số cán bộ Đoàn cơ sở mới được kiện toàn.");
    s.leave_frame();
    {
        let st = Store::open(&db).unwrap();
        let c = st
            .list::<kiemtra_core::model::Campaign>()
            .unwrap()
            .remove(0);
        assert_eq!(
            c.body.texts.causes_subjective,
            "Một số cán bộ Đoàn cơ sở mới được kiện toàn."
        );
        assert!(c.body.texts.strengths.starts_with("- "), "suggested");
    }

    // Print: the document opens in a window of its own and the print dialog comes up.
    s.click(&s.wait("#report-print"));
    kiemtra_tests::wait_for_window(&driver.display, "In văn bản");
    kiemtra_tests::wait_for_window(&driver.display, "Print");
    kiemtra_tests::key_to_window(&driver.display, "Print", "Escape");
    kiemtra_tests::wait_window_gone(&driver.display, "Print");

    let docx = out.join("bao-cao-2023.docx");
    s.click(&s.wait("#report-docx"));
    answer_file_dialog(&driver.display, "DOCX", Dialog::Save, &docx);
    s.wait_text("#report-done", "bao-cao-2023.docx");
    let xml = docx_text(&docx);
    assert!(xml.contains("BÁO CÁO"), "the title");
    assert!(
        xml.contains("Đoàn xã Cúc Phương"),
        "Vietnamese names survive"
    );

    // A signed visit's minutes, picked from the report screen.
    s.click(&s.wait(&format!("#report-visit option[value=\"{}\"]", signed.id)));
    let frame = s.wait("#report-frame");
    s.enter_frame(&frame);
    s.wait_text("body", "BIÊN BẢN");
    s.wait_text("body", &signed.unit_name);
    s.leave_frame();
    s.screenshot(&shots.join("51-minutes-preview.png"));
    s.quit();
}
