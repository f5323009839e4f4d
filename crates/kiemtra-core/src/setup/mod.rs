//! The secretariat's setup of a campaign: the campaign itself, inspectors and teams,
//! criteria-set versions and the visit plan, and the views of a campaign. Every change is a revision through `Store::write`;
//! a refusal writes nothing.

use std::collections::HashSet;

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
mod overview;
mod plan;
mod team;

pub use campaign::*;
pub use criteria::*;
pub use kiemtra_domain::dates::today;
pub use kiemtra_domain::model::{campaign_day, CAMPAIGN_YEARS};
pub use kiemtra_domain::Refusal;
pub use overview::*;
pub use plan::*;
pub use team::*;

use crate::input::{clean, need, refuse, resolve_opt};
