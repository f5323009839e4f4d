//! Importing the unit directory from a spreadsheet as a provincial office keeps it (XLSX or
//! CSV). Columns are found by their header, Vietnamese or English, with or without diacritics;
//! a parent is named by its code or name and may be a row further down the file or a unit
//! already in the database. Every bad row is reported with the line and column the clerk sees
//! in Excel, and nothing is written while any row is bad unless the bad rows are skipped on
//! purpose.
//!
//! A row matches an existing unit by code, else by name under the same parent; a match keeps
//! the record id (so the unit's history and visits stay attached) and is updated only when
//! something differs. A column missing from the file leaves that field as it is; a blank cell
//! in a present column clears it: the sheet is the truth for what it shows.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Lang, Result};
use crate::model::Unit;
use crate::ops::new_id;
use crate::store::{Store, Stored};
use crate::text;

/// How many non-empty rows may sit above the header (a title such as "DANH SÁCH ĐƠN VỊ",
/// the office's name, a blank line): offices put them there, and they are not units.
const HEADER_SEARCH_ROWS: usize = 10;

/// The fields a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitColumn {
    Name,
    Code,
    ShortName,
    LevelLabel,
    Kind,
    Parent,
    ValidFrom,
    ValidTo,
}

impl UnitColumn {
    pub const ALL: [UnitColumn; 8] = [
        UnitColumn::Name,
        UnitColumn::Code,
        UnitColumn::ShortName,
        UnitColumn::LevelLabel,
        UnitColumn::Kind,
        UnitColumn::Parent,
        UnitColumn::ValidFrom,
        UnitColumn::ValidTo,
    ];

    /// Header texts that name the column, as `header_key` leaves them.
    fn headers(self) -> &'static [&'static str] {
        match self {
            UnitColumn::Name => &["ten don vi", "ten", "name", "unit name", "unit"],
            UnitColumn::Code => &["ma", "ma don vi", "code", "unit code"],
            UnitColumn::ShortName => &["ten viet tat", "viet tat", "ten goi tat", "short name"],
            UnitColumn::LevelLabel => &["cap", "cap don vi", "level", "level label"],
            UnitColumn::Kind => &["loai", "loai don vi", "kind", "type"],
            UnitColumn::Parent => &[
                "don vi cap tren",
                "cap tren",
                "truc thuoc",
                "don vi truc thuoc",
                "parent",
                "parent unit",
            ],
            UnitColumn::ValidFrom => &["hieu luc tu", "hieu luc tu ngay", "tu ngay", "valid from"],
            UnitColumn::ValidTo => &[
                "hieu luc den",
                "hieu luc den ngay",
                "den ngay",
                "valid to",
                "valid until",
            ],
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Vi, UnitColumn::Name) => "tên đơn vị",
            (Lang::Vi, UnitColumn::Code) => "mã",
            (Lang::Vi, UnitColumn::ShortName) => "tên viết tắt",
            (Lang::Vi, UnitColumn::LevelLabel) => "cấp",
            (Lang::Vi, UnitColumn::Kind) => "loại",
            (Lang::Vi, UnitColumn::Parent) => "đơn vị cấp trên",
            (Lang::Vi, UnitColumn::ValidFrom) => "hiệu lực từ",
            (Lang::Vi, UnitColumn::ValidTo) => "hiệu lực đến",
            (Lang::En, UnitColumn::Name) => "name",
            (Lang::En, UnitColumn::Code) => "code",
            (Lang::En, UnitColumn::ShortName) => "short name",
            (Lang::En, UnitColumn::LevelLabel) => "level",
            (Lang::En, UnitColumn::Kind) => "kind",
            (Lang::En, UnitColumn::Parent) => "parent",
            (Lang::En, UnitColumn::ValidFrom) => "valid from",
            (Lang::En, UnitColumn::ValidTo) => "valid to",
        }
    }
}

/// A header as compared: folded, separators as spaces, without "(dd/mm/yyyy)"-style notes
/// or the "*" and ":" people add.
fn header_key(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '_' | '-' | '.' | '/' if depth == 0 => out.push(' '),
            '*' | ':' => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    text::fold(&out)
}

fn column_of(header: &str) -> Option<UnitColumn> {
    let key = header_key(header);
    UnitColumn::ALL
        .into_iter()
        .find(|c| c.headers().contains(&key.as_str()))
}

/// A row-number column ("STT") is in almost every Vietnamese list; it is expected, not news.
fn is_numbering(header: &str) -> bool {
    matches!(
        header_key(header).as_str(),
        "stt" | "tt" | "so tt" | "so thu tu" | "no"
    )
}

/// Excel's name for a column: 0 → A, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Both languages of a message, so a saved plan can be shown in either.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Messages {
    pub vi: String,
    pub en: String,
}

impl Messages {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// Why a whole file is refused (before any row is looked at).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum FileProblem {
    Unsupported {
        extension: String,
    },
    Unreadable {
        detail: String,
    },
    NotUtf8,
    /// No unit rows: nothing at all, or a header and nothing under it.
    Empty,
    NoNameColumn,
    DuplicateColumn {
        field: UnitColumn,
        first: String,
        second: String,
    },
}

