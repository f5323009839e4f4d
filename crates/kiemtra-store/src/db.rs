//! The SQLite file: opening (pragmas, the registered migrations, device identity), revision
//! writes, materialisation of the current state, reads, history.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::canonical;
use crate::error::{Error, Result, RevisionProblem};
use crate::hlc::Hlc;

/// A kind of record kept with revisions, as the layer above types it.
pub trait Record: Serialize + DeserializeOwned {
    const KIND: &'static str;
    /// The error `validate` refuses with (the layer's own, carried whole).
    type Error: std::error::Error + Send + Sync + 'static;
    /// Checks that need only the record itself, run before every local write of it.
    fn validate(&self) -> std::result::Result<(), Self::Error> {
        Ok(())
    }
}

/// What the layer above registers when it opens a file: its migrations (run in order, the
/// count kept in `PRAGMA user_version`; the first ones create the tables this engine uses:
/// `revisions`, `record_state`, the `records` view, `devices`, `meta`) and, for each kind,
/// the body field naming the record it is listed under (kept in an indexed column).
pub struct Schema {
    pub migrations: &'static [&'static str],
    pub owner_field: fn(&str) -> Option<&'static str>,
}

impl Schema {
    pub fn latest(&self) -> i64 {
        self.migrations.len() as i64
    }
}

/// How many records an import collects before recomputing their state (a few hundred
/// bytes each: about 20 MB). A record whose revisions straddle two batches is recomputed
/// twice, which gives the same result; memory stays the same whatever the bundle's size.
pub const IMPORT_BATCH: usize = 50_000;

/// This laptop's identity, made the first time a database is opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub id: String,
    pub name: String,
}

/// A record as it currently stands.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Stored<T> {
    pub id: String,
    pub rev: String,
    pub body: T,
}

/// One revision, as stored and (later) as carried in bundles.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Revision {
    pub id: String,
    pub kind: String,
    pub rev: String,
    pub parents: Vec<String>,
    pub device: String,
    pub hlc: String,
    pub deleted: bool,
    pub body: Value,
}

impl Revision {
    /// The content hash part of a rev id. Everything that makes the revision is covered, so
    /// identical revisions get identical ids wherever they are computed.
    #[allow(clippy::too_many_arguments)] // each part of the hashed content, named
    pub fn compute_rev(
        id: &str,
        kind: &str,
        generation: u64,
        parents: &[String],
        device: &str,
        hlc: &str,
        deleted: bool,
        body: &Value,
    ) -> String {
        rev_for_text(
            id,
            kind,
            generation,
            parents,
            device,
            hlc,
            deleted,
            &canonical::to_string(body),
        )
    }

    pub fn generation(&self) -> Option<u64> {
        generation_of(&self.rev)
    }
}

/// `Revision::compute_rev` from the body's canonical text (the form that is stored), so a
/// revision's body is serialised once for both its hash and its row. The hashed content is
/// the canonical JSON of `{id, kind, parents, device, hlc, deleted, body}`: written here
/// directly, keys in sorted order, strings escaped by serde_json as `canonical` does.
#[allow(clippy::too_many_arguments)] // each part of the hashed content, named
pub fn rev_for_text(
    id: &str,
    kind: &str,
    generation: u64,
    parents: &[String],
    device: &str,
    hlc: &str,
    deleted: bool,
    body: &str,
) -> String {
    fn string(out: &mut Vec<u8>, s: &str) {
        serde_json::to_writer(&mut *out, s).expect("a string always serialises");
    }
    let mut c = Vec::with_capacity(body.len() + 160 + parents.len() * 40);
    c.extend_from_slice(b"{\"body\":");
    c.extend_from_slice(body.as_bytes());
    c.extend_from_slice(if deleted {
        b",\"deleted\":true,\"device\":"
    } else {
        b",\"deleted\":false,\"device\":"
    });
    string(&mut c, device);
    c.extend_from_slice(b",\"hlc\":");
    string(&mut c, hlc);
    c.extend_from_slice(b",\"id\":");
    string(&mut c, id);
    c.extend_from_slice(b",\"kind\":");
    string(&mut c, kind);
    c.extend_from_slice(b",\"parents\":[");
    for (i, p) in parents.iter().enumerate() {
        if i > 0 {
            c.push(b',');
        }
        string(&mut c, p);
    }
    c.extend_from_slice(b"]}");
    let hash = canonical::sha256_hex(&c);
    // 128 bits of SHA-256, as long as CouchDB's MD5 revs: plenty to avoid collisions.
    format!("{generation}-{}", &hash[..32])
}

