//! Signed minutes are sealed. Signing names the revision of every finding, recommendation
//! and attachment of the visit (`Visit::sealed`), and the documents of signed minutes are
//! built from those revisions. An edit that reaches a record of a signed visit later (from a
//! laptop that had not seen the signing, or one that ignored it) is kept, never used in
//! what the secretariat signs, and shown as "changed after signing" until a person keeps the
//! signed text or unlocks the minutes to take the change.
//!
//! Whether a laptop had seen the signing cannot be told from a finding's revision, so the
//! import does not refuse such edits: a refusal would depend on the order bundles arrive in,
//! and an honest laptop whose edit crossed a signing could never sync again.

use std::collections::{BTreeMap, HashMap};

use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::*;
use crate::store::{Store, Stored, Writer};
use kiemtra_store::Record;

/// How a record of signed minutes stands against what was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SealChange {
    Changed,
    Added,
    Removed,
}

/// A record of a signed visit that is not as it was signed.
#[derive(Debug, Clone, Serialize)]
pub struct AfterSigning {
    pub id: String,
    pub kind: String,
    /// What a person calls it ("Tiêu chí 5.3 · Đoàn xã Gia Sinh").
    pub label: String,
    pub change: SealChange,
    /// Who made the version there is now (the tombstone's author for a removal).
    pub person: String,
    pub device_name: String,
    pub hlc: String,
    /// The body as signed and as it is now (`None` where there is none).
    pub signed: Option<Value>,
    pub now: Option<Value>,
}

/// A record kept in signed minutes: which part the minutes record, and how the documents
/// show it (what goes on after signing, such as a recommendation's follow-up, is today's).
pub(crate) trait UnderSeal: Record + Clone {
    fn signed_part(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    fn as_shown(signed: Self, _now: Option<&Self>) -> Self {
        signed
    }
}

impl UnderSeal for Finding {}
impl UnderSeal for Attachment {}

impl UnderSeal for Recommendation {
    fn signed_part(&self) -> Value {
        serde_json::json!([self.text, self.raised_by, self.authority])
    }
    fn as_shown(mut signed: Self, now: Option<&Self>) -> Self {
        if let Some(now) = now {
            signed.status = now.status;
            signed.due_date = now.due_date;
        }
        signed
    }
}

/// Where a seal is read from: the store, or a transaction (an import's, before it commits).
pub(crate) trait Reads {
    fn conn(&self) -> &rusqlite::Connection;
    fn list_under<T: Record>(&self, visit_id: &str) -> Result<Vec<Stored<T>>>;
}

impl Reads for kiemtra_store::Db {
    fn conn(&self) -> &rusqlite::Connection {
        kiemtra_store::Db::conn(self)
    }
    fn list_under<T: Record>(&self, visit_id: &str) -> Result<Vec<Stored<T>>> {
        Ok(self.list_by::<T>("visit_id", visit_id)?)
    }
}

impl Reads for Writer<'_> {
    fn conn(&self) -> &rusqlite::Connection {
        Writer::conn(self)
    }
    fn list_under<T: Record>(&self, visit_id: &str) -> Result<Vec<Stored<T>>> {
        Ok(self.list_by::<T>("visit_id", visit_id)?)
    }
}

/// The kinds a seal covers: what signing fixes of a visit.
const SEALED_KINDS: [&str; 3] = [Finding::KIND, Recommendation::KIND, Attachment::KIND];

/// The current revision of every record under the visit: the seal signing writes.
pub(super) fn seal_of(w: &Writer<'_>, visit_id: &str) -> Result<BTreeMap<String, String>> {
    let mut seal = BTreeMap::new();
    let mut st = w.conn().prepare_cached(
        "SELECT id, rev FROM records WHERE owner = ?1 AND deleted = 0
         AND kind IN ('finding', 'recommendation', 'attachment')",
    )?;
    for row in st.query_map([visit_id], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (id, rev): (String, String) = row?;
        seal.insert(id, rev);
    }
    Ok(seal)
}

