//! The merge laws of DESIGN.md ("Revisions and merge"), as property tests. Three or four
//! laptops, each a real Store, start from one campaign the secretariat set up (units, a
//! criteria set, teams, visits), then edit every kind of record at random — findings, the
//! minutes, sign-off and unlock, recommendations, attachments, units, teams, the campaign,
//! the criteria set, the visit plan — settle conflicts, delete things, and pass bundles
//! around in random schedules: whole, or shuffled and cut into pieces.
//!
//! Laws:
//! 1. convergence: once every laptop has imported every other laptop's latest bundle, all
//!    canonical dumps are byte-identical and the sets of conflicts are equal;
//! 2. no person's words are lost: a model (`Words`) follows every value every laptop wrote
//!    and which writes saw which; each value nobody overwrote after seeing it is in the
//!    merged record, or is one side of a listed conflict;
//! 3. a delete never silently wins over an edit made without seeing it: a record is alive
//!    exactly when some live revision of it was not followed by a write (edit or delete) of a
//!    laptop that had seen it;
//! 4. idempotence: importing a bundle a laptop already has changes nothing;
//! 5. commutativity and associativity: bundles imported into fresh stores in any order, in
//!    any batch size, shuffled and in pieces, or first merged on another laptop and passed on,
//!    give the same dump;
//! 6. all or nothing: a damaged or forged bundle is refused and the dump is unchanged;
//! 7. `check` passes on every store at the end.
//!
//! Every run takes a new random seed, printed with any failure (`PROPTEST_RNG_SEED=N`
//! repeats it); `PROPTEST_CASES` changes the number of cases (256 per law by default). Each
//! law also counts what its cases produced and fails when a whole run never made a
//! conflict, a resolution, a tombstone, a delete meeting a concurrent edit or a shuffled
//! delivery, since a law that never meets them proves nothing about them.

use crate::common::{read_zip, write_zip};
use kiemtra_core::Localize;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::OnceLock;

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{RngSeed, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

use kiemtra_core::model::{
    Attachment, Attendee, Authority, CriteriaSet, Item, OverallResult, Question, RaisedBy, Rating,
    RecStatus, Recommendation, Role, Scale, Side, Topic, VisitStatus,
};
use kiemtra_core::setup::{
    CampaignInput, CampaignPatch, MemberInput, TeamInput, TeamPatch, VisitPlanInput,
};
use kiemtra_core::store::Revision;
use kiemtra_core::sync::conflicts::{Conflict, Resolution};
use kiemtra_core::units::{UnitInput, UnitPatch};
use kiemtra_core::visit::{FindingInput, RecommendationInput};
use kiemtra_core::visit::{RecommendationPatch, VisitPatch};
use kiemtra_core::{Error, Lang, Store};

type TestResult<T = ()> = Result<T, TestCaseError>;

// ---------- running a law ----------

/// What the cases of one law produced, so that a run that never met a case fails.
#[derive(Default)]
struct Seen {
    conflicts: AtomicU64,
    resolutions: AtomicU64,
    tombstones: AtomicU64,
    conflicts_deleted: AtomicU64,
    delete_met_edit: AtomicU64,
    shuffled: AtomicU64,
    small_batches: AtomicU64,
    signs: AtomicU64,
    unlocks: AtomicU64,
    /// Forged edits of signed minutes offered to a laptop (law 6).
    signed_forgeries: AtomicU64,
    /// Conflicts met at full exchanges, by kind (printed, so a reader sees what was covered).
    by_kind: std::sync::Mutex<BTreeMap<String, u64>>,
}

impl Seen {
    fn add(c: &AtomicU64) {
        c.fetch_add(1, Relaxed);
    }

    /// Fail when one of `wanted` never happened in the whole run.
    fn require(&self, law: &str, wanted: &[&str]) {
        let all = [
            ("conflicts", &self.conflicts),
            ("resolutions", &self.resolutions),
            ("tombstones", &self.tombstones),
            ("deletes of a record in conflict", &self.conflicts_deleted),
            ("deletes that met a concurrent edit", &self.delete_met_edit),
            ("shuffled deliveries", &self.shuffled),
            ("imports crossing batch boundaries", &self.small_batches),
            ("signed minutes", &self.signs),
            ("unlocks", &self.unlocks),
            ("forged edits of signed minutes", &self.signed_forgeries),
        ];
        let counts: Vec<String> = all
            .iter()
            .map(|(n, c)| format!("{n}: {}", c.load(Relaxed)))
            .collect();
        eprintln!("{law}: {}", counts.join(", "));
        eprintln!(
            "{law}: conflicts by kind: {:?}",
            self.by_kind.lock().unwrap_or_else(|p| p.into_inner())
        );
        for w in wanted {
            let (_, c) = all.iter().find(|(n, _)| n == w).expect("a known counter");
            assert!(
                c.load(Relaxed) > 0,
                "{law}: no case produced any {w}, so the law says nothing about them ({})",
                counts.join(", ")
            );
        }
    }
}

/// Run `test` on `cases` values of `strategy` (or `PROPTEST_CASES`), from a random seed
/// (or `PROPTEST_RNG_SEED`), and say the seed when it fails.
fn law<S: Strategy>(name: &str, cases: u32, strategy: S, test: impl Fn(S::Value) -> TestResult)
where
    S::Value: std::fmt::Debug,
{
    let mut config = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    let seed = match std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(seed) => seed,
        None => {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).expect("random seed");
            u64::from_le_bytes(b)
        }
    };
    config.rng_seed = RngSeed::Fixed(seed);
    if std::env::var_os("PROPTEST_MAX_SHRINK_TIME").is_none() {
        // Each case opens real databases: bound the shrinking of a failure.
        config.max_shrink_time = 120_000;
    }
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name} failed with seed {seed} (PROPTEST_RNG_SEED={seed} repeats it)\n{e}");
    }
}

// ---------- the campaign every laptop starts from ----------

const ITEMS: [&str; 4] = ["1.1", "1.2", "2.1", "2.2"];
const POINTS_ITEM: &str = "1.2";
/// Fields of people's words, joined when a conflict is settled field by field.
const TEXT_FIELDS: [&str; 9] = [
    "note",
    "explanation",
    "text",
    "caption",
    "report_summary",
    "difficulties",
    "strengths",
    "shortcomings",
    "assessment",
];

struct Start {
    campaign: String,
    /// planned (nothing recorded: may be cancelled), planned, in progress, completed with
    /// every required item rated (ready to sign).
    visits: Vec<String>,
    /// Two district units with grassroots units under them; the last has no visit.
    units: Vec<String>,
    /// The last team has no visit (may be deleted).
    teams: Vec<String>,
    /// A criteria set no visit uses yet: edited in place, so two laptops edit one record.
    draft: String,
    /// Laptops and the courier as database files, each with its own device and key.
    laptops: Vec<Vec<u8>>,
    courier: Vec<u8>,
    /// A bundle made by each of the secretariat, the laptops and the courier: a fresh store
    /// learns their keys from them and trusts them, so bundles reach it in any order.
    makers: Vec<Vec<u8>>,
    /// The device ids of the secretariat, the laptops and the courier.
    devices: Vec<String>,
}

/// The laws hold whatever day a laptop picks, inside the campaign's dates or not.
fn meant_outside() -> kiemtra_core::setup::Replan {
    kiemtra_core::setup::Replan {
        reason: String::new(),
        outside_campaign: true,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).expect("a day of October 2026")
}

fn small_criteria() -> CriteriaSet {
    let item = |code: &str, title: &str, scale: Scale, required: bool| Item {
        code: code.into(),
        title: title.into(),
        scale,
        max_points: (scale == Scale::Points).then_some(20),
        guidance: String::new(),
        required,
    };
    CriteriaSet {
        code: "KT-2026".into(),
        name: "Bộ tiêu chí kiểm tra 2026".into(),
        version: 1,
        topics: vec![
            Topic {
                code: "1".into(),
                title: "Chỉ tiêu công tác năm".into(),
                items: vec![
                    item("1.1", "Ban hành chỉ tiêu", Scale::PassFail, true),
                    item("1.2", "Kết quả thực hiện Bộ tiêu chí", Scale::Points, true),
                ],
            },
            Topic {
                code: "2".into(),
                title: "Công tác đoàn vụ, đoàn phí".into(),
                items: vec![
                    item("2.1", "Sổ sách đoàn vụ", Scale::PassFail, false),
                    item("2.2", "Thu, nộp đoàn phí", Scale::PassFail, true),
                ],
            },
        ],
    }
}

/// The files of a tempdir on tmpfs when there is one: the laws test logic, not disks.
fn tempdir() -> tempfile::TempDir {
    match Path::new("/dev/shm").is_dir() {
        true => tempfile::tempdir_in("/dev/shm").unwrap(),
        false => tempfile::tempdir().unwrap(),
    }
}

/// A store's database as one file (its WAL folded in), to start laptops from.
fn db_bytes(s: Store) -> Vec<u8> {
    let path = s.path().to_path_buf();
    s.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(s);
    std::fs::read(path).unwrap()
}

