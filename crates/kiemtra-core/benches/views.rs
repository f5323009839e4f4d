//! What every screen's backend call costs on a national database, beside the same call on the
//! demo in the same run: a screen's cost must follow what it shows, not what the file holds.
//!
//! `cargo bench -p kiemtra-core --bench views` — the full run: 20,000 units, one national
//! campaign of 20,000 visits × 32 items (640,000 findings), 50 older campaigns of 24 visits
//! and one 24-visit campaign this year. `-- --quick` builds 2,000 units, a 400-visit campaign
//! and 5 older ones (a smoke check, run by `make test`); `--units N --visits N --older N` set
//! the size by hand. Run without `--bench` (`cargo test --benches`), it takes the quick size.
//!
//! Each call is timed `RUNS` times after one warm-up; the table shows p50 and p95 in ms for the
//! demo and the big database and big/demo of the p50. Goals (issue 15): every view's p95 at
//! most 50 ms on the big database, report data at most 1 s for the national campaign, and
//! big/demo at most 3 where both answers are the same size. Speed is printed, never failed;
//! what the calls return is checked (counts and answer sizes) and fails the run.

mod common;
use common::{Checks, Rng};
use std::time::{Duration, Instant};

use kiemtra_core::ids::{finding_id, new_id};
use kiemtra_core::model::{
    Campaign, Finding, Rating, ReportBasis, ReportSettings, Scale, Unit, Visit, VisitStatus,
};
use kiemtra_core::Store;

const RUNS: usize = 10;
const GOAL_VIEW_P95_MS: f64 = 50.0;
const GOAL_REPORT_NATIONAL_MS: f64 = 1_000.0;
const GOAL_RATIO: f64 = 3.0;

struct Config {
    name: &'static str,
    units: usize,
    visits: usize,
    older: usize,
}

/// The smoke size `make test` runs.
const QUICK: Config = Config {
    name: "quick",
    units: 2_000,
    visits: 400,
    older: 5,
};

fn config() -> Config {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut c = if args.iter().any(|a| a == "--bench") {
        Config {
            name: "full",
            units: 20_000,
            visits: 20_000,
            older: 50,
        }
    } else {
        QUICK
    };
    let num = |i: usize| -> usize {
        args.get(i + 1)
            .and_then(|v| v.replace('_', "").parse().ok())
            .expect("a number after the flag")
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => c = QUICK,
            "--units" => (c.name, c.units, i) = ("custom", num(i), i + 1),
            "--visits" => (c.name, c.visits, i) = ("custom", num(i), i + 1),
            "--older" => (c.name, c.older, i) = ("custom", num(i), i + 1),
            _ => {}
        }
        i += 1;
    }
    assert!(c.units >= c.visits.max(24), "one unit per visit at least");
    c
}

fn campaign(name: String, year: i32, set: &str) -> Campaign {
    Campaign {
        name,
        year,
        theme: String::new(),
        start_date: chrono::NaiveDate::from_ymd_opt(year, 10, 1),
        end_date: chrono::NaiveDate::from_ymd_opt(year, 11, 30),
        decision_number: format!("{year}-QĐ/TWĐTN"),
        issuing_body: "Ban Bí thư Trung ương Đoàn".into(),
        place: "Hà Nội".into(),
        criteria_set_id: Some(set.to_string()),
        // Completed visits count, so every report reads the findings of a third of them.
        report: Some(ReportSettings {
            basis: ReportBasis::Completed,
            ..Default::default()
        }),
        recovery_recipient: String::new(),
        texts: Default::default(),
    }
}

fn unit(name: String, parent: Option<&str>, level: &str) -> Unit {
    Unit {
        short_name: String::new(),
        code: String::new(),
        kind: String::new(),
        level_label: level.into(),
        parent_id: parent.map(str::to_string),
        valid_from: None,
        valid_to: None,
        merged_into: None,
        name,
    }
}

fn visit(campaign: &str, unit: &str, year: i32, n: usize, set: &str) -> Visit {
    let day = chrono::NaiveDate::from_ymd_opt(year, 10, 1 + (n % 28) as u32);
    let mut v = kiemtra_core::setup::new_visit(campaign, unit, None, day, set);
    // A third held (half of them signed, half completed), the rest under way.
    v.status = match n % 6 {
        0 => VisitStatus::Signed,
        3 => VisitStatus::Completed,
        _ => VisitStatus::InProgress,
    };
    v.report_summary = format!("Đơn vị báo cáo kết quả công tác Đoàn năm {year}, lần {n}.");
    v
}

