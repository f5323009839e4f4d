//! The domain of Youth Union inspection campaigns: the records people edit and the rules that
//! need only the records themselves (no SQL, no store). Every message a person reads is a typed
//! value here or above that implements [`Localize`]; nothing else turns words into a language.

pub mod dates;
mod engine;
pub mod ids;
pub mod invalid;
pub mod lang;
pub mod model;
pub mod refusal;
pub mod text;
pub mod trust;
pub mod unit_sheet;

pub use invalid::{Invalid, Rule};
pub use lang::{Bilingual, Lang, Localize};
pub use refusal::Refusal;