fn start() -> &'static Start {
    static S: OnceLock<Start> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempdir();
        let mut hq = Store::open(&dir.path().join("hq.db")).unwrap();
        let set = hq.criteria_set_create(small_criteria()).unwrap().id;
        let draft = hq
            .criteria_set_create(CriteriaSet {
                code: "KT-2027".into(),
                name: "Bộ tiêu chí 2027 (dự thảo)".into(),
                ..small_criteria()
            })
            .unwrap()
            .id;
        let campaign = hq
            .campaign_create(CampaignInput {
                name: "Kiểm tra công tác Đoàn năm 2026".into(),
                year: 2026,
                theme: "Năm chuyển đổi số".into(),
                start_date: Some(day(5)),
                end_date: Some(day(20)),
                issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình".into(),
                place: "Ninh Bình".into(),
                criteria_set_id: Some(set),
                ..Default::default()
            })
            .unwrap()
            .id;
        let unit = |hq: &mut Store, name: &str, code: &str, parent: Option<&str>| {
            hq.unit_create(UnitInput {
                name: name.into(),
                code: code.into(),
                level_label: if parent.is_some() {
                    "Cơ sở"
                } else {
                    "Cấp huyện"
                }
                .into(),
                parent_id: parent.map(str::to_string),
                ..Default::default()
            })
            .unwrap()
            .id
        };
        let ym = unit(&mut hq, "Huyện đoàn Yên Mô", "YM", None);
        let ks = unit(&mut hq, "Huyện đoàn Kim Sơn", "KS", None);
        let units = vec![
            ym.clone(),
            ks.clone(),
            unit(&mut hq, "Đoàn xã Yên Phong", "YM-01", Some(&ym)),
            unit(&mut hq, "Đoàn xã Khánh Thượng", "YM-02", Some(&ym)),
            unit(&mut hq, "Đoàn trường THPT Kim Sơn A", "KS-01", Some(&ks)),
            unit(&mut hq, "Đoàn xã Kim Đông", "KS-02", Some(&ks)),
        ];
        let team = |hq: &mut Store, name: &str, head: &str, member: &str| {
            hq.team_create(TeamInput {
                campaign_id: campaign.clone(),
                name: name.into(),
                members: vec![
                    MemberInput::named(head, Role::Head),
                    MemberInput::named(member, Role::Member),
                ],
            })
            .unwrap()
            .id
        };
        let teams = vec![
            team(&mut hq, "Đoàn số 1", "Nguyễn Văn An", "Trần Thị Bình"),
            team(&mut hq, "Đoàn số 2", "Lê Văn Cường", "Phạm Thị Dung"),
            team(&mut hq, "Đoàn số 3", "Hoàng Văn Em", "Vũ Thị Giang"),
        ];
        let mut visits = Vec::new();
        for (i, u) in units[..5].iter().enumerate().skip(1) {
            let v = hq
                .visit_plan(VisitPlanInput {
                    campaign_id: campaign.clone(),
                    unit_id: u.clone(),
                    team_id: Some(teams[i % 2].clone()),
                    date: Some(day(6 + i as u32)),
                    outside_campaign: false,
                })
                .unwrap();
            visits.push(v.id);
        }
        let finding = |hq: &mut Store, v: &str, item: &str, rating: Option<Rating>| {
            hq.finding_set(FindingInput {
                visit_id: v.into(),
                item_code: item.into(),
                rating: rating.map(Some),
                points: (item == POINTS_ITEM).then_some(Some(15.0)),
                note: Some(format!("Ghi nhận tiêu chí {item}")),
                explanation: None,
            })
            .unwrap();
        };
        finding(&mut hq, &visits[2], "1.1", Some(Rating::Dat));
        for item in ["1.1", "1.2", "2.2"] {
            let rating = (item != POINTS_ITEM).then_some(Rating::ChuaDat);
            finding(&mut hq, &visits[3], item, rating);
        }
        hq.visit_update(
            &visits[3],
            VisitPatch {
                status: Some(VisitStatus::Completed),
                overall_result: Some(Some(OverallResult::HoanThanh)),
                assessment: Some("Nhìn chung đơn vị hoàn thành nhiệm vụ".into()),
                ..Default::default()
            },
        )
        .unwrap();
        // Records every laptop has from the start, so that two of them edit one, and one
        // deletes what another edits.
        for (v, text) in [
            (
                &visits[2],
                "Đề nghị Tỉnh đoàn hỗ trợ kinh phí chuyển đổi số",
            ),
            (
                &visits[1],
                "Đề nghị cấp ủy quan tâm công tác phát triển đảng viên",
            ),
        ] {
            hq.recommendation_add(RecommendationInput {
                visit_id: v.clone(),
                text: text.into(),
                raised_by: RaisedBy::Unit,
                authority: Authority::Party,
                due_date: None,
            })
            .unwrap();
        }
        let photo = dir.path().join("anh-buoi-lam-viec.png");
        std::fs::write(&photo, b"\x89PNG\r\n\x1a\n anh tu dau").unwrap();
        hq.attach(&visits[2], &photo, "Buổi làm việc", Some("1.1"))
            .unwrap();
        // Every laptop enrolled as a secretariat laptop (the laws are about merging; who may
        // write what has its own properties), the courier too, since it passes bundles on.
        let mut laptops: Vec<Store> = (0..4)
            .map(|i| {
                let mut s = Store::open(&dir.path().join(format!("laptop{i}.db"))).unwrap();
                s.set_device_name(&format!("Máy Đoàn kiểm tra số {}", i + 1))
                    .unwrap();
                s
            })
            .collect();
        let mut courier = Store::open(&dir.path().join("courier.db")).unwrap();
        let mut makers = Vec::new();
        for s in laptops.iter().chain(std::iter::once(&courier)) {
            crate::common::enrol(&mut hq, s, &campaign, dir.path());
            let intro = dir.path().join(format!("intro-{}.kiemtra", s.device().id));
            makers.push(std::fs::read(intro).unwrap());
        }
        // Everything the secretariat has (the draft set is in no campaign yet).
        let bundle = dir.path().join("campaign.kiemtra");
        hq.export_plain(&bundle, None).unwrap();
        makers.push(std::fs::read(&bundle).unwrap());
        for s in laptops.iter_mut().chain(std::iter::once(&mut courier)) {
            s.import_bundle(&bundle, false).unwrap();
        }
        let devices = std::iter::once(&hq)
            .chain(&laptops)
            .chain(std::iter::once(&courier))
            .map(|s| s.device().id.clone())
            .collect();
        let laptops = laptops.into_iter().map(db_bytes).collect();
        let courier = db_bytes(courier);
        Start {
            campaign,
            visits,
            units,
            teams,
            draft,
            laptops,
            courier,
            makers,
            devices,
        }
    })
}

// ---------- schedules ----------

#[derive(Debug, Clone)]
enum How {
    /// Keep one of the versions as it is.
    Keep(Index),
    /// Field by field: texts joined (nobody's words dropped), other values from one version.
    Merge(Index),
}

#[derive(Debug, Clone)]
enum Minutes {
    /// One of the minutes' texts (report, difficulties, strengths, shortcomings, assessment).
    Text(usize, String),
    Result(Option<usize>),
    Attendees(Vec<String>),
    Questions(Vec<(String, String)>),
    Status(bool),
}

#[derive(Debug, Clone)]
enum RecEdit {
    Text(String),
    Authority(usize),
    Status(usize),
    Due(Option<u32>),
}

#[derive(Debug, Clone)]
enum UnitEdit {
    Name(String),
    Code(String),
    Move(Option<usize>),
    MergeInto(usize),
    Dissolve,
}

#[derive(Debug, Clone)]
enum TeamEdit {
    Name(String),
    AddMember(String),
    Delete,
}

#[derive(Debug, Clone)]
enum CampaignEdit {
    Theme(String),
    Place(String),
    Decision(String),
    Signer(String),
}

#[derive(Debug, Clone)]
enum PlanEdit {
    Reschedule(Option<usize>, Option<u32>),
    Cancel,
    /// Plan the unit that has no visit yet (two laptops doing it make two visits).
    PlanSpare,
}

#[derive(Debug, Clone)]
enum Op {
    /// `finding_set` on a shared visit × item. `score`: `None` leaves rating/points alone,
    /// `Some(None)` clears them, `Some(Some(n))` sets đạt/chưa đạt by parity, or n/2 points.
    Finding {
        laptop: usize,
        visit: usize,
        item: usize,
        score: Option<Option<u8>>,
        note: Option<String>,
        explanation: Option<String>,
    },
    Minutes {
        laptop: usize,
        visit: usize,
        edit: Minutes,
    },
    Sign {
        laptop: usize,
        visit: usize,
    },
    Unlock {
        laptop: usize,
        visit: usize,
        reason: String,
    },
    RecAdd {
        laptop: usize,
        visit: usize,
        text: String,
        authority: usize,
    },
    /// Change one of the laptop's live recommendations (picked by position).
    RecEdit {
        laptop: usize,
        pick: Index,
        edit: RecEdit,
    },
    RecDelete {
        laptop: usize,
        pick: Index,
    },
    Attach {
        laptop: usize,
        visit: usize,
        file: usize,
        caption: String,
    },
    Caption {
        laptop: usize,
        pick: Index,
        caption: String,
    },
    Detach {
        laptop: usize,
        pick: Index,
    },
    Unit {
        laptop: usize,
        unit: usize,
        edit: UnitEdit,
    },
    Team {
        laptop: usize,
        team: usize,
        edit: TeamEdit,
    },
    Campaign {
        laptop: usize,
        edit: CampaignEdit,
    },
    /// Retitle one item of the campaign's criteria set (in use: a new version), or of the
    /// draft set (`item` 4 and above: edited in place).
    Criteria {
        laptop: usize,
        item: usize,
        title: String,
    },
    Plan {
        laptop: usize,
        visit: usize,
        edit: PlanEdit,
    },
    /// Two laptops edit the same recommendation (or attachment caption) differently; the
    /// first gets the second's bundle, so it has the conflict, and deletes the record.
    Quarrel {
        a: usize,
        b: usize,
        pick: Index,
        attachment: bool,
        words: (String, String),
    },
    /// One of the laptops that have conflicts (if any) settles one of them.
    Resolve {
        laptop: Index,
        conflict: Index,
        how: How,
    },
    /// `from` exports a bundle (everything, or the campaign), `to` imports it, twice.
    Exchange {
        from: usize,
        to: usize,
        campaign_only: bool,
    },
    /// `from`'s revisions reach `to` shuffled and cut into pieces (each its own bundle,
    /// relayed by a courier laptop), in `to`'s batch size.
    Deliver {
        from: usize,
        to: usize,
        pieces: usize,
        seed: u64,
    },
    /// Import again a bundle the laptop imported before (edits may have happened since).
    Reimport {
        laptop: usize,
        bundle: Index,
    },
}

#[derive(Debug, Clone)]
struct Schedule {
    laptops: usize,
    /// Each laptop's import batch size (records per recomputation).
    batches: Vec<usize>,
    ops: Vec<Op>,
}

fn words() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("Đạt".to_string()),
        Just("Chưa có sổ đoàn viên".to_string()),
        // The same words composed and decomposed: stored composed, so they are equal.
        Just("Đoàn phí".to_string()),
        Just("Đoa\u{300}n phi\u{301}".to_string()),
        "[a-zđơư ]{1,6}",
    ]
}

/// Words that must not be blank (names, a recommendation's text, a reason).
fn name() -> impl Strategy<Value = String> {
    "[A-ZĐ][a-zđơưă]{1,5}( [A-Z][a-zơư]{1,4}){0,2}"
}

fn how() -> impl Strategy<Value = How> {
    prop_oneof![
        any::<Index>().prop_map(How::Keep),
        any::<Index>().prop_map(How::Merge)
    ]
}

fn minutes() -> impl Strategy<Value = Minutes> {
    prop_oneof![
        4 => (0..5usize, words()).prop_map(|(f, t)| Minutes::Text(f, t)),
        2 => proptest::option::of(0..4usize).prop_map(Minutes::Result),
        1 => proptest::collection::vec(name(), 0..3).prop_map(Minutes::Attendees),
        1 => proptest::collection::vec((name(), words()), 0..3).prop_map(Minutes::Questions),
        1 => any::<bool>().prop_map(Minutes::Status),
    ]
}

