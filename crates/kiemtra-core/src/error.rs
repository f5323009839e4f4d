//! One error type for the whole core. Every variant has a stable machine `code` (the UI and
//! scripts match on it) and a message in Vietnamese or English.

use std::fmt;

pub use kiemtra_domain::{Invalid, Lang, Localize};

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
    BadBundle(BundleProblem),
    #[error("bundle_too_new")]
    BundleTooNew { format: u32, schema: i64 },
    #[error("bad_signature")]
    BadSignature,
    #[error("key_changed")]
    KeyChanged { device: String },
    /// A local write the table of who may write what refuses (TRUST.md).
    #[error("not_allowed")]
    NotAllowed(Box<kiemtra_domain::trust::Violation>),
    /// A bundle with revisions that break the table or their signatures: one line each
    /// (the first ones), nothing imported.
    #[error("bundle_refused")]
    BundleRefused {
        violations: Vec<kiemtra_domain::trust::Violation>,
        more: usize,
    },
    /// A bundle made by a laptop this one does not know: nothing imported; it can be
    /// enrolled (its key is now remembered for that).
    #[error("unknown_laptop")]
    UnknownLaptop(Box<Stranger>),
    /// A bundle holding a campaign whose owner this laptop neither is enrolled by nor trusts.
    #[error("untrusted_owner")]
    UntrustedOwner(Box<Stranger>),
    /// A bundle made after its laptop's enrolment was revoked.
    #[error("revoked_laptop")]
    RevokedLaptop { name: String, reason: String },
    /// A bundle of the format before signed revisions.
    #[error("bundle_too_old")]
    BundleTooOld { format: u32 },
    /// An encrypted bundle this laptop is not one of the readers of: who can open it.
    #[error("not_for_this_laptop")]
    NotForThisLaptop {
        readers: Vec<kiemtra_domain::trust::ReaderName>,
    },
    /// An age file encrypted with a passphrase: bundles are encrypted to laptops' keys.
    #[error("passphrase_bundle")]
    PassphraseBundle,
    /// An export that no laptop but this one could open, asked for without `plain`.
    #[error("no_readers")]
    NoReaders,
    /// The office has a recovery key already (made once).
    #[error("recovery_key_exists")]
    RecoveryKeyExists { created_at: String },
    /// A key file is written only where no file is.
    #[error("file_exists")]
    FileExists { path: String },
    /// A file offered as a backup to restore that is not this laptop's Kiểm tra data:
    /// refused before anything changes.
    /// Another program holds the database while a restore would replace it: nothing done.
    #[error("restore_busy")]
    RestoreBusy,
    #[error("bad_backup")]
    BadBackup {
        file: String,
        problem: BackupProblem,
    },
    #[error("corrupt")]
    Corrupt(String),
    /// A revision that is not a history the engine could have written, given to it directly.
    #[error("corrupt")]
    BadRevision(kiemtra_store::RevisionProblem),
    /// A unit file refused as a whole (format, header, nothing in it).
    #[error("bad_import_file")]
    ImportFile(kiemtra_domain::unit_sheet::FileProblem),
    /// A unit file with bad rows; every one is listed, nothing was written.
    #[error("bad_import_rows")]
    ImportRows(Vec<kiemtra_domain::unit_sheet::RowError>),
    /// A setup operation refused for a reason of the domain (a team with visits, a cycle in
    /// the unit tree…); its own code says which.
    #[error("refused")]
    Refused(kiemtra_domain::Refusal),
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

/// A laptop a bundle came from (or whose campaign it holds) that this one does not know:
/// what the refusal says of it, and what is remembered so it can be enrolled or trusted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stranger {
    pub device_id: String,
    pub name: String,
    pub public_key: String,
    pub people: Vec<kiemtra_domain::trust::Person>,
    pub fingerprint: String,
    /// The campaign the bundle is of (an unknown maker) or holds (an untrusted owner).
    pub campaign_id: Option<String>,
    pub campaign_name: Option<String>,
}

