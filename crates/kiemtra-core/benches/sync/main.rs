//! Sync at province scale: how fast the secretariat takes in every team's bundle, against
//! the floor of plain SQLite inserts, how fast it exports the result, how fast bundles go
//! round again when most records have concurrent heads, what the app's import costs beyond
//! the core's (backup and search index), and how much memory all of it needs.
//!
//! `cargo bench -p kiemtra-core --bench sync` — the full run: 200 laptops' bundles holding
//! 1,000,000 distinct revisions, then the merged database exported and imported again as ONE
//! bundle; then the re-exchange: a campaign of 1,000 visits (34,003 records) sent to 4
//! laptops that each edit most of the same visits and findings, all 4 bundles imported by the
//! secretariat, and the merged bundle imported back by a laptop. The one big bundle is
//! exported and imported both plain and encrypted (age) to compare the two.
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

mod baseline;
#[path = "../common/mod.rs"]
mod common;
mod config;
mod load;
mod memory;
mod outcome;
mod reexchange;
mod report;
use baseline::*;
use config::*;
use load::*;
use memory::*;
use outcome::*;
use reexchange::*;
use report::*;

use common::{Checks, Rng};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use kiemtra_core::canonical;
use kiemtra_core::hlc::Hlc;
use kiemtra_core::ids::{enrolment_id, finding_id};
use kiemtra_core::keys::sign_rev;
use kiemtra_core::model::{
    Authority, Campaign, CriteriaSet, Finding, Inspector, OverallResult, RaisedBy, Rating,
    RecStatus, Recommendation, Role, Scale, Team, TeamMember, Unit, Visit, VisitStatus,
};
use kiemtra_core::store::{generation_of, Revision};
use kiemtra_core::sync::bundle::{Sealing, IMPORT_CACHE_KIB};
use kiemtra_core::trust::{DeviceCard, EnrolRole, Enrolment, Person};
use kiemtra_core::Store;
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

// 0.5 before trust; the import now also checks every new revision's Ed25519 signature (and
// who may write it), which the plain INSERT loop does not.
const GOAL_RATIO: f64 = 0.4;
const GOAL_PEAK_MB: f64 = 200.0;
// Encryption is one more streaming pass over the same bytes (ChaCha20-Poly1305).
const GOAL_SEALED_RATIO: f64 = 1.2;

