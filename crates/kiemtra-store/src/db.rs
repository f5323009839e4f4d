//! The SQLite file: opening (pragmas, the registered migrations, device identity), reads,
//! history, backups; writes go through a `Writer`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::record::*;
use crate::rows::*;
use crate::writer::*;

/// An open database file of revisions.
pub struct Db {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) device: Device,
    pub(crate) owner_field: fn(&str) -> Option<&'static str>,
    pub(crate) sealed: fn(&str, &serde_json::Value) -> bool,
    pub(crate) summaries: Summaries,
    /// How many records an import collects before recomputing their state (`IMPORT_BATCH`
    /// unless a test or benchmark sets another).
    pub(crate) import_batch: usize,
}

/// What a laptop is called until its people name it at first run (never the hostname:
/// every laptop of an office is called the same).
pub const UNNAMED_DEVICE: &str = "Máy chưa đặt tên";

pub(crate) fn default_device_name() -> String {
    UNNAMED_DEVICE.to_string()
}

pub(crate) fn now_text() -> String {
    Hlc::tick(Hlc::ZERO, Hlc::now_millis()).to_text()
}

impl Db {
    /// Open (creating if needed) the database at `path`: pragmas, migrations, device identity.
    pub fn open(path: &Path, schema: &Schema) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
        restrict_to_owner(path);
        // Another process (the CLI next to the app) may hold the write lock briefly.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Refuse a newer file before touching it (not even the WAL switch).
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > schema.latest() {
            return Err(Error::SchemaTooNew {
                found,
                supported: schema.latest(),
            });
        }
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Corrupt(format!("journal_mode={mode}")));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut conn, found, schema)?;
        let device = ensure_device(&mut conn, None)?;
        let mut store = Db {
            conn,
            path: path.to_path_buf(),
            device,
            owner_field: schema.owner_field,
            sealed: schema.sealed,
            summaries: schema.summary_fields,
            import_batch: IMPORT_BATCH,
        };
        store.refill_summaries()?;
        // The signing key is made with the identity, so every later bundle can be signed;
        // a file from before revisions were signed gets its own revisions signed once.
        store.signing_key()?;
        if store.meta_get("revisions_signed")?.is_none() {
            store.sign_own_unsigned()?;
            store.meta_set("revisions_signed", "1")?;
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// For transactions of local tables outside `write` (the search index's catch-up).
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The person using this laptop now, signed into every revision it writes.
    pub fn set_person(&mut self, name: &str) -> Result<()> {
        self.meta_set("device.person", &nfc(name.trim()))
    }

    pub fn person(&self) -> Result<String> {
        Ok(self.meta_get("device.person")?.unwrap_or_default())
    }

    pub fn set_device_name(&mut self, name: &str) -> Result<()> {
        let name = nfc(name.trim());
        if name.is_empty() {
            return Err(Error::Empty("device_name"));
        }
        self.conn.execute(
            "UPDATE devices SET name = ?1 WHERE id = ?2",
            params![name, self.device.id],
        )?;
        self.device.name = name;
        Ok(())
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.conn, key)
    }

    pub fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        meta_set_in(&self.conn, key, value)
    }

    /// Recompute records every `records` records during an import instead of every 50,000:
    /// tests and benchmarks use small batches so that a record's revisions straddle batch
    /// boundaries. The result never depends on it.
    pub fn set_import_batch(&mut self, records: usize) {
        self.import_batch = records.max(1);
    }

    /// The import batch size in records (see `set_import_batch`).
    pub fn import_batch(&self) -> usize {
        self.import_batch
    }

    /// Run `f`'s reads in one read transaction: what it reads is one snapshot, even while
    /// another process writes, and its many small queries share one lock instead of taking
    /// and dropping it each. Inside a transaction already, `f` simply runs in it.
    pub fn read<T, E: From<Error>>(
        &self,
        f: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if !self.conn.is_autocommit() {
            return f();
        }
        self.conn.execute_batch("BEGIN").map_err(Error::from)?;
        let out = f();
        // Nothing was written: ending it cannot lose anything, so its own failure is moot.
        let _ = self.conn.execute_batch("COMMIT");
        out
    }

    /// Run `f` in one IMMEDIATE transaction: every revision it writes lands, or none does.
    /// `f` may fail with the caller's own error type.
    pub fn write<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transact(true, f)
    }

    /// Like `write`, but with `commit = false` everything is rolled back at the end (a dry
    /// run that checks and counts exactly what a real run would).
    pub fn transact<T, E: From<Error>>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&mut Writer<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let key = self.signing_key()?;
        let person = self.meta_get("device.person")?.unwrap_or_default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::from)?;
        let hlc = meta_get(&tx, "hlc")?
            .and_then(|s| Hlc::parse(&s))
            .unwrap_or(Hlc::ZERO);
        let mut w = Writer {
            tx,
            owner_field: self.owner_field,
            sealed: self.sealed,
            summaries: self.summaries,
            device_id: self.device.id.clone(),
            person,
            key,
            hlc,
            deferred: Vec::new(),
            orphaned: HashSet::new(),
            next_seq: 0,
            touched: BTreeMap::new(),
            kinds: Default::default(),
        };
        let out = f(&mut w)?;
        if commit {
            w.finish()?;
        }
        Ok(out)
    }

    pub fn get<T: Record>(&self, id: &str) -> Result<Option<Stored<T>>> {
        get_in(&self.conn, id)
    }

    pub fn require<T: Record>(&self, id: &str) -> Result<Stored<T>> {
        get_in(&self.conn, id)?.ok_or_else(|| Error::NotFound {
            what: T::KIND,
            id: id.to_string(),
        })
    }

    /// Every live record of a kind, in id order (UUIDv7 ids sort by creation time).
    pub fn list<T: Record>(&self) -> Result<Vec<Stored<T>>> {
        list_in(&self.conn)
    }

    /// Live records of a kind whose body field `field` equals `value` (indexed when it is the
    /// kind's registered owner field).
    pub fn list_by<T: Record>(&self, field: &str, value: &str) -> Result<Vec<Stored<T>>> {
        list_by_in(&self.conn, self.owner_field, field, value)
    }

    /// A token that changes whenever a transaction writes a record of `kind` (here or in
    /// another process on the same file; empty before the first): a layer above may keep
    /// what it read of that kind for as long as the token stands still.
    pub fn changes_of(&self, kind: &str) -> Result<String> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'changes.' || ?1")?
            .query_row([kind], |r| r.get(0))
            .optional()?
            .unwrap_or_default())
    }

    /// Fill `record_state.summary` again when the registered summary fields differ from
    /// those the file was filled with (a new file, an upgrade that adds a field).
    fn refill_summaries(&mut self) -> Result<()> {
        let want = summaries_signature(self.summaries);
        if self.meta_get("summary_fields")?.as_deref() == Some(want.as_str()) {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("UPDATE record_state SET summary = NULL", [])?;
        for (kind, _) in self.summaries.iter() {
            let rows: Vec<(String, String)> = tx
                .prepare("SELECT id, body FROM records WHERE kind = ?1")?
                .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut up = tx.prepare("UPDATE record_state SET summary = ?2 WHERE id = ?1")?;
            for (id, body) in rows {
                let body: serde_json::Value = serde_json::from_str(&body)?;
                up.execute(params![id, summary_of(self.summaries, kind, &body)])?;
            }
        }
        meta_set_in(&tx, "summary_fields", &want)?;
        tx.commit()?;
        Ok(())
    }

    /// Deleted records of a kind whose last body has `field` = `value`.
    pub fn deleted_by<T: Record>(&self, field: &str, value: &str) -> Result<Vec<Stored<T>>> {
        crate::rows::deleted_by_in(&self.conn, self.owner_field, field, value)
    }

    /// Accept a full id or a unique prefix of at least 4 characters, as people copy them
    /// from `list` output.
    pub fn resolve_id(&self, kind: &'static str, input: &str) -> Result<String> {
        let input = input.trim().to_ascii_lowercase();
        let exact: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM records WHERE id = ?1 AND kind = ?2 AND deleted = 0",
                params![input, kind],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = exact {
            return Ok(id);
        }
        let not_found = || Error::NotFound {
            what: kind,
            id: input.clone(),
        };
        if input.len() < 4 || !input.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(not_found());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT id FROM records WHERE kind = ?1 AND deleted = 0 AND id >= ?2 AND id < ?3 LIMIT 2",
        )?;
        let upper = format!("{input}\u{10FFFF}");
        let ids: Vec<String> = st
            .query_map(params![kind, input, upper], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.len() {
            0 => Err(not_found()),
            1 => Ok(ids.into_iter().next().expect("one")),
            _ => Err(Error::AmbiguousId { id: input }),
        }
    }

    /// Every revision of a record, oldest first, with who made it.
    pub fn history(&self, record_id: &str) -> Result<Vec<HistoryEntry>> {
        let current: Option<String> = self
            .conn
            .query_row("SELECT rev FROM records WHERE id = ?1", [record_id], |r| {
                r.get(0)
            })
            .optional()?;
        let mut st = self.conn.prepare(
            "SELECT r.rev, r.generation, r.parents, r.device_id, COALESCE(d.name, r.device_id),
                    r.hlc, r.deleted, r.body, r.person
             FROM revisions r LEFT JOIN devices d ON d.id = r.device_id
             WHERE r.record_id = ?1
             ORDER BY r.generation, r.hlc, r.rev",
        )?;
        let rows = st.query_map([record_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        let now = Hlc::now_millis();
        for row in rows {
            let (rev, generation, parents, device_id, device_name, hlc, deleted, body, person) =
                row?;
            out.push(HistoryEntry {
                is_current: current.as_deref() == Some(rev.as_str()),
                clock_ahead: Hlc::parse(&hlc).is_some_and(|h| h.is_far_ahead(now)),
                rev,
                generation: generation as u64,
                parents: serde_json::from_str(&parents)?,
                device_id,
                device_name,
                person,
                hlc,
                deleted,
                is_head: false,
                body: serde_json::from_str(&body)?,
            });
        }
        // Heads: the revisions no other revision of the record names as a parent.
        let named: HashSet<String> = out.iter().flat_map(|e| e.parents.clone()).collect();
        for e in &mut out {
            e.is_head = !named.contains(&e.rev);
        }
        Ok(out)
    }

    /// Every revision, in local arrival order.
    pub fn revisions(&self) -> Result<Vec<Revision>> {
        let mut st = self.conn.prepare(
            "SELECT record_id, kind, rev, parents, device_id, hlc, deleted, body, person, sig
             FROM revisions ORDER BY seq",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, rev, parents, device, hlc, deleted, body, person, sig) = row?;
            out.push(Revision {
                id,
                kind,
                rev,
                parents: serde_json::from_str(&parents)?,
                device,
                person,
                hlc,
                deleted,
                body: serde_json::from_str(&body)?,
                sig,
            });
        }
        Ok(out)
    }

    /// One text field of a record through its revisions, oldest first, each with the clock
    /// of the revision that held it (revisions without the field are left out). Lets a layer
    /// above show a record as it was on a day without reading revisions itself.
    pub fn text_field_history(&self, record_id: &str, field: &str) -> Result<Vec<(Hlc, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT hlc, json_extract(body, '$.' || ?2) FROM revisions
             WHERE record_id = ?1 ORDER BY hlc, rev",
        )?;
        let rows = st.query_map(params![record_id, field], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            if let (hlc, Some(text)) = row? {
                if let Some(h) = Hlc::parse(&hlc) {
                    out.push((h, text));
                }
            }
        }
        Ok(out)
    }

    /// Which kind a record id is, if any.
    pub fn kind_of(&self, record_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT kind FROM records WHERE id = ?1", [record_id], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

fn meta_set_in(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection, from: i64, schema: &Schema) -> Result<()> {
    if from >= schema.latest() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    // Re-read under the lock: another process may have migrated meanwhile.
    let from: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in schema.migrations.iter().enumerate().skip(from as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    // A migration may reshape the state table: its summaries are filled again after.
    tx.execute("DELETE FROM meta WHERE key = 'summary_fields'", [])?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn ensure_device(conn: &mut Connection, name: Option<&str>) -> Result<Device> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let existing: Option<(String, String)> = tx
        .query_row("SELECT id, name FROM devices WHERE is_self = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let device = match existing {
        Some((id, name)) => Device { id, name },
        None => {
            let device = Device {
                id: uuid::Uuid::now_v7().to_string(),
                name: nfc(name
                    .map(str::to_string)
                    .unwrap_or_else(default_device_name)
                    .trim()),
            };
            tx.execute(
                "INSERT INTO devices(id, name, first_seen, is_self) VALUES (?1, ?2, ?3, 1)",
                params![device.id, device.name, now_text()],
            )?;
            device
        }
    };
    tx.commit()?;
    Ok(device)
}

/// The database holds this laptop's private keys: nobody but its owner reads it. Only bits
/// are taken away (a file its owner made read-only stays read-only); SQLite gives the WAL
/// and shared-memory files the same mode. Where the mode cannot be changed (a file of
/// another user's, a file system without modes) the file is used as it is.
fn restrict_to_owner(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                let _ =
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o077));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}
