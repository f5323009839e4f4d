//! What the benchmarks share: a small deterministic random source, so every run generates
//! the same data and figures compare across runs.

/// splitmix64: fast, good enough for test data, and the same on every machine.
pub struct Rng(u64);

// Each benchmark uses the part it needs.
#[allow(dead_code)]
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True `p` times in a hundred.
    pub fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }
    /// True once in `one_in`.
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The correctness checks of a run. Speed is only printed (as ratios against a baseline in
/// the same process), but figures of wrong work are worthless: every check is printed at the
/// end, and one failure makes the process exit non-zero, so `make test` fails.
#[derive(Default)]
pub struct Checks {
    rows: Vec<(String, String, String, bool)>,
}

// Each benchmark uses the part it needs.
#[allow(dead_code)]
impl Checks {
    /// A count the generated load implies, against what the store holds.
    pub fn eq(&mut self, what: impl Into<String>, expected: u64, got: u64) {
        self.rows.push((
            what.into(),
            expected.to_string(),
            got.to_string(),
            expected == got,
        ));
    }

    /// Anything else: `expected` and `got` are short words ("same", "differs", "1 hit").
    pub fn that(
        &mut self,
        what: impl Into<String>,
        ok: bool,
        expected: &str,
        got: impl Into<String>,
    ) {
        self.rows
            .push((what.into(), expected.to_string(), got.into(), ok));
    }

    pub fn failed(&self) -> usize {
        self.rows.iter().filter(|r| !r.3).count()
    }

    /// Print every check; exit with status 1 if any failed.
    pub fn finish(&self, width: usize) {
        println!(
            "{:<52} {:>11} {:>11} {:>6}",
            "check", "expected", "got", "result"
        );
        for (what, expected, got, ok) in &self.rows {
            println!(
                "{:<52} {:>11} {:>11} {:>6}",
                what,
                expected,
                got,
                if *ok { "ok" } else { "FAIL" }
            );
        }
        println!("{}", "=".repeat(width));
        let failed = self.failed();
        if failed > 0 {
            eprintln!(
                "\nBENCHMARK SAI: {failed} kiểm tra không đạt, các số đo trên không có giá trị \
                 / {failed} correctness check(s) failed, the figures above mean nothing:"
            );
            for (what, expected, got, _) in self.rows.iter().filter(|r| !r.3) {
                eprintln!("  {what}: expected {expected}, got {got}");
            }
            std::process::exit(1);
        }
    }
}
