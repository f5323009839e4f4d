//! The unit directory: units and their tree (add, edit, move, merge, dissolve), the names
//! they had on a day, and the import of a clerk's spreadsheet.

mod directory;
pub mod import;
pub(crate) mod names;
mod tree;

pub use directory::*;
pub use tree::*;
