//! Reasons an input is refused before anything is written, each with its own message.

use crate::lang::{Lang, Localize};

/// Reasons an input is refused, each with its own message.
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    Rating(String),
    RatingOnPointsItem(String),
    PointsOnPassFailItem(String),
    Points {
        value: f64,
        max: u32,
    },
    UnknownItem(String),
    Authority(String),
    RaisedBy(String),
    EmptyText(&'static str),
    Date(String),
    Uuid(String),
    Field {
        field: &'static str,
        reason: String,
    },
    /// A write that would give a record another kind.
    OtherKind {
        id: String,
        kind: String,
    },
    /// A field's value breaks one of the rules below.
    Rule {
        field: &'static str,
        rule: Rule,
    },
}

/// The rules a field's value can break, each with its own words.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// Signing has its own operation (it checks the minutes are complete).
    SignThroughSigning,
    NotAField {
        name: String,
    },
    FileTooLarge {
        limit_mb: u64,
    },
    OnlyPhotosOrPdf,
    /// `detail`: the image decoder's own (English) words.
    UnreadableImage {
        detail: String,
    },
    EndsBeforeStarts,
    DuplicateItemCode {
        code: String,
    },
    NeedsMaxPoints {
        code: String,
    },
    OneHeadOfTeam,
    MinutesAsHtmlOrDocx,
    /// `len` characters where `max` are allowed.
    TooLong {
        max: usize,
        len: usize,
    },
    /// A campaign's date outside its year.
    OutsideYear {
        year: i32,
        date: chrono::NaiveDate,
    },
}

impl Localize for Rule {
    fn message(&self, lang: Lang) -> String {
        match self {
            Rule::SignThroughSigning => lang
                .pick("dùng \"Ký biên bản\" để ký", "use sign to sign the minutes")
                .to_string(),
            Rule::NotAField { name } => lang.pick(
                format!("\"{name}\" không phải là trường của bản ghi"),
                format!("\"{name}\" is not a field of this record"),
            ),
            Rule::FileTooLarge { limit_mb } => lang.pick(
                format!("tệp lớn hơn {limit_mb} MB"),
                format!("larger than {limit_mb} MB"),
            ),
            Rule::OnlyPhotosOrPdf => lang
                .pick(
                    "chỉ nhận ảnh (JPG, PNG, WEBP, GIF) hoặc PDF",
                    "only photos (JPG, PNG, WEBP, GIF) or PDF",
                )
                .to_string(),
            Rule::UnreadableImage { detail } => lang.pick(
                "ảnh không đọc được".to_string(),
                format!("unreadable image: {detail}"),
            ),
            Rule::EndsBeforeStarts => lang
                .pick("ngày kết thúc trước ngày bắt đầu", "ends before it starts")
                .to_string(),
            Rule::DuplicateItemCode { code } => lang.pick(
                format!("mã tiêu chí trùng {code}"),
                format!("duplicate item code {code}"),
            ),
            Rule::NeedsMaxPoints { code } => lang.pick(
                format!("tiêu chí {code} thiếu điểm tối đa"),
                format!("item {code} needs max points"),
            ),
            Rule::OneHeadOfTeam => lang
                .pick("một đoàn chỉ có một trưởng đoàn", "one head of team only")
                .to_string(),
            Rule::MinutesAsHtmlOrDocx => lang
                .pick(
                    "biên bản chỉ xuất HTML hoặc DOCX",
                    "minutes come as HTML or DOCX",
                )
                .to_string(),
            Rule::TooLong { max, len } => lang.pick(
                format!(
                    "dài {} ký tự, tối đa {} ký tự",
                    crate::text::thousands(*len),
                    crate::text::thousands(*max)
                ),
                format!("{len} characters long, at most {max} allowed"),
            ),
            Rule::OutsideYear { year, date } => lang.pick(
                format!(
                    "ngày {} không thuộc năm {year} của đợt kiểm tra; hãy sửa năm hoặc ngày",
                    date.format("%d/%m/%Y")
                ),
                format!(
                    "{} is not in the campaign's year {year}; correct the year or the date",
                    date.format("%d/%m/%Y")
                ),
            ),
        }
    }
}

impl Invalid {
    /// A rule for what a person may write now (a length, a campaign's dates in its year), not
    /// for what a record must be: records that arrived before the rule stay sound.
    pub fn is_writing_rule(&self) -> bool {
        matches!(
            self,
            Invalid::Rule {
                rule: Rule::TooLong { .. } | Rule::OutsideYear { .. },
                ..
            }
        )
    }

    /// A field whose value breaks a rule.
    pub fn rule(field: &'static str, rule: Rule) -> Invalid {
        Invalid::Rule { field, rule }
    }

    /// A field whose value is wrong for a reason given in words.
    pub fn field(field: &'static str, reason: impl Into<String>) -> Invalid {
        Invalid::Field {
            field,
            reason: reason.into(),
        }
    }
}

