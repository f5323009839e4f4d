//! Checking the signature of every revision an import adds, on a second thread while the
//! first one writes (verification costs about as much as the insert it guards). Keys come
//! from the devices this laptop knows and from what the bundle itself carries: a laptop's
//! own card (signed by the key it names) and enrolments (which pin a laptop's key). A
//! revision whose author's key only appears later in the same bundle waits until the end.

use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use crate::keys::VerifyingKey;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::keys;
use crate::store::Revision;
use kiemtra_domain::trust::WriteRule;

const BATCH: usize = 512;

type Job = (VerifyingKey, String, String);

/// What the check found: (rev, rule) for each revision at fault, and the keys learnt from
/// the bundle (device id → key hex).
pub(crate) type Verdict = (Vec<(String, WriteRule)>, HashMap<String, String>);

/// What checking one revision's signature needs, taken before the revision is stored.
pub(crate) struct Signed {
    rev: String,
    device: String,
    sig: Option<String>,
    /// A key the revision states for a device: (device, key hex).
    pins: Option<(String, String)>,
}

impl Signed {
    pub(crate) fn of(rev: &Revision) -> Signed {
        let key = || {
            rev.body
                .get("public_key")
                .and_then(|k| k.as_str())
                .map(str::to_string)
        };
        let pins = match rev.kind.as_str() {
            "device" if rev.id == rev.device => key().map(|k| (rev.device.clone(), k)),
            "enrolment" if !rev.deleted => rev
                .body
                .get("device_id")
                .and_then(|d| d.as_str())
                .zip(key())
                .map(|(d, k)| (d.to_string(), k)),
            _ => None,
        };
        Signed {
            rev: rev.rev.clone(),
            device: rev.device.clone(),
            sig: rev.sig.clone(),
            pins,
        }
    }
}

pub(crate) struct Verifier {
    /// Keys by device id: `None` when the device is known here without a key.
    keys: HashMap<String, Option<VerifyingKey>>,
    /// Keys first learnt from this bundle (written to `devices` when the import commits).
    pub(crate) learnt: HashMap<String, String>,
    batch: Vec<Job>,
    to_worker: Option<SyncSender<Vec<Job>>>,
    worker: Option<JoinHandle<Vec<String>>>,
    /// Revisions whose author's key is not known yet: (device, rev, sig).
    waiting: Vec<(String, String, String)>,
    /// Problems found without the worker: (rev, rule).
    pub(crate) problems: Vec<(String, WriteRule)>,
}

impl Verifier {
    pub(crate) fn start() -> Verifier {
        let (tx, rx) = sync_channel::<Vec<Job>>(8);
        let worker = std::thread::spawn(move || {
            let mut bad = Vec::new();
            for jobs in rx {
                for (key, rev, sig) in jobs {
                    if !keys::verify_rev(&key, &rev, &sig) {
                        bad.push(rev);
                    }
                }
            }
            bad
        });
        Verifier {
            keys: HashMap::new(),
            learnt: HashMap::new(),
            batch: Vec::with_capacity(BATCH),
            to_worker: Some(tx),
            worker: Some(worker),
            waiting: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn known_key(&mut self, conn: &Connection, device: &str) -> Result<Option<VerifyingKey>> {
        if let Some(k) = self.keys.get(device) {
            return Ok(*k);
        }
        let hex: Option<Option<String>> = conn
            .prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?
            .query_row([device], |r| r.get(0))
            .optional()?;
        let k = hex.flatten().as_deref().and_then(keys::parse_key);
        self.keys.insert(device.to_string(), k);
        Ok(k)
    }

    /// Learn `device`'s key from a card or an enrolment; false when another key is known.
    fn learn(&mut self, conn: &Connection, device: &str, hex: &str) -> Result<bool> {
        let Some(key) = keys::parse_key(hex) else {
            return Ok(false);
        };
        match self.known_key(conn, device)? {
            Some(k) => Ok(k == key),
            None => {
                self.keys.insert(device.to_string(), Some(key));
                self.learnt.insert(device.to_string(), hex.to_string());
                Ok(true)
            }
        }
    }

    /// A revision the import just added (not one it already had).
    pub(crate) fn add(&mut self, conn: &Connection, rev: Signed) -> Result<()> {
        let Some(sig) = rev.sig else {
            self.problems.push((rev.rev, WriteRule::Unsigned));
            return Ok(());
        };
        if let Some((device, hex)) = &rev.pins {
            if !self.learn(conn, device, hex)? {
                self.problems.push((rev.rev, WriteRule::KeyChanged));
                return Ok(());
            }
        }
        match self.known_key(conn, &rev.device)? {
            Some(key) => self.send(key, rev.rev, sig),
            None => self.waiting.push((rev.device, rev.rev, sig)),
        }
        Ok(())
    }

    fn send(&mut self, key: VerifyingKey, rev: String, sig: String) {
        self.batch.push((key, rev, sig));
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let jobs = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if let Some(tx) = &self.to_worker {
            // A worker that died leaves its revisions unchecked: counted as bad below.
            if let Err(e) = tx.send(jobs) {
                self.problems.extend(
                    e.0.into_iter()
                        .map(|(_, rev, _)| (rev, WriteRule::BadSignature)),
                );
            }
        }
    }

    /// Every problem: revisions whose signature failed, whose author's key never came,
    /// whose card or enrolment named another key, or that were not signed.
    pub(crate) fn finish(mut self, conn: &Connection) -> Result<Verdict> {
        for (device, rev, sig) in std::mem::take(&mut self.waiting) {
            match self.known_key(conn, &device)? {
                Some(key) => self.send(key, rev, sig),
                None => self.problems.push((rev, WriteRule::UnknownKey)),
            }
        }
        self.flush();
        drop(self.to_worker.take());
        // A worker that stopped short checked nothing for sure: the import fails.
        let bad = match self.worker.take() {
            Some(w) => w
                .join()
                .map_err(|_| crate::Error::Corrupt("signature check stopped".into()))?,
            None => Vec::new(),
        };
        let mut problems = std::mem::take(&mut self.problems);
        problems.extend(bad.into_iter().map(|rev| (rev, WriteRule::BadSignature)));
        Ok((problems, std::mem::take(&mut self.learnt)))
    }
}

impl Drop for Verifier {
    fn drop(&mut self) {
        drop(self.to_worker.take());
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
