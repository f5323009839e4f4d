//! The secretariat's setup of a campaign: the campaign itself, inspectors and teams,
//! criteria-set versions, the unit directory (add, edit, move, merge, dissolve, and names as
//! they were on a day) and the visit plan. Every change is a revision through `Store::write`;
//! a refusal writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Invalid, Lang, Result};
use crate::hlc::Hlc;
use crate::model::*;
use crate::ops::{new_id, some_value};
use crate::store::{Store, Stored, Writer};
use crate::text;

/// The years a campaign may have: anything outside is a typo, not a campaign.
pub const CAMPAIGN_YEARS: std::ops::RangeInclusive<i32> = 1950..=2100;

/// Today on this laptop's calendar: "dissolved" and "past" are measured from it.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// The day a campaign is seen at (which units existed, their names then): its start, else
/// its end, else today kept within the campaign's year.
pub fn campaign_day(c: &Campaign) -> NaiveDate {
    if let Some(d) = c.start_date.or(c.end_date) {
        return d;
    }
    let t = today();
    match (
        NaiveDate::from_ymd_opt(c.year, 1, 1),
        NaiveDate::from_ymd_opt(c.year, 12, 31),
    ) {
        (Some(first), Some(last)) => t.clamp(first, last),
        _ => t,
    }
}

/// Why a setup operation was refused. Each reason has a stable `code` and a message in
/// either language that says what to do instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Refusal {
    Year {
        year: i32,
    },
    DateOrder {
        start: NaiveDate,
        end: NaiveDate,
    },
    NoCriteriaSet,
    CriteriaEmpty,
    TopicEmpty {
        topic: String,
    },
    MissingCode {
        title: String,
    },
    MissingTitle {
        code: String,
    },
    DuplicateCode {
        code: String,
    },
    MaxPoints {
        code: String,
    },
    PointsOnPassFail {
        code: String,
    },
    CriteriaCodeChanged {
        from: String,
        to: String,
    },
    CriteriaCodeExists {
        code: String,
    },
    TwoHeads {
        names: Vec<String>,
    },
    MemberTwice {
        name: String,
    },
    MemberUnnamed,
    InspectorAmbiguous {
        name: String,
        count: usize,
    },
    TeamNameTaken {
        name: String,
    },
    TeamHasVisits {
        team: String,
        visits: usize,
    },
    TeamElsewhere {
        team: String,
    },
    UnitCodeTaken {
        code: String,
        other: String,
    },
    UnitNameTaken {
        name: String,
    },
    UnitCycle {
        unit: String,
        parent: String,
    },
    UnitEnded {
        unit: String,
        until: NaiveDate,
    },
    UnitNotYet {
        unit: String,
        from: NaiveDate,
    },
    UnitHasChildren {
        unit: String,
        children: Vec<String>,
    },
    NothingToMerge,
    MergeIntoItself {
        unit: String,
    },
    MergeIntoDescendant {
        unit: String,
        into: String,
    },
    VisitExists {
        unit: String,
        campaign: String,
    },
    VisitStarted {
        unit: String,
        status: VisitStatus,
    },
    VisitHasRecords {
        unit: String,
        findings: usize,
        recommendations: usize,
        attachments: usize,
    },
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "a, b, c và 2 đơn vị khác": long lists cut short so the message stays readable.
fn some_names(names: &[String], lang: Lang) -> String {
    const SHOWN: usize = 5;
    let mut out = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let more = names.len() - SHOWN;
        out.push_str(&match lang {
            Lang::Vi => format!(" và {more} đơn vị khác"),
            Lang::En => format!(" and {more} more"),
        });
    }
    out
}

