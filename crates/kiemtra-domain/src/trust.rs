//! Who wrote what and who may write it (TRUST.md): the records that travel for it (a
//! laptop's own card, an enrolment into a campaign) and the words for every way a revision
//! can break the table of who may write what.

use serde::{Deserialize, Serialize};

use crate::invalid::Invalid;
use crate::lang::{Lang, Localize};
use kiemtra_store::Record as Entity;

type Result<T> = std::result::Result<T, Invalid>;

/// Someone who uses a laptop, as the minutes name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Person {
    pub name: String,
    #[serde(default)]
    pub position: String,
}

/// A laptop as it describes itself: its name, its signing key and its people. The record id
/// is the device id, and only that laptop writes it (signed by the key it names), so a card
/// relayed through other laptops still says who the key belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceCard {
    pub name: String,
    pub public_key: String,
    #[serde(default)]
    pub people: Vec<Person>,
    /// The age recipient (X25519, "age1…") bundles are encrypted to for this laptop; empty
    /// on cards written before bundles were encrypted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub age_recipient: String,
}

impl Entity for DeviceCard {
    const KIND: &'static str = "device";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Invalid::EmptyText("device_name"));
        }
        let hex = self.public_key.len() == 64
            && self
                .public_key
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(Invalid::field("public_key", self.public_key.clone()));
        }
        for p in &self.people {
            if p.name.trim().is_empty() {
                return Err(Invalid::EmptyText("name"));
            }
        }
        check_recipient(&self.age_recipient)
    }
}

