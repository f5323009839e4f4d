//! What every area's edits do with what people type and pick: kept as NFC without surrounding
//! blanks, ids resolved from what was typed, refusals made errors.

use kiemtra_domain::Refusal;

use crate::error::{Error, Result};
use crate::model::Entity;
use crate::store::{Store, Stored, Writer};
use crate::text;

pub(crate) fn refuse<T>(r: Refusal) -> Result<T> {
    Err(Error::Refused(r))
}

/// What people type, as it is kept: NFC, without surrounding blanks.
pub(crate) fn clean(s: &str) -> String {
    text::nfc(s.trim())
}

pub(crate) fn need<T: Entity>(w: &Writer<'_>, id: &str) -> Result<Stored<T>> {
    w.get::<T>(id)?.ok_or_else(|| Error::NotFound {
        what: T::KIND,
        id: id.to_string(),
    })
}

/// Resolve an optional id typed or picked by a person (blank: none).
pub(crate) fn resolve_opt(
    s: &Store,
    kind: &'static str,
    id: Option<&str>,
) -> Result<Option<String>> {
    match id.map(str::trim).filter(|i| !i.is_empty()) {
        Some(i) => Ok(Some(s.resolve_id(kind, i)?)),
        None => Ok(None),
    }
}