impl Refusal {
    /// Stable machine code (never translated).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Year { .. } => "bad_year",
            Refusal::DateOrder { .. } => "dates_reversed",
            Refusal::NoCriteriaSet => "no_criteria_set",
            Refusal::CriteriaEmpty => "criteria_empty",
            Refusal::TopicEmpty { .. } => "topic_empty",
            Refusal::MissingCode { .. } => "missing_code",
            Refusal::MissingTitle { .. } => "missing_title",
            Refusal::DuplicateCode { .. } => "duplicate_code",
            Refusal::MaxPoints { .. } => "max_points",
            Refusal::PointsOnPassFail { .. } => "points_on_pass_fail",
            Refusal::CriteriaCodeChanged { .. } => "criteria_code_changed",
            Refusal::CriteriaCodeExists { .. } => "criteria_code_exists",
            Refusal::TwoHeads { .. } => "two_heads",
            Refusal::MemberTwice { .. } => "member_twice",
            Refusal::MemberUnnamed => "member_unnamed",
            Refusal::InspectorAmbiguous { .. } => "inspector_ambiguous",
            Refusal::TeamNameTaken { .. } => "team_name_taken",
            Refusal::TeamHasVisits { .. } => "team_has_visits",
            Refusal::TeamElsewhere { .. } => "team_elsewhere",
            Refusal::UnitCodeTaken { .. } => "unit_code_taken",
            Refusal::UnitNameTaken { .. } => "unit_name_taken",
            Refusal::UnitCycle { .. } => "unit_cycle",
            Refusal::UnitEnded { .. } => "unit_ended",
            Refusal::UnitNotYet { .. } => "unit_not_yet",
            Refusal::UnitHasChildren { .. } => "unit_has_children",
            Refusal::NothingToMerge => "nothing_to_merge",
            Refusal::MergeIntoItself { .. } => "merge_into_itself",
            Refusal::MergeIntoDescendant { .. } => "merge_into_descendant",
            Refusal::VisitExists { .. } => "visit_exists",
            Refusal::VisitStarted { .. } => "visit_started",
            Refusal::VisitHasRecords { .. } => "visit_has_records",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.message_vi(),
            Lang::En => self.message_en(),
        }
    }

    fn message_vi(&self) -> String {
        match self {
            Refusal::Year { year } => format!(
                "Năm {year} không hợp lệ; năm của đợt kiểm tra phải từ {} đến {}.",
                CAMPAIGN_YEARS.start(),
                CAMPAIGN_YEARS.end()
            ),
            Refusal::DateOrder { start, end } => format!(
                "Ngày kết thúc {} trước ngày bắt đầu {}.",
                dmy(*end),
                dmy(*start)
            ),
            Refusal::NoCriteriaSet => {
                "Chưa có bộ tiêu chí nào; hãy tạo hoặc nạp bộ tiêu chí trước.".to_string()
            }
            Refusal::CriteriaEmpty => "Bộ tiêu chí phải có ít nhất một nội dung.".to_string(),
            Refusal::TopicEmpty { topic } => {
                format!("Nội dung \"{topic}\" chưa có tiêu chí nào.")
            }
            Refusal::MissingCode { title } => format!("\"{title}\" chưa có mã."),
            Refusal::MissingTitle { code } => format!("Mục {code} chưa có tên."),
            Refusal::DuplicateCode { code } => {
                format!("Mã {code} bị trùng trong bộ tiêu chí; mỗi mục cần một mã riêng.")
            }
            Refusal::MaxPoints { code } => format!(
                "Tiêu chí {code} chấm bằng điểm nhưng chưa có điểm tối đa (lớn hơn 0)."
            ),
            Refusal::PointsOnPassFail { code } => format!(
                "Tiêu chí {code} đánh giá Đạt/Chưa đạt nên không có điểm tối đa; hãy bỏ điểm tối đa hoặc chuyển sang chấm điểm."
            ),
            Refusal::CriteriaCodeChanged { from, to } => format!(
                "Không đổi được mã bộ tiêu chí từ {from} sang {to}: các phiên bản của một bộ dùng chung một mã. Muốn có bộ khác, hãy tạo bộ mới."
            ),
            Refusal::CriteriaCodeExists { code } => format!(
                "Đã có bộ tiêu chí mã {code}; hãy sửa bộ đó (nếu bộ đang được dùng, sẽ tạo phiên bản mới)."
            ),
            Refusal::TwoHeads { names } => format!(
                "Một đoàn chỉ có một trưởng đoàn, nhưng có {}: {}.",
                names.len(),
                some_names(names, Lang::Vi)
            ),
            Refusal::MemberTwice { name } => format!("\"{name}\" có tên hai lần trong đoàn."),
            Refusal::MemberUnnamed => "Mỗi thành viên đoàn cần họ tên hoặc mã.".to_string(),
            Refusal::InspectorAmbiguous { name, count } => format!(
                "Có {count} người tên \"{name}\"; hãy chọn đúng người theo mã."
            ),
            Refusal::TeamNameTaken { name } => {
                format!("Đợt kiểm tra đã có đoàn \"{name}\"; hãy đặt tên khác.")
            }
            Refusal::TeamHasVisits { team, visits } => format!(
                "Không xóa được \"{team}\": đoàn đang được phân công {visits} buổi kiểm tra. Hãy giao các buổi đó cho đoàn khác hoặc hủy chúng trước."
            ),
            Refusal::TeamElsewhere { team } => {
                format!("Đoàn \"{team}\" thuộc một đợt kiểm tra khác.")
            }
            Refusal::UnitCodeTaken { code, other } => {
                format!("Mã {code} đã dùng cho đơn vị \"{other}\".")
            }
            Refusal::UnitNameTaken { name } => format!(
                "Đơn vị cấp trên đã có đơn vị \"{name}\" đang hoạt động; hãy đặt tên khác hoặc sửa đơn vị đó."
            ),
            Refusal::UnitCycle { unit, parent } => format!(
                "Không chuyển được \"{unit}\" vào \"{parent}\": \"{parent}\" là chính nó hoặc một đơn vị trực thuộc nó."
            ),
            Refusal::UnitEnded { unit, until } => format!(
                "Đơn vị \"{unit}\" đã giải thể hoặc sáp nhập (chỉ hoạt động đến {}).",
                dmy(*until)
            ),
            Refusal::UnitNotYet { unit, from } => {
                format!("Đơn vị \"{unit}\" chỉ có từ ngày {}.", dmy(*from))
            }
            Refusal::UnitHasChildren { unit, children } => format!(
                "Chưa giải thể được \"{unit}\": còn {} đơn vị trực thuộc đang hoạt động ({}). Hãy chuyển các đơn vị đó sang đơn vị khác hoặc sáp nhập chúng trước.",
                children.len(),
                some_names(children, Lang::Vi)
            ),
            Refusal::NothingToMerge => "Chưa chọn đơn vị nào để sáp nhập.".to_string(),
            Refusal::MergeIntoItself { unit } => {
                format!("Không sáp nhập được \"{unit}\" vào chính nó.")
            }
            Refusal::MergeIntoDescendant { unit, into } => format!(
                "Không sáp nhập được \"{unit}\" vào \"{into}\" vì \"{into}\" trực thuộc \"{unit}\"."
            ),
            Refusal::VisitExists { unit, campaign } => format!(
                "\"{unit}\" đã có buổi kiểm tra trong đợt \"{campaign}\"; hãy đổi lịch buổi đó thay vì thêm buổi mới."
            ),
            Refusal::VisitStarted { unit, status } => format!(
                "Không hủy được buổi kiểm tra tại \"{unit}\": buổi này đã ở trạng thái \"{}\". Chỉ hủy được buổi còn ở kế hoạch.",
                status.label(Lang::Vi)
            ),
            Refusal::VisitHasRecords {
                unit,
                findings,
                recommendations,
                attachments,
            } => {
                let parts: Vec<String> = [
                    (*findings, "kết quả tiêu chí"),
                    (*recommendations, "kiến nghị"),
                    (*attachments, "tệp đính kèm"),
                ]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
                format!(
                    "Không hủy được buổi kiểm tra tại \"{unit}\": đã ghi {}. Hãy xóa các nội dung đó trước nếu thật sự muốn hủy.",
                    parts.join(", ")
                )
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            Refusal::Year { year } => format!(
                "Year {year} is not valid; a campaign's year must be between {} and {}.",
                CAMPAIGN_YEARS.start(),
                CAMPAIGN_YEARS.end()
            ),
            Refusal::DateOrder { start, end } => format!(
                "The end date {} is before the start date {}.",
                dmy(*end),
                dmy(*start)
            ),
            Refusal::NoCriteriaSet => {
                "There is no criteria set yet; create or load one first.".to_string()
            }
            Refusal::CriteriaEmpty => "A criteria set needs at least one topic.".to_string(),
            Refusal::TopicEmpty { topic } => format!("Topic \"{topic}\" has no items."),
            Refusal::MissingCode { title } => format!("\"{title}\" has no code."),
            Refusal::MissingTitle { code } => format!("{code} has no title."),
            Refusal::DuplicateCode { code } => {
                format!("Code {code} appears twice in the criteria set; each needs its own.")
            }
            Refusal::MaxPoints { code } => {
                format!("Item {code} is scored in points but has no maximum (above 0).")
            }
            Refusal::PointsOnPassFail { code } => format!(
                "Item {code} is rated met/not met, so it has no maximum points; remove the maximum or score it in points."
            ),
            Refusal::CriteriaCodeChanged { from, to } => format!(
                "A criteria set's code cannot change ({from} → {to}): its versions share one code. Create a new set instead."
            ),
            Refusal::CriteriaCodeExists { code } => format!(
                "A criteria set with code {code} exists; edit it instead (a new version is made if it is in use)."
            ),
            Refusal::TwoHeads { names } => format!(
                "A team has one head only, but {} were given: {}.",
                names.len(),
                some_names(names, Lang::En)
            ),
            Refusal::MemberTwice { name } => format!("\"{name}\" is listed twice in the team."),
            Refusal::MemberUnnamed => "Each team member needs a full name or an id.".to_string(),
            Refusal::InspectorAmbiguous { name, count } => format!(
                "{count} inspectors are named \"{name}\"; choose the right one by id."
            ),
            Refusal::TeamNameTaken { name } => format!(
                "The campaign already has a team \"{name}\"; choose another name."
            ),
            Refusal::TeamHasVisits { team, visits } => format!(
                "Cannot delete \"{team}\": it is assigned {visits} visit(s). Give them to another team or cancel them first."
            ),
            Refusal::TeamElsewhere { team } => {
                format!("Team \"{team}\" belongs to another campaign.")
            }
            Refusal::UnitCodeTaken { code, other } => {
                format!("Code {code} is already used by \"{other}\".")
            }
            Refusal::UnitNameTaken { name } => format!(
                "The parent already has a live unit \"{name}\"; choose another name or edit that unit."
            ),
            Refusal::UnitCycle { unit, parent } => format!(
                "Cannot move \"{unit}\" under \"{parent}\": that is the unit itself or one of its own sub-units."
            ),
            Refusal::UnitEnded { unit, until } => format!(
                "\"{unit}\" was dissolved or merged (it existed until {}).",
                dmy(*until)
            ),
            Refusal::UnitNotYet { unit, from } => {
                format!("\"{unit}\" exists only from {}.", dmy(*from))
            }
            Refusal::UnitHasChildren { unit, children } => format!(
                "Cannot dissolve \"{unit}\": {} live sub-unit(s) remain ({}). Move or merge them first.",
                children.len(),
                some_names(children, Lang::En)
            ),
            Refusal::NothingToMerge => "No units to merge were given.".to_string(),
            Refusal::MergeIntoItself { unit } => format!("Cannot merge \"{unit}\" into itself."),
            Refusal::MergeIntoDescendant { unit, into } => format!(
                "Cannot merge \"{unit}\" into \"{into}\": \"{into}\" is one of its sub-units."
            ),
            Refusal::VisitExists { unit, campaign } => format!(
                "\"{unit}\" already has a visit in \"{campaign}\"; reschedule that one instead of adding another."
            ),
            Refusal::VisitStarted { unit, status } => format!(
                "Cannot cancel the visit to \"{unit}\": it is already \"{}\". Only planned visits can be cancelled.",
                status.label(Lang::En)
            ),
            Refusal::VisitHasRecords {
                unit,
                findings,
                recommendations,
                attachments,
            } => {
                let parts: Vec<String> = [
                    (*findings, "finding(s)"),
                    (*recommendations, "recommendation(s)"),
                    (*attachments, "attachment(s)"),
                ]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect();
                format!(
                    "Cannot cancel the visit to \"{unit}\": {} already recorded. Delete them first if it really is to be cancelled.",
                    parts.join(", ")
                )
            }
        }
    }
}

