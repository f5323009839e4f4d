//! Files written whole or not at all.

use std::io::Write;
use std::path::Path;

use crate::Result;

/// Write `bytes` to `path` whole or not at all: a temp file beside it, renamed over it at
/// the end, so an open old copy or a failed run never leaves half a file. The file is
/// readable by others (0644), as a file saved by an editor would be; the temp file starts
/// private.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