fn kind(s: Sealing) -> &'static str {
    match s {
        Sealing::Plain => "plain",
        Sealing::Encrypted => "encrypted",
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
        "generated {} bundles: {} revision lines ({} distinct, all signed; the secretariat's {} (campaign, and each team's plan and enrolments) are in its laptops' bundles), {:.1} MB zipped, in {:.1} s (not counted)",
        g.bundles.len(),
        thousands(g.lines),
        thousands(c.revisions as u64),
        thousands(g.held),
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
    // The secretariat's own database: it owns the campaign and enrolled every laptop.
    let hq_path = g.secretariat.clone();
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
        c.revisions as u64 - g.held,
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
    // 3. ratio
    let ratio = import_rate / base_rate;

    // 4. export the merged database as one bundle, plain and then encrypted (age) to the
    // laptops of its campaign. The receiving laptop introduces itself and the secretariat
    // enrols it first (not timed), as it would from the import preview.
    let fresh_path = work.join("fresh").join("kiemtra.db");
    let mut fresh = c.open(&fresh_path);
    let intro = work.join("fresh-intro.kiemtra");
    fresh
        .export_bundle_as(&intro, None, Sealing::Encrypted)
        .expect("the fresh laptop's introduction");
    let campaign: String = hq
        .conn()
        .query_row(
            "SELECT id FROM records WHERE kind = 'campaign' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the campaign");
    hq.enroll_bundle_maker(&intro, &campaign, EnrolRole::Secretariat, None)
        .expect("enrol the receiving laptop");
    let _ = std::fs::remove_file(&intro);
    let hq_counts = counts(&hq);
    let hq_digest = digest(&hq);
    // Plain and encrypted in the order plain, encrypted, encrypted, plain, so that neither
    // side alone meets a cold cache or a busier machine.
    eprintln!("4. exporting the merged database, plain and encrypted, twice each...");
    let merged = work.join("merged.kiemtra");
    let sealed = work.join("merged-encrypted.kiemtra");
    let (mut exp, mut eexp) = (Phase::default(), Phase::default());
    let (mut rep, mut erep) = (None, None);
    for sealing in [
        Sealing::Plain,
        Sealing::Encrypted,
        Sealing::Encrypted,
        Sealing::Plain,
    ] {
        let (out, phase) = match sealing {
            Sealing::Plain => (&merged, &mut exp),
            Sealing::Encrypted => (&sealed, &mut eexp),
        };
        let _ = std::fs::remove_file(out);
        trim_heap();
        let (r, m) = measure(|| hq.export_bundle_as(out, None, sealing).expect("export"));
        phase.add(&m);
        match sealing {
            Sealing::Plain => rep = Some(r),
            Sealing::Encrypted => erep = Some(r),
        }
    }
    let (rep, erep) = (rep.expect("exported"), erep.expect("exported"));
    let jsonl = entry_size(&merged);
    let export_rate = 2.0 * rep.revisions as f64 / exp.time.as_secs_f64();
    let export_ratio = eexp.time.as_secs_f64() / exp.time.as_secs_f64();
    checks.eq("4 revisions exported", hq_counts.revisions, rep.revisions);
    checks.eq(
        "4 revisions exported encrypted",
        hq_counts.revisions,
        erep.revisions,
    );
    let readers = erep.readers.as_ref().map_or(0, Vec::len);
    let sealed_ok = is_age_file(&sealed) && readers >= 2;
    checks.that(
        "4 encrypted: an age file, readable by the receiving laptop",
        sealed_ok,
        "age, 2+ readers",
        format!("{readers} readers"),
    );
    drop(hq);
    remove_db(&hq_path);
    for b in &g.bundles {
        let _ = std::fs::remove_file(b);
    }

    // 5. one bundle holding everything, into the fresh laptop: each file twice, into copies
    // of that laptop (its keys included), in the same order as the exports.
    eprintln!(
        "5. importing one bundle of {} revisions, plain and encrypted, twice each...",
        thousands(rep.revisions)
    );
    // A copy for another office: it trusts the secretariat that made it, having seen its
    // name and fingerprint (not timed).
    let maker = fresh
        .learn_bundle_maker(&merged)
        .expect("the bundle's maker");
    fresh
        .set_trusted(&maker.id, true)
        .expect("trust the secretariat");
    let (mut one, mut eone) = (Phase::default(), Phase::default());
    let mut big = None;
    for (i, sealing) in [
        Sealing::Plain,
        Sealing::Encrypted,
        Sealing::Encrypted,
        Sealing::Plain,
    ]
    .into_iter()
    .enumerate()
    {
        let (file, phase) = match sealing {
            Sealing::Plain => (&merged, &mut one),
            Sealing::Encrypted => (&sealed, &mut eone),
        };
        let path = work.join(format!("fresh-{i}")).join("kiemtra.db");
        copy_store(&fresh, &path);
        let mut laptop = c.open(&path);
        trim_heap();
        let (r, m) = measure(|| laptop.import_bundle(file, false).expect("import big"));
        phase.add(&m);
        let converged = digest(&laptop) == hq_digest
            && counts(&laptop) == hq_counts
            && r.revisions == rep.revisions;
        checks.that(
            format!(
                "5 one {} bundle gives a fresh laptop the same state",
                kind(sealing)
            ),
            converged,
            "same",
            same(converged),
        );
        big = Some(r);
        drop(laptop);
        remove_db(&path);
    }
    let big = big.expect("imported");
    let one_rate = 2.0 * big.revisions as f64 / one.time.as_secs_f64();
    let import_ratio = eone.time.as_secs_f64() / one.time.as_secs_f64();
    drop(fresh);
    remove_db(&fresh_path);
    let _ = std::fs::remove_file(&merged);
    let _ = std::fs::remove_file(&sealed);

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
        "6 revisions: the campaign's, every laptop's edits and card",
        re.base_revisions + re.edit_revisions + re.cards,
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
    let (re_rep, re_exp) = measure(|| core_hq.export_plain(&re_merged, None).expect("export"));
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
        &format!("1 import+verify+merge, {} bundles", g.bundles.len()),
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
        "4 export merged db -> 1 bundle (mean of 2)",
        rep.revisions,
        exp.time / 2,
        export_rate,
        exp.peak,
    );
    row(
        "5 import that 1 bundle, fresh db (mean of 2)",
        big.revisions,
        one.time / 2,
        one_rate,
        one.peak,
    );
    row(
        "4e the same export, encrypted (age)",
        erep.revisions,
        eexp.time / 2,
        rate(2 * erep.revisions, eexp.time),
        eexp.peak,
    );
    row(
        "5e import of the encrypted bundle",
        big.revisions,
        eone.time / 2,
        rate(2 * big.revisions, eone.time),
        eone.peak,
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
        "  1: {} new, each signature verified + {} already known (what the secretariat sent); {} records merged, {} in conflict",
        thousands(new),
        thousands(imported - new),
        thousands(hq_counts.merged),
        thousands(hq_counts.conflicts)
    );
    println!(
        "  4: {:.1} MB bundle written at {:.1} MB/s; its {:.1} MB of revisions.jsonl at {:.1} MB/s; encrypted {:.1} MB",
        mb(rep.bytes),
        2.0 * mb(rep.bytes) / exp.time.as_secs_f64(),
        mb(jsonl),
        2.0 * mb(jsonl) / exp.time.as_secs_f64(),
        mb(erep.bytes)
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
        format!("3 ratio import (signatures verified)/baseline >= {GOAL_RATIO}"),
        format!("{ratio:.2}"),
        verdict(Some(ratio >= GOAL_RATIO))
    );
    for (what, r) in [("export", export_ratio), ("import", import_ratio)] {
        println!(
            "{:<69} {:>10} {:>7}",
            format!("4e/5e {what} encrypted/plain <= {GOAL_SEALED_RATIO}"),
            format!("{r:.2}"),
            verdict(Some(r <= GOAL_SEALED_RATIO))
        );
    }
    for (label, peak) in [
        (format!("import of {} bundles", g.bundles.len()), imp.peak),
        ("export of the merged db".to_string(), exp.peak),
        ("the same export, encrypted".to_string(), eexp.peak),
        (
            format!("import of one {}-revision bundle", thousands(big.revisions)),
            one.peak,
        ),
        ("import of that bundle encrypted".to_string(), eone.peak),
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
