//! Checks of the `cluster` agenda area.

pub mod ack_retain_stateful;
pub mod admission_gate;
pub mod agent_coverage;
pub mod allowed_registries_enforced;
pub mod app_mesh_eos;
pub mod aqua_coverage;
pub mod ceph_health;
pub mod ceph_mons;
pub mod ceph_replication;
pub mod ci_current_agent;
pub mod ci_runners_isolated;
pub mod cluster_admin_sprawl;
pub mod cluster_metrics_pipeline;
pub mod csi_controller_identity;
pub mod data_retention_on_delete;
pub mod dedicated_service_accounts;
pub mod default_deny;
pub mod default_storageclass;
pub mod durable_metrics_storage;
pub mod ebs_csi_installed;
pub mod ebs_encrypted;
pub mod efs_access_points;
pub mod efs_encrypt_in_transit;
pub mod enforcement_engine;
pub mod external_or_sealed_secrets;
pub mod fargate_logging;
pub mod gitops_controller_present;
pub mod gitops_coverage;
pub mod gitops_in_sync;
pub mod gp3_over_gp2;
pub mod in_cluster_proxy_ha;
pub mod ingress_class_resolvable;
pub mod ip_target_mode;
pub mod local_pv_on_ephemeral_nodes;
pub mod mesh_control_plane_ha;
pub mod mesh_coverage;
pub mod mesh_mtls_strict;
pub mod no_anonymous_bindings;
pub mod no_aws_service_operator;
pub mod no_classic_lb;
pub mod no_direct_docker_hub;
pub mod no_kiam_kube2iam;
pub mod no_plaintext_pull_secret_in_git;
pub mod no_plaintext_secrets_in_git;
pub mod no_wildcard_roles;
pub mod obsolete_flux_v1;
pub mod openebs_inventory;
pub mod osb_catalog_retired;
pub mod other_shipper_coverage;
pub mod policy_coverage;
pub mod portworx_healthy;
pub mod portworx_inventory;
pub mod portworx_replication;
pub mod provisioning_mechanism_inventory;
pub mod pull_secret_rotation;
pub mod pvcs_bound;
pub mod replicated_engine_factor;
pub mod retired_ingress_nginx;
pub mod rook_inventory;
pub mod runtime_detection;
pub mod secret_read_rbac;
pub mod secrets_as_volumes;
pub mod shipper_present;
pub mod splunk_coverage;
pub mod splunk_token_secret;
pub mod stackrox_coverage;
pub mod stateful_backup;
pub mod stateful_ha;
pub mod sysdig_coverage;
pub mod system_masters_minimised;
pub mod twistlock_coverage;
pub mod wait_for_first_consumer;

use crate::CheckDef;

pub(crate) const CHECKS: &[&CheckDef] = &[
    &no_direct_docker_hub::CHECK,
    &allowed_registries_enforced::CHECK,
    &no_plaintext_pull_secret_in_git::CHECK,
    &ebs_encrypted::CHECK,
    &wait_for_first_consumer::CHECK,
    &gp3_over_gp2::CHECK,
    &no_plaintext_secrets_in_git::CHECK,
    &secrets_as_volumes::CHECK,
    &retired_ingress_nginx::CHECK,
    &no_classic_lb::CHECK,
    &ip_target_mode::CHECK,
    &no_anonymous_bindings::CHECK,
    &no_wildcard_roles::CHECK,
    &dedicated_service_accounts::CHECK,
    &default_deny::CHECK,
    &policy_coverage::CHECK,
    &splunk_token_secret::CHECK,
    &default_storageclass::CHECK,
    &ci_runners_isolated::CHECK,
    &gitops_controller_present::CHECK,
    &obsolete_flux_v1::CHECK,
    &gitops_coverage::CHECK,
    &gitops_in_sync::CHECK,
    &pull_secret_rotation::CHECK,
    &cluster_metrics_pipeline::CHECK,
    &agent_coverage::CHECK,
    &durable_metrics_storage::CHECK,
    &stateful_ha::CHECK,
    &stateful_backup::CHECK,
    &data_retention_on_delete::CHECK,
    &pvcs_bound::CHECK,
    &ebs_csi_installed::CHECK,
    &csi_controller_identity::CHECK,
    &efs_encrypt_in_transit::CHECK,
    &efs_access_points::CHECK,
    &openebs_inventory::CHECK,
    &local_pv_on_ephemeral_nodes::CHECK,
    &replicated_engine_factor::CHECK,
    &portworx_inventory::CHECK,
    &portworx_replication::CHECK,
    &portworx_healthy::CHECK,
    &rook_inventory::CHECK,
    &ceph_mons::CHECK,
    &ceph_replication::CHECK,
    &ceph_health::CHECK,
    &external_or_sealed_secrets::CHECK,
    &secret_read_rbac::CHECK,
    &ingress_class_resolvable::CHECK,
    &in_cluster_proxy_ha::CHECK,
    &app_mesh_eos::CHECK,
    &mesh_mtls_strict::CHECK,
    &mesh_coverage::CHECK,
    &mesh_control_plane_ha::CHECK,
    &provisioning_mechanism_inventory::CHECK,
    &osb_catalog_retired::CHECK,
    &no_aws_service_operator::CHECK,
    &ack_retain_stateful::CHECK,
    &cluster_admin_sprawl::CHECK,
    &system_masters_minimised::CHECK,
    &no_kiam_kube2iam::CHECK,
    &enforcement_engine::CHECK,
    &runtime_detection::CHECK,
    &admission_gate::CHECK,
    &twistlock_coverage::CHECK,
    &aqua_coverage::CHECK,
    &stackrox_coverage::CHECK,
    &sysdig_coverage::CHECK,
    &shipper_present::CHECK,
    &fargate_logging::CHECK,
    &ci_current_agent::CHECK,
    &splunk_coverage::CHECK,
    &other_shipper_coverage::CHECK,
];
