//! The unit directory: add, edit, move, merge, dissolve, and the names units had on a day.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::today;
use crate::error::Invalid;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::input::need;
use crate::input::{clean, refuse, resolve_opt};
use crate::model::some_value;
use crate::model::*;
use crate::store::{Store, Stored};
use crate::text;
use crate::Refusal;

/// A new unit of the directory; `parent_id` none: a top-level unit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitInput {
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub code: String,
    /// e.g. huyen_doan, doan_co_so.
    #[serde(default)]
    pub kind: String,
    /// Shown to people: "Cấp huyện", "Cơ sở", "Cấp xã".
    #[serde(default)]
    pub level_label: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// Changes to a unit (its place in the tree changes with `unit_move`): a missing field stays;
/// a date given as `null` is cleared (clearing `valid_to` brings a dissolved unit back).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UnitPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_label: Option<String>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_from: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "some_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_to: Option<Option<NaiveDate>>,
}

/// What `unit_merge` did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitMerged {
    pub into: String,
    /// The units merged away (their `valid_to` is the last day, `merged_into` the target).
    pub merged: Vec<String>,
    /// Their live sub-units, now under `into`.
    pub moved: Vec<String>,
}

/// The day a unit's place in the tree is judged at: its last day when it has ended, its
/// first when it starts later, else today.
fn unit_day(u: &Unit, today: NaiveDate) -> NaiveDate {
    match (u.valid_from, u.valid_to) {
        (_, Some(to)) if to < today => to,
        (Some(from), _) if from > today => from,
        _ => today,
    }
}

/// Whether `child` still exists after `parent`'s last day (so it may not be left under it).
fn outlives(child: &Unit, last_day: NaiveDate) -> bool {
    child.valid_to.is_none_or(|t| t > last_day)
}

/// The fields of a unit that other units constrain: a name, dates in order, a code no other
/// unit has (unit import matches by code), a name no live sibling has.
fn check_unit(units: &[Stored<Unit>], id: &str, u: &Unit) -> Result<()> {
    if u.name.is_empty() {
        return Err(Error::Invalid(Invalid::EmptyText("name")));
    }
    if let Some((field, length, max)) = u.too_long() {
        return Err(Error::rule(
            field,
            kiemtra_domain::Rule::TooLong { len: length, max },
        ));
    }
    if let (Some(start), Some(end)) = (u.valid_from, u.valid_to) {
        if end < start {
            return refuse(Refusal::DateOrder { start, end });
        }
    }
    if !u.code.is_empty() {
        let key = text::fold(&u.code);
        if let Some(other) = units
            .iter()
            .find(|o| o.id != id && text::fold(&o.body.code) == key)
        {
            return refuse(Refusal::UnitCodeTaken {
                code: u.code.clone(),
                other: other.body.name.clone(),
            });
        }
    }
    let today = today();
    if !u.ended_before(today) {
        let key = text::fold(&u.name);
        let taken = units.iter().any(|o| {
            o.id != id
                && o.body.parent_id == u.parent_id
                && !o.body.ended_before(today)
                && text::fold(&o.body.name) == key
        });
        if taken {
            return refuse(Refusal::UnitNameTaken {
                name: u.name.clone(),
            });
        }
    }
    Ok(())
}

/// `parent` may hold `unit` (`id`, None when new) on `day`: it exists then and is not the
/// unit itself or below it.
fn check_parent(
    units: &HashMap<&str, &Stored<Unit>>,
    id: Option<&str>,
    unit_name: &str,
    parent: &str,
    day: NaiveDate,
) -> Result<()> {
    let p = units.get(parent).ok_or_else(|| Error::NotFound {
        what: Unit::KIND,
        id: parent.to_string(),
    })?;
    if let Some(id) = id {
        let mut cur = Some(parent);
        let mut seen = HashSet::new();
        while let Some(x) = cur {
            if x == id {
                return refuse(Refusal::UnitCycle {
                    unit: unit_name.to_string(),
                    parent: p.body.name.clone(),
                });
            }
            if !seen.insert(x) {
                break; // a cycle already in the data, not through this unit
            }
            cur = units.get(x).and_then(|u| u.body.parent_id.as_deref());
        }
    }
    if let Some(until) = p.body.valid_to.filter(|_| p.body.ended_before(day)) {
        return refuse(Refusal::UnitEnded {
            unit: p.body.name.clone(),
            until,
        });
    }
    Ok(())
}

