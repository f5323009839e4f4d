//! Every screen of the UI against the mock API in headless Chromium
//! (`tests/ui-mock/browser-check.mjs`), run as part of `cargo test`. It needs `node` (18 or
//! newer) and `chromium` (`make deps` installs both); when either is missing the test fails
//! and says which, instead of passing without having looked at a screen.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `name` on the PATH (or the path given in `env_var`), or a failure naming the package.
fn tool(env_var: &str, name: &str, package: &str) -> PathBuf {
    let found = match std::env::var_os(env_var) {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        }),
    };
    found.unwrap_or_else(|| {
        panic!(
            "the UI mock suite needs `{name}` (Debian package `{package}`), which was not found \
             (PATH, or {env_var} if set); `make deps` installs it"
        )
    })
}

/// The major version of `node --version` ("v18.20.4" → 18).
fn node_major(node: &Path) -> u32 {
    let out = Command::new(node)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", node.display()));
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("unexpected `node --version` output: {text:?}"))
}

#[test]
fn every_screen_against_the_mock_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("tests/ui-mock/browser-check.mjs");
    let node = tool("NODE", "node", "nodejs");
    let major = node_major(&node);
    assert!(
        major >= 18,
        "the UI mock suite needs Node.js 18 or newer, found {major} at {}",
        node.display()
    );
    let chromium = tool("CHROMIUM", "chromium", "chromium");

    let out = Command::new(&node)
        .arg(&script)
        .current_dir(&root)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        out.status.success() && failures.is_empty(),
        "the UI mock suite failed ({}):\n{}\n\n--- full output ---\n{stdout}\n{stderr}",
        out.status,
        failures.join("\n")
    );
    // It ran to its summary line, and checked something.
    let summary = stdout
        .lines()
        .rev()
        .find(|l| l.contains(" passed, "))
        .unwrap_or_else(|| panic!("no summary line in the suite's output:\n{stdout}\n{stderr}"));
    let passed: usize = summary
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        passed >= 100 && summary.contains(" 0 failed"),
        "unexpected summary: {summary}"
    );
}
