//! Sync at province scale: how fast the secretariat takes in every team's bundle, against
//! the floor of plain SQLite inserts, how fast it exports the result, and how much memory
//! both need.
//!
//! `cargo bench -p kiemtra-core --bench sync` — the full run: 200 laptops' bundles holding
//! 1,000,000 distinct revisions, then the merged database exported and imported again as ONE
//! bundle of 1,000,000 revisions. `-- --quick` does the same with 20 laptops and 20,000
//! revisions (a smoke check). `--laptops N --revisions M` set the sizes by hand;
//! `--no-ceiling` skips the diagnostic "ceiling" writes. Run without cargo bench's `--bench`
//! flag (`cargo test --benches`), it takes the quick size.
//!
//! A benchmark, not a test: misses are printed, never failed. Generation is not timed.
//! Import and baseline run bundle by bundle, one after the other, so that both meet the same
//! machine (other load, disk cache). Peak memory is the RSS high-water mark (VmHWM), reset
//! before each step by writing "5" to /proc/self/clear_refs (Linux).

mod common;
use common::Rng;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kiemtra_core::bundle::IMPORT_CACHE_KIB;
use kiemtra_core::canonical;
use kiemtra_core::hlc::Hlc;
use kiemtra_core::model::{
    Authority, Campaign, CriteriaSet, Finding, Inspector, OverallResult, RaisedBy, Rating,
    RecStatus, Recommendation, Role, Scale, Team, TeamMember, Unit, Visit, VisitStatus,
};
use kiemtra_core::ops::finding_id;
use kiemtra_core::store::Revision;
use kiemtra_core::Store;
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

const GOAL_RATIO: f64 = 0.5;
const GOAL_PEAK_MB: f64 = 200.0;

// ---------------------------------------------------------------------------------------
// Configuration

struct Config {
    name: &'static str,
    laptops: usize,
    /// Distinct revisions in all (the shared base counted once).
    revisions: usize,
    /// Also write the rows straight into the store's schema (a diagnostic).
    ceiling: bool,
}

fn config() -> Config {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut c = Config {
        name: "full",
        laptops: 200,
        revisions: 1_000_000,
        ceiling: true,
    };
    if !args.iter().any(|a| a == "--bench") {
        // Not run by `cargo bench` (e.g. `cargo test --benches`): a smoke check only.
        c.name = "quick";
        c.laptops = 20;
        c.revisions = 20_000;
    }
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| -> usize {
            args.get(i + 1)
                .and_then(|v| v.replace('_', "").parse().ok())
                .unwrap_or_else(|| panic!("{} needs a number", args[i]))
        };
        match args[i].as_str() {
            "--quick" => {
                c.name = "quick";
                c.laptops = 20;
                c.revisions = 20_000;
            }
            "--laptops" => {
                c.name = "custom";
                c.laptops = value(i);
                i += 1;
            }
            "--revisions" => {
                c.name = "custom";
                c.revisions = value(i);
                i += 1;
            }
            "--no-ceiling" => c.ceiling = false,
            // `cargo bench` passes --bench; filters and other harness flags mean nothing here.
            _ => {}
        }
        i += 1;
    }
    assert!(c.laptops >= 1, "at least one laptop");
    c
}

// ---------------------------------------------------------------------------------------
// Memory (Linux)

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

fn rss_mb() -> Option<f64> {
    status_kb("VmRSS").map(|kb| kb as f64 / 1024.0)
}

fn peak_mb() -> Option<f64> {
    status_kb("VmHWM").map(|kb| kb as f64 / 1024.0)
}

/// Reset the RSS high-water mark to the current RSS. False where the kernel does not allow it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Give freed heap back to the kernel, so a phase's peak is not flattered or spoiled by
/// what generation left behind.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: glibc's malloc_trim has no preconditions.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Time and peak memory of one phase.
struct Measured {
    time: Duration,
    rss_before: Option<f64>,
    peak: Option<f64>,
}

/// Several measured steps added up: total time, highest peak.
#[derive(Default)]
struct Phase {
    time: Duration,
    rss_before: Option<f64>,
    peak: Option<f64>,
}

impl Phase {
    fn add(&mut self, m: &Measured) {
        if self.time.is_zero() {
            self.rss_before = m.rss_before;
        }
        self.time += m.time;
        if let Some(p) = m.peak {
            self.peak = Some(self.peak.map_or(p, |q| q.max(p)));
        }
    }
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Measured) {
    let reset = reset_peak();
    let rss_before = rss_mb();
    let t = Instant::now();
    let out = f();
    let time = t.elapsed();
    let peak = if reset { peak_mb() } else { None };
    (
        out,
        Measured {
            time,
            rss_before,
            peak,
        },
    )
}

