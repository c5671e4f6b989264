use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers outside system_namespaces.
///
/// Passes when secrets mounted as files.
///
/// Warns when secrets injected as environment variables (leak via logs, crash dumps, /proc).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Keep secrets out of Git (Sealed Secrets) or in AWS Secrets Manager/Vault synced by External
/// Secrets or the Secrets Store CSI driver, mount as files, restrict secret RBAC, rotate.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_use_an_external_secrets_provider>
/// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    "secrets-as-volumes",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement secrets-as-volumes
}
