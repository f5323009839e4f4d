//! Writes within one transaction: local edits, revisions from elsewhere (checked against
//! their ids and histories), and the current state recomputed for what they touched.

use std::collections::{BTreeMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

use crate::canonical;
use crate::error::{Error, Result, RevisionProblem};
use crate::graph::*;
use crate::hlc::Hlc;
use crate::record::*;
use crate::rows::*;

/// Writes within one transaction. Dropped without `finish`, everything rolls back.
pub struct Writer<'a> {
    pub(crate) tx: Transaction<'a>,
    pub(crate) owner_field: fn(&str) -> Option<&'static str>,
    pub(crate) sealed: fn(&str, &Value) -> bool,
    pub(crate) summaries: Summaries,
    pub(crate) device_id: String,
    /// Who is using this laptop (signed into every local revision), and its key.
    pub(crate) person: String,
    pub(crate) key: ed25519_dalek::SigningKey,
    pub(crate) hlc: Hlc,
    /// Applied revisions whose parents were not there yet: (record, kind, rev, generation,
    /// parents).
    pub(crate) deferred: Vec<(String, String, String, u64, Vec<String>)>,
    /// The records of `deferred`: a revision of theirs is stored before its parent, so
    /// their state is never extended without reading their history.
    pub(crate) orphaned: HashSet<String>,
    /// The `seq` the next new revision gets (0: not read yet). The transaction holds the
    /// write lock, so counting here gives what `MAX(seq) + 1` per insert would.
    pub(crate) next_seq: i64,
    /// Records given new revisions whose current state is not recomputed yet, in id order
    /// (SQLite then writes `record_state` and its indexes front to back).
    pub(crate) touched: BTreeMap<String, Touch>,
    /// The kinds this transaction wrote, whose change counters it moves (`Db::changes_of`).
    pub(crate) kinds: std::collections::BTreeSet<String>,
}

/// What the revisions newly added to one record look like, enough to recompute its state
/// without reading its history when they simply extend it.
pub(crate) struct Touch {
    pub(crate) kind: String,
    /// The parents of the first new revision.
    pub(crate) base: Vec<String>,
    /// Each new revision has the previous one as its only parent.
    pub(crate) chain: bool,
    pub(crate) last: String,
    pub(crate) deleted: bool,
    pub(crate) owner: Option<String>,
    pub(crate) summary: Option<String>,
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

    /// Delete a record with a last body that says why (a cancelled visit's reason): one
    /// tombstone revision, so the deletion and its reason are one step of the history.
    pub fn delete_with<T: Record>(&mut self, id: &str, body: &T) -> Result<String> {
        current_of(&self.tx, id)?.ok_or_else(|| Error::NotFound {
            what: T::KIND,
            id: id.to_string(),
        })?;
        body.validate().map_err(|e| Error::Rejected(Box::new(e)))?;
        let mut value = canonical::to_value(body)?;
        nfc_strings(&mut value);
        self.put_value(T::KIND, id, value, true)
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
            &self.person,
            &hlc,
            deleted,
            &text,
        );
        let sig = crate::keys::sign_rev(&self.key, &rev);
        let rev = Revision {
            id: id.to_string(),
            kind: kind.to_string(),
            rev,
            parents,
            device: self.device_id.clone(),
            person: self.person.clone(),
            hlc,
            deleted,
            body,
            sig: Some(sig),
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
            &rev.person,
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
        // Later local edits sort after everything seen, up to a day past this wall clock.
        self.hlc = self.hlc.observe(hlc, Hlc::now_millis());
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
        let summary = summary_of(self.summaries, &rev.kind, &rev.body);
        if !self.kinds.contains(&rev.kind) {
            self.kinds.insert(rev.kind.clone());
        }
        match self.touched.get_mut(&rev.id) {
            Some(t) => {
                t.chain &= rev.parents.len() == 1 && rev.parents[0] == t.last;
                t.last = rev.rev.clone();
                t.deleted = rev.deleted;
                t.owner = owner;
                t.summary = summary;
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
                        summary,
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
                materialize(&self.tx, self.owner_field, self.sealed, self.summaries, &id)?;
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
                "INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, merged, owner,
                                          summary)
                 VALUES (?1, ?2, ?3, 0, 1, 0, NULL, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET rev = excluded.rev, owner = excluded.owner,
                    summary = excluded.summary",
            )?
            .execute(params![id, t.kind, t.last, t.owner, t.summary])?;
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
                (rev, record_id, kind, generation, parents, device_id, hlc, deleted, body, seq,
                 source, person, sig)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
                rev.person,
                rev.sig,
            ])?;
        if inserted == 0 {
            return Ok(false);
        }
        self.next_seq = seq + 1;
        Ok(true)
    }

    pub(crate) fn finish(mut self) -> Result<()> {
        self.verify_deferred()?;
        self.materialize_touched()?;
        // A fresh token, not a count: after a backup is restored a count would start again
        // from the copy's and could meet a value a reader kept from before.
        for kind in &self.kinds {
            self.tx
                .prepare_cached(
                    "INSERT INTO meta(key, value) VALUES ('changes.' || ?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![kind, uuid::Uuid::now_v7().to_string()])?;
        }
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES ('hlc', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [self.hlc.to_text()],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

pub(crate) fn kind_mismatch(rev: &str, id: &str, kind: &str, other: &str) -> Error {
    Error::BadRevision(RevisionProblem::OtherKind {
        rev: rev.to_string(),
        id: id.to_string(),
        kind: kind.to_string(),
        other: other.to_string(),
    })
}
