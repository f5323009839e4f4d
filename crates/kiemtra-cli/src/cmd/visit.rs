//! `visit`: the visit plan, one visit's minutes, signing and unlocking them.

use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::model::{self, Entity, Visit};
use kiemtra_core::setup::VisitPlanInput;
use kiemtra_core::visit::{VisitDetail, VisitRow};
use kiemtra_core::{Error, Lang, Localize, Store};

use super::{opt_date, patch_date};
use crate::messages::{Done, Empty, Label};
use crate::output::{date, print_json};

#[derive(Subcommand)]
pub enum Cmd {
    /// Danh sách buổi kiểm tra
    List {
        #[arg(long, value_name = "ID")]
        campaign: Option<String>,
    },
    /// Chi tiết một buổi kiểm tra
    Show { id: String },
    /// Lên kế hoạch kiểm tra một đơn vị (plan a visit to a unit)
    Plan {
        #[arg(long, value_name = "ID")]
        campaign: String,
        #[arg(long, value_name = "ID")]
        unit: String,
        #[arg(long, value_name = "ID")]
        team: String,
        /// dd/mm/yyyy
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Ngày nằm ngoài thời gian đợt kiểm tra là có chủ ý (a day outside the campaign's
        /// dates is meant)
        #[arg(long)]
        outside_campaign: bool,
    },
    /// Đổi đoàn hoặc ngày của buổi kiểm tra (change team or date; "" clears)
    Reschedule {
        id: String,
        #[arg(long, value_name = "ID")]
        team: Option<String>,
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Lý do đổi lịch, lưu trong lịch sử (why, kept in the history)
        #[arg(long, value_name = "LÝ DO", default_value = "")]
        reason: String,
        /// Ngày nằm ngoài thời gian đợt kiểm tra là có chủ ý (a day outside the campaign's
        /// dates is meant)
        #[arg(long)]
        outside_campaign: bool,
    },
    /// Hủy buổi kiểm tra còn ở kế hoạch, chưa ghi gì, ghi rõ lý do (cancel a planned visit
    /// with nothing recorded, with the reason)
    Cancel {
        id: String,
        #[arg(long, value_name = "LÝ DO")]
        reason: String,
    },
    /// Ký biên bản: khóa biên bản (sign the minutes; needs every required item and the
    /// overall result)
    Sign { id: String },
    /// Mở khóa biên bản đã ký để sửa, ghi rõ lý do (unlock signed minutes, with a reason)
    Unlock {
        id: String,
        #[arg(long, value_name = "LÝ DO")]
        reason: String,
    },
    /// Giữ nội dung đã ký: đưa các nội dung bị sửa sau khi ký về như lúc ký (keep the signed
    /// text of minutes whose records changed after signing)
    KeepSigned { id: String },
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::List { campaign } => {
            let campaign = match campaign {
                Some(c) => Some(store.resolve_id(model::Campaign::KIND, &c)?),
                None => None,
            };
            let rows = store.visit_rows(campaign.as_deref())?;
            if json {
                print_json(&rows);
            } else {
                print_visits(&rows, lang);
            }
        }
        Cmd::Show { id } => {
            let id = store.resolve_id(Visit::KIND, &id)?;
            let detail = store.visit_detail(&id)?;
            if json {
                print_json(&detail);
            } else {
                print_visit(&detail, lang);
            }
        }
        Cmd::Plan {
            campaign,
            unit,
            team,
            date: day,
            outside_campaign,
        } => {
            let v = store.visit_plan(VisitPlanInput {
                campaign_id: campaign,
                unit_id: unit,
                team_id: Some(team),
                date: opt_date(day)?,
                outside_campaign,
            })?;
            if json {
                print_json(&v);
            } else {
                let unit = store.require::<model::Unit>(&v.body.unit_id)?.body.name;
                let done = Done::VisitPlanned {
                    unit: &unit,
                    date: v.body.date,
                    id: &v.id,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Reschedule {
            id,
            team,
            date: day,
            reason,
            outside_campaign,
        } => {
            let id = store.resolve_id(Visit::KIND, &id)?;
            let current = store.require::<Visit>(&id)?.body;
            // A flag left out keeps what the visit has.
            let team = match team {
                Some(t) => Some(t).filter(|t| !t.trim().is_empty()),
                None => current.team_id,
            };
            let day = match patch_date(day)? {
                Some(d) => d,
                None => current.date,
            };
            let why = kiemtra_core::setup::Replan {
                reason,
                outside_campaign,
            };
            let v = store.visit_reschedule(&id, team.as_deref(), day, why)?;
            if json {
                print_json(&v);
            } else {
                let done = Done::VisitRescheduled {
                    date: v.body.date,
                    id: &v.id,
                };
                println!("{}", done.message(lang));
            }
        }
        Cmd::Cancel { id, reason } => {
            let id = store.resolve_id(Visit::KIND, &id)?;
            store.visit_cancel(&id, &reason)?;
            if json {
                print_json(&serde_json::json!({ "cancelled": id }));
            } else {
                println!("{}", Done::VisitCancelled { id: &id }.message(lang));
            }
        }
        Cmd::Sign { id } => {
            let saved = store.visit_sign(&id)?;
            if json {
                print_json(&saved);
            } else {
                println!("{}", Done::MinutesSigned { id: &saved.id }.message(lang));
            }
        }
        Cmd::KeepSigned { id } => {
            let n = store.visit_keep_signed(&id)?;
            if json {
                print_json(&serde_json::json!({ "restored": n }));
            } else {
                println!("{}", Done::SignedTextKept { restored: n }.message(lang));
            }
        }
        Cmd::Unlock { id, reason } => {
            let saved = store.visit_unlock(&id, &reason)?;
            if json {
                print_json(&saved);
            } else {
                let done = Done::MinutesUnlocked {
                    id: &saved.id,
                    reason: reason.trim(),
                };
                println!("{}", done.message(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_visits(rows: &[VisitRow], lang: Lang) {
    if rows.is_empty() {
        println!("{}", Empty::Visits.message(lang));
        return;
    }
    for v in rows {
        println!(
            "{}  {}  {:<16} {}/{}  {} — {}",
            v.id,
            date(v.date),
            v.status.message(lang),
            v.done,
            v.total,
            v.unit_name,
            v.team_name
        );
    }
}

fn print_visit(d: &VisitDetail, lang: Lang) {
    let v = &d.visit.body;
    println!("{} — {}", d.unit.name, d.campaign.name);
    println!(
        "{}: {}   {}: {}   {}: {}/{} {}",
        Label::Date.message(lang),
        date(v.date),
        Label::Status.message(lang),
        v.status.message(lang),
        Label::Progress.message(lang),
        d.done,
        d.total,
        Label::Items.message(lang)
    );
    if !d.after_signing.is_empty() {
        let w = kiemtra_core::report::Warning::ChangedAfterSigning {
            unit: d.unit.name.clone(),
            count: d.after_signing.len(),
        };
        println!("{}", w.message(lang));
        for a in &d.after_signing {
            let who = if a.person.is_empty() {
                a.device_name.clone()
            } else {
                format!("{} — {}", a.person, a.device_name)
            };
            println!("  - {} ({})", a.label, who);
        }
    }
    if let Some(t) = &d.team {
        println!("{}: {}", Label::Team.message(lang), t.name);
        for m in &t.members {
            let role = m.role.message(lang);
            println!("  - {} ({}), {role}", m.full_name, m.title);
        }
    }
    for t in &d.criteria.set.topics {
        println!("\n{}. {}", t.code, t.title);
        for i in &t.items {
            let f = d.findings.get(&i.code);
            let result = match f {
                Some(f) if f.rating.is_some() => {
                    f.rating.map(|r| r.message(lang)).unwrap_or_default()
                }
                Some(f) if f.points.is_some() => format!(
                    "{}/{} {}",
                    f.points.unwrap_or(0.0),
                    i.max_points.unwrap_or(0),
                    Label::Points.message(lang)
                ),
                _ => "—".to_string(),
            };
            println!("   {} {}: {result}", i.code, i.title);
            if let Some(f) = f {
                if !f.note.is_empty() {
                    println!("      {}: {}", Label::Note.message(lang), f.note);
                }
                if !f.explanation.is_empty() {
                    println!(
                        "      {}: {}",
                        Label::Explanation.message(lang),
                        f.explanation
                    );
                }
            }
        }
    }
    let texts = [
        (Label::UnitReport, &v.report_summary),
        (Label::Difficulties, &v.difficulties),
        (Label::Strengths, &v.strengths),
        (Label::Shortcomings, &v.shortcomings),
        (Label::Assessment, &v.assessment),
    ];
    for (label, text) in texts {
        if !text.is_empty() {
            println!("\n{}: {text}", label.message(lang));
        }
    }
    if let Some(r) = v.overall_result {
        println!(
            "\n{}: {}",
            Label::OverallResult.message(lang),
            r.message(lang)
        );
    }
    if !d.recommendations.is_empty() {
        println!("\n{}:", Label::Recommendations.message(lang));
        for r in &d.recommendations {
            println!(
                "  - {} [{}] ({})",
                r.body.text,
                r.body.authority.message(lang),
                r.id
            );
        }
    }
}
