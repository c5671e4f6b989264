use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: multi-replica stateless Deployments.
///
/// Passes when RollingUpdate with maxUnavailable < replicas (0 for critical) and readiness probes.
///
/// Warns when Recreate strategy (downtime on every deploy).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Use rolling or progressive (canary/blue-green) delivery with automated health analysis and
/// rollback.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_updating_applications>
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_tracking_change_management_automated_changemgmt.html>
    "safe-rollout-strategy",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement safe-rollout-strategy
}
