//! Conflicts: records whose concurrent heads changed the same field. Listed with every
//! version side by side; resolved by a revision whose parents are all the heads, so the
//! resolution spreads to every laptop like any edit.

use serde::Serialize;
use serde_json::{Map, Value};

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::model::{Entity, Visit};
use crate::store::{heads_of, Store};
use crate::Rule;

#[derive(Debug, Clone, Serialize)]
pub struct ConflictVersion {
    pub rev: String,
    pub device_id: String,
    pub device_name: String,
    /// Who on that laptop wrote it (empty for revisions older than people).
    pub person: String,
    pub hlc: String,
    pub is_winner: bool,
    pub body: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldVersions {
    pub field: String,
    /// One value per version, in the order of `versions`.
    pub values: Vec<Value>,
    /// The value before the edits: the common ancestor's (null without one).
    pub ancestor: Value,
    /// Prose a person may combine or rewrite by hand (a note, an assessment), not a value
    /// to pick (a rating, a date).
    pub text: bool,
}

/// The revision every version of a conflict was edited from (their newest common ancestor).
#[derive(Debug, Clone, Serialize)]
pub struct ConflictAncestor {
    pub rev: String,
    pub body: Value,
}

/// Typed text a person wrote (what search indexes: a note, an assessment, a name), as
/// against a value to pick (a rating, a date).
fn is_prose(kind: &str, field: &str) -> bool {
    crate::search::text_fields(kind).contains(&field)
}

#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub id: String,
    pub kind: String,
    /// What a person calls this record: "Tiêu chí 5.3 · Đoàn xã Gia Sinh".
    pub label: String,
    pub winner: String,
    pub versions: Vec<ConflictVersion>,
    /// What the versions were edited from; None when they share no revision (two laptops
    /// created the same finding independently).
    pub ancestor: Option<ConflictAncestor>,
    /// Only the fields where the versions differ.
    pub fields: Vec<FieldVersions>,
    /// Minutes changed while being signed: one version is the signed text, another an edit
    /// made without seeing the signing.
    pub while_signing: bool,
}

/// How a person settles a conflict.
#[derive(Debug, Clone)]
pub enum Resolution {
    /// Keep this version as it is.
    Keep(String),
    /// Start from the current (winning) body and set these fields.
    Fields(Map<String, Value>),
}

impl Store {
    fn unit_name_of_visit(&self, visit_id: &str) -> String {
        self.get::<crate::model::Visit>(visit_id)
            .ok()
            .flatten()
            .and_then(|v| {
                self.get::<crate::model::Unit>(&v.body.unit_id)
                    .ok()
                    .flatten()
            })
            .map(|u| u.body.name)
            .unwrap_or_default()
    }

