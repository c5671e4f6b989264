use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: same.
///
/// Passes when memory limit set and equal to the memory request.
///
/// Warns when memory limit set but greater than request (overcommit) or missing.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Set CPU and memory requests on every container, memory limit = memory request, and add
/// LimitRange/ResourceQuota defaults per namespace; right-size with VPA recommendations.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_configure_and_size_resource_requestslimits_for_all_workloads>
/// - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    "memory-limit-set",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement memory-limit-set
}
