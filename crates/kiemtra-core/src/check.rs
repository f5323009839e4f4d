//! `check`: is this database whole? SQLite's own checks, then ours: every revision's id
//! matches its content, parents exist, and the current state is what the revisions say.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::model::{self, Entity};
use crate::store::{generation_of, Revision, Store};

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub revisions: usize,
    pub records: usize,
    pub conflicts: usize,
    pub problems: Vec<String>,
    /// Stored revisions that break the table of who may write what or whose signature does
    /// not check (TRUST.md).
    pub violations: Vec<kiemtra_domain::trust::Violation>,
    /// Other laptops' revisions from before revisions were signed: kept, not verifiable.
    pub unsigned: usize,
}

impl Store {
    pub fn check(&self) -> Result<CheckReport> {
        let conn = self.conn();
        let mut problems = Vec::new();

        let integrity: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if integrity != ["ok"] {
            problems.extend(
                integrity
                    .into_iter()
                    .map(|s| format!("integrity_check: {s}")),
            );
        }
        let fk: usize = conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |_| Ok(()))?
            .count();
        if fk > 0 {
            problems.push(format!("foreign_key_check: {fk}"));
        }

        // Revisions: ids match content, generations follow parents, parents exist.
        let mut st = conn.prepare(
            "SELECT rev, record_id, kind, generation, parents, device_id, hlc, deleted, body,
                    person, sig FROM revisions",
        )?;
        let mut revs: HashMap<String, (String, i64, bool)> = HashMap::new();
        let mut all = Vec::new();
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, Option<String>>(10)?,
            ))
        })?;
        let mut keys: HashMap<String, Option<crate::keys::VerifyingKey>> = conn
            .prepare("SELECT id, public_key FROM devices")?
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|(id, k)| (id, k.as_deref().and_then(crate::keys::parse_key)))
            .collect();
        let me = self.device().id.clone();
        let mut unsigned = 0;
        let mut bad_sigs = Vec::new();
        for row in rows {
            let (rev, id, kind, generation, parents, device, hlc, deleted, body, person, sig) =
                row?;
            match (sig, keys.entry(device.clone()).or_insert(None)) {
                (None, _) if device != me => unsigned += 1,
                (None, _) => bad_sigs.push(rev.clone()),
                (Some(sig), Some(key)) => {
                    if !crate::keys::verify_rev(key, &rev, &sig) {
                        bad_sigs.push(rev.clone());
                    }
                }
                (Some(_), None) => bad_sigs.push(rev.clone()),
            }
            let parents: Vec<String> = match serde_json::from_str(&parents) {
                Ok(p) => p,
                Err(_) => {
                    problems.push(format!("revision {rev}: parents unreadable"));
                    continue;
                }
            };
            let body: Value = match serde_json::from_str(&body) {
                Ok(b) => b,
                Err(_) => {
                    problems.push(format!("revision {rev}: body unreadable"));
                    continue;
                }
            };
            if generation_of(&rev) != Some(generation as u64) {
                problems.push(format!(
                    "revision {rev}: generation {generation} differs from its id"
                ));
            }
            let expect = Revision::compute_rev(
                &id,
                &kind,
                generation as u64,
                &parents,
                &device,
                &person,
                &hlc,
                deleted,
                &body,
            );
            if expect != rev {
                problems.push(format!(
                    "revision {rev} of {id}: content does not match its id"
                ));
            }
            if !model::KINDS.contains(&kind.as_str()) {
                problems.push(format!("revision {rev}: unknown kind {kind}"));
            }
            revs.insert(rev.clone(), (id.clone(), generation, deleted));
            all.push((rev, id, generation, parents));
        }
        for (rev, id, generation, parents) in &all {
            let mut max_parent = 0;
            for p in parents {
                match revs.get(p) {
                    None => problems.push(format!("revision {rev}: parent {p} is missing")),
                    Some((pid, pg, _)) => {
                        if pid != id {
                            problems.push(format!(
                                "revision {rev}: parent {p} belongs to another record"
                            ));
                        }
                        max_parent = max_parent.max(*pg);
                    }
                }
            }
            if *generation != max_parent + 1 {
                problems.push(format!(
                    "revision {rev}: generation should be {}",
                    max_parent + 1
                ));
            }
        }

        // The materialised state equals the winner of each record's heads.
        let parent_of: HashSet<&String> = all.iter().flat_map(|(_, _, _, p)| p.iter()).collect();
        let mut heads: HashMap<&String, Vec<&String>> = HashMap::new();
        for (rev, id, _, _) in &all {
            if !parent_of.contains(rev) {
                heads.entry(id).or_default().push(rev);
            }
        }
        let mut st = conn.prepare("SELECT id, rev, heads, kind, conflict, body FROM records")?;
        let mut sealed_conflicts: HashSet<String> = HashSet::new();
        let records: HashMap<String, (String, i64)> = st
            .query_map([], |r| {
                let (id, rev, heads, kind, conflict, body): (
                    String,
                    String,
                    i64,
                    String,
                    bool,
                    String,
                ) = (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                );
                Ok((id, rev, heads, kind, conflict, body))
            })?
            .map(|row| {
                row.map(|(id, rev, heads, kind, conflict, body)| {
                    // Signed minutes in conflict with a concurrent edit stand as the current
                    // body (`model::sealed`), whichever head the usual rule would pick.
                    let sealed = serde_json::from_str::<Value>(&body)
                        .is_ok_and(|b| model::sealed(&kind, &b));
                    if conflict && sealed {
                        sealed_conflicts.insert(id.clone());
                    }
                    (id, (rev, heads))
                })
            })
            .collect::<rusqlite::Result<_>>()?;
        let mut conflicts = 0;
        for (id, hs) in &heads {
            let winner = hs
                .iter()
                .max_by_key(|r| {
                    let (_, g, d) = &revs[**r];
                    (!*d, *g, r.as_str())
                })
                .expect("non-empty");
            let live = hs.iter().filter(|r| !revs[**r].2).count() as i64;
            match records.get(*id) {
                None => problems.push(format!("record {id}: missing from the current state")),
                Some((rev, n)) => {
                    let sealed_stands = sealed_conflicts.contains(*id) && hs.contains(&rev);
                    if rev != *winner && !sealed_stands {
                        problems.push(format!(
                            "record {id}: current revision {rev}, expected {winner}"
                        ));
                    }
                    if *n != live.max(1) {
                        problems.push(format!("record {id}: head count {n}, expected {live}"));
                    }
                }
            }
        }
        conflicts += conn.query_row("SELECT COUNT(*) FROM records WHERE conflict = 1", [], |r| {
            r.get::<_, i64>(0)
        })? as usize;
        for id in records.keys() {
            if !heads.contains_key(id) {
                problems.push(format!("record {id}: has no revisions"));
            }
        }

        // The owner column (what lists are read by) and the summary (what counts are read
        // from) match the current body.
        let mut st = conn.prepare(
            "SELECT r.id, r.kind, r.body, r.owner, s.summary
             FROM records r JOIN record_state s ON s.id = r.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        for row in rows {
            let (id, kind, body, owner, summary) = row?;
            let body = serde_json::from_str::<serde_json::Value>(&body)?;
            let expect = match model::owner_field(&kind) {
                Some(f) => body[f].as_str().map(str::to_string),
                None => None,
            };
            if owner != expect {
                problems.push(format!("record {id}: owner {owner:?}, expected {expect:?}"));
            }
            let expect = kiemtra_store::summary_of(model::SUMMARY_FIELDS, &kind, &body);
            if summary != expect {
                problems.push(format!(
                    "record {id}: summary {summary:?}, expected {expect:?}"
                ));
            }
        }

        // Bodies decode as their kind.
        problems.extend(self.check_bodies()?);

        let mut rules = crate::trust::rules::Rules::new(conn, &me);
        let mut violations = Vec::new();
        for rev in bad_sigs {
            let rule = kiemtra_domain::trust::WriteRule::BadSignature;
            violations.extend(rules.violation_of(&rev, rule)?);
        }
        violations.extend(rules.check_since(0, None, usize::MAX)?);
        Ok(CheckReport {
            ok: problems.is_empty() && violations.is_empty(),
            revisions: all.len(),
            records: records.len(),
            conflicts,
            problems,
            violations,
            unsigned,
        })
    }

    fn check_bodies(&self) -> Result<Vec<String>> {
        fn each<T: Entity<Error = crate::Invalid>>(s: &Store, out: &mut Vec<String>) -> Result<()> {
            let mut st = s
                .conn()
                .prepare("SELECT id, body FROM records WHERE kind = ?1 AND deleted = 0")?;
            let rows = st.query_map([T::KIND], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (id, body) = row?;
                match serde_json::from_str::<T>(&body) {
                    Err(e) => out.push(format!("{} {id}: {e}", T::KIND)),
                    Ok(v) => {
                        // Lengths and dates are checked as people write; a record that came
                        // from another laptop or an older build is not unsound for them.
                        match v.validate() {
                            Err(e) if !e.is_writing_rule() => out.push(format!(
                                "{} {id}: {}",
                                T::KIND,
                                crate::Localize::message(&e, crate::Lang::En)
                            )),
                            _ => {}
                        }
                    }
                }
            }
            Ok(())
        }
        let mut out = Vec::new();
        each::<model::Campaign>(self, &mut out)?;
        each::<model::Unit>(self, &mut out)?;
        each::<model::CriteriaSet>(self, &mut out)?;
        each::<model::Inspector>(self, &mut out)?;
        each::<model::Team>(self, &mut out)?;
        each::<model::Visit>(self, &mut out)?;
        each::<model::Finding>(self, &mut out)?;
        each::<model::Recommendation>(self, &mut out)?;
        each::<model::Attachment>(self, &mut out)?;
        each::<crate::trust::DeviceCard>(self, &mut out)?;
        each::<crate::trust::Enrolment>(self, &mut out)?;
        Ok(out)
    }
}
