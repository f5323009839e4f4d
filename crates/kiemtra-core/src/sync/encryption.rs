//! Who may read a bundle (TRUST.md). A bundle leaves as the same ZIP wrapped in age
//! (X25519 recipients): readable by the laptops of its campaigns (their owners and every
//! laptop enrolled and not revoked), by the office's recovery key, and by the laptop that
//! made it; by nobody else, and by anyone holding one of those identities with the standard
//! `age` tool and any unzip, without this app.
//!
//! The header also names each reader by its id, in the clear (ids only: nothing a finder
//! of the stick learns from), so a laptop that cannot open a file can say who can; age
//! ignores stanzas it does not know, and the header's MAC covers them for those who can.
//!
//! The plaintext ZIP only ever exists in the laptop's own data folder, in an anonymous file
//! the system removes when it is closed (or the process dies): never on the stick.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use age_core::format::{FileKey, Stanza};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{BundleProblem as P, Error, Result};
pub use crate::trust::{Reader, RECOVERY_READER};
pub use kiemtra_domain::trust::ReaderName;

/// How every age file begins.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// The stanza naming one reader.
const READER_TAG: &str = "kiemtra-reader";
/// The longest header read when looking for the readers' names.
const MAX_HEADER: u64 = 1 << 20;

/// A reader's id in the header, with no key material.
struct ReaderId(String);

impl age::Recipient for ReaderId {
    fn wrap_file_key(
        &self,
        _: &FileKey,
    ) -> std::result::Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        Ok((
            vec![Stanza {
                tag: READER_TAG.to_string(),
                args: vec![self.0.clone()],
                body: Vec::new(),
            }],
            HashSet::new(),
        ))
    }
}

/// Encrypt the ZIP in `plain` (read from its start) to `readers`, into `out`.
pub(crate) fn encrypt(plain: &mut File, out: &File, readers: &[Reader]) -> Result<()> {
    let mut recipients: Vec<Box<dyn age::Recipient>> = Vec::new();
    for r in readers {
        let key: age::x25519::Recipient = r
            .recipient
            .parse()
            .map_err(|_| Error::invalid_field("age_recipient", r.recipient.clone()))?;
        recipients.push(Box::new(key));
        recipients.push(Box::new(ReaderId(r.id.clone())));
    }
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref() as _))
        .map_err(|e| Error::Corrupt(format!("age: {e}")))?;
    plain.seek(SeekFrom::Start(0))?;
    let mut w = encryptor.wrap_output(BufWriter::new(out))?;
    std::io::copy(plain, &mut w)?;
    w.finish()?.flush()?;
    Ok(())
}

/// Whether the file at `path` is an age file (an encrypted bundle, or something else
/// encrypted with age).
pub(crate) fn is_encrypted(file: &mut File) -> Result<bool> {
    let mut head = [0u8; AGE_MAGIC.len()];
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(n == head.len() && head == AGE_MAGIC)
}

/// The reader ids an encrypted bundle's header names, and whether it is encrypted with a
/// passphrase instead. Reads the header only.
fn header_readers(file: &mut File) -> Result<(Vec<String>, bool)> {
    let mut ids = Vec::new();
    let mut passphrase = false;
    let mut lines = BufReader::new((&mut *file).take(MAX_HEADER));
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 || line.starts_with("---") {
            break;
        }
        let mut words = line.trim_end().split(' ');
        if words.next() != Some("->") {
            continue;
        }
        match (words.next(), words.next()) {
            (Some(READER_TAG), Some(id)) => ids.push(id.to_string()),
            (Some("scrypt"), _) => passphrase = true,
            _ => {}
        }
    }
    file.seek(SeekFrom::Start(0))?;
    Ok((ids, passphrase))
}

/// What decrypting gave: the ZIP (an anonymous file in `temp_dir`), its SHA-256, and the
/// ids of the readers the header named.
pub(crate) struct Decrypted {
    pub file: File,
    pub sha256: String,
    pub readers: Vec<String>,
}