/// Edits (no exchanges): what laptops do between two syncs.
fn edit() -> impl Strategy<Value = Op> {
    let laptop = || 0..4usize;
    // Edits crowd on few records, so that laptops meet: merges, conflicts, resolutions.
    let visit = || prop_oneof![1 => Just(0usize), 2 => Just(1), 3 => Just(2), 3 => Just(3)];
    // Mostly the visit whose required items are rated already: signing it can succeed.
    let signable = || prop_oneof![1 => Just(2usize), 4 => Just(3)];
    prop_oneof![
        8 => (
            laptop(),
            // Mostly the visits being inspected (the last one is soon signed).
            prop_oneof![1 => Just(0usize), 3 => Just(1), 3 => Just(2), 1 => Just(3)],
            prop_oneof![1 => Just(0usize), 3 => Just(1), 1 => Just(2), 2 => Just(3)],
            proptest::option::of(proptest::option::of(0u8..=40)),
            proptest::option::weighted(0.7, words()),
            proptest::option::of(words()),
        )
            .prop_map(|(laptop, visit, item, score, note, explanation)| Op::Finding {
                laptop,
                visit,
                item,
                score,
                note,
                explanation,
            }),
        4 => (laptop(), visit(), minutes())
            .prop_map(|(laptop, visit, edit)| Op::Minutes { laptop, visit, edit }),
        3 => (laptop(), signable()).prop_map(|(laptop, visit)| Op::Sign { laptop, visit }),
        2 => (laptop(), signable(), name())
            .prop_map(|(laptop, visit, reason)| Op::Unlock { laptop, visit, reason }),
        3 => (laptop(), visit(), name(), 0..4usize).prop_map(|(laptop, visit, text, authority)| {
            Op::RecAdd { laptop, visit, text, authority }
        }),
        3 => (
            laptop(),
            any::<Index>(),
            prop_oneof![
                2 => name().prop_map(RecEdit::Text),
                1 => (0..4usize).prop_map(RecEdit::Authority),
                1 => (0..4usize).prop_map(RecEdit::Status),
                1 => proptest::option::of(1..28u32).prop_map(RecEdit::Due),
            ],
        )
            .prop_map(|(laptop, pick, edit)| Op::RecEdit { laptop, pick, edit }),
        2 => (laptop(), any::<Index>()).prop_map(|(laptop, pick)| Op::RecDelete { laptop, pick }),
        1 => (laptop(), visit(), 0..2usize, words()).prop_map(|(laptop, visit, file, caption)| {
            Op::Attach { laptop, visit, file, caption }
        }),
        2 => (laptop(), any::<Index>(), words())
            .prop_map(|(laptop, pick, caption)| Op::Caption { laptop, pick, caption }),
        1 => (laptop(), any::<Index>()).prop_map(|(laptop, pick)| Op::Detach { laptop, pick }),
        2 => (
            laptop(),
            0..6usize,
            prop_oneof![
                3 => name().prop_map(UnitEdit::Name),
                1 => "[A-Z]{2}-0[0-9]".prop_map(UnitEdit::Code),
                1 => proptest::option::of(0..2usize).prop_map(UnitEdit::Move),
                1 => (0..6usize).prop_map(UnitEdit::MergeInto),
                1 => Just(UnitEdit::Dissolve),
            ],
        )
            .prop_map(|(laptop, unit, edit)| Op::Unit { laptop, unit, edit }),
        1 => (
            laptop(),
            0..3usize,
            prop_oneof![
                2 => name().prop_map(|n| TeamEdit::Name(format!("Đoàn {n}"))),
                2 => name().prop_map(TeamEdit::AddMember),
                1 => Just(TeamEdit::Delete),
            ],
        )
            .prop_map(|(laptop, team, edit)| Op::Team { laptop, team, edit }),
        1 => (
            laptop(),
            prop_oneof![
                words().prop_map(CampaignEdit::Theme),
                words().prop_map(CampaignEdit::Place),
                "[0-9]{2,3}-QĐ/TĐTN".prop_map(CampaignEdit::Decision),
                name().prop_map(CampaignEdit::Signer),
            ],
        )
            .prop_map(|(laptop, edit)| Op::Campaign { laptop, edit }),
        2 => (laptop(), 0..8usize, name())
            .prop_map(|(laptop, item, title)| Op::Criteria { laptop, item, title }),
        1 => (
            laptop(),
            visit(),
            prop_oneof![
                3 => (proptest::option::of(0..3usize), proptest::option::of(5..21u32))
                    .prop_map(|(t, d)| PlanEdit::Reschedule(t, d)),
                2 => Just(PlanEdit::Cancel),
                1 => Just(PlanEdit::PlanSpare),
            ],
        )
            .prop_map(|(laptop, visit, edit)| Op::Plan { laptop, visit, edit }),
        2 => (any::<Index>(), any::<Index>(), how()).prop_map(|(laptop, conflict, how)| {
            Op::Resolve { laptop, conflict, how }
        }),
        1 => (laptop(), laptop(), any::<Index>(), any::<bool>(), (name(), name())).prop_map(
            |(a, b, pick, attachment, words)| Op::Quarrel { a, b, pick, attachment, words }
        ),
    ]
}

/// Edits of records every laptop has (after a full exchange), deletes among them: what
/// makes a delete meet a concurrent edit, and a resolution meet both.
fn crowd() -> impl Strategy<Value = Op> {
    let laptop = || 0..4usize;
    prop_oneof![
        3 => edit(),
        2 => (laptop(), any::<Index>(), name().prop_map(RecEdit::Text))
            .prop_map(|(laptop, pick, edit)| Op::RecEdit { laptop, pick, edit }),
        1 => (laptop(), any::<Index>()).prop_map(|(laptop, pick)| Op::RecDelete { laptop, pick }),
        1 => (laptop(), any::<Index>(), name())
            .prop_map(|(laptop, pick, caption)| Op::Caption { laptop, pick, caption }),
        1 => (laptop(), any::<Index>()).prop_map(|(laptop, pick)| Op::Detach { laptop, pick }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let laptop = || 0..4usize;
    prop_oneof![
        8 => edit(),
        3 => (laptop(), laptop(), proptest::bool::weighted(0.3)).prop_map(
            |(from, to, campaign_only)| Op::Exchange { from, to, campaign_only }
        ),
        1 => (laptop(), laptop(), 1..=4usize, any::<u64>())
            .prop_map(|(from, to, pieces, seed)| Op::Deliver { from, to, pieces, seed }),
        1 => (laptop(), any::<Index>())
            .prop_map(|(laptop, bundle)| Op::Reimport { laptop, bundle }),
    ]
}

fn batch() -> impl Strategy<Value = usize> {
    prop_oneof![Just(1usize), Just(2), Just(3), Just(5), Just(50_000)]
}

fn schedule(max_ops: usize) -> impl Strategy<Value = Schedule> {
    (
        3usize..=4,
        proptest::collection::vec(batch(), 4),
        proptest::collection::vec(op(), 1..=max_ops),
    )
        .prop_map(|(laptops, batches, ops)| Schedule {
            laptops,
            batches,
            ops,
        })
}

// ---------- helpers ----------

fn ok<T>(r: kiemtra_core::Result<T>, what: &str) -> TestResult<T> {
    r.map_err(|e| TestCaseError::fail(format!("{what}: {}", e.message(Lang::En))))
}

fn sql<T>(r: rusqlite::Result<T>) -> TestResult<T> {
    r.map_err(|e| TestCaseError::fail(format!("sql: {e}")))
}

/// What the domain may refuse (a signed visit, a team with visits, a record deleted
/// meanwhile...); anything else is a failure of the law.
fn refusal(e: &Error) -> bool {
    matches!(
        e,
        Error::Refused(_)
            | Error::InBatch { .. }
            | Error::VisitLocked { .. }
            | Error::SignIncomplete { .. }
            | Error::NotSigned
            | Error::NotFound { .. }
            | Error::Invalid(_)
    )
}

/// The canonical dump, less the cards of laptops made during a case (each fresh store has
/// its own, which by design no other store has seen).
fn dump(s: &Store) -> TestResult<String> {
    let text = ok(s.dump_canonical(), "dump")?;
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    // The dump is streamed record by record; its bytes must stay those of the whole
    // document pretty-printed at once, conflicts and tombstones included.
    let whole = format!("{}\n", serde_json::to_string_pretty(&doc).unwrap());
    if whole != text {
        return Err(TestCaseError::fail(
            "the streamed dump differs from the document",
        ));
    }
    let known = &start().devices;
    doc["records"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["kind"] != "device" || known.iter().any(|d| r["id"] == d.as_str()));
    let mut out = serde_json::to_string_pretty(&doc).unwrap();
    out.push('\n');
    Ok(out)
}

fn conflict_ids(s: &Store) -> TestResult<Vec<String>> {
    Ok(ok(s.conflicts(), "conflicts")?
        .into_iter()
        .map(|c| c.id)
        .collect())
}

/// What differs between two canonical dumps, record by record (the dumps are too long to print).
fn dump_diff(a: &str, b: &str) -> String {
    let parse = |s: &str| -> Value { serde_json::from_str(s).unwrap() };
    let (a, b) = (parse(a), parse(b));
    let by_id = |d: &Value, key: &str| -> BTreeMap<String, Value> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
            .collect()
    };
    let mut out = Vec::new();
    for key in ["records", "conflicts"] {
        let (ra, rb) = (by_id(&a, key), by_id(&b, key));
        let ids: BTreeSet<&String> = ra.keys().chain(rb.keys()).collect();
        for id in ids {
            match (ra.get(id), rb.get(id)) {
                (Some(x), Some(y)) if x == y => {}
                (x, y) => out.push(format!(
                    "{key} {id}:\n  left:  {}\n  right: {}",
                    x.map_or("-".into(), Value::to_string),
                    y.map_or("-".into(), Value::to_string)
                )),
            }
        }
    }
    let n = out.len();
    out.truncate(8);
    format!("{n} difference(s)\n{}", out.join("\n"))
}

fn same_dump(a: &str, b: &str, what: &str) -> TestResult {
    if a != b {
        return Err(TestCaseError::fail(format!(
            "{what}: dumps differ: {}",
            dump_diff(a, b)
        )));
    }
    Ok(())
}

/// What an import that brings nothing, or is refused, must leave as it was.
struct Snapshot {
    dump: String,
    conflicts: Vec<String>,
    revisions: i64,
}

fn snapshot(s: &Store) -> TestResult<Snapshot> {
    let revisions = sql(s
        .conn()
        .query_row("SELECT COUNT(*) FROM revisions", [], |r| r.get(0)))?;
    Ok(Snapshot {
        dump: dump(s)?,
        conflicts: conflict_ids(s)?,
        revisions,
    })
}

fn unchanged(s: &Store, before: &Snapshot, what: &str) -> TestResult {
    let now = snapshot(s)?;
    same_dump(&before.dump, &now.dump, what)?;
    prop_assert_eq!(&now.conflicts, &before.conflicts, "{}: conflicts", what);
    prop_assert_eq!(now.revisions, before.revisions, "{}: revisions", what);
    Ok(())
}

fn settle(c: &Conflict, how: &How) -> Resolution {
    match how {
        How::Keep(i) => Resolution::Keep(c.versions[i.index(c.versions.len())].rev.clone()),
        How::Merge(i) => {
            let pick = i.index(c.versions.len());
            let mut fields = Map::new();
            for f in &c.fields {
                let texts = f
                    .values
                    .iter()
                    .map(Value::as_str)
                    .collect::<Option<Vec<_>>>();
                let value = match texts.filter(|_| TEXT_FIELDS.contains(&f.field.as_str())) {
                    Some(texts) => {
                        let mut kept: Vec<&str> = Vec::new();
                        for t in texts {
                            if !t.is_empty() && !kept.contains(&t) {
                                kept.push(t);
                            }
                        }
                        Value::String(kept.join("; "))
                    }
                    None => f.values[pick].clone(),
                };
                fields.insert(f.field.clone(), value);
            }
            Resolution::Fields(fields)
        }
    }
}

/// A small deterministic random source for shuffles (splitmix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// The revisions of a bundle, as the lines of its revisions.jsonl.
fn lines_of(bundle: &Path) -> Vec<Revision> {
    let entries = read_zip(bundle);
    let jsonl = &entries
        .iter()
        .find(|(n, _)| n == "revisions.jsonl")
        .expect("revisions.jsonl")
        .1;
    jsonl
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("a revision"))
        .collect()
}

/// An order of `revs` in which every parent comes before its children, picked at random.
fn random_topological(revs: &[Revision], mix: &mut Mix) -> Vec<usize> {
    let index: HashMap<&str, usize> = revs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.rev.as_str(), i))
        .collect();
    // What a bundle must hold or follow for the table of who may write what: the first
    // revision of every record a revision names, and its author's enrolment.
    let roots: HashMap<&str, usize> = revs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.parents.is_empty())
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let campaign = &start().campaign;
    let deps: Vec<BTreeSet<usize>> = revs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut d: BTreeSet<usize> = r
                .parents
                .iter()
                .filter_map(|p| index.get(p.as_str()).copied())
                .collect();
            for field in [
                "campaign_id",
                "visit_id",
                "unit_id",
                "team_id",
                "criteria_set_id",
            ] {
                if let Some(j) = r.body[field].as_str().and_then(|id| roots.get(id)) {
                    d.insert(*j);
                }
            }
            let enrolment = kiemtra_core::ids::enrolment_id(campaign, &r.device);
            if let Some(j) = roots.get(enrolment.as_str()) {
                d.insert(*j);
            }
            d.remove(&i);
            d
        })
        .collect();
    let mut waiting: Vec<usize> = deps.iter().map(|d| d.len()).collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); revs.len()];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            children[j].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..revs.len()).filter(|&i| waiting[i] == 0).collect();
    let mut out = Vec::with_capacity(revs.len());
    while !ready.is_empty() {
        let i = ready.swap_remove(mix.below(ready.len()));
        out.push(i);
        for &c in &children[i] {
            waiting[c] -= 1;
            if waiting[c] == 0 {
                ready.push(c);
            }
        }
    }
    assert_eq!(out.len(), revs.len(), "a bundle's history has no cycle");
    out
}

