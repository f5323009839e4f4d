//! What a record may hold, checked before every local write: lengths and a campaign's year.

use chrono::NaiveDate;
use kiemtra_domain::lang::{Lang, Localize};
use kiemtra_domain::model::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn campaign(year: i32, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Campaign {
    serde_json::from_value(serde_json::json!({
        "name": "Đợt kiểm tra",
        "year": year,
        "start_date": start,
        "end_date": end,
        "criteria_set_id": null,
    }))
    .unwrap()
}

#[test]
fn a_campaigns_dates_fall_in_its_year() {
    assert!(
        campaign(2026, Some(day(2026, 10, 20)), Some(day(2026, 10, 25)))
            .validate()
            .is_ok()
    );
    // Only the end may run into January.
    assert!(
        campaign(2026, Some(day(2026, 12, 20)), Some(day(2027, 1, 10)))
            .validate()
            .is_ok()
    );
    let e = campaign(2024, Some(day(2026, 10, 20)), Some(day(2026, 10, 25)))
        .validate()
        .unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Giá trị của \"ngày bắt đầu\" không hợp lệ: ngày 20/10/2026 không thuộc năm 2024 của đợt kiểm tra; hãy sửa năm hoặc ngày"
    );
    let e = campaign(2026, None, Some(day(2027, 1, 3)))
        .validate()
        .unwrap_err();
    assert!(
        e.message(Lang::En).contains("\"end date\""),
        "{}",
        e.message(Lang::En)
    );
    assert!(campaign(2026, Some(day(2026, 1, 3)), Some(day(2028, 1, 3)))
        .validate()
        .is_err());
}

#[test]
fn texts_longer_than_the_limit_are_refused_with_both_lengths() {
    let mut c = campaign(2026, None, None);
    c.name = "Đ".repeat(NAME_MAX);
    assert!(c.validate().is_ok(), "the limit itself is allowed");
    c.name.push('x');
    let e = c.validate().unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Giá trị của \"tên\" không hợp lệ: dài 201 ký tự, tối đa 200 ký tự"
    );
    let finding: Finding = serde_json::from_value(serde_json::json!({
        "visit_id": "v",
        "item_code": "1.1",
        "rating": null,
        "points": null,
        "explanation": "ả".repeat(20_800),
    }))
    .unwrap();
    let e = finding.validate().unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "Giá trị của \"giải trình\" không hợp lệ: dài 20.800 ký tự, tối đa 10.000 ký tự"
    );
    assert_eq!(
        e.message(Lang::En),
        "Invalid value for \"explanation\": 20800 characters long, at most 10000 allowed"
    );
}
