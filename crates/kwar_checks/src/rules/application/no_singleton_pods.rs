use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Pods outside system_namespaces.
///
/// Passes when every Pod is owned by a controller.
///
/// Fails when bare Pod without ownerReferences.
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
    "no-singleton-pods",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-singleton-pods
}
