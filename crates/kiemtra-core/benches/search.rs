//! Search and opening a visit on a province's worth of findings: how long a search takes
//! (a mix of common words, rare words, words being typed and kind filters) and how long
//! opening a visit of 50 items takes, against the goals of the product issue.
//!
//! `cargo bench -p kiemtra-core --bench search` — the full run: 2,000 visits × 50 items =
//! 100,000 findings, with visit reports and recommendations. `-- --quick` builds 100 visits
//! (5,000 findings), a smoke check; `--visits N` sets the size by hand. Run without cargo
//! bench's `--bench` flag (`cargo test --benches`), it takes the quick size.
//!
//! Speed goals are printed, never failed. What the searches and opens return is checked and
//! fails the run (exit status 1): words planted in known records (a finding, a visit, a
//! recommendation, a unit; nowhere else in the generated text) are found in that record and
//! only there, with and without diacritics, while being typed and under a kind filter; an
//! edit's catch-up drops the old words and finds the new ones; common words fill the result
//! limit and a word in no text finds nothing; every visit opened has its 50 items and its
//! recommendations. Generation and checks are not timed; the first catch-up of the search
//! index (what a laptop does once, on its first search after the upgrade or after a big
//! import) is timed and shown, but is no part of the search goal.

mod common;
use common::{Checks, Rng};
use std::time::{Duration, Instant};

use kiemtra_core::ids::{finding_id, new_id};
use kiemtra_core::model::{
    Authority, Campaign, CriteriaSet, Finding, Item, RaisedBy, Rating, RecStatus, Recommendation,
    Scale, Topic, Unit, VisitStatus,
};
use kiemtra_core::search::{Place, SearchOptions};
use kiemtra_core::Store;

const GOAL_SEARCH_P95_MS: f64 = 20.0;
const GOAL_OPEN_P95_MS: f64 = 50.0;
const ITEMS: usize = 50;
const SEARCHES: usize = 200;
const OPENS: usize = 200;

struct Config {
    name: &'static str,
    visits: usize,
}

fn config() -> Config {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut c = Config {
        name: "full",
        visits: 2_000,
    };
    if !args.iter().any(|a| a == "--bench") {
        // Not run by `cargo bench` (e.g. `cargo test --benches`): a smoke check only.
        c = Config {
            name: "quick",
            visits: 100,
        };
    }
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--quick" => {
                c = Config {
                    name: "quick",
                    visits: 100,
                }
            }
            "--visits" => {
                c.name = "custom";
                c.visits = args
                    .get(i + 1)
                    .and_then(|v| v.replace('_', "").parse().ok())
                    .expect("--visits needs a number");
                i += 1;
            }
            // `cargo bench` passes --bench; filters and other harness flags mean nothing here.
            _ => {}
        }
        i += 1;
    }
    assert!(c.visits >= 1, "at least one visit");
    c
}

// ---------------------------------------------------------------------------------------
// Deterministic text

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
    "Phó Bí thư phụ trách công tác kiểm tra",
    "Các chi đoàn trực thuộc",
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
    "đã sơ kết, đánh giá",
    "chưa báo cáo cấp trên về",
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
    "tài khoản trên ứng dụng \"Thanh niên Việt Nam\"",
    "nguồn vốn vay ủy thác Ngân hàng Chính sách xã hội",
    "hoạt động của Hội đồng Đội và phong trào thiếu nhi",
    "việc trích nộp đoàn phí lên cấp trên",
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
/// Phrases that turn up about once in 2,000 texts: what people search for by name.
const RARE: &[&str] = &[
    "Hiến máu tình nguyện tại bản Khe Váng.",
    "Đã sửa cầu treo qua suối Nậm Cắn.",
    "Lắp máy lọc nước cho điểm trường Bát Xát.",
    "Xây sân chơi cho thiếu nhi xóm Mỏ Đá.",
    "Trao học bổng Vừ A Dính cho học sinh nghèo.",
    "Trồng rừng phòng hộ ven biển Cồn Cỏ.",
];

