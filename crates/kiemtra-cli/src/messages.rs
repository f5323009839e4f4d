//! Every text the command prints, as typed messages: each variant carries what it shows and
//! keeps its Vietnamese and English side by side. Commands build a message and call
//! `.message(lang)`; nothing outside this catalog chooses a language. Confirmations, the
//! longest list, are in `done`.

use clap::error::ErrorKind;
use kiemtra_core::search::Place;
use kiemtra_core::units::import::{RowAction, UnitImportPlan};
use kiemtra_core::{Lang, Localize};

mod done;
pub use done::Done;

/// Words shown before a value ("Chủ đề: …") or beside one.
#[derive(Clone, Copy)]
pub enum Label {
    Error,
    Usage,
    Database,
    Device,
    ThisLaptop,
    // A campaign.
    Theme,
    Dates,
    Decision,
    // Units.
    Until,
    NoTeamYet,
    NotPlanned,
    // A criteria set.
    Version,
    PassFail,
    Points,
    // A visit.
    Date,
    Status,
    Progress,
    Items,
    Team,
    Note,
    Explanation,
    UnitReport,
    Difficulties,
    Strengths,
    Shortcomings,
    Assessment,
    OverallResult,
    Recommendations,
    // A record's history.
    Time,
    Parents,
    Deleted,
    // Bundles and conflicts.
    Preview,
    Imported,
    SignedBy,
    UnknownDevice,
    CreatedAt,
    Shown,
    BeforeEdits,
    // A unit file.
    HeaderOnLine,
    Notice,
    Line,
    Total,
    Skipped,
    Action(RowAction),
    // The integrity check.
    Broken,
    /// A revision stamped further ahead than this laptop's clock may be moved.
    ClockAhead,
    // Laptops and people.
    People,
    Fingerprint,
    Owner,
    Trusted,
    NotEnrolled,
    RevokedBecause,
    Unsigned,
}

impl Localize for Label {
    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Label::Error => ("Lỗi", "Error"),
            Label::Usage => ("Cách dùng", "Usage"),
            Label::Database => ("Cơ sở dữ liệu", "Database"),
            Label::Device => ("Máy", "Device"),
            Label::ThisLaptop => ("máy này", "this laptop"),
            Label::People => ("Người dùng", "People"),
            Label::Fingerprint => ("Dấu vân tay", "Fingerprint"),
            Label::Owner => ("máy tạo đợt (toàn quyền)", "campaign owner (all)"),
            Label::Trusted => ("được tin cậy", "trusted"),
            Label::NotEnrolled => ("chưa ghi danh đợt nào", "not enrolled anywhere"),
            Label::RevokedBecause => ("đã thu hồi, lý do", "revoked, reason"),
            Label::Unsigned => (
                "phiên bản của máy khác từ trước khi có chữ ký (không xác minh được)",
                "other laptops' revisions from before signatures (not verifiable)",
            ),
            Label::Theme => ("Chủ đề", "Theme"),
            Label::Dates => ("Thời gian", "Dates"),
            Label::Decision => ("Quyết định", "Decision"),
            Label::Until => ("đến", "until"),
            Label::NoTeamYet => ("chưa giao đoàn", "no team yet"),
            Label::NotPlanned => ("chưa lên kế hoạch", "not planned"),
            Label::Version => ("phiên bản", "version"),
            Label::PassFail => ("Đạt/Chưa đạt", "met/not met"),
            Label::Points => ("điểm", "points"),
            Label::Date => ("Ngày", "Date"),
            Label::Status => ("Trạng thái", "Status"),
            Label::Progress => ("Tiến độ", "Progress"),
            Label::Items => ("mục", "items"),
            Label::Team => ("Đoàn kiểm tra", "Team"),
            Label::Note => ("Ghi nhận", "Note"),
            Label::Explanation => ("Giải trình", "Explanation"),
            Label::UnitReport => ("Báo cáo của đơn vị", "Unit's report"),
            Label::Difficulties => ("Khó khăn, hạn chế", "Difficulties"),
            Label::Strengths => ("Ưu điểm", "Strengths"),
            Label::Shortcomings => ("Tồn tại, bất cập", "Shortcomings"),
            Label::Assessment => ("Nhận xét chung", "Overall assessment"),
            Label::OverallResult => ("Xếp loại", "Overall result"),
            Label::Recommendations => ("Đề xuất, kiến nghị", "Recommendations"),
            Label::Time => ("Thời điểm", "Time"),
            Label::Parents => ("Phiên bản trước", "Parents"),
            Label::Deleted => ("Đã xoá", "Deleted"),
            Label::ClockAhead => (
                "đồng hồ máy tạo chạy trước",
                "made on a clock running ahead",
            ),
            Label::Preview => ("Xem trước", "Preview"),
            Label::Imported => ("Đã nhập", "Imported"),
            Label::SignedBy => ("Người ký", "Signed by"),
            Label::UnknownDevice => (
                "lần đầu nhận gói từ máy này",
                "first bundle from this laptop",
            ),
            Label::CreatedAt => ("Tạo lúc", "Created"),
            Label::Shown => ("đang hiển thị", "shown"),
            Label::BeforeEdits => ("trước khi sửa", "before the edits"),
            Label::HeaderOnLine => ("tiêu đề ở dòng", "header on line"),
            Label::Notice => ("Lưu ý", "Note"),
            Label::Line => ("dòng", "line"),
            Label::Total => ("Tổng cộng", "Total"),
            Label::Skipped => ("Bỏ qua", "Skipped"),
            Label::Action(RowAction::Create) => ("thêm mới", "create"),
            Label::Action(RowAction::Update) => ("cập nhật", "update"),
            Label::Action(RowAction::Unchanged) => ("không đổi", "unchanged"),
            Label::Action(RowAction::Bad) => ("LỖI", "ERROR"),
            Label::Action(RowAction::NotUnit) => ("không phải đơn vị", "not a unit"),
            Label::Broken => ("Dữ liệu có lỗi", "The database has problems"),
        };
        lang.pick(vi, en).to_string()
    }
}