// ---------- the model of people's words ----------

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A value one laptop wrote into one field of one record.
struct Word {
    laptop: Option<usize>,
    record: String,
    kind: String,
    field: String,
    value: Value,
    rev: String,
}

/// One write of a field: the value written and every value of that field the writer had
/// seen. A value the writer had seen and replaced is legitimately gone, wherever else it was
/// also written (a three-way merge cannot tell the same words typed twice apart).
struct Overwrite {
    value: Value,
    seen: Vec<Value>,
}

/// A live revision; `followed` once a laptop that had it wrote the record again.
struct Life {
    rev: String,
    followed: bool,
}

/// What every laptop wrote and saw, to say what the merged state must still hold.
#[derive(Default)]
struct Words {
    words: Vec<Word>,
    of_record: HashMap<String, Vec<usize>>,
    overwrites: HashMap<(String, String), Vec<Overwrite>>,
    /// Words a laptop had seen when it deleted their record.
    deleted: HashSet<usize>,
    lives: BTreeMap<String, Vec<Life>>,
    tombstoned: HashSet<String>,
}

/// A revision a laptop wrote itself.
struct Written {
    rev: String,
    record: String,
    kind: String,
    parents: usize,
    deleted: bool,
    body: Value,
}

impl Words {
    fn word(&mut self, w: Word) {
        self.of_record
            .entry(w.record.clone())
            .or_default()
            .push(self.words.len());
        self.words.push(w);
    }

    /// The starting campaign: every laptop has it all.
    fn start(&mut self, s: &Store) -> TestResult {
        for (id, kind, rev, body) in live_records(s)? {
            // Cards and enrolments: who may write, not what the laws are about.
            if matches!(kind.as_str(), "device" | "enrolment") {
                continue;
            }
            self.lives.entry(id.clone()).or_default().push(Life {
                rev: rev.clone(),
                followed: false,
            });
            for (field, value) in body.as_object().into_iter().flatten() {
                self.word(Word {
                    laptop: None,
                    record: id.clone(),
                    kind: kind.clone(),
                    field: field.clone(),
                    value: value.clone(),
                    rev: rev.clone(),
                });
            }
        }
        Ok(())
    }

    /// The revisions `laptop` wrote in one operation, against what it showed before (`view`)
    /// and what it had (`known`).
    fn wrote(
        &mut self,
        laptop: usize,
        known: &mut HashSet<String>,
        view: &HashMap<String, Value>,
        revs: Vec<Written>,
    ) {
        let mut last: HashMap<String, Value> = HashMap::new();
        for r in revs {
            let before = last.get(&r.record).or_else(|| view.get(&r.record)).cloned();
            for life in self.lives.entry(r.record.clone()).or_default() {
                if known.contains(&life.rev) {
                    life.followed = true;
                }
            }
            if r.deleted {
                self.tombstoned.insert(r.record.clone());
                for &i in self.of_record.get(&r.record).into_iter().flatten() {
                    if known.contains(&self.words[i].rev) {
                        self.deleted.insert(i);
                    }
                }
            } else {
                self.lives.entry(r.record.clone()).or_default().push(Life {
                    rev: r.rev.clone(),
                    followed: false,
                });
                let empty = Map::new();
                let old = before.as_ref().and_then(Value::as_object).unwrap_or(&empty);
                let new = r.body.as_object().unwrap_or(&empty);
                let mut fields: BTreeSet<String> = old.keys().chain(new.keys()).cloned().collect();
                if r.parents > 1 {
                    // It decides fields that only another version had, too.
                    for &i in self.of_record.get(&r.record).into_iter().flatten() {
                        fields.insert(self.words[i].field.clone());
                    }
                }
                for f in &fields {
                    let (a, b) = (
                        old.get(f).unwrap_or(&Value::Null),
                        new.get(f).unwrap_or(&Value::Null),
                    );
                    // A revision with several parents (a resolution, or an edit that makes
                    // a clean merge real) decides every field; otherwise only what changed.
                    if a == b && r.parents < 2 {
                        continue;
                    }
                    let mut seen: Vec<Value> = Vec::new();
                    for &i in self.of_record.get(&r.record).into_iter().flatten() {
                        let w = &self.words[i];
                        if w.field == *f && known.contains(&w.rev) && !seen.contains(&w.value) {
                            seen.push(w.value.clone());
                        }
                    }
                    self.overwrites
                        .entry((r.record.clone(), f.clone()))
                        .or_default()
                        .push(Overwrite {
                            value: b.clone(),
                            seen,
                        });
                    self.word(Word {
                        laptop: Some(laptop),
                        record: r.record.clone(),
                        kind: r.kind.clone(),
                        field: f.clone(),
                        value: b.clone(),
                        rev: r.rev.clone(),
                    });
                }
            }
            known.insert(r.rev.clone());
            last.insert(r.record, r.body);
        }
    }

    fn overwritten(&self, i: usize) -> bool {
        let w = &self.words[i];
        self.deleted.contains(&i)
            || self
                .overwrites
                .get(&(w.record.clone(), w.field.clone()))
                .into_iter()
                .flatten()
                .any(|o| o.value != w.value && o.seen.contains(&w.value))
    }

    /// Laws 2 and 3 on a store that has every revision every laptop wrote.
    fn check(&self, s: &Store, seen: &Seen, what: &str) -> TestResult {
        let doc: Value = serde_json::from_str(&dump(s)?).unwrap();
        let mut records: HashMap<String, (bool, Value)> = HashMap::new();
        let mut setup_only: HashSet<String> = HashSet::new();
        for r in doc["records"].as_array().unwrap() {
            // Laptops' cards and enrolments are made by the setup, not by the edits the
            // model follows.
            if matches!(r["kind"].as_str(), Some("device" | "enrolment")) {
                setup_only.insert(r["id"].as_str().unwrap().to_string());
                continue;
            }
            records.insert(
                r["id"].as_str().unwrap().to_string(),
                (r["deleted"] == true, r["body"].clone()),
            );
        }
        let conflicts: HashMap<String, Vec<Value>> = ok(s.conflicts(), "conflicts")?
            .into_iter()
            .map(|c| (c.id, c.versions.into_iter().map(|v| v.body).collect()))
            .collect();
        for id in records.keys() {
            prop_assert!(
                self.lives.contains_key(id),
                "{}: record {} was written by no laptop the model followed",
                what,
                id
            );
        }
        for (id, lives) in &self.lives {
            if setup_only.contains(id) {
                continue;
            }
            let expect = lives.iter().any(|l| !l.followed);
            let alive = records.get(id).is_some_and(|(deleted, _)| !deleted);
            if expect != alive {
                let kind = self
                    .of_record
                    .get(id)
                    .and_then(|w| w.first())
                    .map_or("?", |&i| self.words[i].kind.as_str());
                return Err(TestCaseError::fail(format!(
                    "{what}: {kind} {id} should be {} but is {}: live revisions {:?}",
                    if expect { "alive" } else { "deleted" },
                    if alive { "alive" } else { "deleted or missing" },
                    lives
                        .iter()
                        .map(|l| format!(
                            "{}{}",
                            l.rev,
                            if l.followed { " (followed)" } else { "" }
                        ))
                        .collect::<Vec<_>>()
                )));
            }
            if alive && self.tombstoned.contains(id) {
                Seen::add(&seen.delete_met_edit);
            }
        }
        for (i, w) in self.words.iter().enumerate() {
            if blank(&w.value) || self.overwritten(i) {
                continue;
            }
            let Some((deleted, body)) = records.get(&w.record) else {
                return Err(TestCaseError::fail(format!(
                    "{what}: {} {} is missing",
                    w.kind, w.record
                )));
            };
            let here = |b: &Value| b.get(&w.field).unwrap_or(&Value::Null) == &w.value;
            let kept = !deleted
                && (here(body) || conflicts.get(&w.record).is_some_and(|v| v.iter().any(here)));
            if !kept {
                return Err(TestCaseError::fail(format!(
                    "{what}: words lost: {} wrote {} = {} into {} {} (revision {}); the record {} {}{}",
                    w.laptop.map_or("the secretariat".to_string(), |l| format!("laptop {l}")),
                    w.field,
                    w.value,
                    w.kind,
                    w.record,
                    w.rev,
                    if *deleted { "is deleted" } else { "has " },
                    if *deleted { String::new() } else { body.get(&w.field).unwrap_or(&Value::Null).to_string() },
                    match conflicts.get(&w.record) {
                        Some(v) => format!(
                            ", conflict versions: {:?}",
                            v.iter().map(|b| b.get(&w.field).cloned()).collect::<Vec<_>>()
                        ),
                        None => ", no conflict listed".into(),
                    }
                )));
            }
        }
        Ok(())
    }
}

/// Every live record: id, kind, rev, body.
fn live_records(s: &Store) -> TestResult<Vec<(String, String, String, Value)>> {
    let mut st = sql(s
        .conn()
        .prepare("SELECT id, kind, rev, body FROM records WHERE deleted = 0 ORDER BY id"))?;
    let rows = sql(st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    }))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, rev, body) = sql(row)?;
        out.push((id, kind, rev, serde_json::from_str(&body).unwrap()));
    }
    Ok(out)
}

fn all_revs(s: &Store) -> TestResult<HashSet<String>> {
    let mut st = sql(s.conn().prepare("SELECT rev FROM revisions"))?;
    let rows = sql(st.query_map([], |r| r.get::<_, String>(0)))?;
    rows.map(sql).collect()
}

fn last_seq(s: &Store) -> TestResult<i64> {
    sql(s
        .conn()
        .query_row("SELECT COALESCE(MAX(seq), 0) FROM revisions", [], |r| {
            r.get(0)
        }))
}

fn written_since(s: &Store, seq: i64) -> TestResult<Vec<Written>> {
    let mut st = sql(s.conn().prepare(
        "SELECT rev, record_id, kind, parents, deleted, body FROM revisions
         WHERE seq > ?1 ORDER BY seq",
    ))?;
    let rows = sql(st.query_map([seq], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, bool>(4)?,
            r.get::<_, String>(5)?,
        ))
    }))?;
    let mut out = Vec::new();
    for row in rows {
        let (rev, record, kind, parents, deleted, body) = sql(row)?;
        let parents: Vec<String> = serde_json::from_str(&parents).unwrap();
        out.push(Written {
            rev,
            record,
            kind,
            parents: parents.len(),
            deleted,
            body: serde_json::from_str(&body).unwrap(),
        });
    }
    Ok(out)
}

/// The id of the `pick`-th live record of a kind on this laptop (by id), if any.
fn pick<T: kiemtra_core::model::Entity>(s: &Store, pick: &Index) -> TestResult<Option<String>> {
    let mut ids: Vec<String> = ok(s.list::<T>(), "list")?
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort();
    Ok((!ids.is_empty()).then(|| ids[pick.index(ids.len())].clone()))
}

// ---------- the laptops ----------