/// Vietnamese inspection prose of 60–300 characters, now and then with a rare phrase.
fn prose(r: &mut Rng) -> String {
    let want = 60 + r.below(241);
    let mut out = String::new();
    while out.chars().count() < want {
        if !out.is_empty() {
            out.push(' ');
        }
        if r.chance(2_000) {
            let rare = r.pick::<&str>(RARE);
            out.push_str(rare);
            continue;
        }
        out.push_str(&format!(
            "{} {} {}{}",
            r.pick(SUBJECTS),
            r.pick(VERBS),
            r.pick(OBJECTS),
            r.pick(TAILS)
        ));
    }
    out
}

const PLACES: &[&str] = &[
    "Yên Mô",
    "Gia Viễn",
    "Nho Quan",
    "Kim Sơn",
    "Hoa Lư",
    "Yên Khánh",
    "Tam Điệp",
    "Đông Thành",
    "Ninh Phong",
    "Khánh Thành",
    "Gia Sinh",
    "Phú Sơn",
    "Quỳnh Lưu",
    "Thạch Bình",
    "Đồng Phong",
    "Lạng Phong",
    "Văn Phú",
    "Kỳ Phú",
    "Cúc Phương",
    "Trường Yên",
];

// ---------------------------------------------------------------------------------------
// Generation (not timed)

/// The default criteria set's 32 items and three more topics, 50 items in all.
fn criteria() -> CriteriaSet {
    let mut set = kiemtra_core::demo::default_criteria();
    set.name = format!("{} (50 tiêu chí)", set.name);
    let extra = [
        (
            "8",
            "Công tác thanh niên tình nguyện",
            "Tổ chức hoạt động tình nguyện",
        ),
        (
            "9",
            "Công tác thiếu nhi",
            "Phụ trách Đội và sinh hoạt hè của thiếu nhi",
        ),
        (
            "10",
            "Công tác kiểm tra, giám sát",
            "Kiểm tra việc chấp hành Điều lệ Đoàn",
        ),
    ];
    let mut n = set.item_count();
    for (code, title, item) in extra {
        let mut items = Vec::new();
        let mut k = 1;
        while n < ITEMS && k <= 6 {
            items.push(Item {
                code: format!("{code}.{k}"),
                title: format!("{item} — nội dung {k}"),
                scale: Scale::PassFail,
                max_points: None,
                guidance: String::new(),
                required: false,
            });
            k += 1;
            n += 1;
        }
        set.topics.push(Topic {
            code: code.into(),
            title: title.into(),
            items,
        });
    }
    assert_eq!(set.item_count(), ITEMS);
    set
}

struct Data {
    visits: Vec<String>,
    findings: usize,
    records: usize,
    /// Records of the kinds the index covers (all but the criteria set).
    searchable: usize,
    planted: Planted,
    time: Duration,
}

/// Place names written into one record each; their words are in no list above, so a search
/// for them has exactly one right answer.
const PLANT_FINDING: &str = "Pác Bó";
const PLANT_EDIT: &str = "Sìn Hồ";
const PLANT_VISIT: &str = "Mường Phăng";
const PLANT_RECOMMENDATION: &str = "Tà Xùa";
const PLANT_UNIT: &str = "Lũng Cú";
/// The item whose note the field-work edits rewrite.
const EDITED_ITEM: &str = "5.1";

#[derive(Default)]
struct Planted {
    /// The visit whose item EDITED_ITEM note has PLANT_FINDING (and, after the edits,
    /// PLANT_EDIT instead).
    finding_visit: String,
    visit: String,
    recommendation: String,
    unit: String,
}

