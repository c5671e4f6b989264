//! Checks of the `cost` agenda area.

pub mod critical_off_spot;
pub mod finished_jobs_cleaned;

use crate::CheckDef;

pub(crate) const CHECKS: &[&CheckDef] = &[&critical_off_spot::CHECK, &finished_jobs_cleaned::CHECK];