fn refuse<T>(r: Refusal) -> Result<T> {
    Err(Error::Refused(r))
}

/// What people type, as it is kept: NFC, without surrounding blanks.
fn clean(s: &str) -> String {
    text::nfc(s.trim())
}

fn need<T: Entity>(w: &Writer<'_>, id: &str) -> Result<Stored<T>> {
    w.get::<T>(id)?.ok_or_else(|| Error::NotFound {
        what: T::KIND,
        id: id.to_string(),
    })
}

/// Resolve an optional id typed or picked by a person (blank: none).
fn resolve_opt(s: &Store, kind: &'static str, id: Option<&str>) -> Result<Option<String>> {
    match id.map(str::trim).filter(|i| !i.is_empty()) {
        Some(i) => Ok(Some(s.resolve_id(kind, i)?)),
        None => Ok(None),
    }
}

// ---------------------------------------------------------------- campaigns

/// A new campaign; without `criteria_set_id` it gets the newest criteria set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CampaignInput {
    pub name: String,
    pub year: i32,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub decision_number: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub criteria_set_id: Option<String>,
}

/// Changes to a campaign: a missing field stays as it is; a date given as `null` is cleared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CampaignPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date: Option<Option<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The criteria-set version visits planned from now on start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criteria_set_id: Option<String>,
    /// Headers, numbers and signers of its documents (`null` back to the defaults).
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub report: Option<Option<ReportSettings>>,
}

fn check_campaign(c: &Campaign) -> Result<()> {
    if c.name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    if !CAMPAIGN_YEARS.contains(&c.year) {
        return refuse(Refusal::Year { year: c.year });
    }
    if let (Some(start), Some(end)) = (c.start_date, c.end_date) {
        if end < start {
            return refuse(Refusal::DateOrder { start, end });
        }
    }
    Ok(())
}

/// The newest version of the newest criteria set, as `Store::criteria_current` picks it.
fn newest_set(w: &Writer<'_>) -> Result<Option<String>> {
    let mut sets = w.list::<CriteriaSet>()?;
    sets.sort_by(|a, b| (a.body.version, &a.id).cmp(&(b.body.version, &b.id)));
    Ok(sets.pop().map(|s| s.id))
}

// ---------------------------------------------------------------- inspectors and teams

/// A new inspector (a member of inspection teams).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InspectorInput {
    pub full_name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub organisation: String,
}

/// Changes to an inspector: a missing field stays as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InspectorPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// A team member: an inspector by id, or by full name (found ignoring case and diacritics,
/// created when nobody has that name).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    pub role: Role,
}

impl MemberInput {
    /// A member named as a clerk types it.
    pub fn named(full_name: &str, role: Role) -> MemberInput {
        MemberInput {
            inspector_id: None,
            full_name: Some(full_name.to_string()),
            role,
        }
    }
}

/// A new inspection team of a campaign.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamInput {
    pub campaign_id: String,
    pub name: String,
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

/// Changes to a team: a new name, or the whole member list with roles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TeamPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberInput>>,
}

/// A member whose id, if given, is resolved already (resolving needs the store, not the
/// transaction).
struct Member {
    id: Option<String>,
    name: String,
    role: Role,
}

fn resolve_members(s: &Store, list: Vec<MemberInput>) -> Result<Vec<Member>> {
    list.into_iter()
        .map(|m| {
            let id = resolve_opt(s, Inspector::KIND, m.inspector_id.as_deref())?;
            let name = clean(m.full_name.as_deref().unwrap_or(""));
            if id.is_none() && name.is_empty() {
                return refuse(Refusal::MemberUnnamed);
            }
            Ok(Member {
                id,
                name,
                role: m.role,
            })
        })
        .collect()
}

/// The inspector with this name (ignoring case and diacritics), created when there is none.
fn inspector_named(w: &mut Writer<'_>, full_name: &str) -> Result<Stored<Inspector>> {
    let name = clean(full_name);
    if name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    let key = text::fold(&name);
    let mut found: Vec<Stored<Inspector>> = w
        .list::<Inspector>()?
        .into_iter()
        .filter(|i| text::fold(&i.body.full_name) == key)
        .collect();
    match found.len() {
        0 => {
            let body = Inspector {
                full_name: name,
                title: String::new(),
                organisation: String::new(),
            };
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        }
        1 => Ok(found.pop().expect("one")),
        count => refuse(Refusal::InspectorAmbiguous { name, count }),
    }
}

