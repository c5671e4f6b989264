use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Deployment and Argo Rollout (any namespace) keeps at least one old ReplicaSet to
    /// roll back to. It fails on `spec.revisionHistoryLimit: 0` and passes otherwise: the
    /// field defaults to 10, and small values such as 3 to 10 are fine.
    ///
    /// ## Why it matters
    /// `kubectl rollout undo` and Argo Rollouts' abort re-scale a previous ReplicaSet. With a
    /// history limit of 0 the old ReplicaSets are deleted as soon as a rollout completes, so a
    /// bad release can only be fixed by finding and re-applying the previous manifest, under
    /// pressure, while the outage lasts.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// spec:
    ///   revisionHistoryLimit: 5
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#revision-history-limit>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_updating_applications>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_tracking_change_management_automated_changemgmt.html>
    "rollback-possible",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.all_workloads() {
        if !matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::Rollout) {
            continue;
        }
        match object.root().at(&["spec", "revisionHistoryLimit"]) {
            Some(node) if node.as_i64() == Some(0) => out.fail(
                Subject::object(object).at("spec.revisionHistoryLimit", Some(node)),
                format!(
                    "{} `{}` sets revisionHistoryLimit: 0, so no previous revision is kept to roll back to",
                    object.kind(),
                    object.name()
                ),
            ),
            _ => out.pass(object),
        }
    }
}
