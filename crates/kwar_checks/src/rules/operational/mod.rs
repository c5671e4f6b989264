//! Checks of the `operational` agenda area.

pub mod do_not_evict_sprawl;
pub mod hpa_coverage;
pub mod hpa_gitops_replicas_conflict;
pub mod hpa_min_max_sane;
pub mod hpa_requests_present;
pub mod keda_auth_via_pod_identity;
pub mod nodes_ready;
pub mod pdbs_for_replicated;
pub mod vpa_hpa_conflict;

use crate::CheckDef;

pub(crate) const CHECKS: &[&CheckDef] = &[
    &hpa_coverage::CHECK,
    &hpa_requests_present::CHECK,
    &hpa_min_max_sane::CHECK,
    &hpa_gitops_replicas_conflict::CHECK,
    &keda_auth_via_pod_identity::CHECK,
    &vpa_hpa_conflict::CHECK,
    &pdbs_for_replicated::CHECK,
    &do_not_evict_sprawl::CHECK,
    &nodes_ready::CHECK,
];
