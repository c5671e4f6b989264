//! The check registry: one module per agenda area, one file per check.

pub mod application;
pub mod cluster;
pub mod cost;
pub mod operational;
pub mod reliability;
pub mod security;

use crate::CheckDef;

/// Every check, area by area in agenda order.
pub fn all() -> Vec<&'static CheckDef> {
    [
        application::CHECKS,
        cluster::CHECKS,
        operational::CHECKS,
        security::CHECKS,
        reliability::CHECKS,
        cost::CHECKS,
    ]
    .concat()
}
