use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Workloads (the catalog's `all_workloads`: Deployments, StatefulSets, DaemonSets, Argo
    /// Rollouts, Jobs, CronJobs, and Pods and ReplicaSets that no controller owns) whose
    /// `metadata.namespace` is `default`:
    /// - each one warns;
    /// - on a whole cluster (live, snapshot, or manifests declared `--complete`) without any,
    ///   the Cluster object passes.
    ///
    /// Manifests that name no namespace are not counted: `kubectl apply -n`, Kustomize's
    /// `namespace:` or Helm's `--namespace` decide where they land, not the file. Pods owned
    /// by a controller (a Deployment's pods in a cluster dump) are judged through their
    /// controller, once. Manifests alone never pass: they cannot show that nothing else runs
    /// in `default`.
    ///
    /// ## Why it matters
    /// `default` is where everything lands when nobody chose a namespace: workloads there
    /// share one set of RBAC bindings, quotas and network policies (usually none), cannot be
    /// attributed to a team, and are easily hit by a careless `kubectl delete --all`.
    /// Namespaces are the unit of isolation, ownership and guardrails in Kubernetes.
    ///
    /// ## How to fix
    /// Give each application or team its own namespace and move the workloads there:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels: {team: shop, pod-security.kubernetes.io/enforce: restricted}
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// # ...
    /// ```
    /// A policy (Kyverno, Gatekeeper or a ValidatingAdmissionPolicy) can then reject new
    /// workloads in `default`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html>
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/>
    "no-workloads-in-default",
    run,
    needs = [
        "pods",
        "apps/deployments",
        "apps/statefulsets",
        "apps/daemonsets",
        "apps/replicasets",
        "batch/jobs",
        "batch/cronjobs"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut found = 0;
    for (_, object) in cx.all_workloads() {
        if object.namespace() != Some("default") {
            continue;
        }
        found += 1;
        out.warn(
            Subject::object(object).at(
                "metadata.namespace",
                object.root().at(&["metadata", "namespace"]),
            ),
            format!(
                "{} `{}` runs in the `default` namespace: move it to a namespace of its own, \
                 with its team's RBAC, quotas and network policies",
                object.kind(),
                object.name()
            ),
        );
    }
    if found == 0 {
        if let Some(cluster) = cx.whole_cluster() {
            out.pass(cluster);
        }
    }
}