/// The seal the documents follow: the signed minutes' own, none while they are not signed
/// (nor for minutes signed before seals existed).
fn seal(visit: &Visit) -> Option<&BTreeMap<String, String>> {
    (visit.status == VisitStatus::Signed)
        .then_some(visit.sealed.as_ref())
        .flatten()
}

/// A signed revision's body, read from the revisions (they never change).
fn sealed_body<T: Record>(r: &impl Reads, id: &str, rev: &str) -> Result<Option<T>> {
    let body: Option<String> = r
        .conn()
        .prepare_cached(
            "SELECT body FROM revisions WHERE rev = ?1 AND record_id = ?2 AND kind = ?3
             AND deleted = 0",
        )?
        .query_row([rev, id, T::KIND], |x| x.get(0))
        .optional()?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

/// One record that differs from the seal: (id, kind, how, the revision there is now or the
/// tombstone, signed body, body now).
type Change = (
    String,
    &'static str,
    SealChange,
    String,
    Option<Value>,
    Option<Value>,
);

/// Every record of a signed visit that differs from what was signed, in the seal's order
/// then the added ones; none while the minutes are not signed.
pub(crate) fn changes(r: &impl Reads, visit: &Stored<Visit>) -> Result<Vec<Change>> {
    let Some(seal) = seal(&visit.body) else {
        return Ok(Vec::new());
    };
    // The kind and revision of every record under the visit, live or not, in one read that
    // decodes no body. When the live ones are exactly what was signed (the usual case)
    // nothing differs; else each kind's pass skips the others' entries by their kind.
    let mut kinds: HashMap<String, String> = HashMap::new();
    let mut live: BTreeMap<String, String> = BTreeMap::new();
    let mut st = r
        .conn()
        .prepare_cached("SELECT id, kind, rev, deleted FROM record_state WHERE owner = ?1")?;
    let rows = st.query_map([&visit.id], |x| {
        Ok((
            x.get::<_, String>(0)?,
            x.get::<_, String>(1)?,
            x.get::<_, String>(2)?,
            x.get::<_, bool>(3)?,
        ))
    })?;
    for row in rows {
        let (id, kind, rev, deleted) = row?;
        if !deleted && SEALED_KINDS.contains(&kind.as_str()) {
            live.insert(id.clone(), rev);
        }
        kinds.insert(id, kind);
    }
    if live == *seal {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    diverged::<Finding>(r, visit, seal, &kinds, &mut out)?;
    diverged::<Recommendation>(r, visit, seal, &kinds, &mut out)?;
    diverged::<Attachment>(r, visit, seal, &kinds, &mut out)?;
    Ok(out)
}

fn diverged<T: UnderSeal>(
    r: &impl Reads,
    visit: &Stored<Visit>,
    seal: &BTreeMap<String, String>,
    kinds: &HashMap<String, String>,
    out: &mut Vec<Change>,
) -> Result<()> {
    let mut now: BTreeMap<String, Stored<T>> = r
        .list_under::<T>(&visit.id)?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let state = |id: &str| -> Result<Option<(String, String)>> {
        Ok(r.conn()
            .prepare_cached("SELECT kind, rev FROM record_state WHERE id = ?1")?
            .query_row([id], |x| Ok((x.get(0)?, x.get(1)?)))
            .optional()?)
    };
    let json = |b: &T| serde_json::to_value(b).ok();
    for (id, rev) in seal {
        let current = now.remove(id);
        // Unchanged since signing (the usual case): nothing to read. An entry of another
        // kind is that kind's to judge.
        if current.as_ref().is_some_and(|c| c.rev == *rev) {
            continue;
        }
        if current.is_none() {
            let kind = match kinds.get(id) {
                Some(k) => Some(k.clone()),
                None => state(id)?.map(|(k, _)| k),
            };
            if kind.is_some_and(|k| k != T::KIND) {
                continue;
            }
        }
        let signed = sealed_body::<T>(r, id, rev)?;
        let change = match (&signed, &current) {
            (Some(s), Some(c)) if c.rev == *rev || s.signed_part() == c.body.signed_part() => {
                continue
            }
            (_, Some(_)) => SealChange::Changed,
            (signed, None) => {
                // Another kind's entry, unless its signed revision was of this kind.
                match state(id)? {
                    Some((kind, _)) if kind != T::KIND => continue,
                    None if signed.is_none() => continue,
                    _ => SealChange::Removed,
                }
            }
        };
        let head = match &current {
            Some(c) => c.rev.clone(),
            None => state(id)?.map_or_else(|| rev.clone(), |(_, head)| head),
        };
        out.push((
            id.clone(),
            T::KIND,
            change,
            head,
            signed.as_ref().and_then(json),
            current.as_ref().and_then(|c| json(&c.body)),
        ));
    }
    for (id, c) in now {
        out.push((
            id,
            T::KIND,
            SealChange::Added,
            c.rev.clone(),
            None,
            json(&c.body),
        ));
    }
    Ok(())
}

/// Signed minutes an import changed records of after their signing.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedAfterSigning {
    pub visit_id: String,
    pub unit: String,
    /// Records of those minutes not as signed.
    pub count: usize,
}

/// Signed minutes whose records the revisions after `before` left other than signed. Only
/// the visits those revisions are under are looked at, and closely only where a record's
/// head is not its sealed revision: the cost follows what the bundle brought.
pub(crate) fn changed_since(w: &Writer<'_>, before: i64) -> Result<Vec<ChangedAfterSigning>> {
    let signed: Vec<(String, String)> = w
        .conn()
        .prepare(
            "SELECT v.id, v.body FROM records v WHERE v.kind = 'visit' AND v.deleted = 0
               AND v.id IN (SELECT DISTINCT s.owner FROM record_state s WHERE s.id IN
                   (SELECT record_id FROM revisions WHERE seq > ?1
                    AND kind IN ('finding', 'recommendation', 'attachment')))
               AND json_extract(v.body, '$.status') = 'signed'",
        )?
        .query_map([before], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, body) in signed {
        let visit: Visit = serde_json::from_str(&body)?;
        let Some(seal) = &visit.sealed else { continue };
        let heads: Vec<(String, String, bool)> = w
            .conn()
            .prepare_cached(
                "SELECT id, rev, deleted FROM record_state WHERE owner = ?1
                 AND kind IN ('finding', 'recommendation', 'attachment')",
            )?
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let as_sealed = heads
            .iter()
            .all(|(record, rev, deleted)| match seal.get(record) {
                Some(sealed) => sealed == rev,
                None => *deleted,
            });
        if as_sealed {
            continue;
        }
        let unit = w
            .get::<Unit>(&visit.unit_id)?
            .map(|u| u.body.name)
            .unwrap_or_default();
        let visit = Stored {
            id,
            rev: String::new(),
            body: visit,
        };
        let count = changes(w, &visit)?.len();
        if count > 0 {
            out.push(ChangedAfterSigning {
                visit_id: visit.id,
                unit,
                count,
            });
        }
    }
    Ok(out)
}

impl Store {
    /// A visit's records of one kind as its documents show them: as signed while the
    /// minutes are signed, as they are otherwise. A signed revision this laptop lacks
    /// (never seen here) leaves the record as it is now; `after_signing` lists it.
    pub(crate) fn visit_records<T: UnderSeal>(
        &self,
        visit: &Stored<Visit>,
    ) -> Result<Vec<Stored<T>>> {
        let now = Reads::list_under::<T>(&**self, &visit.id)?;
        let Some(seal) = seal(&visit.body) else {
            return Ok(now);
        };
        let mut now: HashMap<String, Stored<T>> =
            now.into_iter().map(|s| (s.id.clone(), s)).collect();
        let mut out = Vec::new();
        for (id, rev) in seal {
            let current = now.remove(id);
            // Unchanged since signing: the record as it stands is the signed one.
            if current.as_ref().is_some_and(|c| c.rev == *rev) {
                out.extend(current);
                continue;
            }
            match sealed_body::<T>(&**self, id, rev)? {
                Some(body) => out.push(Stored {
                    id: id.clone(),
                    rev: rev.clone(),
                    body: T::as_shown(body, current.as_ref().map(|c| &c.body)),
                }),
                None => out.extend(current),
            }
        }
        Ok(out)
    }

    /// Every record of a signed visit that differs from what was signed, with who made the
    /// version there is now; empty while the minutes are not signed.
    pub fn after_signing(&self, visit: &Stored<Visit>) -> Result<Vec<AfterSigning>> {
        changes(&**self, visit)?
            .into_iter()
            .map(|(id, kind, change, head, signed, now)| {
                let (device_name, person, hlc): (String, String, String) = self
                    .conn()
                    .query_row(
                        "SELECT COALESCE(d.name, r.device_id), r.person, r.hlc FROM revisions r
                         LEFT JOIN devices d ON d.id = r.device_id WHERE r.rev = ?1",
                        [&head],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?
                    .unwrap_or_default();
                let label = self.record_label(
                    kind,
                    now.as_ref().or(signed.as_ref()).unwrap_or(&Value::Null),
                );
                Ok(AfterSigning {
                    id,
                    kind: kind.to_string(),
                    label,
                    change,
                    person,
                    device_name,
                    hlc,
                    signed,
                    now,
                })
            })
            .collect()
    }

    /// Keep the signed text: every record of the signed visit that changed after signing
    /// goes back to its signed version (a recommendation keeps its follow-up), records added
    /// since are removed, records removed since come back. Returns how many were restored.
    pub fn visit_keep_signed(&mut self, visit_id: &str) -> Result<usize> {
        let id = self.resolve_id(Visit::KIND, visit_id)?;
        let visit = self.require::<Visit>(&id)?;
        if seal(&visit.body).is_none() {
            return Err(Error::NotSigned);
        }
        let changes = self.after_signing(&visit)?;
        if changes.is_empty() {
            return Ok(0);
        }
        self.write(|w| {
            // Unlocked meanwhile (another window, the CLI): the changes stand as they are.
            if super::minutes::visit_in(w, &id)?.body.status != VisitStatus::Signed {
                return Err(Error::NotSigned);
            }
            for c in &changes {
                match (&c.signed, c.change) {
                    (_, SealChange::Added) => {
                        let kind = [Finding::KIND, Recommendation::KIND, Attachment::KIND]
                            .into_iter()
                            .find(|k| *k == c.kind)
                            .unwrap_or(Attachment::KIND);
                        w.delete(kind, &c.id)?;
                    }
                    (Some(signed), _) => restore(w, &c.kind, &c.id, signed, c.now.as_ref())?,
                    // The signed version never reached this laptop: nothing to go back to.
                    (None, _) => {}
                }
            }
            Ok(changes.len())
        })
    }
}

fn restore(
    w: &mut Writer<'_>,
    kind: &str,
    id: &str,
    signed: &Value,
    now: Option<&Value>,
) -> Result<()> {
    fn typed<T: UnderSeal>(
        w: &mut Writer<'_>,
        id: &str,
        signed: &Value,
        now: Option<&Value>,
    ) -> Result<()> {
        let signed: T = serde_json::from_value(signed.clone())?;
        let now: Option<T> = now.map(|n| serde_json::from_value(n.clone())).transpose()?;
        w.put(id, &T::as_shown(signed, now.as_ref()))?;
        Ok(())
    }
    match kind {
        Finding::KIND => typed::<Finding>(w, id, signed, now),
        Recommendation::KIND => typed::<Recommendation>(w, id, signed, now),
        _ => typed::<Attachment>(w, id, signed, now),
    }
}
