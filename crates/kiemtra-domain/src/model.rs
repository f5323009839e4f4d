//! The records people edit. Each is stored as the JSON body of its revisions; the record id
//! lives beside the body, never inside it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::invalid::{Invalid, Rule};
use crate::lang::{Lang, Localize};

type Result<T> = std::result::Result<T, Invalid>;

/// The years a campaign may have: anything outside is a typo, not a campaign.
pub const CAMPAIGN_YEARS: std::ops::RangeInclusive<i32> = 1950..=2100;

/// A kind of record kept with revisions: `KIND`, and `validate` for checks that need only
/// the record itself (references are checked by the operations). The engine's `Record`,
/// named for what the domain calls it.
pub use kiemtra_store::Record as Entity;

pub const KINDS: &[&str] = &[
    Campaign::KIND,
    Unit::KIND,
    CriteriaSet::KIND,
    Inspector::KIND,
    Team::KIND,
    Visit::KIND,
    Finding::KIND,
    Recommendation::KIND,
    Attachment::KIND,
    crate::trust::DeviceCard::KIND,
    crate::trust::Enrolment::KIND,
];

/// The body field naming the record a kind is listed under (a finding under its visit, a
/// visit under its campaign). The store keeps it in an indexed column; changing this list
/// needs a migration that refills `record_state.owner`.
pub fn owner_field(kind: &str) -> Option<&'static str> {
    match kind {
        "finding" | "recommendation" | "attachment" => Some("visit_id"),
        "visit" | "team" | "enrolment" => Some("campaign_id"),
        _ => None,
    }
}

/// The body fields the store keeps beside each record's state for views that count many
/// records: a visit's status and unit (the campaign list's counts), a finding's rating and
/// points (how far a visit has got). Changing this list needs no migration: the store
/// refills the column at the next open.
pub const SUMMARY_FIELDS: &[(&str, &[&str])] = &[
    ("visit", &["status", "unit_id"]),
    ("finding", &["rating", "points"]),
];

/// Signed minutes are sealed: an edit made concurrently with the signing is a conflict
/// ("changed while being signed"), never merged into the signed text.
pub fn sealed(kind: &str, body: &serde_json::Value) -> bool {
    kind == "visit" && body.get("status").and_then(|s| s.as_str()) == Some("signed")
}

/// The longest a name may be, in characters (a campaign, team or person; a position).
pub const NAME_MAX: usize = 200;
/// The longest one paragraph of the minutes or the report may be: a page and a half of
/// A4, far more than any unit's explanation, and short enough to print.
pub const TEXT_MAX: usize = 10_000;

fn at_most(field: &'static str, s: &str, max: usize) -> Result<()> {
    let len = s.chars().count();
    if len > max {
        Err(Invalid::rule(field, Rule::TooLong { max, len }))
    } else {
        Ok(())
    }
}

fn non_empty(field: &'static str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        Err(Invalid::EmptyText(field))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub name: String,
    pub year: i32,
    #[serde(default)]
    pub theme: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub place: String,
    /// The criteria-set version new visits of this campaign start with.
    pub criteria_set_id: Option<String>,
    /// Headers, numbers and signers of the campaign's documents. Left out of the JSON while
    /// unset, so campaigns written before it existed keep the same body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportSettings>,
    /// The office's recovery key (an age recipient): every bundle of the campaign is also
    /// encrypted to it, so losing the secretariat's laptop loses no returned bundle.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recovery_recipient: String,
    /// The secretariat's own words in the results report. Left out while empty.
    #[serde(default, skip_serializing_if = "is_default")]
    pub texts: ReportTexts,
}

/// What the secretariat writes in the results report beside the figures and the visits'
/// words: its overall assessment, strengths and shortcomings, their causes, its proposals.
/// Blank ones leave the report to what the visits recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportTexts {
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub shortcomings: String,
    /// Nguyên nhân khách quan.
    #[serde(default)]
    pub causes_objective: String,
    /// Nguyên nhân chủ quan.
    #[serde(default)]
    pub causes_subjective: String,
    #[serde(default)]
    pub proposals: String,
}

