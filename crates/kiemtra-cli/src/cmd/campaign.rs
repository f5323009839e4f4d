//! `campaign`: the campaigns of the year, each with its units and their visit state.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use kiemtra_core::model::{ReportSettings, ReportTexts};
use kiemtra_core::setup::{CampaignInput, CampaignPatch};
use kiemtra_core::setup::{CampaignSummary, UnitState};
use kiemtra_core::{Error, Lang, Localize, Store};

use super::{opt_date, patch_date};
use crate::messages::{Done, Empty, Label, Tally};
use crate::output::{date, print_json};

#[derive(Subcommand)]
pub enum Cmd {
    /// Danh sách đợt kiểm tra
    List,
    /// Tạo đợt kiểm tra; mặc định dùng bộ tiêu chí mới nhất (create a campaign)
    Create(CreateArgs),
    /// Sửa đợt kiểm tra, chỉ các trường được nêu (edit the given fields)
    Edit {
        id: String,
        #[command(flatten)]
        fields: EditArgs,
    },
    /// Các đơn vị của đợt và tình trạng kiểm tra từng đơn vị (the campaign's units and their
    /// visit state)
    Show {
        id: String,
        /// Mọi đơn vị trong thời gian của đợt, kể cả đơn vị chưa lên kế hoạch (every unit of
        /// the campaign's time, planned or not)
        #[arg(long)]
        all: bool,
    },
}

#[derive(Args)]
pub struct CreateArgs {
    /// Tên đợt kiểm tra (name)
    #[arg(long, value_name = "TÊN")]
    name: String,
    /// Năm (year)
    #[arg(long, value_name = "NĂM")]
    year: i32,
    #[command(flatten)]
    more: Fields,
}

#[derive(Args)]
pub struct EditArgs {
    /// Tên đợt kiểm tra (name)
    #[arg(long, value_name = "TÊN")]
    name: Option<String>,
    /// Năm (year)
    #[arg(long, value_name = "NĂM")]
    year: Option<i32>,
    /// Tiêu đề, số, người ký, nơi nhận của biên bản và báo cáo, JSON; "null" trở về mặc định
    /// (headers, numbers, signer, recipients of the documents as JSON: {"parent_body",
    /// "issuer", "place", "minutes_number" with {n}, "report_number", "signer_title",
    /// "signer_position", "signer_name", "recipients": [..], "basis": "signed" | "completed",
    /// "report_date": "2023-11-30", "blank_date": true}; "null" for the defaults)
    #[arg(long, value_name = "JSON")]
    report_settings: Option<String>,
    /// Nhận định của Ban Thường vụ trong báo cáo, JSON (the secretariat's words in the report:
    /// {"assessment", "strengths", "shortcomings", "causes_objective", "causes_subjective",
    /// "proposals"}; fields left out are blank)
    #[arg(long, value_name = "JSON")]
    report_texts: Option<String>,
    #[command(flatten)]
    more: Fields,
}

