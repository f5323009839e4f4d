//! One error type for the whole core. Every variant has a stable machine `code` (the UI and
//! scripts match on it) and a message in Vietnamese or English.

use std::fmt;

/// The user's language for messages. Vietnamese first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" | "vn" | "vie" => Some(Lang::Vi),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("schema_too_new")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("not_found")]
    NotFound { what: &'static str, id: String },
    #[error("ambiguous_id")]
    AmbiguousId { id: String },
    #[error("invalid_input")]
    Invalid(Invalid),
    #[error("visit_locked")]
    VisitLocked { unit: String },
    #[error("sign_incomplete")]
    SignIncomplete { missing: Vec<String> },
    #[error("not_signed")]
    NotSigned,
    #[error("demo_exists")]
    DemoExists,
    #[error("no_conflict")]
    NoConflict { id: String },
    #[error("bad_bundle")]
    BadBundle(String),
    #[error("bundle_too_new")]
    BundleTooNew { format: u32, schema: i64 },
    #[error("bad_signature")]
    BadSignature,
    #[error("key_changed")]
    KeyChanged { device: String },
    #[error("corrupt")]
    Corrupt(String),
    /// A unit file refused as a whole (format, header, nothing in it).
    #[error("bad_import_file")]
    ImportFile(crate::unit_import::FileProblem),
    /// A unit file with bad rows; every one is listed, nothing was written.
    #[error("bad_import_rows")]
    ImportRows(Vec<crate::unit_import::RowError>),
    /// A setup operation refused for a reason of the domain (a team with visits, a cycle in
    /// the unit tree…); its own code says which.
    #[error("refused")]
    Refused(crate::setup::Refusal),
    /// One entry of a batch (`visits_plan_many`) failed, so nothing of the batch was written.
    #[error("in_batch")]
    InBatch { index: usize, error: Box<Error> },
    #[error("database")]
    Db(#[from] rusqlite::Error),
    #[error("io")]
    Io(#[from] std::io::Error),
    #[error("json")]
    Json(#[from] serde_json::Error),
}

/// Reasons an input is refused, each with its own message.
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    Rating(String),
    RatingOnPointsItem(String),
    PointsOnPassFailItem(String),
    Points { value: f64, max: u32 },
    UnknownItem(String),
    Authority(String),
    RaisedBy(String),
    EmptyText(&'static str),
    Date(String),
    Uuid(String),
    Field { field: &'static str, reason: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

fn what_vi(what: &str) -> &str {
    match what {
        "campaign" => "đợt kiểm tra",
        "unit" => "đơn vị",
        "visit" => "buổi kiểm tra",
        "finding" => "kết quả kiểm tra",
        "recommendation" => "kiến nghị",
        "attachment" => "tệp đính kèm",
        "criteria_set" => "bộ tiêu chí",
        "team" => "đoàn kiểm tra",
        "inspector" => "thành viên đoàn kiểm tra",
        "revision" => "phiên bản",
        "file" => "tệp",
        "record" => "bản ghi",
        other => other,
    }
}

fn what_en(what: &str) -> &str {
    match what {
        "campaign" => "campaign",
        "unit" => "unit",
        "visit" => "visit",
        "finding" => "finding",
        "recommendation" => "recommendation",
        "attachment" => "attachment",
        "criteria_set" => "criteria set",
        "team" => "inspection team",
        "inspector" => "inspector",
        "revision" => "revision",
        "file" => "file",
        "record" => "record",
        other => other,
    }
}

/// The engine's errors as this layer's: each the variant it always was, and a record's own
/// refusal (`Entity::validate`) given back as it was made.
impl From<kiemtra_store::Error> for Error {
    fn from(e: kiemtra_store::Error) -> Error {
        use kiemtra_store::Error as E;
        match e {
            E::SchemaTooNew { found, supported } => Error::SchemaTooNew { found, supported },
            E::NotFound { what, id } => Error::NotFound { what, id },
            E::AmbiguousId { id } => Error::AmbiguousId { id },
            E::BadId(id) => Error::Invalid(Invalid::Uuid(id)),
            E::Empty(field) => Error::Invalid(Invalid::EmptyText(field)),
            E::OtherKind { id, kind } => {
                Error::invalid_field("kind", format!("{id} là {kind} / is a {kind}"))
            }
            E::Corrupt(m) => Error::Corrupt(m),
            E::Rejected(inner) => match inner.downcast::<Error>() {
                Ok(e) => *e,
                Err(other) => Error::Corrupt(other.to_string()),
            },
            E::Db(e) => Error::Db(e),
            E::Io(e) => Error::Io(e),
            E::Json(e) => Error::Json(e),
        }
    }
}

impl Error {
    /// Stable machine code (never translated).
    pub fn code(&self) -> &'static str {
        match self {
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::NotFound { .. } => "not_found",
            Error::AmbiguousId { .. } => "ambiguous_id",
            Error::Invalid(_) => "invalid_input",
            Error::VisitLocked { .. } => "visit_locked",
            Error::SignIncomplete { .. } => "sign_incomplete",
            Error::NotSigned => "not_signed",
            Error::DemoExists => "demo_exists",
            Error::NoConflict { .. } => "no_conflict",
            Error::BadBundle(_) => "bad_bundle",
            Error::BundleTooNew { .. } => "bundle_too_new",
            Error::BadSignature => "bad_signature",
            Error::KeyChanged { .. } => "key_changed",
            Error::Corrupt(_) => "corrupt",
            Error::ImportFile(_) => "bad_import_file",
            Error::ImportRows(_) => "bad_import_rows",
            Error::Refused(r) => r.code(),
            Error::InBatch { error, .. } => error.code(),
            Error::Db(e) if is_disk_full(e) => "disk_full",
            Error::Db(_) => "database",
            Error::Io(_) => "io",
            Error::Json(_) => "json",
        }
    }

    pub fn invalid_field(field: &'static str, reason: impl Into<String>) -> Error {
        Error::Invalid(Invalid::Field {
            field,
            reason: reason.into(),
        })
    }

    /// The message a person reads, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.message_vi(),
            Lang::En => self.message_en(),
        }
    }

    fn message_vi(&self) -> String {
        match self {
            Error::SchemaTooNew { found, supported } => format!(
                "Tệp dữ liệu được tạo bởi phiên bản Kiểm tra mới hơn (lược đồ {found}, phiên bản này hỗ trợ đến {supported}). Hãy cập nhật ứng dụng; tệp không bị thay đổi."
            ),
            Error::NotFound { what: "file", id } => format!("Không tìm thấy tệp \"{id}\"."),
            Error::NotFound { what, id } => {
                format!("Không tìm thấy {} có mã \"{id}\".", what_vi(what))
            }
            Error::AmbiguousId { id } => format!(
                "Mã \"{id}\" khớp với nhiều bản ghi; hãy nhập thêm ký tự của mã."
            ),
            Error::Invalid(i) => match i {
                Invalid::Rating(r) => format!(
                    "Mức đánh giá \"{r}\" không hợp lệ; dùng \"dat\" (Đạt) hoặc \"chua_dat\" (Chưa đạt)."
                ),
                Invalid::RatingOnPointsItem(c) => {
                    format!("Tiêu chí {c} chấm bằng điểm, không đánh giá Đạt/Chưa đạt.")
                }
                Invalid::PointsOnPassFailItem(c) => {
                    format!("Tiêu chí {c} đánh giá Đạt/Chưa đạt, không chấm điểm.")
                }
                Invalid::Points { value, max } => {
                    format!("Số điểm {value} không hợp lệ; phải từ 0 đến {max}.")
                }
                Invalid::UnknownItem(c) => {
                    format!("Bộ tiêu chí của buổi kiểm tra không có tiêu chí \"{c}\".")
                }
                Invalid::Authority(a) => format!(
                    "Cấp giải quyết \"{a}\" không hợp lệ; dùng unit (đơn vị), team (đoàn kiểm tra), union (Đoàn cấp trên) hoặc party (cấp ủy Đảng)."
                ),
                Invalid::RaisedBy(a) => format!(
                    "Bên nêu kiến nghị \"{a}\" không hợp lệ; dùng unit (đơn vị) hoặc team (đoàn kiểm tra)."
                ),
                Invalid::EmptyText(f) => format!("Nội dung \"{}\" không được để trống.", field_vi(f)),
                Invalid::Date(d) => {
                    format!("Ngày \"{d}\" không hợp lệ; dùng dạng dd/mm/yyyy hoặc yyyy-mm-dd.")
                }
                Invalid::Uuid(s) => format!("\"{s}\" không phải là mã bản ghi hợp lệ."),
                Invalid::Field { field, reason } => {
                    format!("Giá trị của \"{}\" không hợp lệ: {reason}", field_vi(field))
                }
            },
            Error::VisitLocked { unit } => format!(
                "Biên bản kiểm tra tại {unit} đã ký nên không thể sửa. Muốn sửa, hãy mở khóa và ghi rõ lý do."
            ),
            Error::SignIncomplete { missing } => format!(
                "Chưa thể ký biên bản: còn thiếu {}.",
                missing
                    .iter()
                    .map(|m| if m == "overall_result" {
                        "xếp loại chung".to_string()
                    } else {
                        format!("tiêu chí bắt buộc {m}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::NotSigned => "Biên bản chưa ký nên không cần mở khóa.".to_string(),
            Error::DemoExists => "Dữ liệu mẫu đã có trong tệp này.".to_string(),
            Error::NoConflict { id } => format!("Bản ghi \"{id}\" không có xung đột cần giải quyết."),
            Error::BadBundle(d) => format!("Gói dữ liệu bị từ chối, không có gì thay đổi: {}", d.split(" / ").next().unwrap_or(d)),
            Error::BundleTooNew { format, schema } => format!(
                "Gói dữ liệu được tạo bởi phiên bản Kiểm tra mới hơn (định dạng {format}, lược đồ {schema}). Hãy cập nhật ứng dụng; không có gì thay đổi."
            ),
            Error::BadSignature => "Chữ ký của gói dữ liệu không hợp lệ hoặc bị thiếu: gói có thể đã bị sửa. Không có gì thay đổi.".to_string(),
            Error::KeyChanged { device } => format!(
                "Khóa ký của máy \"{device}\" khác với khóa đã biết: gói bị từ chối, không có gì thay đổi."
            ),
            Error::Corrupt(d) => format!("Dữ liệu bị hỏng: {d}"),
            Error::ImportFile(p) => p.message(Lang::Vi),
            Error::Refused(r) => r.message(Lang::Vi),
            Error::InBatch { index, error } => format!(
                "Mục {} của kế hoạch: {} Không có mục nào được ghi.",
                index + 1,
                error.message(Lang::Vi)
            ),
            Error::ImportRows(rows) => rows_message(
                rows,
                Lang::Vi,
                format!("Tệp có {} lỗi ở {} dòng nên không có gì được ghi. Hãy sửa các dòng sau rồi nhập lại, hoặc chỉ nhập các dòng đúng:", rows.len(), bad_lines(rows)),
            ),
            Error::Db(e) if is_disk_full(e) => {
                "Ổ đĩa đã đầy; thay đổi chưa được lưu. Hãy giải phóng dung lượng rồi thử lại.".to_string()
            }
            Error::Db(e) => format!("Lỗi cơ sở dữ liệu: {e}"),
            Error::Io(e) => format!("Lỗi đọc/ghi tệp: {e}"),
            Error::Json(e) => format!("Dữ liệu JSON không hợp lệ: {e}"),
        }
    }

    fn message_en(&self) -> String {
        match self {
            Error::SchemaTooNew { found, supported } => format!(
                "This data file was made by a newer version of Kiểm tra (schema {found}; this version supports up to {supported}). Please update the app; the file was not changed."
            ),
            Error::NotFound { what: "file", id } => format!("File \"{id}\" not found."),
            Error::NotFound { what, id } => format!("No {} with id \"{id}\".", what_en(what)),
            Error::AmbiguousId { id } => {
                format!("Id \"{id}\" matches several records; type more characters.")
            }
            Error::Invalid(i) => match i {
                Invalid::Rating(r) => format!(
                    "Invalid rating \"{r}\"; use \"dat\" (met) or \"chua_dat\" (not met)."
                ),
                Invalid::RatingOnPointsItem(c) => {
                    format!("Item {c} is scored in points, not met/not met.")
                }
                Invalid::PointsOnPassFailItem(c) => {
                    format!("Item {c} is rated met/not met, not in points.")
                }
                Invalid::Points { value, max } => {
                    format!("Invalid points {value}; must be between 0 and {max}.")
                }
                Invalid::UnknownItem(c) => {
                    format!("The visit's criteria set has no item \"{c}\".")
                }
                Invalid::Authority(a) => format!(
                    "Invalid authority \"{a}\"; use unit, team, union (higher Union level) or party (Party committee)."
                ),
                Invalid::RaisedBy(a) => {
                    format!("Invalid \"raised by\" value \"{a}\"; use unit or team.")
                }
                Invalid::EmptyText(f) => format!("\"{}\" must not be empty.", field_en(f)),
                Invalid::Date(d) => {
                    format!("Invalid date \"{d}\"; use dd/mm/yyyy or yyyy-mm-dd.")
                }
                Invalid::Uuid(s) => format!("\"{s}\" is not a valid record id."),
                Invalid::Field { field, reason } => {
                    format!("Invalid value for \"{}\": {reason}", field_en(field))
                }
            },
            Error::VisitLocked { unit } => format!(
                "The minutes of the visit to {unit} are signed and cannot be changed. Unlock them, giving a reason, to edit."
            ),
            Error::SignIncomplete { missing } => format!(
                "The minutes cannot be signed yet: missing {}.",
                missing
                    .iter()
                    .map(|m| if m == "overall_result" {
                        "the overall result".to_string()
                    } else {
                        format!("required item {m}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::NotSigned => "The minutes are not signed, so there is nothing to unlock.".to_string(),
            Error::DemoExists => "The demo data is already in this file.".to_string(),
            Error::NoConflict { id } => format!("Record \"{id}\" has no conflict to resolve."),
            Error::BadBundle(d) => format!("Bundle refused, nothing changed: {}", d.split(" / ").nth(1).unwrap_or(d)),
            Error::BundleTooNew { format, schema } => format!(
                "The bundle was made by a newer version of Kiểm tra (format {format}, schema {schema}). Please update the app; nothing changed."
            ),
            Error::BadSignature => "The bundle's signature is invalid or missing: it may have been altered. Nothing changed.".to_string(),
            Error::KeyChanged { device } => format!(
                "The signing key of device \"{device}\" differs from the known one: bundle refused, nothing changed."
            ),
            Error::Corrupt(d) => format!("The data is damaged: {d}"),
            Error::ImportFile(p) => p.message(Lang::En),
            Error::Refused(r) => r.message(Lang::En),
            Error::InBatch { index, error } => format!(
                "Entry {} of the plan: {} Nothing of the plan was written.",
                index + 1,
                error.message(Lang::En)
            ),
            Error::ImportRows(rows) => rows_message(
                rows,
                Lang::En,
                format!("The file has {} error(s) on {} line(s), so nothing was written. Fix these lines and import again, or import only the good lines:", rows.len(), bad_lines(rows)),
            ),
            Error::Db(e) if is_disk_full(e) => {
                "The disk is full; the change was not saved. Free some space and try again."
                    .to_string()
            }
            Error::Db(e) => format!("Database error: {e}"),
            Error::Io(e) => format!("File error: {e}"),
            Error::Json(e) => format!("Invalid JSON data: {e}"),
        }
    }
}

fn bad_lines(rows: &[crate::unit_import::RowError]) -> usize {
    rows.iter()
        .map(|r| r.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The summary, then one row error a line, so the clerk can work down the list.
fn rows_message(rows: &[crate::unit_import::RowError], lang: Lang, head: String) -> String {
    let mut out = head;
    for r in rows {
        out.push_str("\n  ");
        out.push_str(r.message(lang));
    }
    out
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull)
}

fn field_vi(f: &str) -> &str {
    match f {
        "text" => "nội dung",
        "name" => "tên",
        "device_name" => "tên máy",
        "lang" => "ngôn ngữ",
        "status" => "trạng thái",
        "reason" => "lý do",
        "file" => "tệp",
        "file_name" => "tên tệp",
        "question" => "câu hỏi",
        "kind" => "loại",
        "limit" => "số kết quả tối đa",
        other => other,
    }
}

fn field_en(f: &str) -> &str {
    match f {
        "text" => "text",
        "name" => "name",
        "device_name" => "device name",
        "lang" => "language",
        "status" => "status",
        "reason" => "reason",
        "file" => "file",
        "file_name" => "file name",
        "question" => "question",
        "kind" => "kind",
        "limit" => "result limit",
        other => other,
    }
}

/// What crosses to the UI or a script: `{code, message}`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}

impl Error {
    pub fn payload(&self, lang: Lang) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.message(lang),
        }
    }
}

impl fmt::Display for ErrorPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