/// What the printed minutes and report say about who issues and signs them. Every field may
/// be blank: `Campaign::report_settings` fills blanks from the campaign.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportSettings {
    /// The body above the issuer in the heading: "TỈNH ĐOÀN NINH BÌNH".
    #[serde(default)]
    pub parent_body: String,
    /// The issuing department: "BAN XÂY DỰNG ĐOÀN".
    #[serde(default)]
    pub issuer: String,
    /// The place of the place-and-date line: "Ninh Bình".
    #[serde(default)]
    pub place: String,
    /// Number of the minutes; `{n}` is replaced by the visit's order in the campaign:
    /// "{n}-BB/TĐTN-XDĐ".
    #[serde(default)]
    pub minutes_number: String,
    /// Number of the results report: "127-BC/TĐTN-XDĐ".
    #[serde(default)]
    pub report_number: String,
    /// "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN".
    #[serde(default)]
    pub signer_title: String,
    /// "PHÓ BÍ THƯ".
    #[serde(default)]
    pub signer_position: String,
    #[serde(default)]
    pub signer_name: String,
    /// "Nơi nhận", one line each: "Ban Thường vụ Trung ương Đoàn (b/c)".
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Which visits the report's figures count. Left out while the default, as are the
    /// two below, so bodies written before they existed stay the same.
    #[serde(default, skip_serializing_if = "is_default")]
    pub basis: ReportBasis,
    /// The report's date; none: the campaign's end date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_date: Option<NaiveDate>,
    /// Print "ngày … tháng … năm" to be written in by hand instead of any date.
    #[serde(default, skip_serializing_if = "is_default")]
    pub blank_date: bool,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The visits a campaign report counts: only those whose minutes are signed (the record the
/// secretariat vouches for), or also those completed and waiting for signatures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportBasis {
    #[default]
    Signed,
    Completed,
}

impl ReportBasis {
    /// Does a visit in `status` count?
    pub fn counts(self, status: VisitStatus) -> bool {
        match self {
            ReportBasis::Signed => status == VisitStatus::Signed,
            ReportBasis::Completed => {
                matches!(status, VisitStatus::Completed | VisitStatus::Signed)
            }
        }
    }
}

impl Campaign {
    /// The campaign's report settings with blanks filled from the campaign itself.
    pub fn report_settings(&self) -> ReportSettings {
        let mut s = self.report.clone().unwrap_or_default();
        let fill = |v: &mut String, d: String| {
            if v.trim().is_empty() {
                *v = d;
            }
        };
        // "Ban Thường vụ Tỉnh đoàn Ninh Bình" → "TỈNH ĐOÀN NINH BÌNH".
        let body = self.issuing_body.trim();
        let parent = body
            .strip_prefix("Ban Thường vụ ")
            .or_else(|| body.strip_prefix("Ban Chấp hành "))
            .unwrap_or(body);
        fill(&mut s.parent_body, parent.to_uppercase());
        fill(&mut s.issuer, "BAN THƯỜNG VỤ".to_string());
        fill(&mut s.place, self.place.clone());
        fill(&mut s.minutes_number, "{n}-BB/ĐKT".to_string());
        fill(&mut s.report_number, "     -BC/TĐTN".to_string());
        fill(&mut s.signer_title, "TM. BAN THƯỜNG VỤ".to_string());
        fill(&mut s.signer_position, "BÍ THƯ".to_string());
        if s.recipients.is_empty() {
            s.recipients = vec!["Như trên".to_string(), "Lưu VP.".to_string()];
        }
        s
    }
}

impl Entity for Campaign {
    const KIND: &'static str = "campaign";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("name", &self.name)?;
        at_most("name", &self.name, NAME_MAX)?;
        for (field, text) in [
            ("theme", &self.theme),
            ("decision_number", &self.decision_number),
            ("issuing_body", &self.issuing_body),
            ("place", &self.place),
        ] {
            at_most(field, text, NAME_MAX)?;
        }
        let t = &self.texts;
        for (field, text) in [
            ("assessment", &t.assessment),
            ("strengths", &t.strengths),
            ("shortcomings", &t.shortcomings),
            ("causes_objective", &t.causes_objective),
            ("causes_subjective", &t.causes_subjective),
            ("proposals", &t.proposals),
        ] {
            at_most(field, text, TEXT_MAX)?;
        }
        if let (Some(s), Some(e)) = (self.start_date, self.end_date) {
            if e < s {
                return Err(Invalid::rule("end_date", Rule::EndsBeforeStarts));
            }
        }
        // A campaign of one year runs in it; only its end may cross into January.
        if let Some(s) = self.start_date.filter(|s| s.year() != self.year) {
            return Err(Invalid::rule(
                "start_date",
                Rule::OutsideYear {
                    year: self.year,
                    date: s,
                },
            ));
        }
        if let Some(e) = self.end_date.filter(|e| {
            e.year() != self.year && (e.year() != self.year + 1 || self.start_date.is_none())
        }) {
            return Err(Invalid::rule(
                "end_date",
                Rule::OutsideYear {
                    year: self.year,
                    date: e,
                },
            ));
        }
        Ok(())
    }
}