// ---------------------------------------------------------------------------------------
// Deterministic data

/// A UUIDv7-shaped id, the same for the same (seed, n) on every run.
fn uuid_for(seed: u64, n: u64, millis: i64) -> String {
    let mut r = Rng::new(Rng::new(seed).next() ^ Rng::new(n.wrapping_add(1 << 40)).next());
    let mut bytes = [0u8; 10];
    bytes[..8].copy_from_slice(&r.next().to_le_bytes());
    bytes[8..].copy_from_slice(&r.next().to_le_bytes()[..2]);
    uuid::Builder::from_unix_timestamp_millis(millis as u64, &bytes)
        .into_uuid()
        .to_string()
}

const SUBJECTS: &[&str] = &[
    "Đơn vị",
    "Ban Thường vụ Đoàn xã",
    "Ban Chấp hành Đoàn cơ sở",
    "Chi đoàn thôn Đông",
    "Chi đoàn khu phố 3",
    "Đoàn trường trung học phổ thông",
    "Bí thư Đoàn phường",
    "Ban Chỉ huy Đội",
    "Câu lạc bộ thanh niên tình nguyện",
    "Đoàn Thanh niên Công an xã",
];
const VERBS: &[&str] = &[
    "đã ban hành",
    "chưa cập nhật đầy đủ",
    "tổ chức thực hiện tốt",
    "có minh chứng rõ ràng về",
    "chưa lưu trữ",
    "đã triển khai kịp thời",
    "cần rà soát lại",
    "thực hiện nghiêm túc",
    "còn lúng túng trong việc xây dựng",
    "chủ động phối hợp thực hiện",
];
const OBJECTS: &[&str] = &[
    "chương trình công tác năm 2023",
    "sổ đoàn viên và sổ chi đoàn",
    "biên bản sinh hoạt chi đoàn hằng tháng",
    "báo cáo sơ kết 6 tháng đầu năm",
    "hồ sơ giới thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp",
    "kế hoạch ra quân Chiến dịch Thanh niên tình nguyện hè",
    "công tác thu, nộp đoàn phí",
    "danh sách thanh niên tham gia nghĩa vụ quân sự",
    "phong trào \"Thanh niên tình nguyện\" và \"Tuổi trẻ sáng tạo\"",
    "mô hình \"Thắp sáng đường quê\" tại các thôn, ấp",
    "việc đánh giá, xếp loại chi đoàn cuối năm",
    "nghị quyết Đại hội Đoàn các cấp nhiệm kỳ 2022 – 2027",
];
const TAILS: &[&str] = &[
    ".",
    "; đề nghị bổ sung trước ngày 15/12/2023.",
    ", cần khắc phục trong quý IV.",
    " theo đúng hướng dẫn của Tỉnh đoàn.",
    ", đạt 95% chỉ tiêu được giao.",
    "; một số chi đoàn còn chậm nộp báo cáo.",
    ", có hình ảnh và văn bản kèm theo.",
    " (đoàn kiểm tra đã xem trực tiếp hồ sơ).",
];

/// Vietnamese inspection prose of 100–300 characters.
fn prose(r: &mut Rng) -> String {
    let want = 100 + r.below(201);
    let mut out = String::new();
    loop {
        let sentence = format!(
            "{} {} {}{}",
            r.pick(SUBJECTS),
            r.pick(VERBS),
            r.pick(OBJECTS),
            r.pick(TAILS)
        );
        let (have, add) = (out.chars().count(), sentence.chars().count() + 1);
        if have >= 100 && have + add > want.max(100) {
            break;
        }
        if have + add > 300 {
            // Cut a long sentence to fit, at a character boundary.
            let room = 300 - have - 1;
            if have > 0 {
                out.push(' ');
            }
            out.extend(sentence.chars().take(room));
            break;
        }
        if have > 0 {
            out.push(' ');
        }
        out.push_str(&sentence);
    }
    out
}

fn body<T: Serialize>(v: &T) -> Value {
    canonical::to_value(v).expect("a model value serialises")
}

/// Makes revisions the way a laptop would, with valid ids, linear edit chains and a clock.
struct Maker {
    device: String,
    millis: i64,
    target: usize,
    out: Vec<Revision>,
}

impl Maker {
    fn full(&self) -> bool {
        self.out.len() >= self.target
    }