/// The live sub-units that would be left under a unit ending on `last_day`.
fn live_children(units: &[Stored<Unit>], id: &str, last_day: NaiveDate) -> Vec<String> {
    units
        .iter()
        .filter(|u| u.body.parent_id.as_deref() == Some(id) && outlives(&u.body, last_day))
        .map(|u| u.body.name.clone())
        .collect()
}

impl Store {
    /// Add a unit, under a parent that exists at the time (or at the top).
    pub fn unit_create(&mut self, input: UnitInput) -> Result<Stored<Unit>> {
        let parent = resolve_opt(self, Unit::KIND, input.parent_id.as_deref())?;
        let body = Unit {
            name: clean(&input.name),
            short_name: clean(&input.short_name),
            code: clean(&input.code),
            kind: clean(&input.kind),
            level_label: clean(&input.level_label),
            parent_id: parent,
            valid_from: input.valid_from,
            valid_to: input.valid_to,
            merged_into: None,
        };
        self.write(|w| {
            let id = new_id();
            let units = w.list::<Unit>()?;
            check_unit(&units, &id, &body)?;
            if let Some(p) = &body.parent_id {
                let map = units.iter().map(|u| (u.id.as_str(), u)).collect();
                check_parent(&map, None, &body.name, p, unit_day(&body, today()))?;
            }
            let rev = w.put(&id, &body)?;
            Ok(Stored { id, rev, body })
        })
    }

