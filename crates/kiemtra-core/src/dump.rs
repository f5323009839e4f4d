//! `dump --canonical`: the whole shared state as deterministic JSON. Only what travels
//! between laptops is in it (records and their revisions' outcome), never local things such
//! as this device's name, settings or arrival order, so two laptops that have seen the same
//! revisions print the same bytes.

use serde_json::{json, Value};

use crate::error::Result;
use crate::store::Store;

impl Store {
    pub fn dump_canonical(&self) -> Result<String> {
        let mut st = self.conn().prepare(
            "SELECT kind, id, rev, deleted, body, conflict FROM records ORDER BY kind, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
            ))
        })?;
        let mut records = Vec::new();
        let mut conflicted = Vec::new();
        for row in rows {
            let (kind, id, rev, deleted, body, conflict) = row?;
            let body: Value = serde_json::from_str(&body)?;
            let mut rec = json!({ "kind": kind, "id": id, "rev": rev, "body": body });
            if deleted {
                rec["deleted"] = Value::Bool(true);
            }
            records.push(rec);
            if conflict {
                conflicted.push(id);
            }
        }
        let mut conflicts = Vec::new();
        for id in conflicted {
            // Every live head, winner included, in rev order.
            let graph = crate::store::graph_of(self.conn(), &id)?;
            let heads: Vec<&str> = crate::store::heads_in(&graph)
                .into_iter()
                .filter(|h| !h.deleted)
                .map(|h| h.rev.as_str())
                .collect();
            conflicts.push(json!({ "id": id, "heads": heads }));
        }
        let doc = json!({
            "format": "kiemtra-canonical-dump",
            "version": 1,
            "records": records,
            "conflicts": conflicts,
        });
        let mut s = serde_json::to_string_pretty(&doc)?;
        s.push('\n');
        Ok(s)
    }
}