/// The team's member list from what was given: inspectors found or created, each once, at
/// most one head.
fn members_in(w: &mut Writer<'_>, list: Vec<Member>) -> Result<Vec<TeamMember>> {
    let mut out: Vec<TeamMember> = Vec::with_capacity(list.len());
    let mut heads = Vec::new();
    for m in list {
        let inspector = match &m.id {
            Some(id) => need::<Inspector>(w, id)?,
            None => inspector_named(w, &m.name)?,
        };
        if out.iter().any(|x| x.inspector_id == inspector.id) {
            return refuse(Refusal::MemberTwice {
                name: inspector.body.full_name,
            });
        }
        if m.role == Role::Head {
            heads.push(inspector.body.full_name.clone());
        }
        out.push(TeamMember {
            inspector_id: inspector.id,
            role: m.role,
        });
    }
    if heads.len() > 1 {
        return refuse(Refusal::TwoHeads { names: heads });
    }
    Ok(out)
}

fn check_team_name(w: &Writer<'_>, campaign_id: &str, id: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    let key = text::fold(name);
    let taken = w
        .list_by::<Team>("campaign_id", campaign_id)?
        .iter()
        .any(|t| t.id != id && text::fold(&t.body.name) == key);
    if taken {
        return refuse(Refusal::TeamNameTaken {
            name: name.to_string(),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------- criteria sets

/// What `criteria_set_save` did: changed the set in place, or made a new version because
/// visits use the old one (which stays as it was).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSaved {
    pub id: String,
    pub rev: String,
    pub version: u32,
    pub new_version: bool,
    /// Campaigns whose default set moved to the new version.
    pub campaigns_moved: Vec<String>,
}

/// One version of a criteria set and how many visits use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaVersion {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub in_use: usize,
}

/// The set as it is kept (trimmed, NFC), or the first thing wrong with it.
fn clean_criteria(set: CriteriaSet) -> Result<CriteriaSet> {
    let set = CriteriaSet {
        code: clean(&set.code),
        name: clean(&set.name),
        version: set.version,
        topics: set
            .topics
            .into_iter()
            .map(|t| Topic {
                code: clean(&t.code),
                title: clean(&t.title),
                items: t
                    .items
                    .into_iter()
                    .map(|i| Item {
                        code: clean(&i.code),
                        title: clean(&i.title),
                        scale: i.scale,
                        max_points: i.max_points,
                        guidance: clean(&i.guidance),
                        required: i.required,
                    })
                    .collect(),
            })
            .collect(),
    };
    if set.name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    if set.topics.is_empty() {
        return refuse(Refusal::CriteriaEmpty);
    }
    let mut topic_codes = HashSet::new();
    let mut item_codes = HashSet::new();
    for t in &set.topics {
        if t.code.is_empty() {
            return refuse(Refusal::MissingCode {
                title: t.title.clone(),
            });
        }
        if t.title.is_empty() {
            return refuse(Refusal::MissingTitle {
                code: t.code.clone(),
            });
        }
        if !topic_codes.insert(t.code.as_str()) {
            return refuse(Refusal::DuplicateCode {
                code: t.code.clone(),
            });
        }
        if t.items.is_empty() {
            return refuse(Refusal::TopicEmpty {
                topic: t.title.clone(),
            });
        }
        for i in &t.items {
            if i.code.is_empty() {
                return refuse(Refusal::MissingCode {
                    title: i.title.clone(),
                });
            }
            if i.title.is_empty() {
                return refuse(Refusal::MissingTitle {
                    code: i.code.clone(),
                });
            }
            if !item_codes.insert(i.code.as_str()) {
                return refuse(Refusal::DuplicateCode {
                    code: i.code.clone(),
                });
            }
            match (i.scale, i.max_points) {
                (Scale::Points, None | Some(0)) => {
                    return refuse(Refusal::MaxPoints {
                        code: i.code.clone(),
                    })
                }
                (Scale::PassFail, Some(_)) => {
                    return refuse(Refusal::PointsOnPassFail {
                        code: i.code.clone(),
                    })
                }
                _ => {}
            }
        }
    }
    Ok(set)
}

// ---------------------------------------------------------------- units

/// A new unit of the directory; `parent_id` none: a top-level unit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitInput {
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub code: String,
    /// e.g. huyen_doan, doan_co_so.
    #[serde(default)]
    pub kind: String,
    /// Shown to people: "Cấp huyện", "Cơ sở", "Cấp xã".
    #[serde(default)]
    pub level_label: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// Changes to a unit (its place in the tree changes with `unit_move`): a missing field stays;
/// a date given as `null` is cleared (clearing `valid_to` brings a dissolved unit back).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_label: Option<String>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_to: Option<Option<NaiveDate>>,
}

/// What `unit_merge` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitMerged {
    pub into: String,
    /// The units merged away (their `valid_to` is the last day, `merged_into` the target).
    pub merged: Vec<String>,
    /// Their live sub-units, now under `into`.
    pub moved: Vec<String>,
}

/// The day a unit's place in the tree is judged at: its last day when it has ended, its
/// first when it starts later, else today.
fn unit_day(u: &Unit, today: NaiveDate) -> NaiveDate {
    match (u.valid_from, u.valid_to) {
        (_, Some(to)) if to < today => to,
        (Some(from), _) if from > today => from,
        _ => today,
    }
}

/// Whether `child` still exists after `parent`'s last day (so it may not be left under it).
fn outlives(child: &Unit, last_day: NaiveDate) -> bool {
    child.valid_to.is_none_or(|t| t > last_day)
}

/// The fields of a unit that other units constrain: a name, dates in order, a code no other
/// unit has (unit import matches by code), a name no live sibling has.
fn check_unit(units: &[Stored<Unit>], id: &str, u: &Unit) -> Result<()> {
    if u.name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    if let (Some(start), Some(end)) = (u.valid_from, u.valid_to) {
        if end < start {
            return refuse(Refusal::DateOrder { start, end });
        }
    }
    if !u.code.is_empty() {
        let key = text::fold(&u.code);
        if let Some(other) = units
            .iter()
            .find(|o| o.id != id && text::fold(&o.body.code) == key)
        {
            return refuse(Refusal::UnitCodeTaken {
                code: u.code.clone(),
                other: other.body.name.clone(),
            });
        }
    }
    let today = today();
    if !u.ended_before(today) {
        let key = text::fold(&u.name);
        let taken = units.iter().any(|o| {
            o.id != id
                && o.body.parent_id == u.parent_id
                && !o.body.ended_before(today)
                && text::fold(&o.body.name) == key
        });
        if taken {
            return refuse(Refusal::UnitNameTaken {
                name: u.name.clone(),
            });
        }
    }
    Ok(())
}