    /// Rename or otherwise edit a unit. Old campaigns keep showing the old name
    /// (`unit_name_at`). Setting `valid_to` ends the unit (refused while it has live
    /// sub-units); clearing it brings the unit back.
    pub fn unit_update(&mut self, id: &str, patch: UnitPatch) -> Result<Stored<Unit>> {
        let id = self.resolve_id(Unit::KIND, id)?;
        self.write(|w| {
            let units = w.list::<Unit>()?;
            let mut u = need::<Unit>(w, &id)?.body;
            if let Some(x) = patch.name {
                u.name = clean(&x);
            }
            if let Some(x) = patch.short_name {
                u.short_name = clean(&x);
            }
            if let Some(x) = patch.code {
                u.code = clean(&x);
            }
            if let Some(x) = patch.kind {
                u.kind = clean(&x);
            }
            if let Some(x) = patch.level_label {
                u.level_label = clean(&x);
            }
            if let Some(x) = patch.valid_from {
                u.valid_from = x;
            }
            match patch.valid_to {
                Some(Some(last)) => {
                    let children = live_children(&units, &id, last);
                    if !children.is_empty() {
                        return refuse(Refusal::UnitHasChildren {
                            unit: u.name,
                            children,
                        });
                    }
                    u.valid_to = Some(last);
                }
                Some(None) => {
                    u.valid_to = None;
                    u.merged_into = None;
                }
                None => {}
            }
            check_unit(&units, &id, &u)?;
            let rev = w.put(&id, &u)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: u,
            })
        })
    }

    /// Move a unit under another parent (None: to the top). Refused under itself or one of
    /// its sub-units, and under a unit dissolved by then.
    pub fn unit_move(&mut self, id: &str, parent_id: Option<&str>) -> Result<Stored<Unit>> {
        let id = self.resolve_id(Unit::KIND, id)?;
        let parent = resolve_opt(self, Unit::KIND, parent_id)?;
        self.write(|w| {
            let units = w.list::<Unit>()?;
            let mut u = need::<Unit>(w, &id)?.body;
            if let Some(p) = &parent {
                let map = units.iter().map(|u| (u.id.as_str(), u)).collect();
                check_parent(&map, Some(&id), &u.name, p, unit_day(&u, today()))?;
            }
            u.parent_id = parent;
            check_unit(&units, &id, &u)?;
            let rev = w.put(&id, &u)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: u,
            })
        })
    }

    /// Merge units into another: each merged unit ends on `last_day` (its `valid_to`) with
    /// `merged_into` set, and its live sub-units move under `into`.
    pub fn unit_merge(
        &mut self,
        from: Vec<String>,
        into: &str,
        last_day: NaiveDate,
    ) -> Result<UnitMerged> {
        let into = self.resolve_id(Unit::KIND, into)?;
        let mut ids: Vec<String> = Vec::new();
        for f in &from {
            let f = self.resolve_id(Unit::KIND, f)?;
            if !ids.contains(&f) {
                ids.push(f);
            }
        }
        if ids.is_empty() {
            return refuse(Refusal::NothingToMerge);
        }
        self.write(|w| {
            let units = w.list::<Unit>()?;
            let map: HashMap<&str, &Stored<Unit>> =
                units.iter().map(|u| (u.id.as_str(), u)).collect();
            let target = need::<Unit>(w, &into)?;
            if let Some(until) = target.body.valid_to.filter(|t| *t <= last_day) {
                return refuse(Refusal::UnitEnded {
                    unit: target.body.name,
                    until,
                });
            }
            for id in &ids {
                let u = need::<Unit>(w, id)?;
                if *id == into {
                    return refuse(Refusal::MergeIntoItself { unit: u.body.name });
                }
                if let Some(until) = u.body.valid_to.filter(|t| *t < last_day) {
                    return refuse(Refusal::UnitEnded {
                        unit: u.body.name,
                        until,
                    });
                }
                // `into` below a merged unit would become its own ancestor once the
                // sub-units move.
                let mut cur = target.body.parent_id.as_deref();
                let mut seen = HashSet::new();
                while let Some(x) = cur.filter(|x| seen.insert(*x)) {
                    if x == id {
                        return refuse(Refusal::MergeIntoDescendant {
                            unit: u.body.name,
                            into: target.body.name,
                        });
                    }
                    cur = map.get(x).and_then(|p| p.body.parent_id.as_deref());
                }
            }
            let mut moved = Vec::new();
            for c in &units {
                let under_merged = c.body.parent_id.as_ref().is_some_and(|p| ids.contains(p));
                if under_merged && !ids.contains(&c.id) && outlives(&c.body, last_day) {
                    let mut b = c.body.clone();
                    b.parent_id = Some(into.clone());
                    w.put(&c.id, &b)?;
                    moved.push(c.id.clone());
                }
            }
            for id in &ids {
                let mut b = need::<Unit>(w, id)?.body;
                b.valid_to = Some(last_day);
                b.merged_into = Some(into.clone());
                w.put(id, &b)?;
            }
            Ok(UnitMerged {
                into: into.clone(),
                merged: ids,
                moved,
            })
        })
    }

    /// Dissolve a unit: it ends on `last_day`. Refused while it has sub-units that live on
    /// (move or merge them first).
    pub fn unit_dissolve(&mut self, id: &str, last_day: NaiveDate) -> Result<Stored<Unit>> {
        let id = self.resolve_id(Unit::KIND, id)?;
        self.write(|w| {
            let mut u = need::<Unit>(w, &id)?.body;
            if let Some(until) = u.valid_to {
                return refuse(Refusal::UnitEnded {
                    unit: u.name,
                    until,
                });
            }
            if let Some(start) = u.valid_from.filter(|f| *f > last_day) {
                return refuse(Refusal::DateOrder {
                    start,
                    end: last_day,
                });
            }
            let children = live_children(&w.list::<Unit>()?, &id, last_day);
            if !children.is_empty() {
                return refuse(Refusal::UnitHasChildren {
                    unit: u.name,
                    children,
                });
            }
            u.valid_to = Some(last_day);
            let rev = w.put(&id, &u)?;
            Ok(Stored {
                id: id.clone(),
                rev,
                body: u,
            })
        })
    }

    /// The unit's name as it was on `day` (from its revisions' history), for old campaigns.
    pub fn unit_name_at(&self, id: &str, day: NaiveDate) -> Result<String> {
        let id = self.resolve_id(Unit::KIND, id)?;
        let current = self.require::<Unit>(&id)?;
        super::names::NameBook::new(self).name_at(&id, &current.rev, &current.body.name, day)
    }
}