impl FileProblem {
    pub fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Vi, FileProblem::Unsupported { extension }) => format!(
                "Không nhập được tệp \".{extension}\": chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv). Trong Excel hãy chọn Lưu thành → Sổ làm việc Excel (.xlsx)."
            ),
            (Lang::En, FileProblem::Unsupported { extension }) => format!(
                "Cannot import a \".{extension}\" file: only Excel (.xlsx) or CSV (.csv). In Excel, use Save As → Excel Workbook (.xlsx)."
            ),
            (Lang::Vi, FileProblem::Unreadable { detail }) => {
                format!("Không đọc được tệp (tệp hỏng hoặc không đúng định dạng): {detail}")
            }
            (Lang::En, FileProblem::Unreadable { detail }) => {
                format!("Cannot read the file (damaged or not what its name says): {detail}")
            }
            (Lang::Vi, FileProblem::NotUtf8) => "Tệp CSV không ở bảng mã UTF-8 nên chữ có dấu sẽ bị sai. Trong Excel hãy chọn Lưu thành → \"CSV UTF-8 (phân tách bằng dấu phẩy)\", hoặc lưu dạng .xlsx.".to_string(),
            (Lang::En, FileProblem::NotUtf8) => "The CSV file is not UTF-8, so Vietnamese letters would come out wrong. In Excel, use Save As → \"CSV UTF-8 (Comma delimited)\", or save as .xlsx.".to_string(),
            (Lang::Vi, FileProblem::Empty) => "Tệp không có đơn vị nào (trống, hoặc chỉ có dòng tiêu đề).".to_string(),
            (Lang::En, FileProblem::Empty) => "The file has no units (it is empty, or has only the header row).".to_string(),
            (Lang::Vi, FileProblem::NoNameColumn) => "Không tìm thấy dòng tiêu đề có cột tên đơn vị. Dòng đầu tiên của bảng cần có tiêu đề các cột, trong đó có \"Tên đơn vị\" (và nếu có: \"Mã\", \"Tên viết tắt\", \"Cấp\", \"Loại\", \"Trực thuộc\", \"Hiệu lực từ\", \"Hiệu lực đến\").".to_string(),
            (Lang::En, FileProblem::NoNameColumn) => "No header row with a name column. The table's first row must name its columns, including \"Tên đơn vị\" or \"Name\" (and optionally code, short name, level, kind, parent, valid from, valid to).".to_string(),
            (Lang::Vi, FileProblem::DuplicateColumn { field, first, second }) => format!(
                "Hai cột {first} và {second} cùng là \"{}\"; hãy giữ lại một cột.",
                field.label(Lang::Vi)
            ),
            (Lang::En, FileProblem::DuplicateColumn { field, first, second }) => format!(
                "Columns {first} and {second} both hold the {}; keep one of them.",
                field.label(Lang::En)
            ),
        }
    }
}

fn file_error(p: FileProblem) -> Error {
    Error::ImportFile(p)
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RowProblem {
    MissingName,
    BadDate {
        value: String,
    },
    EndsBeforeStart {
        valid_from: NaiveDate,
        valid_to: NaiveDate,
    },
    /// An Excel error value (#REF!, #N/A...) where a value was expected.
    CellError {
        value: String,
    },
    DuplicateCode {
        code: String,
        other_line: usize,
    },
    /// Two rows without codes with the same name under the same parent: which is which?
    DuplicateName {
        name: String,
        other_line: usize,
    },
    /// Two rows that match the same existing unit.
    SameUnit {
        other_line: usize,
    },
    UnknownParent {
        parent: String,
    },
    AmbiguousParent {
        parent: String,
        lines: Vec<usize>,
        in_database: usize,
    },
    ParentCycle {
        path: Vec<String>,
    },
    ParentRowBad {
        parent_line: usize,
    },
    /// Several existing units have this name under this parent and the row has no code.
    AmbiguousMatch {
        name: String,
        count: usize,
    },
}

fn date_text(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl RowProblem {
    fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Vi, RowProblem::MissingName) => "thiếu tên đơn vị.".to_string(),
            (Lang::En, RowProblem::MissingName) => "the unit's name is missing.".to_string(),
            (Lang::Vi, RowProblem::BadDate { value }) => format!(
                "ngày \"{value}\" không hợp lệ; dùng dạng dd/mm/yyyy (ví dụ 01/07/2025) hoặc yyyy-mm-dd."
            ),
            (Lang::En, RowProblem::BadDate { value }) => format!(
                "invalid date \"{value}\"; use dd/mm/yyyy (e.g. 01/07/2025) or yyyy-mm-dd."
            ),
            (Lang::Vi, RowProblem::EndsBeforeStart { valid_from, valid_to }) => format!(
                "hết hiệu lực ngày {} trước ngày bắt đầu hiệu lực {}.",
                date_text(*valid_to),
                date_text(*valid_from)
            ),
            (Lang::En, RowProblem::EndsBeforeStart { valid_from, valid_to }) => format!(
                "valid until {}, before it is valid from {}.",
                date_text(*valid_to),
                date_text(*valid_from)
            ),
            (Lang::Vi, RowProblem::CellError { value }) => {
                format!("ô có lỗi công thức Excel ({value}).")
            }
            (Lang::En, RowProblem::CellError { value }) => {
                format!("the cell holds an Excel error ({value}).")
            }
            (Lang::Vi, RowProblem::DuplicateCode { code, other_line }) => {
                format!("mã \"{code}\" trùng với dòng {other_line}.")
            }
            (Lang::En, RowProblem::DuplicateCode { code, other_line }) => {
                format!("code \"{code}\" is also on line {other_line}.")
            }
            (Lang::Vi, RowProblem::DuplicateName { name, other_line }) => format!(
                "\"{name}\" đã có ở dòng {other_line} với cùng đơn vị cấp trên; hãy thêm mã đơn vị để phân biệt."
            ),
            (Lang::En, RowProblem::DuplicateName { name, other_line }) => format!(
                "\"{name}\" is also on line {other_line} under the same parent; add unit codes to tell them apart."
            ),
            (Lang::Vi, RowProblem::SameUnit { other_line }) => {
                format!("dòng này và dòng {other_line} cùng chỉ một đơn vị đã có.")
            }
            (Lang::En, RowProblem::SameUnit { other_line }) => {
                format!("this line and line {other_line} both match the same existing unit.")
            }
            (Lang::Vi, RowProblem::UnknownParent { parent }) => format!(
                "không tìm thấy đơn vị cấp trên \"{parent}\" (theo mã hoặc tên) trong tệp hay trong dữ liệu đã có."
            ),
            (Lang::En, RowProblem::UnknownParent { parent }) => format!(
                "no parent unit \"{parent}\" (by code or name) in the file or the database."
            ),
            (Lang::Vi, RowProblem::AmbiguousParent { parent, lines, in_database }) => format!(
                "có nhiều đơn vị tên \"{parent}\" ({}); hãy ghi mã của đơn vị cấp trên.",
                where_vi(lines, *in_database)
            ),
            (Lang::En, RowProblem::AmbiguousParent { parent, lines, in_database }) => format!(
                "several units are called \"{parent}\" ({}); give the parent's code instead.",
                where_en(lines, *in_database)
            ),
            (Lang::Vi, RowProblem::ParentCycle { path }) => {
                format!("đơn vị cấp trên tạo thành vòng lặp: {}.", path.join(" → "))
            }
            (Lang::En, RowProblem::ParentCycle { path }) => {
                format!("the parents go round in a loop: {}.", path.join(" → "))
            }
            (Lang::Vi, RowProblem::ParentRowBad { parent_line }) => format!(
                "đơn vị cấp trên ở dòng {parent_line} có lỗi nên dòng này cũng chưa nhập được."
            ),
            (Lang::En, RowProblem::ParentRowBad { parent_line }) => format!(
                "the parent on line {parent_line} has errors, so this line cannot be imported either."
            ),
            (Lang::Vi, RowProblem::AmbiguousMatch { name, count }) => format!(
                "có {count} đơn vị \"{name}\" trong dữ liệu đã có; hãy ghi mã đơn vị để chỉ rõ đơn vị nào."
            ),
            (Lang::En, RowProblem::AmbiguousMatch { name, count }) => format!(
                "{count} existing units are called \"{name}\"; add the unit code to say which."
            ),
        }
    }
}