/// What a list says when it has nothing in it.
#[derive(Clone, Copy)]
pub enum Empty {
    Campaigns,
    Units,
    Teams,
    Visits,
    Conflicts,
    CriteriaCode,
    Backups,
}

impl Localize for Empty {
    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Empty::Campaigns => ("Chưa có đợt kiểm tra nào.", "No campaigns yet."),
            Empty::Units => ("Chưa có đơn vị nào.", "No units yet."),
            Empty::Teams => (
                "Đợt này chưa có đoàn nào.",
                "No teams in this campaign yet.",
            ),
            Empty::Visits => ("Chưa có buổi kiểm tra nào.", "No visits yet."),
            Empty::Conflicts => ("Không có xung đột.", "No conflicts."),
            Empty::Backups => (
                "Chưa có bản sao lưu nào. Bản sao lưu được tạo trước mỗi lần nhập dữ liệu.",
                "No backups yet. One is made before every import.",
            ),
            Empty::CriteriaCode => (
                "Không có bộ tiêu chí với mã này.",
                "No criteria set with this code.",
            ),
        };
        lang.pick(vi, en).to_string()
    }
}

/// Lines that count things: a list's footer, a summary of what was found or done.
#[derive(Clone, Copy)]
pub enum Tally {
    Campaign {
        units: usize,
        visits: usize,
        planned: usize,
        in_progress: usize,
        completed: usize,
        signed: usize,
    },
    Units(usize),
    UnitStates {
        units: usize,
        unplanned: usize,
    },
    VisitedUnits(usize),
    Criteria {
        topics: usize,
        items: usize,
    },
    CriteriaVersionUse(usize),
    History(usize),
    /// New revisions of a bundle stamped far ahead of this laptop's clock.
    ClockAhead(u64),
    Bundle {
        revisions: u64,
        new: u64,
        known: u64,
        conflicts: u64,
    },
    UnitFile {
        create: usize,
        update: usize,
        unchanged: usize,
        bad: usize,
    },
    Sound {
        records: usize,
        revisions: usize,
        conflicts: usize,
    },
    NotFinal(usize),
}