struct Lab {
    dir: tempfile::TempDir,
    laptops: Vec<Store>,
    /// The revisions each laptop has.
    known: Vec<HashSet<String>>,
    /// The bundles each laptop has imported.
    imported: Vec<Vec<PathBuf>>,
    /// Every bundle written so far (the laptops' own, not the courier's pieces).
    bundles: Vec<PathBuf>,
    /// A laptop that only relays revisions in the order and grouping a test chooses.
    courier: Store,
    files: usize,
    words: Words,
    seen: &'static Seen,
    /// Why the last refused operation was refused.
    refused: Option<String>,
}

impl Lab {
    fn new(s: &Schedule, seen: &'static Seen) -> TestResult<Lab> {
        let st = start();
        let dir = tempdir();
        let open = |name: &str, bytes: &[u8]| -> TestResult<Store> {
            let path = dir.path().join(format!("{name}.db"));
            std::fs::write(&path, bytes).unwrap();
            ok(Store::open(&path), "open")
        };
        let mut laptops = Vec::new();
        for i in 0..s.laptops {
            let mut l = open(&format!("laptop{i}"), &st.laptops[i])?;
            l.set_import_batch(s.batches[i]);
            laptops.push(l);
        }
        let courier = open("courier", &st.courier)?;
        for (i, bytes) in [
            b"\x89PNG\r\n\x1a\n anh buoi lam viec".as_slice(),
            b"%PDF-1.4\n bien ban",
        ]
        .iter()
        .enumerate()
        {
            std::fs::write(dir.path().join(format!("tep-{i}")), bytes).unwrap();
        }
        let mut words = Words::default();
        words.start(&laptops[0])?;
        let known = laptops.iter().map(all_revs).collect::<TestResult<_>>()?;
        Ok(Lab {
            dir,
            imported: vec![Vec::new(); laptops.len()],
            laptops,
            known,
            bundles: Vec::new(),
            courier,
            files: 0,
            words,
            seen,
            refused: None,
        })
    }

    fn fresh(&self, name: &str, batch: usize) -> TestResult<Store> {
        let mut s = ok(
            Store::open(&self.dir.path().join(format!("{name}.db"))),
            "open",
        )?;
        s.set_import_batch(batch);
        for (i, bytes) in start().makers.iter().enumerate() {
            let path = self.dir.path().join(format!("{name}-maker{i}.kiemtra"));
            std::fs::write(&path, bytes).unwrap();
            let maker = ok(s.learn_bundle_maker(&path), "learn a laptop")?;
            ok(s.set_trusted(&maker.id, true), "trust a laptop")?;
        }
        Ok(s)
    }

    fn file(&mut self, what: &str) -> PathBuf {
        self.files += 1;
        self.dir
            .path()
            .join(format!("{:03}-{what}.kiemtra", self.files))
    }

    fn export(&mut self, laptop: usize, campaign_only: bool) -> TestResult<PathBuf> {
        let path = self.file(&format!("laptop{laptop}"));
        let scope = campaign_only.then_some(start().campaign.as_str());
        ok(self.laptops[laptop].export_plain(&path, scope), "export")?;
        self.bundles.push(path.clone());
        Ok(path)
    }

    /// Import into a laptop, counting what the import met; the laptop's knowledge follows.
    fn import(&mut self, to: usize, bundle: &Path) -> TestResult<u64> {
        let s = &mut self.laptops[to];
        let r = ok(s.import_bundle(bundle, false), "import")?;
        note_import(s, &r, self.seen);
        self.known[to] = all_revs(s)?;
        Ok(r.new_revisions)
    }

