use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every workload outside the system namespaces (Deployments, StatefulSets, DaemonSets,
    /// Jobs, CronJobs, bare Pods, Argo Rollouts; owned Pods and ReplicaSets are judged through
    /// their controller): it passes when at least one `networking.k8s.io` NetworkPolicy of its
    /// namespace selects its pods (an empty `podSelector` selects every pod of the
    /// namespace), and warns when none does. Pods no policy selects are not isolated: they
    /// accept traffic from, and send it to, anything in the cluster.
    ///
    /// Policies of other engines (CiliumNetworkPolicy, Calico NetworkPolicy) are not
    /// resolved: a workload protected only by them is reported.
    ///
    /// ## Why it matters
    /// Network policies only restrict the pods they select. A single unselected workload is an
    /// open door: a compromised pod elsewhere can reach it, and a compromise of it can reach
    /// every database and internal API of the cluster.
    ///
    /// ## How to fix
    /// Add a default-deny policy to the namespace (it selects every pod), then allow each
    /// required flow:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny
    ///   namespace: shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_network_policy>
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
    "policy-coverage",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if cx.inv.network_policies_of(w).next().is_some() {
            out.pass(object);
        } else {
            out.warn(
                Subject::object(object),
                format!(
                    "no NetworkPolicy of namespace `{}` selects the pods of {} `{}`: they accept \
                     and send any traffic",
                    object.namespace_key(),
                    object.kind(),
                    object.name()
                ),
            );
        }
    }
}
