//! Photos and scanned documents of a visit. The file itself is stored once, named by its
//! SHA-256, in `blobs/` beside the database; an `attachment` record (synced like any other)
//! names it. Bundles carry the files of the attachments they carry.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Attachment, Entity, Unit, Visit, VisitStatus};
use crate::store::{Store, Stored};
use crate::text;
use crate::Rule;
use kiemtra_store::files::AtomicFile;

/// The largest file accepted (a scanned report of many pages, a phone photo).
pub const MAX_ATTACHMENT: u64 = 50 << 20;

/// What the file is, from its first bytes (not its name, which anyone can change).
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

pub fn is_image(mime: &str) -> bool {
    mime.starts_with("image/")
}

pub use kiemtra_domain::ids::attachment_id;

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub id: String,
    pub rev: String,
    #[serde(flatten)]
    pub body: Attachment,
    /// Whether the file is on this laptop (a bundle may have carried the record only).
    pub present: bool,
    pub is_image: bool,
}

/// Copy `reader` into `dir` under a temporary name while hashing it; then rename it to its
/// hash (kept if already there). Returns (sha256, size). `expect` refuses other content.
pub(crate) fn store_blob(
    dir: &Path,
    reader: &mut dyn Read,
    limit: u64,
    expect: Option<&str>,
) -> Result<(String, u64)> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = AtomicFile::in_dir(dir, ".blob-")?;
    let mut hash = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    let mut limited = reader.take(limit + 1);
    loop {
        let n = limited.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hash.update(&buf[..n]);
        tmp.file_mut().write_all(&buf[..n])?;
    }
    if size > limit {
        return Err(Error::rule(
            "file",
            Rule::FileTooLarge {
                limit_mb: limit >> 20,
            },
        ));
    }
    let sha = hex::encode(hash.finalize());
    if let Some(e) = expect {
        if e != sha {
            return Err(Error::BadBundle(
                crate::error::BundleProblem::AttachmentChanged { sha: e.to_string() },
            ));
        }
    }
    let target = dir.join(&sha);
    if !target.exists() {
        tmp.commit(&target)?;
    }
    Ok((sha, size))
}

impl Store {
    /// Where attachment files live: `blobs/` beside the database.
    pub fn blob_dir(&self) -> PathBuf {
        self.path().parent().unwrap_or(Path::new(".")).join("blobs")
    }

    /// The file of a blob, if this laptop has it.
    pub fn blob_path(&self, sha256: &str) -> Option<PathBuf> {
        if !is_sha256(sha256) {
            return None;
        }
        let p = self.blob_dir().join(sha256);
        p.is_file().then_some(p)
    }

