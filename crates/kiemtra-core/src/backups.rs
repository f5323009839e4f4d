//! Backups as a person sees them: the copies made before every import (and before every
//! restore), each with why it was made, and putting one back. A restore first backs up the
//! state it replaces, so it can itself be undone, and takes only a file that is a Kiểm tra
//! database of this laptop: anything else is refused and nothing changes.

use std::path::{Path, PathBuf};

use kiemtra_domain::{Lang, Localize};
use serde::{Deserialize, Serialize};

use crate::error::{BackupProblem, Error, Result};
use crate::store::Store;

/// How many backups are kept (the oldest go first).
pub const KEEP: usize = 5;

/// Why a backup was made, written beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "before", rename_all = "snake_case")]
pub enum BackupReason {
    /// Before importing these bundles (file names).
    Import { files: Vec<String> },
    /// Before importing a unit spreadsheet.
    UnitImport { file: String },
    /// Before restoring the backup of that time (RFC 3339, UTC).
    Restore { from: String, from_at: String },
}

impl Localize for BackupReason {
    fn message(&self, lang: Lang) -> String {
        match self {
            BackupReason::Import { files } => lang.pick(
                format!("Trước khi nhập {}", files.join(", ")),
                format!("Before importing {}", files.join(", ")),
            ),
            BackupReason::UnitImport { file } => lang.pick(
                format!("Trước khi nhập danh sách đơn vị {file}"),
                format!("Before importing the unit list {file}"),
            ),
            BackupReason::Restore { from_at, .. } => {
                let at = local_time(from_at);
                lang.pick(
                    format!("Trước khi khôi phục bản sao lưu lúc {at}"),
                    format!("Before restoring the backup of {at}"),
                )
            }
        }
    }
}

/// "03/12/2026 21:11" in this computer's time zone, from an RFC 3339 time.
pub fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// One backup in the list.
#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    /// Its place in the list, 1 the newest (what `kiemtra backup restore 2` names).
    pub number: usize,
    pub name: String,
    pub path: PathBuf,
    /// RFC 3339, UTC, milliseconds.
    pub created_at: String,
    pub size: u64,
    /// Unknown for backups made before reasons were written.
    pub reason: Option<BackupReason>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    /// The backup now in place.
    pub restored: BackupInfo,
    /// The backup of the state it replaced.
    pub saved: BackupInfo,
}

fn info(number: usize, b: kiemtra_store::BackupFile) -> BackupInfo {
    BackupInfo {
        number,
        name: b.name,
        created_at: b
            .created
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        size: b.size,
        // A note this build cannot read (a newer one's) is shown as unknown.
        reason: b.note.and_then(|n| serde_json::from_str(&n).ok()),
        path: b.path,
    }
}

impl Store {
    /// A backup, with why it is made; its path.
    pub fn backup_before(&self, reason: &BackupReason) -> Result<PathBuf> {
        let note = serde_json::to_string(reason)?;
        Ok(self.backup_noted(Some(KEEP), Some(&note))?)
    }

    /// The backups beside the database, newest first.
    pub fn backup_list(&self) -> Result<Vec<BackupInfo>> {
        Ok(self
            .backups()?
            .into_iter()
            .enumerate()
            .map(|(i, b)| info(i + 1, b))
            .collect())
    }

    /// A backup of the list by its number (1 the newest) or file name.
    pub fn backup_named(&self, which: &str) -> Result<BackupInfo> {
        let which = which.trim();
        self.backup_list()?
            .into_iter()
            .find(|b| b.name == which || which.parse() == Ok(b.number))
            .ok_or_else(|| Error::NotFound {
                what: "backup",
                id: which.to_string(),
            })
    }

    /// Put the backup at `path` in place of the current data, after backing the current
    /// data up; the store is reopened on the restored file (whose migrations run if it is
    /// older). A file that is not this laptop's Kiểm tra data is refused before anything
    /// is written.
    pub fn restore_backup(&mut self, path: &Path) -> Result<Restored> {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let refuse = |problem| Error::BadBackup {
            file: file.clone(),
            problem,
        };
        let meta = std::fs::metadata(path).map_err(|_| Error::NotFound {
            what: "file",
            id: path.display().to_string(),
        })?;
        if !meta.is_file() {
            return Err(refuse(BackupProblem::NotDatabase));
        }
        if meta.len() == 0 {
            return Err(refuse(BackupProblem::Empty));
        }
        let src = kiemtra_store::open_backup(path)?;
        self.check_backup(&src).map_err(refuse)?;
        let from = self
            .backups()?
            .into_iter()
            .find(|b| std::fs::canonicalize(&b.path).ok() == std::fs::canonicalize(path).ok());
        let from_at = from
            .as_ref()
            .map(|b| b.created)
            .unwrap_or_else(|| {
                meta.modified()
                    .map(Into::into)
                    .unwrap_or_else(|_| chrono::Utc::now())
            })
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let reason = BackupReason::Restore {
            from: file.clone(),
            from_at: from_at.clone(),
        };
        let note = serde_json::to_string(&reason)?;
        let spare = from.as_ref().map(|b| b.path.clone());
        let saved_path = self.backup_noted(None, Some(&note))?;
        if let Err(e) = self.restore_from(&src) {
            // Nothing was restored, so nothing stays of the attempt either.
            kiemtra_store::remove_backup(&saved_path);
            return Err(match e {
                kiemtra_store::Error::Db(d) if is_busy(&d) => Error::RestoreBusy,
                other => other.into(),
            });
        }
        drop(src);
        // The restored file may be older (migrations to run) and is read afresh.
        let db_path = self.path().to_path_buf();
        *self = Store::open(&db_path)?;
        // Pruned now that it worked; the copy restored stays whatever its age.
        self.prune_backups(KEEP, spare.as_deref())?;
        let list = self.backup_list()?;
        let saved = list
            .iter()
            .find(|b| b.path == saved_path)
            .cloned()
            .ok_or_else(|| Error::NotFound {
                what: "backup",
                id: saved_path.display().to_string(),
            })?;
        let restored = match spare {
            Some(p) => list.into_iter().find(|b| b.path == p),
            None => None,
        }
        .unwrap_or(BackupInfo {
            number: 0,
            name: file,
            path: path.to_path_buf(),
            created_at: from_at,
            size: meta.len(),
            reason: None,
        });
        Ok(Restored { restored, saved })
    }

    /// Whether `src` is a Kiểm tra database of this laptop this build can open.
    fn check_backup(&self, src: &rusqlite::Connection) -> std::result::Result<(), BackupProblem> {
        let ok: String = src
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => BackupProblem::NotDatabase,
                _ => BackupProblem::Damaged,
            })?;
        if ok != "ok" {
            return Err(BackupProblem::Damaged);
        }
        let version: i64 = src
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|_| BackupProblem::NotKiemtra)?;
        let tables: i64 = src
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'
                 AND name IN ('revisions', 'record_state', 'devices', 'meta')",
                [],
                |r| r.get(0),
            )
            .map_err(|_| BackupProblem::NotKiemtra)?;
        if version < 1 || tables < 4 {
            return Err(BackupProblem::NotKiemtra);
        }
        let supported = crate::schema::latest();
        if version > supported {
            return Err(BackupProblem::TooNew {
                found: version,
                supported,
            });
        }
        let (id, name): (String, String) = src
            .query_row("SELECT id, name FROM devices WHERE is_self = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|_| BackupProblem::NotKiemtra)?;
        if id != self.device().id {
            return Err(BackupProblem::OtherLaptop { name });
        }
        Ok(())
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
