//! The revision engine of Kiểm tra. A SQLite file holds every revision of every record
//! (content-addressed, never overwritten, CouchDB-shaped ids), the current state worked out
//! from them (one head, a three-way merge of concurrent heads, or a conflict kept for a
//! person), this device's identity and signing key, and backups.
//!
//! It knows no domain: the layer above registers its kinds (`Schema`: migrations and each
//! kind's owner field) and gives typed records through `Record`. Nothing here names a
//! campaign or a visit.

mod backups;
pub mod canonical;
mod db;
mod error;
pub mod files;
mod graph;
pub mod hlc;
mod identity;
pub mod keys;
pub mod merge;
mod record;
mod rows;
mod writer;

pub use backups::{open_backup, remove_backup, BackupFile};
pub use db::{Db, UNNAMED_DEVICE};
pub use error::{Error, Result, RevisionProblem};
pub use graph::{graph_of, heads_in, heads_of, live_heads_ancestor, materialize, Head, Node};
pub use record::{
    generation_of, rev_for_text, summary_of, Device, HistoryEntry, Record, Revision, Schema,
    Stored, Summaries, IMPORT_BATCH,
};
pub use rows::get_in;
pub use writer::Writer;