/// Decrypt an encrypted bundle with this laptop's identity into an anonymous file in
/// `temp_dir`, at most `max` bytes. `names` turns reader ids into what people call them.
pub(crate) fn decrypt(
    mut file: File,
    identity: &age::x25519::Identity,
    temp_dir: &Path,
    max: u64,
    names: impl Fn(&str) -> ReaderName,
) -> Result<Decrypted> {
    let (readers, passphrase) = header_readers(&mut file)?;
    if passphrase {
        return Err(Error::PassphraseBundle);
    }
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|_| Error::BadBundle(P::Undecryptable))?;
    let mut plain = match decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::NoMatchingKeys) => {
            return Err(Error::NotForThisLaptop {
                readers: readers.iter().map(|id| names(id)).collect(),
            })
        }
        Err(age::DecryptError::Io(e)) => return Err(Error::Io(e)),
        Err(_) => return Err(Error::BadBundle(P::Undecryptable)),
    };
    let mut out = tempfile::tempfile_in(temp_dir)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    {
        let mut w = BufWriter::new(&mut out);
        loop {
            let n = match plain.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // A chunk that fails its tag, or a stream cut short.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
                    ) =>
                {
                    return Err(Error::BadBundle(P::Undecryptable))
                }
                Err(e) => return Err(Error::Io(e)),
            };
            total += n as u64;
            if total > max {
                return Err(Error::BadBundle(P::TooLarge));
            }
            hash.update(&buf[..n]);
            w.write_all(&buf[..n])?;
        }
        w.flush()?;
    }
    out.seek(SeekFrom::Start(0))?;
    Ok(Decrypted {
        file: out,
        sha256: hex::encode(hash.finalize()),
        readers,
    })
}

/// Who an export would be readable by.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReaders {
    /// This laptop first.
    pub readers: Vec<Reader>,
    /// Laptops of the campaigns whose key is not known here: they could not open it.
    pub without_key: Vec<String>,
    /// Enrolled in none of them: the export is this laptop's introduction only.
    pub introduction: bool,
}

/// A bundle file opened: its ZIP, the SHA-256 of the ZIP, and to whom it was encrypted.
pub(crate) struct Opened {
    pub zip: zip::ZipArchive<BufReader<File>>,
    pub sha256: String,
    pub encrypted_to: Option<Vec<ReaderName>>,
}

