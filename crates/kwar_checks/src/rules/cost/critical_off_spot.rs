use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: stateful, singleton or critical workloads.
///
/// Passes when pinned to on-demand capacity (or tolerant by design).
///
/// Warns when can land on Spot without tolerance for interruption.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Run interruption-tolerant workloads on diversified Spot with interruption handling; keep
/// stateful/critical ones on On-Demand.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html#_spot>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html#_enable_interruption_handling_when_using_spot>
    "critical-off-spot",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement critical-off-spot
}