fn lines_text(lines: &[usize]) -> String {
    lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn where_vi(lines: &[usize], in_database: usize) -> String {
    match (lines.is_empty(), in_database) {
        (false, 0) => format!("dòng {}", lines_text(lines)),
        (true, n) => format!("{n} đơn vị trong dữ liệu đã có"),
        (false, n) => format!("dòng {} và {n} trong dữ liệu đã có", lines_text(lines)),
    }
}

fn where_en(lines: &[usize], in_database: usize) -> String {
    match (lines.is_empty(), in_database) {
        (false, 0) => format!("lines {}", lines_text(lines)),
        (true, n) => format!("{n} in the database"),
        (false, n) => format!("lines {} and {n} in the database", lines_text(lines)),
    }
}

/// One problem of one row, located as the clerk sees it in Excel: row number and column
/// letter, with the column's header.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowError {
    pub line: usize,
    /// Excel's letter for the column (A, B, ...).
    pub column: String,
    /// The column's header as written in the file.
    pub header: String,
    pub field: UnitColumn,
    #[serde(flatten)]
    pub problem: RowProblem,
    pub message: Messages,
}

impl RowError {
    fn new(line: usize, col: &ColumnInfo, field: UnitColumn, problem: RowProblem) -> RowError {
        let message = Messages {
            vi: format!(
                "Dòng {line}, cột {} \"{}\": {}",
                col.column,
                col.header,
                problem.message(Lang::Vi)
            ),
            en: format!(
                "Line {line}, column {} \"{}\": {}",
                col.column,
                col.header,
                problem.message(Lang::En)
            ),
        };
        RowError {
            line,
            column: col.column.clone(),
            header: col.header.clone(),
            field,
            problem,
            message,
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

/// Something worth knowing that does not stop the import.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum WarningKind {
    /// A column whose header means nothing here; its cells are left out.
    UnknownColumn { column: String, header: String },
    /// Rows above the header (titles), left out.
    RowsAboveHeader { lines: Vec<usize> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportWarning {
    #[serde(flatten)]
    pub kind: WarningKind,
    pub message: Messages,
}

impl ImportWarning {
    fn new(kind: WarningKind) -> ImportWarning {
        let message = match &kind {
            WarningKind::UnknownColumn { column, header } => Messages {
                vi: format!("Cột {column} \"{header}\" không dùng đến, được bỏ qua."),
                en: format!("Column {column} \"{header}\" is not used and was left out."),
            },
            WarningKind::RowsAboveHeader { lines } => Messages {
                vi: format!(
                    "Dòng {} nằm trên dòng tiêu đề, được bỏ qua.",
                    lines_text(lines)
                ),
                en: format!(
                    "Line(s) {} above the header row were left out.",
                    lines_text(lines)
                ),
            },
        };
        ImportWarning { kind, message }
    }

    pub fn message(&self, lang: Lang) -> &str {
        self.message.get(lang)
    }
}

/// One column of the file and what it fills (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnInfo {
    pub column: String,
    pub header: String,
    pub field: Option<UnitColumn>,
}

/// A row's values as read: trimmed, NFC, dates parsed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnitFields {
    pub name: String,
    pub code: String,
    pub short_name: String,
    pub level_label: String,
    pub kind: String,
    /// The parent as written (code or name).
    pub parent: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowAction {
    Create,
    Update,
    Unchanged,
    /// The row has errors and is not imported.
    Bad,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitImportRow {
    pub line: usize,
    pub fields: UnitFields,
    pub action: RowAction,
    /// The unit this row writes: the existing id for update/unchanged, a new one for create.
    pub id: Option<String>,
    pub parent_id: Option<String>,
    /// When the parent is another row of the file.
    pub parent_line: Option<usize>,
    /// For an update, the fields that change.
    pub changed: Vec<UnitColumn>,
    pub errors: Vec<RowError>,
    #[serde(skip)]
    body: Option<Unit>,
}

/// What an import would do, row by row. Nothing is written to make it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitImportPlan {
    pub file: PathBuf,
    /// "xlsx" or "csv".
    pub format: &'static str,
    /// The worksheet read (XLSX: the first one).
    pub sheet: Option<String>,
    pub header_line: usize,
    pub columns: Vec<ColumnInfo>,
    pub warnings: Vec<ImportWarning>,
    pub rows: Vec<UnitImportRow>,
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub bad: usize,
}

impl UnitImportPlan {
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.rows.iter().flat_map(|r| r.errors.iter())
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Bad rows left out (only with `skip_bad`).
    pub skipped: usize,
    pub plan: UnitImportPlan,
}

impl Store {
    /// Read and check a unit file against the database, writing nothing.
    pub fn unit_import_preview(&self, path: &Path) -> Result<UnitImportPlan> {
        let table = read_table(path)?;
        plan(path, table, &self.list::<Unit>()?)
    }

    /// Import a unit file in one transaction. With any bad row, nothing is written and the
    /// error lists every bad row, unless `skip_bad`: then the good rows are written (a row
    /// under a bad parent counts as bad).
    pub fn unit_import(&mut self, path: &Path, skip_bad: bool) -> Result<UnitImportReport> {
        let table = read_table(path)?;
        self.write(|w| {
            let plan = plan(path, table, &w.list::<Unit>()?)?;
            if plan.bad > 0 && !skip_bad {
                return Err(Error::ImportRows(plan.errors().cloned().collect()));
            }
            // Parents before children, so the revisions read in the order the tree grows.
            let mut order: Vec<&UnitImportRow> = plan
                .rows
                .iter()
                .filter(|r| matches!(r.action, RowAction::Create | RowAction::Update))
                .collect();
            let depth = depth_in_file(&plan.rows);
            order.sort_by_key(|r| depth.get(&r.line).copied().unwrap_or(0));
            for r in order {
                let (Some(id), Some(body)) = (&r.id, &r.body) else {
                    continue;
                };
                w.put(id, body)?;
            }
            Ok(UnitImportReport {
                created: plan.create,
                updated: plan.update,
                unchanged: plan.unchanged,
                skipped: plan.bad,
                plan,
            })
        })
    }
}

fn depth_in_file(rows: &[UnitImportRow]) -> HashMap<usize, usize> {
    let parent: HashMap<usize, usize> = rows
        .iter()
        .filter_map(|r| r.parent_line.map(|p| (r.line, p)))
        .collect();
    rows.iter()
        .map(|r| {
            let mut d = 0;
            let mut cur = r.line;
            // Bounded: good rows have no cycles, and this only orders writes.
            while let Some(p) = parent.get(&cur) {
                d += 1;
                cur = *p;
                if d > rows.len() {
                    break;
                }
            }
            (r.line, d)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Reading files

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    /// A number cell, with its text as shown.
    Number(String),
    Date(NaiveDate),
    Error(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

struct Table {
    format: &'static str,
    sheet: Option<String>,
    /// (line as the clerk sees it, cells from column A).
    rows: Vec<(usize, Vec<Cell>)>,
}

fn read_table(path: &Path) -> Result<Table> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let kind = match ext.as_str() {
        "xlsx" | "xlsm" => "xlsx",
        "csv" | "tsv" => "csv",
        _ => return Err(file_error(FileProblem::Unsupported { extension: ext })),
    };
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            what: "file",
            id: path.display().to_string(),
        },
        _ => Error::Io(e),
    })?;
    if kind == "xlsx" {
        read_xlsx(bytes)
    } else {
        read_csv(&bytes)
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table> {
    // Excel's "CSV UTF-8" starts with a byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| file_error(FileProblem::NotUtf8))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            file_error(FileProblem::Unreadable {
                detail: e.to_string(),
            })
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        rows.push((
            line,
            record.iter().map(|f| Cell::Text(f.to_string())).collect(),
        ));
    }
    Ok(Table {
        format: "csv",
        sheet: None,
        rows,
    })
}

/// Excel writes `;` where the decimal comma is local (Vietnamese settings do), `,` elsewhere;
/// a tab comes from copy-paste. The one seen most outside quotes in the first lines wins.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(10) {
        let mut quoted = false;
        for b in line.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if !quoted {
                if let Some(i) = CANDIDATES.iter().position(|c| *c == b) {
                    counts[i] += 1;
                }
            }
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    CANDIDATES[best]
}

fn read_xlsx(bytes: Vec<u8>) -> Result<Table> {
    use calamine::Reader;
    let unreadable = |e: calamine::XlsxError| {
        file_error(FileProblem::Unreadable {
            detail: e.to_string(),
        })
    };
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| file_error(FileProblem::Empty))?;
    let range = book.worksheet_range(&sheet).map_err(unreadable)?;
    let (row0, col0) = range
        .start()
        .map(|(r, c)| (r as usize, c as usize))
        .unwrap_or((0, 0));
    let mut grid: Vec<Vec<Cell>> = range
        .rows()
        .map(|r| {
            let mut cells = vec![Cell::Empty; col0];
            cells.extend(r.iter().map(cell_of));
            cells
        })
        .collect();
    // A parent written once in a cell merged down over its units means "all of these".
    // Merges are presentation, so a sheet whose merges can't be read still imports.
    for m in book.merge_cells_by_sheet_name(&sheet).unwrap_or_default() {
        let (top, col) = (m.start.0 as usize, m.start.1 as usize);
        let Some(value) = top
            .checked_sub(row0)
            .and_then(|r| grid.get(r))
            .and_then(|r| r.get(col))
            .cloned()
        else {
            continue;
        };
        for r in top + 1..=m.end.0 as usize {
            if let Some(cell) = r
                .checked_sub(row0)
                .and_then(|r| grid.get_mut(r))
                .and_then(|r| r.get_mut(col))
            {
                *cell = value.clone();
            }
        }
    }
    Ok(Table {
        format: "xlsx",
        sheet: Some(sheet),
        rows: grid
            .into_iter()
            .enumerate()
            .map(|(i, cells)| (row0 + i + 1, cells))
            .collect(),
    })
}

