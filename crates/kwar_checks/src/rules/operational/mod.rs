//! Checks of the `operational` agenda area.

pub mod balanced_zones;
pub mod ca_autodiscovery;
pub mod ca_version_matches;
pub mod cluster_factory_inventory;
pub mod cluster_state_backed_up;
pub mod containerd_runtime;
pub mod coredns_ha;
pub mod coredns_lameduck_ready;
pub mod coredns_not_daemonset;
pub mod do_not_evict_sprawl;
pub mod eksctl_self_managed_nodes;
pub mod eniconfig_per_az;
pub mod external_dns_ownership;
pub mod external_metrics_backed;
pub mod fargate_observability;
pub mod gitops_bootstrap;
pub mod headroom_mechanism;
pub mod hpa_coverage;
pub mod hpa_gitops_replicas_conflict;
pub mod hpa_healthy;
pub mod hpa_min_max_sane;
pub mod hpa_requests_present;
pub mod ip_allocation_errors;
pub mod ip_bound_packing;
pub mod karpenter_controller_placement;
pub mod karpenter_disruption_budgets;
pub mod keda_auth_via_pod_identity;
pub mod kubelet_skew;
pub mod manual_nodes;
pub mod metrics_api_available;
pub mod metrics_server_ha;
pub mod namespace_guardrails;
pub mod no_al2_nodes;
pub mod no_workloads_in_default;
pub mod node_autoscaler_present;
pub mod nodelocal_dnscache;
pub mod nodes_multi_az;
pub mod nodes_ready;
pub mod overlay_cni_webhooks;
pub mod pdbs_for_replicated;
pub mod prod_ami_pinned;
pub mod requests_vs_recommendation;
pub mod same_labels_taints;
pub mod tiny_instances;
pub mod ubuntu_supported_release;
pub mod vpa_available;
pub mod vpa_hpa_conflict;
pub mod warm_pool_tuned;

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
    &hpa_healthy::CHECK,
    &metrics_api_available::CHECK,
    &metrics_server_ha::CHECK,
    &external_metrics_backed::CHECK,
    &vpa_available::CHECK,
    &requests_vs_recommendation::CHECK,
    &node_autoscaler_present::CHECK,
    &ca_version_matches::CHECK,
    &ca_autodiscovery::CHECK,
    &karpenter_controller_placement::CHECK,
    &balanced_zones::CHECK,
    &karpenter_disruption_budgets::CHECK,
    &headroom_mechanism::CHECK,
    &same_labels_taints::CHECK,
    &gitops_bootstrap::CHECK,
    &no_workloads_in_default::CHECK,
    &namespace_guardrails::CHECK,
    &cluster_factory_inventory::CHECK,
    &kubelet_skew::CHECK,
    &eksctl_self_managed_nodes::CHECK,
    &manual_nodes::CHECK,
    &containerd_runtime::CHECK,
    &prod_ami_pinned::CHECK,
    &no_al2_nodes::CHECK,
    &ubuntu_supported_release::CHECK,
    &ip_allocation_errors::CHECK,
    &warm_pool_tuned::CHECK,
    &eniconfig_per_az::CHECK,
    &overlay_cni_webhooks::CHECK,
    &nodes_multi_az::CHECK,
    &ip_bound_packing::CHECK,
    &tiny_instances::CHECK,
    &fargate_observability::CHECK,
    &coredns_ha::CHECK,
    &coredns_lameduck_ready::CHECK,
    &coredns_not_daemonset::CHECK,
    &nodelocal_dnscache::CHECK,
    &external_dns_ownership::CHECK,
    &cluster_state_backed_up::CHECK,
];