impl Localize for Tally {
    fn message(&self, lang: Lang) -> String {
        match *self {
            Tally::Campaign {
                units,
                visits,
                planned,
                in_progress,
                completed,
                signed,
            } => lang.pick(
                format!(
                    "{units} đơn vị, {visits} buổi kiểm tra: {planned} kế hoạch · \
                     {in_progress} đang kiểm tra · {completed} hoàn thành · {signed} đã ký"
                ),
                format!(
                    "{units} units, {visits} visits: {planned} planned · \
                     {in_progress} in progress · {completed} completed · {signed} signed"
                ),
            ),
            Tally::Units(n) => lang.pick(format!("{n} đơn vị"), format!("{n} units")),
            Tally::UnitStates { units, unplanned } => lang.pick(
                format!("{units} đơn vị, {unplanned} chưa lên kế hoạch"),
                format!("{units} units, {unplanned} not planned"),
            ),
            Tally::VisitedUnits(n) => lang.pick(
                format!("{n} đơn vị có buổi kiểm tra (--all: mọi đơn vị, cả đơn vị chưa lên kế hoạch)"),
                format!("{n} units with a visit (--all: every unit, planned or not)"),
            ),
            Tally::Criteria { topics, items } => lang.pick(
                format!("{topics} nội dung, {items} tiêu chí (* bắt buộc)"),
                format!("{topics} topics, {items} items (* required)"),
            ),
            Tally::CriteriaVersionUse(n) => lang.pick(
                format!("{n} buổi kiểm tra dùng"),
                format!("{n} visit(s) use it"),
            ),
            Tally::ClockAhead(n) => lang.pick(
                format!("{n} phiên bản mang thời điểm vượt quá đồng hồ máy này hơn một ngày (đồng hồ máy tạo chạy trước); vẫn nhận, không làm lệch đồng hồ máy này"),
                format!("{n} revision(s) stamped more than a day past this laptop's clock (their maker's clock runs ahead); taken in, this laptop's clock is not moved"),
            ),
            Tally::History(n) => lang.pick(
                format!("{n} phiên bản (* hiện hành)"),
                format!("{n} revisions (* current)"),
            ),
            Tally::Bundle {
                revisions,
                new,
                known,
                conflicts,
            } => lang.pick(
                format!("{revisions} phiên bản: {new} mới, {known} đã có, {conflicts} xung đột"),
                format!(
                    "{revisions} revisions: {new} new, {known} already known, \
                     {conflicts} in conflict"
                ),
            ),
            Tally::UnitFile {
                create,
                update,
                unchanged,
                bad,
            } => {
                let counts = [
                    (create, RowAction::Create),
                    (update, RowAction::Update),
                    (unchanged, RowAction::Unchanged),
                ]
                .map(|(n, a)| format!("{n} {}", Label::Action(a).message(lang)))
                .join(", ");
                let bad = match bad {
                    0 => String::new(),
                    n => lang.pick(format!(", {n} dòng lỗi"), format!(", {n} bad lines")),
                };
                format!("{}: {counts}{bad}", Label::Total.message(lang))
            }
            Tally::Sound {
                records,
                revisions,
                conflicts,
            } => lang.pick(
                format!(
                    "Dữ liệu toàn vẹn ({records} bản ghi, {revisions} phiên bản, \
                     {conflicts} xung đột)"
                ),
                format!(
                    "Database is sound ({records} records, {revisions} revisions, \
                     {conflicts} conflicts)"
                ),
            ),
            Tally::NotFinal(n) => lang.pick(
                format!("Cảnh báo: số liệu chưa hoàn chỉnh, văn bản mang dấu DỰ THẢO ({n}):"),
                format!("Warning: data not final, the document is marked DỰ THẢO (draft) ({n}):"),
            ),
        }
    }
}

/// Why the command line was not understood (clap's own detail, in English, follows).
pub enum Usage {
    Wrong(ErrorKind),
    NothingToSearch,
}

