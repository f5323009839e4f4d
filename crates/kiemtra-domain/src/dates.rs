//! Days as people here read and write them (dd/mm/yyyy), and the days the rules are judged at.

use chrono::{Datelike, NaiveDate};

use crate::invalid::Invalid;

/// Today on this laptop's calendar: "dissolved" and "past" are measured from it.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// dd/mm/yyyy, as dates are written here.
pub fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// dd/mm/yyyy, or nothing for no date.
pub fn dmy_opt(d: Option<NaiveDate>) -> String {
    d.map(dmy).unwrap_or_default()
}

/// A date as a person types it in a form or on the command line: dd/mm/yyyy or ISO.
pub fn parse_date(s: &str) -> Result<NaiveDate, Invalid> {
    let s = s.trim();
    parse_with(s, &["%Y-%m-%d", "%d/%m/%Y"]).ok_or_else(|| Invalid::Date(s.to_string()))
}

/// A date as found in a clerk's spreadsheet: dd/mm/yyyy (also with `-` or `.`), ISO, or an
/// ISO date with a time from a database export. Two-digit years are refused rather than read
/// as the first century.
pub fn parse_sheet_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let iso_prefix = s
        .get(..10)
        .filter(|_| s.len() > 10 && s.is_char_boundary(10));
    let d = parse_with(s, &["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"])
        .or_else(|| iso_prefix.and_then(|d| parse_with(d, &["%Y-%m-%d"])))?;
    (1900..=2200).contains(&d.year()).then_some(d)
}

fn parse_with(s: &str, formats: &[&str]) -> Option<NaiveDate> {
    formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn typed_dates_both_ways_and_nothing_else() {
        assert_eq!(parse_date(" 07/11/2023 "), Ok(day(2023, 11, 7)));
        assert_eq!(parse_date("2023-11-07"), Ok(day(2023, 11, 7)));
        assert_eq!(
            parse_date("07-11-2023"),
            Err(Invalid::Date("07-11-2023".into()))
        );
        assert_eq!(dmy(day(2023, 1, 2)), "02/01/2023");
        assert_eq!(dmy_opt(None), "");
    }

    #[test]
    fn sheet_dates_take_what_clerks_write() {
        for s in [
            "07/11/2023",
            "7/11/2023",
            "2023-11-07",
            "07-11-2023",
            "07.11.2023",
            "2023-11-07 00:00:00",
        ] {
            assert_eq!(parse_sheet_date(s), Some(day(2023, 11, 7)), "{s}");
        }
        for s in ["07/11/23", "31/02/2023", "", "hôm nay", "07/11/0023"] {
            assert_eq!(parse_sheet_date(s), None, "{s}");
        }
    }

    #[test]
    fn dates_as_typed_here() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        for s in [
            "01/07/2025",
            "1/7/2025",
            "2025-07-01",
            "01-07-2025",
            "01.07.2025",
            " 2025-07-01 00:00:00 ",
        ] {
            assert_eq!(parse_sheet_date(s), Some(d), "{s}");
        }
        for s in ["31/02/2025", "07/01/25", "mai", "2025", "1/7"] {
            assert_eq!(parse_sheet_date(s), None, "{s}");
        }
    }
}