/// `parent` may hold `unit` (`id`, None when new) on `day`: it exists then and is not the
/// unit itself or below it.
fn check_parent(
    units: &HashMap<&str, &Stored<Unit>>,
    id: Option<&str>,
    unit_name: &str,
    parent: &str,
    day: NaiveDate,
) -> Result<()> {
    let p = units.get(parent).ok_or_else(|| Error::NotFound {
        what: Unit::KIND,
        id: parent.to_string(),
    })?;
    if let Some(id) = id {
        let mut cur = Some(parent);
        let mut seen = HashSet::new();
        while let Some(x) = cur {
            if x == id {
                return refuse(Refusal::UnitCycle {
                    unit: unit_name.to_string(),
                    parent: p.body.name.clone(),
                });
            }
            if !seen.insert(x) {
                break; // a cycle already in the data, not through this unit
            }
            cur = units.get(x).and_then(|u| u.body.parent_id.as_deref());
        }
    }
    if let Some(until) = p.body.valid_to.filter(|_| p.body.ended_before(day)) {
        return refuse(Refusal::UnitEnded {
            unit: p.body.name.clone(),
            until,
        });
    }
    Ok(())
}

/// The live sub-units that would be left under a unit ending on `last_day`.
fn live_children(units: &[Stored<Unit>], id: &str, last_day: NaiveDate) -> Vec<String> {
    units
        .iter()
        .filter(|u| u.body.parent_id.as_deref() == Some(id) && outlives(&u.body, last_day))
        .map(|u| u.body.name.clone())
        .collect()
}

/// A unit's names through its revisions, to show old campaigns with the names of their time.
/// A revision counts from the day (this laptop's calendar) it was made.
pub(crate) struct NameBook<'s> {
    conn: &'s Connection,
    cache: HashMap<String, Vec<(NaiveDate, String)>>,
}

impl<'s> NameBook<'s> {
    pub(crate) fn new(conn: &'s Connection) -> NameBook<'s> {
        NameBook {
            conn,
            cache: HashMap::new(),
        }
    }

    /// The name the unit had on `day`: from its latest revision made on or before that day;
    /// the first name when it was recorded only later (a directory typed in after the
    /// campaign); `current` when nothing changed since.
    pub(crate) fn name_at(&mut self, id: &str, current: &str, day: NaiveDate) -> Result<String> {
        if !self.cache.contains_key(id) {
            let names = unit_names(self.conn, id)?;
            self.cache.insert(id.to_string(), names);
        }
        let names = &self.cache[id];
        if names.iter().all(|(d, _)| *d <= day) {
            return Ok(current.to_string());
        }
        Ok(names
            .iter()
            .rev()
            .find(|(d, _)| *d <= day)
            .or(names.first())
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| current.to_string()))
    }
}