    /// A local operation on `laptop`, followed by the model. A refusal writes nothing.
    fn local<T>(
        &mut self,
        laptop: usize,
        what: &str,
        f: impl FnOnce(&mut Store) -> kiemtra_core::Result<T>,
    ) -> TestResult<Option<T>> {
        let s = &mut self.laptops[laptop];
        let seq = last_seq(s)?;
        let in_conflict: HashSet<String> = conflict_ids(s)?.into_iter().collect();
        let view: HashMap<String, Value> = live_records(s)?
            .into_iter()
            .map(|(id, _, _, body)| (id, body))
            .collect();
        let out = match f(s) {
            Ok(v) => Some(v),
            Err(e) if refusal(&e) => {
                self.refused = Some(format!("{}: {}", e.code(), e.message(Lang::En)));
                None
            }
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "{what} on laptop {laptop}: {}",
                    e.message(Lang::En)
                )))
            }
        };
        let written = written_since(s, seq)?;
        if out.is_none() {
            prop_assert!(
                written.is_empty(),
                "{} was refused on laptop {} yet wrote {} revision(s)",
                what,
                laptop,
                written.len()
            );
        }
        for w in &written {
            if w.deleted {
                Seen::add(&self.seen.tombstones);
                if in_conflict.contains(&w.record) {
                    Seen::add(&self.seen.conflicts_deleted);
                }
            }
        }
        self.words
            .wrote(laptop, &mut self.known[laptop], &view, written);
        Ok(out)
    }

    fn visit(&self, i: usize) -> String {
        start().visits[i].clone()
    }

    fn run(&mut self, ops: &[Op]) -> TestResult {
        let n = self.laptops.len();
        let st = start();
        for op in ops {
            match op.clone() {
                Op::Finding {
                    laptop,
                    visit,
                    item,
                    score,
                    note,
                    explanation,
                } => {
                    let item = ITEMS[item];
                    let (mut rating, mut points) = (None, None);
                    if let Some(score) = score {
                        if item == POINTS_ITEM {
                            points = Some(score.map(|n| f64::from(n) / 2.0));
                        } else {
                            rating = Some(score.map(|n| {
                                if n % 2 == 0 {
                                    Rating::Dat
                                } else {
                                    Rating::ChuaDat
                                }
                            }));
                        }
                    }
                    let input = FindingInput {
                        visit_id: self.visit(visit),
                        item_code: item.into(),
                        rating,
                        points,
                        note,
                        explanation,
                    };
                    self.local(laptop % n, "finding_set", |s| s.finding_set(input))?;
                }
                Op::Minutes {
                    laptop,
                    visit,
                    edit,
                } => {
                    let mut p = VisitPatch::default();
                    match edit {
                        Minutes::Text(f, t) => {
                            let slot = match f {
                                0 => &mut p.report_summary,
                                1 => &mut p.difficulties,
                                2 => &mut p.strengths,
                                3 => &mut p.shortcomings,
                                _ => &mut p.assessment,
                            };
                            *slot = Some(t);
                        }
                        Minutes::Result(r) => {
                            p.overall_result = Some(r.map(|r| {
                                [
                                    OverallResult::XuatSac,
                                    OverallResult::Tot,
                                    OverallResult::HoanThanh,
                                    OverallResult::KhongHoanThanh,
                                ][r]
                            }))
                        }
                        Minutes::Attendees(names) => {
                            p.attendees = Some(
                                names
                                    .into_iter()
                                    .map(|name| Attendee {
                                        name,
                                        position: "Bí thư Đoàn xã".into(),
                                        side: Side::Unit,
                                    })
                                    .collect(),
                            )
                        }
                        Minutes::Questions(qs) => {
                            p.questions = Some(
                                qs.into_iter()
                                    .map(|(question, answer)| Question { question, answer })
                                    .collect(),
                            )
                        }
                        Minutes::Status(done) => {
                            p.status = Some(if done {
                                VisitStatus::Completed
                            } else {
                                VisitStatus::InProgress
                            })
                        }
                    }
                    let id = self.visit(visit);
                    self.local(laptop % n, "visit_update", |s| s.visit_update(&id, p))?;
                }
                Op::Sign { laptop, visit } => {
                    let id = self.visit(visit);
                    if self
                        .local(laptop % n, "visit_sign", |s| s.visit_sign(&id))?
                        .is_some()
                    {
                        Seen::add(&self.seen.signs);
                    }
                }
                Op::Unlock {
                    laptop,
                    visit,
                    reason,
                } => {
                    let id = self.visit(visit);
                    if self
                        .local(laptop % n, "visit_unlock", |s| s.visit_unlock(&id, &reason))?
                        .is_some()
                    {
                        Seen::add(&self.seen.unlocks);
                    }
                }
                Op::RecAdd {
                    laptop,
                    visit,
                    text,
                    authority,
                } => {
                    let input = RecommendationInput {
                        visit_id: self.visit(visit),
                        text,
                        raised_by: if authority % 2 == 0 {
                            RaisedBy::Unit
                        } else {
                            RaisedBy::Team
                        },
                        authority: AUTHORITIES[authority],
                        due_date: None,
                    };
                    self.local(laptop % n, "recommendation_add", |s| {
                        s.recommendation_add(input)
                    })?;
                }
                Op::RecEdit {
                    laptop,
                    pick: p,
                    edit,
                } => {
                    let l = laptop % n;
                    let Some(id) = pick::<Recommendation>(&self.laptops[l], &p)? else {
                        continue;
                    };
                    let mut patch = RecommendationPatch::default();
                    match edit {
                        RecEdit::Text(t) => patch.text = Some(t),
                        RecEdit::Authority(a) => patch.authority = Some(AUTHORITIES[a]),
                        RecEdit::Status(x) => {
                            patch.status = Some(
                                [
                                    RecStatus::Received,
                                    RecStatus::Forwarded,
                                    RecStatus::Answered,
                                    RecStatus::Done,
                                ][x],
                            )
                        }
                        RecEdit::Due(d) => {
                            patch.due_date =
                                Some(d.map(|d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap()))
                        }
                    }
                    self.local(l, "recommendation_update", |s| {
                        s.recommendation_update(&id, patch)
                    })?;
                }
                Op::RecDelete { laptop, pick: p } => {
                    let l = laptop % n;
                    if let Some(id) = pick::<Recommendation>(&self.laptops[l], &p)? {
                        self.local(l, "recommendation_delete", |s| s.recommendation_delete(&id))?;
                    }
                }
                Op::Attach {
                    laptop,
                    visit,
                    file,
                    caption,
                } => {
                    let path = self.dir.path().join(format!("tep-{file}"));
                    let id = self.visit(visit);
                    self.local(laptop % n, "attach", |s| {
                        s.attach(&id, &path, &caption, None)
                    })?;
                }
                Op::Caption {
                    laptop,
                    pick: p,
                    caption,
                } => {
                    let l = laptop % n;
                    if let Some(id) = pick::<Attachment>(&self.laptops[l], &p)? {
                        self.local(l, "attachment_caption", |s| {
                            s.attachment_caption(&id, &caption)
                        })?;
                    }
                }
                Op::Detach { laptop, pick: p } => {
                    let l = laptop % n;
                    if let Some(id) = pick::<Attachment>(&self.laptops[l], &p)? {
                        self.local(l, "attachment_remove", |s| s.attachment_remove(&id))?;
                    }
                }
                Op::Unit { laptop, unit, edit } => {
                    let id = st.units[unit].clone();
                    let last_day = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
                    let l = laptop % n;
                    match edit {
                        UnitEdit::Name(name) => {
                            let patch = UnitPatch {
                                name: Some(format!("Đoàn xã {name}")),
                                ..Default::default()
                            };
                            self.local(l, "unit_update", |s| s.unit_update(&id, patch))?;
                        }
                        UnitEdit::Code(code) => {
                            let patch = UnitPatch {
                                code: Some(code),
                                ..Default::default()
                            };
                            self.local(l, "unit_update", |s| s.unit_update(&id, patch))?;
                        }
                        UnitEdit::Move(parent) => {
                            let parent = parent.map(|p| st.units[p].clone());
                            self.local(l, "unit_move", |s| s.unit_move(&id, parent.as_deref()))?;
                        }
                        UnitEdit::MergeInto(into) => {
                            let into = st.units[into].clone();
                            self.local(l, "unit_merge", |s| {
                                s.unit_merge(vec![id.clone()], &into, last_day)
                            })?;
                        }
                        UnitEdit::Dissolve => {
                            self.local(l, "unit_dissolve", |s| s.unit_dissolve(&id, last_day))?;
                        }
                    }
                }
                Op::Team { laptop, team, edit } => {
                    let id = st.teams[team].clone();
                    let l = laptop % n;
                    match edit {
                        TeamEdit::Name(name) => {
                            let patch = TeamPatch {
                                name: Some(name),
                                ..Default::default()
                            };
                            self.local(l, "team_update", |s| s.team_update(&id, patch))?;
                        }
                        TeamEdit::AddMember(name) => {
                            self.local(l, "team_add_member", |s| {
                                s.team_add_member(&id, &name, Role::Member)
                            })?;
                        }
                        TeamEdit::Delete => {
                            self.local(l, "team_delete", |s| s.team_delete(&id))?;
                        }
                    }
                }
                Op::Campaign { laptop, edit } => {
                    let mut patch = CampaignPatch::default();
                    match edit {
                        CampaignEdit::Theme(t) => patch.theme = Some(t),
                        CampaignEdit::Place(t) => patch.place = Some(t),
                        CampaignEdit::Decision(t) => patch.decision_number = Some(t),
                        CampaignEdit::Signer(name) => {
                            patch.report = Some(Some(kiemtra_core::model::ReportSettings {
                                signer_name: name,
                                signer_position: "PHÓ BÍ THƯ".into(),
                                ..Default::default()
                            }))
                        }
                    }
                    let id = st.campaign.clone();
                    self.local(laptop % n, "campaign_update", |s| {
                        s.campaign_update(&id, patch)
                    })?;
                }
                Op::Criteria {
                    laptop,
                    item,
                    title,
                } => {
                    let l = laptop % n;
                    let campaign = ok(
                        self.laptops[l].require::<kiemtra_core::model::Campaign>(&st.campaign),
                        "campaign",
                    )?;
                    let set_id = match (item >= ITEMS.len(), campaign.body.criteria_set_id) {
                        (true, _) => st.draft.clone(),
                        (false, Some(set)) => set,
                        (false, None) => continue,
                    };
                    let item = item % ITEMS.len();
                    let mut set = ok(self.laptops[l].require::<CriteriaSet>(&set_id), "set")?.body;
                    if let Some(i) = set
                        .topics
                        .iter_mut()
                        .flat_map(|t| t.items.iter_mut())
                        .find(|i| i.code == ITEMS[item])
                    {
                        i.title = title;
                    }
                    self.local(l, "criteria_set_save", |s| {
                        s.criteria_set_save(&set_id, set, None)
                    })?;
                }
                Op::Plan {
                    laptop,
                    visit,
                    edit,
                } => {
                    let l = laptop % n;
                    let id = self.visit(visit);
                    match edit {
                        PlanEdit::Reschedule(team, d) => {
                            let team = team.map(|t| st.teams[t].clone());
                            self.local(l, "visit_reschedule", |s| {
                                s.visit_reschedule(
                                    &id,
                                    team.as_deref(),
                                    d.map(day),
                                    meant_outside(),
                                )
                            })?;
                        }
                        PlanEdit::Cancel => {
                            self.local(l, "visit_cancel", |s| {
                                s.visit_cancel(&id, "Đơn vị xin lùi lịch")
                            })?;
                        }
                        PlanEdit::PlanSpare => {
                            let input = VisitPlanInput {
                                campaign_id: st.campaign.clone(),
                                unit_id: st.units[5].clone(),
                                team_id: Some(st.teams[0].clone()),
                                date: Some(day(12)),
                                outside_campaign: true,
                            };
                            self.local(l, "visit_plan", |s| s.visit_plan(input))?;
                        }
                    }
                }
                Op::Resolve {
                    laptop,
                    conflict,
                    how,
                } => self.resolve(&laptop, &conflict, &how)?,
                Op::Quarrel {
                    a,
                    b,
                    pick: p,
                    attachment,
                    words: (wa, wb),
                } => {
                    let (a, b) = pair(a, b, n);
                    let id = match attachment {
                        true => pick::<Attachment>(&self.laptops[a], &p)?,
                        false => pick::<Recommendation>(&self.laptops[a], &p)?,
                    };
                    let Some(id) = id else { continue };
                    for (l, text) in [(a, wa), (b, wb)] {
                        if attachment {
                            self.local(l, "attachment_caption", |s| {
                                s.attachment_caption(&id, &text)
                            })?;
                        } else {
                            let patch = RecommendationPatch {
                                text: Some(text),
                                ..Default::default()
                            };
                            self.local(l, "recommendation_update", |s| {
                                s.recommendation_update(&id, patch)
                            })?;
                        }
                    }
                    let bundle = self.export(b, false)?;
                    self.import_twice(a, &bundle)?;
                    self.imported[a].push(bundle);
                    if attachment {
                        self.local(a, "attachment_remove", |s| s.attachment_remove(&id))?;
                    } else {
                        self.local(a, "recommendation_delete", |s| s.recommendation_delete(&id))?;
                    }
                }
                Op::Exchange {
                    from,
                    to,
                    campaign_only,
                } => {
                    let (from, to) = pair(from, to, n);
                    let bundle = self.export(from, campaign_only)?;
                    self.import_twice(to, &bundle)?;
                    self.imported[to].push(bundle);
                }
                Op::Deliver {
                    from,
                    to,
                    pieces,
                    seed,
                } => {
                    let (from, to) = pair(from, to, n);
                    self.deliver(from, to, pieces, seed)?;
                }
                Op::Reimport { laptop, bundle } => {
                    let laptop = laptop % n;
                    let seen = &self.imported[laptop];
                    if seen.is_empty() {
                        continue;
                    }
                    let bundle = seen[bundle.index(seen.len())].clone();
                    let s = &mut self.laptops[laptop];
                    let before = snapshot(s)?;
                    let r = ok(s.import_bundle(&bundle, false), "re-import")?;
                    prop_assert_eq!(r.new_revisions, 0, "re-import counted new revisions");
                    unchanged(s, &before, "re-import of an older bundle")?;
                }
            }
        }
        Ok(())
    }

    /// Law 4 on the way: a second import of the same bundle adds nothing and changes nothing.
    fn import_twice(&mut self, to: usize, bundle: &Path) -> TestResult {
        self.import(to, bundle)?;
        let s = &mut self.laptops[to];
        let before = snapshot(s)?;
        let again = ok(s.import_bundle(bundle, false), "second import")?;
        prop_assert_eq!(
            again.new_revisions,
            0,
            "second import counted new revisions"
        );
        unchanged(s, &before, "second import of the same bundle")
    }

    /// A bundle of exactly these revisions, in this order, signed by the courier.
    fn relay(&mut self, revs: &[&Revision], what: &str) -> TestResult<PathBuf> {
        let c = self.courier.conn();
        sql(c.execute_batch("DELETE FROM record_state; DELETE FROM revisions;"))?;
        for (i, r) in revs.iter().enumerate() {
            sql(c.execute(
                "INSERT INTO revisions(rev, record_id, kind, generation, parents, device_id, hlc,
                                       deleted, body, seq, person, sig)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                rusqlite::params![
                    r.rev,
                    r.id,
                    r.kind,
                    r.generation().unwrap_or(1) as i64,
                    serde_json::to_string(&r.parents).unwrap(),
                    r.device,
                    r.hlc,
                    r.deleted,
                    r.body.to_string(),
                    i as i64 + 1,
                    r.person,
                    r.sig
                ],
            ))?;
        }
        let path = self.file(what);
        ok(self.courier.export_plain(&path, None), "courier export")?;
        Ok(path)
    }

    /// `from`'s revisions reach `to` in pieces, each shuffled; the result must be what the
    /// whole bundle gives (on a copy of `to` made first).
    fn deliver(&mut self, from: usize, to: usize, pieces: usize, seed: u64) -> TestResult {
        let whole = self.export(from, false)?;
        let control_path = self.dir.path().join(format!("control-{}.db", self.files));
        sql(self.laptops[to]
            .conn()
            .backup(rusqlite::MAIN_DB, &control_path, None))?;
        let mut control = ok(Store::open(&control_path), "open the copy")?;
        ok(control.import_bundle(&whole, false), "whole import")?;
        let revs = lines_of(&whole);
        let mut mix = Mix(seed);
        let order = random_topological(&revs, &mut mix);
        let mut cuts: Vec<usize> = (0..pieces - 1)
            .map(|_| mix.below(order.len() + 1))
            .collect();
        cuts.extend([0, order.len()]);
        cuts.sort();
        for w in cuts.windows(2) {
            let mut piece: Vec<&Revision> = order[w[0]..w[1]].iter().map(|&i| &revs[i]).collect();
            mix.shuffle(&mut piece);
            let pos: HashMap<&str, usize> = piece
                .iter()
                .enumerate()
                .map(|(i, r)| (r.rev.as_str(), i))
                .collect();
            let out_of_order = piece.iter().enumerate().any(|(i, r)| {
                r.parents
                    .iter()
                    .any(|p| pos.get(p.as_str()).is_some_and(|&j| j > i))
            });
            if out_of_order {
                Seen::add(&self.seen.shuffled);
            }
            let bundle = self.relay(&piece, "piece")?;
            self.import(to, &bundle)?;
        }
        same_dump(
            &dump(&control)?,
            &dump(&self.laptops[to])?,
            "pieces vs the whole bundle",
        )?;
        prop_assert_eq!(
            conflict_ids(&control)?,
            conflict_ids(&self.laptops[to])?,
            "conflicts: pieces vs the whole bundle"
        );
        let r = ok(
            self.laptops[to].import_bundle(&whole, false),
            "whole after pieces",
        )?;
        prop_assert_eq!(r.new_revisions, 0, "the pieces left revisions out");
        self.imported[to].push(whole);
        Ok(())
    }

    /// One of the laptops that have conflicts settles one of them; nothing when none has any.
    fn resolve(&mut self, laptop: &Index, conflict: &Index, how: &How) -> TestResult {
        let mut with = Vec::new();
        for (i, s) in self.laptops.iter().enumerate() {
            let c = ok(s.conflicts(), "conflicts")?;
            if !c.is_empty() {
                with.push((i, c));
            }
        }
        if with.is_empty() {
            return Ok(());
        }
        let (i, conflicts) = &with[laptop.index(with.len())];
        let c = &conflicts[conflict.index(conflicts.len())];
        let id = c.id.clone();
        let how = settle(c, how);
        let resolved = self.local(*i, "resolve", |s| s.resolve(&id, how))?;
        prop_assert!(
            resolved.is_some(),
            "the resolution of {} was refused: {:?}",
            id,
            self.refused
        );
        Seen::add(&self.seen.resolutions);
        prop_assert!(
            !conflict_ids(&self.laptops[*i])?.contains(&id),
            "{} still in conflict after its resolution",
            id
        );
        Ok(())
    }

    /// Every laptop imports every other laptop's latest bundle; then all must be equal (law 1)
    /// and keep every word (laws 2, 3).
    fn full_exchange(&mut self, round: &str) -> TestResult {
        let latest = self.latest()?;
        for i in 0..self.laptops.len() {
            for (j, b) in latest.iter().enumerate() {
                if i != j {
                    self.import(i, b)?;
                }
            }
        }
        let first = dump(&self.laptops[0])?;
        let conflicts = conflict_ids(&self.laptops[0])?;
        if !conflicts.is_empty() {
            Seen::add(&self.seen.conflicts);
        }
        for c in ok(self.laptops[0].conflicts(), "conflicts")? {
            *self
                .seen
                .by_kind
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(c.kind)
                .or_default() += 1;
        }
        for (i, s) in self.laptops.iter().enumerate().skip(1) {
            same_dump(
                &first,
                &dump(s)?,
                &format!("{round}: laptop 0 vs laptop {i}"),
            )?;
            prop_assert_eq!(
                &conflict_ids(s)?,
                &conflicts,
                "{}: conflicts of laptop {}",
                round,
                i
            );
        }
        self.words.check(&self.laptops[0], self.seen, round)
    }

    /// Every laptop's latest bundle.
    fn latest(&mut self) -> TestResult<Vec<PathBuf>> {
        (0..self.laptops.len())
            .map(|i| self.export(i, false))
            .collect()
    }

    fn all_checked(stores: &[&Store]) -> TestResult {
        for s in stores {
            let r = ok(s.check(), "check")?;
            prop_assert!(r.ok, "check failed: {:?}", r.problems);
        }
        Ok(())
    }
}

