//! Confirmations: what a command did, with what it touched.

use std::path::Path;

use chrono::NaiveDate;
use kiemtra_core::dates::dmy;
use kiemtra_core::{Lang, Localize};

use crate::output::date;

/// What a command did, as it confirms it.
pub enum Done<'a> {
    DemoLoaded {
        campaign: &'a str,
    },
    Enrolled {
        device: &'a str,
        campaign: &'a str,
        role: &'a str,
    },
    Revoked {
        device: &'a str,
        campaign: &'a str,
    },
    Trusted {
        device: &'a str,
        trusted: bool,
    },
    CampaignCreated {
        name: &'a str,
        year: i32,
        id: &'a str,
    },
    CampaignUpdated {
        name: &'a str,
        id: &'a str,
    },
    TeamCreated {
        name: &'a str,
        id: &'a str,
    },
    TeamDeleted {
        id: &'a str,
    },
    UnitAdded {
        name: &'a str,
        id: &'a str,
    },
    UnitUpdated {
        name: &'a str,
        id: &'a str,
    },
    UnitMoved {
        name: &'a str,
        id: &'a str,
    },
    UnitsMerged {
        merged: usize,
        into: &'a str,
        last_day: NaiveDate,
        moved: usize,
    },
    UnitDissolved {
        name: &'a str,
        last_day: NaiveDate,
    },
    VisitPlanned {
        unit: &'a str,
        date: Option<NaiveDate>,
        id: &'a str,
    },
    VisitRescheduled {
        date: Option<NaiveDate>,
        id: &'a str,
    },
    VisitCancelled {
        id: &'a str,
    },
    MinutesSigned {
        id: &'a str,
    },
    MinutesUnlocked {
        id: &'a str,
        reason: &'a str,
    },
    SignedTextKept {
        restored: usize,
    },
    CriteriaCreated {
        code: &'a str,
        id: &'a str,
    },
    CriteriaNewVersion {
        version: u32,
        id: &'a str,
        campaigns: usize,
        visits: usize,
    },
    CriteriaCopied {
        code: &'a str,
        id: &'a str,
        campaigns: usize,
        visits: usize,
    },
    CriteriaSavedInPlace {
        version: u32,
        id: &'a str,
    },
    FindingSaved {
        id: &'a str,
        rev: &'a str,
    },
    RecommendationAdded {
        id: &'a str,
        rev: &'a str,
    },
    Attached {
        file: &'a str,
        mime: &'a str,
        kb: u64,
        id: &'a str,
    },
    BundleWritten {
        path: &'a Path,
        revisions: u64,
        records: u64,
        kb: u64,
    },
    BackedUp {
        path: &'a Path,
    },
    /// The state a restore replaces, backed up first.
    BackedUpBeforeRestore {
        path: &'a Path,
    },
    Restored {
        name: &'a str,
        at: &'a str,
        /// What `kiemtra backup restore` takes to undo it.
        undo: &'a str,
    },
    IdentityWritten {
        path: &'a Path,
        recipient: &'a str,
    },
    RecoveryKeyWritten {
        path: &'a Path,
        campaigns: usize,
    },
    ConflictResolved {
        id: &'a str,
        rev: &'a str,
    },
    Written {
        path: &'a Path,
        kb: usize,
    },
}