    /// One record's history: `bodies` in order, each the child of the one before. Stops
    /// when the laptop has made its share.
    fn chain(&mut self, r: &mut Rng, kind: &str, id: &str, bodies: Vec<(bool, Value)>) {
        let mut parents: Vec<String> = Vec::new();
        for (i, (deleted, body)) in bodies.into_iter().enumerate() {
            if self.full() {
                return;
            }
            self.millis += 1_000 + r.below(90_000) as i64;
            let hlc = Hlc {
                millis: self.millis,
                counter: 0,
            }
            .to_text();
            let generation = i as u64 + 1;
            let rev = Revision::compute_rev(
                id,
                kind,
                generation,
                &parents,
                &self.device,
                &hlc,
                deleted,
                &body,
            );
            self.out.push(Revision {
                id: id.to_string(),
                kind: kind.to_string(),
                rev: rev.clone(),
                parents,
                device: self.device.clone(),
                hlc,
                deleted,
                body,
            });
            parents = vec![rev];
        }
    }
}

/// 2025-10-01T00:00:00Z
const T0: i64 = 1_759_276_800_000;

/// What the secretariat sends every team: the campaign, its criteria set, the province and
/// its districts. Every bundle carries it.
struct Base {
    revisions: Vec<Revision>,
    campaign_id: String,
    criteria_id: String,
    criteria: CriteriaSet,
    districts: Vec<String>,
}

fn base() -> Base {
    let mut r = Rng::new(1);
    let device = uuid_for(0, 0, T0);
    let mut m = Maker {
        device,
        millis: T0,
        target: usize::MAX,
        out: Vec::new(),
    };
    let criteria = kiemtra_core::demo::default_criteria();
    let criteria_id = uuid_for(0, 1, T0);
    let campaign_id = uuid_for(0, 2, T0);
    m.chain(
        &mut r,
        "criteria_set",
        &criteria_id,
        vec![(false, body(&criteria))],
    );
    let campaign = Campaign {
        name: "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023".into(),
        year: 2023,
        theme: "Tuổi trẻ tiên phong, xung kích, sáng tạo".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2023, 11, 1),
        end_date: chrono::NaiveDate::from_ymd_opt(2023, 12, 15),
        decision_number: "123-QĐ/TĐTN-KT".into(),
        issuing_body: "Ban Thường vụ Tỉnh đoàn".into(),
        place: "Tỉnh Đồng Tháp".into(),
        criteria_set_id: Some(criteria_id.clone()),
        report: None,
    };
    m.chain(
        &mut r,
        "campaign",
        &campaign_id,
        vec![(false, body(&campaign))],
    );
    let province = uuid_for(0, 3, T0);
    let unit = |name: String, kind: &str, label: &str, parent: Option<String>| Unit {
        short_name: name.clone(),
        code: String::new(),
        name,
        kind: kind.into(),
        level_label: label.into(),
        parent_id: parent,
        valid_from: None,
        valid_to: None,
        merged_into: None,
    };
    let p = unit("Tỉnh đoàn Đồng Tháp".into(), "tinh_doan", "Cấp tỉnh", None);
    m.chain(&mut r, "unit", &province, vec![(false, body(&p))]);
    let mut districts = Vec::new();
    for d in 0..20 {
        let id = uuid_for(0, 10 + d, T0);
        let u = unit(
            format!("Huyện đoàn số {}", d + 1),
            "huyen_doan",
            "Cấp huyện",
            Some(province.clone()),
        );
        m.chain(&mut r, "unit", &id, vec![(false, body(&u))]);
        districts.push(id);
    }
    Base {
        revisions: m.out,
        campaign_id,
        criteria_id,
        criteria,
        districts,
    }
}

fn visit_id(laptop: usize, n: usize) -> String {
    uuid_for(1_000 + laptop as u64, 1_000_000 + n as u64, T0)
}

/// How many items of a pair's shared visit both laptops rate (each on its own).
const SHARED_ITEMS: usize = 8;

