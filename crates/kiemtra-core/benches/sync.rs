//! Sync at province scale: how fast the secretariat takes in every team's bundle, against
//! the floor of plain SQLite inserts, how fast it exports the result, how fast bundles go
//! round again when most records have concurrent heads, what the app's import costs beyond
//! the core's (backup and search index), and how much memory all of it needs.
//!
//! `cargo bench -p kiemtra-core --bench sync` — the full run: 200 laptops' bundles holding
//! 1,000,000 distinct revisions, then the merged database exported and imported again as ONE
//! bundle; then the re-exchange: a campaign of 1,000 visits (34,003 records) sent to 4
//! laptops that each edit most of the same visits and findings, all 4 bundles imported by the
//! secretariat, and the merged bundle imported back by a laptop.
//! `-- --quick` (a smoke run of every phase, a few seconds): 20 laptops and 20,000
//! revisions, a re-exchange of 100 visits over 4 laptops, and imports in batches of 1,000
//! records so that big bundles cross batch boundaries. `--laptops N --revisions M
//! --re-visits V --re-laptops K --import-batch B` set the sizes by hand; `--no-ceiling` skips
//! the diagnostic "ceiling" writes. Run without cargo bench's `--bench` flag (`cargo test
//! --benches`), it takes the quick sizes.
//!
//! Speed and memory goals are printed, never failed. Correctness is checked and fails the
//! run (exit status 1): every store that saw the same revisions has the same canonical dump
//! (SHA-256 of `dump_canonical`); the records, tombstones, conflicts and automatic merges are
//! the ones the generated load implies; every laptop's words are in the merged body or a
//! side of the conflict; the app's index catch-up leaves nothing behind and finds words that
//! arrived. Generation and checks are not timed. Import and baseline run bundle by bundle,
//! one after the other, so that both meet the same machine (other load, disk cache); so do
//! the core's import and the app's. Peak memory is the RSS high-water mark (VmHWM), reset
//! before each step by writing "5" to /proc/self/clear_refs (Linux).

mod common;
use common::{Checks, Rng};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kiemtra_core::bundle::IMPORT_CACHE_KIB;
use kiemtra_core::canonical;
use kiemtra_core::hlc::Hlc;
use kiemtra_core::ids::finding_id;
use kiemtra_core::model::{
    Authority, Campaign, CriteriaSet, Finding, Inspector, OverallResult, RaisedBy, Rating,
    RecStatus, Recommendation, Role, Scale, Team, TeamMember, Unit, Visit, VisitStatus,
};
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
    /// Re-exchange: visits of the campaign sent out, and laptops editing them.
    re_visits: usize,
    re_laptops: usize,
    /// Records per materialisation batch of every import; `None`: the store's own.
    import_batch: Option<usize>,
}

impl Config {
    fn quick(&mut self) {
        self.name = "quick";
        self.laptops = 20;
        self.revisions = 20_000;
        self.re_visits = 100;
        self.re_laptops = 4;
        // Small enough that the quick run's bigger bundles cross batch boundaries.
        self.import_batch = Some(1_000);
    }

    fn open(&self, path: &Path) -> Store {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("store dir");
        let mut s = Store::open(path).expect("open store");
        if let Some(n) = self.import_batch {
            s.set_import_batch(n);
        }
        s
    }
}

fn config() -> Config {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut c = Config {
        name: "full",
        laptops: 200,
        revisions: 1_000_000,
        ceiling: true,
        re_visits: 1_000,
        re_laptops: 4,
        import_batch: None,
    };
    if !args.iter().any(|a| a == "--bench") {
        // Not run by `cargo bench` (e.g. `cargo test --benches`): a smoke check only.
        c.quick();
    }
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let value = || -> usize {
            args.get(i + 1)
                .and_then(|v| v.replace('_', "").parse().ok())
                .unwrap_or_else(|| panic!("{flag} needs a number"))
        };
        let sized = match flag {
            "--laptops" => Some(&mut c.laptops),
            "--revisions" => Some(&mut c.revisions),
            "--re-visits" => Some(&mut c.re_visits),
            "--re-laptops" => Some(&mut c.re_laptops),
            _ => None,
        };
        if let Some(field) = sized {
            *field = value();
            c.name = "custom";
            i += 1;
        } else {
            match flag {
                "--quick" => c.quick(),
                "--import-batch" => {
                    c.import_batch = Some(value());
                    c.name = "custom";
                    i += 1;
                }
                "--no-ceiling" => c.ceiling = false,
                // `cargo bench` passes --bench; filters and other harness flags mean nothing.
                _ => {}
            }
        }
        i += 1;
    }
    assert!(c.laptops >= 1, "at least one laptop");
    assert!(
        c.re_laptops >= 2,
        "a re-exchange needs at least two laptops"
    );
    assert!(c.re_visits >= 1, "at least one visit to re-exchange");
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
    expected: Expected,
}

/// What one laptop made, for the outcome the secretariat must reach.
struct Made {
    /// Every record it has a revision of.
    ids: Vec<String>,
    /// Records whose last revision is a tombstone.
    tombstones: u64,
    /// The head body of each record its pair partner makes too.
    shared: Vec<(String, Value)>,
}

