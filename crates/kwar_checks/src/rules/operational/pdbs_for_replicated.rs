use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Deployments/StatefulSets with >= 2 replicas.
///
/// Passes when PDB present and allows >= 1 disruption.
///
/// Warns when no PDB.
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
    "pdbs-for-replicated",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement pdbs-for-replicated
}
