use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: all pods.
///
/// Passes when safe-to-evict=false / do-not-disrupt used only on justified workloads (< 5% of
/// pods).
///
/// Warns when widespread use blocks scale-down and node refresh.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Protect workloads with PDBs and graceful shutdown, use do-not-evict annotations sparingly, and
/// set Karpenter disruption budgets.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html#_prevent_scale_down_eviction>
    "do-not-evict-sprawl",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement do-not-evict-sprawl
}
