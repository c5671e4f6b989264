//! Checks of the `application` agenda area.

pub mod alert_pipeline_present;
pub mod alerts_link_runbooks;
pub mod capabilities;
pub mod config_externalised;
pub mod dashboard_platform_present;
pub mod dedicated_pools_tainted;
pub mod eviction_toleration_seconds;
pub mod hard_constraints_satisfiable;
pub mod host_namespaces_and_paths;
pub mod kubernetes_dashboard_not_exposed;
pub mod liveness_differs_from_readiness;
pub mod liveness_not_dependency_bound;
pub mod liveness_probe_defined;
pub mod liveness_probe_not_hair_trigger;
pub mod logs_are_structured;
pub mod logs_shipped;
pub mod lsm_profile_effective;
pub mod memory_limit_set;
pub mod metrics_backend_present;
pub mod multiple_replicas;
pub mod namespace_defaults;
pub mod no_blanket_toleration;
pub mod no_latest_tag;
pub mod no_literal_credentials_in_env;
pub mod no_privilege_escalation;
pub mod no_psp_objects;
pub mod no_secrets_in_configmaps;
pub mod no_singleton_pods;
pub mod non_root;
pub mod not_pinned_to_host;
pub mod not_pinned_to_single_zone;
pub mod not_privileged;
pub mod oomkills;
pub mod ownership_label;
pub mod pdb_present_and_permissive;
pub mod placement_rollup;
pub mod prestop_for_lb_backends;
pub mod pss_enforced;
pub mod read_only_root_fs;
pub mod readiness_gate_for_lb_ip_targets;
pub mod readiness_probe_defined;
pub mod recommended_labels;
pub mod replicas_actually_spread;
pub mod requests_set;
pub mod sa_token_automount;
pub mod seccomp_runtime_default;
pub mod selector_stability;
pub mod selectors_match_nodes;
pub mod shell_pid1;
pub mod sigkill_on_rollout;
pub mod spread_across_zones;
pub mod startup_blocking_init;
pub mod traceable_tag;
pub mod tracing_backend_present;
pub mod workload_instrumented;
pub mod workload_scrape_coverage;

use crate::CheckDef;

pub(crate) const CHECKS: &[&CheckDef] = &[
    &readiness_probe_defined::CHECK,
    &liveness_probe_defined::CHECK,
    &liveness_probe_not_hair_trigger::CHECK,
    &liveness_differs_from_readiness::CHECK,
    &workload_scrape_coverage::CHECK,
    &requests_set::CHECK,
    &memory_limit_set::CHECK,
    &recommended_labels::CHECK,
    &ownership_label::CHECK,
    &selector_stability::CHECK,
    &no_singleton_pods::CHECK,
    &multiple_replicas::CHECK,
    &pdb_present_and_permissive::CHECK,
    &no_blanket_toleration::CHECK,
    &eviction_toleration_seconds::CHECK,
    &spread_across_zones::CHECK,
    &not_pinned_to_host::CHECK,
    &not_pinned_to_single_zone::CHECK,
    &workload_instrumented::CHECK,
    &prestop_for_lb_backends::CHECK,
    &shell_pid1::CHECK,
    &liveness_not_dependency_bound::CHECK,
    &startup_blocking_init::CHECK,
    &no_secrets_in_configmaps::CHECK,
    &no_literal_credentials_in_env::CHECK,
    &config_externalised::CHECK,
    &no_latest_tag::CHECK,
    &traceable_tag::CHECK,
    &non_root::CHECK,
    &not_privileged::CHECK,
    &no_privilege_escalation::CHECK,
    &capabilities::CHECK,
    &host_namespaces_and_paths::CHECK,
    &read_only_root_fs::CHECK,
    &no_psp_objects::CHECK,
    &seccomp_runtime_default::CHECK,
    &sa_token_automount::CHECK,
    &readiness_gate_for_lb_ip_targets::CHECK,
    &metrics_backend_present::CHECK,
    &dashboard_platform_present::CHECK,
    &kubernetes_dashboard_not_exposed::CHECK,
    &alerts_link_runbooks::CHECK,
    &namespace_defaults::CHECK,
    &oomkills::CHECK,
    &placement_rollup::CHECK,
    &replicas_actually_spread::CHECK,
    &dedicated_pools_tainted::CHECK,
    &hard_constraints_satisfiable::CHECK,
    &selectors_match_nodes::CHECK,
    &alert_pipeline_present::CHECK,
    &logs_are_structured::CHECK,
    &logs_shipped::CHECK,
    &tracing_backend_present::CHECK,
    &sigkill_on_rollout::CHECK,
    &pss_enforced::CHECK,
    &lsm_profile_effective::CHECK,
];
