use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: long_running workloads outside system_namespaces.
///
/// Passes when environment-specific settings come from ConfigMaps/Secrets (envFrom/volume) rather
/// than many literal env values.
///
/// Warns when > 10 literal env values or literal URLs/hostnames per container.
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
    "config-externalised",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement config-externalised
}
