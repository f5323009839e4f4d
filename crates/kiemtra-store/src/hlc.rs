//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that revisions made on
//! laptops with skewed clocks still order after everything their maker had already seen.
//! Rendered as fixed-width text that sorts in time order: `2023-11-07T08:30:00.123Z#0001`.

use chrono::{DateTime, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub millis: i64,
    pub counter: u32,
}

impl Hlc {
    pub const ZERO: Hlc = Hlc {
        millis: 0,
        counter: 0,
    };

    /// The next timestamp after `last`, given the wall clock `now_millis`.
    pub fn tick(last: Hlc, now_millis: i64) -> Hlc {
        if now_millis > last.millis {
            Hlc {
                millis: now_millis,
                counter: 0,
            }
        } else {
            Hlc {
                millis: last.millis,
                counter: last.counter + 1,
            }
        }
    }

    /// Fold in a timestamp seen from elsewhere (an imported revision), so later local
    /// edits sort after it even when this laptop's clock is behind.
    pub fn observe(self, seen: Hlc) -> Hlc {
        self.max(seen)
    }

    pub fn now_millis() -> i64 {
        Utc::now().timestamp_millis()
    }

    pub fn to_text(self) -> String {
        let dt = Utc
            .timestamp_millis_opt(self.millis)
            .single()
            .unwrap_or_else(|| DateTime::<Utc>::from_timestamp(0, 0).expect("epoch"));
        format!(
            "{}#{:04}",
            dt.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
            self.counter
        )
    }

    pub fn parse(s: &str) -> Option<Hlc> {
        let (time, counter) = s.split_once('#')?;
        if counter.len() < 4 || !counter.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let dt = DateTime::parse_from_rfc3339(time).ok()?;
        Some(Hlc {
            millis: dt.timestamp_millis(),
            counter: counter.parse().ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_moves_forward_even_when_the_clock_goes_back() {
        let a = Hlc::tick(Hlc::ZERO, 1_000);
        let b = Hlc::tick(a, 900);
        let c = Hlc::tick(b, 900);
        assert!(a < b && b < c);
        assert_eq!(b.millis, 1_000);
        assert_eq!(c.counter, 2);
        let d = Hlc::tick(c, 2_000);
        assert_eq!(
            d,
            Hlc {
                millis: 2_000,
                counter: 0
            }
        );
    }

    #[test]
    fn text_form_round_trips_and_sorts() {
        let a = Hlc {
            millis: 1_699_345_800_123,
            counter: 7,
        };
        let t = a.to_text();
        assert_eq!(t, "2023-11-07T08:30:00.123Z#0007");
        assert_eq!(Hlc::parse(&t), Some(a));
        let b = Hlc {
            millis: 1_699_345_800_123,
            counter: 12,
        };
        assert!(a.to_text() < b.to_text());
        assert_eq!(Hlc::parse("garbage"), None);
        assert_eq!(Hlc::parse("2023-11-07T08:30:00.123Z#x"), None);
    }

    #[test]
    fn observe_takes_the_later_clock() {
        let local = Hlc {
            millis: 10,
            counter: 0,
        };
        let seen = Hlc {
            millis: 50,
            counter: 3,
        };
        let merged = local.observe(seen);
        assert_eq!(merged, seen);
        assert!(Hlc::tick(merged, 20) > seen);
    }
}
