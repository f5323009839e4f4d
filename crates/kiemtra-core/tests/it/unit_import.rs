//! Importing the unit directory from CSV and XLSX: the tree it builds, exact Vietnamese text,
//! matching on re-import, and every bad row refused with its line and column.

use kiemtra_core::Localize;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use kiemtra_core::model::Unit;
use kiemtra_core::units::import::{RowAction, UnitColumn, UnitImportPlan};
use kiemtra_core::{Error, Lang, Store};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};

const BOM: &str = "\u{feff}";

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("kiemtra.db")).unwrap()
}

fn file(dir: &tempfile::TempDir, name: &str, content: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// (depth, name, code) of the unit tree, in its order.
fn tree(s: &Store) -> Vec<(usize, String, String)> {
    s.unit_tree()
        .unwrap()
        .into_iter()
        .map(|u| (u.depth, u.name, u.code))
        .collect()
}

fn by_code(s: &Store, code: &str) -> kiemtra_core::Stored<Unit> {
    s.list::<Unit>()
        .unwrap()
        .into_iter()
        .find(|u| u.body.code == code)
        .unwrap_or_else(|| panic!("no unit {code}"))
}

fn actions(plan: &UnitImportPlan) -> Vec<(usize, RowAction)> {
    plan.rows.iter().map(|r| (r.line, r.action)).collect()
}

/// Excel's "CSV UTF-8" in a Vietnamese locale: a BOM and `;`. The commune's row comes
/// before its district's and the village branch's before its commune's; one name is typed
/// with combining marks; the parent of the commune is given by its short name.
const TREE_CSV: &str = "Mã;Tên đơn vị;Tên viết tắt;Cấp;Loại;Trực thuộc;Hiệu lực từ;Hiệu lực đến
NB-NQ-CP-NT;Chi đoàn thôn Nga Thủy;Thôn Nga Thủy;Chi đoàn;chi_doan;NB-NQ-CP;;
NB;Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình;Tỉnh đoàn Ninh Bình;Cấp tỉnh;tinh_doan;;;
NB-NQ-CP;Đoàn xã Cu\u{301}c Phu\u{31b}o\u{31b}ng;\"Xã Cúc Phương; Nho Quan\";Cơ sở;doan_co_so;Huyện đoàn Nho Quan;1/1/2020;
NB-NQ;Đoàn TNCS Hồ Chí Minh huyện Nho Quan;Huyện đoàn Nho Quan;Cấp huyện;huyen_doan;NB;;30/06/2025
";

fn tree_file(dir: &tempfile::TempDir) -> PathBuf {
    file(dir, "don-vi.csv", &format!("{BOM}{TREE_CSV}"))
}

#[test]
fn a_csv_with_semicolons_and_a_bom_builds_the_tree_with_exact_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let path = tree_file(&dir);

    let plan = s.unit_import_preview(&path).unwrap();
    assert_eq!(plan.format, "csv");
    assert_eq!(plan.header_line, 1);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert_eq!(
        actions(&plan),
        vec![
            (2, RowAction::Create),
            (3, RowAction::Create),
            (4, RowAction::Create),
            (5, RowAction::Create)
        ]
    );
    // Parents found further down the file.
    assert_eq!(plan.rows[0].parent_line, Some(4));
    assert_eq!(plan.rows[2].parent_line, Some(5));
    assert_eq!(plan.rows[2].fields.name, "Đoàn xã Cúc Phương");
    assert_eq!(
        s.list::<Unit>().unwrap().len(),
        0,
        "a preview writes nothing"
    );

    let report = s.unit_import(&path, false).unwrap();
    assert_eq!((report.created, report.updated, report.skipped), (4, 0, 0));
    assert_eq!(
        tree(&s),
        vec![
            (
                0,
                "Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình".into(),
                "NB".into()
            ),
            (
                1,
                "Đoàn TNCS Hồ Chí Minh huyện Nho Quan".into(),
                "NB-NQ".into()
            ),
            (2, "Đoàn xã Cúc Phương".into(), "NB-NQ-CP".into()),
            (3, "Chi đoàn thôn Nga Thủy".into(), "NB-NQ-CP-NT".into()),
        ]
    );
    let cp = by_code(&s, "NB-NQ-CP").body;
    // Composed (NFC), byte for byte, whatever the keyboard sent.
    assert_eq!(cp.name.as_bytes(), "Đoàn xã Cúc Phương".as_bytes());
    assert_eq!(
        cp.short_name, "Xã Cúc Phương; Nho Quan",
        "a quoted `;` stays text"
    );
    assert_eq!(cp.level_label, "Cơ sở");
    assert_eq!(cp.kind, "doan_co_so");
    assert_eq!(cp.valid_from, date(2020, 1, 1));
    let nq = by_code(&s, "NB-NQ");
    assert_eq!(nq.body.valid_to, date(2025, 6, 30));
    assert_eq!(cp.parent_id.as_deref(), Some(nq.id.as_str()));
}

