//! Checking the signature of every revision an import adds, on worker threads while the
//! importing one writes (verification costs about as much as the insert it guards). Keys come
//! from the devices this laptop knows and from what the bundle itself carries: a laptop's
//! own card (signed by the key it names) and enrolments (which pin a laptop's key). A
//! revision whose author's key only appears later in the same bundle waits until the end.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
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
    to_workers: Option<SyncSender<Vec<Job>>>,
    queue: Queue,
    workers: Vec<JoinHandle<Vec<String>>>,
    /// Set when the import gives up: workers stop checking what is left.
    cancel: Arc<AtomicBool>,
    /// Revisions whose author's key is not known yet: (device, rev, sig).
    waiting: Vec<(String, String, String)>,
    /// Problems found without the workers: (rev, rule).
    pub(crate) problems: Vec<(String, WriteRule)>,
}

type Queue = Arc<Mutex<Receiver<Vec<Job>>>>;

/// Take batches until the queue is closed and empty; the failed revisions.
fn drain(queue: &Queue, cancel: &AtomicBool) -> Vec<String> {
    let mut bad = Vec::new();
    loop {
        // The lock is held only to take one batch, never while checking it.
        let jobs = match queue.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return bad,
        };
        let Ok(jobs) = jobs else { return bad };
        if cancel.load(Ordering::Relaxed) {
            continue;
        }
        for (key, rev, sig) in jobs {
            if !keys::verify_rev(&key, &rev, &sig) {
                bad.push(rev);
            }
        }
    }
}

impl Verifier {
    /// Workers: all cores but the one the import writes with, at most three; the importing
    /// thread joins them once it has written everything.
    pub(crate) fn start() -> Verifier {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Verifier::with_workers(cores.saturating_sub(1).clamp(1, 3))
    }

    pub(crate) fn with_workers(n: usize) -> Verifier {
        let (tx, rx) = sync_channel::<Vec<Job>>(8 * n);
        let queue: Queue = Arc::new(Mutex::new(rx));
        let cancel = Arc::new(AtomicBool::new(false));
        let workers = (0..n.max(1))
            .map(|_| {
                let (queue, cancel) = (queue.clone(), cancel.clone());
                std::thread::spawn(move || drain(&queue, &cancel))
            })
            .collect();
        Verifier {
            keys: HashMap::new(),
            learnt: HashMap::new(),
            batch: Vec::with_capacity(BATCH),
            to_workers: Some(tx),
            queue,
            workers,
            cancel,
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
        if let Some(tx) = &self.to_workers {
            // Workers that died leave their revisions unchecked: counted as bad below.
            if let Err(e) = tx.send(jobs) {
                self.problems.extend(
                    e.0.into_iter()
                        .map(|(_, rev, _)| (rev, WriteRule::BadSignature)),
                );
            }
        }
    }

    /// Every revision is in: those whose author's key came later in the bundle are sent,
    /// and the queue is closed. The workers go on while the import does its other checks;
    /// `learnt` is complete from here on.
    pub(crate) fn close(&mut self, conn: &Connection) -> Result<()> {
        for (device, rev, sig) in std::mem::take(&mut self.waiting) {
            match self.known_key(conn, &device)? {
                Some(key) => self.send(key, rev, sig),
                None => self.problems.push((rev, WriteRule::UnknownKey)),
            }
        }
        self.flush();
        drop(self.to_workers.take());
        Ok(())
    }

    /// Every problem: revisions whose signature failed, whose author's key never came,
    /// whose card or enrolment named another key, or that were not signed. The calling
    /// thread checks alongside the workers until the queue is empty.
    pub(crate) fn finish(mut self, conn: &Connection) -> Result<Verdict> {
        self.close(conn)?;
        let mut bad = drain(&self.queue, &self.cancel);
        // A worker that stopped short checked nothing for sure: the import fails.
        for w in std::mem::take(&mut self.workers) {
            bad.extend(
                w.join()
                    .map_err(|_| crate::Error::Corrupt("signature check stopped".into()))?,
            );
        }
        let mut problems = std::mem::take(&mut self.problems);
        problems.extend(bad.into_iter().map(|rev| (rev, WriteRule::BadSignature)));
        Ok((problems, std::mem::take(&mut self.learnt)))
    }
}

impl Drop for Verifier {
    fn drop(&mut self) {
        // An import that failed: nothing left is worth checking.
        self.cancel.store(true, Ordering::Relaxed);
        drop(self.to_workers.take());
        for w in std::mem::take(&mut self.workers) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn signed(key: &SigningKey, device: &str, n: usize) -> Signed {
        let rev = format!("1-{n:064x}");
        Signed {
            sig: Some(keys::sign_rev(key, &rev)),
            rev,
            device: device.to_string(),
            pins: None,
        }
    }

    fn devices(key: &SigningKey) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE devices(id TEXT PRIMARY KEY, public_key TEXT)")
            .unwrap();
        conn.execute(
            "INSERT INTO devices VALUES ('a', ?1)",
            [hex::encode(key.verifying_key().to_bytes())],
        )
        .unwrap();
        conn
    }

    /// However many workers share the queue, the verdict names exactly the revisions at
    /// fault: a forged signature, an unsigned one, one whose author's key never came; and
    /// a key that a later card in the bundle brings counts for revisions before it.
    #[test]
    fn every_worker_count_finds_the_same_faults() {
        let a = SigningKey::from_bytes(&[7; 32]);
        let b = SigningKey::from_bytes(&[9; 32]);
        let conn = devices(&a);
        for workers in [1, 2, 3] {
            let mut v = Verifier::with_workers(workers);
            for n in 0..3 * BATCH + 17 {
                let mut s = signed(&a, "a", n);
                if n == BATCH + 5 {
                    s.sig = Some(keys::sign_rev(&b, &s.rev));
                }
                v.add(&conn, s).unwrap();
            }
            let mut unsigned = signed(&a, "a", 90_000);
            unsigned.sig = None;
            v.add(&conn, unsigned).unwrap();
            v.add(&conn, signed(&b, "b", 90_001)).unwrap();
            v.add(
                &conn,
                signed(&SigningKey::from_bytes(&[3; 32]), "c", 90_002),
            )
            .unwrap();
            let mut card = signed(&b, "b", 90_003);
            card.pins = Some(("b".into(), hex::encode(b.verifying_key().to_bytes())));
            v.add(&conn, card).unwrap();
            let (mut faults, learnt) = v.finish(&conn).unwrap();
            faults.sort_by(|x, y| x.0.cmp(&y.0));
            let rev = |n: usize| format!("1-{n:064x}");
            assert_eq!(
                faults,
                vec![
                    (rev(BATCH + 5), WriteRule::BadSignature),
                    (rev(90_000), WriteRule::Unsigned),
                    (rev(90_002), WriteRule::UnknownKey),
                ],
                "with {workers} workers"
            );
            assert_eq!(learnt.keys().collect::<Vec<_>>(), vec!["b"]);
        }
    }

    /// An import that fails part-way drops its verifier with work still queued: the
    /// workers stop without checking the rest, and dropping returns.
    #[test]
    fn a_dropped_verifier_stops_its_workers() {
        let a = SigningKey::from_bytes(&[7; 32]);
        let conn = devices(&a);
        let mut v = Verifier::with_workers(2);
        for n in 0..4 * BATCH {
            v.add(&conn, signed(&a, "a", n)).unwrap();
        }
        drop(v);
    }
}