impl crate::Store {
    /// The one way a bundle file is opened: a regular file, decrypted when it is encrypted
    /// (into the data folder, never beside the file), then read as a ZIP.
    pub(crate) fn open_bundle(&self, path: &Path) -> Result<Opened> {
        let not_found = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: "file",
                id: path.display().to_string(),
            },
            _ => Error::Io(e),
        };
        // Before opening: opening a FIFO for reading would wait for a writer forever.
        if !std::fs::metadata(path).map_err(not_found)?.is_file() {
            return Err(Error::BadBundle(P::NotAFile));
        }
        let mut file = File::open(path).map_err(not_found)?;
        if !is_encrypted(&mut file)? {
            let mut h = Sha256::new();
            std::io::copy(&mut file, &mut h)?;
            file.seek(SeekFrom::Start(0))?;
            let zip = zip::ZipArchive::new(BufReader::new(file))
                .map_err(|_| Error::BadBundle(P::NotZip))?;
            return Ok(Opened {
                zip,
                sha256: hex::encode(h.finalize()),
                encrypted_to: None,
            });
        }
        let dir = self.path().parent().unwrap_or(Path::new("."));
        let d = decrypt(file, &self.age_identity()?, dir, u64::MAX, |id| {
            self.reader_name(id)
        })?;
        let names = d.readers.iter().map(|id| self.reader_name(id)).collect();
        let zip = zip::ZipArchive::new(BufReader::new(d.file))
            .map_err(|_| Error::BadBundle(P::NotZip))?;
        Ok(Opened {
            zip,
            sha256: d.sha256,
            encrypted_to: Some(names),
        })
    }

    /// Who a bundle of one campaign (or of everything) would be readable by, as the export
    /// dialog says before the file is written.
    pub fn export_readers(&self, campaign_id: Option<&str>) -> Result<ExportReaders> {
        let campaigns: Vec<String> = match campaign_id {
            Some(c) => {
                vec![self.resolve_id(<crate::model::Campaign as crate::model::Entity>::KIND, c)?]
            }
            None => self
                .list::<crate::model::Campaign>()?
                .into_iter()
                .map(|c| c.id)
                .collect(),
        };
        let plan = self.readers_of(&campaigns)?;
        Ok(ExportReaders {
            readers: plan.readers,
            without_key: plan.without_key,
            introduction: !plan.member,
        })
    }

    fn reader_name(&self, id: &str) -> ReaderName {
        if id == RECOVERY_READER {
            return ReaderName::Recovery;
        }
        let name: Option<String> = self
            .conn()
            .query_row("SELECT name FROM devices WHERE id = ?1", [id], |r| r.get(0))
            .ok();
        ReaderName::Laptop(name.unwrap_or_else(|| id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(id: &str, identity: &age::x25519::Identity) -> Reader {
        Reader {
            id: id.into(),
            name: id.into(),
            recipient: identity.to_public().to_string(),
        }
    }

    fn sealed(bytes: &[u8], readers: &[Reader]) -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().unwrap();
        let mut plain = tempfile::tempfile_in(dir.path()).unwrap();
        plain.write_all(bytes).unwrap();
        let out = tempfile::tempfile_in(dir.path()).unwrap();
        encrypt(&mut plain, &out, readers).unwrap();
        let mut out = out;
        out.seek(SeekFrom::Start(0)).unwrap();
        (dir, out)
    }

    #[test]
    fn each_reader_opens_it_and_nobody_else_but_learns_who_can() {
        let (a, b, c) = (
            age::x25519::Identity::generate(),
            age::x25519::Identity::generate(),
            age::x25519::Identity::generate(),
        );
        let text = "Đoàn xã Gia Sinh: sổ đoàn viên đầy đủ".repeat(5000);
        let readers = [reader("laptop-a", &a), reader("laptop-b", &b)];
        for who in [&a, &b] {
            let (dir, mut f) = sealed(text.as_bytes(), &readers);
            assert!(is_encrypted(&mut f).unwrap());
            let mut all = Vec::new();
            f.read_to_end(&mut all).unwrap();
            assert!(
                !all.windows(8).any(|w| w == "Gia Sinh".as_bytes()),
                "no plaintext"
            );
            f.seek(SeekFrom::Start(0)).unwrap();
            let mut d = decrypt(f, who, dir.path(), u64::MAX, |id| {
                ReaderName::Laptop(id.into())
            })
            .unwrap();
            let mut back = String::new();
            d.file.read_to_string(&mut back).unwrap();
            assert_eq!(back, text);
            assert_eq!(d.readers, vec!["laptop-a", "laptop-b"]);
        }
        let (dir, f) = sealed(text.as_bytes(), &readers);
        match decrypt(f, &c, dir.path(), u64::MAX, |id| {
            ReaderName::Laptop(format!("máy {id}"))
        }) {
            Err(Error::NotForThisLaptop { readers }) => assert_eq!(
                readers,
                vec![
                    ReaderName::Laptop("máy laptop-a".into()),
                    ReaderName::Laptop("máy laptop-b".into())
                ]
            ),
            other => panic!("{:?}", other.map(|d| d.readers)),
        }
    }

    #[test]
    fn a_damaged_truncated_or_oversized_file_is_refused() {
        let a = age::x25519::Identity::generate();
        let readers = [reader("a", &a)];
        let text = vec![b'x'; 300_000];
        let (dir, mut f) = sealed(&text, &readers);
        let mut all = Vec::new();
        f.read_to_end(&mut all).unwrap();
        let undecryptable = |bytes: &[u8]| {
            let mut g = tempfile::tempfile_in(dir.path()).unwrap();
            g.write_all(bytes).unwrap();
            g.seek(SeekFrom::Start(0)).unwrap();
            decrypt(g, &a, dir.path(), u64::MAX, |id| {
                ReaderName::Laptop(id.into())
            })
            .map(|_| ())
        };
        let mut flipped = all.clone();
        let at = flipped.len() - 100;
        flipped[at] ^= 1;
        for (what, bytes) in [
            ("altered", flipped.as_slice()),
            ("truncated", &all[..all.len() - 70_000]),
            ("header only", &all[..200]),
        ] {
            assert!(
                matches!(
                    undecryptable(bytes),
                    Err(Error::BadBundle(P::Undecryptable))
                ),
                "{what}: {:?}",
                undecryptable(bytes)
            );
        }
        let mut g = tempfile::tempfile_in(dir.path()).unwrap();
        g.write_all(&all).unwrap();
        g.seek(SeekFrom::Start(0)).unwrap();
        assert!(matches!(
            decrypt(g, &a, dir.path(), 1000, |id| ReaderName::Laptop(id.into())),
            Err(Error::BadBundle(P::TooLarge))
        ));
    }
}
