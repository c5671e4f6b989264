use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Multi-replica stateless Deployments outside the system namespaces roll out without
    /// downtime. A Deployment is multi-replica when it runs at least 2 replicas at its lowest
    /// (an HPA's `minReplicas` overrides `spec.replicas`); it is stateless when it mounts no
    /// PersistentVolumeClaim (a Deployment on a ReadWriteOnce volume needs `Recreate`, because
    /// the new pod cannot attach the volume while the old one holds it, and is not judged).
    ///
    /// - **warn** on `strategy.type: Recreate`: every rollout stops all pods before starting
    ///   new ones.
    /// - **warn** when `rollingUpdate.maxUnavailable` lets every replica go at once (an
    ///   absolute value >= the replica count, or 100 %; percentages round down, the default
    ///   is 25 %).
    /// - **warn** for each app container without a `readinessProbe`: the rollout then
    ///   advances as soon as containers start, before they can serve.
    /// - **pass** otherwise.
    ///
    /// ## Why it matters
    /// A rolling update only protects availability when old pods are removed no faster than
    /// new ones become ready. `Recreate`, an unbounded `maxUnavailable`, or readiness that the
    /// rollout cannot observe turn every deploy into an outage, and a bad version replaces
    /// every good pod before anyone notices.
    ///
    /// ## How to fix
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   minReadySeconds: 10
    ///   strategy:
    ///     type: RollingUpdate
    ///     rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           readinessProbe: {httpGet: {path: /readyz, port: 8080}}
    /// ```
    /// For progressive delivery with automated analysis and rollback, use Argo Rollouts or
    /// Flagger.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_updating_applications>
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_tracking_change_management_automated_changemgmt.html>
    "safe-rollout-strategy",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if w.kind != WorkloadKind::Deployment || mounts_pvc(w, object) {
            continue;
        }
        let Some(replicas) = cx.inv.effective_min_replicas(w).filter(|&r| r >= 2) else {
            continue;
        };
        let label = format!("Deployment `{}`", object.name());
        let strategy = object.root().at(&["spec", "strategy"]);
        let kind_node = strategy.and_then(|s| s.get("type"));
        if kind_node.and_then(Node::as_str) == Some("Recreate") {
            out.warn(
                Subject::object(object).at("spec.strategy.type", kind_node),
                format!("{label} uses strategy Recreate: all {replicas} replicas stop before new ones start on every rollout"),
            );
            continue;
        }
        let max_unavailable = strategy.and_then(|s| s.at(&["rollingUpdate", "maxUnavailable"]));
        if let Some(node) = max_unavailable {
            if unavailable(node, replicas).is_some_and(|n| n >= replicas) {
                out.warn(
                    Subject::object(object).at("spec.strategy.rollingUpdate.maxUnavailable", Some(node)),
                    format!(
                        "{label} allows maxUnavailable {} of {replicas} replicas: a rollout can take every pod down at once",
                        node.scalar_text().unwrap_or_default()
                    ),
                );
                continue;
            }
        }
        let mut missing = false;
        for c in w.app_containers(object) {
            if c.get("readinessProbe").is_none_or(Node::is_null) {
                missing = true;
                out.warn(
                    Subject::container(object, &c),
                    format!(
                        "container `{}` has no readinessProbe, so the rolling update of {label} advances before new pods can serve",
                        c.name
                    ),
                );
            }
        }
        if !missing {
            out.pass(object);
        }
    }
}

/// maxUnavailable as a pod count: percentages of `replicas` round down.
fn unavailable(node: &Node, replicas: i64) -> Option<i64> {
    if let Some(i) = node.as_i64() {
        return Some(i);
    }
    let text = node.as_str()?.trim();
    match text.strip_suffix('%') {
        Some(p) => Some(p.trim().parse::<i64>().ok()? * replicas / 100),
        None => text.parse().ok(),
    }
}

fn mounts_pvc(w: &Workload, object: &Object) -> bool {
    w.pod_field(object, "volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|v| v.get("persistentVolumeClaim").is_some())
}