/// A Union organisation in the tree. Any depth: 2023 (district level → grassroots) and
/// post-2025 (province → commune) shapes both fit. Validity keeps old names for old campaigns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub code: String,
    /// e.g. huyen_doan, thanh_doan, doan_khoi, doan_co_so.
    #[serde(default)]
    pub kind: String,
    /// Shown to people: "Cấp huyện", "Cơ sở", "Cấp xã"...
    #[serde(default)]
    pub level_label: String,
    pub parent_id: Option<String>,
    /// The first and last days the unit existed (both included); none: open-ended.
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// The unit this one was merged into on its `valid_to`. Left out of the JSON while empty,
    /// so units written before it existed keep the same body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// The longest unit name and code a person may write: a name is a sentence at most ("Đoàn
/// TNCS Hồ Chí Minh Trường Đại học …"); 500 characters is a paste gone wrong, not a name.
pub const UNIT_NAME_MAX: usize = 200;
pub const UNIT_CODE_MAX: usize = 50;

impl Unit {
    /// The field over its length limit, with its length and the limit. Checked where people
    /// write units (the forms, the CLI, a sheet), not in `validate`: a unit an older build
    /// wrote with a longer name must still travel between laptops.
    pub fn too_long(&self) -> Option<(&'static str, usize, usize)> {
        [
            ("name", &self.name, UNIT_NAME_MAX),
            ("short_name", &self.short_name, UNIT_NAME_MAX),
            ("code", &self.code, UNIT_CODE_MAX),
            ("level_label", &self.level_label, UNIT_NAME_MAX),
        ]
        .into_iter()
        .map(|(f, v, max)| (f, v.chars().count(), max))
        .find(|(_, length, max)| length > max)
    }

    /// Whether the unit existed on `day`.
    pub fn live_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && !self.ended_before(day)
    }

    /// Whether it had been dissolved or merged away before `day`.
    pub fn ended_before(&self, day: NaiveDate) -> bool {
        self.valid_to.is_some_and(|t| t < day)
    }
}

impl Entity for Unit {
    const KIND: &'static str = "unit";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("name", &self.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Đạt / Chưa đạt.
    PassFail,
    /// 0..=max_points.
    Points,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub title: String,
    pub scale: Scale,
    #[serde(default)]
    pub max_points: Option<u32>,
    #[serde(default)]
    pub guidance: String,
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub code: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// One version of a criteria set. A new version is a new record, so visits that started
/// with an older version keep it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSet {
    pub code: String,
    pub name: String,
    pub version: u32,
    pub topics: Vec<Topic>,
}

impl CriteriaSet {
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.topics
            .iter()
            .flat_map(|t| t.items.iter())
            .find(|i| i.code == code)
    }
    pub fn item_count(&self) -> usize {
        self.topics.iter().map(|t| t.items.len()).sum()
    }
}