    /// Attach a photo or a scanned document (JPEG, PNG, GIF, WebP or PDF) to a visit.
    /// Attaching the same file again returns the existing attachment.
    pub fn attach(
        &mut self,
        visit_id: &str,
        file: &Path,
        caption: &str,
        item_code: Option<&str>,
    ) -> Result<Stored<Attachment>> {
        let visit_id = self.resolve_id(Visit::KIND, visit_id)?;
        self.refuse_if_signed(&visit_id)?;
        let f = File::open(file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotFound {
                what: "file",
                id: file.display().to_string(),
            },
            _ => Error::Io(e),
        })?;
        let mut reader = BufReader::new(f);
        let mut head = [0u8; 16];
        let n = read_head(&mut reader, &mut head)?;
        let mime = sniff(&head[..n]).ok_or_else(|| Error::rule("file", Rule::OnlyPhotosOrPdf))?;
        let mut whole = (&head[..n]).chain(reader);
        let (sha, size) = store_blob(&self.blob_dir(), &mut whole, MAX_ATTACHMENT, None)?;
        let file_name = text::nfc(
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| sha.clone())
                .trim(),
        );
        let id = attachment_id(&visit_id, &sha);
        if let Some(existing) = self.get::<Attachment>(&id)? {
            return Ok(existing);
        }
        let body = Attachment {
            visit_id: visit_id.clone(),
            sha256: sha,
            file_name,
            mime: mime.to_string(),
            size,
            caption: caption.trim().to_string(),
            item_code: item_code
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty()),
        };
        let rev = self.write(|w| Ok(w.put(&id, &body)?))?;
        Ok(Stored { id, rev, body })
    }

    /// A visit's attachments, oldest first.
    pub fn attachments_of(&self, visit_id: &str) -> Result<Vec<AttachmentView>> {
        let visit = self.require::<Visit>(visit_id)?;
        let mut out: Vec<AttachmentView> = self
            .visit_records::<Attachment>(&visit)?
            .into_iter()
            .map(|a| AttachmentView {
                present: self.blob_path(&a.body.sha256).is_some(),
                is_image: is_image(&a.body.mime),
                id: a.id,
                rev: a.rev,
                body: a.body,
            })
            .collect();
        out.sort_by(|a, b| (&a.rev, &a.id).cmp(&(&b.rev, &b.id)));
        Ok(out)
    }

    /// Change an attachment's caption. Not once the minutes are signed.
    pub fn attachment_caption(&mut self, id: &str, caption: &str) -> Result<Stored<Attachment>> {
        let id = self.resolve_id(Attachment::KIND, id)?;
        let mut a = self.require::<Attachment>(&id)?;
        self.refuse_if_signed(&a.body.visit_id)?;
        a.body.caption = caption.trim().to_string();
        a.rev = self.write(|w| Ok(w.put(&id, &a.body)?))?;
        Ok(a)
    }

    /// Remove an attachment from the visit (a tombstone; the file stays, as other records
    /// or the history may name it). Not once the minutes are signed.
    pub fn attachment_remove(&mut self, id: &str) -> Result<()> {
        let id = self.resolve_id(Attachment::KIND, id)?;
        let a = self.require::<Attachment>(&id)?;
        self.refuse_if_signed(&a.body.visit_id)?;
        self.write(|w| Ok(w.delete(Attachment::KIND, &id)?))?;
        Ok(())
    }

    fn refuse_if_signed(&self, visit_id: &str) -> Result<()> {
        let visit = self.require::<Visit>(visit_id)?;
        if visit.body.status == VisitStatus::Signed {
            let unit = self
                .get::<Unit>(&visit.body.unit_id)?
                .map(|u| u.body.name)
                .unwrap_or_default();
            return Err(Error::VisitLocked { unit });
        }
        Ok(())
    }

    /// A small JPEG of an image attachment's file, made once and kept in `blobs/thumbs/`.
    pub fn thumbnail(&self, sha256: &str, max_px: u32) -> Result<Vec<u8>> {
        let src = self.blob_path(sha256).ok_or_else(|| Error::NotFound {
            what: "file",
            id: sha256.to_string(),
        })?;
        let dir = self.blob_dir().join("thumbs");
        let cached = dir.join(format!("{sha256}-{max_px}.jpg"));
        if let Ok(bytes) = std::fs::read(&cached) {
            return Ok(bytes);
        }
        let img = image::ImageReader::open(&src)?
            .with_guessed_format()?
            .decode()
            .map_err(|e| {
                Error::rule(
                    "file",
                    Rule::UnreadableImage {
                        detail: e.to_string(),
                    },
                )
            })?;
        let thumb = img.thumbnail(max_px, max_px).to_rgb8();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&thumb)
            .map_err(|e| Error::invalid_field("file", format!("{e}")))?;
        std::fs::create_dir_all(&dir)?;
        // A cache: failing to keep it only costs time next view.
        let mut tmp = AtomicFile::in_dir(&dir, ".thumb-")?;
        if tmp.file_mut().write_all(&out).is_ok() {
            let _ = tmp.commit(&cached);
        }
        Ok(out)
    }
}

fn read_head(r: &mut impl Read, head: &mut [u8]) -> Result<usize> {
    let mut n = 0;
    while n < head.len() {
        let k = r.read(&mut head[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_first_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"MZ\x90\0"), None, "a program is not a photo");
        assert_eq!(sniff(b""), None);
    }
}
