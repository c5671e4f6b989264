use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers (and initContainers) of all_workloads outside system_namespaces.
///
/// Passes when cpu and memory requests set.
///
/// Fails when cpu or memory request missing (BestEffort/unsized pods distort scheduling and
/// autoscaling).
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
    "requests-set",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement requests-set
}
