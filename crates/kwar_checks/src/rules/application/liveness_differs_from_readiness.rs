use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers with both probes.
///
/// Passes when liveness and readiness differ (endpoint or thresholds).
///
/// Warns when identical probes - a dependency outage restarts every replica instead of just
/// removing them from endpoints.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Add a cheap, dependency-free livenessProbe (process health only), and use a startupProbe instead
/// of long initialDelaySeconds.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_liveness_probe_to_remove_unhealthy_pods>
/// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "liveness-differs-from-readiness",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement liveness-differs-from-readiness
}