impl Made {
    fn of(base: &Base, laptop: usize, revs: &[Revision]) -> Made {
        let mut last: std::collections::HashMap<&str, &Revision> = Default::default();
        for r in revs {
            last.insert(r.id.as_str(), r);
        }
        let items = base.criteria.topics.iter().flat_map(|t| t.items.iter());
        let visit = visit_id(laptop - laptop % 2, 0);
        let shared = items
            .take(SHARED_ITEMS)
            .filter_map(|item| {
                let id = finding_id(&visit, &item.code);
                last.get(id.as_str()).map(|r| (id, r.body.clone()))
            })
            .collect();
        Made {
            tombstones: last.values().filter(|r| r.deleted).count() as u64,
            ids: last.into_keys().map(str::to_string).collect(),
            shared,
        }
    }
}

/// The state the secretariat must reach after importing every laptop's bundle.
struct Expected {
    records: u64,
    tombstones: u64,
    conflicts: u64,
    /// Records both laptops of a pair made, merged: (id, the body the merge must give).
    merged: Vec<(String, Value)>,
}

/// Two laptops made the same record without seeing each other (no common ancestor): a field
/// only one of them filled takes that value, a field both filled differently is a conflict
/// (`None`). The rule the merge is documented to follow, applied to what was generated.
fn merge_unseen(a: &Value, b: &Value) -> Option<Value> {
    let blank = |v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    };
    let (a, b) = (a.as_object()?, b.as_object()?);
    let mut out = a.clone();
    for (k, vb) in b {
        let va = a.get(k);
        if blank(va) {
            out.insert(k.clone(), vb.clone());
        } else if !blank(Some(vb)) && va != Some(vb) {
            return None;
        }
    }
    Some(Value::Object(out))
}

fn expected_outcome(base: &Base, made: &[Made]) -> Expected {
    let mut ids: std::collections::HashSet<&str> =
        base.revisions.iter().map(|r| r.id.as_str()).collect();
    let mut shared: std::collections::BTreeMap<&str, Vec<&Value>> = Default::default();
    for m in made {
        ids.extend(m.ids.iter().map(String::as_str));
        for (id, body) in &m.shared {
            shared.entry(id).or_default().push(body);
        }
    }
    let (mut conflicts, mut merged) = (0, Vec::new());
    for (id, bodies) in shared {
        if let [a, b] = bodies[..] {
            match merge_unseen(a, b) {
                Some(body) => merged.push((id.to_string(), body)),
                None => conflicts += 1,
            }
        }
    }
    Expected {
        records: ids.len() as u64,
        tombstones: made.iter().map(|m| m.tombstones).sum(),
        conflicts,
        merged,
    }
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
    // (laptop, bundle, revisions, bytes, what it made)
    type Done = (usize, PathBuf, u64, u64, Made);
    let results: Mutex<Vec<Done>> = Mutex::new(Vec::new());
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
                let made = Made::of(&base, i, &revs);
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
                    .push((i, path, rep.revisions, rep.bytes, made));
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
    let (mut bundles, mut made, mut lines, mut bundle_bytes) = (Vec::new(), Vec::new(), 0, 0);
    for (_, path, revisions, bytes, m) in results {
        bundles.push(path);
        made.push(m);
        lines += revisions;
        bundle_bytes += bytes;
    }
    Generated {
        dir,
        bundles,
        lines,
        bundle_bytes,
        time: t.elapsed(),
        expected: expected_outcome(&base, &made),
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

/// What a store holds, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counts {
    revisions: u64,
    records: u64,
    deleted: u64,
    conflicts: u64,
    /// Live heads merged automatically.
    merged: u64,
}

fn counts(s: &Store) -> Counts {
    s.conn()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM revisions),
                    (SELECT COUNT(*) FROM record_state),
                    (SELECT COUNT(*) FROM record_state WHERE deleted = 1),
                    (SELECT COUNT(*) FROM record_state WHERE conflict = 1),
                    (SELECT COUNT(*) FROM record_state WHERE heads > 1 AND conflict = 0)",
            [],
            |r| {
                Ok(Counts {
                    revisions: r.get(0)?,
                    records: r.get(1)?,
                    deleted: r.get(2)?,
                    conflicts: r.get(3)?,
                    merged: r.get(4)?,
                })
            },
        )
        .expect("counts")
}

/// SHA-256 of the canonical dump: the same on every laptop that saw the same revisions,
/// whatever their order. Compared, never printed: equal digests are the claim.
fn digest(s: &Store) -> [u8; 32] {
    let dump = s.dump_canonical().expect("dump --canonical");
    let d = Sha256::digest(dump.as_bytes()).into();
    drop(dump);
    trim_heap();
    d
}

/// A body as it reads back from the store (canonical JSON), for comparing with one built here.
fn canonical_value(v: &Value) -> Value {
    serde_json::from_str(&canonical::to_string(v)).expect("canonical JSON parses")
}

fn body_of(s: &Store, id: &str) -> Option<Value> {
    let body: String = s
        .conn()
        .query_row("SELECT body FROM records WHERE id = ?1", [id], |r| r.get(0))
        .ok()?;
    serde_json::from_str(&body).ok()
}