fn generate(store: &mut Store, c: &Config) -> Data {
    let t = Instant::now();
    let mut r = Rng::new(7);
    let set = criteria();
    let set_id = new_id();
    let items: Vec<(String, Scale)> = set
        .topics
        .iter()
        .flat_map(|t| t.items.iter().map(|i| (i.code.clone(), i.scale)))
        .collect();
    let province = new_id();
    let units_per_campaign = c.visits.div_ceil(2);
    let unit_ids: Vec<String> = (0..units_per_campaign).map(|_| new_id()).collect();
    let campaigns = [new_id(), new_id()];
    let mut records = 0;
    let mut planted = Planted::default();
    // Spread over the data, so that they are neither the newest nor the oldest rows.
    let plant_at = [c.visits / 3, (2 * c.visits) / 3, c.visits.saturating_sub(1)];
    let plant_unit = unit_ids.len() / 2;
    planted.unit = unit_ids[plant_unit].clone();
    store
        .write(|w| {
            w.put(&set_id, &set)?;
            for (i, id) in campaigns.iter().enumerate() {
                w.put(
                    id,
                    &Campaign {
                        name: format!(
                            "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm {}",
                            2023 + i
                        ),
                        year: 2023 + i as i32,
                        theme: "Tuổi trẻ tiên phong, xung kích, sáng tạo".into(),
                        start_date: None,
                        end_date: None,
                        decision_number: format!("{}-QĐ/TĐTN-KT", 120 + i),
                        issuing_body: "Ban Thường vụ Tỉnh đoàn".into(),
                        place: "Ninh Bình".into(),
                        criteria_set_id: Some(set_id.clone()),
                        report: None,
                        recovery_recipient: String::new(),
                        texts: Default::default(),
                    },
                )?;
            }
            let unit = |name: String, parent: Option<String>, code: String| Unit {
                short_name: name.clone(),
                name,
                code,
                kind: "doan_co_so".into(),
                level_label: "Cơ sở".into(),
                parent_id: parent,
                valid_from: None,
                valid_to: None,
                merged_into: None,
            };
            w.put(
                &province,
                &unit("Tỉnh đoàn Ninh Bình".into(), None, "NB".into()),
            )?;
            for (i, id) in unit_ids.iter().enumerate() {
                let place = PLACES[i % PLACES.len()];
                w.put(
                    id,
                    &unit(
                        if i == plant_unit {
                            format!("Đoàn xã {PLANT_UNIT}")
                        } else {
                            format!("Đoàn xã {place} {}", i / PLACES.len() + 1)
                        },
                        Some(province.clone()),
                        format!("X{i:04}"),
                    ),
                )?;
            }
            records += 4 + unit_ids.len();
            Ok(())
        })
        .expect("campaigns and units");

    let mut visits = Vec::with_capacity(c.visits);
    let mut findings = 0;
    // 50 visits (2,500 findings) a transaction: big enough to be quick, small enough that
    // the progress shows.
    for chunk in (0..c.visits).collect::<Vec<_>>().chunks(50) {
        store
            .write(|w| {
                for &n in chunk {
                    let id = new_id();
                    let day = 1 + (n % 28) as u32;
                    let mut v = kiemtra_core::setup::new_visit(
                        &campaigns[n % 2],
                        &unit_ids[n / 2],
                        None,
                        chrono::NaiveDate::from_ymd_opt(2023 + (n % 2) as i32, 11, day),
                        &set_id,
                    );
                    v.status = VisitStatus::Completed;
                    // In this order: the generated text must stay the same run to run.
                    v.report_summary = prose(&mut r);
                    v.difficulties = prose(&mut r);
                    v.strengths = prose(&mut r);
                    v.shortcomings = prose(&mut r);
                    v.assessment = prose(&mut r);
                    if n == plant_at[1] {
                        v.strengths = format!("{} Mô hình hay ở {PLANT_VISIT}.", v.strengths);
                        planted.visit = id.clone();
                    }
                    w.put(&id, &v)?;
                    for (code, scale) in &items {
                        let mut f = Finding {
                            visit_id: id.clone(),
                            item_code: code.clone(),
                            rating: (*scale == Scale::PassFail).then(|| {
                                if r.chance(5) {
                                    Rating::ChuaDat
                                } else {
                                    Rating::Dat
                                }
                            }),
                            points: (*scale == Scale::Points).then_some(5.0),
                            note: prose(&mut r),
                            explanation: if r.chance(3) {
                                prose(&mut r)
                            } else {
                                String::new()
                            },
                        };
                        if n == plant_at[0] && code == EDITED_ITEM {
                            f.note = format!("{} Đã xem sổ sách tại {PLANT_FINDING}.", f.note);
                            planted.finding_visit = id.clone();
                        }
                        w.put(&finding_id(&id, code), &f)?;
                    }
                    for k in 0..2 {
                        let rec = new_id();
                        let mut text = format!("Đề nghị hỗ trợ kinh phí: {}", prose(&mut r));
                        if n == plant_at[2] && k == 1 {
                            text = format!("{text} Làm đường lên {PLANT_RECOMMENDATION}.");
                            planted.recommendation = rec.clone();
                        }
                        w.put(
                            &rec,
                            &Recommendation {
                                visit_id: id.clone(),
                                text,
                                raised_by: RaisedBy::Unit,
                                authority: *r.pick(&[
                                    Authority::Unit,
                                    Authority::Union,
                                    Authority::Party,
                                ]),
                                status: RecStatus::Received,
                                due_date: None,
                            },
                        )?;
                    }
                    visits.push(id);
                }
                Ok(())
            })
            .expect("visits");
        findings += chunk.len() * ITEMS;
        records += chunk.len() * (1 + ITEMS + 2);
        eprint!("\r  {} / {} visits", visits.len(), c.visits);
    }
    eprintln!();
    Data {
        visits,
        findings,
        // The criteria set is not searched.
        searchable: records - 1,
        records,
        planted,
        time: t.elapsed(),
    }
}

