//! What the engine keeps: typed records (`Record`), the registered schema, revisions and
//! their content-addressed ids, history entries.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::canonical;

/// A kind of record kept with revisions, as the layer above types it.
pub trait Record: Serialize + DeserializeOwned {
    const KIND: &'static str;
    /// The error `validate` refuses with (the layer's own, carried whole).
    type Error: std::error::Error + Send + Sync + 'static;
    /// Checks that need only the record itself, run before every local write of it.
    fn validate(&self) -> std::result::Result<(), Self::Error> {
        Ok(())
    }
}

/// What the layer above registers when it opens a file: its migrations (run in order, the
/// count kept in `PRAGMA user_version`; the first ones create the tables this engine uses:
/// `revisions`, `record_state`, the `records` view, `devices`, `meta`) and, for each kind,
/// the body field naming the record it is listed under (kept in an indexed column).
pub struct Schema {
    pub migrations: &'static [&'static str],
    pub owner_field: fn(&str) -> Option<&'static str>,
    /// Whether a body of a kind is sealed (signed minutes): a head sealed concurrently with
    /// another head's edit is never merged with it automatically, but kept as a conflict for a
    /// person, whatever fields each changed.
    pub sealed: fn(&str, &serde_json::Value) -> bool,
    /// For each kind listed, the body fields copied into `record_state.summary` (a small
    /// JSON object kept with the current state), so views that count or group many records
    /// read a few bytes each instead of every body. The engine refills the column at open
    /// whenever this table differs from the one the file was filled with.
    pub summary_fields: Summaries,
}

/// `(kind, fields)` pairs: see `Schema::summary_fields`.
pub type Summaries = &'static [(&'static str, &'static [&'static str])];

/// The summary a body of `kind` gets under `table`: its listed fields that are present, as
/// canonical JSON; None for a kind without summary fields.
pub fn summary_of(table: Summaries, kind: &str, body: &Value) -> Option<String> {
    let (_, fields) = table.iter().find(|(k, _)| *k == kind)?;
    let mut out = serde_json::Map::new();
    for f in fields.iter() {
        if let Some(v) = body.get(*f) {
            out.insert(f.to_string(), v.clone());
        }
    }
    Some(canonical::to_string(&Value::Object(out)))
}

/// What `summary_fields` was when the column was filled, as kept in `meta`.
pub(crate) fn summaries_signature(table: Summaries) -> String {
    table
        .iter()
        .map(|(k, f)| format!("{k}:{}", f.join(",")))
        .collect::<Vec<_>>()
        .join(";")
}

impl Schema {
    pub fn latest(&self) -> i64 {
        self.migrations.len() as i64
    }
}

/// How many records an import collects before recomputing their state (a few hundred
/// bytes each: about 20 MB). A record whose revisions straddle two batches is recomputed
/// twice, which gives the same result; memory stays the same whatever the bundle's size.
pub const IMPORT_BATCH: usize = 50_000;

/// This laptop's identity, made the first time a database is opened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Device {
    pub id: String,
    pub name: String,
}

/// A record as it currently stands.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Stored<T> {
    pub id: String,
    pub rev: String,
    pub body: T,
}

/// One revision, as stored and (later) as carried in bundles.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Revision {
    pub id: String,
    pub kind: String,
    pub rev: String,
    pub parents: Vec<String>,
    pub device: String,
    /// Who on that laptop made it (their full name), signed with the rest; empty for
    /// revisions made before laptops had people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub person: String,
    pub hlc: String,
    pub deleted: bool,
    pub body: Value,
    /// The author laptop's Ed25519 signature over the rev id (`keys::rev_message`), hex.
    /// Missing only on revisions made before revisions were signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

impl Revision {
    /// The content hash part of a rev id. Everything that makes the revision is covered, so
    /// identical revisions get identical ids wherever they are computed.
    #[allow(clippy::too_many_arguments)] // each part of the hashed content, named
    pub fn compute_rev(
        id: &str,
        kind: &str,
        generation: u64,
        parents: &[String],
        device: &str,
        person: &str,
        hlc: &str,
        deleted: bool,
        body: &Value,
    ) -> String {
        rev_for_text(
            id,
            kind,
            generation,
            parents,
            device,
            person,
            hlc,
            deleted,
            &canonical::to_string(body),
        )
    }

    pub fn generation(&self) -> Option<u64> {
        generation_of(&self.rev)
    }
}