/// One team laptop's own revisions: its inspector and team, then visit after visit, each with
/// its unit, the visit's progress, a finding per checklist item (1–3 revisions: rating and
/// note, a revised note, the unit's explanation) and a few recommendations. Laptops in a pair
/// (2k, 2k+1) both rate some items of 2k's first visit, so the secretariat merges or flags
/// them as conflicts.
fn laptop_revisions(base: &Base, laptop: usize, device: &str, target: usize) -> Vec<Revision> {
    let mut r = Rng::new(10_000 + laptop as u64);
    let mut m = Maker {
        device: device.to_string(),
        millis: T0 + laptop as i64 * 7_919,
        target,
        out: Vec::with_capacity(target),
    };
    let seed = 1_000 + laptop as u64;
    let inspector = uuid_for(seed, 1, T0);
    m.chain(
        &mut r,
        "inspector",
        &inspector,
        vec![(
            false,
            body(&Inspector {
                full_name: format!("Nguyễn Thị Hồng Nhung {laptop}"),
                title: "Phó Bí thư Tỉnh đoàn".into(),
                organisation: "Tỉnh đoàn".into(),
            }),
        )],
    );
    let team = uuid_for(seed, 2, T0);
    m.chain(
        &mut r,
        "team",
        &team,
        vec![(
            false,
            body(&Team {
                campaign_id: base.campaign_id.clone(),
                name: format!("Đoàn kiểm tra số {}", laptop + 1),
                members: vec![TeamMember {
                    inspector_id: inspector.clone(),
                    role: Role::Head,
                }],
            }),
        )],
    );
    let items: Vec<_> = base
        .criteria
        .topics
        .iter()
        .flat_map(|t| t.items.iter())
        .collect();
    if laptop % 2 == 1 {
        // The partner's first visit: this laptop rates some items too, on its own.
        let visit = visit_id(laptop - 1, 0);
        for (j, item) in items.iter().take(SHARED_ITEMS).enumerate() {
            let f = Finding {
                visit_id: visit.clone(),
                item_code: item.code.clone(),
                rating: None,
                points: None,
                // Even items: a field the partner leaves empty (merges cleanly); odd: the
                // same field as the partner (a conflict).
                note: if j % 2 == 1 {
                    prose(&mut r)
                } else {
                    String::new()
                },
                explanation: if j % 2 == 0 {
                    prose(&mut r)
                } else {
                    String::new()
                },
            };
            m.chain(
                &mut r,
                "finding",
                &finding_id(&visit, &item.code),
                vec![(false, body(&f))],
            );
        }
    }
    let mut n = 0;
    while !m.full() {
        let unit = uuid_for(seed, 2_000_000 + n as u64, T0);
        let district = r.pick(&base.districts).clone();
        m.chain(
            &mut r,
            "unit",
            &unit,
            vec![(
                false,
                body(&Unit {
                    name: format!("Đoàn cơ sở xã {} (đội {laptop})", n + 1),
                    short_name: format!("ĐCS xã {}", n + 1),
                    code: format!("X{laptop:03}{n:03}"),
                    kind: "doan_co_so".into(),
                    level_label: "Cơ sở".into(),
                    parent_id: Some(district),
                    valid_from: None,
                    valid_to: None,
                    merged_into: None,
                }),
            )],
        );
        let visit = visit_id(laptop, n);
        let mut v = Visit {
            campaign_id: base.campaign_id.clone(),
            unit_id: unit.clone(),
            team_id: Some(team.clone()),
            date: chrono::NaiveDate::from_ymd_opt(2023, 11, 1 + (n % 28) as u32),
            status: VisitStatus::Planned,
            criteria_set_id: base.criteria_id.clone(),
            report_summary: String::new(),
            difficulties: String::new(),
            strengths: String::new(),
            shortcomings: String::new(),
            assessment: String::new(),
            overall_result: None,
            attendees: Vec::new(),
            questions: Vec::new(),
            signed_at: None,
            unlocks: Vec::new(),
        };
        let mut visit_bodies = vec![(false, body(&v))];
        v.status = VisitStatus::InProgress;
        visit_bodies.push((false, body(&v)));
        let steps = 1 + r.below(3);
        visit_bodies.truncate(steps.min(2));
        m.chain(&mut r, "visit", &visit, visit_bodies);
        for item in &items {
            let mut f = Finding {
                visit_id: visit.clone(),
                item_code: item.code.clone(),
                rating: None,
                points: None,
                note: prose(&mut r),
                explanation: String::new(),
            };
            match item.scale {
                Scale::PassFail => {
                    f.rating = Some(if r.percent(80) {
                        Rating::Dat
                    } else {
                        Rating::ChuaDat
                    })
                }
                Scale::Points => {
                    let max = item.max_points.unwrap_or(10) as usize;
                    f.points = Some((r.below(max * 2 + 1)) as f64 / 2.0);
                }
            }
            let mut bodies = vec![(false, body(&f))];
            let len = match r.below(100) {
                0..40 => 1,
                40..75 => 2,
                _ => 3,
            };
            if len >= 2 {
                f.note = prose(&mut r);
                bodies.push((false, body(&f)));
            }
            if len >= 3 {
                f.explanation = prose(&mut r);
                bodies.push((false, body(&f)));
            }
            m.chain(&mut r, "finding", &finding_id(&visit, &item.code), bodies);
        }
        for k in 0..r.below(3) {
            let rec = Recommendation {
                visit_id: visit.clone(),
                text: prose(&mut r),
                raised_by: if k % 2 == 0 {
                    RaisedBy::Unit
                } else {
                    RaisedBy::Team
                },
                authority: *r.pick(&[Authority::Unit, Authority::Team, Authority::Union]),
                status: RecStatus::Received,
                due_date: None,
            };
            let mut bodies = vec![(false, body(&rec))];
            if r.percent(5) {
                // Withdrawn: a tombstone.
                bodies.push((true, bodies[0].1.clone()));
            }
            let id = uuid_for(seed, 3_000_000 + (n * 4 + k) as u64, T0);
            m.chain(&mut r, "recommendation", &id, bodies);
        }
        if steps == 3 {
            v.status = VisitStatus::Completed;
            v.report_summary = prose(&mut r);
            v.strengths = prose(&mut r);
            v.shortcomings = prose(&mut r);
            v.assessment = prose(&mut r);
            v.overall_result = Some(*r.pick(&[OverallResult::Tot, OverallResult::HoanThanh]));
            // The visit's third revision, after its findings.
            let mut parents = Vec::new();
            if let Some(last) = m.out.iter().rev().find(|x| x.id == visit) {
                parents.push(last.rev.clone());
            }
            if parents.len() == 1 && !m.full() {
                let generation = m.out.iter().rev().find(|x| x.id == visit).map_or(1, |x| {
                    x.rev.split_once('-').unwrap().0.parse::<u64>().unwrap() + 1
                });
                m.millis += 60_000;
                let hlc = Hlc {
                    millis: m.millis,
                    counter: 0,
                }
                .to_text();
                let b = body(&v);
                let rev = Revision::compute_rev(
                    &visit, "visit", generation, &parents, device, &hlc, false, &b,
                );
                m.out.push(Revision {
                    id: visit.clone(),
                    kind: "visit".into(),
                    rev,
                    parents,
                    device: device.to_string(),
                    hlc,
                    deleted: false,
                    body: b,
                });
            }
        }
        n += 1;
    }
    m.out
}