const AUTHORITIES: [Authority; 4] = [
    Authority::Unit,
    Authority::Team,
    Authority::Union,
    Authority::Party,
];

/// Two different laptops.
fn pair(from: usize, to: usize, n: usize) -> (usize, usize) {
    let from = from % n;
    let to = if to % n == from {
        (from + 1) % n
    } else {
        to % n
    };
    (from, to)
}

fn note_import(s: &Store, r: &kiemtra_core::sync::bundle::ImportReport, seen: &Seen) {
    if r.new_conflicts > 0 {
        Seen::add(&seen.conflicts);
    }
    if (s.import_batch() as u64) < r.new_revisions {
        Seen::add(&seen.small_batches);
    }
}

// ---------- the laws ----------

/// Laws 1–4 and 7; then laptops settle conflicts while others go on editing (and deleting),
/// and converge again.
#[test]
fn laptops_converge_and_keep_every_word() {
    static SEEN: OnceLock<Seen> = OnceLock::new();
    let seen = SEEN.get_or_init(Seen::default);
    law(
        "laptops_converge_and_keep_every_word",
        256,
        (
            schedule(24),
            proptest::collection::vec(crowd(), 1..=8),
            proptest::collection::vec((any::<Index>(), any::<Index>(), how()), 1..=3),
        ),
        |(s, after, settle)| {
            let mut lab = Lab::new(&s, seen)?;
            lab.run(&s.ops)?;
            lab.full_exchange("first full exchange")?;
            // Resolutions first so that the edits after them meet them concurrently.
            for (laptop, conflict, how) in &settle {
                lab.resolve(laptop, conflict, how)?;
            }
            lab.run(&after)?;
            lab.full_exchange("after concurrent resolutions and edits")?;
            Lab::all_checked(&lab.laptops.iter().collect::<Vec<_>>())
        },
    );
    seen.require(
        "laptops_converge_and_keep_every_word",
        &[
            "conflicts",
            "resolutions",
            "tombstones",
            "deletes of a record in conflict",
            "deletes that met a concurrent edit",
            "shuffled deliveries",
            "imports crossing batch boundaries",
            "signed minutes",
            "unlocks",
        ],
    );
}

/// Law 5 (and 2, 7): any order, any batch size, any grouping, shuffled pieces.
#[test]
fn import_order_grouping_and_pieces_do_not_matter() {
    static SEEN: OnceLock<Seen> = OnceLock::new();
    let seen = SEEN.get_or_init(Seen::default);
    law(
        "import_order_grouping_and_pieces_do_not_matter",
        256,
        (
            schedule(16),
            proptest::collection::vec(any::<Index>(), 0..=2),
            any::<u64>(),
            proptest::collection::vec(batch(), 5),
            any::<Index>(),
        ),
        |(s, extra, seed, batches, split)| {
            let mut lab = Lab::new(&s, seen)?;
            lab.run(&s.ops)?;
            let mut set = lab.latest()?;
            let earlier = lab.bundles.len() - set.len();
            if earlier > 0 {
                for e in &extra {
                    set.push(lab.bundles[e.index(earlier)].clone());
                }
            }
            let mut mix = Mix(seed);
            let forward = set.clone();
            let mut reversed = set.clone();
            reversed.reverse();
            let mut shuffled = set.clone();
            mix.shuffle(&mut shuffled);
            let mut dumps = Vec::new();
            let mut fresh = Vec::new();
            for (k, order) in [forward, reversed, shuffled.clone()].iter().enumerate() {
                let mut x = lab.fresh(&format!("order{k}"), batches[k])?;
                for b in order {
                    let r = ok(x.import_bundle(b, false), "import")?;
                    note_import(&x, &r, seen);
                }
                dumps.push((format!("order {k}"), dump(&x)?, conflict_ids(&x)?));
                fresh.push(x);
            }
            // Grouping: the first part merged on one laptop, whose bundle then travels on with the rest.
            let k = 1 + split.index(shuffled.len());
            let mut p = lab.fresh("group-first", batches[3])?;
            for b in &shuffled[..k] {
                ok(p.import_bundle(b, false), "import")?;
            }
            let merged = lab.file("group-first");
            ok(p.export_plain(&merged, None), "export")?;
            let mut q = lab.fresh("group-rest", batches[4])?;
            // The store that merged first passes the set on: a laptop `q` trusts.
            let relay = ok(q.learn_bundle_maker(&merged), "learn the relay")?;
            ok(q.set_trusted(&relay.id, true), "trust the relay")?;
            for b in shuffled[k..].iter().chain([&merged]) {
                ok(q.import_bundle(b, false), "import")?;
            }
            dumps.push(("grouped".into(), dump(&q)?, conflict_ids(&q)?));
            // Every revision of the set, shuffled into pieces through the courier.
            let mut all: BTreeMap<String, Revision> = BTreeMap::new();
            for b in &set {
                for r in lines_of(b) {
                    all.insert(r.rev.clone(), r);
                }
            }
            let revs: Vec<Revision> = all.into_values().collect();
            let order = random_topological(&revs, &mut mix);
            let mut z = lab.fresh("pieces", 1 + mix.below(4))?;
            let cut = mix.below(order.len() + 1);
            for part in [&order[..cut], &order[cut..]] {
                let mut piece: Vec<&Revision> = part.iter().map(|&i| &revs[i]).collect();
                mix.shuffle(&mut piece);
                let bundle = lab.relay(&piece, "piece")?;
                let r = ok(z.import_bundle(&bundle, false), "import a piece")?;
                note_import(&z, &r, seen);
            }
            Seen::add(&seen.shuffled);
            dumps.push(("pieces".into(), dump(&z)?, conflict_ids(&z)?));
            let (_, first, conflicts) = &dumps[0];
            for (what, d, c) in &dumps[1..] {
                same_dump(first, d, &format!("order 0 vs {what}"))?;
                prop_assert_eq!(c, conflicts, "conflicts of {}", what);
            }
            // The set holds every laptop's latest bundle, so every word must be in it.
            lab.words.check(&q, seen, "all bundles in one store")?;
            fresh.extend([p, q, z]);
            Lab::all_checked(&fresh.iter().chain(&lab.laptops).collect::<Vec<_>>())
        },
    );
    seen.require(
        "import_order_grouping_and_pieces_do_not_matter",
        &[
            "conflicts",
            "imports crossing batch boundaries",
            "shuffled deliveries",
        ],
    );
}

/// How a well-signed bundle can still lie about history.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Forgery {
    /// A revision whose content does not match its id.
    BadId,
    /// A revision without the parent it names (one the target does not have).
    MissingParent,
    /// An edit whose generation skips one.
    WrongGeneration,
    /// An edit whose parent is a revision of another record.
    ForeignParent,
    /// An edit that makes a record another kind.
    OtherKind,
    /// An edit signed with another laptop's key than its author's.
    WrongKey,
    /// An edit without a signature.
    Unsigned,
    /// An edit by a laptop nobody knows (no card, no enrolment: no key).
    StrangerAuthor,
    /// An edit of signed minutes that is not an unlock, well signed by its author.
    SignedVisitEdit,
}

impl Forgery {
    /// Forgeries of who wrote it, refused by the table of who may write what (the others are
    /// refused as broken histories).
    fn of_authorship(self) -> bool {
        matches!(
            self,
            Forgery::WrongKey
                | Forgery::Unsigned
                | Forgery::StrangerAuthor
                | Forgery::SignedVisitEdit
        )
    }
}

/// Law 6 (and 7): a damaged or forged bundle is refused whole, nothing of it stays.
#[test]
fn a_damaged_or_forged_bundle_changes_nothing() {
    static SEEN: OnceLock<Seen> = OnceLock::new();
    let seen = SEEN.get_or_init(Seen::default);
    law(
        "a_damaged_or_forged_bundle_changes_nothing",
        256,
        (
            schedule(12),
            0..4usize,
            any::<Index>(),
            any::<Index>(),
            1u8..=255,
            any::<Index>(),
            any::<u64>(),
        ),
        |(s, target, source, at, flip, victim, seed)| {
            let mut lab = Lab::new(&s, seen)?;
            lab.run(&s.ops)?;
            let n = lab.laptops.len();
            let target = target % n;
            let latest = lab.latest()?;
            // A bundle from another laptop, so that most of it is news to the target.
            let others: Vec<&PathBuf> = latest
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != target)
                .map(|(_, b)| b)
                .collect();
            let good = others[source.index(others.len())].clone();
            let news = ok(lab.laptops[target].import_bundle(&good, true), "dry run")?.new_revisions;

            // One byte of revisions.jsonl flipped; the ZIP rewritten around it.
            let flipped = lab.file("flipped");
            let mut entries = read_zip(&good);
            let revs = &mut entries
                .iter_mut()
                .find(|(n, _)| n == "revisions.jsonl")
                .unwrap()
                .1;
            let pos = at.index(revs.len());
            revs[pos] ^= flip;
            write_zip(&flipped, &entries);
            let mut bad = vec![(flipped, None)];

            // Well-signed bundles (the courier's) whose history is made up, or whose revisions
            // lie about who wrote them.
            let lines = lines_of(&good);
            let known = lab.known[target].clone();
            let mut mix = Mix(seed);
            let mut forged = Vec::new();
            {
                let courier = &lab.courier;
                let laptops = &lab.laptops;
                let sign = |device: Option<&str>, rev: &str| -> Option<String> {
                    match device {
                        // Its author's own key.
                        Some(d) => laptops
                            .iter()
                            .find(|l| l.device().id == d)
                            .map(|l| l.sign_revision(rev).unwrap()),
                        // Another laptop's.
                        None => Some(courier.sign_revision(rev).unwrap()),
                    }
                };
                for forgery in [
                    Forgery::BadId,
                    Forgery::MissingParent,
                    Forgery::WrongGeneration,
                    Forgery::ForeignParent,
                    Forgery::OtherKind,
                    Forgery::WrongKey,
                    Forgery::Unsigned,
                    Forgery::StrangerAuthor,
                    Forgery::SignedVisitEdit,
                ] {
                    if let Some(revs) = forge(forgery, &lines, &known, &victim, &mut mix, &sign) {
                        forged.push((forgery, revs));
                    }
                }
            }
            for (forgery, revs) in forged {
                let refs: Vec<&Revision> = revs.iter().collect();
                let path = lab.relay(&refs, &format!("{forgery:?}"))?;
                bad.push((path, Some(forgery)));
                if forgery == Forgery::SignedVisitEdit {
                    Seen::add(&seen.signed_forgeries);
                }
            }
            prop_assert!(
                bad.len() >= 7,
                "too few forgeries could be made: {}",
                bad.len()
            );

            let s = &mut lab.laptops[target];
            for (path, forgery) in &bad {
                let before = snapshot(s)?;
                match s.import_bundle(path, false) {
                    Ok(r) => {
                        return Err(TestCaseError::fail(format!(
                            "{forgery:?} {} accepted ({} new revisions)",
                            path.display(),
                            r.new_revisions
                        )))
                    }
                    Err(e) => {
                        let m = e.message(Lang::En);
                        let code = match forgery {
                            Some(f) if f.of_authorship() => "bundle_refused",
                            _ => "bad_bundle",
                        };
                        prop_assert_eq!(e.code(), code, "{:?}: {}", forgery, m);
                        let why = match forgery {
                            None => "",
                            Some(Forgery::BadId) => "does not match its id",
                            Some(Forgery::MissingParent) => "lacks its parent",
                            Some(Forgery::WrongGeneration) => "wrong generation",
                            Some(Forgery::ForeignParent) => "lacks its parent",
                            Some(Forgery::OtherKind) => "but it is a",
                            Some(Forgery::WrongKey) => "does not check with its author's key",
                            Some(Forgery::Unsigned) => "made before signatures",
                            Some(Forgery::StrangerAuthor) => "author's key is not known",
                            Some(Forgery::SignedVisitEdit) => "the minutes are signed",
                        };
                        prop_assert!(
                            m.contains(why),
                            "{:?} refused for another reason: {}",
                            forgery,
                            m
                        );
                    }
                }
                unchanged(s, &before, &format!("after refusing {}", path.display()))?;
            }
            // Nothing of the refused bundles stayed behind: the intact one still brings all its news.
            let r = ok(s.import_bundle(&good, false), "intact import")?;
            prop_assert_eq!(
                r.new_revisions,
                news,
                "the intact bundle brought less than its dry run said"
            );
            Lab::all_checked(&lab.laptops.iter().collect::<Vec<_>>())
        },
    );
    // Signed minutes come from the random edits: a run that never met one proves nothing of them.
    seen.require(
        "a_damaged_or_forged_bundle_changes_nothing",
        &["forged edits of signed minutes"],
    );
}

