//! The floor: the same rows as plain prepared INSERTs into a table like `revisions`,
//! and the diagnostic ceiling writes.

use super::*;

// The baseline: the same rows, plain prepared INSERTs into a table like `revisions`

pub(crate) type Row = (
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
    bool,
    String,
);

/// A bundle's revisions as rows ready to insert (decoding is not part of the baseline).
pub(crate) fn bundle_rows(path: &Path) -> Vec<Row> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("bundle")).expect("zip");
    let f = zip.by_name("revisions.jsonl").expect("revisions.jsonl");
    let mut rows = Vec::new();
    for line in BufReader::new(f).lines() {
        let rev: Revision = serde_json::from_str(&line.expect("line")).expect("revision");
        let mut parents = rev.parents.clone();
        parents.sort();
        rows.push((
            rev.rev.clone(),
            rev.id.clone(),
            rev.kind.clone(),
            rev.generation().expect("generation") as i64,
            serde_json::to_string(&parents).expect("json"),
            rev.device.clone(),
            rev.hlc.clone(),
            rev.deleted,
            canonical::to_string(&rev.body),
        ));
    }
    rows
}

pub(crate) const INSERT_REVISION: &str =
    "INSERT OR IGNORE INTO revisions (rev, record_id, kind, generation,
    parents, device_id, hlc, deleted, body, seq, source)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

/// Phase 2: a fresh SQLite file with the pragmas `Store::open` sets and a table of the same
/// columns, keys and index as `revisions`; one transaction per bundle of plain inserts.
pub(crate) struct Baseline {
    pub(crate) conn: Connection,
    pub(crate) seq: i64,
}

impl Baseline {
    pub(crate) fn new(path: &Path) -> Baseline {
        let conn = Connection::open(path).expect("baseline db");
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .expect("wal");
        assert_eq!(mode, "wal");
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        // Same columns, keys and index as `revisions` (schema.rs).
        conn.execute_batch(
            "CREATE TABLE revisions (
                rev         TEXT PRIMARY KEY,
                record_id   TEXT NOT NULL,
                kind        TEXT NOT NULL,
                generation  INTEGER NOT NULL CHECK (generation >= 1),
                parents     TEXT NOT NULL,
                device_id   TEXT NOT NULL,
                hlc         TEXT NOT NULL,
                deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
                body        TEXT NOT NULL,
                seq         INTEGER NOT NULL UNIQUE,
                source      TEXT NOT NULL DEFAULT 'local'
            );
            CREATE INDEX revisions_record ON revisions(record_id, generation);",
        )
        .unwrap();
        Baseline { conn, seq: 0 }
    }

    pub(crate) fn insert(&mut self, rows: &[Row], source: &str) {
        // The page cache an import runs with, and back after, as `import_bundle` does.
        self.conn
            .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
            .unwrap();
        let tx = self.conn.transaction().unwrap();
        {
            let mut st = tx.prepare(INSERT_REVISION).unwrap();
            for r in rows {
                self.seq += 1;
                st.execute(params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, self.seq, source
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
        self.conn.pragma_update(None, "cache_size", -2000).unwrap();
    }
}

/// Diagnostic (skipped with `--no-ceiling`): the same rows written straight into the store's
/// own schema (revisions, and each record's last revision into record_state, every index),
/// no checks, no merges: what any import has to write.
pub(crate) struct Ceiling {
    pub(crate) store: Store,
    pub(crate) seq: i64,
}

impl Ceiling {
    pub(crate) fn insert(&mut self, rows: &[Row], source: &str) {
        let mut last: std::collections::BTreeMap<&str, &Row> = Default::default();
        for r in rows {
            last.insert(r.1.as_str(), r);
        }
        let conn = self.store.conn();
        conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)
            .unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        {
            let mut ins = tx.prepare(INSERT_REVISION).unwrap();
            for r in rows {
                self.seq += 1;
                ins.execute(params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, self.seq, source
                ])
                .unwrap();
            }
            let mut rec = tx
                .prepare(
                    "INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, owner)
                     VALUES (?1, ?2, ?3, ?4, 1, 0, ?5)
                     ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, rev = excluded.rev,
                        deleted = excluded.deleted, owner = excluded.owner",
                )
                .unwrap();
            for r in last.values() {
                let owner = kiemtra_core::model::owner_field(&r.2).and_then(|f| {
                    serde_json::from_str::<Value>(&r.8).unwrap()[f]
                        .as_str()
                        .map(str::to_string)
                });
                rec.execute(params![r.1, r.2, r.0, r.7, owner]).unwrap();
            }
        }
        tx.commit().unwrap();
        conn.pragma_update(None, "cache_size", -2000).unwrap();
    }
}
