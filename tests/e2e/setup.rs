//! The secretariat's journey in the real app: the unit directory imported from an Excel
//! file (previewed, a bad row named, the good rows imported), ...

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

#[test]
fn the_secretariat_imports_the_unit_directory_from_excel() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("kiemtra.db");
    Store::open(&db).unwrap().set_onboarded().unwrap();
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
    let tally = s.wait("#unit-import-tally");
    assert!(
        s.text(&tally).contains("4 đơn vị mới"),
        "{}",
        s.text(&tally)
    );
    // The bad row is named with its line and what is wrong; nothing imports until skipped.
    let bad = s.wait(".imp-row.imp-bad");
    assert_eq!(s.attr(&bad, "data-line").as_deref(), Some("6"));
    assert!(s.text(&bad).contains("NB-KHONG-CO"));
    assert_eq!(
        s.property(&s.wait("#unit-import-apply"), "disabled"),
        serde_json::json!(true)
    );
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
    s.quit();
}
