//! Backups: whole copies of the database in `backups/` beside it, each with an optional note
//! (the layer above says why it was made), listed newest first, and one put back into the
//! open database.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use crate::db::Db;
use crate::error::Result;
use crate::files::AtomicFile;

/// A copy in the backups folder.
#[derive(Debug, Clone)]
pub struct BackupFile {
    pub path: PathBuf,
    pub name: String,
    /// When it was made (from its name, which sorts by it).
    pub created: DateTime<Utc>,
    pub size: u64,
    /// What its maker wrote beside it (`<name>.json`), if anything.
    pub note: Option<String>,
}

const STAMP: &str = "%Y%m%d-%H%M%S%.3f";

/// `kiemtra-20261203-141125.123.db` (or `…123-2.db`, the second made in that millisecond):
/// when, and the place among those of that millisecond.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, u32)> {
    let stem = name.strip_prefix("kiemtra-")?.strip_suffix(".db")?;
    let (stamp, seq) = match stem.get(19..) {
        Some("") => (stem, 0),
        Some(rest) => (&stem[..19], rest.strip_prefix('-')?.parse().ok()?),
        None => return None,
    };
    let t = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    Some((t.and_utc(), seq))
}

/// A copy and its note (what a failed restore leaves of its own backup, or pruning).
pub fn remove_backup(path: &Path) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(note_path(path));
}

fn note_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".json");
    PathBuf::from(p)
}

impl Db {
    /// The folder the backups of this database go to.
    pub fn backups_dir(&self) -> PathBuf {
        self.path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("backups")
    }

    /// Copy the database with SQLite's backup API to `backups/` beside it, keeping the
    /// newest `keep` copies. Returns the new copy's path.
    pub fn backup(&self, keep: usize) -> Result<PathBuf> {
        self.backup_noted(Some(keep), None)
    }

    /// `backup`, with `note` written beside the copy; `keep: None` prunes nothing (a restore
    /// prunes once it has succeeded, see `prune_backups`).
    pub fn backup_noted(&self, keep: Option<usize>, note: Option<&str>) -> Result<PathBuf> {
        let dir = self.backups_dir();
        std::fs::create_dir_all(&dir)?;
        let stamp = Utc::now().format(STAMP).to_string();
        let mut dest = dir.join(format!("kiemtra-{stamp}.db"));
        let mut seq = 1;
        while dest.exists() {
            seq += 1;
            dest = dir.join(format!("kiemtra-{stamp}-{seq}.db"));
        }
        // Written under a temporary name (private: the keys are in it) and renamed once
        // whole, so a failed copy leaves nothing that would be listed as a backup.
        let tmp = AtomicFile::in_dir(&dir, ".kiemtra-backup-")?;
        self.conn.backup(rusqlite::MAIN_DB, tmp.path(), None)?;
        if let Some(note) = note {
            let mut n = AtomicFile::in_dir(&dir, ".kiemtra-note-")?;
            std::io::Write::write_all(n.file_mut(), note.as_bytes())?;
            n.commit(&note_path(&dest))?;
        }
        if let Err(e) = tmp.commit(&dest) {
            let _ = std::fs::remove_file(note_path(&dest));
            return Err(e);
        }
        if let Some(keep) = keep {
            self.prune_backups(keep, None)?;
        }
        Ok(dest)
    }

    /// Keep the newest `keep` copies (and `spare`, a copy just restored, whatever its age).
    pub fn prune_backups(&self, keep: usize, spare: Option<&Path>) -> Result<()> {
        let mut old = self.backups()?;
        old.retain(|b| Some(b.path.as_path()) != spare);
        let room = keep.saturating_sub(usize::from(spare.is_some()));
        for b in old.into_iter().skip(room) {
            remove_backup(&b.path);
        }
        Ok(())
    }

    /// The copies in the backups folder, newest first.
    pub fn backups(&self) -> Result<Vec<BackupFile>> {
        let dir = self.backups_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for e in entries {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(when) = parse_name(&name) else {
                continue;
            };
            let meta = e.metadata()?;
            if !meta.is_file() {
                continue;
            }
            let path = e.path();
            let note = std::fs::read_to_string(note_path(&path)).ok();
            out.push((
                when,
                BackupFile {
                    path,
                    name,
                    created: when.0,
                    size: meta.len(),
                    note,
                },
            ));
        }
        out.sort_by_key(|b| std::cmp::Reverse(b.0));
        Ok(out.into_iter().map(|(_, b)| b).collect())
    }

    /// Put the whole of `src` in place of this database, in one step of SQLite's backup
    /// API (the copy lands whole or not at all). The caller checked `src` and reopens the
    /// database afterwards (migrations, identity), as after any change of the file.
    pub fn restore_from(&mut self, src: &Connection) -> Result<()> {
        let copy = rusqlite::backup::Backup::new(src, &mut self.conn)?;
        match copy.step(-1)? {
            rusqlite::backup::StepResult::Done => Ok(()),
            // Another program holds the database: nothing was copied.
            _ => Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                None,
            )
            .into()),
        }
    }
}

/// A backup opened to be read and checked: read-only and `immutable`, so that opening a
/// file (even a damaged or foreign one) writes nothing and leaves no `-wal` or `-shm` files.
pub fn open_backup(path: &Path) -> Result<Connection> {
    let abs = std::path::absolute(path)?;
    let mut uri = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    Ok(Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_then_place() {
        let a = parse_name("kiemtra-20261203-141125.123.db").unwrap();
        let b = parse_name("kiemtra-20261203-141125.123-2.db").unwrap();
        let c = parse_name("kiemtra-20261203-141125.124.db").unwrap();
        assert!(a < b && b < c);
        assert!(parse_name("kiemtra-20261203-141125.123.db.json").is_none());
        assert!(parse_name("kiemtra-x.db").is_none());
    }
}
