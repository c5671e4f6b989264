use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers with httpGet livenessProbe.
///
/// Passes when liveness path does not reference dependencies (heuristic: no
/// db|redis|kafka|dependency|deep in the path).
///
/// Warns when liveness appears to check dependencies.
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
    "liveness-not-dependency-bound",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement liveness-not-dependency-bound
}
