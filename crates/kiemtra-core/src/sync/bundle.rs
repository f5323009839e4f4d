//! Bundles: the `.kiemtra` file that travels on a USB stick. A ZIP holding `manifest.json`
//! (who, when, counts, SHA-256 and size of every entry), `revisions.jsonl` (one revision a
//! line) and `signature.json` (Ed25519 over the manifest's bytes). A bundle is a snapshot of
//! what its laptop knows (all of it, or one campaign), so any bundle can be imported anywhere,
//! any number of times, in any order.
//!
//! The reader trusts nothing: entry names are checked against a fixed list, sizes against the
//! manifest and hard limits, hashes and the signature before anything is committed, and every
//! revision is checked as its kind. Import is one transaction: all or nothing.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::attachments::MAX_ATTACHMENT;
use kiemtra_store::files::AtomicFile;

use crate::error::BundleProblem as P;
use crate::error::{Error, Result};
use crate::hlc::Hlc;
use crate::model::{self, Entity};
use crate::store::{Revision, Store};
use kiemtra_domain::trust::Enrolment;

pub const FORMAT: &str = "kiemtra-bundle";
/// 2: every revision signed by its author (`sig`), the person who made it, laptops' cards
/// and enrolments; bundles of format 1 are refused with a message saying to re-export.
pub const FORMAT_VERSION: u32 = 2;
const MANIFEST: &str = "manifest.json";
const REVISIONS: &str = "revisions.jsonl";
const SIGNATURE: &str = "signature.json";
/// Attachment files: `blobs/<sha256>`.
const BLOBS: &str = "blobs/";
/// Far above a province's campaign, far below what would exhaust a laptop.
const MAX_SMALL_ENTRY: u64 = 1 << 20;
const MAX_REVISIONS_BYTES: u64 = 8 << 30;
const MAX_LINE: u64 = 16 << 20;
/// A deflated entry more than this many times smaller than its content is a zip bomb.
const MAX_RATIO: u64 = 200;

/// The laptop that made a bundle, as its manifest names it.
pub use crate::trust::Maker as BundleDevice;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EntryInfo {
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    pub revisions: u64,
    pub records: u64,
    pub blobs: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub schema_version: i64,
    pub app_version: String,
    pub device: BundleDevice,
    pub inspector: String,
    pub created_at: String,
    pub campaign_id: Option<String>,
    pub counts: Counts,
    pub entries: std::collections::BTreeMap<String, EntryInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Signature {
    algorithm: String,
    public_key: String,
    signature: String,
}

const PROGRESS_EVERY: u64 = 2_000;

/// SQLite's page cache during an import, in KiB (`PRAGMA cache_size = -IMPORT_CACHE_KIB`);
/// the connection's own setting is restored afterwards.
pub const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// How far an import is.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// One line of the import history.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRow {
    pub at: String,
    pub file_name: String,
    pub device_id: String,
    pub device_name: String,
    pub created_at: String,
    pub revisions: i64,
    pub new_revisions: i64,
    pub conflicts: i64,
}