#[derive(Args)]
pub struct Fields {
    /// Chủ đề năm (theme)
    #[arg(long, value_name = "T")]
    theme: Option<String>,
    /// Ngày bắt đầu dd/mm/yyyy ("" để xóa) (start date; "" clears)
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    /// Ngày kết thúc dd/mm/yyyy ("" để xóa) (end date; "" clears)
    #[arg(long, value_name = "DATE")]
    end: Option<String>,
    /// Số quyết định (decision number)
    #[arg(long, value_name = "SỐ")]
    decision: Option<String>,
    /// Cơ quan ban hành (issuing body)
    #[arg(long, value_name = "T")]
    issuer: Option<String>,
    /// Địa bàn (place)
    #[arg(long, value_name = "T")]
    place: Option<String>,
    /// Bộ tiêu chí cho các buổi lên kế hoạch từ nay (criteria set for visits planned from now)
    #[arg(long, value_name = "ID")]
    criteria: Option<String>,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    match cmd {
        Cmd::List => {
            let list = store.campaign_summaries()?;
            if json {
                print_json(&list);
            } else {
                print_campaigns(&list, lang);
            }
        }
        Cmd::Create(a) => create(store, a, json, lang)?,
        Cmd::Edit { id, fields } => edit(store, &id, fields, json, lang)?,
        Cmd::Show { id, all } => {
            // The campaign's own units unless asked for all: a province's directory has
            // thousands the campaign never visits.
            let rows = match all {
                true => store.campaign_units_state(&id)?,
                false => store.campaign_units_visited(&id)?,
            };
            if json {
                print_json(&rows);
            } else {
                print_unit_states(&rows, all, lang);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn create(store: &mut Store, a: CreateArgs, json: bool, lang: Lang) -> Result<(), Error> {
    let f = a.more;
    let c = store.campaign_create(CampaignInput {
        name: a.name,
        year: a.year,
        theme: f.theme.unwrap_or_default(),
        start_date: opt_date(f.start)?,
        end_date: opt_date(f.end)?,
        decision_number: f.decision.unwrap_or_default(),
        issuing_body: f.issuer.unwrap_or_default(),
        place: f.place.unwrap_or_default(),
        criteria_set_id: f.criteria,
    })?;
    if json {
        print_json(&c);
    } else {
        let done = Done::CampaignCreated {
            name: &c.body.name,
            year: c.body.year,
            id: &c.id,
        };
        println!("{}", done.message(lang));
    }
    Ok(())
}

fn edit(store: &mut Store, id: &str, a: EditArgs, json: bool, lang: Lang) -> Result<(), Error> {
    let f = a.more;
    let mut patch = CampaignPatch {
        name: a.name,
        year: a.year,
        theme: f.theme,
        start_date: patch_date(f.start)?,
        end_date: patch_date(f.end)?,
        decision_number: f.decision,
        issuing_body: f.issuer,
        place: f.place,
        criteria_set_id: f.criteria,
        report: None,
        texts: None,
    };
    if let Some(j) = a.report_texts {
        let texts: ReportTexts = serde_json::from_str(&j).map_err(|e| {
            Error::invalid_field(
                "report_texts",
                format!("{{...}} (JSON {}:{})", e.line(), e.column()),
            )
        })?;
        patch.texts = Some(texts);
    }
    if let Some(j) = a.report_settings {
        let settings: Option<ReportSettings> = serde_json::from_str(&j)
            // The parser's own text is English; say where, in figures any reader follows.
            .map_err(|e| {
                Error::invalid_field(
                    "report_settings",
                    format!("{{...}} | null (JSON {}:{})", e.line(), e.column()),
                )
            })?;
        patch.report = Some(settings);
    }
    let c = store.campaign_update(id, patch)?;
    if json {
        print_json(&c);
    } else {
        let done = Done::CampaignUpdated {
            name: &c.body.name,
            id: &c.id,
        };
        println!("{}", done.message(lang));
    }
    Ok(())
}

fn print_campaigns(list: &[CampaignSummary], lang: Lang) {
    if list.is_empty() {
        println!("{}", Empty::Campaigns.message(lang));
        return;
    }
    for c in list {
        println!("{}  {} ({})", c.id, c.name, c.year);
        if !c.theme.is_empty() {
            println!("    {}: {}", Label::Theme.message(lang), c.theme);
        }
        println!(
            "    {}: {} – {}   {}: {}",
            Label::Dates.message(lang),
            date(c.start_date),
            date(c.end_date),
            Label::Decision.message(lang),
            c.decision_number
        );
        let s = &c.status_counts;
        let tally = Tally::Campaign {
            units: c.unit_count,
            visits: c.visit_count,
            planned: s.planned,
            in_progress: s.in_progress,
            completed: s.completed,
            signed: s.signed,
        };
        println!("    {}", tally.message(lang));
    }
}

/// A campaign's units as a tree, each with its visit's state (or "not planned").
/// `all`: every unit of the campaign's time, those without a visit counted as not planned;
/// else the campaign's units, a unit without a visit there only as the parent of others.
fn print_unit_states(rows: &[UnitState], all: bool, lang: Lang) {
    if rows.is_empty() {
        println!("{}", Empty::Units.message(lang));
        return;
    }
    let mut unplanned = 0;
    for r in rows {
        let u = &r.unit;
        let state = match &r.visit {
            Some(v) => format!(
                "{}, {} {}/{}, {}",
                v.status.message(lang),
                date(v.date),
                v.done,
                v.total,
                if v.team_name.is_empty() {
                    Label::NoTeamYet.message(lang)
                } else {
                    v.team_name.clone()
                }
            ),
            None if all => {
                unplanned += 1;
                Label::NotPlanned.message(lang)
            }
            None => {
                println!("{}{}  ({})", "  ".repeat(u.depth), u.name, u.id);
                continue;
            }
        };
        println!("{}{}  [{state}]  ({})", "  ".repeat(u.depth), u.name, u.id);
    }
    let tally = match all {
        true => Tally::UnitStates {
            units: rows.len(),
            unplanned,
        },
        false => Tally::VisitedUnits(rows.iter().filter(|r| r.visit.is_some()).count()),
    };
    println!("{}", tally.message(lang));
}
