//! Why an operation on the campaign's setup was refused: each reason a stable code and a
//! message that says what to do instead.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::dmy;
use crate::lang::{Lang, Localize};
use crate::model::{VisitStatus, CAMPAIGN_YEARS};

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
    /// A visit's day outside the campaign's dates, given without saying so on purpose.
    VisitOutsideCampaign {
        unit: String,
        date: NaiveDate,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    },
    CancelNeedsReason,
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
        out.push_str(&lang.pick(
            format!(" và {more} đơn vị khác"),
            format!(" and {more} more"),
        ));
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
            Refusal::VisitOutsideCampaign { .. } => "visit_outside_campaign",
            Refusal::CancelNeedsReason => "cancel_needs_reason",
        }
    }
}

impl Localize for Refusal {
    fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::Year { year } => lang.pick(
format!(
                "Năm {year} không hợp lệ; năm của đợt kiểm tra phải từ {} đến {}.",
                CAMPAIGN_YEARS.start(),
                CAMPAIGN_YEARS.end()
            ),
format!(
                "Year {year} is not valid; a campaign's year must be between {} and {}.",
                CAMPAIGN_YEARS.start(),
                CAMPAIGN_YEARS.end()
            ),
),
            Refusal::DateOrder { start, end } => lang.pick(
format!(
                "Ngày kết thúc {} trước ngày bắt đầu {}.",
                dmy(*end),
                dmy(*start)
            ),
format!(
                "The end date {} is before the start date {}.",
                dmy(*end),
                dmy(*start)
            ),
),
            Refusal::NoCriteriaSet => lang.pick(
{
                "Chưa có bộ tiêu chí nào; hãy tạo hoặc nạp bộ tiêu chí trước.".to_string()
            },
{
                "There is no criteria set yet; create or load one first.".to_string()
            },
),
            Refusal::CriteriaEmpty => lang.pick(
"Bộ tiêu chí phải có ít nhất một nội dung.".to_string(),
"A criteria set needs at least one topic.".to_string(),
),
            Refusal::TopicEmpty { topic } => lang.pick(
{
                format!("Nội dung \"{topic}\" chưa có tiêu chí nào.")
            },
format!("Topic \"{topic}\" has no items."),
),
            Refusal::MissingCode { title } => lang.pick(
format!("\"{title}\" chưa có mã."),
format!("\"{title}\" has no code."),
),
            Refusal::MissingTitle { code } => lang.pick(
format!("Mục {code} chưa có tên."),
format!("{code} has no title."),
),
            Refusal::DuplicateCode { code } => lang.pick(
{
                format!("Mã {code} bị trùng trong bộ tiêu chí; mỗi mục cần một mã riêng.")
            },
{
                format!("Code {code} appears twice in the criteria set; each needs its own.")
            },
),
            Refusal::MaxPoints { code } => lang.pick(
format!(
                "Tiêu chí {code} chấm bằng điểm nhưng chưa có điểm tối đa (lớn hơn 0)."
            ),
{
                format!("Item {code} is scored in points but has no maximum (above 0).")
            },
),
            Refusal::PointsOnPassFail { code } => lang.pick(
format!(
                "Tiêu chí {code} đánh giá Đạt/Chưa đạt nên không có điểm tối đa; hãy bỏ điểm tối đa hoặc chuyển sang chấm điểm."
            ),
format!(
                "Item {code} is rated met/not met, so it has no maximum points; remove the maximum or score it in points."
            ),
),
            Refusal::CriteriaCodeChanged { from, to } => lang.pick(
format!(
                "Không đổi được mã bộ tiêu chí từ {from} sang {to}: các phiên bản của một bộ dùng chung một mã. Muốn có bộ khác, hãy tạo bộ mới."
            ),
format!(
                "A criteria set's code cannot change ({from} → {to}): its versions share one code. Create a new set instead."
            ),
),
            Refusal::CriteriaCodeExists { code } => lang.pick(
format!(
                "Đã có bộ tiêu chí mã {code}; hãy sửa bộ đó (nếu bộ đang được dùng, sẽ tạo phiên bản mới)."
            ),
format!(
                "A criteria set with code {code} exists; edit it instead (a new version is made if it is in use)."
            ),
),
            Refusal::TwoHeads { names } => lang.pick(
format!(
                "Một đoàn chỉ có một trưởng đoàn, nhưng có {}: {}.",
                names.len(),
                some_names(names, Lang::Vi)
            ),
format!(
                "A team has one head only, but {} were given: {}.",
                names.len(),
                some_names(names, Lang::En)
            ),
),
            Refusal::MemberTwice { name } => lang.pick(
format!("\"{name}\" có tên hai lần trong đoàn."),
format!("\"{name}\" is listed twice in the team."),
),
            Refusal::MemberUnnamed => lang.pick(
"Mỗi thành viên đoàn cần họ tên hoặc mã.".to_string(),
"Each team member needs a full name or an id.".to_string(),
),
            Refusal::InspectorAmbiguous { name, count } => lang.pick(
format!(
                "Có {count} người tên \"{name}\"; hãy chọn đúng người theo mã."
            ),
format!(
                "{count} inspectors are named \"{name}\"; choose the right one by id."
            ),
),
            Refusal::TeamNameTaken { name } => lang.pick(
{
                format!("Đợt kiểm tra đã có đoàn \"{name}\"; hãy đặt tên khác.")
            },
format!(
                "The campaign already has a team \"{name}\"; choose another name."
            ),
),
            Refusal::TeamHasVisits { team, visits } => lang.pick(
format!(
                "Không xóa được \"{team}\": đoàn đang được phân công {visits} buổi kiểm tra. Hãy giao các buổi đó cho đoàn khác hoặc hủy chúng trước."
            ),
format!(
                "Cannot delete \"{team}\": it is assigned {visits} visit(s). Give them to another team or cancel them first."
            ),
),
            Refusal::TeamElsewhere { team } => lang.pick(
{
                format!("Đoàn \"{team}\" thuộc một đợt kiểm tra khác.")
            },
{
                format!("Team \"{team}\" belongs to another campaign.")
            },
),
            Refusal::UnitCodeTaken { code, other } => lang.pick(
{
                format!("Mã {code} đã dùng cho đơn vị \"{other}\".")
            },
{
                format!("Code {code} is already used by \"{other}\".")
            },
),
            Refusal::UnitNameTaken { name } => lang.pick(
format!(
                "Đơn vị cấp trên đã có đơn vị \"{name}\" đang hoạt động; hãy đặt tên khác hoặc sửa đơn vị đó."
            ),
format!(
                "The parent already has a live unit \"{name}\"; choose another name or edit that unit."
            ),
),
            Refusal::UnitCycle { unit, parent } => lang.pick(
format!(
                "Không chuyển được \"{unit}\" vào \"{parent}\": \"{parent}\" là chính nó hoặc một đơn vị trực thuộc nó."
            ),
format!(
                "Cannot move \"{unit}\" under \"{parent}\": that is the unit itself or one of its own sub-units."
            ),
),
            Refusal::UnitEnded { unit, until } => lang.pick(
format!(
                "Đơn vị \"{unit}\" đã giải thể hoặc sáp nhập (chỉ hoạt động đến {}).",
                dmy(*until)
            ),
format!(
                "\"{unit}\" was dissolved or merged (it existed until {}).",
                dmy(*until)
            ),
),
            Refusal::UnitNotYet { unit, from } => lang.pick(
{
                format!("Đơn vị \"{unit}\" chỉ có từ ngày {}.", dmy(*from))
            },
{
                format!("\"{unit}\" exists only from {}.", dmy(*from))
            },
),
            Refusal::UnitHasChildren { unit, children } => lang.pick(
format!(
                "Chưa giải thể được \"{unit}\": còn {} đơn vị trực thuộc đang hoạt động ({}). Hãy chuyển các đơn vị đó sang đơn vị khác hoặc sáp nhập chúng trước.",
                children.len(),
                some_names(children, Lang::Vi)
            ),
format!(
                "Cannot dissolve \"{unit}\": {} live sub-unit(s) remain ({}). Move or merge them first.",
                children.len(),
                some_names(children, Lang::En)
            ),
),
            Refusal::NothingToMerge => lang.pick(
"Chưa chọn đơn vị nào để sáp nhập.".to_string(),
"No units to merge were given.".to_string(),
),
            Refusal::MergeIntoItself { unit } => lang.pick(
{
                format!("Không sáp nhập được \"{unit}\" vào chính nó.")
            },
format!("Cannot merge \"{unit}\" into itself."),
),
            Refusal::MergeIntoDescendant { unit, into } => lang.pick(
format!(
                "Không sáp nhập được \"{unit}\" vào \"{into}\" vì \"{into}\" trực thuộc \"{unit}\"."
            ),
format!(
                "Cannot merge \"{unit}\" into \"{into}\": \"{into}\" is one of its sub-units."
            ),
),
            Refusal::VisitExists { unit, campaign } => lang.pick(
format!(
                "\"{unit}\" đã có buổi kiểm tra trong đợt \"{campaign}\"; hãy đổi lịch buổi đó thay vì thêm buổi mới."
            ),
format!(
                "\"{unit}\" already has a visit in \"{campaign}\"; reschedule that one instead of adding another."
            ),
),
            Refusal::VisitStarted { unit, status } => lang.pick(
format!(
                "Không hủy được buổi kiểm tra tại \"{unit}\": buổi này đã ở trạng thái \"{}\". Chỉ hủy được buổi còn ở kế hoạch.",
                status.message(Lang::Vi)
            ),
format!(
                "Cannot cancel the visit to \"{unit}\": it is already \"{}\". Only planned visits can be cancelled.",
                status.message(Lang::En)
            ),
),
            Refusal::VisitOutsideCampaign {
                unit,
                date,
                start,
                end,
            } => {
                let span = |lang: Lang| match (start, end) {
                    (Some(s), Some(e)) => format!("{} – {}", dmy(*s), dmy(*e)),
                    (Some(s), None) => lang.pick(format!("từ {}", dmy(*s)), format!("from {}", dmy(*s))),
                    (None, Some(e)) => lang.pick(format!("đến {}", dmy(*e)), format!("until {}", dmy(*e))),
                    (None, None) => String::new(),
                };
                lang.pick(
                    format!(
                        "Ngày {} của buổi kiểm tra tại \"{unit}\" nằm ngoài thời gian của đợt kiểm tra ({}). Nếu đúng là ngày đó, hãy xác nhận kiểm tra ngoài thời gian đợt.",
                        dmy(*date),
                        span(Lang::Vi)
                    ),
                    format!(
                        "{} for the visit to \"{unit}\" is outside the campaign's dates ({}). If that is the day, confirm a visit outside the campaign.",
                        dmy(*date),
                        span(Lang::En)
                    ),
                )
            }
            Refusal::CancelNeedsReason => lang.pick(
                "Hãy ghi lý do hủy buổi kiểm tra (lý do được lưu trong lịch sử).".to_string(),
                "Give the reason for cancelling the visit (it is kept in the history).".to_string(),
            ),
            Refusal::VisitHasRecords {
                unit,
                findings,
                recommendations,
                attachments,
            } => lang.pick(
{
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
            },
{
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
            },
),
        }
    }
}