/// The campaigns the views look at, by name.
struct Big {
    small: String,
    national: String,
    a_visit: String,
    a_finding: String,
}

/// A province-by-province directory and the campaigns (not timed). Visits and their findings
/// go in transactions of 200 visits.
fn generate(s: &mut Store, c: &Config) -> Big {
    let mut r = Rng::new(11);
    let set_id = s
        .add_criteria_set(&kiemtra_core::demo::default_criteria())
        .expect("criteria");
    let set = s
        .require::<kiemtra_core::model::CriteriaSet>(&set_id)
        .unwrap()
        .body;
    let items: Vec<(String, Scale)> = set
        .topics
        .iter()
        .flat_map(|t| t.items.iter().map(|i| (i.code.clone(), i.scale)))
        .collect();
    // 63 provinces, each with units under it: the communes take the visits.
    let mut leaves = Vec::with_capacity(c.units);
    s.write(|w| {
        let centre = new_id();
        w.put(&centre, &unit("Trung ương Đoàn".into(), None, "Trung ương"))?;
        let provinces: Vec<String> = (0..63).map(|_| new_id()).collect();
        for (i, p) in provinces.iter().enumerate() {
            w.put(
                p,
                &unit(format!("Tỉnh đoàn số {i:02}"), Some(&centre), "Cấp tỉnh"),
            )?;
        }
        for n in 0..c.units.saturating_sub(64) {
            let id = new_id();
            let p = &provinces[n % provinces.len()];
            w.put(
                &id,
                &unit(format!("Đoàn xã Phú Lộc {n:05}"), Some(p), "Cấp xã"),
            )?;
            leaves.push(id);
        }
        Ok(())
    })
    .expect("units");
    let mut write_campaign =
        |s: &mut Store, name: String, year: i32, count: usize, first: usize| {
            let id = new_id();
            s.write(|w| Ok(w.put(&id, &campaign(name, year, &set_id))?))
                .expect("campaign");
            let mut visits = Vec::with_capacity(count);
            for chunk in (0..count).collect::<Vec<_>>().chunks(200) {
                s.write(|w| {
                    for &n in chunk {
                        let v = new_id();
                        let u = &leaves[(first + n) % leaves.len()];
                        // Minutes are signed after their findings: written under way first.
                        let mut body = visit(&id, u, year, n, &set_id);
                        let signed = body.status == VisitStatus::Signed;
                        if signed {
                            body.status = VisitStatus::InProgress;
                        }
                        w.put(&v, &body)?;
                        let mut seal = std::collections::BTreeMap::new();
                        for (code, scale) in &items {
                            let f = Finding {
                                visit_id: v.clone(),
                                item_code: code.clone(),
                                rating: (*scale == Scale::PassFail).then(|| {
                                    if r.chance(6) {
                                        Rating::ChuaDat
                                    } else {
                                        Rating::Dat
                                    }
                                }),
                                points: (*scale == Scale::Points).then_some(4.0),
                                note: "Có hồ sơ, sổ sách đầy đủ.".into(),
                                explanation: String::new(),
                            };
                            let id = finding_id(&v, code);
                            let rev = w.put(&id, &f)?;
                            seal.insert(id, rev);
                        }
                        // Signed minutes carry the seal of what they signed, as signing writes it.
                        if signed {
                            body.status = VisitStatus::Signed;
                            body.sealed = Some(seal);
                            w.put(&v, &body)?;
                        }
                        visits.push(v);
                    }
                    Ok(())
                })
                .expect("visits");
            }
            (id, visits)
        };
    for k in 0..c.older {
        write_campaign(
            s,
            format!("Kiểm tra chuyên đề số {k} năm {}", 2000 + k % 25),
            2000 + (k % 25) as i32,
            24,
            k * 24,
        );
    }
    let (national, visits) = write_campaign(
        s,
        "Kiểm tra công tác Đoàn toàn quốc năm 2026".into(),
        2026,
        c.visits,
        0,
    );
    let (small, _) = write_campaign(s, "Kiểm tra Tỉnh đoàn số 07 năm 2026".into(), 2026, 24, 7);
    let a_visit = visits[visits.len() / 2].clone();
    let a_finding = finding_id(&a_visit, &items[0].0);
    Big {
        small,
        national,
        a_visit,
        a_finding,
    }
}

struct Timing {
    p50: f64,
    p95: f64,
}

