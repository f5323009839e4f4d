//! Unit lists as offices send them: the same list as XLSX, Excel 97–2003 XLS and ODS, laid
//! out with a title, a total, notes and signatures under the table; and the length limits
//! of a unit's name and code, wherever a unit is written.

use std::path::{Path, PathBuf};

use kiemtra_core::model::Unit;
use kiemtra_core::units::import::{NotUnit, RowAction, UnitImportPlan};
use kiemtra_core::units::{UnitInput, UnitPatch};
use kiemtra_core::{Error, Lang, Localize, Store};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("kiemtra.db")).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const UNITS: [(&str, &str, &str, &str); 5] = [
    ("NB", "Tỉnh đoàn Ninh Bình", "Cấp tỉnh", ""),
    ("NB-NQ", "Huyện đoàn Nho Quan", "Cấp huyện", "NB"),
    // Begins like "Tổng cộng" but is a unit.
    (
        "NB-XM",
        "Đoàn Tổng công ty Xi măng Ninh Bình",
        "Cấp huyện",
        "NB",
    ),
    ("NB-NQ-CP", "Đoàn xã Cúc Phương", "Cơ sở", "NB-NQ"),
    // A code that reads like "TM." on a signature line.
    ("TM", "Đoàn xã Gia Tường", "Cơ sở", "NB-NQ"),
];

/// The list as an office lays it out: the office and a merged title, a blank row, the
/// header on row 4, five units, a blank row, the total, a note, the place and date, the
/// signatures and the signers' names; a second sheet of notes.
fn office_book(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Danh sách").unwrap();
    let centred = Format::new().set_align(FormatAlign::Center);
    let day = Format::new().set_num_format("dd/mm/yyyy");
    sheet.write_string(0, 0, "TỈNH ĐOÀN NINH BÌNH").unwrap();
    sheet
        .merge_range(1, 0, 1, 5, "DANH SÁCH ĐƠN VỊ TRỰC THUỘC", &centred)
        .unwrap();
    let headers = [
        "STT",
        "Mã đơn vị",
        "Tên đơn vị",
        "Cấp",
        "Trực thuộc",
        "Hiệu lực từ",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    let from = ExcelDateTime::from_ymd(2020, 1, 1).unwrap();
    for (i, (code, name, level, parent)) in UNITS.iter().enumerate() {
        let r = 4 + i as u32;
        sheet.write_number(r, 0, i as f64 + 1.0).unwrap();
        sheet.write_string(r, 1, *code).unwrap();
        sheet.write_string(r, 2, *name).unwrap();
        sheet.write_string(r, 3, *level).unwrap();
        if !parent.is_empty() {
            sheet.write_string(r, 4, *parent).unwrap();
        }
        sheet.write_datetime_with_format(r, 5, &from, &day).unwrap();
    }
    sheet.write_string(10, 2, "Tổng cộng: 5 đơn vị").unwrap();
    sheet
        .write_string(11, 2, "Ghi chú: đơn vị in nghiêng thành lập sau 01/7/2025.")
        .unwrap();
    sheet
        .write_string(13, 4, "Ninh Bình, ngày 15 tháng 7 năm 2025")
        .unwrap();
    sheet.write_string(14, 1, "NGƯỜI LẬP BIỂU").unwrap();
    sheet.write_string(14, 4, "TM. BAN THƯỜNG VỤ").unwrap();
    sheet.write_string(15, 4, "PHÓ BÍ THƯ").unwrap();
    sheet.write_string(18, 1, "Nguyễn Thị Lan").unwrap();
    sheet.write_string(18, 4, "Trần Văn Hùng").unwrap();
    let notes = book.add_worksheet().set_name("Ghi chú").unwrap();
    notes
        .write_string(0, 0, "Tên đơn vị theo Quyết định số 15-QĐ/TĐTN.")
        .unwrap();
    book.save(path).unwrap();
}

/// The lines under the table and what each was taken for.
const NOT_UNITS: [(usize, NotUnit); 6] = [
    (11, NotUnit::Total),
    (12, NotUnit::Note),
    (14, NotUnit::Signature),
    (15, NotUnit::Signature),
    (16, NotUnit::Signature),
    (19, NotUnit::BelowTable),
];

fn not_units(plan: &UnitImportPlan) -> Vec<(usize, NotUnit)> {
    plan.rows
        .iter()
        .filter(|r| r.action == RowAction::NotUnit)
        .map(|r| (r.line, r.not_unit.as_ref().expect("its reason").kind))
        .collect()
}

fn names(s: &Store) -> Vec<String> {
    let mut v: Vec<String> = s
        .list::<Unit>()
        .unwrap()
        .into_iter()
        .map(|u| u.body.name)
        .collect();
    v.sort();
    v
}

fn expected_names() -> Vec<String> {
    let mut v: Vec<String> = UNITS.iter().map(|u| u.1.to_string()).collect();
    v.sort();
    v
}

/// The office's list, read from `path`, previews and imports its five units only.
fn imports_the_office_list(path: &Path, format: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let plan = s.unit_import_preview(path).unwrap();
    assert_eq!(plan.format, format);
    assert_eq!(plan.sheet.as_deref(), Some("Danh sách"), "the first sheet");
    assert_eq!(plan.header_line, 4);
    assert_eq!(
        (plan.create, plan.bad, plan.not_unit),
        (5, 0, 6),
        "{plan:#?}"
    );
    assert_eq!(not_units(&plan), NOT_UNITS);
    let total = plan.rows.iter().find(|r| r.line == 11).unwrap();
    assert_eq!(
        total.not_unit.as_ref().unwrap().message.vi,
        "dòng tổng cộng"
    );
    assert_eq!(total.fields.name, "Tổng cộng: 5 đơn vị", "shown as written");

    let report = s.unit_import(path, false).unwrap();
    assert_eq!((report.created, report.skipped), (5, 0));
    assert_eq!(names(&s), expected_names(), "no unit \"Tổng cộng\"");
    let cp = s
        .list::<Unit>()
        .unwrap()
        .into_iter()
        .find(|u| u.body.code == "NB-NQ-CP")
        .unwrap();
    assert_eq!(
        cp.body.valid_from,
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
    );
}

#[test]
fn an_office_xlsx_leaves_out_its_total_notes_and_signatures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("don-vi.xlsx");
    office_book(&path);
    imports_the_office_list(&path, "xlsx");
}