    /// A short, human description of a record, in Vietnamese (content is Vietnamese).
    pub fn record_label(&self, kind: &str, body: &Value) -> String {
        let s = |k: &str| {
            body.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        match kind {
            "finding" => format!(
                "Tiêu chí {} · {}",
                s("item_code"),
                self.unit_name_of_visit(&s("visit_id"))
            ),
            "recommendation" => format!("Kiến nghị · {}", self.unit_name_of_visit(&s("visit_id"))),
            "visit" => format!(
                "Buổi kiểm tra · {}",
                self.get::<crate::model::Unit>(&s("unit_id"))
                    .ok()
                    .flatten()
                    .map(|u| u.body.name)
                    .unwrap_or_default()
            ),
            "inspector" => format!("Thành viên đoàn · {}", s("full_name")),
            "team" => format!("Đoàn kiểm tra · {}", s("name")),
            "unit" => format!("Đơn vị · {}", s("name")),
            "campaign" => format!("Đợt kiểm tra · {}", s("name")),
            "criteria_set" => format!("Bộ tiêu chí · {}", s("name")),
            other => other.to_string(),
        }
    }

    pub fn conflicts(&self) -> Result<Vec<Conflict>> {
        let ids: Vec<String> = self
            .conn()
            .prepare("SELECT id FROM records WHERE conflict = 1 ORDER BY kind, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter().map(|id| self.conflict(id)).collect()
    }

    pub fn conflict(&self, id: &str) -> Result<Conflict> {
        let (kind, winner, conflict): (String, String, bool) = self
            .conn()
            .query_row(
                "SELECT kind, rev, conflict FROM records WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|_| Error::NotFound {
                what: "record",
                id: id.to_string(),
            })?;
        if !conflict {
            return Err(Error::NoConflict { id: id.to_string() });
        }
        let mut versions = Vec::new();
        for h in heads_of(self.conn(), id)?
            .into_iter()
            .filter(|h| !h.deleted)
        {
            let (device_id, device_name, hlc, person): (String, String, String, String) =
                self.conn().query_row(
                    "SELECT r.device_id, COALESCE(d.name, r.device_id), r.hlc, r.person
                     FROM revisions r LEFT JOIN devices d ON d.id = r.device_id WHERE r.rev = ?1",
                    [&h.rev],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?;
            versions.push(ConflictVersion {
                is_winner: h.rev == winner,
                rev: h.rev,
                device_id,
                device_name,
                person,
                hlc,
                body: serde_json::from_str(&h.body)?,
            });
        }
        // Winner first, then the others by rev: the same order on every laptop.
        versions.sort_by(|a, b| b.is_winner.cmp(&a.is_winner).then(a.rev.cmp(&b.rev)));
        let mut keys: Vec<&String> = versions
            .iter()
            .filter_map(|v| v.body.as_object())
            .flat_map(|o| o.keys())
            .collect();
        keys.sort();
        keys.dedup();
        let ancestor = match kiemtra_store::live_heads_ancestor(self.conn(), id)? {
            Some((rev, body)) => Some(ConflictAncestor {
                rev,
                body: serde_json::from_str(&body)?,
            }),
            None => None,
        };
        let fields = keys
            .into_iter()
            .filter_map(|k| {
                let values: Vec<Value> = versions
                    .iter()
                    .map(|v| v.body.get(k).cloned().unwrap_or(Value::Null))
                    .collect();
                values.iter().any(|v| *v != values[0]).then(|| {
                    let before = ancestor
                        .as_ref()
                        .and_then(|a| a.body.get(k).cloned())
                        .unwrap_or(Value::Null);
                    let text = is_prose(&kind, k)
                        && values
                            .iter()
                            .chain([&before])
                            .all(|v| v.is_string() || v.is_null());
                    FieldVersions {
                        field: k.clone(),
                        values,
                        ancestor: before,
                        text,
                    }
                })
            })
            .collect();
        let label = self.record_label(&kind, &versions[0].body);
        let sealed = versions
            .iter()
            .filter(|v| crate::model::sealed(&kind, &v.body))
            .count();
        Ok(Conflict {
            while_signing: sealed > 0 && sealed < versions.len(),
            id: id.to_string(),
            label,
            kind,
            winner,
            versions,
            ancestor,
            fields,
        })
    }

    /// Settle a conflict. Returns the new revision id.
    pub fn resolve(&mut self, id: &str, how: Resolution) -> Result<String> {
        let c = self.conflict(id)?;
        let body = match how {
            Resolution::Keep(rev) => c
                .versions
                .iter()
                .find(|v| v.rev == rev || v.rev.starts_with(&rev) && rev.len() >= 6)
                .map(|v| v.body.clone())
                .ok_or_else(|| Error::NotFound {
                    what: "revision",
                    id: rev.clone(),
                })?,
            Resolution::Fields(fields) => {
                let winner = c
                    .versions
                    .iter()
                    .find(|v| v.is_winner)
                    .map(|v| v.body.clone())
                    .unwrap_or(Value::Object(Map::new()));
                let mut body = winner.as_object().cloned().unwrap_or_default();
                for (k, v) in fields {
                    // A field only another version has (one left out of the JSON while
                    // empty, such as a visit's unlocks) can be taken from it too.
                    let known = c.versions.iter().any(|x| x.body.get(&k).is_some());
                    if !known {
                        return Err(Error::rule("fields", Rule::NotAField { name: k.clone() }));
                    }
                    // Taking the value of a version that lacks the field (shown as empty)
                    // leaves it out, as that version does: a list left out is empty, null
                    // is not a list.
                    let absent = c.versions.iter().any(|x| x.body.get(&k).is_none());
                    if v.is_null() && absent {
                        body.remove(&k);
                    } else {
                        body.insert(k, v);
                    }
                }
                Value::Object(body)
            }
        };
        let parents: Vec<String> = c.versions.iter().map(|v| v.rev.clone()).collect();
        let kind = c.kind.clone();
        crate::model::validate_body(&kind, &body)?;
        self.write(|w| Ok(w.put_with_parents(&kind, id, body, parents)?))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct KnownDevice {
    pub id: String,
    pub name: String,
    pub public_key: Option<String>,
    /// The key as people read it aloud (`keys::fingerprint`).
    pub fingerprint: Option<String>,
    pub first_seen: String,
    pub is_self: bool,
}

impl Store {
    /// This laptop and every laptop whose bundles were imported.
    pub fn devices(&self) -> Result<Vec<KnownDevice>> {
        let mut st = self.conn().prepare(
            "SELECT id, name, public_key, first_seen, is_self FROM devices ORDER BY is_self DESC, name",
        )?;
        let rows = st
            .query_map([], |r| {
                let public_key: Option<String> = r.get(2)?;
                Ok(KnownDevice {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    fingerprint: public_key.as_deref().map(crate::keys::fingerprint),
                    public_key,
                    first_seen: r.get(3)?,
                    is_self: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}

impl Store {
    /// How many records are in conflict, read from the conflict index alone (the sync
    /// screen shows the number, not the versions).
    pub fn conflict_count(&self) -> Result<usize> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM record_state WHERE conflict = 1",
            [],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Ids of records in conflict, and the visits they concern.
    pub fn conflict_index(&self) -> Result<(HashSet<String>, HashSet<String>)> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, kind, COALESCE(json_extract(body, '$.visit_id'), '') FROM records WHERE conflict = 1",
        )?;
        let mut ids = HashSet::new();
        let mut visits = HashSet::new();
        for row in st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, kind, visit) = row?;
            if kind == Visit::KIND {
                visits.insert(id.clone());
            } else if !visit.is_empty() {
                visits.insert(visit);
            }
            ids.insert(id);
        }
        Ok((ids, visits))
    }
}
