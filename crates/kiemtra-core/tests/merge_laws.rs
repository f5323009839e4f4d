//! The merge laws of DESIGN.md ("Revisions and merge"), as property tests. Three or four
//! laptops, each a real Store in a temporary directory, start from one campaign bundle that
//! the secretariat exported from the demo, then edit at random (findings on shared visits and
//! items, recommendations, conflict resolutions) and pass bundles around in random schedules.
//!
//! Laws:
//! 1. convergence: once every laptop has imported every other laptop's latest bundle, all
//!    canonical dumps are byte-identical and the sets of conflicts are equal;
//! 2. idempotence: importing a bundle a laptop already has changes nothing;
//! 3. commutativity and associativity: a set of bundles imported into fresh stores in any order,
//!    or first merged on another laptop and passed on, gives the same dump;
//! 4. all or nothing: a damaged bundle is refused and the dump is unchanged;
//! 5. `check` passes on every store at the end.
//!
//! The runs are reproducible: a fixed seed unless `PROPTEST_RNG_SEED` is set, and
//! `PROPTEST_CASES` raises the number of cases for a longer soak. No regression file is written;
//! a failure prints its shrunk schedule.

mod common;
use common::{read_zip, write_zip};

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{RngSeed, TestCaseError};
use serde_json::{Map, Value};

use kiemtra_core::conflicts::{Conflict, Resolution};
use kiemtra_core::model::{Authority, RaisedBy, Rating, VisitStatus};
use kiemtra_core::ops::{FindingInput, RecommendationInput};
use kiemtra_core::{Lang, Store};

type TestResult<T = ()> = Result<T, TestCaseError>;

/// The items edited: one scored in points (max 20), two pass/fail.
const ITEMS: [&str; 3] = ["1.3", "5.2", "5.3"];
const POINTS_ITEM: &str = "1.3";
/// Fields of people's words, joined when a conflict is settled field by field.
const TEXT_FIELDS: [&str; 3] = ["note", "explanation", "text"];

fn config(cases: u32) -> ProptestConfig {
    let env = |k: &str| std::env::var_os(k).is_some();
    let mut c = ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if !env("PROPTEST_CASES") {
        c.cases = cases;
    }
    if !env("PROPTEST_RNG_SEED") {
        c.rng_seed = RngSeed::Fixed(0x6b69_656d_7472_6121);
    }
    if !env("PROPTEST_MAX_SHRINK_TIME") {
        // Each case opens real databases: bound the shrinking of a failure.
        c.max_shrink_time = 120_000;
    }
    c
}

// ---------- the campaign every laptop starts from ----------

struct Campaign {
    id: String,
    bundle: Vec<u8>,
    /// One editable visit of each status: planned (no findings yet), in progress, completed.
    visits: Vec<String>,
}