// ---------------------------------------------------------------------------------------
// Measuring

struct Stats {
    n: usize,
    p50: f64,
    p95: f64,
    max: f64,
}

fn stats(times: &[Duration]) -> Stats {
    let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    let at = |p: f64| ms[((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    Stats {
        n: ms.len(),
        p50: at(0.50),
        p95: at(0.95),
        max: *ms.last().expect("samples"),
    }
}

/// The queries, by the kind of search they stand for; the searches take them in turn.
const QUERIES: &[(&str, &str, Option<&str>)] = &[
    ("common word", "doan", None),
    ("common word", "thanh nien", None),
    ("common word", "chi doan", None),
    ("common word", "ĐOÀN VIÊN", None),
    ("common word", "bao cao", None),
    ("medium", "doan phi", None),
    ("medium", "so doan vien", None),
    ("medium", "bien ban sinh hoat", None),
    ("medium", "Ngân hàng Chính sách", None),
    ("medium", "nghia vu quan su", None),
    // "hiện" is in every other text, and "mau" is màu, mẫu and máu.
    ("medium", "hien mau", None),
    ("being typed", "doan ph", None),
    ("being typed", "thanh ni", None),
    ("being typed", "ket n", None),
    ("being typed", "tinh ng", None),
    ("being typed", "d", None),
    ("being typed", "so doa", None),
    ("being typed", "tha", None),
    ("rare word", "khe vang", None),
    ("rare word", "cau treo", None),
    ("rare word", "may loc nuoc", None),
    ("rare word", "Vừ A Dính", None),
    ("rare word", "Bát Xát", None),
    ("rare word", "xyzzy", None),
    ("kind filter", "kinh phi", Some("recommendation")),
    ("kind filter", "yen mo", Some("unit")),
    ("kind filter", "doan phi", Some("visit")),
];

/// A search whose answer the generator knows: exactly the record `expected` (at its place),
/// or nothing.
fn search_check(
    checks: &mut Checks,
    store: &mut Store,
    what: &str,
    query: &str,
    kind: Option<&str>,
    expected: Option<(&str, &Place)>,
) {
    let opts = SearchOptions {
        kind: kind.map(str::to_string),
        ..Default::default()
    };
    let hits = store.search(query, &opts).expect("search");
    let ok = match expected {
        Some((id, place)) => hits.len() == 1 && hits[0].id == id && hits[0].place == *place,
        None => hits.is_empty(),
    };
    let got = match (hits.first(), expected) {
        (Some(h), Some((id, place))) if h.id != id || h.place != *place => "another".into(),
        _ if hits.len() == 1 => "1 hit".into(),
        _ => format!("{} hits", hits.len()),
    };
    let label = match kind {
        Some(k) => format!("\"{query}\" in {k}s: {what}"),
        None => format!("\"{query}\": {what}"),
    };
    let want = if expected.is_some() {
        "1 hit"
    } else {
        "0 hits"
    };
    checks.that(label, ok, want, got);
}

fn main() {
    let c = config();
    let started = Instant::now();
    println!(
        "Kiểm tra search benchmark ({}): {} visits × {ITEMS} items",
        c.name, c.visits
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("search.db");
    let mut store = Store::open(&path).expect("store");
    eprintln!("generating (not timed)...");
    let data = generate(&mut store, &c);
    println!(
        "generated {} records ({} findings, {} visits) in {:.1} s (not counted)",
        data.records,
        data.findings,
        data.visits.len(),
        data.time.as_secs_f64()
    );
    let size = |s: &Store| -> f64 {
        let bytes: i64 = s
            .conn()
            .query_row(
                "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
                [],
                |r| r.get(0),
            )
            .unwrap();
        bytes as f64 / 1048576.0
    };
    let before = size(&store);

    // The first catch-up indexes everything.
    eprintln!("first catch-up of the search index...");
    let t = Instant::now();
    let indexed = store.search_catch_up().expect("catch-up");
    let first_catch_up = t.elapsed();
    let index_mb: f64 = store
        .conn()
        .query_row(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap() as f64
        / 1048576.0;

    let mut checks = Checks::default();
    checks.eq(
        "first catch-up indexes every searchable record",
        data.searchable as u64,
        indexed as u64,
    );
    let p = &data.planted;
    let finding = finding_id(&p.finding_visit, EDITED_ITEM);
    let at_finding = Place::Visit {
        visit_id: p.finding_visit.clone(),
        item_code: Some(EDITED_ITEM.into()),
    };
    search_check(
        &mut checks,
        &mut store,
        "the finding",
        "PAC BO",
        None,
        Some((&finding, &at_finding)),
    );
    search_check(
        &mut checks,
        &mut store,
        "the visit",
        "muong phang",
        None,
        Some((
            &p.visit,
            &Place::Visit {
                visit_id: p.visit.clone(),
                item_code: None,
            },
        )),
    );
    let rec_place = Place::Visit {
        visit_id: data.visits[data.visits.len() - 1].clone(),
        item_code: None,
    };
    search_check(
        &mut checks,
        &mut store,
        "being typed, the one",
        "ta xu",
        Some("recommendation"),
        Some((&p.recommendation, &rec_place)),
    );
    search_check(&mut checks, &mut store, "none", "ta xu", Some("unit"), None);
    search_check(
        &mut checks,
        &mut store,
        "the unit",
        PLANT_UNIT,
        Some("unit"),
        Some((
            &p.unit,
            &Place::Unit {
                unit_id: p.unit.clone(),
            },
        )),
    );

    // An hour of field work: 100 findings edited, then the next search catches up. The
    // first edit rewrites the note with a planted word; the others leave that visit alone.
    let mut r = Rng::new(99);
    let others: Vec<&String> = data
        .visits
        .iter()
        .filter(|v| **v != p.finding_visit)
        .collect();
    let mut edited_ids = std::collections::BTreeSet::new();
    for i in 0..100 {
        let (visit, note) = if i == 0 {
            (
                &p.finding_visit,
                format!("Sửa lần 0: đã chuyển hồ sơ về {PLANT_EDIT}."),
            )
        } else if others.is_empty() {
            break;
        } else {
            (
                others[r.below(others.len())],
                format!("Sửa lần {i}: {}", prose(&mut r)),
            )
        };
        store
            .finding_set(kiemtra_core::visit::FindingInput {
                visit_id: visit.clone(),
                item_code: EDITED_ITEM.into(),
                note: Some(note),
                ..Default::default()
            })
            .expect("edit");
        edited_ids.insert(finding_id(visit, EDITED_ITEM));
    }
    let t = Instant::now();
    let edited = store.search_catch_up().expect("catch-up");
    let small_catch_up = t.elapsed();
    checks.eq(
        "catch-up after the edits looks at the edited records",
        edited_ids.len() as u64,
        edited as u64,
    );
    search_check(
        &mut checks,
        &mut store,
        "gone after the edit",
        "pac bo",
        None,
        None,
    );
    search_check(
        &mut checks,
        &mut store,
        "the edit's word",
        "Sìn Hồ",
        None,
        Some((&finding, &at_finding)),
    );

    eprintln!("{SEARCHES} searches...");
    let mut all = Vec::new();
    let mut by_group: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut found: Vec<(&str, &str, usize)> = Vec::new();
    for i in 0..SEARCHES {
        let (group, q, kind) = QUERIES[i % QUERIES.len()];
        let opts = SearchOptions {
            kind: kind.map(str::to_string),
            ..Default::default()
        };
        let t = Instant::now();
        let hits = store.search(q, &opts).expect("search");
        let took = t.elapsed();
        all.push(took);
        match by_group.iter_mut().find(|(g, _)| *g == group) {
            Some((_, v)) => v.push(took),
            None => by_group.push((group, vec![took])),
        }
        if i < QUERIES.len() {
            found.push((group, q, hits.len()));
        }
    }
    // Every text has these words many times over: the limit is always reached.
    for (group, q, n) in &found {
        if *group == "common word" {
            checks.eq(format!("\"{q}\" fills the limit"), 50, *n as u64);
        }
    }
    let nowhere = found.iter().find(|f| f.1 == "xyzzy").map_or(1, |f| f.2);
    checks.eq("\"xyzzy\" (in no text) finds nothing", 0, nowhere as u64);

    eprintln!("opening {OPENS} visits...");
    let mut opens = Vec::new();
    let mut r = Rng::new(5);
    let codes: Vec<String> = criteria()
        .topics
        .iter()
        .flat_map(|t| t.items.iter().map(|i| i.code.clone()))
        .collect();
    let mut whole = 0;
    for _ in 0..OPENS {
        let id = &data.visits[r.below(data.visits.len())];
        let t = Instant::now();
        let d = store.visit_detail(id).expect("visit");
        opens.push(t.elapsed());
        // Its own 50 findings, one per item of its criteria set, all rated, and the 2
        // recommendations written for it.
        let ok = d.visit.id == *id
            && d.total == ITEMS
            && d.done == ITEMS
            && d.findings
                .keys()
                .eq(codes.iter().collect::<std::collections::BTreeSet<_>>())
            && d.recommendations.len() == 2
            && d.recommendations.iter().all(|rec| rec.body.visit_id == *id);
        whole += usize::from(ok);
    }
    checks.eq(
        format!("visits opened with their {ITEMS} items and 2 recommendations"),
        OPENS as u64,
        whole as u64,
    );

    // Report
    let w = 78;
    let line = |label: &str, s: &Stats| {
        println!(
            "{:<40} {:>5} {:>9.2} {:>9.2} {:>9.2}",
            label, s.n, s.p50, s.p95, s.max
        );
    };
    println!();
    println!("{}", "=".repeat(w));
    println!(
        "{:<40} {:>5} {:>9} {:>9} {:>9}",
        "measured", "n", "p50 ms", "p95 ms", "max ms"
    );
    println!("{}", "-".repeat(w));
    let search = stats(&all);
    line("search, all queries", &search);
    for (g, times) in &by_group {
        line(&format!("  {g}"), &stats(times));
    }
    let open = stats(&opens);
    line(&format!("open a visit of {ITEMS} items"), &open);
    println!("{}", "-".repeat(w));
    println!(
        "  first catch-up: {} records indexed in {:.1} s; after 100 edits: {} records in {:.1} ms",
        indexed,
        first_catch_up.as_secs_f64(),
        edited,
        small_catch_up.as_secs_f64() * 1e3
    );
    println!(
        "  database {:.0} MB before the index, {:.0} MB after; the index takes {:.0} MB",
        before,
        size(&store),
        index_mb
    );
    let shown: Vec<String> = found.iter().map(|(_, q, n)| format!("{q}: {n}")).collect();
    println!("  results per query (limit 50): {}", shown.join(", "));
    println!("{}", "-".repeat(w));
    println!("{:<55} {:>10} {:>7}", "goal", "measured", "result");
    for (label, p95, goal) in [
        (
            format!("search over {} findings, p95", data.findings),
            search.p95,
            GOAL_SEARCH_P95_MS,
        ),
        (
            format!("open a visit of {ITEMS} items, p95"),
            open.p95,
            GOAL_OPEN_P95_MS,
        ),
    ] {
        println!(
            "{:<55} {:>10} {:>7}",
            format!("{label} < {goal} ms"),
            format!("{p95:.2} ms"),
            if p95 < goal { "PASS" } else { "MISS" }
        );
    }
    println!("{}", "-".repeat(w));
    println!(
        "generation {:.1} s (not counted); whole run {:.1} s",
        data.time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    println!("{}", "-".repeat(w));
    checks.finish(w);
}
