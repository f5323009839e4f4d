//! The unit directory as a tree, as the units screen and the CLI show it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::*;
use crate::store::{Store, Stored};
use crate::text;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitRow {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub short_name: String,
    pub code: String,
    pub kind: String,
    pub level_label: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// The unit it was merged into on its `valid_to`.
    #[serde(default)]
    pub merged_into: Option<String>,
    pub depth: usize,
    /// The current revision: a unit still at its first has had one name (`NameBook`).
    #[serde(skip)]
    pub(crate) rev: String,
}

/// Up to this many units are read one by one; more come from the kept directory.
const BY_ID_MAX: usize = 200;

/// The ids of the rows `keep` picks and of all their ancestors, so a tree keeps its shape.
pub(crate) fn with_ancestors(rows: &[UnitRow], keep: impl Fn(&UnitRow) -> bool) -> HashSet<String> {
    let parent: HashMap<&str, Option<&str>> = rows
        .iter()
        .map(|u| (u.id.as_str(), u.parent_id.as_deref()))
        .collect();
    let mut out = HashSet::new();
    for u in rows.iter().filter(|u| keep(u)) {
        let mut cur = Some(u.id.as_str());
        while let Some(x) = cur {
            if !out.insert(x) {
                break;
            }
            cur = parent.get(x).copied().flatten();
        }
    }
    out.into_iter().map(str::to_string).collect()
}

pub(crate) fn unit_row(u: &Stored<Unit>, depth: usize) -> UnitRow {
    UnitRow {
        id: u.id.clone(),
        parent_id: u.body.parent_id.clone(),
        name: u.body.name.clone(),
        short_name: u.body.short_name.clone(),
        code: u.body.code.clone(),
        kind: u.body.kind.clone(),
        level_label: u.body.level_label.clone(),
        valid_from: u.body.valid_from,
        valid_to: u.body.valid_to,
        merged_into: u.body.merged_into.clone(),
        depth,
        rev: u.rev.clone(),
    }
}

impl Store {
    /// The unit directory as a tree in pre-order (children sorted by code then Vietnamese
    /// name), without units dissolved or merged away before today unless a shown unit is
    /// still below them.
    pub fn unit_tree(&self) -> Result<Vec<UnitRow>> {
        self.unit_tree_with(false)
    }

    /// `unit_tree`, with `include_past` also every unit that has ended.
    pub fn unit_tree_with(&self, include_past: bool) -> Result<Vec<UnitRow>> {
        let all = self.unit_tree_all()?;
        if include_past {
            return Ok(all);
        }
        let today = crate::dates::today();
        let shown = with_ancestors(&all, |u| u.valid_to.is_none_or(|t| t >= today));
        Ok(all
            .into_iter()
            .filter(|u| shown.contains(u.id.as_str()))
            .collect())
    }

    pub(crate) fn unit_tree_all(&self) -> Result<Vec<UnitRow>> {
        self.with_unit_tree(|rows| rows.to_vec())
    }

    /// `f` over the whole directory in tree order, read again only when a unit changed.
    fn with_unit_tree<T>(&self, f: impl FnOnce(&[UnitRow]) -> T) -> Result<T> {
        let rows = self.kept("unit tree", Unit::KIND, || {
            Ok(tree_of(&self.list::<Unit>()?))
        })?;
        Ok(f(&rows))
    }

    /// The units `ids` (depth 0): a few read by id, many picked from the kept directory
    /// (a national campaign's 20,000 units are one pass over it, not 20,000 reads).
    pub(crate) fn unit_rows_by_id<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, UnitRow>> {
        let ids: HashSet<&str> = ids.into_iter().collect();
        if ids.len() <= BY_ID_MAX {
            let mut out = HashMap::new();
            for id in ids {
                if let Some(u) = self.get::<Unit>(id)? {
                    out.insert(u.id.clone(), unit_row(&u, 0));
                }
            }
            return Ok(out);
        }
        self.with_unit_tree(|rows| {
            rows.iter()
                .filter(|u| ids.contains(u.id.as_str()))
                .map(|u| {
                    (
                        u.id.clone(),
                        UnitRow {
                            depth: 0,
                            ..u.clone()
                        },
                    )
                })
                .collect()
        })
    }

    /// The units `ids` and their ancestors as a tree, in `unit_tree`'s order and depths: a
    /// screen that shows a campaign's units reads those, not the whole directory.
    pub(crate) fn unit_tree_of<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<UnitRow>> {
        let mut found: BTreeMap<String, Stored<Unit>> = BTreeMap::new();
        for id in ids {
            let mut cur = Some(id.to_string());
            while let Some(id) = cur.take() {
                if found.contains_key(&id) {
                    break;
                }
                let Some(u) = self.get::<Unit>(&id)? else {
                    break;
                };
                cur = u.body.parent_id.clone();
                found.insert(id, u);
            }
        }
        Ok(tree_of(&found.into_values().collect::<Vec<_>>()))
    }
}

/// Units in pre-order from the top, children by code then Vietnamese name; a unit whose
/// parent is not among them at the top.
fn tree_of(units: &[Stored<Unit>]) -> Vec<UnitRow> {
    let ids: std::collections::HashSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
    let mut children: BTreeMap<Option<&str>, Vec<&Stored<Unit>>> = BTreeMap::new();
    for u in units {
        // A unit whose parent is missing still shows, at the top.
        let parent = u.body.parent_id.as_deref().filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(u);
    }
    for list in children.values_mut() {
        // Each key once per unit, not once per comparison (a province has thousands).
        list.sort_by_cached_key(|u| (u.body.code.clone(), text::sort_key(&u.body.name)));
    }
    let mut out = Vec::with_capacity(units.len());
    let mut stack: Vec<(&Stored<Unit>, usize)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|u| (*u, 0)).collect())
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    while let Some((u, depth)) = stack.pop() {
        if !seen.insert(u.id.as_str()) {
            continue; // a cycle from bad data: show each unit once
        }
        out.push(unit_row(u, depth));
        if let Some(kids) = children.get(&Some(u.id.as_str())) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    // Units caught in a parent cycle are unreachable from the top: list them anyway.
    for u in units {
        if !seen.contains(u.id.as_str()) {
            out.push(unit_row(u, 0));
        }
    }
    out
}