fn cell_of(d: &calamine::Data) -> Cell {
    use calamine::Data;
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(i.to_string()),
        // A code typed as 101 is stored as 101.0; show it as typed.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            Cell::Number(format!("{}", *f as i64))
        }
        Data::Float(f) => Cell::Number(f.to_string()),
        Data::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Number(dt.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse().ok()) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// Dates as people type them here: dd/mm/yyyy (also with `-` or `.`), or ISO. Two-digit
/// years are refused rather than read as the first century.
fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let iso = s
        .get(..10)
        .filter(|_| s.len() > 10 && s.is_char_boundary(10));
    let d = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        // "2023-11-07 00:00:00" from a database export.
        .or_else(|| iso.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()))?;
    (1900..=2200)
        .contains(&chrono::Datelike::year(&d))
        .then_some(d)
}

// ---------------------------------------------------------------------------------------
// Planning

/// A row as read, before it is matched.
struct Parsed {
    line: usize,
    fields: UnitFields,
    errors: Vec<RowError>,
}

/// Where a row's parent is.
#[derive(Debug, Clone, PartialEq)]
enum ParentRef {
    /// No parent column: keep the existing unit's parent (a new unit goes at the top).
    Keep,
    Top,
    Row(usize),
    Db(String),
    /// Not resolved (the row has an error for it).
    Unresolved,
}

