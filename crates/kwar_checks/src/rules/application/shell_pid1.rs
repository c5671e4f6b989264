use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers with command [sh|bash|/bin/sh, -c, ...].
///
/// Passes when the script uses exec or a minimal init (tini/dumb-init).
///
/// Warns when shell is PID 1 without exec - SIGTERM may never reach the app.
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
    "shell-pid1",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement shell-pid1
}