/// Why a bundle was refused as a whole (nothing of it is written).
#[derive(Debug)]
pub enum BundleProblem {
    /// Not a ZIP, or a damaged or truncated one.
    NotZip,
    /// Not a regular file (a directory, a FIFO, a device).
    NotAFile,
    /// Encrypted, but damaged, truncated or changed since: it does not decrypt whole.
    Undecryptable,
    DamagedZipEntry,
    UnexpectedEntry {
        name: String,
    },
    DuplicateEntry {
        name: String,
    },
    ZipBomb {
        name: String,
    },
    Missing {
        name: String,
    },
    /// The manifest is not JSON of the expected shape (`detail`: the parser's words).
    ManifestUnreadable {
        detail: String,
    },
    /// A manifest of something else.
    NotKiemtra,
    ManifestLacksRevisions,
    TooLarge,
    NotInManifest {
        name: String,
    },
    DamagedEntry {
        name: String,
    },
    AttachmentDiffers {
        sha: String,
    },
    AttachmentChanged {
        sha: String,
    },
    RevisionsSizeDiffers,
    LineTooLong {
        line: u64,
    },
    RevisionUnreadable {
        line: u64,
        detail: String,
    },
    /// A revision whose record refuses its content.
    RevisionRefused {
        rev: String,
        id: String,
        reason: Box<Error>,
    },
    /// A revision that is not a history (bad hash, missing parent, another kind…).
    Revision(kiemtra_store::RevisionProblem),
    RevisionsChanged,
    CountDiffers,
    EntryTooLarge {
        name: String,
    },
    EntryDamaged {
        name: String,
    },
}

impl Localize for BundleProblem {
    fn message(&self, lang: Lang) -> String {
        use BundleProblem as P;
        match self {
            P::NotZip => lang.pick(
                "không phải tệp gói dữ liệu Kiểm tra (ZIP hỏng hoặc bị cắt cụt)".to_string(),
                "not a Kiểm tra bundle (damaged or truncated ZIP)".to_string(),
            ),
            P::NotAFile => lang.pick(
                "không phải một tệp (thư mục, thiết bị hoặc đường ống)".to_string(),
                "not a file (a directory, a device or a pipe)".to_string(),
            ),
            P::Undecryptable => lang.pick(
                "gói đã mã hóa bị hỏng, bị cắt cụt hoặc bị sửa nên không giải mã được".to_string(),
                "the encrypted bundle is damaged, truncated or altered and does not decrypt"
                    .to_string(),
            ),
            P::DamagedZipEntry => lang.pick("mục ZIP hỏng", "damaged ZIP entry").to_string(),
            P::UnexpectedEntry { name } => lang.pick(
                format!("mục không hợp lệ \"{name}\" trong gói"),
                format!("unexpected entry \"{name}\""),
            ),
            P::DuplicateEntry { name } => lang.pick(
                format!("mục \"{name}\" xuất hiện hai lần"),
                format!("duplicate entry \"{name}\""),
            ),
            P::ZipBomb { name } => lang.pick(
                format!("mục \"{name}\" nén bất thường (nghi zip bomb)"),
                format!("entry \"{name}\" looks like a zip bomb"),
            ),
            P::Missing { name } => lang.pick(
                format!("thiếu \"{name}\""),
                format!("\"{name}\" is missing"),
            ),
            // The parser's own words are English: only the English message carries them.
            P::ManifestUnreadable { detail } => lang.pick(
                "manifest.json không đọc được".to_string(),
                format!("manifest.json unreadable: {detail}"),
            ),
            P::NotKiemtra => lang
                .pick("không phải gói dữ liệu Kiểm tra", "not a Kiểm tra bundle")
                .to_string(),
            P::ManifestLacksRevisions => lang
                .pick(
                    "manifest thiếu revisions.jsonl",
                    "manifest lacks revisions.jsonl",
                )
                .to_string(),
            P::TooLarge => lang.pick("gói quá lớn", "bundle too large").to_string(),
            P::NotInManifest { name } => lang.pick(
                format!("tệp \"{name}\" không có trong manifest"),
                format!("\"{name}\" is not in the manifest"),
            ),
            P::DamagedEntry { name } => lang.pick(
                format!("mục \"{name}\" hỏng"),
                format!("damaged entry \"{name}\""),
            ),
            P::AttachmentDiffers { sha } => lang.pick(
                format!("tệp đính kèm {sha} khác manifest"),
                format!("attachment {sha} differs from the manifest"),
            ),
            P::AttachmentChanged { sha } => lang.pick(
                format!("tệp đính kèm {sha} bị thay đổi (sai SHA-256)"),
                format!("attachment {sha} was changed (SHA-256 mismatch)"),
            ),
            P::RevisionsSizeDiffers => lang
                .pick(
                    "kích thước revisions.jsonl khác manifest",
                    "revisions.jsonl's size differs from the manifest",
                )
                .to_string(),
            P::LineTooLong { line } => lang.pick(
                format!("dòng {line} quá dài hoặc bị cắt"),
                format!("line {line} too long or cut"),
            ),
            P::RevisionUnreadable { line, detail } => lang.pick(
                format!("phiên bản thứ {line} không hợp lệ"),
                format!("revision {line} invalid: {detail}"),
            ),
            P::RevisionRefused { rev, id, reason } => lang.pick(
                format!("phiên bản {rev} của {id}: {}", reason.message(lang)),
                format!("revision {rev} of {id}: {}", reason.message(lang)),
            ),
            P::Revision(p) => p.message(lang),
            P::RevisionsChanged => lang
                .pick(
                    "nội dung revisions.jsonl đã bị thay đổi (sai SHA-256)",
                    "revisions.jsonl was changed (SHA-256 mismatch)",
                )
                .to_string(),
            P::CountDiffers => lang
                .pick(
                    "số phiên bản khác manifest",
                    "revision count differs from the manifest",
                )
                .to_string(),
            P::EntryTooLarge { name } => lang.pick(
                format!("\"{name}\" quá lớn"),
                format!("\"{name}\" too large"),
            ),
            P::EntryDamaged { name } => {
                lang.pick(format!("\"{name}\" hỏng"), format!("\"{name}\" damaged"))
            }
        }
    }
}