impl Localize for Done<'_> {
    fn message(&self, lang: Lang) -> String {
        match *self {
            Done::DemoLoaded { campaign } => lang.pick(
                format!("Đã nạp dữ liệu mẫu: đợt kiểm tra {campaign}"),
                format!("Demo data loaded: campaign {campaign}"),
            ),
            Done::Enrolled { device, campaign, role } => lang.pick(
                format!("Đã ghi danh máy \"{device}\" vào đợt {campaign}: {role}. Gửi gói của đợt cho máy đó; gói của máy đó giờ nhập được."),
                format!("Enrolled laptop \"{device}\" in campaign {campaign}: {role}. Send it the campaign's bundle; its bundles now import."),
            ),
            Done::Revoked { device, campaign } => lang.pick(
                format!("Đã thu hồi quyền của máy \"{device}\" trong đợt {campaign}; gói nó tạo từ nay bị từ chối."),
                format!("Revoked laptop \"{device}\" in campaign {campaign}; bundles it makes from now on are refused."),
            ),
            Done::Trusted { device, trusted: true } => lang.pick(
                format!("Đã tin cậy máy \"{device}\": các đợt kiểm tra của máy này được nhận."),
                format!("Laptop \"{device}\" is trusted: its campaigns are accepted."),
            ),
            Done::Trusted { device, trusted: false } => lang.pick(
                format!("Đã thôi tin cậy máy \"{device}\"."),
                format!("Laptop \"{device}\" is no longer trusted."),
            ),
            Done::CampaignCreated { name, year, id } => lang.pick(
                format!("Đã tạo đợt kiểm tra {name} ({year}) — {id}"),
                format!("Campaign created: {name} ({year}) — {id}"),
            ),
            Done::CampaignUpdated { name, id } => lang.pick(
                format!("Đã sửa đợt kiểm tra {name} ({id})"),
                format!("Campaign updated: {name} ({id})"),
            ),
            Done::TeamCreated { name, id } => lang.pick(
                format!("Đã tạo đoàn kiểm tra {name} ({id})"),
                format!("Team created: {name} ({id})"),
            ),
            Done::TeamDeleted { id } => lang.pick(
                format!("Đã xóa đoàn kiểm tra {id}"),
                format!("Team deleted: {id}"),
            ),
            Done::UnitAdded { name, id } => lang.pick(
                format!("Đã thêm đơn vị {name} ({id})"),
                format!("Unit added: {name} ({id})"),
            ),
            Done::UnitUpdated { name, id } => lang.pick(
                format!("Đã sửa đơn vị {name} ({id})"),
                format!("Unit updated: {name} ({id})"),
            ),
            Done::UnitMoved { name, id } => lang.pick(
                format!("Đã chuyển đơn vị {name} ({id})"),
                format!("Unit moved: {name} ({id})"),
            ),
            Done::UnitsMerged {
                merged,
                into,
                last_day,
                moved,
            } => {
                let last_day = dmy(last_day);
                lang.pick(
                    format!(
                        "Đã sáp nhập {merged} đơn vị vào \"{into}\" (hoạt động đến {last_day}); \
                         {moved} đơn vị trực thuộc đã chuyển sang"
                    ),
                    format!(
                        "Merged {merged} unit(s) into \"{into}\" (existing until {last_day}); \
                         {moved} sub-unit(s) moved under it"
                    ),
                )
            }
            Done::UnitDissolved { name, last_day } => {
                let last_day = dmy(last_day);
                lang.pick(
                    format!("Đã giải thể đơn vị {name} (hoạt động đến {last_day})"),
                    format!("Unit dissolved: {name} (existing until {last_day})"),
                )
            }
            Done::VisitPlanned {
                unit,
                date: day,
                id,
            } => {
                let day = date(day);
                lang.pick(
                    format!("Đã lên kế hoạch kiểm tra {unit}, ngày {day} ({id})"),
                    format!("Visit planned: {unit}, on {day} ({id})"),
                )
            }
            Done::VisitRescheduled { date: day, id } => {
                let day = date(day);
                lang.pick(
                    format!("Đã đổi lịch buổi kiểm tra, ngày {day} ({id})"),
                    format!("Visit rescheduled to {day} ({id})"),
                )
            }
            Done::VisitCancelled { id } => lang.pick(
                format!("Đã hủy buổi kiểm tra {id}"),
                format!("Visit cancelled: {id}"),
            ),
            Done::MinutesSigned { id } => lang.pick(
                format!("Đã ký biên bản {id}"),
                format!("Minutes signed {id}"),
            ),
            Done::SignedTextKept { restored } => lang.pick(
                format!("Đã giữ nội dung đã ký: {restored} nội dung được đưa về như lúc ký"),
                format!("Signed text kept: {restored} record(s) back as signed"),
            ),
            Done::MinutesUnlocked { id, reason } => lang.pick(
                format!("Đã mở khóa biên bản {id} (lý do: {reason})"),
                format!("Minutes unlocked {id} (reason: {reason})"),
            ),
            Done::CriteriaCreated { code, id } => lang.pick(
                format!("Đã tạo bộ tiêu chí mới {code} ({id})"),
                format!("New criteria set created: {code} ({id})"),
            ),
            Done::CriteriaNewVersion {
                version,
                id,
                campaigns,
                visits,
            } => lang.pick(
                format!(
                    "Bộ tiêu chí đang được dùng nên đã tạo phiên bản mới {version} ({id}). \
                     Các buổi kiểm tra đã đánh giá giữ phiên bản cũ; {campaigns} đợt kiểm tra \
                     chuyển sang phiên bản mới, cùng {visits} buổi chưa đánh giá của các đợt đó."
                ),
                format!(
                    "The set is in use, so a new version was made: {version} ({id}). Visits \
                     already rated keep their version; {campaigns} campaign(s) moved to the new \
                     one, with {visits} of their visits not rated yet."
                ),
            ),
            Done::CriteriaCopied {
                code,
                id,
                campaigns,
                visits,
            } => lang.pick(
                format!(
                    "Đã tạo bộ tiêu chí mới {code} ({id}) từ bản sao; {campaigns} đợt kiểm tra \
                     dùng bộ mới, cùng {visits} buổi chưa đánh giá."
                ),
                format!(
                    "New criteria set {code} ({id}) made from a copy; {campaigns} campaign(s) \
                     use it, with {visits} visit(s) not rated yet."
                ),
            ),
            Done::CriteriaSavedInPlace { version, id } => lang.pick(
                format!(
                    "Đã lưu bộ tiêu chí (chưa buổi kiểm tra nào dùng), phiên bản {version} ({id})"
                ),
                format!("Criteria set saved in place (no visit uses it), version {version} ({id})"),
            ),
            Done::FindingSaved { id, rev } => lang.pick(
                format!("Đã lưu kết quả {id} ({rev})"),
                format!("Finding saved {id} ({rev})"),
            ),
            Done::RecommendationAdded { id, rev } => lang.pick(
                format!("Đã thêm kiến nghị {id} ({rev})"),
                format!("Recommendation added {id} ({rev})"),
            ),
            Done::Attached { file, mime, kb, id } => lang.pick(
                format!("Đã đính kèm {file} ({mime}, {kb} KB) → {id}"),
                format!("Attached {file} ({mime}, {kb} KB) → {id}"),
            ),
            Done::IdentityWritten { path, recipient } => {
                let path = path.display();
                lang.pick(
                    format!("Đã ghi khóa giải mã của máy này vào {path} (chỉ người dùng máy đọc được tệp). Mở gói không cần ứng dụng: age -d -i {path} goi.kiemtra > goi.zip, rồi giải nén. Khóa công khai: {recipient}"),
                    format!("This laptop's decryption key written to {path} (readable by its owner only). Open a bundle without the app: age -d -i {path} bundle.kiemtra > bundle.zip, then unzip. Public key: {recipient}"),
                )
            }
            Done::RecoveryKeyWritten { path, campaigns } => {
                let path = path.display();
                lang.pick(
                    format!("Đã tạo khóa khôi phục và ghi vào {path}. Hãy in tệp này hoặc chép sang một USB riêng, cất nơi an toàn rồi xóa khỏi máy: ai có tệp này đọc được mọi gói của văn phòng. Khóa được thêm vào {campaigns} đợt kiểm tra; từ nay mọi gói của các đợt này đều mở được bằng nó."),
                    format!("Recovery key made and written to {path}. Print it or copy it to a separate USB stick, keep it somewhere safe, then delete it from this laptop: whoever holds it reads every bundle of the office. Added to {campaigns} campaign(s); from now on every bundle of them opens with it."),
                )
            }
            Done::BundleWritten {
                path,
                revisions,
                records,
                kb,
            } => {
                let path = path.display();
                lang.pick(
                    format!(
                        "Đã xuất gói {path} ({revisions} phiên bản, {records} bản ghi, {kb} KB)"
                    ),
                    format!(
                        "Bundle written {path} ({revisions} revisions, {records} records, {kb} KB)"
                    ),
                )
            }
            Done::BackedUp { path } => {
                let path = path.display();
                lang.pick(
                    format!("Đã sao lưu trước khi nhập: {path}"),
                    format!("Backed up before import: {path}"),
                )
            }
            Done::BackedUpBeforeRestore { path } => {
                let path = path.display();
                lang.pick(
                    format!("Đã sao lưu dữ liệu hiện tại trước khi khôi phục: {path}"),
                    format!("Backed up the current data before restoring: {path}"),
                )
            }
            Done::Restored { name, at, undo } => lang.pick(
                format!("Đã khôi phục bản sao lưu {name} (lúc {at}). Muốn hoàn tác, chạy: kiemtra backup restore {undo}"),
                format!("Restored the backup {name} (of {at}). To undo, run: kiemtra backup restore {undo}"),
            ),
            Done::ConflictResolved { id, rev } => lang.pick(
                format!("Đã giải quyết xung đột {id} ({rev})"),
                format!("Conflict resolved {id} ({rev})"),
            ),
            Done::Written { path, kb } => {
                let path = path.display();
                lang.pick(
                    format!("Đã ghi {path} ({kb} KB)"),
                    format!("Written {path} ({kb} KB)"),
                )
            }
        }
    }
}
