//! `dump --canonical`: the whole shared state as deterministic JSON. Only what travels
//! between laptops is in it (records and their revisions' outcome), never local things such
//! as this device's name, settings or arrival order, so two laptops that have seen the same
//! revisions print the same bytes.
//!
//! Written record by record as it is read, so memory stays that of one record whatever the
//! database holds; the bytes are those of `serde_json::to_string_pretty` of the whole
//! document (keys in order, two-space indents), which is what earlier builds printed.

use std::io::Write;

use serde_json::{json, Value};

use crate::error::Result;
use crate::store::Store;

/// A pretty-printed value placed `depth` levels deep: every line after the first indented.
fn nested(value: &Value, depth: usize) -> Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(text.replace('\n', &format!("\n{}", "  ".repeat(depth))))
}

impl Store {
    pub fn dump_canonical(&self) -> Result<String> {
        let mut out = Vec::new();
        self.dump_canonical_to(&mut out)?;
        Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
    }

    /// The canonical dump, streamed to `out`.
    pub fn dump_canonical_to(&self, out: &mut dyn Write) -> Result<()> {
        // The document's keys in their sorted order: conflicts, format, records, version.
        let mut conflicts = Vec::new();
        {
            let mut st = self
                .conn()
                .prepare("SELECT id FROM records WHERE conflict = 1 ORDER BY kind, id")?;
            let ids = st.query_map([], |r| r.get::<_, String>(0))?;
            for id in ids {
                let id = id?;
                // Every live head, winner included, in rev order.
                let graph = crate::store::graph_of(self.conn(), &id)?;
                let heads: Vec<&str> = crate::store::heads_in(&graph)
                    .into_iter()
                    .filter(|h| !h.deleted)
                    .map(|h| h.rev.as_str())
                    .collect();
                conflicts.push(json!({ "id": id, "heads": heads }));
            }
        }
        write!(
            out,
            "{{\n  \"conflicts\": {},\n  \"format\": \"kiemtra-canonical-dump\",\n  \"records\": [",
            nested(&Value::Array(conflicts), 1)?
        )?;
        let mut st = self
            .conn()
            .prepare("SELECT kind, id, rev, deleted, body FROM records ORDER BY kind, id")?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut first = true;
        for row in rows {
            let (kind, id, rev, deleted, body) = row?;
            let body: Value = serde_json::from_str(&body)?;
            let mut rec = json!({ "kind": kind, "id": id, "rev": rev, "body": body });
            if deleted {
                rec["deleted"] = Value::Bool(true);
            }
            let sep = if first { "\n    " } else { ",\n    " };
            first = false;
            write!(out, "{sep}{}", nested(&rec, 2)?)?;
        }
        // An empty array prints as "[]", as serde_json does.
        let close = if first { "]" } else { "\n  ]" };
        write!(out, "{close},\n  \"version\": 1\n}}\n")?;
        out.flush()?;
        Ok(())
    }
}
