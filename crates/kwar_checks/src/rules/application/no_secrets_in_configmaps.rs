use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: ConfigMaps outside system_namespaces.
///
/// Passes when no key matching
/// (?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials) with a non-empty
/// literal value.
///
/// Fails when credential-like data stored in a ConfigMap.
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
    "no-secrets-in-configmaps",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-secrets-in-configmaps
}
