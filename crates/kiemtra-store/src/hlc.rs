//! Hybrid logical clock: wall-clock milliseconds plus a counter, so that revisions made on
//! laptops with skewed clocks still order after everything their maker had already seen.
//! Rendered as fixed-width text that sorts in time order: `2023-11-07T08:30:00.123Z#0001`.

use chrono::{DateTime, TimeZone, Utc};

/// How far past its own wall clock another laptop's clock may move this one: a day, for
/// time zones and clocks set by hand.
pub const MAX_AHEAD_MILLIS: i64 = 24 * 60 * 60 * 1000;

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

    /// The next timestamp after `last`, given the wall clock `now_millis`. A full counter
    /// carries into the milliseconds, so no timestamp, however it came, stops the clock.
    pub fn tick(last: Hlc, now_millis: i64) -> Hlc {
        if now_millis > last.millis {
            return Hlc {
                millis: now_millis,
                counter: 0,
            };
        }
        match last.counter.checked_add(1) {
            Some(counter) => Hlc {
                millis: last.millis,
                counter,
            },
            None => Hlc {
                millis: last.millis.saturating_add(1),
                counter: 0,
            },
        }
    }

    /// Fold in a timestamp seen from elsewhere (an imported revision), so later local edits
    /// sort after it even when this laptop's clock is behind — but never more than
    /// `MAX_AHEAD_MILLIS` past this laptop's wall clock: a laptop whose clock reads years
    /// ahead must not stamp every later edit here with its year.
    pub fn observe(self, seen: Hlc, now_millis: i64) -> Hlc {
        let cap = Hlc {
            millis: now_millis.saturating_add(MAX_AHEAD_MILLIS),
            counter: 0,
        };
        self.max(seen.min(cap))
    }

    /// Whether this timestamp lies further ahead of the wall clock than another laptop's
    /// clock may move this one (the import preview and history mark such revisions).
    pub fn is_far_ahead(self, now_millis: i64) -> bool {
        self.millis > now_millis.saturating_add(MAX_AHEAD_MILLIS)
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
        let merged = local.observe(seen, 10);
        assert_eq!(merged, seen);
        assert!(Hlc::tick(merged, 20) > seen);
    }

    #[test]
    fn a_clock_from_far_ahead_moves_this_one_a_day_at_most() {
        let now = 1_699_345_800_123;
        let local = Hlc::tick(Hlc::ZERO, now);
        let year_9999 = Hlc::parse("9999-12-31T23:59:59.999Z#4294967295").unwrap();
        assert!(year_9999.is_far_ahead(now));
        let merged = local.observe(year_9999, now);
        assert_eq!(merged.millis, now + MAX_AHEAD_MILLIS);
        let next = Hlc::tick(merged, now + 1);
        assert!(next > merged && next.millis - now <= MAX_AHEAD_MILLIS);
        assert!(Hlc::parse(&next.to_text()).is_some());
        // A clock a little ahead (another time zone typed as UTC) is taken as it is.
        let hour_ahead = Hlc::tick(Hlc::ZERO, now + 3_600_000);
        assert!(!hour_ahead.is_far_ahead(now));
        assert_eq!(local.observe(hour_ahead, now), hour_ahead);
    }

    #[test]
    fn a_full_counter_carries_into_the_milliseconds() {
        let full = Hlc {
            millis: 5,
            counter: u32::MAX,
        };
        let next = Hlc::tick(full, 0);
        assert_eq!(
            next,
            Hlc {
                millis: 6,
                counter: 0
            }
        );
        assert!(next > full);
        let end = Hlc {
            millis: i64::MAX,
            counter: u32::MAX,
        };
        assert_eq!(Hlc::tick(end, 0).millis, i64::MAX);
    }

    #[test]
    fn no_text_makes_parse_or_print_panic() {
        for t in [
            "",
            "#",
            "#0000",
            "9999-12-31T23:59:59.999Z#4294967296",
            "9999-12-31T23:59:59.999Z#99999999999999999999",
            "0000-01-01T00:00:00.000Z#0000",
            "2023-11-07T08:30:00.123+14:00#0001",
            "2023-11-07T08:30:00.123Z#０００１",
            "2023-13-40T25:61:61.000Z#0001",
        ] {
            if let Some(h) = Hlc::parse(t) {
                let _ = h.to_text();
                let _ = Hlc::tick(h, Hlc::now_millis());
            }
        }
        for millis in [i64::MIN, -1, 0, i64::MAX] {
            let h = Hlc { millis, counter: 0 };
            let _ = h.to_text();
        }
    }
}
