use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: $containers.env.
///
/// Passes when credential-like env names use valueFrom.secretKeyRef or an external secret
/// mechanism.
///
/// Fails when credential-like env var has a literal value.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Inject configuration through ConfigMaps (immutable, hash-suffixed for safe rollouts) and
/// credentials through Secrets or an external secret store, never literals.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/configuration/configmap/>
/// - <https://kubernetes.io/docs/concepts/configuration/overview/>
    "no-literal-credentials-in-env",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-literal-credentials-in-env
}