/// `Revision::compute_rev` from the body's canonical text (the form that is stored), so a
/// revision's body is serialised once for both its hash and its row. The hashed content is
/// the canonical JSON of `{id, kind, parents, device, hlc, deleted, body}` (and `person`
/// when there is one, so revisions made before people were named keep their ids): written
/// here directly, keys in sorted order, strings escaped by serde_json as `canonical` does.
#[allow(clippy::too_many_arguments)] // each part of the hashed content, named
pub fn rev_for_text(
    id: &str,
    kind: &str,
    generation: u64,
    parents: &[String],
    device: &str,
    person: &str,
    hlc: &str,
    deleted: bool,
    body: &str,
) -> String {
    fn string(out: &mut Vec<u8>, s: &str) {
        serde_json::to_writer(&mut *out, s).expect("a string always serialises");
    }
    let mut c = Vec::with_capacity(body.len() + 160 + parents.len() * 40);
    c.extend_from_slice(b"{\"body\":");
    c.extend_from_slice(body.as_bytes());
    c.extend_from_slice(if deleted {
        b",\"deleted\":true,\"device\":"
    } else {
        b",\"deleted\":false,\"device\":"
    });
    string(&mut c, device);
    c.extend_from_slice(b",\"hlc\":");
    string(&mut c, hlc);
    c.extend_from_slice(b",\"id\":");
    string(&mut c, id);
    c.extend_from_slice(b",\"kind\":");
    string(&mut c, kind);
    c.extend_from_slice(b",\"parents\":[");
    for (i, p) in parents.iter().enumerate() {
        if i > 0 {
            c.push(b',');
        }
        string(&mut c, p);
    }
    c.push(b']');
    if !person.is_empty() {
        c.extend_from_slice(b",\"person\":");
        string(&mut c, person);
    }
    c.push(b'}');
    let hash = canonical::sha256_hex(&c);
    // 128 bits of SHA-256, as long as CouchDB's MD5 revs: plenty to avoid collisions.
    format!("{generation}-{}", &hash[..32])
}

pub fn generation_of(rev: &str) -> Option<u64> {
    rev.split_once('-').and_then(|(g, _)| g.parse().ok())
}

/// A revision with who made it, for history screens.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub rev: String,
    pub generation: u64,
    pub parents: Vec<String>,
    pub device_id: String,
    pub device_name: String,
    /// Who on that laptop made it; empty for revisions older than people.
    pub person: String,
    pub hlc: String,
    /// Stamped further past this laptop's clock than another clock may move it (a laptop
    /// whose clock reads ahead): shown marked, never trusted for order.
    pub clock_ahead: bool,
    pub deleted: bool,
    pub is_head: bool,
    pub is_current: bool,
    pub body: Value,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `compute_rev` hashed before it was written out by hand: the canonical JSON of
    /// the whole content object.
    fn by_value(r: &Revision, generation: u64) -> String {
        let mut content = json!({
            "id": r.id,
            "kind": r.kind,
            "parents": r.parents,
            "device": r.device,
            "hlc": r.hlc,
            "deleted": r.deleted,
            "body": r.body,
        });
        if !r.person.is_empty() {
            content["person"] = json!(r.person);
        }
        let hash = canonical::sha256_hex(canonical::to_string(&content).as_bytes());
        format!("{generation}-{}", &hash[..32])
    }

    #[test]
    fn rev_ids_are_the_hash_of_the_canonical_content() {
        let tricky = "Đoàn \"TN\" \\ \u{1}\t\n\u{7f} 𝔘 \u{2028}";
        let cases = [
            (
                vec![],
                false,
                json!({"name": "Chi đoàn", "n": 1.5, "b": null}),
            ),
            (
                vec!["1-aa".to_string(), "2-b\"b".to_string()],
                true,
                json!({"z": [1, {"y": tricky}], "a": -0.0, "big": 18446744073709551615u64}),
            ),
            (vec!["3-c".to_string()], false, json!(tricky)),
        ];
        for (i, (parents, deleted, body)) in cases.into_iter().enumerate() {
            let r = Revision {
                id: tricky.to_string(),
                kind: "finding\u{0}".into(),
                rev: String::new(),
                parents,
                device: "máy \"A\"".into(),
                person: if i == 1 { tricky.into() } else { String::new() },
                hlc: "2023-11-07T08:30:00.123Z#0001".into(),
                deleted,
                body,
                sig: None,
            };
            let got = Revision::compute_rev(
                &r.id, &r.kind, 7, &r.parents, &r.device, &r.person, &r.hlc, r.deleted, &r.body,
            );
            assert_eq!(got, by_value(&r, 7));
        }
    }
}
