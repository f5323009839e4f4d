//! Three-way merge of concurrent heads, field by field, against their common ancestor.
//! It is a pure function of the revisions present, so every laptop that has the same
//! revisions computes the same current state, whatever order they arrived in.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// An empty-ish value: a field "not yet filled" when there is no common ancestor (two
/// laptops created the same finding independently).
fn blank(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

/// Merge `heads` (bodies of the live heads, in a fixed order) against `ancestor`. Returns
/// the merged body, or the fields both sides changed differently.
pub fn merge(ancestor: Option<&Value>, heads: &[&Value]) -> Result<Value, Vec<String>> {
    let empty = Map::new();
    let base = ancestor.and_then(Value::as_object);
    let objs: Vec<&Map<String, Value>> = heads
        .iter()
        .map(|h| h.as_object().unwrap_or(&empty))
        .collect();
    let keys: BTreeSet<&String> = objs
        .iter()
        .flat_map(|o| o.keys())
        .chain(base.into_iter().flat_map(|b| b.keys()))
        .collect();
    let mut out = Map::new();
    let mut conflicts = Vec::new();
    for k in keys {
        let before = base.and_then(|b| b.get(k));
        let changed: Vec<Option<&Value>> = objs
            .iter()
            .map(|o| o.get(k))
            .filter(|v| match base {
                Some(_) => *v != before,
                None => !blank(*v),
            })
            .collect();
        let value = match changed.first() {
            Some(first) => {
                if changed.iter().any(|v| v != first) {
                    conflicts.push(k.clone());
                    continue;
                }
                // A removed field stays removed.
                *first
            }
            // Nobody changed it: the ancestor's (or any head's, they agree) value.
            None => match base {
                Some(_) => before,
                None => objs.iter().find_map(|o| o.get(k)),
            },
        };
        if let Some(v) = value {
            out.insert(k.clone(), v.clone());
        }
    }
    if conflicts.is_empty() {
        Ok(Value::Object(out))
    } else {
        Err(conflicts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn different_fields_merge() {
        let base = json!({"note": "", "explanation": "", "rating": null});
        let a = json!({"note": "ghi nhận A", "explanation": "", "rating": null});
        let b = json!({"note": "", "explanation": "giải trình B", "rating": "dat"});
        let m = merge(Some(&base), &[&a, &b]).unwrap();
        assert_eq!(
            m,
            json!({"note": "ghi nhận A", "explanation": "giải trình B", "rating": "dat"})
        );
        // Order of heads does not matter.
        assert_eq!(merge(Some(&base), &[&b, &a]).unwrap(), m);
    }

    #[test]
    fn same_field_changed_differently_is_a_conflict() {
        let base = json!({"note": "x", "rating": null});
        let a = json!({"note": "A", "rating": null});
        let b = json!({"note": "B", "rating": "dat"});
        assert_eq!(
            merge(Some(&base), &[&a, &b]).unwrap_err(),
            vec!["note".to_string()]
        );
        // The same change on both sides is no conflict.
        let c = json!({"note": "A", "rating": "dat"});
        assert_eq!(
            merge(Some(&base), &[&a, &c]).unwrap(),
            json!({"note": "A", "rating": "dat"})
        );
    }

    #[test]
    fn without_ancestor_blank_fields_count_as_untouched() {
        let a = json!({"visit_id": "v", "note": "A", "explanation": ""});
        let b = json!({"visit_id": "v", "note": "", "explanation": "B"});
        assert_eq!(
            merge(None, &[&a, &b]).unwrap(),
            json!({"visit_id": "v", "note": "A", "explanation": "B"})
        );
        let c = json!({"visit_id": "v", "note": "C", "explanation": ""});
        assert!(merge(None, &[&a, &c]).is_err());
    }
}
