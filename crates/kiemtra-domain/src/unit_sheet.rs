//! A clerk's unit sheet as the rules see it: the columns it may have (named in Vietnamese or
//! English, with or without diacritics), and what can be wrong with the file or with a row,
//! located as the clerk sees it in Excel.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::dmy;
use crate::lang::{Bilingual, Lang, Localize};
use crate::text;

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
    pub fn headers(self) -> &'static [&'static str] {
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
}

impl Localize for UnitColumn {
    fn message(&self, lang: Lang) -> String {
        let text = match (lang, *self) {
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
        };
        text.to_string()
    }
}

/// A header as compared: folded, separators as spaces, without "(dd/mm/yyyy)"-style notes
/// or the "*" and ":" people add.
pub fn header_key(s: &str) -> String {
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

pub fn column_of(header: &str) -> Option<UnitColumn> {
    let key = header_key(header);
    UnitColumn::ALL
        .into_iter()
        .find(|c| c.headers().contains(&key.as_str()))
}

/// A row-number column ("STT") is in almost every Vietnamese list; it is expected, not news.
pub fn is_numbering(header: &str) -> bool {
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

/// A line of the sheet that is not a unit though it has text where units do: what offices
/// write under a list (a total, notes, the signatures and the place and date above them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotUnit {
    /// "Tổng cộng: 5 đơn vị", "Tổng số", "Cộng".
    Total,
    /// "Ghi chú: …", "Lưu ý", "(*) …".
    Note,
    /// "Người lập biểu", "TM. BAN THƯỜNG VỤ", "Ninh Bình, ngày 15 tháng 7 năm 2025".
    Signature,
    /// Under a note or a signature line, such as the signer's name: the table has ended.
    BelowTable,
}

impl NotUnit {
    /// What a line whose text is `s` is, judged by its first words (folded, so "TỔNG CỘNG"
    /// and "Tong cong" are alike). None: it may be a unit.
    pub fn of_text(s: &str) -> Option<NotUnit> {
        let folded = text::fold(s);
        let trimmed = folded.trim_start();
        if trimmed.starts_with('*') || trimmed.starts_with("(*") {
            return Some(NotUnit::Note);
        }
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let starts = |prefix: &[&str]| words.starts_with(prefix);
        let is_number = |i: usize| {
            words
                .get(i)
                .is_none_or(|w| w.chars().all(|c| c.is_ascii_digit()))
        };
        // "Tổng công ty …" is a unit (a corporation's Union), so "tong cong" must not go on
        // with "ty"; a bare "Tổng" or "Cộng" counts only alone or before a number.
        let total = (starts(&["tong", "cong"]) && words.get(2) != Some(&"ty"))
            || starts(&["tong", "so"])
            || (starts(&["tong"]) && is_number(1))
            || (starts(&["cong"]) && is_number(1))
            || starts(&["total"])
            || starts(&["grand", "total"]);
        if total {
            return Some(NotUnit::Total);
        }
        let note = [
            &["ghi", "chu"][..],
            &["chu", "thich"],
            &["luu", "y"],
            &["nguon"],
            &["note"],
            &["notes"],
        ];
        if note.iter().any(|p| starts(p)) {
            return Some(NotUnit::Note);
        }
        let signature = [
            &["nguoi", "lap"][..],
            &["nguoi", "ky"],
            &["nguoi", "duyet"],
            &["thu", "truong"],
            &["xac", "nhan"],
            &["ky", "ten"],
            &["ky", "ghi", "ro"],
            &["prepared", "by"],
        ];
        // "TM. BAN THƯỜNG VỤ", "T/M", "KT. BÍ THƯ" — with their mark, as a code "TM" is a unit's.
        let on_behalf = ["tm.", "t/m", "t.m", "kt.", "k/t", "tm ban", "kt bi thu"]
            .iter()
            .any(|p| trimmed.starts_with(p));
        let alone = [
            &["bi", "thu"][..],
            &["pho", "bi", "thu"],
            &["truong", "ban"],
        ];
        // "Ninh Bình, ngày 15 tháng 7 năm 2025": the place and date above the signatures.
        let dated = ["ngay", "thang", "nam"]
            .iter()
            .try_fold(0usize, |from, w| {
                words[from..]
                    .iter()
                    .position(|x| x == w)
                    .map(|i| from + i + 1)
            })
            .is_some();
        if on_behalf
            || signature.iter().any(|p| starts(p))
            || alone.iter().any(|p| words == *p)
            || dated
        {
            return Some(NotUnit::Signature);
        }
        None
    }
}

impl Localize for NotUnit {
    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            NotUnit::Total => ("dòng tổng cộng", "a totals line"),
            NotUnit::Note => ("dòng ghi chú", "a note"),
            NotUnit::Signature => ("dòng ký tên, ngày tháng", "a signature or date line"),
            NotUnit::BelowTable => (
                "dòng dưới phần ghi chú, ký tên",
                "a line below the notes or signatures",
            ),
        };
        lang.pick(vi, en).to_string()
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

impl Localize for FileProblem {
    fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Vi, FileProblem::Unsupported { extension }) => format!(
                "Không nhập được tệp \".{extension}\": chỉ nhận tệp Excel (.xlsx, .xls), bảng tính OpenDocument (.ods) hoặc CSV (.csv). Hãy mở tệp rồi chọn Lưu thành → Sổ làm việc Excel (.xlsx)."
            ),
            (Lang::En, FileProblem::Unsupported { extension }) => format!(
                "Cannot import a \".{extension}\" file: only Excel (.xlsx, .xls), OpenDocument spreadsheets (.ods) or CSV (.csv). Open the file and use Save As → Excel Workbook (.xlsx)."
            ),
            // The reader's own words are English: kept out of the Vietnamese sentence.
            (Lang::Vi, FileProblem::Unreadable { .. }) => {
                "Không đọc được tệp (tệp hỏng hoặc không đúng định dạng). Hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại dạng .xlsx.".to_string()
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
                field.message(Lang::Vi)
            ),
            (Lang::En, FileProblem::DuplicateColumn { field, first, second }) => format!(
                "Columns {first} and {second} both hold the {}; keep one of them.",
                field.message(Lang::En)
            ),
        }
    }
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
    TooLong {
        length: usize,
        max: usize,
    },
}

