//! Kiểm tra core: the domain of Youth Union inspection campaigns, kept in a revision-based
//! SQLite store. No UI here; the Tauri app and the `kiemtra` CLI both call into this crate.

pub mod attachments;
pub mod backups;
pub mod check;
pub mod demo;
pub mod dump;
pub mod error;
mod input;
pub mod report;
pub mod schema;
pub mod search;
pub mod settings;
pub mod setup;
pub mod store;
pub mod sync;
pub mod trust;
pub mod units;
pub mod visit;

pub use error::{Error, ErrorPayload, Result};
/// The domain's records, rules and messages, under the names the fronts have always used.
pub use kiemtra_domain::{
    dates, ids, model, text, Bilingual, Invalid, Lang, Localize, Refusal, Rule,
};
/// The engine's parts the layers above use by name.
pub use kiemtra_store::{canonical, hlc, keys, merge};
pub use store::{default_db_path, Device, Store, Stored};

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    schema::latest()
}
