//! Checks of the `reliability` agenda area.

pub mod rollback_possible;
pub mod safe_rollout_strategy;

use crate::CheckDef;

pub(crate) const CHECKS: &[&CheckDef] = &[&safe_rollout_strategy::CHECK, &rollback_possible::CHECK];