struct Generated {
    dir: tempfile::TempDir,
    bundles: Vec<PathBuf>,
    /// Lines in all bundles (the base is in each).
    lines: u64,
    bundle_bytes: u64,
    time: Duration,
}

fn generate(c: &Config) -> Generated {
    let t = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("kiemtra-bench-")
        .tempdir()
        .expect("temp dir");
    let base = base();
    assert!(
        c.revisions > base.revisions.len() + c.laptops,
        "too few revisions"
    );
    let own = c.revisions - base.revisions.len();
    let share = |i: usize| own / c.laptops + usize::from(i < own % c.laptops);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, PathBuf, u64, u64)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(c.laptops);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= c.laptops {
                    return;
                }
                let db = dir.path().join(format!("laptop-{i:03}.db"));
                let mut store = Store::open(&db).expect("open laptop db");
                store
                    .set_device_name(&format!("Máy đoàn kiểm tra {}", i + 1))
                    .expect("name");
                let device = store.device().id.clone();
                let revs = laptop_revisions(&base, i, &device, share(i));
                store
                    .write(|w| {
                        for rev in base.revisions.iter().chain(&revs) {
                            w.apply(rev, "local")?;
                        }
                        Ok(())
                    })
                    .expect("apply generated revisions");
                drop(revs);
                let path = dir.path().join(format!("laptop-{i:03}.kiemtra"));
                let rep = store
                    .export_bundle(&path, None)
                    .expect("export laptop bundle");
                drop(store);
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                }
                results
                    .lock()
                    .unwrap()
                    .push((i, path, rep.revisions, rep.bytes));
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                if d.is_multiple_of(20) || d == c.laptops {
                    eprint!("\r  generated {d}/{} bundles", c.laptops);
                }
            });
        }
    });
    eprintln!();
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    Generated {
        dir,
        lines: results.iter().map(|r| r.2).sum(),
        bundle_bytes: results.iter().map(|r| r.3).sum(),
        bundles: results.into_iter().map(|r| r.1).collect(),
        time: t.elapsed(),
    }
}

// ---------------------------------------------------------------------------------------
// The baseline: the same rows, plain prepared INSERTs into a table like `revisions`

type Row = (
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    bool,
    String,
);

