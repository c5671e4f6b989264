use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: non-DaemonSet workloads outside system_namespaces.
///
/// Passes when no toleration with operator Exists and empty key.
///
/// Fails when tolerates every taint (can land on dedicated, draining or not-ready nodes).
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
    "no-blanket-toleration",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-blanket-toleration
}