impl Localize for Usage {
    fn message(&self, lang: Lang) -> String {
        use ErrorKind::*;
        let (vi, en) = match self {
            Usage::Wrong(UnknownArgument) => ("Tham số không được hỗ trợ", "Unsupported argument"),
            Usage::Wrong(InvalidSubcommand) => ("Lệnh không tồn tại", "No such command"),
            Usage::Wrong(MissingRequiredArgument) => {
                ("Thiếu tham số bắt buộc", "A required argument is missing")
            }
            Usage::Wrong(MissingSubcommand) => ("Thiếu lệnh con", "A subcommand is missing"),
            Usage::Wrong(ArgumentConflict) => (
                "Các tham số không dùng cùng nhau được",
                "These arguments cannot be used together",
            ),
            Usage::Wrong(InvalidValue | ValueValidation) => {
                ("Giá trị tham số không hợp lệ", "Invalid argument value")
            }
            Usage::Wrong(_) => ("Cách dùng không đúng", "Wrong usage"),
            Usage::NothingToSearch => ("Thiếu từ khóa tìm kiếm", "Nothing to search for"),
        };
        lang.pick(vi, en).to_string()
    }
}

/// The parts of a search result: what was found, in which field, and where it lives.
pub enum Search<'a> {
    Found { count: usize, query: &'a str },
    NothingFound { query: &'a str },
    Kind(&'a str),
    Field(&'a str),
    Place(&'a Place),
}

impl Localize for Search<'_> {
    fn message(&self, lang: Lang) -> String {
        match *self {
            Search::Found { count, query } => lang.pick(
                format!("{count} kết quả cho \"{query}\":"),
                format!("{count} results for \"{query}\":"),
            ),
            Search::NothingFound { query } => lang.pick(
                format!("Không tìm thấy kết quả nào cho \"{query}\"."),
                format!("Nothing found for \"{query}\"."),
            ),
            Search::Kind(kind) => match kind {
                "campaign" => lang.pick("Đợt kiểm tra", "Campaign"),
                "unit" => lang.pick("Đơn vị", "Unit"),
                "visit" => lang.pick("Buổi kiểm tra", "Visit"),
                "finding" => lang.pick("Kết quả kiểm tra", "Finding"),
                "recommendation" => lang.pick("Kiến nghị", "Recommendation"),
                other => other,
            }
            .to_string(),
            Search::Field(field) => match field {
                "name" => lang.pick("tên", "name"),
                "short_name" => lang.pick("tên viết tắt", "short name"),
                "code" => lang.pick("mã", "code"),
                "theme" => lang.pick("chủ đề", "theme"),
                "report_summary" => lang.pick("tóm tắt báo cáo", "report summary"),
                "difficulties" => lang.pick("khó khăn", "difficulties"),
                "strengths" => lang.pick("ưu điểm", "strengths"),
                "shortcomings" => lang.pick("hạn chế", "shortcomings"),
                "assessment" => lang.pick("nhận xét chung", "assessment"),
                "note" => lang.pick("ghi chú", "note"),
                "explanation" => lang.pick("giải trình", "explanation"),
                "item_title" => lang.pick("tiêu chí", "item"),
                "text" => lang.pick("nội dung", "text"),
                other => other,
            }
            .to_string(),
            Search::Place(place) => match place {
                Place::Campaign { campaign_id } => lang.pick(
                    format!("đợt kiểm tra {campaign_id}"),
                    format!("campaign {campaign_id}"),
                ),
                Place::Unit { unit_id } => {
                    lang.pick(format!("đơn vị {unit_id}"), format!("unit {unit_id}"))
                }
                Place::Visit {
                    visit_id,
                    item_code: Some(code),
                } => lang.pick(
                    format!("buổi kiểm tra {visit_id}, tiêu chí {code}"),
                    format!("visit {visit_id}, item {code}"),
                ),
                Place::Visit { visit_id, .. } => lang.pick(
                    format!("buổi kiểm tra {visit_id}"),
                    format!("visit {visit_id}"),
                ),
            },
        }
    }
}

/// Who can read a bundle: the line under an export and in an import's report.
pub enum Reading<'a> {
    Encrypted(&'a [String]),
    Plain,
    Introduction,
    /// Laptops of the campaign that cannot open it yet.
    WithoutKey(&'a [String]),
}

impl Localize for Reading<'_> {
    fn message(&self, lang: Lang) -> String {
        match self {
            Reading::Encrypted(names) => {
                let names = names.join(", ");
                lang.pick(
                    format!("Đã mã hóa; chỉ những máy sau mở được: {names}"),
                    format!("Encrypted; only these can open it: {names}"),
                )
            }
            Reading::Plain => lang
                .pick(
                    "Không mã hóa: ai có tệp cũng đọc được",
                    "Not encrypted: anyone with the file can read it",
                )
                .to_string(),
            Reading::Introduction => lang
                .pick(
                    "Gói giới thiệu máy (chỉ tên máy, người dùng và khóa công khai, không có dữ liệu kiểm tra), không mã hóa: gửi Ban thư ký để ghi danh máy này",
                    "An introduction of this laptop (its name, people and public keys, no inspection data), not encrypted: give it to the secretariat to enrol this laptop",
                )
                .to_string(),
            Reading::WithoutKey(names) => {
                let names = names.join(", ");
                lang.pick(
                    format!("Chưa mở được vì máy này chưa biết khóa mã hóa của chúng: {names} (cần cập nhật ứng dụng ở máy đó rồi gửi lại một gói)"),
                    format!("Cannot open it yet, their encryption key is not known here: {names} (update the app there and have it send a bundle)"),
                )
            }
        }
    }
}

/// Whether the office has a recovery key, and what it reads.
pub struct RecoveryState<'a>(pub Option<&'a kiemtra_core::trust::RecoveryKey>);

impl Localize for RecoveryState<'_> {
    fn message(&self, lang: Lang) -> String {
        match self.0 {
            Some(k) => lang.pick(
                format!(
                    "Khóa khôi phục tạo lúc {}, đọc được gói của {} đợt kiểm tra. Khóa công khai: {}",
                    k.created_at, k.campaigns, k.recipient
                ),
                format!(
                    "Recovery key made {}, reads the bundles of {} campaign(s). Public key: {}",
                    k.created_at, k.campaigns, k.recipient
                ),
            ),
            None => lang
                .pick(
                    "Văn phòng chưa có khóa khôi phục (kiemtra recovery-key create --out TỆP).",
                    "The office has no recovery key yet (kiemtra recovery-key create --out FILE).",
                )
                .to_string(),
        }
    }
}

/// The lines of a unit file left out as no unit (a total, notes, signatures), each with why,
/// and how to keep one.
pub struct NotUnitsLeftOut<'a>(pub &'a UnitImportPlan);

