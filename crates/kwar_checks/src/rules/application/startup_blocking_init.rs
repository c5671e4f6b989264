use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: initContainers.
///
/// Passes when no init container waits indefinitely on a network dependency.
///
/// Warns when init container busy-waits on a dependency (startup coupled to dependency
/// availability).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Treat dependencies as soft: set client timeouts, bounded retries with jitter, circuit breakers
/// and fallbacks; keep liveness independent of dependencies.
///
/// ## References
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_mitigate_interaction_failure_graceful_degradation.html>
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_mitigate_interaction_failure_client_timeouts.html>
    "startup-blocking-init",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement startup-blocking-init
}
