//! The core's integration tests, in one binary so that they link once: each module tests
//! one area through the crate's public API, as the CLI and the app call it.

mod common;

mod attachments;
mod backups;
mod bundle;
mod encryption;
mod merge_laws;
mod search;
mod setup;
mod store;
mod trust;
mod unit_files;
mod unit_import;
mod workspace;