/// A copy of a store's database file (SQLite's backup API), as another laptop in the same
/// state would have: same device, key and search index.
fn copy_store(s: &Store, dest: &Path) {
    std::fs::create_dir_all(dest.parent().expect("a parent")).expect("copy dir");
    s.conn()
        .backup(rusqlite::MAIN_DB, dest, None)
        .expect("copy of the store");
}

// ---------------------------------------------------------------------------------------
// Re-exchange: most records with concurrent heads
//
// The secretariat sends a campaign (visits and their findings, already partly written) to a
// few laptops; each edits most of the same records; every bundle comes back. What the merge
// must make of each record is known from the plan: laptops writing different fields merge,
// two writing the same field are a conflict (every laptop's text is unique).

const VISIT_FIELDS: &[&str] = &[
    "report_summary",
    "difficulties",
    "strengths",
    "shortcomings",
    "assessment",
];
const FINDING_FIELDS: &[&str] = &["note", "explanation"];

/// One laptop's edit of one field of a record: once, or a draft and then the final text.
struct Edit {
    laptop: usize,
    field: &'static str,
    draft: Option<String>,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Nobody or one laptop edited it: one head.
    OneHead,
    Merged,
    Conflict,
}

/// A record of the campaign and what the laptops do to it.
struct Planned {
    kind: &'static str,
    id: String,
    base: Value,
    edits: Vec<Edit>,
}

impl Planned {
    fn outcome(&self) -> Outcome {
        self.outcome_among(usize::MAX)
    }

    /// The outcome once the edits of laptops 0..=`last` have arrived.
    fn outcome_among(&self, last: usize) -> Outcome {
        let mut fields: Vec<&str> = self
            .edits
            .iter()
            .filter(|e| e.laptop <= last)
            .map(|e| e.field)
            .collect();
        let n = fields.len();
        fields.sort_unstable();
        fields.dedup();
        if n < 2 {
            Outcome::OneHead
        } else if fields.len() < n {
            Outcome::Conflict
        } else {
            Outcome::Merged
        }
    }

    /// Whether bundle `k` (laptop k's) brings this record a conflict, as an import counts
    /// it: the record has a new revision from it, is in conflict once it is in, and was not
    /// before (bundles arrive in laptop order).
    fn conflicted_by(&self, k: usize) -> bool {
        self.edits.iter().any(|e| e.laptop == k)
            && self.outcome_among(k) == Outcome::Conflict
            && (k == 0 || self.outcome_among(k - 1) != Outcome::Conflict)
    }

    /// The body with every laptop's final text: what the record must end as unless in
    /// conflict.
    fn expected(&self) -> Value {
        let mut v = self.base.clone();
        for e in &self.edits {
            v[e.field] = Value::String(e.text.clone());
        }
        v
    }
}

/// Which laptops edit a record, and which field each: one in ten records by at most one
/// laptop, the rest by two or more, half of those on different fields (a merge), half with
/// two on the same field (a conflict).
fn plan_edits(
    r: &mut Rng,
    fields: &'static [&'static str],
    laptops: usize,
) -> Vec<(usize, &'static str)> {
    let mut who: Vec<usize> = (0..laptops).collect();
    for i in (1..who.len()).rev() {
        who.swap(i, r.below(i + 1));
    }
    let roll = r.below(100);
    if roll < 10 {
        let n = r.below(2);
        return who[..n].iter().map(|&k| (k, *r.pick(fields))).collect();
    }
    if roll < 55 {
        let most = laptops.min(fields.len());
        let n = 2 + r.below(most - 1);
        let mut fs: Vec<&'static str> = fields.to_vec();
        for i in (1..fs.len()).rev() {
            fs.swap(i, r.below(i + 1));
        }
        return who[..n].iter().zip(fs).map(|(&k, f)| (k, f)).collect();
    }
    let n = 2 + r.below(laptops - 1);
    let same = *r.pick(fields);
    who[..n]
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, if i < 2 { same } else { *r.pick(fields) }))
        .collect()
}

/// The re-exchange's campaign and what each laptop does to it. The same on every call: the
/// generation uses it, then drops it so that the timed phases do not carry it in memory, and
/// the checks make it again.
struct Plan {
    criteria_id: String,
    campaign_id: String,
    province: String,
    /// A unit per visit: (id, name).
    units: Vec<(String, String)>,
    records: Vec<Planned>,
    /// A word only one laptop wrote, in a record that merges: (laptop, word, record id).
    planted: Vec<(usize, String, String)>,
}

