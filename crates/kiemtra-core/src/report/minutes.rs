//! The minutes of one visit (Biên bản kiểm tra) as data.

use std::collections::HashMap;

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct TeamLine {
    pub full_name: String,
    pub title: String,
    pub role: Role,
    /// "Trưởng đoàn", "Thành viên", "Thư ký".
    pub role_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MinutesItem {
    pub code: String,
    pub title: String,
    pub scale: Scale,
    pub max_points: Option<u32>,
    pub rating: Option<Rating>,
    pub points: Option<f64>,
    /// "Đạt", "Chưa đạt", "8/10 điểm" or "" when not rated.
    pub result: String,
    pub note: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MinutesTopic {
    pub code: String,
    pub title: String,
    pub items: Vec<MinutesItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecommendationLine {
    pub text: String,
    pub raised_by: RaisedBy,
    pub authority: Authority,
    pub authority_label: String,
    pub status: RecStatus,
    pub due_date: Option<NaiveDate>,
}

/// The minutes of one visit (Biên bản kiểm tra), as data.
#[derive(Debug, Clone, Serialize)]
pub struct VisitMinutes {
    pub visit_id: String,
    pub heading: Heading,
    pub campaign_name: String,
    pub decision_number: String,
    pub issuing_body: String,
    pub unit_name: String,
    pub unit_level: String,
    pub date: Option<NaiveDate>,
    /// "8 giờ 00", or blank to write by hand.
    pub started: String,
    /// Where the meeting was held, or blank.
    pub place: String,
    pub status: VisitStatus,
    pub signed_at: Option<String>,
    pub team_name: String,
    pub team: Vec<TeamLine>,
    /// The unit's people, then guests.
    pub unit_attendees: Vec<Attendee>,
    pub guests: Vec<Attendee>,
    pub topics: Vec<MinutesTopic>,
    pub rated: usize,
    pub total_items: usize,
    pub report_summary: String,
    pub difficulties: String,
    pub questions: Vec<Question>,
    pub strengths: String,
    pub shortcomings: String,
    pub assessment: String,
    pub overall_result: Option<OverallResult>,
    pub overall_label: String,
    pub recommendations: Vec<RecommendationLine>,
    pub head_name: String,
    pub secretary_name: String,
    /// The first of the unit's attendees, who signs for the unit.
    pub unit_representative: String,
    pub unit_representative_position: String,
    pub recipients: Vec<String>,
    /// When the meeting ended, as the minutes write it: "16 giờ 30" on the visit's day, or
    /// "16 giờ 30 ngày 10/11/2023" on another; blank until signed (written by hand).
    pub ended: String,
    /// The files attached to the visit: "caption (file name)".
    pub attachments: Vec<String>,
    pub warnings: Vec<Warning>,
    /// Not the signed record (not signed, in conflict, or changed after signing): printed
    /// with "DỰ THẢO" in the heading and on every page.
    pub draft: bool,
}

/// A time of day as the minutes write it: "8 giờ 05".
fn clock_vi(hour: u32, minute: u32) -> String {
    format!("{hour} giờ {minute:02}")
}

/// "08:05" (as the visit keeps it) as the minutes write it; blank stays blank.
fn started_at(start_time: &str) -> String {
    match start_time.split_once(':') {
        Some((h, m)) => clock_vi(h.parse().unwrap_or(0), m.parse().unwrap_or(0)),
        None => String::new(),
    }
}

/// The end of the meeting from the signing time ("2023-11-09T16:30:00+07:00"), in the time
/// zone it was signed in.
fn ended_at(signed_at: Option<&str>, day: Option<NaiveDate>) -> String {
    let Some(t) = signed_at.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()) else {
        return String::new();
    };
    use chrono::Timelike;
    let time = clock_vi(t.hour(), t.minute());
    if Some(t.date_naive()) == day {
        time
    } else {
        format!("{time} ngày {}", date_vi(Some(t.date_naive())))
    }
}

fn result_text(item: &Item, f: Option<&Finding>) -> String {
    match f {
        Some(f) if f.rating.is_some() => f
            .rating
            .map(|r| r.message(Lang::Vi))
            .unwrap_or_default()
            .to_string(),
        Some(Finding {
            points: Some(p), ..
        }) => match item.max_points {
            Some(m) => format!("{}/{m} điểm", fmt_num(*p)),
            None => format!("{} điểm", fmt_num(*p)),
        },
        _ => String::new(),
    }
}

impl Store {
    /// The minutes of one visit.
    pub fn visit_minutes(&self, visit_id: &str) -> Result<VisitMinutes> {
        let id = self.resolve_id(Visit::KIND, visit_id)?;
        let d = self.visit_detail(&id)?;
        let campaign = self.require::<Campaign>(&d.campaign.id)?;
        let settings = campaign.body.report_settings();
        let v = &d.visit.body;
        // The minutes' number is the visit's place in the campaign's list.
        let n = self
            .visit_rows(Some(&campaign.id))?
            .iter()
            .position(|r| r.id == id)
            .map(|i| i + 1)
            .unwrap_or(1);
        let unit = d.unit.name.clone();
        let mut warnings = Vec::new();
        warnings.extend(status_warning(&unit, v.status));
        let (conflicted, conflicted_visits) = self.conflict_index()?;
        if conflicted_visits.contains(&id) {
            warnings.push(Warning::Conflict { unit: unit.clone() });
        }
        if !d.after_signing.is_empty() {
            warnings.push(Warning::ChangedAfterSigning {
                unit: unit.clone(),
                count: d.after_signing.len(),
            });
        }
        let visit = crate::store::Stored {
            id: d.visit.id.clone(),
            rev: d.visit.rev.clone(),
            body: d.visit.body.clone(),
        };
        let findings: HashMap<String, Finding> = self
            .visit_records::<Finding>(&visit)?
            .into_iter()
            .map(|f| (f.body.item_code.clone(), f.body))
            .collect();
        let topics: Vec<MinutesTopic> = d
            .criteria
            .set
            .topics
            .iter()
            .map(|t| MinutesTopic {
                code: t.code.clone(),
                title: t.title.clone(),
                items: t
                    .items
                    .iter()
                    .map(|i| {
                        let f = findings.get(&i.code);
                        MinutesItem {
                            code: i.code.clone(),
                            title: i.title.clone(),
                            scale: i.scale,
                            max_points: i.max_points,
                            rating: f.and_then(|f| f.rating),
                            points: f.and_then(|f| f.points),
                            result: result_text(i, f),
                            note: f.map(|f| f.note.clone()).unwrap_or_default(),
                            explanation: f.map(|f| f.explanation.clone()).unwrap_or_default(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let team: Vec<TeamLine> = d
            .team
            .as_ref()
            .map(|t| {
                t.members
                    .iter()
                    .map(|m| TeamLine {
                        full_name: m.full_name.clone(),
                        title: m.title.clone(),
                        role: m.role,
                        role_label: m.role.message(Lang::Vi),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if d.team.is_none() {
            warnings.push(Warning::NoTeam { unit: unit.clone() });
        }
        let name_of = |r: Role| {
            team.iter()
                .find(|m| m.role == r)
                .map(|m| m.full_name.clone())
                .unwrap_or_default()
        };
        let (unit_attendees, guests): (Vec<Attendee>, Vec<Attendee>) = v
            .attendees
            .iter()
            .cloned()
            .partition(|a| a.side == Side::Unit);
        let recommendations = d
            .recommendations
            .iter()
            .map(|r| {
                let flagged = warnings
                    .iter()
                    .any(|w| matches!(w, Warning::Conflict { .. }));
                if conflicted.contains(&r.id) && !flagged {
                    warnings.push(Warning::Conflict { unit: unit.clone() });
                }
                RecommendationLine {
                    text: r.body.text.clone(),
                    raised_by: r.body.raised_by,
                    authority: r.body.authority,
                    authority_label: r.body.authority.message(Lang::Vi).to_string(),
                    status: r.body.status,
                    due_date: r.body.due_date,
                }
            })
            .collect();
        Ok(VisitMinutes {
            visit_id: id.clone(),
            heading: Heading {
                parent_body: settings.parent_body.clone(),
                issuer: d
                    .team
                    .as_ref()
                    .map(|t| t.name.to_uppercase())
                    .unwrap_or_else(|| settings.issuer.clone()),
                number: settings.minutes_number.replace("{n}", &n.to_string()),
                place_date: place_date(&settings.place, v.date),
            },
            campaign_name: campaign.body.name.clone(),
            decision_number: campaign.body.decision_number.clone(),
            issuing_body: campaign.body.issuing_body.clone(),
            unit_level: d.unit.level_label.clone(),
            unit_name: unit,
            date: v.date,
            started: started_at(&v.start_time),
            place: v.place.clone(),
            status: v.status,
            signed_at: v.signed_at.clone(),
            team_name: d.team.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
            head_name: name_of(Role::Head),
            secretary_name: name_of(Role::Secretary),
            team,
            unit_representative: unit_attendees
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            unit_representative_position: unit_attendees
                .first()
                .map(|a| a.position.clone())
                .unwrap_or_default(),
            unit_attendees,
            guests,
            rated: d.done,
            total_items: d.total,
            topics,
            report_summary: v.report_summary.clone(),
            difficulties: v.difficulties.clone(),
            questions: v.questions.clone(),
            strengths: v.strengths.clone(),
            shortcomings: v.shortcomings.clone(),
            assessment: v.assessment.clone(),
            overall_result: v.overall_result,
            overall_label: v
                .overall_result
                .map(|r| r.message(Lang::Vi).to_string())
                .unwrap_or_default(),
            recommendations,
            ended: ended_at(
                v.signed_at
                    .as_deref()
                    .filter(|_| v.status == VisitStatus::Signed),
                v.date,
            ),
            attachments: self
                .visit_records::<Attachment>(&visit)?
                .into_iter()
                .map(|a| match a.body.caption.trim() {
                    "" => a.body.file_name,
                    c => format!("{c} ({})", a.body.file_name),
                })
                .collect(),
            recipients: vec![
                "Ban Thường vụ Tỉnh đoàn (b/c)".to_string(),
                "Đơn vị được kiểm tra".to_string(),
                "Lưu Đoàn kiểm tra.".to_string(),
            ],
            draft: v.status != VisitStatus::Signed
                || conflicted_visits.contains(&id)
                || !d.after_signing.is_empty(),
            warnings,
        })
    }
}
