//! `finding`: the result recorded for one checklist item of a visit.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use kiemtra_core::model::Rating;
use kiemtra_core::visit::FindingInput;
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::Done;
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Ghi kết quả một tiêu chí
    Set(SetArgs),
}

#[derive(Args)]
pub struct SetArgs {
    #[arg(long, value_name = "ID")]
    visit: String,
    #[arg(long, value_name = "CODE")]
    item: String,
    /// dat | chua_dat | none
    #[arg(long, conflicts_with = "points")]
    rating: Option<String>,
    #[arg(long, value_name = "N")]
    points: Option<String>,
    #[arg(long, value_name = "T")]
    note: Option<String>,
    #[arg(long, value_name = "T")]
    explanation: Option<String>,
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    let Cmd::Set(a) = cmd;
    // Points as typed here: "7,5" or "7.5"; "" or "none" clears them.
    let points = match a.points.as_deref() {
        None => None,
        Some(p) if p.trim().is_empty() || p.trim() == "none" => Some(None),
        Some(p) => {
            let v: f64 = p
                .trim()
                .replace(',', ".")
                .parse()
                .map_err(|_| Error::invalid_field("points", format!("\"{p}\"")))?;
            Some(Some(v))
        }
    };
    let rating = match a.rating.as_deref() {
        None => None,
        Some(r) => Some(Rating::parse(r)?),
    };
    let saved = store.finding_set(FindingInput {
        visit_id: a.visit,
        item_code: a.item,
        rating,
        points,
        note: a.note,
        explanation: a.explanation,
    })?;
    if json {
        print_json(&saved);
    } else {
        let done = Done::FindingSaved {
            id: &saved.id,
            rev: &saved.rev,
        };
        println!("{}", done.message(lang));
    }
    Ok(ExitCode::SUCCESS)
}
