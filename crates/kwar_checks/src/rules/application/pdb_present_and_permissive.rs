use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: workloads with >= 2 replicas.
///
/// Passes when a PDB selects the workload and allows at least one disruption.
///
/// Warns when no PDB.
///
/// Fails when PDB allows zero disruptions (maxUnavailable: 0 or minAvailable == replicas) - blocks
/// node drains and upgrades.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Run at least 2 (ideally 3, one per AZ) replicas via a controller, with a PDB that allows one
/// disruption.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_run_multiple_replicas>
/// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    "pdb-present-and-permissive",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement pdb-present-and-permissive
}