fn plan(path: &Path, table: Table, existing: &[Stored<Unit>]) -> Result<UnitImportPlan> {
    let non_empty: Vec<&(usize, Vec<Cell>)> = table
        .rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_blank()))
        .collect();
    if non_empty.is_empty() {
        return Err(file_error(FileProblem::Empty));
    }
    let header_at = non_empty
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            cells
                .iter()
                .any(|c| header_column(c) == Some(UnitColumn::Name))
        })
        .ok_or_else(|| file_error(FileProblem::NoNameColumn))?;
    let (header_line, header_cells) = non_empty[header_at];

    let mut warnings = Vec::new();
    if header_at > 0 {
        warnings.push(ImportWarning::new(WarningKind::RowsAboveHeader {
            lines: non_empty[..header_at].iter().map(|(l, _)| *l).collect(),
        }));
    }
    let mut columns = Vec::new();
    let mut at: BTreeMap<UnitColumn, usize> = BTreeMap::new();
    for (i, cell) in header_cells.iter().enumerate() {
        if cell.is_blank() {
            continue;
        }
        let header = text::nfc(cell_text(cell).trim());
        let field = header_column(cell);
        let letter = column_letter(i);
        if let Some(f) = field {
            if let Some(first) = at.insert(f, columns.len()) {
                let first: &ColumnInfo = &columns[first];
                return Err(file_error(FileProblem::DuplicateColumn {
                    field: f,
                    first: format!("{} \"{}\"", first.column, first.header),
                    second: format!("{letter} \"{header}\""),
                }));
            }
        } else if !is_numbering(&header) {
            warnings.push(ImportWarning::new(WarningKind::UnknownColumn {
                column: letter.clone(),
                header: header.clone(),
            }));
        }
        columns.push(ColumnInfo {
            column: letter,
            header,
            field,
        });
    }
    // Cell index of each field's column (columns[] skips blank headers, so keep both).
    let index_of: HashMap<UnitColumn, usize> = header_cells
        .iter()
        .enumerate()
        .filter_map(|(i, c)| header_column(c).map(|f| (f, i)))
        .collect();
    let info: HashMap<UnitColumn, ColumnInfo> =
        at.iter().map(|(f, i)| (*f, columns[*i].clone())).collect();

    let mut parsed = Vec::new();
    for (line, cells) in table.rows.iter().filter(|(l, _)| *l > *header_line) {
        let get = |f: UnitColumn| index_of.get(&f).and_then(|i| cells.get(*i));
        // Template rows with only a number in the STT column are not units.
        if UnitColumn::ALL
            .iter()
            .all(|f| get(*f).is_none_or(Cell::is_blank))
        {
            continue;
        }
        let mut errors = Vec::new();
        let mut fields = UnitFields::default();
        for f in UnitColumn::ALL {
            let Some(cell) = get(f) else { continue };
            let col = &info[&f];
            if let Cell::Error(e) = cell {
                errors.push(RowError::new(
                    *line,
                    col,
                    f,
                    RowProblem::CellError { value: e.clone() },
                ));
                continue;
            }
            match f {
                UnitColumn::ValidFrom | UnitColumn::ValidTo => {
                    let date = match cell {
                        Cell::Date(d) => Some(*d),
                        c if c.is_blank() => None,
                        c => {
                            let t = cell_text(c);
                            match parse_date_text(&t) {
                                Some(d) => Some(d),
                                None => {
                                    errors.push(RowError::new(
                                        *line,
                                        col,
                                        f,
                                        RowProblem::BadDate {
                                            value: t.trim().to_string(),
                                        },
                                    ));
                                    None
                                }
                            }
                        }
                    };
                    if f == UnitColumn::ValidFrom {
                        fields.valid_from = date;
                    } else {
                        fields.valid_to = date;
                    }
                }
                _ => {
                    let t = text::nfc(cell_text(cell).trim());
                    match f {
                        UnitColumn::Name => fields.name = t,
                        UnitColumn::Code => fields.code = t,
                        UnitColumn::ShortName => fields.short_name = t,
                        UnitColumn::LevelLabel => fields.level_label = t,
                        UnitColumn::Kind => fields.kind = t,
                        UnitColumn::Parent => fields.parent = t,
                        UnitColumn::ValidFrom | UnitColumn::ValidTo => {}
                    }
                }
            }
        }
        if fields.name.is_empty() && !matches!(get(UnitColumn::Name), Some(Cell::Error(_))) {
            errors.push(RowError::new(
                *line,
                &info[&UnitColumn::Name],
                UnitColumn::Name,
                RowProblem::MissingName,
            ));
        }
        parsed.push(Parsed {
            line: *line,
            fields,
            errors,
        });
    }
    if parsed.is_empty() {
        return Err(file_error(FileProblem::Empty));
    }

    let mut by_id = HashMap::new();
    let mut by_code: HashMap<String, Vec<&Stored<Unit>>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<&Stored<Unit>>> = HashMap::new();
    for u in existing {
        by_id.insert(u.id.as_str(), u);
        if !u.body.code.is_empty() {
            by_code.entry(text::fold(&u.body.code)).or_default().push(u);
        }
        by_name.entry(text::fold(&u.body.name)).or_default().push(u);
    }
    let mut m = Matcher {
        rows: parsed,
        existing,
        by_id,
        by_code,
        by_name,
        info,
        has_parent: index_of.contains_key(&UnitColumn::Parent),
        parents: Vec::new(),
        ids: Vec::new(),
    };
    let rows = m.run();
    let count = |a: RowAction| rows.iter().filter(|r| r.action == a).count();
    Ok(UnitImportPlan {
        file: path.to_path_buf(),
        format: table.format,
        sheet: table.sheet,
        header_line: *header_line,
        columns,
        warnings,
        create: count(RowAction::Create),
        update: count(RowAction::Update),
        unchanged: count(RowAction::Unchanged),
        bad: count(RowAction::Bad),
        rows,
    })
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) | Cell::Number(s) | Cell::Error(s) => s.clone(),
        Cell::Date(d) => date_text(*d),
    }
}

fn header_column(c: &Cell) -> Option<UnitColumn> {
    match c {
        Cell::Text(s) => column_of(s),
        _ => None,
    }
}