/// The revisions of a forged bundle: `lines` with one lie in it, or None when `lines` offer
/// nothing to lie about (no news for the target, say).
fn forge(
    how: Forgery,
    lines: &[Revision],
    known: &HashSet<String>,
    victim: &Index,
    mix: &mut Mix,
    sign: &dyn Fn(Option<&str>, &str) -> Option<String>,
) -> Option<Vec<Revision>> {
    let mut revs = lines.to_vec();
    let base = &lines[victim.index(lines.len())];
    let made = |id: &str, kind: &str, parents: Vec<String>, generation: u64, body: Value| {
        let hlc = base.hlc.clone();
        let rev = Revision::compute_rev(
            id,
            kind,
            generation,
            &parents,
            &base.device,
            &base.person,
            &hlc,
            false,
            &body,
        );
        Revision {
            id: id.into(),
            kind: kind.into(),
            rev,
            parents,
            device: base.device.clone(),
            person: base.person.clone(),
            hlc,
            deleted: false,
            body,
            sig: base.sig.clone(),
        }
    };
    let generation = base.generation()?;
    match how {
        Forgery::BadId => {
            let i = mix.below(revs.len());
            revs[i].body["forged"] = json!("lời giả mạo");
        }
        Forgery::MissingParent => {
            // A parent the target lacks, that a later revision of the bundle names.
            let named: HashSet<&str> = lines
                .iter()
                .flat_map(|r| r.parents.iter().map(String::as_str))
                .collect();
            let gone = lines
                .iter()
                .filter(|r| !known.contains(&r.rev) && named.contains(r.rev.as_str()))
                .map(|r| r.rev.clone())
                .collect::<Vec<_>>();
            if gone.is_empty() {
                return None;
            }
            let gone = &gone[mix.below(gone.len())];
            revs.retain(|r| r.rev != *gone);
        }
        Forgery::WrongGeneration => revs.push(made(
            &base.id,
            &base.kind,
            vec![base.rev.clone()],
            generation + 2,
            base.body.clone(),
        )),
        Forgery::ForeignParent => {
            let other = lines.iter().find(|r| r.id != base.id)?;
            revs.push(made(
                &base.id,
                &base.kind,
                vec![other.rev.clone()],
                other.generation()? + 1,
                base.body.clone(),
            ))
        }
        Forgery::OtherKind => {
            let other = lines.iter().find(|r| r.kind != base.kind)?;
            revs.push(made(
                &base.id,
                &other.kind,
                vec![base.rev.clone()],
                generation + 1,
                other.body.clone(),
            ))
        }
        Forgery::WrongKey | Forgery::Unsigned | Forgery::StrangerAuthor => {
            // A well-formed edit of the victim: only who signed it is a lie.
            let mut body = base.body.clone();
            body["forged"] = json!("lời giả mạo");
            let device = match how {
                Forgery::StrangerAuthor => kiemtra_core::ids::new_id(),
                _ => base.device.clone(),
            };
            let mut r = authored(base, &device, vec![base.rev.clone()], generation + 1, body);
            r.sig = match how {
                Forgery::Unsigned => None,
                _ => sign(None, &r.rev),
            };
            revs.push(r)
        }
        Forgery::SignedVisitEdit => {
            // Signed minutes in the bundle that nothing follows there: edited, not unlocked.
            let named: HashSet<&str> = lines
                .iter()
                .flat_map(|r| r.parents.iter().map(String::as_str))
                .collect();
            let signed = lines.iter().find(|r| {
                r.kind == "visit" && r.body["status"] == "signed" && !named.contains(r.rev.as_str())
            })?;
            let mut body = signed.body.clone();
            body["assessment"] = json!("Sửa biên bản đã ký mà không mở khóa");
            let g = signed.generation()? + 1;
            let mut r = authored(signed, &signed.device, vec![signed.rev.clone()], g, body);
            r.sig = Some(sign(Some(&signed.device), &r.rev)?);
            revs.push(r)
        }
    }
    Some(revs)
}

/// A child of `base` by `device`, its id computed from its content (not signed yet).
fn authored(
    base: &Revision,
    device: &str,
    parents: Vec<String>,
    generation: u64,
    body: Value,
) -> Revision {
    let rev = Revision::compute_rev(
        &base.id, &base.kind, generation, &parents, device, "", &base.hlc, false, &body,
    );
    Revision {
        id: base.id.clone(),
        kind: base.kind.clone(),
        rev,
        parents,
        device: device.to_string(),
        person: String::new(),
        hlc: base.hlc.clone(),
        deleted: false,
        body,
        sig: None,
    }
}

// ---------- the rule for deletes, by example ----------

/// Two laptops with the campaign, and a recommendation both have.
fn two_with_a_recommendation() -> (Lab, String) {
    static SEEN: OnceLock<Seen> = OnceLock::new();
    let seen = SEEN.get_or_init(Seen::default);
    let s = Schedule {
        laptops: 3,
        batches: vec![50_000; 4],
        ops: vec![],
    };
    let mut lab = Lab::new(&s, seen).unwrap();
    let input = RecommendationInput {
        visit_id: start().visits[2].clone(),
        text: "Đề nghị Tỉnh đoàn hỗ trợ kinh phí".into(),
        raised_by: RaisedBy::Unit,
        authority: Authority::Union,
        due_date: None,
    };
    let rec = lab
        .local(0, "add", |s| s.recommendation_add(input))
        .unwrap()
        .unwrap()
        .id;
    lab.full_exchange("setup").unwrap();
    (lab, rec)
}

/// The same, after laptops 0 and 1 rewrote its text differently and all exchanged.
fn a_recommendation_in_conflict() -> (Lab, String) {
    let (mut lab, rec) = two_with_a_recommendation();
    for (laptop, text) in [(0, "Phương án A"), (1, "Phương án B")] {
        let patch = RecommendationPatch {
            text: Some(text.into()),
            ..Default::default()
        };
        lab.local(laptop, "edit", |s| s.recommendation_update(&rec, patch))
            .unwrap()
            .unwrap();
    }
    lab.full_exchange("conflict").unwrap();
    (lab, rec)
}

fn text_of(s: &Store, id: &str) -> Option<String> {
    s.get::<Recommendation>(id).unwrap().map(|r| r.body.text)
}

#[test]
fn an_edit_made_without_seeing_a_delete_keeps_the_record() {
    let (mut lab, rec) = two_with_a_recommendation();
    lab.local(0, "delete", |s| s.recommendation_delete(&rec))
        .unwrap()
        .unwrap();
    let patch = RecommendationPatch {
        text: Some("Đề nghị hỗ trợ kinh phí tổ chức Đại hội".into()),
        ..Default::default()
    };
    lab.local(1, "edit", |s| s.recommendation_update(&rec, patch))
        .unwrap()
        .unwrap();
    lab.full_exchange("delete vs edit").unwrap();
    for s in &lab.laptops {
        assert_eq!(
            text_of(s, &rec).as_deref(),
            Some("Đề nghị hỗ trợ kinh phí tổ chức Đại hội")
        );
    }
    // Deleted again by someone who has seen the edit: gone everywhere.
    lab.local(2, "delete", |s| s.recommendation_delete(&rec))
        .unwrap()
        .unwrap();
    lab.full_exchange("delete after seeing the edit").unwrap();
    assert!(lab.laptops.iter().all(|s| text_of(s, &rec).is_none()));
}

#[test]
fn a_delete_of_a_record_in_conflict_deletes_every_version_it_saw() {
    let (mut lab, rec) = a_recommendation_in_conflict();
    assert_eq!(conflict_ids(&lab.laptops[2]).unwrap(), vec![rec.clone()]);
    lab.local(2, "delete", |s| s.recommendation_delete(&rec))
        .unwrap()
        .unwrap();
    lab.full_exchange("deleted").unwrap();
    for s in &lab.laptops {
        assert!(text_of(s, &rec).is_none(), "no version comes back");
        assert!(conflict_ids(s).unwrap().is_empty());
    }
}

#[test]
fn a_resolution_made_without_seeing_a_delete_keeps_the_record() {
    let (mut lab, rec) = a_recommendation_in_conflict();
    // The secretariat settles it while a team laptop, having seen both, deletes it.
    let mut fields = Map::new();
    fields.insert("text".into(), json!("Phương án A; Phương án B"));
    lab.local(0, "resolve", |s| {
        s.resolve(&rec, Resolution::Fields(fields))
    })
    .unwrap()
    .unwrap();
    lab.local(1, "delete", |s| s.recommendation_delete(&rec))
        .unwrap()
        .unwrap();
    lab.full_exchange("resolution vs delete").unwrap();
    for s in &lab.laptops {
        assert_eq!(
            text_of(s, &rec).as_deref(),
            Some("Phương án A; Phương án B")
        );
    }
}

/// The model itself: a broken merge (a loser's words dropped) is seen as a loss.
#[test]
fn the_model_sees_a_lost_word() {
    let (mut lab, rec) = two_with_a_recommendation();
    let patch = RecommendationPatch {
        text: Some("Lời của máy số 2".into()),
        ..Default::default()
    };
    lab.local(1, "edit", |s| s.recommendation_update(&rec, patch))
        .unwrap()
        .unwrap();
    // Laptop 0 never sees laptop 1's words, yet checking it against the model must fail.
    let err = lab
        .words
        .check(&lab.laptops[0], lab.seen, "laptop 0 alone")
        .unwrap_err();
    assert!(err.to_string().contains("words lost"), "{err}");
    assert!(err.to_string().contains("Lời của máy số 2"), "{err}");
}