/// A bundle's revisions as rows ready to insert (decoding is not part of the baseline).
fn bundle_rows(path: &Path) -> Vec<Row> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("bundle")).expect("zip");
    let f = zip.by_name("revisions.jsonl").expect("revisions.jsonl");
    let mut rows = Vec::new();
    for line in BufReader::new(f).lines() {
        let rev: Revision = serde_json::from_str(&line.expect("line")).expect("revision");
        let mut parents = rev.parents.clone();
        parents.sort();
        rows.push((
            rev.rev.clone(),
            rev.id.clone(),
            rev.kind.clone(),
            rev.generation().expect("generation") as i64,
            serde_json::to_string(&parents).expect("json"),
            rev.device.clone(),
            rev.hlc.clone(),
            rev.deleted,
            canonical::to_string(&rev.body),
        ));
    }
    rows
}

const INSERT_REVISION: &str = "INSERT OR IGNORE INTO revisions (rev, record_id, kind, generation,
    parents, device_id, hlc, deleted, body, seq, source)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// Phase 2: a fresh SQLite file with the pragmas `Store::open` sets and a table of the same
/// columns, keys and index as `revisions`; one transaction per bundle of plain inserts.
struct Baseline {
    conn: Connection,
    seq: i64,
}

impl Baseline {
    fn new(path: &Path) -> Baseline {
        let conn = Connection::open(path).expect("baseline db");
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .expect("wal");
        assert_eq!(mode, "wal");
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        // Same columns, keys and index as `revisions` (schema.rs).
        conn.execute_batch(
            "CREATE TABLE revisions (
                rev         TEXT PRIMARY KEY,
                record_id   TEXT NOT NULL,
                kind        TEXT NOT NULL,
                generation  INTEGER NOT NULL CHECK (generation >= 1),
                parents     TEXT NOT NULL,
                device_id   TEXT NOT NULL,
                hlc         TEXT NOT NULL,
                deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
                body        TEXT NOT NULL,
                seq         INTEGER NOT NULL UNIQUE,
                source      TEXT NOT NULL DEFAULT 'local'
            );
            CREATE INDEX revisions_record ON revisions(record_id, generation);",
        )
        .unwrap();
        Baseline { conn, seq: 0 }
    }

    fn insert(&mut self, rows: &[Row], source: &str) {
        // The page cache an import runs with, and back after, as `import_bundle` does.
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
            .unwrap();
        let tx = self.conn.transaction().unwrap();
        {
            let mut st = tx.prepare(INSERT_REVISION).unwrap();
            for r in rows {
                self.seq += 1;
                st.execute(params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, self.seq, source
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
        self.conn.pragma_update(None, "cache_size", -2000).unwrap();
    }
}

/// Diagnostic (skipped with `--no-ceiling`): the same rows written straight into the store's
/// own schema (revisions, and each record's last revision into record_state, every index),
/// no checks, no merges: what any import has to write.
struct Ceiling {
    store: Store,
    seq: i64,
}

impl Ceiling {
    fn insert(&mut self, rows: &[Row], source: &str) {
        let mut last: std::collections::BTreeMap<&str, &Row> = Default::default();
        for r in rows {
            last.insert(r.1.as_str(), r);
        }
        let conn = self.store.conn();
        conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
            .unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut ins = tx.prepare(INSERT_REVISION).unwrap();
            for r in rows {
                self.seq += 1;
                ins.execute(params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, self.seq, source
                ])
                .unwrap();
            }
            let mut rec = tx
                .prepare(
                    "INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, owner)
                     VALUES (?1, ?2, ?3, ?4, 1, 0, ?5)
                     ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, rev = excluded.rev,
                        deleted = excluded.deleted, owner = excluded.owner",
                )
                .unwrap();
            for r in last.values() {
                let owner = kiemtra_core::model::owner_field(&r.2).and_then(|f| {
                    serde_json::from_str::<Value>(&r.8).unwrap()[f]
                        .as_str()
                        .map(str::to_string)
                });
                rec.execute(params![r.1, r.2, r.0, r.7, owner]).unwrap();
            }
        }
        tx.commit().unwrap();
        conn.pragma_update(None, "cache_size", -2000).unwrap();
    }
}

// ---------------------------------------------------------------------------------------
// Outcome checks (not timed)

