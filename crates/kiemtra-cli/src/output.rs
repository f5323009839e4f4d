//! What every command prints the same way: JSON for scripts, dates as dd/mm/yyyy.

use chrono::NaiveDate;
use kiemtra_core::dates::dmy;
use serde::Serialize;

pub fn print_json<T: Serialize + ?Sized>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

/// dd/mm/yyyy, or a dash where a list has no date to show, so the columns still line up.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(dmy).unwrap_or_else(|| "—".into())
}
