use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: tolerations for node.kubernetes.io/not-ready and node.kubernetes.io/unreachable.
///
/// Passes when tolerationSeconds absent (default 300) or <= 300.
///
/// Warns when tolerationSeconds > 300 or unbounded - pods stay on a failed node longer.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Taint dedicated node pools, add matching tolerations only to the workloads meant for them, and
/// avoid blanket tolerations.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html#_part_2_taints_and_tolerations>
    "eviction-toleration-seconds",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement eviction-toleration-seconds
}
