//! Memory as Linux reports it: the RSS high-water mark, reset before each step.

use super::*;

// Memory (Linux)

pub(crate) fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

pub(crate) fn rss_mb() -> Option<f64> {
    status_kb("VmRSS").map(|kb| kb as f64 / 1024.0)
}

pub(crate) fn peak_mb() -> Option<f64> {
    status_kb("VmHWM").map(|kb| kb as f64 / 1024.0)
}

/// Reset the RSS high-water mark to the current RSS. False where the kernel does not allow it.
pub(crate) fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Give freed heap back to the kernel, so a phase's peak is not flattered or spoiled by
/// what generation left behind.
pub(crate) fn trim_heap() {
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
pub(crate) struct Measured {
    pub(crate) time: Duration,
    pub(crate) rss_before: Option<f64>,
    pub(crate) peak: Option<f64>,
}

/// Several measured steps added up: total time, highest peak.
#[derive(Default)]
pub(crate) struct Phase {
    pub(crate) time: Duration,
    pub(crate) rss_before: Option<f64>,
    pub(crate) peak: Option<f64>,
}

impl Phase {
    pub(crate) fn add(&mut self, m: &Measured) {
        if self.time.is_zero() {
            self.rss_before = m.rss_before;
        }
        self.time += m.time;
        if let Some(p) = m.peak {
            self.peak = Some(self.peak.map_or(p, |q| q.max(p)));
        }
    }
}

pub(crate) fn measure<T>(f: impl FnOnce() -> T) -> (T, Measured) {
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
