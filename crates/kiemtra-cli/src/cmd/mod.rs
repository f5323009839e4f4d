//! One module per command group, each with its clap subcommands (`Cmd`) and its `run`, which
//! calls the core operations and prints the result as JSON or as text in the user's language.

pub mod attach;
pub mod backup;
pub mod campaign;
pub mod criteria;
pub mod database;
pub mod finding;
pub mod recommendation;
pub mod report;
pub mod revisions;
pub mod search;
pub mod sync;
pub mod team;
pub mod trust;
pub mod unit;
pub mod visit;

use chrono::NaiveDate;
use kiemtra_core::dates::parse_date;
use kiemtra_core::Error;

/// A date given on the command line, if any.
fn opt_date(s: Option<String>) -> Result<Option<NaiveDate>, Error> {
    Ok(s.map(|d| parse_date(&d)).transpose()?)
}

/// A date to change: absent keeps it, "" (or "none") clears it.
fn patch_date(s: Option<String>) -> Result<Option<Option<NaiveDate>>, Error> {
    match s.as_deref().map(str::trim) {
        None => Ok(None),
        Some("" | "none" | "-") => Ok(Some(None)),
        Some(d) => Ok(Some(Some(parse_date(d)?))),
    }
}