fn reexchange_plan(c: &Config) -> Plan {
    let mut r = Rng::new(77);
    let items: Vec<(String, Scale)> = kiemtra_core::demo::default_criteria()
        .topics
        .iter()
        .flat_map(|t| t.items.iter().map(|i| (i.code.clone(), i.scale)))
        .collect();
    let seed = 500_000;
    let criteria_id = uuid_for(seed, 1, T0);
    let campaign_id = uuid_for(seed, 2, T0);
    let mut units = Vec::new();
    let mut records = Vec::new();
    for n in 0..c.re_visits {
        let unit_id = uuid_for(seed, 10_000 + n as u64, T0);
        units.push((unit_id.clone(), format!("Đoàn xã Tân Phú {}", n + 1)));
        let visit = uuid_for(seed, 1_000_000 + n as u64, T0);
        let v = Visit {
            campaign_id: campaign_id.clone(),
            unit_id,
            team_id: None,
            date: chrono::NaiveDate::from_ymd_opt(2023, 12, 1 + (n % 28) as u32),
            status: VisitStatus::InProgress,
            criteria_set_id: criteria_id.clone(),
            report_summary: nfc_prose(&mut r),
            difficulties: String::new(),
            strengths: nfc_prose(&mut r),
            shortcomings: String::new(),
            assessment: String::new(),
            overall_result: None,
            attendees: Vec::new(),
            questions: Vec::new(),
            signed_at: None,
            unlocks: Vec::new(),
        };
        records.push(Planned {
            kind: "visit",
            id: visit.clone(),
            base: body(&v),
            edits: Vec::new(),
        });
        for (code, scale) in &items {
            let f = Finding {
                visit_id: visit.clone(),
                item_code: code.clone(),
                rating: (*scale == Scale::PassFail).then_some(Rating::Dat),
                points: (*scale == Scale::Points).then_some(5.0),
                note: nfc_prose(&mut r),
                explanation: String::new(),
            };
            records.push(Planned {
                kind: "finding",
                id: finding_id(&visit, code),
                base: body(&f),
                edits: Vec::new(),
            });
        }
    }
    for p in &mut records {
        let fields = if p.kind == "visit" {
            VISIT_FIELDS
        } else {
            FINDING_FIELDS
        };
        for (laptop, field) in plan_edits(&mut r, fields, c.re_laptops) {
            let draft = r.percent(30).then(|| own_text(&mut r, laptop));
            let text = own_text(&mut r, laptop);
            p.edits.push(Edit {
                laptop,
                field,
                draft,
                text,
            });
        }
    }
    // A word of each laptop's, found nowhere else, in a record that merges: after the
    // imports the index must find it.
    let mut planted = Vec::new();
    for k in 0..c.re_laptops {
        let (n, p) = records
            .iter_mut()
            .enumerate()
            .find(|(_, p)| p.outcome() == Outcome::Merged && p.edits.iter().any(|e| e.laptop == k))
            .expect("every laptop edits a record that merges");
        let word = format!("KT{k}Q{n}X");
        let e = p
            .edits
            .iter_mut()
            .find(|e| e.laptop == k)
            .expect("its edit");
        e.text = format!("{} Mã hồ sơ {word}.", e.text);
        planted.push((k, word, p.id.clone()));
    }
    Plan {
        criteria_id,
        campaign_id,
        province: uuid_for(seed, 3, T0),
        units,
        records,
        planted,
    }
}

/// A planned body written as its kind, through the store's own write path.
fn put_planned(
    w: &mut kiemtra_core::store::Writer<'_>,
    p: &Planned,
    v: Value,
) -> kiemtra_core::error::Result<String> {
    Ok(match p.kind {
        "visit" => w.put(&p.id, &serde_json::from_value::<Visit>(v).expect("a visit"))?,
        _ => w.put(
            &p.id,
            &serde_json::from_value::<Finding>(v).expect("a finding"),
        )?,
    })
}

struct Reexchange {
    /// The secretariat's revisions before the exchange, and the laptops' edits.
    base_revisions: u64,
    edit_revisions: u64,
    secretariat: PathBuf,
    /// Laptop 1's database, kept for the merged bundle's way back.
    laptop: PathBuf,
    bundles: Vec<PathBuf>,
    time: Duration,
}

fn nfc_prose(r: &mut Rng) -> String {
    kiemtra_core::text::nfc(&prose(r))
}

/// "(máy N)" makes every laptop's text its own: equal edits would merge, not conflict.
fn own_text(r: &mut Rng, laptop: usize) -> String {
    kiemtra_core::text::nfc(&format!("{} (máy {})", prose(r), laptop + 1))
}

