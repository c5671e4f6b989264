use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Pod outside the system namespaces is managed by a controller. It passes for a Pod
    /// whose `metadata.ownerReferences` names an owner (a ReplicaSet's, StatefulSet's,
    /// DaemonSet's or Job's pods in a cluster dump) and fails for a bare Pod: one written as
    /// `kind: Pod` with no owner.
    ///
    /// Helm hook Pods (annotation `helm.sh/hook`, e.g. `helm test` pods) are run-once tasks that
    /// Helm itself creates and deletes, and static Pods (annotation `kubernetes.io/config.mirror`)
    /// are managed by the kubelet; both are out of scope.
    ///
    /// ## Why it matters
    /// Nothing recreates a bare Pod. When its node fails, is drained for an upgrade, or is
    /// reclaimed (Spot interruption, Karpenter consolidation), the pod is gone for good and the
    /// service it provided with it. A bare Pod can also not be rolled out, scaled or protected by
    /// a PodDisruptionBudget in any useful way.
    ///
    /// ## How to fix
    /// Wrap the pod spec in a controller: a Deployment for a service, a StatefulSet for stable
    /// identity and storage, a Job for a run-to-completion task.
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   replicas: 2
    ///   selector: {matchLabels: {app.kubernetes.io/name: web}}
    ///   template:
    ///     metadata: {labels: {app.kubernetes.io/name: web}}
    ///     spec:
    ///       containers: [{name: web, image: web:1.4.2}]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_run_multiple_replicas>
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    "no-singleton-pods",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for w in cx.inv.workloads() {
        let object = cx.inv.object(w.object);
        if w.kind != WorkloadKind::Pod
            || cx.in_system_namespace(object)
            || object.annotation("helm.sh/hook").is_some()
            || object.annotation("kubernetes.io/config.mirror").is_some()
        {
            continue;
        }
        if object.is_owned() {
            out.pass(object);
            continue;
        }
        out.fail(
            Subject::object(object),
            format!(
                "{} is a bare Pod with no controller: nothing recreates it when its node fails or is drained",
                object.display_name()
            ),
        );
    }
}