/// Matches rows to parents and existing units, one stage at a time; each stage may find
/// errors, and a row under a bad row becomes bad too.
struct Matcher<'a> {
    rows: Vec<Parsed>,
    existing: &'a [Stored<Unit>],
    /// Existing units by id, folded code and folded name (a province has thousands).
    by_id: HashMap<&'a str, &'a Stored<Unit>>,
    by_code: HashMap<String, Vec<&'a Stored<Unit>>>,
    by_name: HashMap<String, Vec<&'a Stored<Unit>>>,
    info: HashMap<UnitColumn, ColumnInfo>,
    has_parent: bool,
    parents: Vec<ParentRef>,
    /// The id each good row writes (existing or new).
    ids: Vec<Option<String>>,
}

impl Matcher<'_> {
    fn bad(&self, i: usize) -> bool {
        !self.rows[i].errors.is_empty()
    }

    fn error(&mut self, i: usize, field: UnitColumn, problem: RowProblem) {
        let col = self
            .info
            .get(&field)
            .or_else(|| self.info.get(&UnitColumn::Name))
            .expect("the name column exists");
        let e = RowError::new(self.rows[i].line, col, field, problem);
        self.rows[i].errors.push(e);
    }

    /// A row whose parent row is bad can't be placed: mark it, until nothing changes.
    fn cascade(&mut self) {
        loop {
            let mut changed = false;
            for i in 0..self.rows.len() {
                if let ParentRef::Row(p) = self.parents[i] {
                    if !self.bad(i) && self.bad(p) {
                        let parent_line = self.rows[p].line;
                        self.error(
                            i,
                            UnitColumn::Parent,
                            RowProblem::ParentRowBad { parent_line },
                        );
                        changed = true;
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    fn run(&mut self) -> Vec<UnitImportRow> {
        self.duplicate_codes();
        self.resolve_parents();
        self.row_cycles();
        self.cascade();
        self.match_existing();
        self.cascade();
        self.database_cycles();
        self.cascade();
        self.duplicate_names();
        self.cascade();
        let bodies = self.bodies();
        self.cascade();
        self.finish(bodies)
    }

    fn duplicate_codes(&mut self) {
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            if !r.fields.code.is_empty() {
                by_code
                    .entry(text::fold(&r.fields.code))
                    .or_default()
                    .push(i);
            }
        }
        let mut groups: Vec<Vec<usize>> = by_code.into_values().filter(|v| v.len() > 1).collect();
        groups.sort();
        for g in groups {
            for (k, &i) in g.iter().enumerate() {
                // The first names the second; every later one names the first.
                let other = if k == 0 { g[1] } else { g[0] };
                let problem = RowProblem::DuplicateCode {
                    code: self.rows[i].fields.code.clone(),
                    other_line: self.rows[other].line,
                };
                self.error(i, UnitColumn::Code, problem);
            }
        }
    }

    fn resolve_parents(&mut self) {
        let mut index = Index::default();
        for (i, r) in self.rows.iter().enumerate() {
            index.add_row(i, &r.fields);
        }
        for u in self.existing {
            index.add_db(&u.id, &u.body);
        }
        let mut parents = Vec::with_capacity(self.rows.len());
        for i in 0..self.rows.len() {
            let written = self.rows[i].fields.parent.clone();
            let p = if !self.has_parent {
                ParentRef::Keep
            } else if written.is_empty() {
                ParentRef::Top
            } else {
                let key = text::fold(&written);
                // Code first (unique), then full name, then short name ("Huyện đoàn Nho
                // Quan" is how a clerk names a parent); the file before the database.
                let found = [&index.code, &index.name, &index.short]
                    .iter()
                    .map(|tier| tier.get(&key).cloned().unwrap_or_default())
                    .find(|(rows, db)| !rows.is_empty() || !db.is_empty());
                match found {
                    None => {
                        self.error(
                            i,
                            UnitColumn::Parent,
                            RowProblem::UnknownParent { parent: written },
                        );
                        ParentRef::Unresolved
                    }
                    Some((rows, _)) if rows.len() == 1 => ParentRef::Row(rows[0]),
                    Some((rows, db)) if rows.is_empty() && db.len() == 1 => {
                        ParentRef::Db(db[0].clone())
                    }
                    Some((rows, db)) => {
                        let lines = rows.iter().map(|r| self.rows[*r].line).collect();
                        // Units in the file stand for their database match: count only
                        // database units when the file has none of that name.
                        let in_database = if rows.is_empty() { db.len() } else { 0 };
                        self.error(
                            i,
                            UnitColumn::Parent,
                            RowProblem::AmbiguousParent {
                                parent: written,
                                lines,
                                in_database,
                            },
                        );
                        ParentRef::Unresolved
                    }
                }
            };
            parents.push(p);
        }
        self.parents = parents;
    }

    /// Loops made only of rows of the file.
    fn row_cycles(&mut self) {
        let n = self.rows.len();
        let loops_back = |start: usize| {
            let mut seen = Vec::new();
            let mut cur = start;
            while let ParentRef::Row(p) = self.parents[cur] {
                seen.push(cur);
                if p == start {
                    return true;
                }
                if seen.contains(&p) || seen.len() > n {
                    return false;
                }
                cur = p;
            }
            false
        };
        let in_cycle: Vec<bool> = (0..n).map(loops_back).collect();
        for i in (0..n).filter(|i| in_cycle[*i]) {
            let mut path = vec![self.rows[i].fields.name.clone()];
            let mut cur = i;
            while let ParentRef::Row(p) = self.parents[cur] {
                path.push(self.rows[p].fields.name.clone());
                if p == i || path.len() > n + 1 {
                    break;
                }
                cur = p;
            }
            self.error(i, UnitColumn::Parent, RowProblem::ParentCycle { path });
        }
    }

    /// The parent id a good row ends up with (`None`: top level); `Keep` gives the existing
    /// unit's parent.
    fn parent_id(&self, i: usize) -> Option<String> {
        match &self.parents[i] {
            ParentRef::Top | ParentRef::Unresolved => None,
            ParentRef::Db(id) => Some(id.clone()),
            ParentRef::Row(p) => self.ids[*p].clone(),
            ParentRef::Keep => self.ids[i]
                .as_deref()
                .and_then(|id| self.by_id.get(id))
                .and_then(|u| u.body.parent_id.clone()),
        }
    }

    /// Give each good row the id it writes: an existing unit's by code, else by name under
    /// the same parent, else a new one. Parents are done before their children.
    fn match_existing(&mut self) {
        let n = self.rows.len();
        self.ids = vec![None; n];
        let mut done = vec![false; n];
        let mut claimed: HashMap<String, usize> = HashMap::new();
        for start in 0..n {
            // Walk up to the first row whose parent is settled, then come back down.
            let mut chain = vec![start];
            while let ParentRef::Row(p) = self.parents[*chain.last().expect("non-empty")] {
                if done[p] || chain.contains(&p) {
                    break;
                }
                chain.push(p);
            }
            for &i in chain.iter().rev() {
                if done[i] {
                    continue;
                }
                done[i] = true;
                if self.bad(i) {
                    continue;
                }
                if let ParentRef::Row(p) = self.parents[i] {
                    if self.bad(p) {
                        continue; // cascade marks it
                    }
                }
                match self.existing_match(i) {
                    Ok(Some(id)) => {
                        if let Some(&other) = claimed.get(&id) {
                            let other_line = self.rows[other].line;
                            self.error(i, UnitColumn::Name, RowProblem::SameUnit { other_line });
                        } else {
                            claimed.insert(id.clone(), i);
                            self.ids[i] = Some(id);
                        }
                    }
                    Ok(None) => self.ids[i] = Some(new_id()),
                    Err((field, problem)) => self.error(i, field, problem),
                }
            }
        }
    }

    fn existing_match(
        &self,
        i: usize,
    ) -> std::result::Result<Option<String>, (UnitColumn, RowProblem)> {
        let f = &self.rows[i].fields;
        if !f.code.is_empty() {
            let by_code = self
                .by_code
                .get(&text::fold(&f.code))
                .map(Vec::as_slice)
                .unwrap_or_default();
            match by_code.len() {
                0 => {}
                1 => return Ok(Some(by_code[0].id.clone())),
                count => {
                    return Err((
                        UnitColumn::Code,
                        RowProblem::AmbiguousMatch {
                            name: f.code.clone(),
                            count,
                        },
                    ))
                }
            }
        }
        // By name: only units without a code can be the same as a row with one (the file
        // gives them their code); a unit with another code is another unit.
        let parent = match self.parents[i] {
            ParentRef::Keep => None,
            _ => Some(self.parent_id(i)),
        };
        let by_name: Vec<&Stored<Unit>> = self
            .by_name
            .get(&text::fold(&f.name))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|u| f.code.is_empty() || u.body.code.is_empty())
            .filter(|u| parent.as_ref().is_none_or(|p| &u.body.parent_id == p))
            .collect();
        match by_name.len() {
            0 => Ok(None),
            1 => Ok(Some(by_name[0].id.clone())),
            count => Err((
                UnitColumn::Name,
                RowProblem::AmbiguousMatch {
                    name: f.name.clone(),
                    count,
                },
            )),
        }
    }

    /// Loops through units already in the database: the file makes A a child of B while
    /// the database has B under A.
    fn database_cycles(&mut self) {
        let mut parent_of: HashMap<String, Option<String>> = self
            .existing
            .iter()
            .map(|u| (u.id.clone(), u.body.parent_id.clone()))
            .collect();
        let mut name_of: HashMap<String, String> = self
            .existing
            .iter()
            .map(|u| (u.id.clone(), u.body.name.clone()))
            .collect();
        for i in 0..self.rows.len() {
            if let (false, Some(id)) = (self.bad(i), self.ids[i].clone()) {
                parent_of.insert(id.clone(), self.parent_id(i));
                name_of.insert(id, self.rows[i].fields.name.clone());
            }
        }
        for i in 0..self.rows.len() {
            let Some(id) = self.ids[i].clone().filter(|_| !self.bad(i)) else {
                continue;
            };
            let mut path = vec![name_of[&id].clone()];
            let mut seen = HashSet::new();
            let mut cur = parent_of.get(&id).cloned().flatten();
            while let Some(p) = cur {
                path.push(name_of.get(&p).cloned().unwrap_or_else(|| p.clone()));
                if p == id {
                    self.error(i, UnitColumn::Parent, RowProblem::ParentCycle { path });
                    break;
                }
                if !seen.insert(p.clone()) {
                    break; // a loop above this unit, among units the file doesn't touch
                }
                cur = parent_of.get(&p).cloned().flatten();
            }
        }
    }

    /// Rows without codes naming the same unit twice under one parent.
    fn duplicate_names(&mut self) {
        let mut first: HashMap<(Option<String>, String), usize> = HashMap::new();
        for i in 0..self.rows.len() {
            if self.bad(i) || self.ids[i].is_none() {
                continue;
            }
            let key = (self.parent_id(i), text::fold(&self.rows[i].fields.name));
            match first.get(&key) {
                Some(&j)
                    if self.rows[i].fields.code.is_empty()
                        || self.rows[j].fields.code.is_empty() =>
                {
                    let problem = RowProblem::DuplicateName {
                        name: self.rows[i].fields.name.clone(),
                        other_line: self.rows[j].line,
                    };
                    self.error(i, UnitColumn::Name, problem);
                }
                Some(_) => {}
                None => {
                    first.insert(key, i);
                }
            }
        }
    }

    /// The unit each good row would write, with the date order checked on the result
    /// (a column left out keeps its existing date).
    fn bodies(&mut self) -> Vec<Option<Unit>> {
        let mut out = Vec::with_capacity(self.rows.len());
        for i in 0..self.rows.len() {
            let Some(id) = self.ids[i].clone().filter(|_| !self.bad(i)) else {
                out.push(None);
                continue;
            };
            let current = self.by_id.get(id.as_str());
            let mut u = current.map(|c| c.body.clone()).unwrap_or(Unit {
                name: String::new(),
                short_name: String::new(),
                code: String::new(),
                kind: String::new(),
                level_label: String::new(),
                parent_id: None,
                valid_from: None,
                valid_to: None,
                merged_into: None,
            });
            let f = &self.rows[i].fields;
            let has = |c: UnitColumn| self.info.contains_key(&c);
            u.name = f.name.clone();
            if has(UnitColumn::Code) {
                u.code = f.code.clone();
            }
            if has(UnitColumn::ShortName) {
                u.short_name = f.short_name.clone();
            }
            if has(UnitColumn::LevelLabel) {
                u.level_label = f.level_label.clone();
            }
            if has(UnitColumn::Kind) {
                u.kind = f.kind.clone();
            }
            if has(UnitColumn::ValidFrom) {
                u.valid_from = f.valid_from;
            }
            if has(UnitColumn::ValidTo) {
                u.valid_to = f.valid_to;
            }
            u.parent_id = self.parent_id(i);
            if let (Some(valid_from), Some(valid_to)) = (u.valid_from, u.valid_to) {
                if valid_to < valid_from {
                    let field = if has(UnitColumn::ValidTo) {
                        UnitColumn::ValidTo
                    } else {
                        UnitColumn::ValidFrom
                    };
                    self.error(
                        i,
                        field,
                        RowProblem::EndsBeforeStart {
                            valid_from,
                            valid_to,
                        },
                    );
                    out.push(None);
                    continue;
                }
            }
            out.push(Some(u));
        }
        out
    }

    fn finish(&mut self, bodies: Vec<Option<Unit>>) -> Vec<UnitImportRow> {
        let rows = std::mem::take(&mut self.rows);
        let mut out = Vec::with_capacity(rows.len());
        for (i, (r, body)) in rows.into_iter().zip(bodies).enumerate() {
            let parent_line = match self.parents[i] {
                ParentRef::Row(p) => Some(p),
                _ => None,
            };
            let good = r.errors.is_empty() && body.is_some();
            let id = self.ids[i].clone().filter(|_| good);
            let current = id.as_ref().and_then(|id| self.by_id.get(id.as_str()));
            let (action, changed) = match (good, current, &body) {
                (false, _, _) => (RowAction::Bad, Vec::new()),
                (true, None, _) => (RowAction::Create, Vec::new()),
                (true, Some(c), Some(b)) => {
                    let changed = changed_fields(&c.body, b);
                    if changed.is_empty() {
                        (RowAction::Unchanged, changed)
                    } else {
                        (RowAction::Update, changed)
                    }
                }
                (true, Some(_), None) => (RowAction::Bad, Vec::new()),
            };
            out.push(UnitImportRow {
                line: r.line,
                parent_id: body.as_ref().and_then(|b| b.parent_id.clone()),
                fields: r.fields,
                action,
                id,
                parent_line,
                changed,
                errors: r.errors,
                body: body.filter(|_| good),
            });
        }
        // Parent lines were kept as row indexes until every row was moved out.
        let lines: Vec<usize> = out.iter().map(|r| r.line).collect();
        for r in &mut out {
            r.parent_line = r.parent_line.map(|p| lines[p]);
        }
        out
    }
}

fn changed_fields(old: &Unit, new: &Unit) -> Vec<UnitColumn> {
    let mut c = Vec::new();
    let mut check = |differs: bool, col: UnitColumn| {
        if differs {
            c.push(col);
        }
    };
    check(old.name != new.name, UnitColumn::Name);
    check(old.code != new.code, UnitColumn::Code);
    check(old.short_name != new.short_name, UnitColumn::ShortName);
    check(old.level_label != new.level_label, UnitColumn::LevelLabel);
    check(old.kind != new.kind, UnitColumn::Kind);
    check(old.parent_id != new.parent_id, UnitColumn::Parent);
    check(old.valid_from != new.valid_from, UnitColumn::ValidFrom);
    check(old.valid_to != new.valid_to, UnitColumn::ValidTo);
    c
}

/// Folded code, name and short name → (rows of the file, ids in the database).
#[derive(Default)]
struct Index {
    code: HashMap<String, (Vec<usize>, Vec<String>)>,
    name: HashMap<String, (Vec<usize>, Vec<String>)>,
    short: HashMap<String, (Vec<usize>, Vec<String>)>,
}

impl Index {
    fn add_row(&mut self, i: usize, f: &UnitFields) {
        for (map, value) in [
            (&mut self.code, &f.code),
            (&mut self.name, &f.name),
            (&mut self.short, &f.short_name),
        ] {
            if !value.is_empty() {
                map.entry(text::fold(value)).or_default().0.push(i);
            }
        }
    }

    fn add_db(&mut self, id: &str, u: &Unit) {
        for (map, value) in [
            (&mut self.code, &u.code),
            (&mut self.name, &u.name),
            (&mut self.short, &u.short_name),
        ] {
            if !value.is_empty() {
                map.entry(text::fold(value))
                    .or_default()
                    .1
                    .push(id.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_with_or_without_diacritics_and_notes() {
        assert_eq!(column_of("Tên đơn vị"), Some(UnitColumn::Name));
        assert_eq!(column_of("ten don vi"), Some(UnitColumn::Name));
        assert_eq!(column_of("Name"), Some(UnitColumn::Name));
        assert_eq!(column_of("Tên đơn vị (*)"), Some(UnitColumn::Name));
        assert_eq!(column_of("MÃ ĐƠN VỊ"), Some(UnitColumn::Code));
        assert_eq!(column_of("Trực thuộc:"), Some(UnitColumn::Parent));
        assert_eq!(
            column_of("Hiệu lực từ (dd/mm/yyyy)"),
            Some(UnitColumn::ValidFrom)
        );
        assert_eq!(column_of("valid_to"), Some(UnitColumn::ValidTo));
        assert_eq!(column_of("Ghi chú"), None);
        assert!(is_numbering("STT"));
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn delimiter_is_the_one_used_outside_quotes() {
        assert_eq!(sniff_delimiter("Mã;Tên\nA;\"B, C\"\n"), b';');
        assert_eq!(sniff_delimiter("Mã,Tên\nA,\"B; C; D\"\n"), b',');
        assert_eq!(sniff_delimiter("Mã\tTên\nA\tB\n"), b'\t');
        assert_eq!(sniff_delimiter("Tên\nA\n"), b',');
    }

    #[test]
    fn dates_as_typed_here() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        for s in [
            "01/07/2025",
            "1/7/2025",
            "2025-07-01",
            "01-07-2025",
            "01.07.2025",
            " 2025-07-01 00:00:00 ",
        ] {
            assert_eq!(parse_date_text(s), Some(d), "{s}");
        }
        for s in ["31/02/2025", "07/01/25", "mai", "2025", "1/7"] {
            assert_eq!(parse_date_text(s), None, "{s}");
        }
    }
}