fn reexchange_generate(c: &Config, dir: &Path) -> Reexchange {
    let t = Instant::now();
    let plan = reexchange_plan(c);
    let secretariat = dir.join("secretariat").join("kiemtra.db");
    let mut s = c.open(&secretariat);
    s.set_device_name("Văn phòng Tỉnh đoàn").expect("name");
    let unit = |name: String, parent: Option<String>| Unit {
        short_name: name.clone(),
        code: String::new(),
        name,
        kind: "doan_co_so".into(),
        level_label: "Cơ sở".into(),
        parent_id: parent,
        valid_from: None,
        valid_to: None,
        merged_into: None,
    };
    s.write(|w| {
        w.put(&plan.criteria_id, &kiemtra_core::demo::default_criteria())?;
        w.put(
            &plan.campaign_id,
            &Campaign {
                name: "Kiểm tra chéo công tác Đoàn cuối năm 2023".into(),
                year: 2023,
                theme: "Tuổi trẻ tiên phong, xung kích, sáng tạo".into(),
                start_date: None,
                end_date: None,
                decision_number: "145-QĐ/TĐTN-KT".into(),
                issuing_body: "Ban Thường vụ Tỉnh đoàn".into(),
                place: "Tỉnh Đồng Tháp".into(),
                criteria_set_id: Some(plan.criteria_id.clone()),
                report: None,
            },
        )?;
        w.put(&plan.province, &unit("Tỉnh đoàn Đồng Tháp".into(), None))?;
        for (id, name) in &plan.units {
            w.put(id, &unit(name.clone(), Some(plan.province.clone())))?;
        }
        Ok(())
    })
    .expect("campaign");
    for chunk in plan.records.chunks(3_000) {
        s.write(|w| {
            for p in chunk {
                put_planned(w, p, p.base.clone())?;
            }
            Ok(())
        })
        .expect("visits and findings");
    }
    // The secretariat has searched before: its index is up to date when the bundles come.
    s.search_catch_up().expect("catch-up");
    let base_revisions = counts(&s).revisions;
    let base_bundle = dir.join("campaign.kiemtra");
    s.export_bundle(&base_bundle, Some(&plan.campaign_id))
        .expect("export campaign");
    drop(s);

    let next = AtomicUsize::new(0);
    let bundles: Mutex<Vec<(usize, PathBuf)>> = Mutex::new(Vec::new());
    let laptop_db = |k: usize| dir.join(format!("laptop-{}", k + 1)).join("kiemtra.db");
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(c.re_laptops);
    std::thread::scope(|sc| {
        for _ in 0..threads {
            sc.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= c.re_laptops {
                    return;
                }
                let mut l = c.open(&laptop_db(k));
                l.set_device_name(&format!("Máy kiểm tra chéo {}", k + 1))
                    .expect("name");
                l.import_bundle(&base_bundle, false)
                    .expect("campaign onto a laptop");
                l.write(|w| {
                    for p in &plan.records {
                        for e in p.edits.iter().filter(|e| e.laptop == k) {
                            let mut v = p.base.clone();
                            for text in e.draft.iter().chain([&e.text]) {
                                v[e.field] = Value::String(text.clone());
                                put_planned(w, p, v.clone())?;
                            }
                        }
                    }
                    Ok(())
                })
                .expect("a laptop's edits");
                // Field work searches now and then: the laptop's index is up to date too.
                l.search_catch_up().expect("catch-up");
                let path = dir.join(format!("laptop-{}.kiemtra", k + 1));
                l.export_bundle(&path, None).expect("laptop bundle");
                drop(l);
                if k > 0 {
                    let _ = std::fs::remove_dir_all(laptop_db(k).parent().expect("dir"));
                }
                bundles.lock().unwrap().push((k, path));
            });
        }
    });
    let mut bundles = bundles.into_inner().unwrap();
    bundles.sort();
    let _ = std::fs::remove_file(&base_bundle);
    let edit_revisions = plan
        .records
        .iter()
        .flat_map(|p| &p.edits)
        .map(|e| 1 + u64::from(e.draft.is_some()))
        .sum();
    Reexchange {
        base_revisions,
        edit_revisions,
        secretariat,
        laptop: laptop_db(0),
        bundles: bundles.into_iter().map(|b| b.1).collect(),
        time: t.elapsed(),
    }
}

/// Every laptop's words after the exchange: each record that is not in conflict has exactly
/// the body the plan gives (the base with every laptop's final text); in each conflict,
/// every laptop's final text is the field's value in one of the live heads. Returns the
/// records checked and the first few that were wrong.
fn words_kept(s: &Store, plan: &[Planned]) -> (u64, Vec<String>) {
    let mut wrong = Vec::new();
    for p in plan {
        let ok = match p.outcome() {
            Outcome::Conflict => s.conflict(&p.id).is_ok_and(|c| {
                p.edits.iter().all(|e| {
                    c.versions
                        .iter()
                        .any(|v| v.body[e.field].as_str() == Some(e.text.as_str()))
                })
            }),
            _ => body_of(s, &p.id) == Some(canonical_value(&p.expected())),
        };
        if !ok && wrong.len() < 5 {
            wrong.push(format!("{} {}…", p.kind, &p.id[..8]));
        }
    }
    (plan.len() as u64, wrong)
}

/// The app's index catch-up left nothing behind (another finds nothing to do), and each word
/// a laptop planted is found, in its record only.
fn index_finds(s: &mut Store, planted: &[(usize, String, String)]) -> (bool, String) {
    let left = s.search_catch_up().expect("catch-up");
    let mut found = 0;
    for (_, word, id) in planted {
        let hits = s
            .search(&word.to_lowercase(), &Default::default())
            .expect("search");
        if hits.len() == 1 && hits[0].id == *id {
            found += 1;
        }
    }
    let ok = left == 0 && found == planted.len();
    (ok, format!("{found}/{} left {left}", planted.len()))
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

fn same(ok: bool) -> &'static str {
    if ok {
        "same"
    } else {
        "differs"
    }
}

/// The app's import (`bundle_import`, src-tauri/src/sync.rs): one backup (keeping 5) before
/// the bundles chosen together, each bundle imported, then the search index caught up while
/// the person still waits. (`kiemtra import` backs up too, and leaves the index to the next
/// search.)
#[derive(Default)]
struct AppImport {
    backup: Phase,
    import: Phase,
    catch_up: Phase,
    indexed: usize,
}

