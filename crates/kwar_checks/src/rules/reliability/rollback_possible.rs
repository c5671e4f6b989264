use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Deployments.
///
/// Passes when revisionHistoryLimit >= 1 (small values like 3-10 are fine).
///
/// Fails when revisionHistoryLimit 0 (no rollback).
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
    "rollback-possible",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement rollback-possible
}
