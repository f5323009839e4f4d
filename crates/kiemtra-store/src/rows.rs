//! Reading current records out of SQLite rows, and the small text helpers the engine shares.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};
use crate::record::*;

pub(crate) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

pub(crate) fn decode<T: Record>((id, rev, body): (String, String, String)) -> Result<Stored<T>> {
    let body = serde_json::from_str(&body)
        .map_err(|e| Error::Corrupt(format!("{} {id}: {e}", T::KIND)))?;
    Ok(Stored { id, rev, body })
}

pub fn get_in<T: Record>(conn: &Connection, id: &str) -> Result<Option<Stored<T>>> {
    let row = conn
        .prepare_cached(
            "SELECT id, rev, body FROM records WHERE id = ?1 AND kind = ?2 AND deleted = 0",
        )?
        .query_row(params![id, T::KIND], read_row)
        .optional()?;
    row.map(decode).transpose()
}

pub(crate) fn list_in<T: Record>(conn: &Connection) -> Result<Vec<Stored<T>>> {
    let mut st = conn.prepare_cached(
        "SELECT id, rev, body FROM records WHERE kind = ?1 AND deleted = 0 ORDER BY id",
    )?;
    let rows = st.query_map([T::KIND], read_row)?;
    rows.map(|r| decode(r?)).collect()
}

pub(crate) fn list_by_in<T: Record>(
    conn: &Connection,
    owner_field: fn(&str) -> Option<&'static str>,
    field: &str,
    value: &str,
) -> Result<Vec<Stored<T>>> {
    select_by(conn, owner_field, field, value, false)
}

/// Like `list_by_in`, for deleted records: their last body, as the tombstone carries it.
pub(crate) fn deleted_by_in<T: Record>(
    conn: &Connection,
    owner_field: fn(&str) -> Option<&'static str>,
    field: &str,
    value: &str,
) -> Result<Vec<Stored<T>>> {
    select_by(conn, owner_field, field, value, true)
}

fn select_by<T: Record>(
    conn: &Connection,
    owner_field: fn(&str) -> Option<&'static str>,
    field: &str,
    value: &str,
    deleted: bool,
) -> Result<Vec<Stored<T>>> {
    debug_assert!(field
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    let test = if owner_field(T::KIND) == Some(field) {
        "owner = ?2".to_string()
    } else {
        format!("json_extract(body, '$.{field}') = ?2")
    };
    let sql = format!(
        "SELECT id, rev, body FROM records
         WHERE kind = ?1 AND deleted = ?3 AND {test}
         ORDER BY id"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params![T::KIND, value, deleted], read_row)?;
    rows.map(|r| decode(r?)).collect()
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// NFC-normalise every string in a JSON body.
pub(crate) fn nfc_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            let n = nfc(s);
            if n != *s {
                *s = n;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(nfc_strings),
        Value::Object(o) => o.values_mut().for_each(nfc_strings),
        _ => {}
    }
}

pub(crate) fn nfc(s: &str) -> String {
    s.nfc().collect()
}