/// (day made, name) of every revision of a unit, oldest first.
fn unit_names(conn: &Connection, id: &str) -> Result<Vec<(NaiveDate, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT hlc, json_extract(body, '$.name') FROM revisions
         WHERE record_id = ?1 AND kind = 'unit' ORDER BY hlc, rev",
    )?;
    let rows = st.query_map([id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (hlc, name) = row?;
        let day = Hlc::parse(&hlc)
            .and_then(|h| chrono::DateTime::from_timestamp_millis(h.millis))
            .map(|t| t.with_timezone(&chrono::Local).date_naive());
        if let (Some(day), Some(name)) = (day, name) {
            out.push((day, name));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- visits

/// A visit to plan: a unit of the campaign, its team and day.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitPlanInput {
    pub campaign_id: String,
    pub unit_id: String,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// One entry of `visits_plan_many` (the campaign is given once).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlanEntry {
    pub unit_id: String,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// The campaign a plan is written into, read once per transaction.
struct PlanTarget {
    campaign: Stored<Campaign>,
    criteria_set_id: String,
    /// Units that have a visit in the campaign already.
    planned: HashSet<String>,
}

impl PlanTarget {
    fn load(w: &Writer<'_>, campaign_id: &str) -> Result<PlanTarget> {
        let campaign = need::<Campaign>(w, campaign_id)?;
        let criteria_set_id = match &campaign.body.criteria_set_id {
            Some(id) => need::<CriteriaSet>(w, id)?.id,
            None => match newest_set(w)? {
                Some(id) => id,
                None => return refuse(Refusal::NoCriteriaSet),
            },
        };
        let planned = w
            .list_by::<Visit>("campaign_id", campaign_id)?
            .into_iter()
            .map(|v| v.body.unit_id)
            .collect();
        Ok(PlanTarget {
            campaign,
            criteria_set_id,
            planned,
        })
    }

    fn plan(
        &mut self,
        w: &mut Writer<'_>,
        unit_id: &str,
        team_id: Option<String>,
        date: Option<NaiveDate>,
    ) -> Result<Stored<Visit>> {
        let unit = need::<Unit>(w, unit_id)?;
        let day = date.unwrap_or_else(|| campaign_day(&self.campaign.body));
        unit_exists_on(&unit.body, day)?;
        if let Some(t) = &team_id {
            team_of(w, t, &self.campaign.id)?;
        }
        if !self.planned.insert(unit.id.clone()) {
            return refuse(Refusal::VisitExists {
                unit: unit.body.name,
                campaign: self.campaign.body.name.clone(),
            });
        }
        let body = Visit {
            campaign_id: self.campaign.id.clone(),
            unit_id: unit.id,
            team_id,
            date,
            status: VisitStatus::Planned,
            criteria_set_id: self.criteria_set_id.clone(),
            report_summary: String::new(),
            difficulties: String::new(),
            strengths: String::new(),
            shortcomings: String::new(),
            assessment: String::new(),
            overall_result: None,
            attendees: Vec::new(),
            questions: Vec::new(),
            signed_at: None,
            unlocks: Vec::new(),
        };
        let id = new_id();
        let rev = w.put(&id, &body)?;
        Ok(Stored { id, rev, body })
    }
}

fn unit_exists_on(u: &Unit, day: NaiveDate) -> Result<()> {
    if let Some(until) = u.valid_to.filter(|_| u.ended_before(day)) {
        return refuse(Refusal::UnitEnded {
            unit: u.name.clone(),
            until,
        });
    }
    if let Some(from) = u.valid_from.filter(|f| *f > day) {
        return refuse(Refusal::UnitNotYet {
            unit: u.name.clone(),
            from,
        });
    }
    Ok(())
}

/// The team, which must belong to the campaign.
fn team_of(w: &Writer<'_>, team_id: &str, campaign_id: &str) -> Result<Stored<Team>> {
    let team = need::<Team>(w, team_id)?;
    if team.body.campaign_id != campaign_id {
        return refuse(Refusal::TeamElsewhere {
            team: team.body.name,
        });
    }
    Ok(team)
}

fn unit_name(w: &Writer<'_>, unit_id: &str) -> Result<String> {
    Ok(w.get::<Unit>(unit_id)?
        .map(|u| u.body.name)
        .unwrap_or_default())
}

impl Store {
    // ------------------------------------------------------------ campaigns

    /// Create a campaign (name, year 1950–2100, dates in order); its default criteria set is
    /// the one given, else the newest.
    pub fn campaign_create(&mut self, input: CampaignInput) -> Result<Stored<Campaign>> {
        let given = resolve_opt(self, CriteriaSet::KIND, input.criteria_set_id.as_deref())?;
        let mut body = Campaign {
            name: clean(&input.name),
            year: input.year,
            theme: clean(&input.theme),
            start_date: input.start_date,
            end_date: input.end_date,
            decision_number: clean(&input.decision_number),
            issuing_body: clean(&input.issuing_body),
            place: clean(&input.place),
            criteria_set_id: given,
            report: None,
        };
        check_campaign(&body)?;
        self.write(|w| {
            if body.criteria_set_id.is_none() {
                body.criteria_set_id = match newest_set(w)? {
                    Some(set) => Some(set),
                    // The first campaign on a fresh database starts from the Youth Union's
                    // standard set (7 topics), which the secretariat can then edit.
                    None => {
                        let set = new_id();
                        w.put(&set, &crate::demo::default_criteria())?;
                        Some(set)
                    }
                };
            }
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Change a campaign's fields; moving its criteria set affects only visits planned later.
    pub fn campaign_update(&mut self, id: &str, patch: CampaignPatch) -> Result<Stored<Campaign>> {
        let id = self.resolve_id(Campaign::KIND, id)?;
        let set = resolve_opt(self, CriteriaSet::KIND, patch.criteria_set_id.as_deref())?;
        self.write(|w| {
            let mut c = need::<Campaign>(w, &id)?.body;
            if let Some(x) = patch.name {
                c.name = clean(&x);
            }
            if let Some(x) = patch.year {
                c.year = x;
            }
            if let Some(x) = patch.theme {
                c.theme = clean(&x);
            }
            if let Some(x) = patch.start_date {
                c.start_date = x;
            }
            if let Some(x) = patch.end_date {
                c.end_date = x;
            }
            if let Some(x) = patch.decision_number {
                c.decision_number = clean(&x);
            }
            if let Some(x) = patch.issuing_body {
                c.issuing_body = clean(&x);
            }
            if let Some(x) = patch.place {
                c.place = clean(&x);
            }
            if set.is_some() {
                c.criteria_set_id = set;
            }
            if let Some(x) = patch.report {
                c.report = x;
            }
            check_campaign(&c)?;
            let rev = w.put(&id, &c)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: c,
            })
        })
    }

    // ------------------------------------------------------------ inspectors and teams

    /// Add an inspector.
    pub fn inspector_create(&mut self, input: InspectorInput) -> Result<Stored<Inspector>> {
        let body = Inspector {
            full_name: clean(&input.full_name),
            title: clean(&input.title),
            organisation: clean(&input.organisation),
        };
        self.write(|w| {
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Change an inspector's name, title or organisation.
    pub fn inspector_update(
        &mut self,
        id: &str,
        patch: InspectorPatch,
    ) -> Result<Stored<Inspector>> {
        let id = self.resolve_id(Inspector::KIND, id)?;
        self.write(|w| {
            let mut i = need::<Inspector>(w, &id)?.body;
            if let Some(x) = patch.full_name {
                i.full_name = clean(&x);
            }
            if let Some(x) = patch.title {
                i.title = clean(&x);
            }
            if let Some(x) = patch.organisation {
                i.organisation = clean(&x);
            }
            let rev = w.put(&id, &i)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: i,
            })
        })
    }

    /// The inspector with this full name (ignoring case and diacritics), created if none.
    pub fn inspector_find_or_create(&mut self, full_name: &str) -> Result<Stored<Inspector>> {
        self.write(|w| inspector_named(w, full_name))
    }

    /// Create a team of a campaign with its members (at most one head; members by id or by
    /// name, created when new).
    pub fn team_create(&mut self, input: TeamInput) -> Result<Stored<Team>> {
        let campaign_id = self.resolve_id(Campaign::KIND, &input.campaign_id)?;
        let members = resolve_members(self, input.members)?;
        let name = clean(&input.name);
        self.write(|w| {
            let id = new_id();
            check_team_name(w, &campaign_id, &id, &name)?;
            let body = Team {
                campaign_id: campaign_id.clone(),
                name,
                members: members_in(w, members)?,
            };
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Rename a team or replace its member list (roles included).
    pub fn team_update(&mut self, id: &str, patch: TeamPatch) -> Result<Stored<Team>> {
        let id = self.resolve_id(Team::KIND, id)?;
        let members = patch
            .members
            .map(|m| resolve_members(self, m))
            .transpose()?;
        self.write(|w| {
            let mut t = need::<Team>(w, &id)?.body;
            if let Some(name) = patch.name {
                t.name = clean(&name);
                check_team_name(w, &t.campaign_id, &id, &t.name)?;
            }
            if let Some(list) = members {
                t.members = members_in(w, list)?;
            }
            let rev = w.put(&id, &t)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: t,
            })
        })
    }

    /// Add one member by full name (the inspector is created when nobody has that name).
    pub fn team_add_member(
        &mut self,
        team_id: &str,
        full_name: &str,
        role: Role,
    ) -> Result<Stored<Team>> {
        let id = self.resolve_id(Team::KIND, team_id)?;
        let name = clean(full_name);
        if name.is_empty() {
            return Err(Error::Invalid(Invalid::EmptyText("name")));
        }
        self.write(|w| {
            let mut t = need::<Team>(w, &id)?.body;
            let mut list: Vec<Member> = t
                .members
                .iter()
                .map(|m| Member {
                    id: Some(m.inspector_id.clone()),
                    name: String::new(),
                    role: m.role,
                })
                .collect();
            list.push(Member {
                id: None,
                name,
                role,
            });
            t.members = members_in(w, list)?;
            let rev = w.put(&id, &t)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: t,
            })
        })
    }

    /// Delete a team; refused while visits are assigned to it.
    pub fn team_delete(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_id(Team::KIND, id)?;
        self.write(|w| {
            let t = need::<Team>(w, &id)?;
            let visits = w
                .list_by::<Visit>("campaign_id", &t.body.campaign_id)?
                .iter()
                .filter(|v| v.body.team_id.as_deref() == Some(id.as_str()))
                .count();
            if visits > 0 {
                return refuse(Refusal::TeamHasVisits {
                    team: t.body.name,
                    visits,
                });
            }
            w.delete(Team::KIND, &id)?;
            Ok(())
        })
    }

    // ------------------------------------------------------------ criteria sets

    /// How many visits are checked against this criteria-set version.
    pub fn criteria_set_in_use(&self, id: &str) -> Result<usize> {
        let id = self.resolve_id(CriteriaSet::KIND, id)?;
        Ok(self.list_by::<Visit>("criteria_set_id", &id)?.len())
    }

    /// Create a new criteria set (version 1); its code must be new.
    pub fn criteria_set_create(&mut self, set: CriteriaSet) -> Result<Stored<CriteriaSet>> {
        let mut body = clean_criteria(set)?;
        if body.code.is_empty() {
            return refuse(Refusal::MissingCode {
                title: body.name.clone(),
            });
        }
        body.version = 1;
        self.write(|w| {
            let key = text::fold(&body.code);
            if w.list::<CriteriaSet>()?
                .iter()
                .any(|s| text::fold(&s.body.code) == key)
            {
                return refuse(Refusal::CriteriaCodeExists { code: body.code });
            }
            let id = new_id();
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Save an edited criteria set. Unused by visits: changed in place. Used: a new version
    /// (same code, highest version + 1) is made, the old one stays as its visits know it,
    /// and campaigns defaulting to the old one move to the new one. Code and version are
    /// kept by the store (a blank code means "the same").
    pub fn criteria_set_save(&mut self, id: &str, set: CriteriaSet) -> Result<CriteriaSaved> {
        let id = self.resolve_id(CriteriaSet::KIND, id)?;
        let mut body = clean_criteria(set)?;
        self.write(|w| {
            let old = need::<CriteriaSet>(w, &id)?;
            if !body.code.is_empty() && text::fold(&body.code) != text::fold(&old.body.code) {
                return refuse(Refusal::CriteriaCodeChanged {
                    from: old.body.code,
                    to: body.code,
                });
            }
            body.code = old.body.code.clone();
            body.version = old.body.version;
            let in_use = !w.list_by::<Visit>("criteria_set_id", &id)?.is_empty();
            if body == old.body || !in_use {
                let rev = w.put(&id, &body)?;
                return Ok(CriteriaSaved {
                    id: id.clone(),
                    rev,
                    version: body.version,
                    new_version: false,
                    campaigns_moved: Vec::new(),
                });
            }
            body.version = w
                .list::<CriteriaSet>()?
                .iter()
                .filter(|s| s.body.code == body.code)
                .map(|s| s.body.version)
                .max()
                .unwrap_or(body.version)
                + 1;
            let new = new_id();
            let rev = w.put(&new, &body)?;
            let mut moved = Vec::new();
            for c in w.list::<Campaign>()? {
                if c.body.criteria_set_id.as_deref() == Some(id.as_str()) {
                    let mut b = c.body;
                    b.criteria_set_id = Some(new.clone());
                    w.put(&c.id, &b)?;
                    moved.push(c.id);
                }
            }
            Ok(CriteriaSaved {
                id: new,
                rev,
                version: body.version,
                new_version: true,
                campaigns_moved: moved,
            })
        })
    }

    /// Every version of the criteria set with this code, oldest first.
    pub fn criteria_versions(&self, code: &str) -> Result<Vec<CriteriaVersion>> {
        let key = text::fold(code);
        let mut out = Vec::new();
        for s in self.list::<CriteriaSet>()? {
            if text::fold(&s.body.code) != key {
                continue;
            }
            out.push(CriteriaVersion {
                in_use: self.list_by::<Visit>("criteria_set_id", &s.id)?.len(),
                id: s.id,
                name: s.body.name,
                version: s.body.version,
            });
        }
        out.sort_by(|a, b| (a.version, &a.id).cmp(&(b.version, &b.id)));
        Ok(out)
    }

    // ------------------------------------------------------------ units

    /// Add a unit, under a parent that exists at the time (or at the top).
    pub fn unit_create(&mut self, input: UnitInput) -> Result<Stored<Unit>> {
        let parent = resolve_opt(self, Unit::KIND, input.parent_id.as_deref())?;
        let body = Unit {
            name: clean(&input.name),
            short_name: clean(&input.short_name),
            code: clean(&input.code),
            kind: clean(&input.kind),
            level_label: clean(&input.level_label),
            parent_id: parent,
            valid_from: input.valid_from,
            valid_to: input.valid_to,
            merged_into: None,
        };
        self.write(|w| {
            let id = new_id();
            let units = w.list::<Unit>()?;
            check_unit(&units, &id, &body)?;
            if let Some(p) = &body.parent_id {
                let map = units.iter().map(|u| (u.id.as_str(), u)).collect();
                check_parent(&map, None, &body.name, p, unit_day(&body, today()))?;
            }
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Rename or otherwise edit a unit. Old campaigns keep showing the old name
    /// (`unit_name_at`). Setting `valid_to` ends the unit (refused while it has live
    /// sub-units); clearing it brings the unit back.
    pub fn unit_update(&mut self, id: &str, patch: UnitPatch) -> Result<Stored<Unit>> {
        let id = self.resolve_id(Unit::KIND, id)?;
        self.write(|w| {
            let units = w.list::<Unit>()?;
            let mut u = need::<Unit>(w, &id)?.body;
            if let Some(x) = patch.name {
                u.name = clean(&x);
            }
            if let Some(x) = patch.short_name {
                u.short_name = clean(&x);
            }
            if let Some(x) = patch.code {
                u.code = clean(&x);
            }
            if let Some(x) = patch.kind {
                u.kind = clean(&x);
            }
            if let Some(x) = patch.level_label {
                u.level_label = clean(&x);
            }
            if let Some(x) = patch.valid_from {
                u.valid_from = x;
            }
            match patch.valid_to {
                Some(Some(last)) => {
                    let children = live_children(&units, &id, last);
                    if !children.is_empty() {
                        return refuse(Refusal::UnitHasChildren {
                            unit: u.name,
                            children,
                        });
                    }
                    u.valid_to = Some(last);
                }
                Some(None) => {
                    u.valid_to = None;
                    u.merged_into = None;
                }
                None => {}
            }
            check_unit(&units, &id, &u)?;
            let rev = w.put(&id, &u)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: u,
            })
        })
    }

    /// Move a unit under another parent (None: to the top). Refused under itself or one of
    /// its sub-units, and under a unit dissolved by then.
    pub fn unit_move(&mut self, id: &str, parent_id: Option<&str>) -> Result<Stored<Unit>> {
        let id = self.resolve_id(Unit::KIND, id)?;
        let parent = resolve_opt(self, Unit::KIND, parent_id)?;
        self.write(|w| {
            let units = w.list::<Unit>()?;
            let mut u = need::<Unit>(w, &id)?.body;
            if let Some(p) = &parent {
                let map = units.iter().map(|u| (u.id.as_str(), u)).collect();
                check_parent(&map, Some(&id), &u.name, p, unit_day(&u, today()))?;
            }
            u.parent_id = parent;
            check_unit(&units, &id, &u)?;
            let rev = w.put(&id, &u)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: u,
            })
        })
    }

    /// Merge units into another: each merged unit ends on `last_day` (its `valid_to`) with
    /// `merged_into` set, and its live sub-units move under `into`.
    pub fn unit_merge(
        &mut self,
        from: Vec<String>,
        into: &str,
        last_day: NaiveDate,
    ) -> Result<UnitMerged> {
        let into = self.resolve_id(Unit::KIND, into)?;
        let mut ids: Vec<String> = Vec::new();
        for f in &from {
            let f = self.resolve_id(Unit::KIND, f)?;
            if !ids.contains(&f) {
                ids.push(f);
            }
        }
        if ids.is_empty() {
            return refuse(Refusal::NothingToMerge);
        }
        self.write(|w| {
            let units = w.list::<Unit>()?;
            let map: HashMap<&str, &Stored<Unit>> =
                units.iter().map(|u| (u.id.as_str(), u)).collect();
            let target = need::<Unit>(w, &into)?;
            if let Some(until) = target.body.valid_to.filter(|t| *t <= last_day) {
                return refuse(Refusal::UnitEnded {
                    unit: target.body.name,
                    until,
                });
            }
            for id in &ids {
                let u = need::<Unit>(w, id)?;
                if *id == into {
                    return refuse(Refusal::MergeIntoItself { unit: u.body.name });
                }
                if let Some(until) = u.body.valid_to.filter(|t| *t < last_day) {
                    return refuse(Refusal::UnitEnded {
                        unit: u.body.name,
                        until,
                    });
                }
                // `into` below a merged unit would become its own ancestor once the
                // sub-units move.
                let mut cur = target.body.parent_id.as_deref();
                let mut seen = HashSet::new();
                while let Some(x) = cur.filter(|x| seen.insert(*x)) {
                    if x == id {
                        return refuse(Refusal::MergeIntoDescendant {
                            unit: u.body.name,
                            into: target.body.name,
                        });
                    }
                    cur = map.get(x).and_then(|p| p.body.parent_id.as_deref());
                }
            }
            let mut moved = Vec::new();
            for c in &units {
                let under_merged = c.body.parent_id.as_ref().is_some_and(|p| ids.contains(p));
                if under_merged && !ids.contains(&c.id) && outlives(&c.body, last_day) {
                    let mut b = c.body.clone();
                    b.parent_id = Some(into.clone());
                    w.put(&c.id, &b)?;
                    moved.push(c.id.clone());
                }
            }
            for id in &ids {
                let mut b = need::<Unit>(w, id)?.body;
                b.valid_to = Some(last_day);
                b.merged_into = Some(into.clone());
                w.put(id, &b)?;
            }
            Ok(UnitMerged {
                into: into.clone(),
                merged: ids,
                moved,
            })
        })
    }

    /// Dissolve a unit: it ends on `last_day`. Refused while it has sub-units that live on
    /// (move or merge them first).
    pub fn unit_dissolve(&mut self, id: &str, last_day: NaiveDate) -> Result<Stored<Unit>> {
        let id = self.resolve_id(Unit::KIND, id)?;
        self.write(|w| {
            let mut u = need::<Unit>(w, &id)?.body;
            if let Some(until) = u.valid_to {
                return refuse(Refusal::UnitEnded {
                    unit: u.name,
                    until,
                });
            }
            if let Some(start) = u.valid_from.filter(|f| *f > last_day) {
                return refuse(Refusal::DateOrder {
                    start,
                    end: last_day,
                });
            }
            let children = live_children(&w.list::<Unit>()?, &id, last_day);
            if !children.is_empty() {
                return refuse(Refusal::UnitHasChildren {
                    unit: u.name,
                    children,
                });
            }
            u.valid_to = Some(last_day);
            let rev = w.put(&id, &u)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: u,
            })
        })
    }

    /// The unit's name as it was on `day` (from its revisions' history), for old campaigns.
    pub fn unit_name_at(&self, id: &str, day: NaiveDate) -> Result<String> {
        let id = self.resolve_id(Unit::KIND, id)?;
        let current = self.require::<Unit>(&id)?.body.name;
        NameBook::new(self.conn()).name_at(&id, &current, day)
    }

    // ------------------------------------------------------------ visits

    /// Plan a visit: planned, checked against the campaign's current criteria set. Refused
    /// for a unit that has a visit in the campaign already or did not exist on the day.
    pub fn visit_plan(&mut self, input: VisitPlanInput) -> Result<Stored<Visit>> {
        let campaign_id = self.resolve_id(Campaign::KIND, &input.campaign_id)?;
        let unit_id = self.resolve_id(Unit::KIND, &input.unit_id)?;
        let team_id = resolve_opt(self, Team::KIND, input.team_id.as_deref())?;
        self.write(|w| PlanTarget::load(w, &campaign_id)?.plan(w, &unit_id, team_id, input.date))
    }

    /// Plan many visits of one campaign, all or nothing; an error names its entry.
    pub fn visits_plan_many(
        &mut self,
        campaign_id: &str,
        entries: Vec<PlanEntry>,
    ) -> Result<Vec<Stored<Visit>>> {
        let campaign_id = self.resolve_id(Campaign::KIND, campaign_id)?;
        // The entry an error belongs to, whichever layer made it.
        fn in_entry<E: Into<Error>>(index: usize) -> impl Fn(E) -> Error {
            move |e| Error::InBatch {
                index,
                error: Box::new(e.into()),
            }
        }
        let mut resolved = Vec::with_capacity(entries.len());
        for (i, e) in entries.into_iter().enumerate() {
            let unit = self
                .resolve_id(Unit::KIND, &e.unit_id)
                .map_err(in_entry(i))?;
            let team = resolve_opt(self, Team::KIND, e.team_id.as_deref()).map_err(in_entry(i))?;
            resolved.push((unit, team, e.date));
        }
        self.write(|w| {
            let mut target = PlanTarget::load(w, &campaign_id)?;
            let mut out = Vec::with_capacity(resolved.len());
            for (i, (unit, team, date)) in resolved.into_iter().enumerate() {
                out.push(target.plan(w, &unit, team, date).map_err(in_entry(i))?);
            }
            Ok(out)
        })
    }

    /// Give a visit another team and/or day (None clears). Refused once signed.
    pub fn visit_reschedule(
        &mut self,
        id: &str,
        team_id: Option<&str>,
        date: Option<NaiveDate>,
    ) -> Result<Stored<Visit>> {
        let id = self.resolve_id(Visit::KIND, id)?;
        let team_id = resolve_opt(self, Team::KIND, team_id)?;
        self.write(|w| {
            let mut v = need::<Visit>(w, &id)?.body;
            if v.status == VisitStatus::Signed {
                return Err(Error::VisitLocked {
                    unit: unit_name(w, &v.unit_id)?,
                });
            }
            if let Some(t) = &team_id {
                team_of(w, t, &v.campaign_id)?;
            }
            if let Some(d) = date {
                unit_exists_on(&need::<Unit>(w, &v.unit_id)?.body, d)?;
            }
            v.team_id = team_id;
            v.date = date;
            let rev = w.put(&id, &v)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: v,
            })
        })
    }

    /// Take a visit off the plan (a tombstone: its history stays). Only while it is planned
    /// and nothing is recorded for it.
    pub fn visit_cancel(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_id(Visit::KIND, id)?;
        self.write(|w| {
            let v = need::<Visit>(w, &id)?.body;
            if v.status != VisitStatus::Planned {
                return refuse(Refusal::VisitStarted {
                    unit: unit_name(w, &v.unit_id)?,
                    status: v.status,
                });
            }
            let findings = w.list_by::<Finding>("visit_id", &id)?.len();
            let recommendations = w.list_by::<Recommendation>("visit_id", &id)?.len();
            let attachments = w.list_by::<Attachment>("visit_id", &id)?.len();
            if findings + recommendations + attachments > 0 {
                return refuse(Refusal::VisitHasRecords {
                    unit: unit_name(w, &v.unit_id)?,
                    findings,
                    recommendations,
                    attachments,
                });
            }
            w.delete(Visit::KIND, &id)?;
            Ok(())
        })
    }
}
