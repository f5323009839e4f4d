//! What a store holds, counted and hashed, to check every run (never timed).

use super::*;

// Outcome checks (not timed)

/// What a store holds, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) revisions: u64,
    pub(crate) records: u64,
    pub(crate) deleted: u64,
    pub(crate) conflicts: u64,
    /// Live heads merged automatically.
    pub(crate) merged: u64,
}

pub(crate) fn counts(s: &Store) -> Counts {
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
pub(crate) fn digest(s: &Store) -> [u8; 32] {
    let dump = s.dump_canonical().expect("dump --canonical");
    let d = Sha256::digest(dump.as_bytes()).into();
    drop(dump);
    trim_heap();
    d
}

/// A body as it reads back from the store (canonical JSON), for comparing with one built here.
pub(crate) fn canonical_value(v: &Value) -> Value {
    serde_json::from_str(&canonical::to_string(v)).expect("canonical JSON parses")
}

pub(crate) fn body_of(s: &Store, id: &str) -> Option<Value> {
    let body: String = s
        .conn()
        .query_row("SELECT body FROM records WHERE id = ?1", [id], |r| r.get(0))
        .ok()?;
    serde_json::from_str(&body).ok()
}

/// A copy of a store's database file (SQLite's backup API), as another laptop in the same
/// state would have: same device, key and search index.
pub(crate) fn copy_store(s: &Store, dest: &Path) {
    std::fs::create_dir_all(dest.parent().expect("a parent")).expect("copy dir");
    s.conn()
        .backup(rusqlite::MAIN_DB, dest, None)
        .expect("copy of the store");
}