/// A digest of the materialised state, the same on every laptop that saw the same revisions.
fn state_digest(s: &Store) -> (u64, u64, u64, String) {
    let conn = s.conn();
    let (revisions, conflicts, merged): (u64, u64, u64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM revisions),
                    (SELECT COUNT(*) FROM records WHERE conflict = 1),
                    (SELECT COUNT(*) FROM records WHERE heads > 1 AND conflict = 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut st = conn
        .prepare("SELECT id, rev, deleted, heads, conflict, body FROM records ORDER BY id")
        .unwrap();
    let mut rows = st.query([]).unwrap();
    let mut h = Sha256::new();
    while let Some(r) = rows.next().unwrap() {
        for i in 0..6 {
            match r.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Text(t) => h.update(t),
                rusqlite::types::ValueRef::Integer(n) => h.update(n.to_le_bytes()),
                other => panic!("unexpected {other:?}"),
            }
            h.update([0]);
        }
    }
    (
        revisions,
        conflicts,
        merged,
        hex::encode(&h.finalize()[..8]),
    )
}

fn entry_size(bundle: &Path) -> u64 {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(bundle).unwrap()).unwrap();
    let size = zip.by_name("revisions.jsonl").unwrap().size();
    size
}

// ---------------------------------------------------------------------------------------
// Report

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn opt_mb(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.0} MB"))
}

fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "PASS",
        Some(false) => "MISS",
        None => "n/a",
    }
}