/// Why a file cannot be restored.
#[derive(Debug)]
pub enum BackupProblem {
    Empty,
    /// Not SQLite at all, or damaged past reading.
    NotDatabase,
    /// SQLite, but its integrity check fails.
    Damaged,
    /// A database of something else.
    NotKiemtra,
    TooNew {
        found: i64,
        supported: i64,
    },
    /// A Kiểm tra database of another laptop: restoring it would give this laptop that
    /// laptop's identity and keys.
    OtherLaptop {
        name: String,
    },
}

impl Localize for BackupProblem {
    fn message(&self, lang: Lang) -> String {
        use BackupProblem as P;
        match self {
            P::Empty => lang.pick("tệp rỗng (0 byte)", "the file is empty (0 bytes)").to_string(),
            P::NotDatabase => lang
                .pick(
                    "tệp không phải cơ sở dữ liệu hoặc đã hỏng",
                    "the file is not a database, or is damaged",
                )
                .to_string(),
            P::Damaged => lang
                .pick("cơ sở dữ liệu trong tệp bị hỏng", "the database in the file is damaged")
                .to_string(),
            P::NotKiemtra => lang
                .pick(
                    "tệp không phải dữ liệu của Kiểm tra",
                    "the file is not Kiểm tra data",
                )
                .to_string(),
            P::TooNew { found, supported } => lang.pick(
                format!("tệp do phiên bản Kiểm tra mới hơn tạo (lược đồ {found}, phiên bản này hỗ trợ đến {supported})"),
                format!("the file was made by a newer version of Kiểm tra (schema {found}; this version supports up to {supported})"),
            ),
            P::OtherLaptop { name } => lang.pick(
                format!("đây là dữ liệu của máy khác (\"{name}\"), không phải của máy này"),
                format!("it is another laptop's data (\"{name}\"), not this laptop's"),
            ),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a kind of record is called in a sentence; an unknown one by its own name.
fn noun(what: &str, lang: Lang) -> &str {
    let (vi, en) = match what {
        "campaign" => ("đợt kiểm tra", "campaign"),
        "unit" => ("đơn vị", "unit"),
        "visit" => ("buổi kiểm tra", "visit"),
        "finding" => ("kết quả kiểm tra", "finding"),
        "recommendation" => ("kiến nghị", "recommendation"),
        "attachment" => ("tệp đính kèm", "attachment"),
        "criteria_set" => ("bộ tiêu chí", "criteria set"),
        "team" => ("đoàn kiểm tra", "inspection team"),
        "inspector" => ("thành viên đoàn kiểm tra", "inspector"),
        "device" => ("máy", "laptop"),
        "enrolment" => ("ghi danh", "enrolment"),
        "revision" => ("phiên bản", "revision"),
        "file" => ("tệp", "file"),
        "record" => ("bản ghi", "record"),
        "backup" => ("bản sao lưu", "backup"),
        other => (other, other),
    };
    lang.pick(vi, en)
}

/// The engine's errors as this layer's: each the variant it always was, and a record's own
/// refusal (`Entity::validate`) given back as it was made.
impl From<Invalid> for Error {
    fn from(i: Invalid) -> Error {
        Error::Invalid(i)
    }
}

impl From<kiemtra_store::Error> for Error {
    fn from(e: kiemtra_store::Error) -> Error {
        use kiemtra_store::Error as E;
        match e {
            E::SchemaTooNew { found, supported } => Error::SchemaTooNew { found, supported },
            E::NotFound { what, id } => Error::NotFound { what, id },
            E::AmbiguousId { id } => Error::AmbiguousId { id },
            E::BadId(id) => Error::Invalid(Invalid::Uuid(id)),
            E::Empty(field) => Error::Invalid(Invalid::EmptyText(field)),
            E::OtherKind { id, kind } => Error::Invalid(Invalid::OtherKind { id, kind }),
            E::Corrupt(m) => Error::Corrupt(m),
            E::BadRevision(p) => Error::BadRevision(p),
            E::Rejected(inner) => match inner.downcast::<Invalid>() {
                Ok(i) => Error::Invalid(*i),
                Err(other) => match other.downcast::<Error>() {
                    Ok(e) => *e,
                    Err(other) => Error::Corrupt(other.to_string()),
                },
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
            Error::NotAllowed(_) => "not_allowed",
            Error::BundleRefused { .. } => "bundle_refused",
            Error::UnknownLaptop(_) => "unknown_laptop",
            Error::UntrustedOwner(_) => "untrusted_owner",
            Error::RevokedLaptop { .. } => "revoked_laptop",
            Error::BundleTooOld { .. } => "bundle_too_old",
            Error::NotForThisLaptop { .. } => "not_for_this_laptop",
            Error::PassphraseBundle => "passphrase_bundle",
            Error::NoReaders => "no_readers",
            Error::RecoveryKeyExists { .. } => "recovery_key_exists",
            Error::FileExists { .. } => "file_exists",
            Error::BadBackup { .. } => "bad_backup",
            Error::RestoreBusy => "restore_busy",
            Error::Corrupt(_) | Error::BadRevision(_) => "corrupt",
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

    pub fn rule(field: &'static str, rule: kiemtra_domain::Rule) -> Error {
        Error::Invalid(Invalid::rule(field, rule))
    }

    pub fn invalid_field(field: &'static str, reason: impl Into<String>) -> Error {
        Error::Invalid(Invalid::field(field, reason))
    }
}

impl Localize for Error {
    fn message(&self, lang: Lang) -> String {
        match self {
            Error::SchemaTooNew { found, supported } => lang.pick(
format!(
                "Tệp dữ liệu được tạo bởi phiên bản Kiểm tra mới hơn (lược đồ {found}, phiên bản này hỗ trợ đến {supported}). Hãy cập nhật ứng dụng; tệp không bị thay đổi."
            ),
format!(
                "This data file was made by a newer version of Kiểm tra (schema {found}; this version supports up to {supported}). Please update the app; the file was not changed."
            ),
),
            Error::NotFound { what: "file", id } => lang.pick(
format!("Không tìm thấy tệp \"{id}\"."),
format!("File \"{id}\" not found."),
),
            Error::NotFound { what: "backup", id } => lang.pick(
                format!("Không có bản sao lưu \"{id}\" trong danh sách (kiemtra backup list)."),
                format!("No backup \"{id}\" in the list (kiemtra backup list)."),
            ),
            Error::NotFound { what, id } => lang.pick(
{
                format!("Không tìm thấy {} có mã \"{id}\".", noun(what, Lang::Vi))
            },
format!("No {} with id \"{id}\".", noun(what, Lang::En)),
),
            Error::AmbiguousId { id } => lang.pick(
format!(
                "Mã \"{id}\" khớp với nhiều bản ghi; hãy nhập thêm ký tự của mã."
            ),
{
                format!("Id \"{id}\" matches several records; type more characters.")
            },
),
            Error::Invalid(i) => i.message(lang),
            Error::VisitLocked { unit } => lang.pick(
format!(
                "Biên bản kiểm tra tại {unit} đã ký nên không thể sửa. Muốn sửa, hãy mở khóa và ghi rõ lý do."
            ),
format!(
                "The minutes of the visit to {unit} are signed and cannot be changed. Unlock them, giving a reason, to edit."
            ),
),
            Error::SignIncomplete { missing } => {
                // One phrase for all the items, not "tiêu chí bắt buộc" before each.
                let items = missing_items(missing);
                let result = missing.iter().any(|m| m == OVERALL_RESULT);
                let (vi, en) = match (items.len(), result) {
                    (0, _) => ("xếp loại chung".to_string(), "the overall result".to_string()),
                    (n, r) => {
                        let list = items.join(", ");
                        let (and_vi, and_en) = if r {
                            (" và xếp loại chung", " and the overall result")
                        } else {
                            ("", "")
                        };
                        (
                            format!("{n} tiêu chí bắt buộc chưa đánh giá ({list}){and_vi}"),
                            format!("{n} required item(s) not rated ({list}){and_en}"),
                        )
                    }
                };
                lang.pick(
                    format!("Chưa thể ký biên bản: còn thiếu {vi}."),
                    format!("The minutes cannot be signed yet: missing {en}."),
                )
            }
            Error::NotSigned => lang.pick(
"Biên bản chưa ký nên không cần mở khóa.".to_string(),
"The minutes are not signed, so there is nothing to unlock.".to_string(),
),
            Error::DemoExists => lang.pick(
"Dữ liệu mẫu đã có trong tệp này.".to_string(),
"The demo data is already in this file.".to_string(),
),
            Error::NoConflict { id } => lang.pick(
format!("Bản ghi \"{id}\" không có xung đột cần giải quyết."),
format!("Record \"{id}\" has no conflict to resolve."),
),
            Error::BadBundle(p) => lang.pick(
                format!("Gói dữ liệu bị từ chối, không có gì thay đổi: {}", p.message(lang)),
                format!("Bundle refused, nothing changed: {}", p.message(lang)),
            ),
            Error::BadRevision(p) => lang.pick(
                format!("Dữ liệu bị hỏng: {}", p.message(lang)),
                format!("The data is damaged: {}", p.message(lang)),
            ),
            Error::BundleTooNew { format, schema } => lang.pick(
format!(
                "Gói dữ liệu được tạo bởi phiên bản Kiểm tra mới hơn (định dạng {format}, lược đồ {schema}). Hãy cập nhật ứng dụng; không có gì thay đổi."
            ),
format!(
                "The bundle was made by a newer version of Kiểm tra (format {format}, schema {schema}). Please update the app; nothing changed."
            ),
),
            Error::BadSignature => lang.pick(
"Chữ ký của gói dữ liệu không hợp lệ hoặc bị thiếu: gói có thể đã bị sửa. Không có gì thay đổi.".to_string(),
"The bundle's signature is invalid or missing: it may have been altered. Nothing changed.".to_string(),
),
            Error::KeyChanged { device } => lang.pick(
format!(
                "Khóa ký của máy \"{device}\" khác với khóa đã biết: gói bị từ chối, không có gì thay đổi."
            ),
format!(
                "The signing key of device \"{device}\" differs from the known one: bundle refused, nothing changed."
            ),
),
            Error::NotAllowed(v) => lang.pick(
                format!("Không được phép: {}. Không có gì thay đổi.", v.message(lang)),
                format!("Not allowed: {}. Nothing changed.", v.message(lang)),
            ),
            Error::BundleRefused { violations, more } => {
                let mut out = lang.pick(
                    "Gói dữ liệu bị từ chối cả gói, không có gì thay đổi. Các phiên bản vi phạm:",
                    "The bundle was refused whole; nothing changed. Revisions at fault:",
                ).to_string();
                for v in violations {
                    out.push_str("\n  ");
                    out.push_str(&v.message(lang));
                }
                if *more > 0 {
                    out.push_str(&lang.pick(
                        format!("\n  … và {more} phiên bản khác"),
                        format!("\n  … and {more} more"),
                    ));
                }
                out
            }
            Error::UnknownLaptop(s) => {
                let Stranger { device_id, name, people, fingerprint, campaign_id, .. } = &**s;
                let people: Vec<String> = people
                    .iter()
                    .map(|p| if p.position.is_empty() { p.name.clone() } else { format!("{} ({})", p.name, p.position) })
                    .collect();
                let people = if people.is_empty() { "—".to_string() } else { people.join(", ") };
                let campaign = campaign_id.as_deref().unwrap_or("<MÃ_ĐỢT>");
                lang.pick(
                    format!(
                        "Máy \"{name}\" chưa được ghi danh vào đợt kiểm tra nào ở máy này nên chưa nhập gì.\n  Người dùng: {people}\n  Dấu vân tay: {fingerprint}\nHãy đọc so dấu vân tay với máy đó, rồi ghi danh:\n  kiemtra enroll {device_id} --campaign {campaign} --role team --team <MÃ_ĐOÀN>\n(hoặc --role secretariat), rồi nhập lại tệp này."
                    ),
                    format!(
                        "Laptop \"{name}\" is not enrolled in any campaign here, so nothing was imported.\n  People: {people}\n  Fingerprint: {fingerprint}\nCompare the fingerprint with that laptop aloud, then enrol it:\n  kiemtra enroll {device_id} --campaign {campaign} --role team --team <TEAM_ID>\n(or --role secretariat), and import this file again."
                    ),
                )
            }
            Error::UntrustedOwner(s) => {
                let Stranger { device_id, name, fingerprint, campaign_name, campaign_id, .. } = &**s;
                let campaign = campaign_name.as_deref().or(campaign_id.as_deref()).unwrap_or("");
                lang.pick(
                format!(
                    "Đợt kiểm tra \"{campaign}\" thuộc máy \"{name}\" (dấu vân tay {fingerprint}) mà máy này chưa tin cậy và không được máy đó ghi danh; chưa nhập gì. Nếu đúng là máy đó, hãy chạy: kiemtra trust {device_id}"
                ),
                format!(
                    "Campaign \"{campaign}\" belongs to laptop \"{name}\" (fingerprint {fingerprint}), which this laptop does not trust and which has not enrolled it; nothing imported. If it is that laptop, run: kiemtra trust {device_id}"
                ),
            )
            }
            Error::NotForThisLaptop { readers } => {
                let who: Vec<String> = readers.iter().map(|r| r.message(lang)).collect();
                let who = if who.is_empty() { "—".to_string() } else { who.join(", ") };
                lang.pick(
                    format!("Gói dữ liệu này được mã hóa cho máy khác, máy này không mở được; chưa nhập gì. Những máy mở được: {who}. Nếu máy này cần nhận gói, hãy nhờ Ban thư ký ghi danh máy này vào đợt kiểm tra rồi xuất lại gói."),
                    format!("This bundle is encrypted to other laptops; this one cannot open it, nothing was imported. Laptops that can open it: {who}. If this laptop should receive it, have the secretariat enrol it in the campaign and export the bundle again."),
                )
            }
            Error::PassphraseBundle => lang.pick(
                "Tệp được mã hóa bằng mật khẩu chứ không phải bằng khóa của các máy nên không phải gói dữ liệu Kiểm tra; chưa nhập gì.".to_string(),
                "This file is encrypted with a passphrase, not to laptops' keys, so it is not a Kiểm tra bundle; nothing was imported.".to_string(),
            ),
            Error::NoReaders => lang.pick(
                "Chưa có máy nào khác được ghi danh vào đợt kiểm tra này nên ngoài máy này không ai mở được gói. Hãy ghi danh máy nhận trước, hoặc chọn xuất không mã hóa (ai nhặt được USB cũng đọc được).".to_string(),
                "No other laptop is enrolled in this campaign, so nobody but this laptop could open the bundle. Enrol the receiving laptop first, or choose a plain export (anyone who finds the stick can read it).".to_string(),
            ),
            Error::RecoveryKeyExists { created_at } => lang.pick(
                format!("Văn phòng đã có khóa khôi phục (tạo lúc {created_at}); khóa chỉ được tạo một lần. Hãy dùng tệp khóa đã cất giữ."),
                format!("The office already has a recovery key (made {created_at}); it is made once. Use the key file you kept."),
            ),
            Error::FileExists { path } => lang.pick(
                format!("Đã có tệp \"{path}\"; tệp khóa không ghi đè lên tệp khác. Hãy chọn tên tệp mới."),
                format!("\"{path}\" already exists; a key file never overwrites another file. Choose a new file name."),
            ),
            Error::RevokedLaptop { name, reason } => lang.pick(
                format!("Máy \"{name}\" đã bị thu hồi quyền (lý do: {reason}); gói được tạo sau đó bị từ chối, không có gì thay đổi."),
                format!("Laptop \"{name}\" was revoked (reason: {reason}); bundles it made since are refused. Nothing changed."),
            ),
            Error::BundleTooOld { format } => lang.pick(
                format!("Gói dữ liệu theo định dạng cũ ({format}), chưa có chữ ký từng phiên bản. Hãy cập nhật Kiểm tra trên máy đã tạo gói rồi xuất lại; không có gì thay đổi."),
                format!("This bundle is in an old format ({format}) without per-revision signatures. Update Kiểm tra on the laptop that made it and export again; nothing changed."),
            ),
            Error::RestoreBusy => lang.pick(
                "Chưa khôi phục được: một chương trình khác (ví dụ lệnh kiemtra) đang ghi vào dữ liệu. Hãy thử lại khi chương trình đó xong; dữ liệu hiện tại không thay đổi.".to_string(),
                "Not restored: another program (such as the kiemtra command) is writing to the data. Try again once it is done; the current data did not change.".to_string(),
            ),
            Error::BadBackup { file, problem } => lang.pick(
                format!("Không khôi phục từ \"{file}\": {}. Dữ liệu hiện tại không thay đổi.", problem.message(lang)),
                format!("Not restored from \"{file}\": {}. The current data did not change.", problem.message(lang)),
            ),
            Error::Corrupt(d) => lang.pick(
format!("Dữ liệu bị hỏng: {d}"),
format!("The data is damaged: {d}"),
),
            Error::ImportFile(p) => p.message(lang),
            Error::Refused(r) => r.message(lang),
            Error::InBatch { index, error } => lang.pick(
format!(
                "Mục {} của kế hoạch: {} Không có mục nào được ghi.",
                index + 1,
                error.message(Lang::Vi)
            ),
format!(
                "Entry {} of the plan: {} Nothing of the plan was written.",
                index + 1,
                error.message(Lang::En)
            ),
),
            Error::ImportRows(rows) => lang.pick(
rows_message(
                rows,
                Lang::Vi,
                format!("Tệp có {} lỗi ở {} dòng nên không có gì được ghi. Hãy sửa các dòng sau rồi nhập lại, hoặc chỉ nhập các dòng đúng:", rows.len(), bad_lines(rows)),
            ),
rows_message(
                rows,
                Lang::En,
                format!("The file has {} error(s) on {} line(s), so nothing was written. Fix these lines and import again, or import only the good lines:", rows.len(), bad_lines(rows)),
            ),
),
            Error::Db(e) if is_disk_full(e) => lang.pick(
{
                "Ổ đĩa đã đầy; thay đổi chưa được lưu. Hãy giải phóng dung lượng rồi thử lại.".to_string()
            },
{
                "The disk is full; the change was not saved. Free some space and try again."
                    .to_string()
            },
),
            Error::Db(e) => lang.pick(
format!("Lỗi cơ sở dữ liệu: {e}"),
format!("Database error: {e}"),
),
            Error::Io(e) => lang.pick(
format!("Lỗi đọc/ghi tệp: {e}"),
format!("File error: {e}"),
),
            Error::Json(e) => lang.pick(
format!("Dữ liệu JSON không hợp lệ: {e}"),
format!("Invalid JSON data: {e}"),
),
        }
    }
}

fn bad_lines(rows: &[kiemtra_domain::unit_sheet::RowError]) -> usize {
    rows.iter()
        .map(|r| r.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The summary, then one row error a line, so the clerk can work down the list.
fn rows_message(rows: &[kiemtra_domain::unit_sheet::RowError], lang: Lang, head: String) -> String {
    let mut out = head;
    for r in rows {
        out.push_str("\n  ");
        out.push_str(&r.message(lang));
    }
    out
}

fn is_disk_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull)
}

/// What crosses to the UI or a script: `{code, message}`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    /// The checklist items the message is about (what signing still needs), so a screen
    /// can link to each. Left out when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// What `SignIncomplete` names besides checklist items.
const OVERALL_RESULT: &str = "overall_result";

/// The checklist items among what signing still needs.
fn missing_items(missing: &[String]) -> Vec<String> {
    missing
        .iter()
        .filter(|m| *m != OVERALL_RESULT)
        .cloned()
        .collect()
}

impl Error {
    pub fn payload(&self, lang: Lang) -> ErrorPayload {
        let items = match self {
            Error::SignIncomplete { missing } => missing_items(missing),
            _ => Vec::new(),
        };
        ErrorPayload {
            code: self.code().to_string(),
            message: self.message(lang),
            items,
        }
    }
}

impl fmt::Display for ErrorPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