impl Entity for CriteriaSet {
    const KIND: &'static str = "criteria_set";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("name", &self.name)?;
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.topics {
            for i in &t.items {
                if !seen.insert(i.code.as_str()) {
                    return Err(Invalid::rule(
                        "code",
                        Rule::DuplicateItemCode {
                            code: i.code.clone(),
                        },
                    ));
                }
                match (i.scale, i.max_points) {
                    (Scale::Points, None) | (Scale::Points, Some(0)) => {
                        return Err(Invalid::rule(
                            "max_points",
                            Rule::NeedsMaxPoints {
                                code: i.code.clone(),
                            },
                        ))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspector {
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub organisation: String,
}

impl Entity for Inspector {
    const KIND: &'static str = "inspector";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("name", &self.full_name)?;
        at_most("name", &self.full_name, NAME_MAX)?;
        at_most("title", &self.title, NAME_MAX)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Head,
    Member,
    Secretary,
}

impl Localize for Role {
    fn message(&self, lang: Lang) -> String {
        let (vi, en) = match self {
            Role::Head => ("Trưởng đoàn", "Head"),
            Role::Member => ("Thành viên", "Member"),
            Role::Secretary => ("Thư ký", "Secretary"),
        };
        lang.pick(vi, en).to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub inspector_id: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub campaign_id: String,
    pub name: String,
    pub members: Vec<TeamMember>,
}

impl Team {
    pub fn head(&self) -> Option<&str> {
        self.members
            .iter()
            .find(|m| m.role == Role::Head)
            .map(|m| m.inspector_id.as_str())
    }
}

impl Entity for Team {
    const KIND: &'static str = "team";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("name", &self.name)?;
        at_most("name", &self.name, NAME_MAX)?;
        if self.members.iter().filter(|m| m.role == Role::Head).count() > 1 {
            return Err(Invalid::rule("members", Rule::OneHeadOfTeam));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Planned,
    InProgress,
    Completed,
    Signed,
}

impl VisitStatus {
    pub const ALL: [VisitStatus; 4] = [
        VisitStatus::Planned,
        VisitStatus::InProgress,
        VisitStatus::Completed,
        VisitStatus::Signed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Planned => "planned",
            VisitStatus::InProgress => "in_progress",
            VisitStatus::Completed => "completed",
            VisitStatus::Signed => "signed",
        }
    }
}

impl Localize for VisitStatus {
    fn message(&self, lang: Lang) -> String {
        let text = match (lang, *self) {
            (Lang::Vi, VisitStatus::Planned) => "Đã lên kế hoạch",
            (Lang::Vi, VisitStatus::InProgress) => "Đang kiểm tra",
            (Lang::Vi, VisitStatus::Completed) => "Đã hoàn thành",
            (Lang::Vi, VisitStatus::Signed) => "Đã ký biên bản",
            (Lang::En, VisitStatus::Planned) => "Planned",
            (Lang::En, VisitStatus::InProgress) => "In progress",
            (Lang::En, VisitStatus::Completed) => "Completed",
            (Lang::En, VisitStatus::Signed) => "Signed",
        };
        text.to_string()
    }
}

/// The Union's four quality levels, used for a visit's overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverallResult {
    XuatSac,
    Tot,
    HoanThanh,
    KhongHoanThanh,
}

impl OverallResult {
    /// Best first, as reports list and rank them.
    pub const ALL: [OverallResult; 4] = [
        OverallResult::XuatSac,
        OverallResult::Tot,
        OverallResult::HoanThanh,
        OverallResult::KhongHoanThanh,
    ];
}

impl Localize for OverallResult {
    fn message(&self, lang: Lang) -> String {
        let text = match (lang, *self) {
            (Lang::Vi, OverallResult::XuatSac) => "Hoàn thành xuất sắc nhiệm vụ",
            (Lang::Vi, OverallResult::Tot) => "Hoàn thành tốt nhiệm vụ",
            (Lang::Vi, OverallResult::HoanThanh) => "Hoàn thành nhiệm vụ",
            (Lang::Vi, OverallResult::KhongHoanThanh) => "Không hoàn thành nhiệm vụ",
            (Lang::En, OverallResult::XuatSac) => "Excellent",
            (Lang::En, OverallResult::Tot) => "Good",
            (Lang::En, OverallResult::HoanThanh) => "Completed",
            (Lang::En, OverallResult::KhongHoanThanh) => "Not completed",
        };
        text.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub campaign_id: String,
    pub unit_id: String,
    pub team_id: Option<String>,
    pub date: Option<NaiveDate>,
    pub status: VisitStatus,
    /// The criteria-set version this visit is checked against (fixed once started).
    pub criteria_set_id: String,
    #[serde(default)]
    pub report_summary: String,
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub shortcomings: String,
    /// "Nhìn chung ..." — the team's overall assessment.
    #[serde(default)]
    pub assessment: String,
    pub overall_result: Option<OverallResult>,
    /// Who attended for the unit (and any guests); the team's members come from the team.
    /// The new fields are left out of the JSON while empty, so visits written before they
    /// existed keep the same body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    /// Questions the team raised and the unit's answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// When the minutes were signed (local time, RFC 3339); set by signing, kept by unlocking
    /// so the history shows both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<String>,
    /// Every unlock of signed minutes, with its reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlocks: Vec<Unlock>,
    /// Who signed (the person using the laptop then, and the laptop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<SignedBy>,
    /// What the signing signed: the revision of each finding, recommendation and
    /// attachment of the visit then (record id → rev). The documents of signed minutes are
    /// built from these, whatever arrives later; cleared by an unlock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<BTreeMap<String, String>>,
    /// When the meeting began, "08:00" (blank: written by hand on the minutes).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub start_time: String,
    /// Where it was held: "Hội trường Huyện đoàn Hoa Lư".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// Every change of its day or team after it was planned, and its cancellation, with
    /// who and why: the field `team_id` alone means nothing to a reader of the history.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_changes: Vec<PlanChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedBy {
    pub name: String,
    #[serde(default)]
    pub position: String,
    pub laptop: String,
}

impl Entity for Visit {
    const KIND: &'static str = "visit";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        for a in &self.attendees {
            non_empty("name", &a.name)?;
            at_most("name", &a.name, NAME_MAX)?;
            at_most("position", &a.position, NAME_MAX)?;
        }
        for q in &self.questions {
            non_empty("question", &q.question)?;
            at_most("question", &q.question, TEXT_MAX)?;
            at_most("answer", &q.answer, TEXT_MAX)?;
        }
        for u in &self.unlocks {
            non_empty("reason", &u.reason)?;
            at_most("reason", &u.reason, TEXT_MAX)?;
        }
        for c in &self.plan_changes {
            at_most("reason", &c.reason, TEXT_MAX)?;
        }
        for (field, text) in [
            ("report_summary", &self.report_summary),
            ("difficulties", &self.difficulties),
            ("strengths", &self.strengths),
            ("shortcomings", &self.shortcomings),
            ("assessment", &self.assessment),
        ] {
            at_most(field, text, TEXT_MAX)?;
        }
        at_most("start_time", &self.start_time, 20)?;
        at_most("place", &self.place, NAME_MAX)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A representative of the inspected unit.
    #[default]
    Unit,
    /// Someone else present (a Party committee member, a higher-level officer).
    Guest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    /// Position as it goes in the minutes: "Bí thư Đoàn xã", "Phó Bí thư".
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub side: Side,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub question: String,
    #[serde(default)]
    pub answer: String,
}

/// One re-planning of a visit: the day and team before and after (teams by name, as they
/// were then), or its cancellation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanChange {
    /// Local time, RFC 3339.
    pub at: String,
    /// "person — laptop", as for an unlock.
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub team_from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub team_to: String,
    /// The visit was taken off the plan (its tombstone carries this entry).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unlock {
    /// Local time, RFC 3339.
    pub at: String,
    /// Who unlocked: "person — laptop" (the laptop's name alone before laptops had people).
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Dat,
    ChuaDat,
}

impl Rating {
    pub fn parse(s: &str) -> Result<Option<Rating>> {
        let folded = crate::text::fold(s).replace([' ', '-'], "_");
        match folded.as_str() {
            "" | "none" => Ok(None),
            "dat" | "pass" | "met" => Ok(Some(Rating::Dat)),
            "chua_dat" | "khong_dat" | "fail" | "not_met" => Ok(Some(Rating::ChuaDat)),
            _ => Err(Invalid::Rating(s.to_string())),
        }
    }
}

impl Localize for Rating {
    fn message(&self, lang: Lang) -> String {
        let text = match (lang, *self) {
            (Lang::Vi, Rating::Dat) => "Đạt",
            (Lang::Vi, Rating::ChuaDat) => "Chưa đạt",
            (Lang::En, Rating::Dat) => "Met",
            (Lang::En, Rating::ChuaDat) => "Not met",
        };
        text.to_string()
    }
}

/// One visit × one checklist item. Its id is derived from (visit, item) so two laptops
/// rating the same item edit the same record (a conflict to resolve), never two duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub visit_id: String,
    pub item_code: String,
    pub rating: Option<Rating>,
    pub points: Option<f64>,
    #[serde(default)]
    pub note: String,
    /// The unit's explanation (giải trình).
    #[serde(default)]
    pub explanation: String,
}

impl Finding {
    pub fn is_rated(&self) -> bool {
        self.rating.is_some() || self.points.is_some()
    }
}

impl Entity for Finding {
    const KIND: &'static str = "finding";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        if let Some(p) = self.points {
            if !p.is_finite() || p < 0.0 {
                return Err(Invalid::Points { value: p, max: 0 });
            }
        }
        at_most("note", &self.note, TEXT_MAX)?;
        at_most("explanation", &self.explanation, TEXT_MAX)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    Unit,
    Team,
    Union,
    Party,
}

impl Authority {
    pub fn parse(s: &str) -> Result<Authority> {
        match crate::text::fold(s).as_str() {
            "unit" | "don vi" => Ok(Authority::Unit),
            "team" | "doan kiem tra" => Ok(Authority::Team),
            "union" | "doan cap tren" => Ok(Authority::Union),
            "party" | "cap uy" | "cap uy dang" => Ok(Authority::Party),
            _ => Err(Invalid::Authority(s.to_string())),
        }
    }
}

impl Localize for Authority {
    fn message(&self, lang: Lang) -> String {
        let text = match (lang, *self) {
            (Lang::Vi, Authority::Unit) => "Đơn vị",
            (Lang::Vi, Authority::Team) => "Đoàn kiểm tra",
            (Lang::Vi, Authority::Union) => "Đoàn cấp trên",
            (Lang::Vi, Authority::Party) => "Cấp ủy Đảng",
            (Lang::En, Authority::Unit) => "The unit",
            (Lang::En, Authority::Team) => "Inspection team",
            (Lang::En, Authority::Union) => "Higher Union level",
            (Lang::En, Authority::Party) => "Party committee",
        };
        text.to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaisedBy {
    Unit,
    Team,
}

impl RaisedBy {
    pub fn parse(s: &str) -> Result<RaisedBy> {
        match crate::text::fold(s).as_str() {
            "unit" | "don vi" => Ok(RaisedBy::Unit),
            "team" | "doan kiem tra" => Ok(RaisedBy::Team),
            _ => Err(Invalid::RaisedBy(s.to_string())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecStatus {
    Received,
    Forwarded,
    Answered,
    Done,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub visit_id: String,
    pub text: String,
    pub raised_by: RaisedBy,
    pub authority: Authority,
    pub status: RecStatus,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
}

impl Entity for Recommendation {
    const KIND: &'static str = "recommendation";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("text", &self.text)?;
        at_most("text", &self.text, TEXT_MAX)
    }
}

/// A photo or scanned document of a visit; the file is the blob named by `sha256`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub visit_id: String,
    pub sha256: String,
    pub file_name: String,
    pub mime: String,
    pub size: u64,
    #[serde(default)]
    pub caption: String,
    /// The checklist item it documents, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_code: Option<String>,
}

impl Entity for Attachment {
    const KIND: &'static str = "attachment";
    type Error = Invalid;
    fn validate(&self) -> Result<()> {
        non_empty("file_name", &self.file_name)?;
        let hex = self.sha256.len() == 64
            && self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err(Invalid::field("sha256", self.sha256.clone()));
        }
        if !matches!(
            self.mime.as_str(),
            "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "application/pdf"
        ) {
            return Err(Invalid::field("mime", self.mime.clone()));
        }
        Ok(())
    }
}

pub use crate::dates::parse_date;

/// The day a campaign is seen at (which units existed, their names then): its start, else
/// its end, else today kept within the campaign's year.
pub fn campaign_day(c: &Campaign) -> NaiveDate {
    if let Some(d) = c.start_date.or(c.end_date) {
        return d;
    }
    let t = crate::dates::today();
    match (
        NaiveDate::from_ymd_opt(c.year, 1, 1),
        NaiveDate::from_ymd_opt(c.year, 12, 31),
    ) {
        (Some(first), Some(last)) => t.clamp(first, last),
        _ => t,
    }
}

/// For patches: a field given (even as `null`) is `Some(value)`, a field left out stays
/// `None` (with `#[serde(default)]`), so "clear it" and "leave it" differ.
pub fn some_value<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Check a JSON body as the record kind it claims to be (for revisions from elsewhere).
pub fn validate_body(kind: &str, body: &serde_json::Value) -> Result<()> {
    fn as_kind<T: Entity<Error = Invalid>>(body: &serde_json::Value) -> Result<()> {
        let v: T = serde_json::from_value(body.clone())
            .map_err(|e| Invalid::field("body", format!("{}: {e}", T::KIND)))?;
        v.validate()
    }
    match kind {
        Campaign::KIND => as_kind::<Campaign>(body),
        Unit::KIND => as_kind::<Unit>(body),
        CriteriaSet::KIND => as_kind::<CriteriaSet>(body),
        Inspector::KIND => as_kind::<Inspector>(body),
        Team::KIND => as_kind::<Team>(body),
        Visit::KIND => as_kind::<Visit>(body),
        Finding::KIND => as_kind::<Finding>(body),
        Recommendation::KIND => as_kind::<Recommendation>(body),
        Attachment::KIND => as_kind::<Attachment>(body),
        crate::trust::DeviceCard::KIND => as_kind::<crate::trust::DeviceCard>(body),
        crate::trust::Enrolment::KIND => as_kind::<crate::trust::Enrolment>(body),
        other => Err(Invalid::field("kind", format!("\"{other}\""))),
    }
}
