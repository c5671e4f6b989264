use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Workloads outside the system namespaces (every pod-template kind: Deployments,
    /// StatefulSets, DaemonSets, Jobs, CronJobs, Rollouts, bare Pods) do not set
    /// `hostNetwork: true` in their pod spec. It warns on those that do and passes the others.
    /// Node agents that legitimately need the host network (CNI, kube-proxy, node exporters)
    /// usually live in the system namespaces, which are not judged.
    ///
    /// ## Why it matters
    /// A host-network pod uses the node's network namespace: NetworkPolicies do not apply to
    /// it (it is the node), it shares the node's IP and security groups, binds ports on the
    /// node (so two replicas cannot share a node), can reach node-local services such as the
    /// kubelet and the instance metadata endpoint without the hop limit protecting pods, and
    /// can sniff or spoof the node's traffic if it also holds NET_RAW or NET_ADMIN.
    ///
    /// ## How to fix
    /// Remove `hostNetwork` and expose the pod through a Service (or a `hostPort` only if a
    /// node port is really required):
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       # hostNetwork: true  (removed)
    ///       containers:
    ///         - name: proxy
    ///           ports: [{containerPort: 8080}]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html>
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/>
    "host-network-pods",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        match w.pod_field(object, "hostNetwork") {
            Some(node) if node.as_bool() == Some(true) => out.warn(
                Subject::object(object).at(format!("{}.hostNetwork", pod_spec_path(w)), Some(node)),
                format!(
                    "{} `{}` runs its pods in the node's network namespace (hostNetwork: true)",
                    object.kind(),
                    object.name()
                ),
            ),
            _ => out.pass(object),
        }
    }
}

fn pod_spec_path(w: &Workload) -> &'static str {
    match w.kind {
        WorkloadKind::Pod => "spec",
        WorkloadKind::CronJob => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}