fn campaign() -> &'static Campaign {
    static C: OnceLock<Campaign> = OnceLock::new();
    C.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut hq = Store::open(&dir.path().join("hq.db")).unwrap();
        let id = hq.load_demo().unwrap();
        let path = dir.path().join("campaign.kiemtra");
        hq.export_bundle(&path, Some(&id)).unwrap();
        let rows = hq.visit_rows(Some(&id)).unwrap();
        let visits = [
            VisitStatus::Planned,
            VisitStatus::InProgress,
            VisitStatus::Completed,
        ]
        .iter()
        .map(|st| rows.iter().find(|v| v.status == *st).unwrap().id.clone())
        .collect();
        Campaign {
            bundle: std::fs::read(&path).unwrap(),
            id,
            visits,
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
    Recommendation {
        laptop: usize,
        visit: usize,
        text: String,
        raised_by: RaisedBy,
        authority: Authority,
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
    /// Import again a bundle the laptop imported before (edits may have happened since).
    Reimport { laptop: usize, bundle: Index },
}

#[derive(Debug, Clone)]
struct Schedule {
    laptops: usize,
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

fn how() -> impl Strategy<Value = How> {
    prop_oneof![
        any::<Index>().prop_map(How::Keep),
        any::<Index>().prop_map(How::Merge)
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let laptop = || 0..4usize;
    // Edits crowd on few records, so that laptops meet: merges, conflicts, resolutions.
    let visit = || prop_oneof![3 => Just(0usize), 2 => Just(1), 1 => Just(2)];
    prop_oneof![
        8 => (
            laptop(),
            visit(),
            prop_oneof![1 => Just(0usize), 3 => Just(1), 1 => Just(2)],
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
        2 => (
            laptop(),
            visit(),
            "[a-zđ]{1,6}( [a-zơư]{1,5}){0,2}",
            prop_oneof![Just(RaisedBy::Unit), Just(RaisedBy::Team)],
            prop_oneof![
                Just(Authority::Unit),
                Just(Authority::Team),
                Just(Authority::Union),
                Just(Authority::Party)
            ],
        )
            .prop_map(|(laptop, visit, text, raised_by, authority)| Op::Recommendation {
                laptop,
                visit,
                text,
                raised_by,
                authority,
            }),
        5 => (laptop(), laptop(), proptest::bool::weighted(0.3)).prop_map(
            |(from, to, campaign_only)| Op::Exchange {
                from,
                to,
                campaign_only,
            }
        ),
        2 => (any::<Index>(), any::<Index>(), how()).prop_map(|(laptop, conflict, how)| {
            Op::Resolve {
                laptop,
                conflict,
                how,
            }
        }),
        1 => (laptop(), any::<Index>())
            .prop_map(|(laptop, bundle)| Op::Reimport { laptop, bundle }),
    ]
}

fn schedule(max_ops: usize) -> impl Strategy<Value = Schedule> {
    (3usize..=4, proptest::collection::vec(op(), 1..=max_ops))
        .prop_map(|(laptops, ops)| Schedule { laptops, ops })
}

// ---------- helpers ----------

fn ok<T>(r: kiemtra_core::Result<T>, what: &str) -> TestResult<T> {
    r.map_err(|e| TestCaseError::fail(format!("{what}: {}", e.message(Lang::En))))
}

fn dump(s: &Store) -> TestResult<String> {
    ok(s.dump_canonical(), "dump")
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
    let by_id = |d: &Value, key: &str| -> std::collections::BTreeMap<String, Value> {
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
        let ids: std::collections::BTreeSet<&String> = ra.keys().chain(rb.keys()).collect();
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
    let revisions = s
        .conn()
        .query_row("SELECT COUNT(*) FROM revisions", [], |r| r.get(0))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
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

/// Law 2 on the way: a second import of the same bundle adds nothing and changes nothing.
fn import_twice(s: &mut Store, bundle: &Path) -> TestResult {
    ok(s.import_bundle(bundle, false), "import")?;
    let before = snapshot(s)?;
    let again = ok(s.import_bundle(bundle, false), "second import")?;
    prop_assert_eq!(
        again.new_revisions,
        0,
        "second import counted new revisions"
    );
    unchanged(s, &before, "second import of the same bundle")
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

struct Lab {
    dir: tempfile::TempDir,
    laptops: Vec<Store>,
    /// The bundles each laptop has imported.
    imported: Vec<Vec<PathBuf>>,
    /// Every bundle written so far (the campaign first).
    bundles: Vec<PathBuf>,
    files: usize,
}

impl Lab {
    fn new(laptops: usize) -> TestResult<Lab> {
        let dir = tempfile::tempdir().unwrap();
        let start = dir.path().join("campaign.kiemtra");
        std::fs::write(&start, &campaign().bundle).unwrap();
        let mut lab = Lab {
            dir,
            laptops: Vec::new(),
            imported: Vec::new(),
            bundles: vec![start.clone()],
            files: 0,
        };
        for i in 0..laptops {
            let mut s = lab.store(&format!("laptop{i}"))?;
            ok(s.import_bundle(&start, false), "campaign import")?;
            lab.laptops.push(s);
            lab.imported.push(vec![start.clone()]);
        }
        Ok(lab)
    }

    fn store(&self, name: &str) -> TestResult<Store> {
        ok(
            Store::open(&self.dir.path().join(format!("{name}.db"))),
            "open",
        )
    }

    fn file(&mut self, what: &str) -> PathBuf {
        self.files += 1;
        self.dir
            .path()
            .join(format!("{:03}-{what}.kiemtra", self.files))
    }

    fn export(&mut self, laptop: usize, campaign_only: bool) -> TestResult<PathBuf> {
        let path = self.file(&format!("laptop{laptop}"));
        let scope = campaign_only.then_some(campaign().id.as_str());
        ok(self.laptops[laptop].export_bundle(&path, scope), "export")?;
        self.bundles.push(path.clone());
        Ok(path)
    }

    fn run(&mut self, ops: &[Op]) -> TestResult {
        let n = self.laptops.len();
        let c = campaign();
        for op in ops {
            match op {
                Op::Finding {
                    laptop,
                    visit,
                    item,
                    score,
                    note,
                    explanation,
                } => {
                    let item = ITEMS[*item];
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
                        visit_id: c.visits[*visit].clone(),
                        item_code: item.into(),
                        rating,
                        points,
                        note: note.clone(),
                        explanation: explanation.clone(),
                    };
                    ok(self.laptops[laptop % n].finding_set(input), "finding_set")?;
                }
                Op::Recommendation {
                    laptop,
                    visit,
                    text,
                    raised_by,
                    authority,
                } => {
                    let input = RecommendationInput {
                        visit_id: c.visits[*visit].clone(),
                        text: text.clone(),
                        raised_by: *raised_by,
                        authority: *authority,
                        due_date: None,
                    };
                    ok(
                        self.laptops[laptop % n].recommendation_add(input),
                        "recommendation_add",
                    )?;
                }
                Op::Resolve {
                    laptop,
                    conflict,
                    how,
                } => self.resolve(laptop, conflict, how)?,
                Op::Exchange {
                    from,
                    to,
                    campaign_only,
                } => {
                    let from = from % n;
                    let to = if to % n == from {
                        (from + 1) % n
                    } else {
                        to % n
                    };
                    let bundle = self.export(from, *campaign_only)?;
                    import_twice(&mut self.laptops[to], &bundle)?;
                    self.imported[to].push(bundle);
                }
                Op::Reimport { laptop, bundle } => {
                    let laptop = laptop % n;
                    let seen = &self.imported[laptop];
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
        let s = &mut self.laptops[*i];
        ok(s.resolve(&c.id, settle(c, how)), "resolve")?;
        prop_assert!(
            !conflict_ids(s)?.contains(&c.id),
            "{} still in conflict after its resolution",
            c.id
        );
        Ok(())
    }

    /// Every laptop imports every other laptop's latest bundle; then all must be equal (law 1).
    fn full_exchange(&mut self, round: &str) -> TestResult {
        let latest = self.latest()?;
        for (i, laptop) in self.laptops.iter_mut().enumerate() {
            for (j, b) in latest.iter().enumerate() {
                if i != j {
                    ok(laptop.import_bundle(b, false), "final import")?;
                }
            }
        }
        let first = dump(&self.laptops[0])?;
        let conflicts = conflict_ids(&self.laptops[0])?;
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
        Ok(())
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

// ---------- the laws ----------

proptest! {
    #![proptest_config(config(16))]

    /// Laws 1, 2 and 5; then laptops settle conflicts concurrently, and converge again.
    #[test]
    fn laptops_converge_after_a_full_exchange(
        s in schedule(24),
        settle in proptest::collection::vec((any::<Index>(), any::<Index>(), how()), 1..=3),
    ) {
        let mut lab = Lab::new(s.laptops)?;
        lab.run(&s.ops)?;
        lab.full_exchange("first full exchange")?;
        for (laptop, conflict, how) in &settle {
            lab.resolve(laptop, conflict, how)?;
        }
        lab.full_exchange("after concurrent resolutions")?;
        Lab::all_checked(&lab.laptops.iter().collect::<Vec<_>>())?;
    }

    /// Law 3 (and 5): any order, any grouping.
    #[test]
    fn import_order_and_grouping_do_not_matter(
        s in schedule(16),
        extra in proptest::collection::vec(any::<Index>(), 0..=2),
        shuffles in proptest::collection::vec(any::<Index>(), 16),
        split in any::<Index>(),
    ) {
        let mut lab = Lab::new(s.laptops)?;
        lab.run(&s.ops)?;
        let mut set = lab.latest()?;
        let earlier = lab.bundles.len() - set.len();
        for e in &extra {
            set.push(lab.bundles[e.index(earlier)].clone());
        }
        // Orders: as listed, reversed, and a random permutation (Fisher-Yates driven by proptest).
        let forward = set.clone();
        let mut reversed = set.clone();
        reversed.reverse();
        let mut shuffled = set.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, shuffles[i % shuffles.len()].index(i + 1));
        }
        let mut dumps = Vec::new();
        let mut fresh = Vec::new();
        for (k, order) in [forward, reversed, shuffled.clone()].iter().enumerate() {
            let mut x = lab.store(&format!("order{k}"))?;
            for b in order {
                ok(x.import_bundle(b, false), "import")?;
            }
            dumps.push((format!("order {k}"), dump(&x)?, conflict_ids(&x)?));
            fresh.push(x);
        }
        // Grouping: the first part merged on one laptop, whose bundle then travels on with the rest.
        let k = 1 + split.index(shuffled.len());
        let mut p = lab.store("group-first")?;
        for b in &shuffled[..k] {
            ok(p.import_bundle(b, false), "import")?;
        }
        let merged = lab.file("group-first");
        ok(p.export_bundle(&merged, None), "export")?;
        let mut q = lab.store("group-rest")?;
        for b in shuffled[k..].iter().chain([&merged]) {
            ok(q.import_bundle(b, false), "import")?;
        }
        dumps.push(("grouped".into(), dump(&q)?, conflict_ids(&q)?));
        fresh.push(p);
        fresh.push(q);
        let (_, first, conflicts) = &dumps[0];
        for (what, d, c) in &dumps[1..] {
            same_dump(first, d, &format!("order 0 vs {what}"))?;
            prop_assert_eq!(c, conflicts, "conflicts of {}", what);
        }
        Lab::all_checked(&fresh.iter().chain(&lab.laptops).collect::<Vec<_>>())?;
    }

    /// Law 4 (and 5): a damaged bundle is refused whole.
    #[test]
    fn a_damaged_bundle_changes_nothing(
        s in schedule(12),
        target in 0..4usize,
        source in any::<Index>(),
        at in any::<Index>(),
        flip in 1u8..=255,
    ) {
        let mut lab = Lab::new(s.laptops)?;
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
        let revs = &mut entries.iter_mut().find(|(n, _)| n == "revisions.jsonl").unwrap().1;
        let pos = at.index(revs.len());
        revs[pos] ^= flip;
        write_zip(&flipped, &entries);

        // A well-signed bundle whose last revision does not match its id: refused only after
        // every revision before it went into the transaction.
        let forged = lab.file("forged");
        {
            let mut forger = lab.store("forger")?;
            ok(forger.import_bundle(&good, false), "forger import")?;
            let last = ok(forger.revisions(), "revisions")?.pop().unwrap();
            forger
                .conn()
                .execute(
                    "INSERT INTO revisions(rev, record_id, kind, generation, parents, device_id, hlc, deleted, body, seq)
                     VALUES ('1-00000000000000000000000000000000', ?1, ?2, 1, '[]', ?3, ?4, 0, ?5, 1000000)",
                    rusqlite::params![last.id, last.kind, last.device, last.hlc, last.body.to_string()],
                )
                .unwrap();
            ok(forger.export_bundle(&forged, None), "forger export")?;
        }

        let s = &mut lab.laptops[target];
        for bad in [&flipped, &forged] {
            let before = snapshot(s)?;
            match s.import_bundle(bad, false) {
                Ok(r) => {
                    return Err(TestCaseError::fail(format!(
                        "{} accepted ({} new revisions)",
                        bad.display(),
                        r.new_revisions
                    )))
                }
                Err(e) => prop_assert_eq!(e.code(), "bad_bundle", "{}", e.message(Lang::En)),
            }
            unchanged(s, &before, &format!("after refusing {}", bad.display()))?;
        }
        // Nothing of the refused bundles stayed behind: the intact one still brings all its news.
        let r = ok(s.import_bundle(&good, false), "intact import")?;
        prop_assert_eq!(r.new_revisions, news, "the intact bundle brought less than its dry run said");
        Lab::all_checked(&lab.laptops.iter().collect::<Vec<_>>())?;
    }
}