impl AppImport {
    fn time(&self) -> Duration {
        self.backup.time + self.import.time + self.catch_up.time
    }
    fn peak(&self) -> Option<f64> {
        [self.backup.peak, self.import.peak, self.catch_up.peak]
            .into_iter()
            .flatten()
            .reduce(f64::max)
    }
    fn explain(&self, core: Duration) -> String {
        format!(
            "backup {:.2} s + import {:.1} s + index catch-up {:.1} s ({} records) = {:.2}× the core import",
            self.backup.time.as_secs_f64(),
            self.import.time.as_secs_f64(),
            self.catch_up.time.as_secs_f64(),
            thousands(self.indexed as u64),
            self.time().as_secs_f64() / core.as_secs_f64()
        )
    }
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn main() {
    let c = config();
    let started = Instant::now();
    let mut checks = Checks::default();
    println!(
        "Kiểm tra sync benchmark ({}): {} laptops, {} distinct revisions; re-exchange of {} visits over {} laptops; import batch {}",
        c.name,
        c.laptops,
        thousands(c.revisions as u64),
        thousands(c.re_visits as u64),
        c.re_laptops,
        c.import_batch.map_or("as the store's".into(), |n| format!("{n} records")),
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
    let hq_path = work.join("secretariat").join("kiemtra.db");
    let mut hq = c.open(&hq_path);
    let mut base = Baseline::new(&work.join("baseline.db"));
    let mut ceiling = with_ceiling.then(|| Ceiling {
        store: Store::open(&work.join("ceiling.db")).expect("ceiling db"),
        seq: 0,
    });
    let (mut imported, mut new, mut reported, mut base_rows) = (0u64, 0u64, 0u64, 0u64);
    let mut imp = Phase::default();
    let mut bl = Phase::default();
    let mut ceil_time = Duration::ZERO;
    trim_heap();
    for (i, b) in g.bundles.iter().enumerate() {
        let (r, m) = measure(|| hq.import_bundle(b, false).expect("import"));
        imp.add(&m);
        imported += r.revisions;
        new += r.new_revisions;
        reported += r.new_conflicts;
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
        remove_db(&work.join(f));
    }
    assert_eq!(base_rows, g.lines, "the baseline read every line");
    let import_rate = imported as f64 / imp.time.as_secs_f64();
    let base_rate = base_rows as f64 / bl.time.as_secs_f64();
    let hq_counts = counts(&hq);
    let e = &g.expected;
    checks.eq("1 revision lines read from the bundles", g.lines, imported);
    checks.eq(
        "1 revisions new to the secretariat",
        c.revisions as u64,
        new,
    );
    checks.eq(
        "1 revisions stored",
        c.revisions as u64,
        hq_counts.revisions,
    );
    checks.eq("1 records", e.records, hq_counts.records);
    checks.eq(
        "1 records deleted (withdrawn recommendations)",
        e.tombstones,
        hq_counts.deleted,
    );
    checks.eq("1 records in conflict", e.conflicts, hq_counts.conflicts);
    checks.eq(
        "1 records merged automatically",
        e.merged.len() as u64,
        hq_counts.merged,
    );
    checks.eq(
        "1 conflicts the imports reported",
        hq_counts.conflicts,
        reported,
    );
    let kept = e
        .merged
        .iter()
        .filter(|(id, body)| body_of(&hq, id) == Some(canonical_value(body)))
        .count();
    checks.eq(
        "1 merged records keep both laptops' words",
        e.merged.len() as u64,
        kept as u64,
    );
    let hq_digest = digest(&hq);

    // 3. ratio
    let ratio = import_rate / base_rate;

    // 4. export the merged database as one bundle
    eprintln!("4. exporting the merged database...");
    let merged = work.join("merged.kiemtra");
    trim_heap();
    let (rep, exp) = measure(|| hq.export_bundle(&merged, None).expect("export"));
    let jsonl = entry_size(&merged);
    let export_rate = rep.revisions as f64 / exp.time.as_secs_f64();
    checks.eq("4 revisions exported", hq_counts.revisions, rep.revisions);
    drop(hq);
    remove_db(&hq_path);
    for b in &g.bundles {
        let _ = std::fs::remove_file(b);
    }

    // 5. one bundle holding everything, into a fresh laptop
    eprintln!(
        "5. importing one bundle of {} revisions...",
        thousands(rep.revisions)
    );
    let fresh_path = work.join("fresh").join("kiemtra.db");
    let mut fresh = c.open(&fresh_path);
    trim_heap();
    let (big, one) = measure(|| fresh.import_bundle(&merged, false).expect("import big"));
    let one_rate = big.revisions as f64 / one.time.as_secs_f64();
    let f_counts = counts(&fresh);
    let converged = digest(&fresh) == hq_digest && f_counts == hq_counts;
    checks.that(
        "5 one bundle gives a fresh laptop the same state",
        converged,
        "same",
        same(converged),
    );
    drop(fresh);
    remove_db(&fresh_path);
    let _ = std::fs::remove_file(&merged);

    // 6. The re-exchange, into two copies of the secretariat: the core's import, and the
    // app's (backup, import, index catch-up), bundle by bundle one after the other.
    eprintln!(
        "6. re-exchange: {} visits to {} laptops (generation not timed)...",
        thousands(c.re_visits as u64),
        c.re_laptops
    );
    let re_dir = work.join("re");
    let re = reexchange_generate(&c, &re_dir);
    let mut core_hq = c.open(&re.secretariat);
    let app_hq_path = re_dir.join("secretariat-app").join("kiemtra.db");
    copy_store(&core_hq, &app_hq_path);
    let mut app_hq = c.open(&app_hq_path);
    eprintln!("6. importing {} bundles, core and app...", re.bundles.len());
    let (mut re_core, mut re_app) = (Phase::default(), AppImport::default());
    let (mut re_lines, mut re_reported) = (0u64, Vec::new());
    trim_heap();
    let ((), m) = measure(|| {
        app_hq.backup(5).expect("backup");
    });
    re_app.backup.add(&m);
    for b in &re.bundles {
        let (r, m) = measure(|| core_hq.import_bundle(b, false).expect("import"));
        re_core.add(&m);
        re_lines += r.revisions;
        re_reported.push(r.new_conflicts);
        let (_, m) = measure(|| app_hq.import_bundle(b, false).expect("import"));
        re_app.import.add(&m);
    }
    let (n, m) = measure(|| app_hq.search_catch_up().expect("catch-up"));
    re_app.catch_up.add(&m);
    re_app.indexed = n;
    let rc = counts(&core_hq);
    let plan = reexchange_plan(&c);
    let outcome = |o: Outcome| plan.records.iter().filter(|p| p.outcome() == o).count() as u64;
    checks.eq(
        "6 revisions: the campaign's and every laptop's edits",
        re.base_revisions + re.edit_revisions,
        rc.revisions,
    );
    checks.eq(
        "6 records in conflict",
        outcome(Outcome::Conflict),
        rc.conflicts,
    );
    checks.eq(
        "6 records merged automatically",
        outcome(Outcome::Merged),
        rc.merged,
    );
    // Bundles are in laptop order.
    let re_implied: Vec<u64> = (0..re.bundles.len())
        .map(|k| plan.records.iter().filter(|p| p.conflicted_by(k)).count() as u64)
        .collect();
    checks.that(
        "6 conflicts each import reported",
        re_reported == re_implied,
        &thousands(re_implied.iter().sum()),
        thousands(re_reported.iter().sum()),
    );
    let concurrent = (rc.conflicts + rc.merged) as f64 / rc.records as f64;
    checks.that(
        "6 most records have concurrent heads",
        concurrent > 0.5,
        "> 50%",
        format!("{:.0}%", 100.0 * concurrent),
    );
    let (planned, wrong) = words_kept(&core_hq, &plan.records);
    checks.that(
        "6 every laptop's words in the body or a conflict",
        wrong.is_empty(),
        &thousands(planned),
        wrong.first().cloned().unwrap_or_else(|| thousands(planned)),
    );
    let re_digest = digest(&core_hq);
    let app_same = digest(&app_hq) == re_digest && counts(&app_hq) == rc;
    checks.that(
        "6 the app's import gives the core's state",
        app_same,
        "same",
        same(app_same),
    );
    let (ok, got) = index_finds(&mut app_hq, &plan.planted);
    checks.that(
        "6 app: index caught up, finds each laptop's word",
        ok,
        &format!("{0}/{0} left 0", plan.planted.len()),
        got,
    );
    drop(app_hq);
    let planted = plan.planted;
    drop(plan.records);
    trim_heap();

    // 7. the re-exchanged database as one bundle
    eprintln!("7. exporting the re-exchanged database...");
    let re_merged = re_dir.join("merged.kiemtra");
    trim_heap();
    let (re_rep, re_exp) = measure(|| core_hq.export_bundle(&re_merged, None).expect("export"));
    checks.eq("7 revisions exported", rc.revisions, re_rep.revisions);
    drop(core_hq);

    // 8. back to laptop 1, which has only its own edits: the core's import and the app's,
    // into two copies of it.
    eprintln!("8. the merged bundle back to laptop 1, core and app...");
    let mut laptop = c.open(&re.laptop);
    let app_laptop_path = re_dir.join("laptop-1-app").join("kiemtra.db");
    copy_store(&laptop, &app_laptop_path);
    let mut app_laptop = c.open(&app_laptop_path);
    let mut back_app = AppImport::default();
    trim_heap();
    let ((), m) = measure(|| {
        app_laptop.backup(5).expect("backup");
    });
    back_app.backup.add(&m);
    let (back, back_core) = measure(|| laptop.import_bundle(&re_merged, false).expect("import"));
    let (_, m) = measure(|| app_laptop.import_bundle(&re_merged, false).expect("import"));
    back_app.import.add(&m);
    let (n, m) = measure(|| app_laptop.search_catch_up().expect("catch-up"));
    back_app.catch_up.add(&m);
    back_app.indexed = n;
    let l_same = digest(&laptop) == re_digest;
    checks.that(
        "8 laptop 1 reaches the secretariat's state",
        l_same,
        "same",
        same(l_same),
    );
    let la_same = digest(&app_laptop) == re_digest;
    checks.that(
        "8 same through the app's import",
        la_same,
        "same",
        same(la_same),
    );
    let (ok, got) = index_finds(&mut app_laptop, &planted);
    checks.that(
        "8 app: index caught up, finds every laptop's word",
        ok,
        &format!("{0}/{0} left 0", planted.len()),
        got,
    );
    drop((laptop, app_laptop));

    // Report
    let w = 88;
    let row = |label: &str, n: u64, t: Duration, rate: f64, peak: Option<f64>| {
        println!(
            "{:<44} {:>11} {:>8.1} {:>11} {:>10}",
            label,
            thousands(n),
            t.as_secs_f64(),
            thousands(rate as u64),
            opt_mb(peak)
        );
    };
    let rate = |n: u64, t: Duration| n as f64 / t.as_secs_f64();
    println!();
    println!("{}", "=".repeat(w));
    println!(
        "{:<44} {:>11} {:>8} {:>11} {:>10}",
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
    row(
        &format!("6 re-exchange: {} bundles, core import", re.bundles.len()),
        re_lines,
        re_core.time,
        rate(re_lines, re_core.time),
        re_core.peak,
    );
    row(
        "6 the same as the app: backup+import+index",
        re_lines,
        re_app.time(),
        rate(re_lines, re_app.time()),
        re_app.peak(),
    );
    row(
        "7 export re-exchanged db -> 1 bundle",
        re_rep.revisions,
        re_exp.time,
        rate(re_rep.revisions, re_exp.time),
        re_exp.peak,
    );
    row(
        "8 that bundle back to laptop 1, core",
        back.revisions,
        back_core.time,
        rate(back.revisions, back_core.time),
        back_core.peak,
    );
    row(
        "8 the same as the app: backup+import+index",
        back.revisions,
        back_app.time(),
        rate(back.revisions, back_app.time()),
        back_app.peak(),
    );
    println!("{}", "-".repeat(w));
    println!(
        "  1: {} new + {} already known (the base in every bundle); {} records merged, {} in conflict",
        thousands(new),
        thousands(imported - new),
        thousands(hq_counts.merged),
        thousands(hq_counts.conflicts)
    );
    println!(
        "  4: {:.1} MB bundle written at {:.1} MB/s; its {:.1} MB of revisions.jsonl at {:.1} MB/s",
        mb(rep.bytes),
        mb(rep.bytes) / exp.time.as_secs_f64(),
        mb(jsonl),
        mb(jsonl) / exp.time.as_secs_f64()
    );
    println!(
        "  6: {} records, {:.0}% with concurrent heads: {} merged, {} in conflict; {} edits by {} laptops",
        thousands(rc.records),
        100.0 * concurrent,
        thousands(rc.merged),
        thousands(rc.conflicts),
        thousands(re.edit_revisions),
        c.re_laptops
    );
    println!("  6 app: {}", re_app.explain(re_core.time));
    println!(
        "  8: {} of the bundle's revisions new to laptop 1; app: {}",
        thousands(back.new_revisions),
        back_app.explain(back_core.time)
    );
    println!(
        "  RSS when each phase started: 1 {}, 4 {}, 5 {}, 6 {}, 8 {}",
        opt_mb(imp.rss_before),
        opt_mb(exp.rss_before),
        opt_mb(one.rss_before),
        opt_mb(re_core.rss_before),
        opt_mb(back_core.rss_before)
    );
    if with_ceiling {
        println!(
            "  import reaches {:.0}% of the ceiling's speed",
            100.0 * import_rate * ceil_time.as_secs_f64() / base_rows as f64
        );
    }
    println!("{}", "-".repeat(w));
    println!("{:<69} {:>10} {:>7}", "goal", "measured", "result");
    println!(
        "{:<69} {:>10} {:>7}",
        format!("3 ratio import/baseline >= {GOAL_RATIO}"),
        format!("{ratio:.2}"),
        verdict(Some(ratio >= GOAL_RATIO))
    );
    for (label, peak) in [
        (format!("import of {} bundles", g.bundles.len()), imp.peak),
        ("export of the merged db".to_string(), exp.peak),
        (
            format!("import of one {}-revision bundle", thousands(big.revisions)),
            one.peak,
        ),
        ("re-exchange, the app's import".to_string(), re_app.peak()),
        (
            "back to laptop 1, the app's import".to_string(),
            back_app.peak(),
        ),
    ] {
        println!(
            "{:<69} {:>10} {:>7}",
            format!("5 peak RSS, {label} < {GOAL_PEAK_MB} MB"),
            opt_mb(peak),
            verdict(peak.map(|p| p < GOAL_PEAK_MB))
        );
    }
    println!("{}", "-".repeat(w));
    println!(
        "generation {:.1} s + re-exchange {:.1} s (not counted); whole run {:.1} s",
        g.time.as_secs_f64(),
        re.time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    println!("{}", "-".repeat(w));
    checks.finish(w);
}