fn main() {
    let c = config();
    let started = Instant::now();
    println!(
        "Kiểm tra sync benchmark ({}): {} laptops, {} distinct revisions",
        c.name,
        c.laptops,
        thousands(c.revisions as u64)
    );
    eprintln!("generating (not timed)...");
    let g = generate(&c);
    let work = g.dir.path();
    println!(
        "generated {} bundles: {} revision lines ({} distinct; the 23-revision campaign base is in every bundle), {:.1} MB zipped, in {:.1} s (not counted)",
        g.bundles.len(),
        thousands(g.lines),
        thousands(c.revisions as u64),
        mb(g.bundle_bytes),
        g.time.as_secs_f64()
    );

    // 1 and 2, bundle by bundle: import into the secretariat, then the same rows into the
    // baseline (and the ceiling), so both see the same machine (load from elsewhere, disk
    // cache) at the same time.
    eprintln!(
        "1+2. importing {} bundles, each followed by its baseline inserts...",
        g.bundles.len()
    );
    let with_ceiling = c.ceiling;
    let mut hq = Store::open(&work.join("secretariat.db")).expect("secretariat");
    let mut base = Baseline::new(&work.join("baseline.db"));
    let mut ceiling = with_ceiling.then(|| Ceiling {
        store: Store::open(&work.join("ceiling.db")).expect("ceiling db"),
        seq: 0,
    });
    let (mut imported, mut new, mut base_rows) = (0u64, 0u64, 0u64);
    let mut imp = Phase::default();
    let mut bl = Phase::default();
    let mut ceil_time = Duration::ZERO;
    trim_heap();
    for (i, b) in g.bundles.iter().enumerate() {
        let (r, m) = measure(|| hq.import_bundle(b, false).expect("import"));
        imp.add(&m);
        imported += r.revisions;
        new += r.new_revisions;
        let rows = bundle_rows(b);
        let source = format!("import:{i}");
        let ((), m) = measure(|| base.insert(&rows, &source));
        bl.add(&m);
        base_rows += rows.len() as u64;
        if let Some(c) = ceiling.as_mut() {
            let t = Instant::now();
            c.insert(&rows, &source);
            ceil_time += t.elapsed();
        }
        if (i + 1).is_multiple_of(20) {
            eprint!("\r  {}/{} bundles", i + 1, g.bundles.len());
        }
    }
    eprintln!();
    drop((base, ceiling));
    for f in ["baseline.db", "ceiling.db"] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(work.join(format!("{f}{suffix}")));
        }
    }
    assert_eq!(imported, g.lines);
    assert_eq!(base_rows, g.lines);
    assert_eq!(new, c.revisions as u64);
    let import_rate = imported as f64 / imp.time.as_secs_f64();
    let base_rate = base_rows as f64 / bl.time.as_secs_f64();
    let (hq_revisions, hq_conflicts, hq_merged, hq_digest) = state_digest(&hq);
    assert_eq!(
        hq_revisions, c.revisions as u64,
        "every distinct revision arrived"
    );

    // 3. ratio
    let ratio = import_rate / base_rate;

    // 4. export the merged database as one bundle
    eprintln!("4. exporting the merged database...");
    let merged = work.join("merged.kiemtra");
    trim_heap();
    let (rep, exp) = measure(|| hq.export_bundle(&merged, None).expect("export"));
    let jsonl = entry_size(&merged);
    let export_rate = rep.revisions as f64 / exp.time.as_secs_f64();
    drop(hq);
    for b in &g.bundles {
        let _ = std::fs::remove_file(b);
    }

    // 5. one bundle holding everything, into a fresh laptop
    eprintln!(
        "5. importing one bundle of {} revisions...",
        thousands(rep.revisions)
    );
    let mut fresh = Store::open(&work.join("fresh.db")).expect("fresh");
    trim_heap();
    let (big, one) = measure(|| fresh.import_bundle(&merged, false).expect("import big"));
    let one_rate = big.revisions as f64 / one.time.as_secs_f64();
    let (f_revisions, f_conflicts, f_merged, f_digest) = state_digest(&fresh);
    let converged = f_digest == hq_digest && f_revisions == hq_revisions;
    drop(fresh);

    // Report
    let w = 82;
    let row = |label: &str, n: u64, t: Duration, rate: f64, peak: Option<f64>| {
        println!(
            "{:<38} {:>11} {:>8.1} {:>11} {:>10}",
            label,
            thousands(n),
            t.as_secs_f64(),
            thousands(rate as u64),
            opt_mb(peak)
        );
    };
    println!();
    println!("{}", "=".repeat(w));
    println!(
        "{:<38} {:>11} {:>8} {:>11} {:>10}",
        "phase", "revisions", "time s", "per second", "peak RSS"
    );
    println!("{}", "-".repeat(w));
    row(
        &format!("1 import+merge, {} bundles", g.bundles.len()),
        imported,
        imp.time,
        import_rate,
        imp.peak,
    );
    row(
        "2 baseline: plain INSERT loop",
        base_rows,
        bl.time,
        base_rate,
        bl.peak,
    );
    if with_ceiling {
        row(
            "  (ceiling: plain full-schema writes)",
            base_rows,
            ceil_time,
            base_rows as f64 / ceil_time.as_secs_f64(),
            None,
        );
    }
    row(
        "4 export merged db -> 1 bundle",
        rep.revisions,
        exp.time,
        export_rate,
        exp.peak,
    );
    row(
        "5 import that 1 bundle, fresh db",
        big.revisions,
        one.time,
        one_rate,
        one.peak,
    );
    println!("{}", "-".repeat(w));
    println!(
        "  1: {} new + {} already known (the base in every bundle); {} records merged, {} in conflict",
        thousands(new),
        thousands(imported - new),
        thousands(hq_merged),
        thousands(hq_conflicts)
    );
    println!(
        "  4: {:.1} MB bundle written at {:.1} MB/s; its {:.1} MB of revisions.jsonl at {:.1} MB/s",
        mb(rep.bytes),
        mb(rep.bytes) / exp.time.as_secs_f64(),
        mb(jsonl),
        mb(jsonl) / exp.time.as_secs_f64()
    );
    println!(
        "  5: same records, revisions and conflicts as the secretariat: {} ({} conflicts, {} merged)",
        if converged { "yes" } else { "NO" },
        thousands(f_conflicts),
        thousands(f_merged)
    );
    println!(
        "  RSS when each phase started: 1 {}, 4 {}, 5 {}",
        opt_mb(imp.rss_before),
        opt_mb(exp.rss_before),
        opt_mb(one.rss_before)
    );
    if with_ceiling {
        println!(
            "  import reaches {:.0}% of the ceiling's speed",
            100.0 * import_rate * ceil_time.as_secs_f64() / base_rows as f64
        );
    }
    println!("{}", "-".repeat(w));
    println!("{:<63} {:>10} {:>7}", "goal", "measured", "result");
    println!(
        "{:<63} {:>10} {:>7}",
        format!("3 ratio import/baseline >= {GOAL_RATIO}"),
        format!("{ratio:.2}"),
        verdict(Some(ratio >= GOAL_RATIO))
    );
    for (label, peak) in [
        (
            format!("5 peak RSS, import of {} bundles", g.bundles.len()),
            imp.peak,
        ),
        ("5 peak RSS, export of the merged db".to_string(), exp.peak),
        (
            format!(
                "5 peak RSS, import of one {}-revision bundle",
                thousands(big.revisions)
            ),
            one.peak,
        ),
    ] {
        println!(
            "{:<63} {:>10} {:>7}",
            format!("{label} < {GOAL_PEAK_MB} MB"),
            opt_mb(peak),
            verdict(peak.map(|p| p < GOAL_PEAK_MB))
        );
    }
    println!(
        "{:<63} {:>10} {:>7}",
        format!(
            "one big bundle gives the state {} bundles gave",
            g.bundles.len()
        ),
        if converged { "yes" } else { "no" },
        verdict(Some(converged))
    );
    println!("{}", "=".repeat(w));
    println!(
        "generation {:.1} s (not counted); whole run {:.1} s",
        g.time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