impl Localize for Invalid {
    fn message(&self, lang: Lang) -> String {
        match self {
            Invalid::Rule { field, rule } => lang.pick(
                format!("Giá trị của \"{}\" không hợp lệ: {}", field_name(field, lang), rule.message(lang)),
                format!("Invalid value for \"{}\": {}", field_name(field, lang), rule.message(lang)),
            ),
            Invalid::OtherKind { id, kind } => lang.pick(
                format!("Giá trị của \"loại\" không hợp lệ: {id} là {kind}."),
                format!("Invalid value for \"kind\": {id} is a {kind}."),
            ),
            Invalid::Rating(r) => lang.pick(
format!(
                    "Mức đánh giá \"{r}\" không hợp lệ; dùng \"dat\" (Đạt) hoặc \"chua_dat\" (Chưa đạt)."
                ),
format!(
                    "Invalid rating \"{r}\"; use \"dat\" (met) or \"chua_dat\" (not met)."
                ),
),
            Invalid::RatingOnPointsItem(c) => lang.pick(
{
                    format!("Tiêu chí {c} chấm bằng điểm, không đánh giá Đạt/Chưa đạt.")
                },
{
                    format!("Item {c} is scored in points, not met/not met.")
                },
),
            Invalid::PointsOnPassFailItem(c) => lang.pick(
{
                    format!("Tiêu chí {c} đánh giá Đạt/Chưa đạt, không chấm điểm.")
                },
{
                    format!("Item {c} is rated met/not met, not in points.")
                },
),
            Invalid::Points { value, max } => lang.pick(
{
                    format!("Số điểm {value} không hợp lệ; phải từ 0 đến {max}.")
                },
{
                    format!("Invalid points {value}; must be between 0 and {max}.")
                },
),
            Invalid::UnknownItem(c) => lang.pick(
{
                    format!("Bộ tiêu chí của buổi kiểm tra không có tiêu chí \"{c}\".")
                },
{
                    format!("The visit's criteria set has no item \"{c}\".")
                },
),
            Invalid::Authority(a) => lang.pick(
format!(
                    "Cấp giải quyết \"{a}\" không hợp lệ; dùng unit (đơn vị), team (đoàn kiểm tra), union (Đoàn cấp trên) hoặc party (cấp ủy Đảng)."
                ),
format!(
                    "Invalid authority \"{a}\"; use unit, team, union (higher Union level) or party (Party committee)."
                ),
),
            Invalid::RaisedBy(a) => lang.pick(
format!(
                    "Bên nêu kiến nghị \"{a}\" không hợp lệ; dùng unit (đơn vị) hoặc team (đoàn kiểm tra)."
                ),
{
                    format!("Invalid \"raised by\" value \"{a}\"; use unit or team.")
                },
),
            Invalid::EmptyText(f) => lang.pick(
format!("Nội dung \"{}\" không được để trống.", field_name(f, Lang::Vi)),
format!("\"{}\" must not be empty.", field_name(f, Lang::En)),
),
            Invalid::Date(d) => lang.pick(
{
                    format!("Ngày \"{d}\" không hợp lệ; dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd.")
                },
{
                    format!("Invalid date \"{d}\"; use dd/mm/yyyy or yyyy-mm-dd.")
                },
),
            Invalid::Uuid(s) => lang.pick(
format!("\"{s}\" không phải là mã bản ghi hợp lệ."),
format!("\"{s}\" is not a valid record id."),
),
            Invalid::Field { field, reason } => lang.pick(
{
                    format!("Giá trị của \"{}\" không hợp lệ: {reason}", field_name(field, Lang::Vi))
                },
{
                    format!("Invalid value for \"{}\": {reason}", field_name(field, Lang::En))
                },
),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Vi))
    }
}

impl std::error::Error for Invalid {}

/// The name of a field in the sentence a person reads; an unknown field by its own name.
fn field_name(f: &str, lang: Lang) -> &str {
    let (vi, en) = match f {
        "text" => ("nội dung", "text"),
        "name" => ("tên", "name"),
        "device_name" => ("tên máy", "device name"),
        "lang" => ("ngôn ngữ", "language"),
        "status" => ("trạng thái", "status"),
        "reason" => ("lý do", "reason"),
        "file" => ("tệp", "file"),
        "file_name" => ("tên tệp", "file name"),
        "question" => ("câu hỏi", "question"),
        "kind" => ("loại", "kind"),
        "limit" => ("số kết quả tối đa", "result limit"),
        "title" | "position" => ("chức vụ", "position"),
        "theme" => ("chủ đề", "theme"),
        "decision_number" => ("số quyết định", "decision number"),
        "issuing_body" => ("cơ quan ban hành", "issuing body"),
        "place" => ("địa điểm", "place"),
        "assessment" => ("nhận xét, đánh giá chung", "overall assessment"),
        "strengths" => ("ưu điểm", "strengths"),
        "shortcomings" => ("hạn chế", "shortcomings"),
        "causes_objective" => ("nguyên nhân khách quan", "objective causes"),
        "causes_subjective" => ("nguyên nhân chủ quan", "subjective causes"),
        "proposals" => ("đề xuất", "proposals"),
        "report_texts" => ("nội dung báo cáo", "report texts"),
        "answer" => ("câu trả lời", "answer"),
        "report_summary" => ("báo cáo của đơn vị", "the unit's report"),
        "difficulties" => ("khó khăn, vướng mắc", "difficulties"),
        "start_time" => ("giờ bắt đầu", "start time"),
        "note" => ("ghi chú", "note"),
        "explanation" => ("giải trình", "explanation"),
        "start_date" => ("ngày bắt đầu", "start date"),
        "end_date" => ("ngày kết thúc", "end date"),
        "year" => ("năm", "year"),
        "code" => ("mã", "code"),
        "short_name" => ("tên viết tắt", "short name"),
        "level_label" => ("cấp", "level"),
        other => (other, other),
    };
    lang.pick(vi, en)
}
