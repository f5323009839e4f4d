//! A visit, from the plan to signed minutes: what its screens show, the checklist's findings,
//! recommendations, the minutes' texts and their sign-off.

mod findings;
mod minutes;
mod seal;
mod view;

pub use findings::*;
pub use minutes::*;
pub use seal::*;
pub use view::*;
