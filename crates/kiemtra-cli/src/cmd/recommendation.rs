//! `recommendation`: what the team asks of the unit (or of a higher body) after a visit.

use std::process::ExitCode;

use clap::Subcommand;
use kiemtra_core::dates::parse_date;
use kiemtra_core::model::{Authority, RaisedBy};
use kiemtra_core::visit::RecommendationInput;
use kiemtra_core::{Error, Lang, Localize, Store};

use crate::messages::Done;
use crate::output::print_json;

#[derive(Subcommand)]
pub enum Cmd {
    /// Thêm kiến nghị cho buổi kiểm tra
    Add {
        #[arg(long, value_name = "ID")]
        visit: String,
        #[arg(long, value_name = "T")]
        text: String,
        /// unit | team | union | party
        #[arg(long)]
        authority: String,
        /// unit | team
        #[arg(long, default_value = "unit")]
        raised_by: String,
        /// dd/mm/yyyy
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
}

pub fn run(cmd: Cmd, store: &mut Store, json: bool, lang: Lang) -> Result<ExitCode, Error> {
    let Cmd::Add {
        visit,
        text,
        authority,
        raised_by,
        due,
    } = cmd;
    let due_date = match due {
        Some(d) => Some(parse_date(&d)?),
        None => None,
    };
    let rec = store.recommendation_add(RecommendationInput {
        visit_id: visit,
        text,
        raised_by: RaisedBy::parse(&raised_by)?,
        authority: Authority::parse(&authority)?,
        due_date,
    })?;
    if json {
        print_json(&rec);
    } else {
        let done = Done::RecommendationAdded {
            id: &rec.id,
            rev: &rec.rev,
        };
        println!("{}", done.message(lang));
    }
    Ok(ExitCode::SUCCESS)
}