#[test]
fn an_xlsx_sheet_with_a_title_date_cells_and_a_merged_parent_column_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let path = dir.path().join("don-vi.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Đơn vị").unwrap();
    let centred = Format::new().set_align(FormatAlign::Center);
    let day = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .merge_range(0, 0, 0, 5, "DANH SÁCH ĐƠN VỊ TRỰC THUỘC", &centred)
        .unwrap();
    for (c, h) in [
        "STT",
        "Mã đơn vị",
        "TÊN ĐƠN VỊ",
        "Trực thuộc",
        "Hiệu lực đến",
        "Ghi chú",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    sheet.write_number(3, 0, 1).unwrap();
    sheet.write_string(3, 1, "NB-GV").unwrap();
    sheet
        .write_string(3, 2, "Đoàn TNCS Hồ Chí Minh huyện Gia Viễn")
        .unwrap();
    let end = ExcelDateTime::from_ymd(2025, 6, 30).unwrap();
    sheet.write_datetime_with_format(3, 4, &end, &day).unwrap();
    sheet.write_string(3, 5, "sáp nhập 2025").unwrap();
    sheet.write_number(4, 0, 2).unwrap();
    sheet.write_number(4, 1, 101).unwrap();
    sheet.write_string(4, 2, "Đoàn xã Gia Sinh").unwrap();
    // One parent cell merged down over both communes, as offices lay lists out.
    sheet
        .merge_range(4, 3, 5, 3, "NB-GV", &Format::new())
        .unwrap();
    sheet.write_number(5, 0, 3).unwrap();
    sheet.write_string(5, 1, "NB-GV-GH").unwrap();
    sheet.write_string(5, 2, "Đoàn xã Gia Hưng").unwrap();
    sheet.write_string(5, 4, "2025-06-30").unwrap();
    // A numbered template row with nothing in it is not a unit.
    sheet.write_number(6, 0, 4).unwrap();
    book.save(&path).unwrap();

    let plan = s.unit_import_preview(&path).unwrap();
    assert_eq!(plan.format, "xlsx");
    assert_eq!(plan.sheet.as_deref(), Some("Đơn vị"));
    assert_eq!(plan.header_line, 3, "the title row is not the header");
    let notes: Vec<String> = plan.warnings.iter().map(|w| w.message(Lang::Vi)).collect();
    assert_eq!(
        notes,
        vec![
            "Dòng 1 nằm trên dòng tiêu đề, được bỏ qua.",
            "Cột F \"Ghi chú\" không dùng đến, được bỏ qua.",
        ],
        "STT is expected, so only the notes column is mentioned"
    );
    assert_eq!(plan.rows.len(), 3);
    assert_eq!(
        plan.rows[1].fields.code, "101",
        "a number cell reads as typed"
    );
    assert_eq!(plan.rows[0].fields.valid_to, date(2025, 6, 30));

    let report = s.unit_import(&path, false).unwrap();
    assert_eq!(report.created, 3);
    let gv = by_code(&s, "NB-GV");
    assert_eq!(gv.body.valid_to, date(2025, 6, 30), "an Excel date cell");
    for code in ["101", "NB-GV-GH"] {
        let u = by_code(&s, code);
        assert_eq!(u.body.parent_id.as_deref(), Some(gv.id.as_str()), "{code}");
    }
    assert_eq!(by_code(&s, "NB-GV-GH").body.valid_to, date(2025, 6, 30));
    assert_eq!(by_code(&s, "101").body.name, "Đoàn xã Gia Sinh");
}