pub fn generation_of(rev: &str) -> Option<u64> {
    rev.split_once('-').and_then(|(g, _)| g.parse().ok())
}

/// A revision with who made it, for history screens.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub rev: String,
    pub generation: u64,
    pub parents: Vec<String>,
    pub device_id: String,
    pub device_name: String,
    pub hlc: String,
    pub deleted: bool,
    pub is_head: bool,
    pub is_current: bool,
    pub body: Value,
}

/// An open database file of revisions.
pub struct Db {
    conn: Connection,
    path: PathBuf,
    device: Device,
    owner_field: fn(&str) -> Option<&'static str>,
    /// How many records an import collects before recomputing their state (`IMPORT_BATCH`
    /// unless a test or benchmark sets another).
    import_batch: usize,
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

fn default_device_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok());
    host.unwrap_or_else(|| "Máy tính".to_string())
}

fn now_text() -> String {
    Hlc::tick(Hlc::ZERO, Hlc::now_millis()).to_text()
}

impl Db {
    /// Open (creating if needed) the database at `path`: pragmas, migrations, device identity.
    pub fn open(path: &Path, schema: &Schema) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut conn = Connection::open(path)?;
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
        let store = Db {
            conn,
            path: path.to_path_buf(),
            device,
            owner_field: schema.owner_field,
            import_batch: IMPORT_BATCH,
        };
        // The signing key is made with the identity, so every later bundle can be signed.
        store.signing_key()?;
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

