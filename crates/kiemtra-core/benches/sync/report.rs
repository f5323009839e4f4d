//! The printed report: sizes, ratios and verdicts.

use super::*;

// Report

pub(crate) fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

pub(crate) fn thousands(n: u64) -> String {
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

pub(crate) fn opt_mb(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |v| format!("{v:.0} MB"))
}

pub(crate) fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "PASS",
        Some(false) => "MISS",
        None => "n/a",
    }
}

pub(crate) fn same(ok: bool) -> &'static str {
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
pub(crate) struct AppImport {
    pub(crate) backup: Phase,
    pub(crate) import: Phase,
    pub(crate) catch_up: Phase,
    pub(crate) indexed: usize,
}

impl AppImport {
    pub(crate) fn time(&self) -> Duration {
        self.backup.time + self.import.time + self.catch_up.time
    }
    pub(crate) fn peak(&self) -> Option<f64> {
        [self.backup.peak, self.import.peak, self.catch_up.peak]
            .into_iter()
            .flatten()
            .reduce(f64::max)
    }
    pub(crate) fn explain(&self, core: Duration) -> String {
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