#[test]
fn an_xlsx_row_error_names_the_row_and_column_excel_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let path = dir.path().join("loi.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // The table starts at B4, as when the clerk leaves a margin.
    sheet.write_string(3, 1, "Tên").unwrap();
    sheet.write_string(3, 2, "Hiệu lực từ").unwrap();
    sheet.write_string(4, 1, "Đoàn xã Yên Thắng").unwrap();
    sheet.write_string(5, 1, "Đoàn xã Yên Hòa").unwrap();
    sheet.write_string(5, 2, "31/02/2024").unwrap();
    book.save(&path).unwrap();

    let before = s.dump_canonical().unwrap();
    let err = s.unit_import(&path, false).unwrap_err();
    let Error::ImportRows(rows) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].line, rows[0].column.as_str()), (6, "C"));
    assert!(
        err.message(Lang::Vi)
            .contains("Dòng 6, cột C \"Hiệu lực từ\": ngày \"31/02/2024\" không hợp lệ"),
        "{}",
        err.message(Lang::Vi)
    );
    assert_eq!(s.dump_canonical().unwrap(), before);
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let path = tree_file(&dir);
    s.unit_import(&path, false).unwrap();
    let dump = s.dump_canonical().unwrap();
    let revisions = s.revisions().unwrap().len();

    let plan = s.unit_import_preview(&path).unwrap();
    assert!(
        plan.rows.iter().all(|r| r.action == RowAction::Unchanged),
        "{:?}",
        actions(&plan)
    );
    let report = s.unit_import(&path, false).unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, 4)
    );
    assert_eq!(s.dump_canonical().unwrap(), dump);
    assert_eq!(s.revisions().unwrap().len(), revisions);
}

#[test]
fn an_update_by_code_keeps_the_id_and_adds_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.unit_import(&tree_file(&dir), false).unwrap();
    let nq = by_code(&s, "NB-NQ");
    let child = by_code(&s, "NB-NQ-CP");

    // The district renamed, and given in lower case: codes match whatever the case.
    let renamed = file(
        &dir,
        "doi-ten.csv",
        "Mã,Tên đơn vị,Cấp\nnb-nq,Đoàn TNCS Hồ Chí Minh huyện Nho Quan (mới),Cấp huyện\n",
    );
    let plan = s.unit_import_preview(&renamed).unwrap();
    assert_eq!(plan.rows[0].action, RowAction::Update);
    assert_eq!(plan.rows[0].id.as_deref(), Some(nq.id.as_str()));
    assert_eq!(
        plan.rows[0].changed,
        vec![UnitColumn::Name, UnitColumn::Code]
    );
    s.unit_import(&renamed, false).unwrap();

    let after = s.require::<Unit>(&nq.id).unwrap();
    assert_eq!(
        after.body.name,
        "Đoàn TNCS Hồ Chí Minh huyện Nho Quan (mới)"
    );
    // Columns the file doesn't have are kept.
    assert_eq!(after.body.short_name, "Huyện đoàn Nho Quan");
    assert_eq!(after.body.valid_to, date(2025, 6, 30));
    assert_eq!(after.body.parent_id, nq.body.parent_id);
    let h = s.history(&nq.id).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[1].parents, vec![nq.rev.clone()]);
    assert_eq!(
        s.require::<Unit>(&child.id).unwrap().body.parent_id,
        Some(nq.id.clone()),
        "children stay attached"
    );

    // Without codes a row matches by name under the same parent (names folded).
    let by_name = file(
        &dir,
        "ten.csv",
        "Tên đơn vị;Trực thuộc;Tên viết tắt\nDoan xa Cuc Phuong;NB-NQ;Xã Cúc Phương\n",
    );
    let plan = s.unit_import_preview(&by_name).unwrap();
    assert_eq!(plan.rows[0].action, RowAction::Update);
    assert_eq!(plan.rows[0].id.as_deref(), Some(child.id.as_str()));
    s.unit_import(&by_name, false).unwrap();
    let c = s.require::<Unit>(&child.id).unwrap();
    assert_eq!(c.body.short_name, "Xã Cúc Phương");
    assert_eq!(
        c.body.name, "Doan xa Cuc Phuong",
        "the sheet's spelling is the truth"
    );
    assert_eq!(c.body.code, "NB-NQ-CP", "no code column: the code is kept");
    assert_eq!(s.history(&child.id).unwrap().len(), 2);
}

