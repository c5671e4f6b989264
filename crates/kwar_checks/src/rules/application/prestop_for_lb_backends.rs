use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers behind a LoadBalancer Service or Ingress.
///
/// Passes when preStop hook delays shutdown (e.g. sleep 5-15s) and terminationGracePeriodSeconds >
/// preStop + drain time.
///
/// Warns when no preStop hook (in-flight requests dropped while endpoints/targets update).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Handle SIGTERM (drain then exit), add a short preStop delay for load-balanced pods, and size
/// terminationGracePeriodSeconds accordingly.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html#_gracefully_shutdown_applications>
/// - <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>
    "prestop-for-lb-backends",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement prestop-for-lb-backends
}