impl Store {
    /// Bundles imported here, newest first.
    pub fn import_history(&self) -> Result<Vec<ImportRow>> {
        let mut st = self.conn().prepare(
            "SELECT at, file_name, device_id, device_name, created_at, revisions, new_revisions, conflicts
             FROM imports ORDER BY at DESC",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(ImportRow {
                    at: r.get(0)?,
                    file_name: r.get(1)?,
                    device_id: r.get(2)?,
                    device_name: r.get(3)?,
                    created_at: r.get(4)?,
                    revisions: r.get(5)?,
                    new_revisions: r.get(6)?,
                    conflicts: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    pub revisions: u64,
    pub records: u64,
    pub bytes: u64,
    /// Who can open it (`None`: a plain file, anyone can).
    pub readers: Option<Vec<super::encryption::Reader>>,
    /// Laptops of its campaigns that cannot open it: their key is not known here yet.
    pub without_key: Vec<String>,
    /// Only this laptop's introduction (its keys, no campaign data): it is enrolled in
    /// none of the campaigns it holds.
    pub introduction: bool,
}

/// How a bundle leaves this laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sealing {
    /// Encrypted to the laptops of its campaigns (TRUST.md): the default.
    #[default]
    Encrypted,
    /// Readable by anyone who finds the file: only by an explicit choice.
    Plain,
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: PathBuf,
    pub device: BundleDevice,
    /// The maker's key as people read it aloud.
    pub fingerprint: String,
    pub inspector: String,
    pub created_at: String,
    pub campaign_id: Option<String>,
    /// The signer was not known to this laptop before.
    pub new_device: bool,
    pub revisions: u64,
    pub new_revisions: u64,
    pub known_revisions: u64,
    /// Records this bundle put in conflict (not those in conflict before it came).
    pub new_conflicts: u64,
    /// New revisions stamped further ahead of this laptop's clock than a clock may move it
    /// (their maker's clock runs ahead); taken in, marked in the preview and in history.
    pub clock_ahead: u64,
    /// Signed minutes whose records this bundle changed after the signing: the minutes keep
    /// the signed text, the visit shows the changes (`visit::seal`).
    pub changed_after_signing: Vec<crate::visit::ChangedAfterSigning>,
    /// Who the file was encrypted to (`None`: a plain bundle).
    pub encrypted_to: Option<Vec<super::encryption::ReaderName>>,
    /// Attachment files in the bundle (photos, scans), and how many this laptop lacked.
    pub files: u64,
    pub new_files: u64,
    pub dry_run: bool,
}

fn bad(p: P) -> Error {
    Error::BadBundle(p)
}

/// Writes through to `inner` while hashing and counting.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Reads through while hashing and counting.
struct HashingReader<R> {
    inner: R,
    hash: Sha256,
    size: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

impl Store {
    /// The ids of every record that belongs to a campaign: the campaign, its criteria sets,
    /// teams and their inspectors, visits, their units with ancestors, findings and
    /// recommendations, its enrolments and the laptops' cards. Deleted records count too, so
    /// deletions travel.
    fn campaign_scope(&self, campaign_id: &str) -> Result<HashSet<String>> {
        let conn = self.conn();
        let body_of = |id: &str| -> Result<Option<serde_json::Value>> {
            let b: Option<String> = conn
                .query_row("SELECT body FROM records WHERE id = ?1", [id], |r| r.get(0))
                .ok();
            Ok(match b {
                Some(b) => Some(serde_json::from_str(&b)?),
                None => None,
            })
        };
        let campaign = body_of(campaign_id)?.ok_or_else(|| Error::NotFound {
            what: model::Campaign::KIND,
            id: campaign_id.to_string(),
        })?;
        let mut ids: HashSet<String> = HashSet::new();
        ids.insert(campaign_id.to_string());
        if let Some(s) = campaign["criteria_set_id"].as_str() {
            ids.insert(s.to_string());
        }
        let by_field = |kind: &str, field: &str, value: &str| -> Result<Vec<(String, String)>> {
            // Deleted records included, so deletions travel.
            let test = if model::owner_field(kind) == Some(field) {
                "owner = ?2".to_string()
            } else {
                format!("json_extract(body, '$.{field}') = ?2")
            };
            let sql = format!("SELECT id, body FROM records WHERE kind = ?1 AND {test}");
            let mut st = conn.prepare(&sql)?;
            let rows = st
                .query_map([kind, value], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        };
        for (id, body) in by_field(model::Team::KIND, "campaign_id", campaign_id)? {
            let team: serde_json::Value = serde_json::from_str(&body)?;
            for m in team["members"].as_array().into_iter().flatten() {
                if let Some(i) = m["inspector_id"].as_str() {
                    ids.insert(i.to_string());
                }
            }
            ids.insert(id);
        }
        for (visit_id, body) in by_field(model::Visit::KIND, "campaign_id", campaign_id)? {
            let v: serde_json::Value = serde_json::from_str(&body)?;
            if let Some(s) = v["criteria_set_id"].as_str() {
                ids.insert(s.to_string());
            }
            let mut unit = v["unit_id"].as_str().map(str::to_string);
            while let Some(u) = unit.take() {
                if !ids.insert(u.clone()) {
                    break;
                }
                unit = body_of(&u)?.and_then(|b| b["parent_id"].as_str().map(str::to_string));
            }
            for kind in [
                model::Finding::KIND,
                model::Recommendation::KIND,
                model::Attachment::KIND,
            ] {
                for (id, _) in by_field(kind, "visit_id", &visit_id)? {
                    ids.insert(id);
                }
            }
            ids.insert(visit_id);
        }
        // Who may write it and who the authors are: the campaign's enrolments and every
        // laptop's card (a few records; they carry the keys the revisions are checked with).
        for (id, _) in by_field(Enrolment::KIND, "campaign_id", campaign_id)? {
            ids.insert(id);
        }
        let cards: Vec<String> = conn
            .prepare("SELECT id FROM records WHERE kind = 'device'")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.extend(cards);
        Ok(ids)
    }

    /// Write a bundle of everything this laptop knows (or one campaign) to `path`. The file
    /// appears whole or not at all: it is written beside `path` and renamed at the end.
    /// A plain bundle, readable by anyone who has the file: for tests and tools that move
    /// data between their own databases. What people export goes through `export_bundle_as`.
    pub fn export_plain(&self, path: &Path, campaign_id: Option<&str>) -> Result<ExportReport> {
        self.export_bundle_as(path, campaign_id, Sealing::Plain)
    }

    /// `export_bundle`, encrypted (to the laptops of the campaigns it holds, their owners
    /// and the office's recovery key) or, by choice, plain. A laptop enrolled in none of
    /// the campaigns it holds sends its introduction only, plain: its keys, nothing else.
    pub fn export_bundle_as(
        &self,
        path: &Path,
        campaign_id: Option<&str>,
        sealing: Sealing,
    ) -> Result<ExportReport> {
        let plan = self.export_readers(campaign_id)?;
        // Plain by choice sends what was asked for; encrypted, a laptop that belongs to no
        // campaign has nobody to encrypt to and sends its introduction.
        let introduction = sealing == Sealing::Encrypted && plan.introduction;
        let scope = if introduction {
            Some([self.device().id.clone()].into())
        } else {
            match campaign_id {
                Some(c) => Some(self.campaign_scope(c)?),
                None => None,
            }
        };
        let encrypted = sealing == Sealing::Encrypted && !introduction;
        let campaign_id = campaign_id.filter(|_| !introduction);
        if encrypted && plan.readers.len() < 2 {
            return Err(Error::NoReaders);
        }
        let tmp = AtomicFile::beside(path, ".kiemtra-export-")?;
        let (revisions, records) = if encrypted {
            // The plaintext ZIP stays in this laptop's data folder, nameless.
            let dir = self.path().parent().unwrap_or(Path::new("."));
            let mut plain = tempfile::tempfile_in(dir)?;
            let counts = self.write_bundle(&plain, &scope, campaign_id)?;
            super::encryption::encrypt(&mut plain, tmp.file(), &plan.readers)?;
            counts
        } else {
            self.write_bundle(tmp.file(), &scope, campaign_id)?
        };
        let bytes = tmp.file().metadata()?.len();
        tmp.commit(path)?;
        Ok(ExportReport {
            path: path.to_path_buf(),
            revisions,
            records,
            bytes,
            readers: encrypted.then_some(plan.readers),
            without_key: if encrypted {
                plan.without_key
            } else {
                Vec::new()
            },
            introduction,
        })
    }

    /// The files named by the live attachments in scope, each once.
    fn blobs_in(
        &self,
        scope: &Option<HashSet<String>>,
    ) -> Result<std::collections::BTreeSet<String>> {
        let mut st = self.conn().prepare(
            "SELECT id, json_extract(body, '$.sha256') FROM records
             WHERE kind = 'attachment' AND deleted = 0",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = std::collections::BTreeSet::new();
        for row in rows {
            let (id, sha) = row?;
            if scope.as_ref().is_some_and(|s| !s.contains(&id)) {
                continue;
            }
            if let Some(sha) = sha {
                out.insert(sha);
            }
        }
        Ok(out)
    }

    fn write_bundle(
        &self,
        file: &File,
        scope: &Option<HashSet<String>>,
        campaign_id: Option<&str>,
    ) -> Result<(u64, u64)> {
        let mut zip = zip::ZipWriter::new(BufWriter::new(file));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file(REVISIONS, opts).map_err(zip_err)?;
        let (revisions, records, hash, size) = {
            let mut out = Hashing {
                inner: BufWriter::new(&mut zip),
                hash: Sha256::new(),
                size: 0,
            };
            // One read snapshot for the rows and the count of their records.
            let tx = self.conn().unchecked_transaction()?;
            let mut st = tx.prepare(
                "SELECT record_id, kind, rev, parents, device_id, hlc, deleted, body, person, sig
                 FROM revisions ORDER BY seq",
            )?;
            let mut rows = st.query([])?;
            let mut revisions = 0u64;
            // Only a campaign's records are counted as they go (the scope is in memory
            // anyway); everything else is counted by SQLite, so memory stays flat.
            let mut seen: HashSet<&str> = HashSet::new();
            let mut line = Vec::with_capacity(4096);
            while let Some(r) = rows.next()? {
                if let Some(s) = scope {
                    let id = column_text(r, 0)?;
                    match s.get(id) {
                        Some(id) => seen.insert(id.as_str()),
                        None => continue,
                    };
                }
                line.clear();
                revision_line(&mut line, r)?;
                out.write_all(&line)?;
                revisions += 1;
            }
            drop(rows);
            let records = match scope {
                Some(_) => seen.len() as u64,
                None => {
                    tx.query_row("SELECT COUNT(DISTINCT record_id) FROM revisions", [], |r| {
                        r.get::<_, i64>(0)
                    })? as u64
                }
            };
            out.flush()?;
            let (hash, size) = (hex::encode(out.hash.finalize()), out.size);
            (revisions, records, hash, size)
        };
        // The files of the attachments carried (live ones that this laptop has), stored as
        // they are: photos and PDFs are compressed already.
        let mut entries: std::collections::BTreeMap<String, EntryInfo> =
            [(REVISIONS.to_string(), EntryInfo { sha256: hash, size })].into();
        let blobs = self.blobs_in(scope)?;
        let raw = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        for sha in &blobs {
            let Some(path) = self.blob_path(sha) else {
                continue;
            };
            let name = format!("{BLOBS}{sha}");
            zip.start_file(name.as_str(), raw).map_err(zip_err)?;
            let size = std::io::copy(&mut File::open(&path)?, &mut zip)?;
            entries.insert(
                name,
                EntryInfo {
                    sha256: sha.clone(),
                    size,
                },
            );
        }
        let key = self.public_key()?;
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            schema_version: crate::schema::DATA_VERSION,
            app_version: env!("CARGO_PKG_VERSION").into(),
            device: BundleDevice {
                id: self.device().id.clone(),
                name: self.device().name.clone(),
                public_key: key.clone(),
                people: self
                    .get::<kiemtra_domain::trust::DeviceCard>(&self.device().id)?
                    .map(|c| c.body.people)
                    .unwrap_or_default(),
                age_recipient: self.age_recipient()?,
            },
            inspector: self.device().name.clone(),
            created_at: Hlc::tick(Hlc::ZERO, Hlc::now_millis()).to_text(),
            campaign_id: campaign_id.map(str::to_string),
            counts: Counts {
                revisions,
                records,
                blobs: (entries.len() - 1) as u64,
            },
            entries,
        };
        let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
        let signature = Signature {
            algorithm: "ed25519".into(),
            public_key: key,
            signature: self.sign(&manifest_bytes)?,
        };
        zip.start_file(MANIFEST, opts).map_err(zip_err)?;
        zip.write_all(&manifest_bytes)?;
        zip.start_file(SIGNATURE, opts).map_err(zip_err)?;
        zip.write_all(&serde_json::to_vec_pretty(&signature)?)?;
        let mut w = zip.finish().map_err(zip_err)?;
        w.flush()?;
        Ok((revisions, records))
    }

    /// Who made a bundle (its signed manifest's laptop), without importing anything: what
    /// the import preview shows of an unknown laptop, and what enrolling it from the file
    /// reads its key from.
    pub fn bundle_maker(&self, path: &Path) -> Result<BundleDevice> {
        Ok(signed_manifest(&mut self.open_bundle(path)?.zip)?.device)
    }

    /// Import one bundle: verify it, then add the revisions this laptop lacks, in one
    /// transaction. With `dry_run` everything is checked and counted, then rolled back.
    pub fn import_bundle(&mut self, path: &Path, dry_run: bool) -> Result<ImportReport> {
        self.import_bundle_with(path, dry_run, &mut |_| {})
    }

    /// `import_bundle`, reporting progress every few thousand revisions (for the app's bar).
    pub fn import_bundle_with(
        &mut self,
        path: &Path,
        dry_run: bool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<ImportReport> {
        let opened = self.open_bundle(path)?;
        let (mut zip, file_sha, encrypted_to) = (opened.zip, opened.sha256, opened.encrypted_to);

        // Only the names we write, each once; nothing that could point elsewhere.
        let mut names = HashSet::new();
        for i in 0..zip.len() {
            let f = zip.by_index_raw(i).map_err(|_| bad(P::DamagedZipEntry))?;
            let name = f.name().to_string();
            let allowed = matches!(name.as_str(), MANIFEST | REVISIONS | SIGNATURE)
                || name.strip_prefix(BLOBS).is_some_and(|h| {
                    h.len() == 64
                        && h.bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                });
            if !allowed {
                return Err(bad(P::UnexpectedEntry { name }));
            }
            if !names.insert(name.clone()) {
                return Err(bad(P::DuplicateEntry { name }));
            }
            let (size, packed) = (f.size(), f.compressed_size().max(1));
            if size / packed > MAX_RATIO && size > MAX_SMALL_ENTRY {
                return Err(bad(P::ZipBomb { name }));
            }
        }
        for required in [MANIFEST, REVISIONS, SIGNATURE] {
            if !names.contains(required) {
                return Err(bad(P::Missing {
                    name: required.to_string(),
                }));
            }
        }
        let manifest = signed_manifest(&mut zip)?;
        let known_key: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT public_key FROM devices WHERE id = ?1",
                [&manifest.device.id],
                |r| r.get(0),
            )
            .ok();
        if let Some(Some(k)) = &known_key {
            if *k != manifest.device.public_key {
                return Err(Error::KeyChanged {
                    device: manifest.device.name.clone(),
                });
            }
        }
        let new_device = !matches!(known_key, Some(Some(_)));
        let entry = manifest
            .entries
            .get(REVISIONS)
            .ok_or_else(|| bad(P::ManifestLacksRevisions))?
            .clone();
        if entry.size > MAX_REVISIONS_BYTES {
            return Err(bad(P::TooLarge));
        }

        // Attachment files: each listed in the signed manifest, its content hashing to its
        // name. Kept (content-addressed, so harmless if the revisions are then refused)
        // before the revisions go in, so no record ever names a file that is not there.
        let blob_names: Vec<String> = names
            .iter()
            .filter(|n| n.starts_with(BLOBS))
            .cloned()
            .collect();
        let mut new_files = 0u64;
        for name in &blob_names {
            let sha = &name[BLOBS.len()..];
            let info = manifest
                .entries
                .get(name)
                .ok_or_else(|| bad(P::NotInManifest { name: name.clone() }))?;
            let mut f = zip
                .by_name(name)
                .map_err(|_| bad(P::DamagedEntry { name: name.clone() }))?;
            if info.sha256 != sha || f.size() != info.size || info.size > MAX_ATTACHMENT {
                return Err(bad(P::AttachmentDiffers {
                    sha: sha.to_string(),
                }));
            }
            if self.blob_path(sha).is_none() {
                new_files += 1;
            }
            if dry_run {
                let mut h = HashingReader {
                    inner: (&mut f).take(MAX_ATTACHMENT + 1),
                    hash: Sha256::new(),
                    size: 0,
                };
                std::io::copy(&mut h, &mut std::io::sink())
                    .map_err(|_| bad(P::DamagedEntry { name: name.clone() }))?;
                if hex::encode(h.hash.finalize()) != sha {
                    return Err(bad(P::AttachmentChanged {
                        sha: sha.to_string(),
                    }));
                }
            } else {
                crate::attachments::store_blob(&self.blob_dir(), &mut f, MAX_ATTACHMENT, Some(sha))
                    .map_err(|e| match e {
                        Error::Io(_) => bad(P::DamagedEntry { name: name.clone() }),
                        other => other,
                    })?;
            }
        }
        for name in manifest.entries.keys() {
            if !names.contains(name) {
                return Err(bad(P::Missing {
                    name: name.to_string(),
                }));
            }
        }

        let source = format!("import:{}", &file_sha[..16]);
        // A bigger page cache while the import runs: a bundle touches pages all over the
        // indexes, and SQLite's default 2 MB spills them to the WAL and reads them back.
        let cache: i64 = self
            .conn()
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        let page_size: i64 = self
            .conn()
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        // cache_size is KiB when negative, pages when positive.
        let cache_kib = if cache < 0 {
            -cache
        } else {
            cache * page_size / 1024
        };
        if cache_kib < IMPORT_CACHE_KIB {
            self.conn()
                .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        }
        let batch = self.import_batch();
        let me = self.device().id.clone();
        let mut verifier = Some(crate::trust::verify::Verifier::start());
        let report = self.transact_imported(!dry_run, |w| {
            let f = zip
                .by_name(REVISIONS)
                .map_err(|_| bad(P::Missing { name: REVISIONS.to_string() }))?;
            if f.size() != entry.size {
                return Err(bad(P::RevisionsSizeDiffers));
            }
            let mut reader = HashingReader {
                inner: f.take(entry.size + 1),
                hash: Sha256::new(),
                size: 0,
            };
            let mut lines = BufReader::new(&mut reader);
            let mut line = Vec::new();
            let (mut total, mut new, mut clock_ahead) = (0u64, 0u64, 0u64);
            let wall = Hlc::now_millis();
            // Every revision added from here on has a higher seq: that is how the records
            // this bundle touched are found again at the end (to count conflicts), however
            // many there are.
            let before = w.last_seq()?;
            // Records in conflict already (few: the index holds only them), so that only
            // conflicts this bundle makes are counted as new.
            let already: HashSet<String> = w
                .conn()
                .prepare("SELECT id FROM record_state WHERE conflict = 1")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            // One pass: the bytes are hashed as they are read. Nothing is kept unless the
            // hash and size match the signed manifest (the transaction rolls back), and when
            // they do not, that is the error reported, whatever a changed line looked like.
            let mut read_all = |w: &mut crate::store::Writer<'_>,
                                lines: &mut BufReader<&mut HashingReader<_>>|
             -> Result<()> {
                loop {
                    line.clear();
                    let n = lines.by_ref().take(MAX_LINE).read_until(b'\n', &mut line)?;
                    if n == 0 {
                        break;
                    }
                    if line.last() != Some(&b'\n') {
                        return Err(bad(P::LineTooLong { line: total + 1 }));
                    }
                    let rev: Revision = serde_json::from_slice(&line).map_err(|e| {
                        bad(P::RevisionUnreadable { line: total + 1, detail: e.to_string() })
                    })?;
                    check_revision(&rev).map_err(|e| {
                        bad(P::RevisionRefused { rev: rev.rev.clone(), id: rev.id.clone(), reason: Box::new(e) })
                    })?;
                    let ahead = Hlc::parse(&rev.hlc).is_some_and(|h| h.is_far_ahead(wall));
                    let signed = crate::trust::verify::Signed::of(&rev);
                    if w.apply_deferred(rev, &source).map_err(|e| match e {
                        kiemtra_store::Error::BadRevision(p) => bad(P::Revision(p)),
                        other => other.into(),
                    })? {
                        if let Some(v) = verifier.as_mut() {
                            v.add(w.conn(), signed)?;
                        }
                        new += 1;
                        clock_ahead += u64::from(ahead);
                        if w.touched_len() >= batch {
                            w.materialize_touched()?;
                        }
                    }
                    total += 1;
                    if total % PROGRESS_EVERY == 0 {
                        progress(Progress { done: total, total: manifest.counts.revisions });
                    }
                }
                Ok(())
            };
            let outcome = read_all(w, &mut lines);
            if outcome.is_err() {
                // Read the rest so the hash covers the whole entry.
                let _ = std::io::copy(&mut lines, &mut std::io::sink());
            }
            drop(lines);
            if reader.size != entry.size || hex::encode(reader.hash.finalize_reset()) != entry.sha256 {
                return Err(bad(P::RevisionsChanged));
            }
            outcome?;
            // The workers check the last signatures while the graph is checked and built.
            if let Some(v) = verifier.as_mut() {
                v.close(w.conn())?;
            }
            w.verify_deferred().map_err(|e| match e {
                kiemtra_store::Error::BadRevision(p) => bad(P::Revision(p)),
                other => Error::from(other),
            })?;
            w.materialize_touched()?;
            progress(Progress { done: total, total: manifest.counts.revisions });
            if total != manifest.counts.revisions {
                return Err(bad(P::CountDiffers));
            }
            let verifier = verifier.take().expect("one import, one verifier");
            let made = crate::trust::Made {
                maker: &manifest.device,
                created_at: &manifest.created_at,
                campaign_id: manifest.campaign_id.as_deref(),
            };
            crate::trust::judge_import(w, &me, before, &made, verifier)?;
            // Records this bundle gave a revision that are now in conflict, and were not.
            let conflicts = w
                .conn()
                .prepare(
                    "SELECT s.id FROM record_state s WHERE s.conflict = 1
                     AND EXISTS (SELECT 1 FROM revisions v WHERE v.record_id = s.id AND v.seq > ?1)",
                )?
                .query_map([before], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter(|id| !already.contains(id))
                .count() as u64;
            let changed_after_signing = crate::visit::changed_since(w, before)?;
            let now = Hlc::tick(Hlc::ZERO, Hlc::now_millis()).to_text();
            w.conn().execute(
                "INSERT INTO devices(id, name, public_key, first_seen, is_self) VALUES (?1, ?2, ?3, ?4, 0)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                    public_key = COALESCE(devices.public_key, excluded.public_key)",
                rusqlite::params![manifest.device.id, manifest.device.name, manifest.device.public_key, now],
            )?;
            w.conn().execute(
                "INSERT INTO imports(id, at, file_name, file_sha256, device_id, device_name, created_at,
                                     revisions, new_revisions, conflicts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![
                    crate::ids::new_id(),
                    now,
                    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    file_sha,
                    manifest.device.id,
                    manifest.device.name,
                    manifest.created_at,
                    total as i64,
                    new as i64,
                    conflicts as i64
                ],
            )?;
            Ok(ImportReport {
                file: path.to_path_buf(),
                fingerprint: crate::keys::fingerprint(&manifest.device.public_key),
                device: manifest.device.clone(),
                inspector: manifest.inspector.clone(),
                created_at: manifest.created_at.clone(),
                campaign_id: manifest.campaign_id.clone(),
                new_device,
                revisions: total,
                new_revisions: new,
                known_revisions: total - new,
                new_conflicts: conflicts,
                changed_after_signing,
                encrypted_to,
                clock_ahead,
                files: blob_names.len() as u64,
                new_files,
                dry_run,
            })
        });
        if cache_kib < IMPORT_CACHE_KIB {
            // Back to what it was (SQLite frees the pages above it).
            self.conn().pragma_update(None, "cache_size", cache)?;
        }
        // Remembered (locally, never synced) so that it can be enrolled or trusted by its id.
        match &report {
            Err(Error::UnknownLaptop(_)) => self.remember_candidate(&manifest.device)?,
            Err(Error::UntrustedOwner(s)) if !s.public_key.is_empty() => {
                self.remember_candidate(&BundleDevice {
                    id: s.device_id.clone(),
                    name: s.name.clone(),
                    public_key: s.public_key.clone(),
                    people: s.people.clone(),
                    age_recipient: String::new(),
                })?
            }
            _ => {}
        }
        report
    }
}

fn column_text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> Result<&'r str> {
    r.get_ref(i)?
        .as_str()
        .map_err(|e| Error::Corrupt(format!("revisions, column {i}: {e}")))
}

/// One line of revisions.jsonl from a `revisions` row: exactly the bytes serde writes for a
/// `Revision` (fields id, kind, rev, parents, device, person, hlc, deleted, body, sig; person
/// and sig only when there is one), with parents and
/// body copied as stored (they are stored as that same JSON) instead of parsed and written
/// again. They are still checked to be JSON.
fn revision_line(out: &mut Vec<u8>, r: &rusqlite::Row<'_>) -> Result<()> {
    let rev = column_text(r, 2)?;
    let parents = column_text(r, 3)?;
    let body = column_text(r, 7)?;
    for (what, json) in [("parents", parents), ("body", body)] {
        serde_json::from_str::<serde::de::IgnoredAny>(json)
            .map_err(|e| Error::Corrupt(format!("revision {rev}: {what}: {e}")))?;
    }
    out.extend_from_slice(b"{\"id\":");
    serde_json::to_writer(&mut *out, column_text(r, 0)?)?;
    out.extend_from_slice(b",\"kind\":");
    serde_json::to_writer(&mut *out, column_text(r, 1)?)?;
    out.extend_from_slice(b",\"rev\":");
    serde_json::to_writer(&mut *out, rev)?;
    out.extend_from_slice(b",\"parents\":");
    out.extend_from_slice(parents.as_bytes());
    out.extend_from_slice(b",\"device\":");
    serde_json::to_writer(&mut *out, column_text(r, 4)?)?;
    let person = column_text(r, 8)?;
    if !person.is_empty() {
        out.extend_from_slice(b",\"person\":");
        serde_json::to_writer(&mut *out, person)?;
    }
    out.extend_from_slice(b",\"hlc\":");
    serde_json::to_writer(&mut *out, column_text(r, 5)?)?;
    out.extend_from_slice(if r.get::<_, bool>(6)? {
        b",\"deleted\":true,\"body\":"
    } else {
        b",\"deleted\":false,\"body\":"
    });
    out.extend_from_slice(body.as_bytes());
    if let Some(sig) = r
        .get_ref(9)?
        .as_str_or_null()
        .map_err(|e| Error::Corrupt(format!("sig: {e}")))?
    {
        out.extend_from_slice(b",\"sig\":");
        serde_json::to_writer(&mut *out, sig)?;
    }
    out.extend_from_slice(b"}\n");
    Ok(())
}

/// A revision from elsewhere must be a well-formed revision of a known kind.
fn check_revision(rev: &Revision) -> Result<()> {
    uuid::Uuid::parse_str(&rev.id)
        .map_err(|_| Error::Invalid(crate::Invalid::Uuid(rev.id.clone())))?;
    uuid::Uuid::parse_str(&rev.device)
        .map_err(|_| Error::Invalid(crate::Invalid::Uuid(rev.device.clone())))?;
    if Hlc::parse(&rev.hlc).is_none() {
        return Err(Error::invalid_field("hlc", rev.hlc.clone()));
    }
    Ok(model::validate_body(&rev.kind, &rev.body)?)
}

/// A bundle file as a ZIP: a missing file is "not found", anything that is not a ZIP a bad
/// bundle.
/// The manifest of a bundle, once its signature checks with the key it names (the key of
/// the laptop that made the file), and of a format this build reads.
fn signed_manifest<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Result<Manifest> {
    let manifest_bytes = read_small(zip, MANIFEST)?;
    let sig_bytes = read_small(zip, SIGNATURE)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes).map_err(|e| {
        bad(P::ManifestUnreadable {
            detail: e.to_string(),
        })
    })?;
    if manifest.format != FORMAT {
        return Err(bad(P::NotKiemtra));
    }
    if manifest.format_version > FORMAT_VERSION
        || manifest.schema_version > crate::schema::DATA_VERSION
    {
        return Err(Error::BundleTooNew {
            format: manifest.format_version,
            schema: manifest.schema_version,
        });
    }
    if manifest.format_version < FORMAT_VERSION {
        return Err(Error::BundleTooOld {
            format: manifest.format_version,
        });
    }
    let sig: Signature = serde_json::from_slice(&sig_bytes).map_err(|_| Error::BadSignature)?;
    if sig.algorithm != "ed25519"
        || sig.public_key != manifest.device.public_key
        || !crate::keys::verify(&sig.public_key, &manifest_bytes, &sig.signature)
    {
        return Err(Error::BadSignature);
    }
    Ok(manifest)
}

fn read_small<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Vec<u8>> {
    let f = zip.by_name(name).map_err(|_| {
        bad(P::Missing {
            name: name.to_string(),
        })
    })?;
    if f.size() > MAX_SMALL_ENTRY {
        return Err(bad(P::EntryTooLarge {
            name: name.to_string(),
        }));
    }
    let mut buf = Vec::new();
    f.take(MAX_SMALL_ENTRY + 1)
        .read_to_end(&mut buf)
        .map_err(|_| {
            bad(P::EntryDamaged {
                name: name.to_string(),
            })
        })?;
    if buf.len() as u64 > MAX_SMALL_ENTRY {
        return Err(bad(P::EntryTooLarge {
            name: name.to_string(),
        }));
    }
    Ok(buf)
}

fn zip_err(e: zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::Io(io) => Error::Io(io),
        other => Error::Io(std::io::Error::other(other.to_string())),
    }
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
