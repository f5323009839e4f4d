//! Units as they were named on a day, so an old campaign's documents keep the names of
//! their time after the 2025 reform renamed and merged units.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::Result;
use crate::store::Store;

/// A unit's names through its revisions, to show old campaigns with the names of their time.
/// A revision counts from the day (this laptop's calendar) it was made.
pub(crate) struct NameBook<'s> {
    store: &'s Store,
    cache: HashMap<String, Vec<(NaiveDate, String)>>,
}

impl<'s> NameBook<'s> {
    pub(crate) fn new(store: &'s Store) -> NameBook<'s> {
        NameBook {
            store,
            cache: HashMap::new(),
        }
    }

    /// The name the unit had on `day`: from its latest revision made on or before that day;
    /// the first name when it was recorded only later (a directory typed in after the
    /// campaign); `current` when nothing changed since. `rev` is the unit's current
    /// revision: one still at its first generation has had no other name, and its history
    /// is not read.
    pub(crate) fn name_at(
        &mut self,
        id: &str,
        rev: &str,
        current: &str,
        day: NaiveDate,
    ) -> Result<String> {
        if kiemtra_store::generation_of(rev) == Some(1) {
            return Ok(current.to_string());
        }
        if !self.cache.contains_key(id) {
            let names = self.unit_names(id)?;
            self.cache.insert(id.to_string(), names);
        }
        let names = &self.cache[id];
        if names.iter().all(|(d, _)| *d <= day) {
            return Ok(current.to_string());
        }
        Ok(names
            .iter()
            .rev()
            .find(|(d, _)| *d <= day)
            .or(names.first())
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| current.to_string()))
    }

    /// (day made, name) of every revision of a unit, oldest first.
    fn unit_names(&self, id: &str) -> Result<Vec<(NaiveDate, String)>> {
        Ok(self
            .store
            .text_field_history(id, "name")?
            .into_iter()
            .filter_map(|(hlc, name)| {
                let t = chrono::DateTime::from_timestamp_millis(hlc.millis)?;
                Some((t.with_timezone(&chrono::Local).date_naive(), name))
            })
            .collect())
    }
}