/// A bad file, the line, column letter and problem expected, and words of both messages.
struct Case {
    csv: &'static str,
    line: usize,
    column: &'static str,
    problem: &'static str,
    vi: &'static str,
    en: &'static str,
}

#[test]
fn each_bad_row_is_refused_with_its_line_and_column_and_nothing_is_written() {
    const HEAD: &str = "Mã;Tên đơn vị;Trực thuộc;Hiệu lực từ;Hiệu lực đến\n";
    let cases = [
        Case {
            csv: "X1;Đoàn xã Văn Phương;NB-NQ;;\nX2;  ;NB;;\n",
            line: 3,
            column: "B",
            problem: "missing_name",
            vi: "Dòng 3, cột B \"Tên đơn vị\": thiếu tên đơn vị.",
            en: "Line 3, column B \"Tên đơn vị\": the unit's name is missing.",
        },
        Case {
            csv: "X1;Đoàn xã Gia Thịnh;NB-XX;;\n",
            line: 2,
            column: "C",
            problem: "unknown_parent",
            vi: "Dòng 2, cột C \"Trực thuộc\": không tìm thấy đơn vị cấp trên \"NB-XX\"",
            en: "Line 2, column C \"Trực thuộc\": no parent unit \"NB-XX\"",
        },
        Case {
            csv: "A;Đơn vị A;B;;\nB;Đơn vị B;A;;\n",
            line: 2,
            column: "C",
            problem: "parent_cycle",
            vi: "vòng lặp: Đơn vị A → Đơn vị B → Đơn vị A.",
            en: "loop: Đơn vị A → Đơn vị B → Đơn vị A.",
        },
        Case {
            // The province under its own grandchild, through units already stored.
            csv: "NB;Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình;NB-NQ-CP;;\n",
            line: 2,
            column: "C",
            problem: "parent_cycle",
            vi: "Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình → Đoàn xã Cúc Phương → Đoàn TNCS Hồ Chí Minh huyện Nho Quan → Đoàn TNCS Hồ Chí Minh tỉnh Ninh Bình",
            en: "the parents go round in a loop",
        },
        Case {
            csv: "D1;Đoàn xã Lạc Vân;NB-NQ;;\nd1;Đoàn xã Gia Lâm;NB-NQ;;\n",
            line: 3,
            column: "A",
            problem: "duplicate_code",
            vi: "Dòng 3, cột A \"Mã\": mã \"d1\" trùng với dòng 2.",
            en: "Line 3, column A \"Mã\": code \"d1\" is also on line 2.",
        },
        Case {
            csv: ";Chi đoàn 1;NB-NQ;;\n;Chi đoàn 1;NB-NQ;;\n",
            line: 3,
            column: "B",
            problem: "duplicate_name",
            vi: "\"Chi đoàn 1\" đã có ở dòng 2 với cùng đơn vị cấp trên",
            en: "\"Chi đoàn 1\" is also on line 2 under the same parent",
        },
        Case {
            csv: "X3;Đoàn xã Gia Tường;NB-NQ;31/02/2024;\n",
            line: 2,
            column: "D",
            problem: "bad_date",
            vi: "Dòng 2, cột D \"Hiệu lực từ\": ngày \"31/02/2024\" không hợp lệ",
            en: "Line 2, column D \"Hiệu lực từ\": invalid date \"31/02/2024\"",
        },
        Case {
            csv: "X4;Đoàn xã Thạch Bình;NB-NQ;;1/7/25\n",
            line: 2,
            column: "E",
            problem: "bad_date",
            vi: "ngày \"1/7/25\" không hợp lệ",
            en: "invalid date \"1/7/25\"",
        },
        Case {
            csv: "X5;Đoàn phường Nho Quan;NB;01/07/2025;30/06/2025\n",
            line: 2,
            column: "E",
            problem: "ends_before_start",
            vi: "hết hiệu lực ngày 30/06/2025 trước ngày bắt đầu hiệu lực 01/07/2025.",
            en: "valid until 30/06/2025, before it is valid from 01/07/2025.",
        },
        Case {
            csv: "X6;Đoàn xã Sơn Hà;X7;;\nX7;;NB;;\n",
            line: 2,
            column: "C",
            problem: "parent_row_bad",
            vi: "đơn vị cấp trên ở dòng 3 có lỗi nên dòng này cũng chưa nhập được.",
            en: "the parent on line 3 has errors",
        },
        Case {
            csv: "P1;Chi đoàn Thanh niên;NB;;\nP2;Chi đoàn Thanh niên;NB-NQ;;\nX8;Tổ Thanh niên;Chi đoàn Thanh niên;;\n",
            line: 4,
            column: "C",
            problem: "ambiguous_parent",
            vi: "có nhiều đơn vị tên \"Chi đoàn Thanh niên\" (dòng 2, 3); hãy ghi mã của đơn vị cấp trên.",
            en: "several units are called \"Chi đoàn Thanh niên\" (lines 2, 3)",
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.unit_import(&tree_file(&dir), false).unwrap();
    let before = s.dump_canonical().unwrap();

    for (k, c) in cases.iter().enumerate() {
        // Every file also has a good row at the end, which must not be written either.
        let csv = format!("{HEAD}{}G{k};Đoàn xã Văn Phong {k};NB-NQ;;\n", c.csv);
        let path = file(&dir, &format!("case-{k}.csv"), &csv);
        let plan = s.unit_import_preview(&path).unwrap();
        let found = plan
            .errors()
            .find(|e| e.line == c.line && e.column == c.column)
            .unwrap_or_else(|| panic!("case {k} ({}): {:#?}", c.problem, plan.rows));
        let json = serde_json::to_value(found).unwrap();
        assert_eq!(json["problem"], c.problem, "case {k}");
        assert_eq!(json["line"], c.line, "case {k}");
        assert!(plan.bad > 0 && plan.rows.last().unwrap().action != RowAction::Bad);

        let err = s.unit_import(&path, false).unwrap_err();
        assert_eq!(err.code(), "bad_import_rows", "case {k}");
        let (vi, en) = (err.message(Lang::Vi), err.message(Lang::En));
        assert!(vi.contains(c.vi), "case {k}: {vi}");
        assert!(en.contains(c.en), "case {k}: {en}");
        assert!(vi.starts_with("Tệp có"), "{vi}");
        assert_eq!(
            s.dump_canonical().unwrap(),
            before,
            "case {k} wrote something"
        );
    }
}

#[test]
fn skip_bad_writes_the_good_rows_and_leaves_out_bad_ones_and_their_children() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let path = file(
        &dir,
        "mot-phan.csv",
        "Tên đơn vị,Mã,Trực thuộc\n\
         Đoàn TNCS Hồ Chí Minh huyện Kim Sơn,NB-KS,\n\
         Đoàn xã Kim Đông,NB-KS-KD,NB-KS\n\
         Đoàn xã Ân Hòa,NB-YM-AH,NB-YM\n\
         Chi đoàn xóm 3,NB-YM-AH-X3,NB-YM-AH\n",
    );
    let before = s.dump_canonical().unwrap();
    assert!(matches!(
        s.unit_import(&path, false),
        Err(Error::ImportRows(rows)) if rows.len() == 2
    ));
    assert_eq!(s.dump_canonical().unwrap(), before);

    let report = s.unit_import(&path, true).unwrap();
    assert_eq!((report.created, report.skipped), (2, 2));
    assert_eq!(
        actions(&report.plan),
        vec![
            (2, RowAction::Create),
            (3, RowAction::Create),
            (4, RowAction::Bad),
            (5, RowAction::Bad)
        ]
    );
    assert_eq!(
        tree(&s),
        vec![
            (
                0,
                "Đoàn TNCS Hồ Chí Minh huyện Kim Sơn".into(),
                "NB-KS".into()
            ),
            (1, "Đoàn xã Kim Đông".into(), "NB-KS-KD".into()),
        ]
    );
}

#[test]
fn a_parent_already_in_the_database_is_found_by_code_name_or_short_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.load_demo().unwrap();
    let path = file(
        &dir,
        "con.csv",
        "Tên,Đơn vị cấp trên\n\
         Đoàn xã Gia Vân,NB-GV\n\
         Đoàn xã Gia Phú,Đoàn TNCS Hồ Chí Minh huyện Gia Viễn\n\
         Đoàn xã Gia Lạc,huyen doan gia vien\n",
    );
    let report = s.unit_import(&path, false).unwrap();
    assert_eq!(report.created, 3);
    let gv = by_code(&s, "NB-GV");
    let children: Vec<String> = s
        .list::<Unit>()
        .unwrap()
        .into_iter()
        .filter(|u| u.body.parent_id.as_deref() == Some(gv.id.as_str()))
        .map(|u| u.body.name)
        .collect();
    for name in ["Đoàn xã Gia Vân", "Đoàn xã Gia Phú", "Đoàn xã Gia Lạc"] {
        assert!(children.iter().any(|c| c == name), "{name} in {children:?}");
    }
}

