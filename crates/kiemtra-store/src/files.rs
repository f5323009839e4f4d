//! Files written whole or not at all.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Result;

/// A file being written under a temporary name in the folder where it will live, so an open
/// old copy or a failed run never leaves half a file: `commit` syncs it and renames it to
/// its name; dropped without `commit`, the temporary file is removed.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// A temporary file beside `path` (named `<prefix>…part`, so a stray one says what it
    /// was). It is private (0600) unless `readable_by_others` is called.
    pub fn beside(path: &Path, prefix: &str) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        AtomicFile::in_dir(dir, prefix)
    }

    /// A temporary file in `dir`, for content whose name is known only once written (a file
    /// named by its hash).
    pub fn in_dir(dir: &Path, prefix: &str) -> Result<AtomicFile> {
        let tmp = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(".part")
            .tempfile_in(dir)?;
        Ok(AtomicFile { tmp })
    }

    /// Where it is being written (for a writer that opens the file by name, as SQLite does).
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn file(&self) -> &File {
        self.tmp.as_file()
    }

    pub fn file_mut(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// Readable by others (0644), as a file an editor saves (a document to hand on).
    pub fn readable_by_others(&self) -> Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        Ok(())
    }

    /// Sync, then rename to `path`.
    pub fn commit(self, path: &Path) -> Result<PathBuf> {
        self.tmp.as_file().sync_all()?;
        self.tmp.persist(path).map_err(|e| e.error)?;
        Ok(path.to_path_buf())
    }

    /// `commit`, but never over an existing file (a key written once): `AlreadyExists`.
    pub fn commit_new(self, path: &Path) -> Result<PathBuf> {
        self.tmp.as_file().sync_all()?;
        self.tmp.persist_noclobber(path).map_err(|e| e.error)?;
        Ok(path.to_path_buf())
    }
}

/// Write `bytes` to `path` whole or not at all, readable by others.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::beside(path, ".kiemtra-")?;
    f.readable_by_others()?;
    f.file_mut().write_all(bytes)?;
    f.commit(path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_appears_whole_and_a_dropped_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "cũ").unwrap();
        {
            let mut f = AtomicFile::beside(&path, ".x-").unwrap();
            f.file_mut().write_all(b"half").unwrap();
            // Dropped: the old content stays and no temporary file is left.
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "cũ");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomic(&path, "mới".as_bytes()).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mới");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