#[test]
fn the_same_list_saved_as_excel_97_2003_imports_alike() {
    imports_the_office_list(&fixture("don-vi-van-phong.xls"), "xls");
}

#[test]
fn the_same_list_saved_as_ods_imports_alike() {
    imports_the_office_list(&fixture("don-vi-van-phong.ods"), "ods");
}

#[test]
fn a_line_kept_on_purpose_is_imported_as_a_unit() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let path = dir.path().join("don-vi.xlsx");
    office_book(&path);
    let plan = s.unit_import_preview_with(&path, &[11]).unwrap();
    let kept = plan.rows.iter().find(|r| r.line == 11).unwrap();
    assert_eq!(kept.action, RowAction::Create);
    assert_eq!(
        kept.not_unit.as_ref().unwrap().kind,
        NotUnit::Total,
        "still marked"
    );
    assert_eq!((plan.create, plan.not_unit), (6, 5));
    let report = s.unit_import_with(&path, false, &[11]).unwrap();
    assert_eq!(report.created, 6);
    assert!(names(&s).contains(&"Tổng cộng: 5 đơn vị".to_string()));
}

#[test]
fn a_file_of_another_kind_names_every_kind_it_takes() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    let path = dir.path().join("don-vi.numbers");
    std::fs::write(&path, "x").unwrap();
    let e = s.unit_import_preview(&path).unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Không nhập được tệp \".numbers\": chỉ nhận tệp Excel (.xlsx, .xls), bảng tính \
         OpenDocument (.ods) hoặc CSV (.csv). Hãy mở tệp rồi chọn Lưu thành → Sổ làm việc \
         Excel (.xlsx)."
    );
    // A damaged .xls is refused as unreadable, not as the wrong kind.
    let broken = dir.path().join("hong.xls");
    std::fs::write(&broken, "not really").unwrap();
    let e = s.unit_import_preview(&broken).unwrap_err();
    let vi = e.message(Lang::Vi);
    assert!(vi.starts_with("Không đọc được tệp"), "{vi}");
    assert!(
        !vi.contains("OLE"),
        "no reader's English in Vietnamese: {vi}"
    );
    assert!(
        e.message(Lang::En).contains("OLE"),
        "kept for English readers"
    );
}

fn input(name: &str, code: &str) -> UnitInput {
    UnitInput {
        name: name.to_string(),
        code: code.to_string(),
        ..UnitInput::default()
    }
}

#[test]
fn a_unit_name_over_200_characters_or_a_code_over_50_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let long = "Đ".repeat(201);
    let e = s.unit_create(input(&long, "")).unwrap_err();
    assert!(matches!(e, Error::Invalid(_)), "{e:?}");
    assert_eq!(
        e.message(Lang::Vi),
        "Giá trị của \"tên\" không hợp lệ: dài 201 ký tự, tối đa 200 ký tự"
    );
    let e = s
        .unit_create(input("Đoàn xã A", &"M".repeat(51)))
        .unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Giá trị của \"mã\" không hợp lệ: dài 51 ký tự, tối đa 50 ký tự"
    );
    assert!(s.list::<Unit>().unwrap().is_empty());
    // At the limit, counted in letters (not bytes).
    let u = s
        .unit_create(input(&"Đ".repeat(200), &"M".repeat(50)))
        .unwrap();
    let patch = UnitPatch {
        name: Some(long.clone()),
        ..UnitPatch::default()
    };
    assert!(s.unit_update(&u.id, patch).is_err(), "an edit too");

    let path = dir.path().join("dai.csv");
    std::fs::write(&path, format!("Mã,Tên đơn vị\nX1,{long}\n")).unwrap();
    let plan = s.unit_import_preview(&path).unwrap();
    assert_eq!(plan.bad, 1);
    assert_eq!(
        plan.rows[0].errors[0].message(Lang::Vi),
        "Dòng 2, cột B \"Tên đơn vị\": dài 201 ký tự, quá giới hạn 200 ký tự."
    );
}

/// Writes the fixtures the tests above read: the office's list as XLSX, then LibreOffice's
/// conversions to XLS and ODS (`cargo test -p kiemtra-core --test it -- --ignored
/// write_office_fixtures`). The conversions are committed so the tests need no LibreOffice.
#[test]
#[ignore]
fn write_office_fixtures() {
    let dir = fixture("");
    std::fs::create_dir_all(&dir).unwrap();
    let xlsx = dir.join("don-vi-van-phong.xlsx");
    office_book(&xlsx);
    for to in ["xls", "ods"] {
        let status = std::process::Command::new("libreoffice")
            .args(["--headless", "--convert-to", to, "--outdir"])
            .arg(&dir)
            .arg(&xlsx)
            .status()
            .unwrap();
        assert!(status.success());
    }
}
