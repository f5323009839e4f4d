//! How big a run is: the command line and the quick and full sizes.

use super::*;

// Configuration

pub(crate) struct Config {
    pub(crate) name: &'static str,
    pub(crate) laptops: usize,
    /// Distinct revisions in all (the shared base counted once).
    pub(crate) revisions: usize,
    /// Also write the rows straight into the store's schema (a diagnostic).
    pub(crate) ceiling: bool,
    /// Re-exchange: visits of the campaign sent out, and laptops editing them.
    pub(crate) re_visits: usize,
    pub(crate) re_laptops: usize,
    /// Records per materialisation batch of every import; `None`: the store's own.
    pub(crate) import_batch: Option<usize>,
}

impl Config {
    pub(crate) fn quick(&mut self) {
        self.name = "quick";
        self.laptops = 20;
        self.revisions = 20_000;
        self.re_visits = 100;
        self.re_laptops = 4;
        // Small enough that the quick run's bigger bundles cross batch boundaries.
        self.import_batch = Some(1_000);
    }

    pub(crate) fn open(&self, path: &Path) -> Store {
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("store dir");
        let mut s = Store::open(path).expect("open store");
        if let Some(n) = self.import_batch {
            s.set_import_batch(n);
        }
        s
    }
}

pub(crate) fn config() -> Config {
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