    /// Copy the database with SQLite's backup API to `backups/` beside it, keeping the
    /// newest `keep` copies. Returns the new copy's path.
    pub fn backup(&self, keep: usize) -> Result<PathBuf> {
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("backups");
        std::fs::create_dir_all(&dir)?;
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f");
        let dest = dir.join(format!("kiemtra-{stamp}.db"));
        self.conn.backup(rusqlite::MAIN_DB, &dest, None)?;
        let mut old: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("kiemtra-") && n.ends_with(".db"))
            })
            .collect();
        old.sort();
        let excess = old.len().saturating_sub(keep);
        for p in old.into_iter().take(excess) {
            let _ = std::fs::remove_file(p);
        }
        Ok(dest)
    }

    pub fn device(&self) -> &Device {
        &self.device
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
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
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
            device_id: self.device.id.clone(),
            hlc,
            deferred: Vec::new(),
            orphaned: HashSet::new(),
            next_seq: 0,
            touched: BTreeMap::new(),
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
                    r.hlc, r.deleted, r.body
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
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (rev, generation, parents, device_id, device_name, hlc, deleted, body) = row?;
            out.push(HistoryEntry {
                is_current: current.as_deref() == Some(rev.as_str()),
                rev,
                generation: generation as u64,
                parents: serde_json::from_str(&parents)?,
                device_id,
                device_name,
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
            "SELECT record_id, kind, rev, parents, device_id, hlc, deleted, body
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
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, rev, parents, device, hlc, deleted, body) = row?;
            out.push(Revision {
                id,
                kind,
                rev,
                parents: serde_json::from_str(&parents)?,
                device,
                hlc,
                deleted,
                body: serde_json::from_str(&body)?,
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

/// Writes within one transaction. Dropped without `finish`, everything rolls back.
pub struct Writer<'a> {
    tx: Transaction<'a>,
    owner_field: fn(&str) -> Option<&'static str>,
    device_id: String,
    hlc: Hlc,
    /// Applied revisions whose parents were not there yet: (record, kind, rev, generation,
    /// parents).
    deferred: Vec<(String, String, String, u64, Vec<String>)>,
    /// The records of `deferred`: a revision of theirs is stored before its parent, so
    /// their state is never extended without reading their history.
    orphaned: HashSet<String>,
    /// The `seq` the next new revision gets (0: not read yet). The transaction holds the
    /// write lock, so counting here gives what `MAX(seq) + 1` per insert would.
    next_seq: i64,
    /// Records given new revisions whose current state is not recomputed yet, in id order
    /// (SQLite then writes `record_state` and its indexes front to back).
    touched: BTreeMap<String, Touch>,
}

/// What the revisions newly added to one record look like, enough to recompute its state
/// without reading its history when they simply extend it.
struct Touch {
    kind: String,
    /// The parents of the first new revision.
    base: Vec<String>,
    /// Each new revision has the previous one as its only parent.
    chain: bool,
    last: String,
    deleted: bool,
    owner: Option<String>,
}

impl Writer<'_> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    pub fn get<T: Record>(&self, id: &str) -> Result<Option<Stored<T>>> {
        get_in(&self.tx, id)
    }

    /// Every live record of a kind as this transaction sees it, in id order.
    pub fn list<T: Record>(&self) -> Result<Vec<Stored<T>>> {
        list_in(&self.tx)
    }

    /// `Db::list_by` as this transaction sees it.
    pub fn list_by<T: Record>(&self, field: &str, value: &str) -> Result<Vec<Stored<T>>> {
        list_by_in(&self.tx, self.owner_field, field, value)
    }

    /// Create or update a record: a new revision whose parent is the current winner.
    /// Saving identical content writes nothing (autosave sends the same state often).
    pub fn put<T: Record>(&mut self, id: &str, body: &T) -> Result<String> {
        body.validate().map_err(|e| Error::Rejected(Box::new(e)))?;
        let mut value = canonical::to_value(body)?;
        nfc_strings(&mut value);
        self.put_value(T::KIND, id, value, false)
    }

    /// Delete a record: a tombstone revision (history keeps everything before it).
    pub fn delete(&mut self, kind: &'static str, id: &str) -> Result<String> {
        let current = current_of(&self.tx, id)?.ok_or_else(|| Error::NotFound {
            what: kind,
            id: id.to_string(),
        })?;
        self.put_value(kind, id, current.body, true)
    }

    /// A revision with explicit parents (a conflict resolution: all the heads). The caller
    /// has checked the body as its kind.
    pub fn put_with_parents(
        &mut self,
        kind: &str,
        id: &str,
        mut body: Value,
        mut parents: Vec<String>,
    ) -> Result<String> {
        nfc_strings(&mut body);
        parents.sort();
        parents.dedup();
        let generation = parents
            .iter()
            .filter_map(|p| generation_of(p))
            .max()
            .unwrap_or(0)
            + 1;
        self.write_revision(kind, id, body, false, parents, generation)
    }

    fn write_revision(
        &mut self,
        kind: &str,
        id: &str,
        body: Value,
        deleted: bool,
        mut parents: Vec<String>,
        generation: u64,
    ) -> Result<String> {
        // Hashed and stored sorted (every caller passes them so already).
        parents.sort();
        self.hlc = Hlc::tick(self.hlc, Hlc::now_millis());
        let hlc = self.hlc.to_text();
        let text = canonical::to_string(&body);
        let rev = rev_for_text(
            id,
            kind,
            generation,
            &parents,
            &self.device_id,
            &hlc,
            deleted,
            &text,
        );
        let rev = Revision {
            id: id.to_string(),
            kind: kind.to_string(),
            rev,
            parents,
            device: self.device_id.clone(),
            hlc,
            deleted,
            body,
        };
        if self.insert_revision(&rev, generation, &text, "local")? {
            self.touch(&rev);
        }
        self.materialize_touched()?;
        Ok(rev.rev)
    }

    fn put_value(&mut self, kind: &str, id: &str, body: Value, deleted: bool) -> Result<String> {
        uuid::Uuid::parse_str(id).map_err(|_| Error::BadId(id.to_string()))?;
        let current = current_of(&self.tx, id)?;
        let (parents, generation) = match &current {
            Some(c) => {
                if c.kind != kind {
                    return Err(Error::OtherKind {
                        id: id.to_string(),
                        kind: c.kind.clone(),
                    });
                }
                if c.deleted == deleted && c.body == body && c.heads == 1 {
                    return Ok(c.rev.clone());
                }
                if c.heads > 1 && (!c.conflict || deleted) {
                    // Cleanly merged heads: the edit builds on all of them, making the merge
                    // real. A delete ends every version the person saw, in conflict or not:
                    // a version left out would come back as the record.
                    let heads: Vec<Head> = heads_of(&self.tx, id)?
                        .into_iter()
                        .filter(|h| !h.deleted)
                        .collect();
                    let generation =
                        heads.iter().map(|h| h.generation).max().unwrap_or(0) as u64 + 1;
                    (heads.into_iter().map(|h| h.rev).collect(), generation)
                } else {
                    // A real conflict stays until a person resolves it: an edit extends the
                    // winner only.
                    (vec![c.rev.clone()], generation_of(&c.rev).unwrap_or(0) + 1)
                }
            }
            None => (Vec::new(), 1),
        };
        self.write_revision(kind, id, body, deleted, parents, generation)
    }

    /// Add a revision made elsewhere (a bundle, another laptop). Its id must match its
    /// content. Returns whether it was new. The record's current state is recomputed.
    pub fn apply(&mut self, rev: &Revision, source: &str) -> Result<bool> {
        let new = self.apply_deferred(rev.clone(), source)?;
        self.materialize_touched()?;
        Ok(new)
    }

    /// `apply` without recomputing the current state; the caller calls `materialize_touched`
    /// once the batch is in (a bundle touches a record many times).
    pub fn apply_deferred(&mut self, mut rev: Revision, source: &str) -> Result<bool> {
        let generation = rev.generation().ok_or_else(|| {
            Error::BadRevision(RevisionProblem::BadId {
                rev: rev.rev.clone(),
            })
        })?;
        rev.parents.sort();
        rev.parents.dedup();
        let text = canonical::to_string(&rev.body);
        let expect = rev_for_text(
            &rev.id,
            &rev.kind,
            generation,
            &rev.parents,
            &rev.device,
            &rev.hlc,
            rev.deleted,
            &text,
        );
        if expect != rev.rev {
            return Err(Error::BadRevision(RevisionProblem::ContentMismatch {
                rev: rev.rev,
                id: rev.id,
            }));
        }
        let hlc = Hlc::parse(&rev.hlc).ok_or_else(|| {
            Error::BadRevision(RevisionProblem::BadTime {
                rev: rev.rev.clone(),
                hlc: rev.hlc.clone(),
            })
        })?;
        // A history, not a made-up graph: parents belong to the same record and the
        // generation is one past the highest of them. Parents usually arrive first (bundles
        // keep arrival order); one that has not arrived yet is checked at the end of the batch.
        if rev.parents.is_empty() {
            // A first revision: the record may exist already (another laptop made it too),
            // but only as the same kind. Later revisions inherit the check through their
            // parents.
            let other: Option<String> = self
                .tx
                .prepare_cached(
                    "SELECT kind FROM revisions WHERE record_id = ?1 AND kind <> ?2 LIMIT 1",
                )?
                .query_row([&rev.id, &rev.kind], |r| r.get(0))
                .optional()?;
            if let Some(other) = other {
                return Err(kind_mismatch(&rev.rev, &rev.id, &rev.kind, &other));
            }
        }
        if !self.parents_ok(
            &rev.id,
            &rev.kind,
            &rev.rev,
            generation,
            &rev.parents,
            false,
        )? {
            self.orphaned.insert(rev.id.clone());
            self.deferred.push((
                rev.id.clone(),
                rev.kind.clone(),
                rev.rev.clone(),
                generation,
                rev.parents.clone(),
            ));
        }
        let new = self.insert_revision(&rev, generation, &text, source)?;
        if new {
            self.touch(&rev);
        }
        // Later local edits must sort after everything seen.
        self.hlc = self.hlc.observe(hlc);
        Ok(new)
    }

    /// Ok(true) when the parents check out, Ok(false) when one has not arrived (and `last`
    /// is false), an error when the history is wrong.
    fn parents_ok(
        &self,
        id: &str,
        kind: &str,
        rev: &str,
        generation: u64,
        parents: &[String],
        last: bool,
    ) -> Result<bool> {
        let mut max_parent = 0;
        for p in parents {
            let parent: Option<(String, String, u64)> = self
                .tx
                .prepare_cached("SELECT record_id, kind, generation FROM revisions WHERE rev = ?1")?
                .query_row([p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            match parent {
                Some((record, k, _)) if record == id && k != kind => {
                    return Err(kind_mismatch(rev, id, kind, &k))
                }
                Some((record, _, g)) if record == id => max_parent = max_parent.max(g),
                None if !last => return Ok(false),
                _ => {
                    return Err(Error::BadRevision(RevisionProblem::MissingParent {
                        rev: rev.to_string(),
                        parent: p.to_string(),
                    }))
                }
            }
        }
        if generation != max_parent + 1 {
            return Err(Error::BadRevision(RevisionProblem::WrongGeneration {
                rev: rev.to_string(),
            }));
        }
        Ok(true)
    }

    /// Check the revisions whose parents had not arrived when they did.
    pub fn verify_deferred(&mut self) -> Result<()> {
        for (id, kind, rev, generation, parents) in std::mem::take(&mut self.deferred) {
            self.parents_ok(&id, &kind, &rev, generation, &parents, true)?;
        }
        Ok(())
    }

    fn touch(&mut self, rev: &Revision) {
        let owner = (self.owner_field)(&rev.kind)
            .and_then(|f| rev.body.get(f))
            .and_then(Value::as_str)
            .map(str::to_string);
        match self.touched.get_mut(&rev.id) {
            Some(t) => {
                t.chain &= rev.parents.len() == 1 && rev.parents[0] == t.last;
                t.last = rev.rev.clone();
                t.deleted = rev.deleted;
                t.owner = owner;
            }
            None => {
                self.touched.insert(
                    rev.id.clone(),
                    Touch {
                        kind: rev.kind.clone(),
                        base: rev.parents.clone(),
                        chain: true,
                        last: rev.rev.clone(),
                        deleted: rev.deleted,
                        owner,
                    },
                );
            }
        }
    }

    /// How many records wait for `materialize_touched`.
    pub fn touched_len(&self) -> usize {
        self.touched.len()
    }

    /// Recompute the current state of every record given new revisions since the last call.
    pub fn materialize_touched(&mut self) -> Result<()> {
        for (id, t) in std::mem::take(&mut self.touched) {
            if !self.extend_state(&id, &t)? {
                materialize(&self.tx, self.owner_field, &id)?;
            }
        }
        Ok(())
    }

    /// The common case without reading history: the new revisions form one live chain that
    /// starts from nothing (a new record) or from the record's only live head, with nothing
    /// merged or in conflict. The chain's end is then the only live head and the winner
    /// (deleted heads lose to a live one) — unless a stored revision names one of the new
    /// ones as its parent, which only a revision that arrived before its parent in this
    /// transaction can (`orphaned`); those records always read their history. False: not
    /// that case.
    fn extend_state(&self, id: &str, t: &Touch) -> Result<bool> {
        if !t.chain || t.deleted || self.orphaned.contains(id) {
            return Ok(false);
        }
        let state: Option<(String, bool, i64, bool, bool)> = self
            .tx
            .prepare_cached(
                "SELECT rev, deleted, heads, conflict, merged IS NOT NULL FROM record_state
                 WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let extends = match state {
            None => t.base.is_empty(),
            Some((rev, deleted, heads, conflict, merged)) => {
                !deleted && heads == 1 && !conflict && !merged && t.base == [rev]
            }
        };
        if !extends {
            return Ok(false);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, merged, owner)
                 VALUES (?1, ?2, ?3, 0, 1, 0, NULL, ?4)
                 ON CONFLICT(id) DO UPDATE SET rev = excluded.rev, owner = excluded.owner",
            )?
            .execute(params![id, t.kind, t.last, t.owner])?;
        Ok(true)
    }

    /// The highest `seq` so far: every revision inserted after this call has a higher one.
    pub fn last_seq(&mut self) -> Result<i64> {
        if self.next_seq == 0 {
            self.next_seq =
                self.tx
                    .query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM revisions", [], |r| {
                        r.get(0)
                    })?;
        }
        Ok(self.next_seq - 1)
    }

    /// Store a revision if it is new (`body` is its canonical text, `rev.parents` sorted).
    /// Returns whether it was inserted.
    fn insert_revision(
        &mut self,
        rev: &Revision,
        generation: u64,
        body: &str,
        source: &str,
    ) -> Result<bool> {
        let seq = self.last_seq()? + 1;
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT OR IGNORE INTO revisions
                (rev, record_id, kind, generation, parents, device_id, hlc, deleted, body, seq, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                rev.rev,
                rev.id,
                rev.kind,
                generation as i64,
                serde_json::to_string(&rev.parents)?,
                rev.device,
                rev.hlc,
                rev.deleted,
                body,
                seq,
                source,
            ])?;
        if inserted == 0 {
            return Ok(false);
        }
        self.next_seq = seq + 1;
        Ok(true)
    }

    fn finish(mut self) -> Result<()> {
        self.verify_deferred()?;
        self.materialize_touched()?;
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES ('hlc', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [self.hlc.to_text()],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

fn kind_mismatch(rev: &str, id: &str, kind: &str, other: &str) -> Error {
    Error::BadRevision(RevisionProblem::OtherKind {
        rev: rev.to_string(),
        id: id.to_string(),
        kind: kind.to_string(),
        other: other.to_string(),
    })
}

struct Current {
    kind: String,
    rev: String,
    deleted: bool,
    body: Value,
    heads: i64,
    conflict: bool,
}

fn current_of(conn: &Connection, id: &str) -> Result<Option<Current>> {
    let row = conn
        .prepare_cached(
            "SELECT kind, rev, deleted, body, heads, conflict FROM records WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })
        .optional()?;
    match row {
        None => Ok(None),
        Some((kind, rev, deleted, body, heads, conflict)) => Ok(Some(Current {
            kind,
            rev,
            deleted,
            body: serde_json::from_str(&body)?,
            heads,
            conflict,
        })),
    }
}

/// Recompute a record's current state from its heads: the CouchDB winner, and where several
/// live heads changed different fields, their three-way merge against the common ancestor.
pub fn materialize(
    conn: &Connection,
    owner_field: fn(&str) -> Option<&'static str>,
    record_id: &str,
) -> Result<()> {
    let graph = graph_of(conn, record_id)?;
    let heads = heads_in(&graph);
    let Some(winner) = heads
        .iter()
        .max_by(|a, b| winner_key(a).cmp(&winner_key(b)))
    else {
        return Ok(());
    };
    let live: Vec<&Node> = heads.iter().copied().filter(|h| !h.deleted).collect();
    let (merged, conflict) = if live.len() > 1 {
        let ancestor = match common_ancestor(&graph, &live) {
            Some(rev) => Some(serde_json::from_str::<Value>(&body_of(conn, rev)?)?),
            None => None,
        };
        let texts: Vec<String> = live
            .iter()
            .map(|h| body_of(conn, &h.rev))
            .collect::<Result<_>>()?;
        let bodies: Vec<Value> = texts
            .iter()
            .map(|t| serde_json::from_str(t))
            .collect::<std::result::Result<_, _>>()?;
        let refs: Vec<&Value> = bodies.iter().collect();
        match crate::merge::merge(ancestor.as_ref(), &refs) {
            Ok(m) => {
                let text = canonical::to_string(&m);
                let same = live
                    .iter()
                    .zip(&texts)
                    .any(|(h, t)| h.rev == winner.rev && *t == text);
                (if same { None } else { Some(text) }, false)
            }
            Err(_) => (None, true),
        }
    } else {
        (None, false)
    };
    let owner: Option<String> = match owner_field(&winner.kind) {
        None => None,
        Some(field) => match &merged {
            Some(text) => serde_json::from_str::<Value>(text)?[field]
                .as_str()
                .map(str::to_string),
            None => conn
                .prepare_cached(
                    "SELECT json_extract(body, '$.' || ?2) FROM revisions WHERE rev = ?1",
                )?
                .query_row(params![winner.rev, field], |r| r.get(0))?,
        },
    };
    conn.prepare_cached(
        "INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, merged, owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, rev = excluded.rev,
            deleted = excluded.deleted, heads = excluded.heads, conflict = excluded.conflict,
            merged = excluded.merged, owner = excluded.owner",
    )?
    .execute(params![
        record_id,
        winner.kind,
        winner.rev,
        winner.deleted,
        live.len().max(1) as i64,
        conflict,
        merged,
        owner
    ])?;
    Ok(())
}

/// One revision of a record, without its body.
pub struct Node {
    pub rev: String,
    pub kind: String,
    pub generation: i64,
    pub parents: Vec<String>,
    pub deleted: bool,
}

/// Every revision of a record (a record has few: its edits), read through the
/// `revisions_record` index.
pub fn graph_of(conn: &Connection, record_id: &str) -> Result<Vec<Node>> {
    let mut st = conn.prepare_cached(
        "SELECT rev, kind, generation, parents, deleted FROM revisions WHERE record_id = ?1",
    )?;
    let rows = st.query_map([record_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (rev, kind, generation, parents, deleted) = row?;
        out.push(Node {
            rev,
            kind,
            generation,
            parents: serde_json::from_str(&parents)?,
            deleted,
        });
    }
    Ok(out)
}

/// The revisions no other revision names as a parent, in rev order.
pub fn heads_in(graph: &[Node]) -> Vec<&Node> {
    let named: HashSet<&str> = graph
        .iter()
        .flat_map(|n| n.parents.iter().map(String::as_str))
        .collect();
    let mut heads: Vec<&Node> = graph
        .iter()
        .filter(|n| !named.contains(n.rev.as_str()))
        .collect();
    heads.sort_by(|a, b| a.rev.cmp(&b.rev));
    heads
}

fn body_of(conn: &Connection, rev: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT body FROM revisions WHERE rev = ?1")?
        .query_row([rev], |r| r.get(0))?)
}

pub struct Head {
    pub rev: String,
    pub generation: i64,
    pub deleted: bool,
    pub body: String,
}

/// A record's heads with their bodies, in rev order.
pub fn heads_of(conn: &Connection, record_id: &str) -> Result<Vec<Head>> {
    let graph = graph_of(conn, record_id)?;
    heads_in(&graph)
        .into_iter()
        .map(|n| {
            Ok(Head {
                rev: n.rev.clone(),
                generation: n.generation,
                deleted: n.deleted,
                body: body_of(conn, &n.rev)?,
            })
        })
        .collect()
}

/// The newest revision that is an ancestor of every given head (None when they share none,
/// e.g. two laptops created the same finding independently).
fn common_ancestor<'g>(graph: &'g [Node], heads: &[&Node]) -> Option<&'g str> {
    let parents: HashMap<&str, &[String]> = graph
        .iter()
        .map(|n| (n.rev.as_str(), n.parents.as_slice()))
        .collect();
    let ancestors = |start: &str| -> HashSet<&str> {
        let mut seen = HashSet::new();
        let mut todo = vec![start];
        while let Some(r) = todo.pop() {
            if let Some((k, ps)) = parents.get_key_value(r) {
                if seen.insert(*k) {
                    todo.extend(ps.iter().map(String::as_str));
                }
            }
        }
        seen
    };
    let mut common: Option<HashSet<&str>> = None;
    for h in heads {
        let set = ancestors(&h.rev);
        common = Some(match common {
            None => set,
            Some(c) => c.intersection(&set).copied().collect(),
        });
    }
    let by_rev: HashMap<&str, i64> = graph
        .iter()
        .map(|n| (n.rev.as_str(), n.generation))
        .collect();
    common?.into_iter().max_by_key(|r| (by_rev[r], *r))
}

/// CouchDB's deterministic winner: a live head beats a deleted one, then the longest
/// history, then the highest rev id.
fn winner_key(h: &Node) -> (bool, i64, &str) {
    (!h.deleted, h.generation, h.rev.as_str())
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn decode<T: Record>((id, rev, body): (String, String, String)) -> Result<Stored<T>> {
    let body = serde_json::from_str(&body)
        .map_err(|e| Error::Corrupt(format!("{} {id}: {e}", T::KIND)))?;
    Ok(Stored { id, rev, body })
}

pub fn get_in<T: Record>(conn: &Connection, id: &str) -> Result<Option<Stored<T>>> {
    let row = conn
        .prepare_cached(
            "SELECT id, rev, body FROM records WHERE id = ?1 AND kind = ?2 AND deleted = 0",
        )?
        .query_row(params![id, T::KIND], read_row)
        .optional()?;
    row.map(decode).transpose()
}

fn list_in<T: Record>(conn: &Connection) -> Result<Vec<Stored<T>>> {
    let mut st = conn.prepare_cached(
        "SELECT id, rev, body FROM records WHERE kind = ?1 AND deleted = 0 ORDER BY id",
    )?;
    let rows = st.query_map([T::KIND], read_row)?;
    rows.map(|r| decode(r?)).collect()
}

fn list_by_in<T: Record>(
    conn: &Connection,
    owner_field: fn(&str) -> Option<&'static str>,
    field: &str,
    value: &str,
) -> Result<Vec<Stored<T>>> {
    debug_assert!(field
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    let test = if owner_field(T::KIND) == Some(field) {
        "owner = ?2".to_string()
    } else {
        format!("json_extract(body, '$.{field}') = ?2")
    };
    let sql = format!(
        "SELECT id, rev, body FROM records
         WHERE kind = ?1 AND deleted = 0 AND {test}
         ORDER BY id"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params![T::KIND, value], read_row)?;
    rows.map(|r| decode(r?)).collect()
}

fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn migrate(conn: &mut Connection, from: i64, schema: &Schema) -> Result<()> {
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
    tx.commit()?;
    Ok(())
}

fn ensure_device(conn: &mut Connection, name: Option<&str>) -> Result<Device> {
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

/// NFC-normalise every string in a JSON body.
fn nfc_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            let n = nfc(s);
            if n != *s {
                *s = n;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(nfc_strings),
        Value::Object(o) => o.values_mut().for_each(nfc_strings),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `compute_rev` hashed before it was written out by hand: the canonical JSON of
    /// the whole content object.
    fn by_value(r: &Revision, generation: u64) -> String {
        let content = json!({
            "id": r.id,
            "kind": r.kind,
            "parents": r.parents,
            "device": r.device,
            "hlc": r.hlc,
            "deleted": r.deleted,
            "body": r.body,
        });
        let hash = canonical::sha256_hex(canonical::to_string(&content).as_bytes());
        format!("{generation}-{}", &hash[..32])
    }

    #[test]
    fn rev_ids_are_the_hash_of_the_canonical_content() {
        let tricky = "Đoàn \"TN\" \\ \u{1}\t\n\u{7f} 𝔘 \u{2028}";
        let cases = [
            (
                vec![],
                false,
                json!({"name": "Chi đoàn", "n": 1.5, "b": null}),
            ),
            (
                vec!["1-aa".to_string(), "2-b\"b".to_string()],
                true,
                json!({"z": [1, {"y": tricky}], "a": -0.0, "big": 18446744073709551615u64}),
            ),
            (vec!["3-c".to_string()], false, json!(tricky)),
        ];
        for (parents, deleted, body) in cases {
            let r = Revision {
                id: tricky.to_string(),
                kind: "finding\u{0}".into(),
                rev: String::new(),
                parents,
                device: "máy \"A\"".into(),
                hlc: "2023-11-07T08:30:00.123Z#0001".into(),
                deleted,
                body,
            };
            let got = Revision::compute_rev(
                &r.id, &r.kind, 7, &r.parents, &r.device, &r.hlc, r.deleted, &r.body,
            );
            assert_eq!(got, by_value(&r, 7));
        }
    }
}