/// An age X25519 recipient as its text reads ("age1" and 58 bech32 characters), or none.
/// Whether it is a point on the curve is age's to say when a bundle is encrypted to it.
pub fn check_recipient(r: &str) -> Result<()> {
    const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let ok = r.is_empty()
        || (r.len() == 62
            && r.starts_with("age1")
            && r.bytes().skip(4).all(|b| BECH32.contains(&b)));
    if ok {
        Ok(())
    } else {
        Err(Invalid::field("age_recipient", r.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolRole {
    /// May write everything of the campaign.
    Secretariat,
    /// May write the visits of one team.
    Team,
}

impl EnrolRole {
    pub fn parse(s: &str) -> Option<EnrolRole> {
        match crate::text::fold(s).trim() {
            "secretariat" | "ban thu ky" | "van phong" => Some(EnrolRole::Secretariat),
            "team" | "doan" | "doan kiem tra" => Some(EnrolRole::Team),
            _ => None,
        }
    }
}

impl Localize for EnrolRole {
    fn message(&self, lang: Lang) -> String {
        match self {
            EnrolRole::Secretariat => lang.pick("Ban thư ký (toàn quyền)", "Secretariat (all)"),
            EnrolRole::Team => lang.pick("Máy của đoàn kiểm tra", "Team laptop"),
        }
        .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    /// The clock reading of the revocation: revisions the laptop stamped later are refused.
    pub hlc: String,
    /// Local time, RFC 3339.
    pub at: String,
    pub reason: String,
}

/// A laptop allowed into a campaign, written by the campaign's secretariat. Its id is made
/// from the campaign and the device, so two secretariat laptops enrolling the same laptop
/// write the same record (and a conflict if they disagree).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub campaign_id: String,
    pub device_id: String,
    /// The key the laptop signs with, pinned here: another key under its id is refused.
    pub public_key: String,
    /// The age recipient bundles of the campaign are encrypted to for this laptop (its
    /// card's), so every laptop of the campaign can write to it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub age_recipient: String,
    pub role: EnrolRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revoked>,
}

impl Entity for Enrolment {
    const KIND: &'static str = "enrolment";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        if (self.role == EnrolRole::Team) != self.team_id.is_some() {
            return Err(Invalid::field(
                "team_id",
                self.team_id.clone().unwrap_or_default(),
            ));
        }
        if let Some(r) = &self.revoked {
            if r.reason.trim().is_empty() {
                return Err(Invalid::EmptyText("reason"));
            }
        }
        check_recipient(&self.age_recipient)
    }
}

/// Why a revision may not be written by the laptop that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum WriteRule {
    /// Its signature is missing or does not check with its author's key.
    BadSignature,
    /// Made before revisions were signed, by another laptop, and not held here already.
    Unsigned,
    /// Its author's key is not known here (no card, enrolment or earlier bundle names it).
    UnknownKey,
    /// A key other than the one this laptop knows for that device id.
    KeyChanged,
    /// Only the campaign's secretariat laptops write this (the campaign, its teams, visit
    /// planning, enrolments, units, the criteria set, deletions of those).
    SecretariatOnly,
    /// A team laptop writing a visit of another team.
    OtherTeam,
    /// The author is not enrolled in the campaign (or was revoked before it wrote this).
    NotEnrolled,
    /// A laptop's card written by another laptop.
    NotOwnCard,
    /// A second first revision of a campaign, by another laptop than its owner.
    SecondOwner,
    /// A change to signed minutes that is not an unlock.
    SignedVisit,
    /// A reference to a record that is not here (nor in the same bundle), or not of the kind.
    Reference { field: String, kind: String },
}

impl Localize for WriteRule {
    fn message(&self, lang: Lang) -> String {
        match self {
            WriteRule::BadSignature => lang
                .pick("chữ ký không đúng với khóa của máy tạo", "its signature does not check with its author's key")
                .to_string(),
            WriteRule::Unsigned => lang
                .pick(
                    "được tạo trước khi có chữ ký, không thể xác minh; hãy cập nhật máy tạo và xuất lại",
                    "made before signatures and cannot be verified; update its laptop and export again",
                )
                .to_string(),
            WriteRule::UnknownKey => lang
                .pick("không biết khóa của máy tạo", "its author's key is not known")
                .to_string(),
            WriteRule::KeyChanged => lang
                .pick(
                    "máy tạo dùng khóa khác với khóa đã biết (có thể bị giả mạo)",
                    "its laptop uses another key than the one known (possible forgery)",
                )
                .to_string(),
            WriteRule::SecretariatOnly => lang
                .pick(
                    "chỉ máy của Ban thư ký đợt kiểm tra được sửa mục này",
                    "only the campaign's secretariat laptops may change this",
                )
                .to_string(),
            WriteRule::OtherTeam => lang
                .pick(
                    "buổi kiểm tra của đoàn khác",
                    "a visit of another team",
                )
                .to_string(),
            WriteRule::NotEnrolled => lang
                .pick(
                    "máy chưa được ghi danh vào đợt kiểm tra (hoặc đã bị thu hồi)",
                    "the laptop is not enrolled in the campaign (or was revoked)",
                )
                .to_string(),
            WriteRule::NotOwnCard => lang
                .pick(
                    "thông tin của một máy chỉ chính máy đó được ghi",
                    "a laptop's card may be written only by that laptop",
                )
                .to_string(),
            WriteRule::SecondOwner => lang
                .pick(
                    "đợt kiểm tra đã có máy chủ quản khác",
                    "the campaign already has another owner",
                )
                .to_string(),
            WriteRule::SignedVisit => lang
                .pick(
                    "biên bản đã ký: chỉ được sửa sau khi mở khóa, có ghi lý do",
                    "the minutes are signed: they change only after an unlock, with a reason",
                )
                .to_string(),
            WriteRule::Reference { field, kind } => lang.pick(
                format!("trường {field} không trỏ tới {} có thật", noun(kind, lang)),
                format!("{field} does not name an existing {}", noun(kind, lang)),
            ),
        }
    }
}

fn noun(kind: &str, lang: Lang) -> &str {
    let (vi, en) = match kind {
        "campaign" => ("đợt kiểm tra", "campaign"),
        "unit" => ("đơn vị", "unit"),
        "visit" => ("buổi kiểm tra", "visit"),
        "team" => ("đoàn kiểm tra", "team"),
        "criteria_set" => ("bộ tiêu chí", "criteria set"),
        "device" => ("máy", "laptop"),
        other => (other, other),
    };
    lang.pick(vi, en)
}

/// One revision that breaks the table: which laptop, which record, which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub device_id: String,
    /// The laptop's name as known here (its id when it has none).
    pub device_name: String,
    pub person: String,
    pub kind: String,
    pub record_id: String,
    pub rev: String,
    pub rule: WriteRule,
}

impl Localize for Violation {
    fn message(&self, lang: Lang) -> String {
        let who = if self.person.is_empty() {
            self.device_name.clone()
        } else {
            format!("{} — {}", self.person, self.device_name)
        };
        let short = &self.record_id[..self.record_id.len().min(8)];
        format!(
            "{who}: {} {short}: {}",
            noun(&self.kind, lang),
            self.rule.message(lang)
        )
    }
}

/// What people call a reader named in a header.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ReaderName {
    Laptop(String),
    Recovery,
}

impl Localize for ReaderName {
    fn message(&self, lang: Lang) -> String {
        match self {
            ReaderName::Laptop(n) => n.clone(),
            ReaderName::Recovery => lang
                .pick("khóa khôi phục của văn phòng", "the office's recovery key")
                .to_string(),
        }
    }
}