impl Localize for RowProblem {
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
                dmy(*valid_to),
                dmy(*valid_from)
            ),
            (Lang::En, RowProblem::EndsBeforeStart { valid_from, valid_to }) => format!(
                "valid until {}, before it is valid from {}.",
                dmy(*valid_to),
                dmy(*valid_from)
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
                where_text(lines, *in_database, Lang::Vi)
            ),
            (Lang::En, RowProblem::AmbiguousParent { parent, lines, in_database }) => format!(
                "several units are called \"{parent}\" ({}); give the parent's code instead.",
                where_text(lines, *in_database, Lang::En)
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
            (Lang::Vi, RowProblem::TooLong { length, max }) => {
                format!("dài {length} ký tự, quá giới hạn {max} ký tự.")
            }
            (Lang::En, RowProblem::TooLong { length, max }) => {
                format!("{length} characters long, over the limit of {max}.")
            }
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

/// Where the other units of a name are: lines of the file, units in the database, or both.
fn where_text(lines: &[usize], in_database: usize, lang: Lang) -> String {
    let l = lines_text(lines);
    match (lines.is_empty(), in_database) {
        (false, 0) => lang.pick(format!("dòng {l}"), format!("lines {l}")),
        (true, n) => lang.pick(
            format!("{n} đơn vị trong dữ liệu đã có"),
            format!("{n} in the database"),
        ),
        (false, n) => lang.pick(
            format!("dòng {l} và {n} trong dữ liệu đã có"),
            format!("lines {l} and {n} in the database"),
        ),
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
    pub message: Bilingual,
}

impl RowError {
    pub fn new(line: usize, col: &ColumnInfo, field: UnitColumn, problem: RowProblem) -> RowError {
        let mut e = RowError {
            line,
            column: col.column.clone(),
            header: col.header.clone(),
            field,
            problem,
            message: Bilingual {
                vi: String::new(),
                en: String::new(),
            },
        };
        e.message = e.both();
        e
    }
}

impl Localize for RowError {
    fn message(&self, lang: Lang) -> String {
        let (column, header, problem) = (&self.column, &self.header, self.problem.message(lang));
        lang.pick(
            format!("Dòng {}, cột {column} \"{header}\": {problem}", self.line),
            format!(
                "Line {}, column {column} \"{header}\": {problem}",
                self.line
            ),
        )
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
    pub message: Bilingual,
}

impl ImportWarning {
    pub fn new(kind: WarningKind) -> ImportWarning {
        let message = kind.both();
        ImportWarning { kind, message }
    }
}

impl Localize for ImportWarning {
    fn message(&self, lang: Lang) -> String {
        self.kind.message(lang)
    }
}

impl Localize for WarningKind {
    fn message(&self, lang: Lang) -> String {
        match self {
            WarningKind::UnknownColumn { column, header } => lang.pick(
                format!("Cột {column} \"{header}\" không dùng đến, được bỏ qua."),
                format!("Column {column} \"{header}\" is not used and was left out."),
            ),
            WarningKind::RowsAboveHeader { lines } => lang.pick(
                format!(
                    "Dòng {} nằm trên dòng tiêu đề, được bỏ qua.",
                    lines_text(lines)
                ),
                format!(
                    "Line(s) {} above the header row were left out.",
                    lines_text(lines)
                ),
            ),
        }
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
    fn lines_offices_write_under_a_list_are_not_units() {
        let total = Some(NotUnit::Total);
        assert_eq!(NotUnit::of_text("Tổng cộng: 5 đơn vị"), total);
        assert_eq!(NotUnit::of_text("TỔNG CỘNG"), total);
        assert_eq!(NotUnit::of_text("Tổng số đơn vị: 12"), total);
        assert_eq!(NotUnit::of_text("Cộng"), total);
        assert_eq!(NotUnit::of_text("Cộng: 7"), total);
        assert_eq!(
            NotUnit::of_text("Ghi chú: đơn vị in nghiêng mới thành lập"),
            Some(NotUnit::Note)
        );
        assert_eq!(
            NotUnit::of_text("(*) Sáp nhập từ 01/7/2025"),
            Some(NotUnit::Note)
        );
        assert_eq!(NotUnit::of_text("NGƯỜI LẬP BIỂU"), Some(NotUnit::Signature));
        assert_eq!(
            NotUnit::of_text("TM. BAN THƯỜNG VỤ"),
            Some(NotUnit::Signature)
        );
        assert_eq!(
            NotUnit::of_text("T/M BAN THƯỜNG VỤ"),
            Some(NotUnit::Signature)
        );
        assert_eq!(NotUnit::of_text("KT. BÍ THƯ"), Some(NotUnit::Signature));
        assert_eq!(NotUnit::of_text("PHÓ BÍ THƯ"), Some(NotUnit::Signature));
        assert_eq!(
            NotUnit::of_text("Ninh Bình, ngày 15 tháng 7 năm 2025"),
            Some(NotUnit::Signature)
        );
        // Units whose names begin like those lines.
        for unit in [
            "Đoàn Tổng công ty Điện lực miền Bắc",
            "Tổng đội Thanh niên xung phong",
            "Cộng đồng thanh niên công giáo",
            "Chi đoàn Thôn Đông",
            "Đoàn xã Gia Tường",
            "Đoàn Bệnh viện Bãi Cháy",
            "Ban Thường vụ Huyện đoàn Nho Quan",
            "TM",
            "KT",
        ] {
            assert_eq!(NotUnit::of_text(unit), None, "{unit}");
        }
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
}
