use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: manifest repository.
///
/// Passes when no plaintext dockerconfigjson Secret (use SealedSecret/ExternalSecret or ECR IAM
/// auth).
///
/// Fails when registry credentials committed in plaintext.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Use IAM-based ECR pulls; for other private registries sync pull secrets from Secrets Manager
/// with External Secrets and rotate them.
///
/// ## References
/// - <https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/>
/// - <https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>
    "no-plaintext-pull-secret-in-git",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-plaintext-pull-secret-in-git
}
