//! Kiểm tra core: the domain of Youth Union inspection campaigns, kept in a revision-based
//! SQLite store. No UI here; the Tauri app and the `kiemtra` CLI both call into this crate.

pub mod attachments;
pub mod bundle;
pub mod check;
pub mod conflicts;
pub mod demo;
pub mod dump;
pub mod error;
pub mod model;
pub mod ops;
pub mod report;
pub mod schema;
pub mod search;
pub mod settings;
pub mod setup;
pub mod store;
pub mod text;
pub mod unit_import;
pub mod workspace;

pub use error::{Error, ErrorPayload, Invalid, Lang, Result};
/// The engine's parts the layers above use by name.
pub use kiemtra_store::{canonical, hlc, keys, merge};
pub use store::{default_db_path, Device, Store, Stored};

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    schema::latest()
}
