use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Jobs and CronJobs.
///
/// Passes when ttlSecondsAfterFinished set / history limits bounded.
///
/// Warns when finished Jobs accumulate.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Set TTLs on Jobs, enable consolidation/scale-down, and routinely delete orphaned namespaces,
/// load balancers, EIPs, volumes and idle clusters.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html#_reduce_unused_capacity>
/// - <https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/>
    "finished-jobs-cleaned",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement finished-jobs-cleaned
}
