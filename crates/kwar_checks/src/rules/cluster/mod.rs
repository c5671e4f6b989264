//! Checks of the `cluster` agenda area.

pub mod allowed_registries_enforced;
pub mod dedicated_service_accounts;
pub mod default_deny;
pub mod default_storageclass;
pub mod ebs_encrypted;
pub mod gp3_over_gp2;
pub mod ip_target_mode;
pub mod no_anonymous_bindings;
pub mod no_classic_lb;
pub mod no_direct_docker_hub;
pub mod no_plaintext_pull_secret_in_git;
pub mod no_plaintext_secrets_in_git;
pub mod no_wildcard_roles;
pub mod policy_coverage;
pub mod retired_ingress_nginx;
pub mod secrets_as_volumes;
pub mod splunk_token_secret;
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
];
