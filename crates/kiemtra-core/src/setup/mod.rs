//! The secretariat's setup of a campaign: the campaign itself, inspectors and teams,
//! criteria-set versions, the unit directory (add, edit, move, merge, dissolve, and names as
//! they were on a day) and the visit plan. Every change is a revision through `Store::write`;
//! a refusal writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Invalid, Result};
use crate::ids::new_id;
use crate::model::some_value;
use crate::model::*;
use crate::store::{Store, Stored, Writer};
use crate::text;

mod campaign;
mod criteria;
mod plan;
mod team;
mod unit;

pub use campaign::*;
pub use criteria::*;
pub use kiemtra_domain::dates::today;
pub use kiemtra_domain::model::{campaign_day, CAMPAIGN_YEARS};
pub use kiemtra_domain::Refusal;
pub use plan::*;
pub use team::*;
pub use unit::*;

fn refuse<T>(r: Refusal) -> Result<T> {
    Err(Error::Refused(r))
}

/// What people type, as it is kept: NFC, without surrounding blanks.
fn clean(s: &str) -> String {
    text::nfc(s.trim())
}

fn need<T: Entity>(w: &Writer<'_>, id: &str) -> Result<Stored<T>> {
    w.get::<T>(id)?.ok_or_else(|| Error::NotFound {
        what: T::KIND,
        id: id.to_string(),
    })
}

/// Resolve an optional id typed or picked by a person (blank: none).
fn resolve_opt(s: &Store, kind: &'static str, id: Option<&str>) -> Result<Option<String>> {
    match id.map(str::trim).filter(|i| !i.is_empty()) {
        Some(i) => Ok(Some(s.resolve_id(kind, i)?)),
        None => Ok(None),
    }
}
