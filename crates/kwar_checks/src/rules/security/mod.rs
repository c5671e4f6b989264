//! Checks of the `security` agenda area.

pub mod host_network_pods;
pub mod no_private_keys_in_configmaps;
pub mod service_lb_tls_annotations;

use crate::CheckDef;

pub(crate) const CHECKS: &[&CheckDef] = &[
    &service_lb_tls_annotations::CHECK,
    &no_private_keys_in_configmaps::CHECK,
    &host_network_pods::CHECK,
];
