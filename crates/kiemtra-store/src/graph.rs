//! A record's revision graph: its heads, the deterministic winner, the common ancestor of
//! concurrent heads, and the current state worked out from them.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use crate::canonical;
use crate::error::Result;

pub(crate) struct Current {
    pub(crate) kind: String,
    pub(crate) rev: String,
    pub(crate) deleted: bool,
    pub(crate) body: Value,
    pub(crate) heads: i64,
    pub(crate) conflict: bool,
}

pub(crate) fn current_of(conn: &Connection, id: &str) -> Result<Option<Current>> {
    let row = conn
        .prepare_cached(
            "SELECT kind, rev, deleted, body, heads, conflict FROM records WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })
        .optional()?;
    match row {
        None => Ok(None),
        Some((kind, rev, deleted, body, heads, conflict)) => Ok(Some(Current {
            kind,
            rev,
            deleted,
            body: serde_json::from_str(&body)?,
            heads,
            conflict,
        })),
    }
}

/// Recompute a record's current state from its heads: the CouchDB winner, and where several
/// live heads changed different fields, their three-way merge against the common ancestor.
pub fn materialize(
    conn: &Connection,
    owner_field: fn(&str) -> Option<&'static str>,
    sealed: fn(&str, &Value) -> bool,
    summaries: crate::record::Summaries,
    record_id: &str,
) -> Result<()> {
    let graph = graph_of(conn, record_id)?;
    let heads = heads_in(&graph);
    let Some(mut winner) = heads
        .iter()
        .max_by(|a, b| winner_key(a).cmp(&winner_key(b)))
    else {
        return Ok(());
    };
    let live: Vec<&Node> = heads.iter().copied().filter(|h| !h.deleted).collect();
    let (merged, conflict) = if live.len() > 1 {
        let ancestor = match common_ancestor(&graph, &live) {
            Some(rev) => Some(serde_json::from_str::<Value>(&body_of(conn, rev)?)?),
            None => None,
        };
        let texts: Vec<String> = live
            .iter()
            .map(|h| body_of(conn, &h.rev))
            .collect::<Result<_>>()?;
        let bodies: Vec<Value> = texts
            .iter()
            .map(|t| serde_json::from_str(t))
            .collect::<std::result::Result<_, _>>()?;
        let refs: Vec<&Value> = bodies.iter().collect();
        // Sealed on one side while edited on another (neither saw the other): a person decides.
        let kind = &winner.kind;
        let sealed_now = refs.iter().filter(|b| sealed(kind, b)).count();
        let sealed_before = ancestor.as_ref().is_some_and(|a| sealed(kind, a));
        if sealed_now > 0 && sealed_now < refs.len() && !sealed_before {
            // The sealed text stands (is the current body) until a person decides.
            if let Some(w) = live
                .iter()
                .zip(&refs)
                .filter(|(_, b)| sealed(kind, b))
                .map(|(h, _)| h)
                .max_by(|a, b| winner_key(a).cmp(&winner_key(b)))
            {
                winner = w;
            }
            (None, true)
        } else {
            match crate::merge::merge(ancestor.as_ref(), &refs) {
                Ok(m) => {
                    let text = canonical::to_string(&m);
                    let same = live
                        .iter()
                        .zip(&texts)
                        .any(|(h, t)| h.rev == winner.rev && *t == text);
                    (if same { None } else { Some(text) }, false)
                }
                Err(_) => (None, true),
            }
        }
    } else {
        (None, false)
    };
    let owner: Option<String> = match owner_field(&winner.kind) {
        None => None,
        Some(field) => match &merged {
            Some(text) => serde_json::from_str::<Value>(text)?[field]
                .as_str()
                .map(str::to_string),
            None => conn
                .prepare_cached(
                    "SELECT json_extract(body, '$.' || ?2) FROM revisions WHERE rev = ?1",
                )?
                .query_row(params![winner.rev, field], |r| r.get(0))?,
        },
    };
    // The current body is read again only for a kind with summary fields.
    let summary = if summaries.iter().any(|(k, _)| *k == winner.kind) {
        let text = match &merged {
            Some(t) => t.clone(),
            None => body_of(conn, &winner.rev)?,
        };
        crate::record::summary_of(summaries, &winner.kind, &serde_json::from_str(&text)?)
    } else {
        None
    };
    conn.prepare_cached(
        "INSERT INTO record_state(id, kind, rev, deleted, heads, conflict, merged, owner, summary)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, rev = excluded.rev,
            deleted = excluded.deleted, heads = excluded.heads, conflict = excluded.conflict,
            merged = excluded.merged, owner = excluded.owner, summary = excluded.summary",
    )?
    .execute(params![
        record_id,
        winner.kind,
        winner.rev,
        winner.deleted,
        live.len().max(1) as i64,
        conflict,
        merged,
        owner,
        summary
    ])?;
    Ok(())
}

/// One revision of a record, without its body.
pub struct Node {
    pub rev: String,
    pub kind: String,
    pub generation: i64,
    pub parents: Vec<String>,
    pub deleted: bool,
}

/// Every revision of a record (a record has few: its edits), read through the
/// `revisions_record` index.
pub fn graph_of(conn: &Connection, record_id: &str) -> Result<Vec<Node>> {
    let mut st = conn.prepare_cached(
        "SELECT rev, kind, generation, parents, deleted FROM revisions WHERE record_id = ?1",
    )?;
    let rows = st.query_map([record_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, bool>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (rev, kind, generation, parents, deleted) = row?;
        out.push(Node {
            rev,
            kind,
            generation,
            parents: serde_json::from_str(&parents)?,
            deleted,
        });
    }
    Ok(out)
}

/// The revisions no other revision names as a parent, in rev order.
pub fn heads_in(graph: &[Node]) -> Vec<&Node> {
    let named: HashSet<&str> = graph
        .iter()
        .flat_map(|n| n.parents.iter().map(String::as_str))
        .collect();
    let mut heads: Vec<&Node> = graph
        .iter()
        .filter(|n| !named.contains(n.rev.as_str()))
        .collect();
    heads.sort_by(|a, b| a.rev.cmp(&b.rev));
    heads
}

pub(crate) fn body_of(conn: &Connection, rev: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT body FROM revisions WHERE rev = ?1")?
        .query_row([rev], |r| r.get(0))?)
}

pub struct Head {
    pub rev: String,
    pub generation: i64,
    pub deleted: bool,
    pub body: String,
}

/// A record's heads with their bodies, in rev order.
pub fn heads_of(conn: &Connection, record_id: &str) -> Result<Vec<Head>> {
    let graph = graph_of(conn, record_id)?;
    heads_in(&graph)
        .into_iter()
        .map(|n| {
            Ok(Head {
                rev: n.rev.clone(),
                generation: n.generation,
                deleted: n.deleted,
                body: body_of(conn, &n.rev)?,
            })
        })
        .collect()
}

/// The newest common ancestor of a record's live heads, with its body: what the versions
/// of a conflict were edited from (None with fewer than two live heads, or none shared).
pub fn live_heads_ancestor(conn: &Connection, record_id: &str) -> Result<Option<(String, String)>> {
    let graph = graph_of(conn, record_id)?;
    let live: Vec<&Node> = heads_in(&graph)
        .into_iter()
        .filter(|h| !h.deleted)
        .collect();
    if live.len() < 2 {
        return Ok(None);
    }
    match common_ancestor(&graph, &live) {
        Some(rev) => Ok(Some((rev.to_string(), body_of(conn, rev)?))),
        None => Ok(None),
    }
}

/// The newest revision that is an ancestor of every given head (None when they share none,
/// e.g. two laptops created the same finding independently).
pub(crate) fn common_ancestor<'g>(graph: &'g [Node], heads: &[&Node]) -> Option<&'g str> {
    let parents: HashMap<&str, &[String]> = graph
        .iter()
        .map(|n| (n.rev.as_str(), n.parents.as_slice()))
        .collect();
    let ancestors = |start: &str| -> HashSet<&str> {
        let mut seen = HashSet::new();
        let mut todo = vec![start];
        while let Some(r) = todo.pop() {
            if let Some((k, ps)) = parents.get_key_value(r) {
                if seen.insert(*k) {
                    todo.extend(ps.iter().map(String::as_str));
                }
            }
        }
        seen
    };
    let mut common: Option<HashSet<&str>> = None;
    for h in heads {
        let set = ancestors(&h.rev);
        common = Some(match common {
            None => set,
            Some(c) => c.intersection(&set).copied().collect(),
        });
    }
    let by_rev: HashMap<&str, i64> = graph
        .iter()
        .map(|n| (n.rev.as_str(), n.generation))
        .collect();
    common?.into_iter().max_by_key(|r| (by_rev[r], *r))
}

/// CouchDB's deterministic winner: a live head beats a deleted one, then the longest
/// history, then the highest rev id.
pub(crate) fn winner_key(h: &Node) -> (bool, i64, &str) {
    (!h.deleted, h.generation, h.rev.as_str())
}