impl Localize for NotUnitsLeftOut<'_> {
    fn message(&self, lang: Lang) -> String {
        let lines: Vec<String> = self
            .0
            .rows
            .iter()
            .filter(|r| r.action == RowAction::NotUnit)
            .filter_map(|r| {
                let why = r.not_unit.as_ref()?.kind.message(lang);
                Some(lang.pick(
                    format!("dòng {} ({why})", r.line),
                    format!("line {} ({why})", r.line),
                ))
            })
            .collect();
        let (n, lines) = (lines.len(), lines.join(", "));
        lang.pick(
            format!(
                "Bỏ qua {n} dòng không phải đơn vị: {lines}. Để nhập một dòng như đơn vị, thêm --keep-line SỐ_DÒNG."
            ),
            format!(
                "Left out {n} line(s) that are not units: {lines}. To import one as a unit, add --keep-line LINE."
            ),
        )
    }
}

/// A file's size in plain units, with the language's decimal mark: "2,4 MB" / "2.4 MB".
pub struct Size(pub u64);

impl Localize for Size {
    fn message(&self, lang: Lang) -> String {
        let units = ["B", "KB", "MB", "GB"];
        let mut v = self.0 as f64;
        let mut i = 0;
        while v >= 1024.0 && i < units.len() - 1 {
            v /= 1024.0;
            i += 1;
        }
        let n = if i == 0 || v >= 100.0 {
            format!("{v:.0}")
        } else {
            // "88 KB", not "88.0 KB".
            let t = format!("{v:.1}");
            t.strip_suffix(".0").map(str::to_string).unwrap_or(t)
        };
        let n = lang.pick(n.replace('.', ","), n);
        format!("{n} {}", units[i])
    }
}

/// A backup made before reasons were written beside backups.
pub struct UnknownReason;

impl Localize for UnknownReason {
    fn message(&self, lang: Lang) -> String {
        lang.pick("(không rõ lý do)", "(reason unknown)")
            .to_string()
    }
}
