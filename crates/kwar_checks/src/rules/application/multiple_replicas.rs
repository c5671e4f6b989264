use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Deployments/StatefulSets outside system_namespaces (HPA minReplicas overrides
/// spec.replicas).
///
/// Passes when replicas (or HPA minReplicas) >= 2.
///
/// Fails when single replica.
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
    "multiple-replicas",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement multiple-replicas
}