fn time<T>(mut f: impl FnMut() -> T) -> (Timing, T) {
    let mut out = f();
    let mut ms: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            out = f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (
        Timing {
            p50: at(0.5),
            p95: at(0.95),
        },
        out,
    )
}

fn main() {
    let c = config();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut demo = Store::open(&dir.path().join("demo.db")).expect("demo db");
    let demo_campaign = demo.load_demo().expect("demo");
    let demo_visit = demo.visit_rows(Some(&demo_campaign)).unwrap()[0].id.clone();
    let demo_finding = demo
        .list_by::<Finding>("visit_id", &demo_visit)
        .unwrap()
        .first()
        .map(|f| f.id.clone())
        .unwrap_or_default();
    let mut big = Store::open(&dir.path().join("big.db")).expect("big db");
    let t = Instant::now();
    let b = generate(&mut big, &c);
    let made: Duration = t.elapsed();
    println!(
        "views ({}): {} units, a campaign of {} visits × 32 items, {} older campaigns; built in {:.1} s",
        c.name,
        c.units,
        c.visits,
        c.older,
        made.as_secs_f64()
    );
    let mut checks = Checks::default();
    checks.eq(
        "units in the big database",
        c.units as u64,
        big.list::<Unit>().unwrap().len() as u64,
    );

    // (view, demo call, big call, same answer size on both)
    type Call<'a> = Box<dyn FnMut(&Store) -> usize + 'a>;
    let views: Vec<(&str, Call, Call, bool)> = vec![
        (
            "campaign_list",
            Box::new(|s| s.campaign_summaries().unwrap().len()),
            Box::new(|s| s.campaign_summaries().unwrap().len()),
            false,
        ),
        (
            "campaign_overview (24 visits)",
            Box::new(|s| s.campaign_overview(&demo_campaign).unwrap().visits.len()),
            Box::new(|s| s.campaign_overview(&b.small).unwrap().visits.len()),
            true,
        ),
        (
            "units_state (24-visit campaign)",
            Box::new(|s| s.campaign_units_state(&demo_campaign).unwrap().len()),
            Box::new(|s| s.campaign_units_state(&b.small).unwrap().len()),
            false,
        ),
        (
            "visit_get",
            Box::new(|s| s.visit_detail(&demo_visit).unwrap().findings.len()),
            Box::new(|s| s.visit_detail(&b.a_visit).unwrap().findings.len()),
            true,
        ),
        (
            "record_history (a finding)",
            Box::new(|s| s.history(&demo_finding).unwrap().len()),
            Box::new(|s| s.history(&b.a_finding).unwrap().len()),
            true,
        ),
        (
            // Its answer lists every campaign: larger on the big database.
            "sync_overview",
            Box::new(|s| s.sync_overview().map(|_| 1).unwrap()),
            Box::new(|s| s.sync_overview().map(|_| 1).unwrap()),
            false,
        ),
        (
            "report data (24 visits)",
            Box::new(|s| s.campaign_report(&demo_campaign).unwrap().annex.len()),
            Box::new(|s| s.campaign_report(&b.small).unwrap().annex.len()),
            true,
        ),
    ];
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>8} {:>6}",
        "view", "demo p50", "demo p95", "big p50", "big p95", "big/demo", "goal"
    );
    for (name, mut on_demo, mut on_big, same) in views {
        let (d, dn) = time(|| on_demo(&demo));
        let (g, gn) = time(|| on_big(&big));
        let ratio = g.p50 / d.p50.max(1e-6);
        let met = g.p95 <= GOAL_VIEW_P95_MS && (!same || ratio <= GOAL_RATIO);
        println!(
            "{:<34} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8.2} {:>6}",
            name,
            d.p50,
            d.p95,
            g.p50,
            g.p95,
            ratio,
            if met { "met" } else { "NOT" }
        );
        if same {
            checks.eq(format!("{name}: same answer size"), dn as u64, gn as u64);
        }
    }
    let (n, visits) = time(|| big.campaign_report(&b.national).unwrap().annex.len());
    println!(
        "{:<34} {:>9} {:>9} {:>9.0} {:>9.0} {:>8} {:>6}",
        "report data (national campaign)",
        "",
        "",
        n.p50,
        n.p95,
        "",
        if n.p95 <= GOAL_REPORT_NATIONAL_MS {
            "met"
        } else {
            "NOT"
        }
    );
    checks.eq(
        "national report: every visit of the plan",
        c.visits as u64,
        visits as u64,
    );
    checks.finish(84);
}