#[test]
fn the_sample_file_imports_cleanly_alone_and_over_the_demo() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/units-sample.csv");
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    let report = s.unit_import(&sample, false).unwrap();
    assert!(report.created >= 8, "{}", report.created);
    assert!(report.plan.warnings.is_empty());
    assert!(tree(&s).iter().any(|(depth, _, _)| *depth == 3));

    // Over the demo, its districts are matched by code and keep their ids (visits stay).
    let mut demo = Store::open(&dir.path().join("demo.db")).unwrap();
    demo.load_demo().unwrap();
    let hl = by_code(&demo, "NB-HL");
    let report = demo.unit_import(&sample, false).unwrap();
    assert_eq!(report.skipped, 0);
    assert!(report.updated > 0 && report.unchanged > 0);
    assert_eq!(by_code(&demo, "NB-HL").id, hl.id);
    assert_eq!(
        by_code(&demo, "NB-HL").body.parent_id,
        Some(by_code(&demo, "NB").id)
    );
}

#[test]
fn whole_file_problems_are_refused_before_any_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = open(&dir);
    s.unit_import(&tree_file(&dir), false).unwrap();
    let before = s.dump_canonical().unwrap();
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (
            file(&dir, "cu.xls", "not really"),
            "bad_import_file",
            "Không đọc được tệp",
        ),
        (
            file(&dir, "ghi-chu.txt", "Tên\nA\n"),
            "bad_import_file",
            "chỉ nhận tệp Excel (.xlsx, .xls), bảng tính OpenDocument (.ods) hoặc CSV (.csv)",
        ),
        (
            file(&dir, "rong.csv", ""),
            "bad_import_file",
            "Tệp không có đơn vị nào",
        ),
        (
            file(&dir, "bom.csv", &format!("{BOM}\n;;\n")),
            "bad_import_file",
            "Tệp không có đơn vị nào",
        ),
        (
            file(&dir, "tieu-de.csv", "Mã;Tên đơn vị\n;;\n"),
            "bad_import_file",
            "Tệp không có đơn vị nào",
        ),
        (
            file(&dir, "khong-ten.csv", "Mã;Cấp\nNB;Cấp tỉnh\n"),
            "bad_import_file",
            "Không tìm thấy dòng tiêu đề có cột tên đơn vị",
        ),
        (
            file(&dir, "hai-cot.csv", "Tên;Mã;Tên đơn vị\nA;B;C\n"),
            "bad_import_file",
            "Hai cột A \"Tên\" và C \"Tên đơn vị\" cùng là \"tên đơn vị\"",
        ),
        (
            file(&dir, "hong.xlsx", "PK not a zip"),
            "bad_import_file",
            "Không đọc được tệp",
        ),
        (dir.path().join("khong-co.csv"), "not_found", "khong-co.csv"),
    ];
    // Windows-1258 bytes, as Excel's plain "CSV" writes in a Vietnamese locale.
    let legacy = dir.path().join("cp1258.csv");
    std::fs::write(&legacy, b"T\xean \xf0\xf5n v\xef\nA\n").unwrap();
    let mut cases = cases;
    cases.push((legacy, "bad_import_file", "CSV UTF-8"));

    for (path, code, vi) in &cases {
        let err = s.unit_import_preview(path).unwrap_err();
        assert_eq!(err.code(), *code, "{}", path.display());
        assert!(
            err.message(Lang::Vi).contains(vi),
            "{}",
            err.message(Lang::Vi)
        );
        assert!(!err.message(Lang::En).is_empty());
        assert_eq!(s.unit_import(path, true).unwrap_err().code(), *code);
    }
    assert_eq!(s.dump_canonical().unwrap(), before);
}
