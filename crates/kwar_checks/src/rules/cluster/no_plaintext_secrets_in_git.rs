use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: manifest repository.
///
/// Passes when no plaintext Secret manifests (only sealed/external references).
///
/// Fails when plaintext Secret manifests committed.
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
    "no-plaintext-secrets-in-git",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-plaintext-secrets-in-git
}
