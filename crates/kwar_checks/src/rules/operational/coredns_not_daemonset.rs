use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// How CoreDNS runs in `kube-system`:
    /// - a DaemonSet named `coredns`, or one whose pods carry the cluster DNS label
    ///   `k8s-app: kube-dns`: warn on that DaemonSet — CoreDNS was converted from the shape
    ///   EKS installs and manages;
    /// - otherwise the `coredns` Deployment: pass on it.
    ///
    /// NodeLocal DNSCache (`node-local-dns`, label `k8s-app: node-local-dns`) is the supported
    /// per-node DNS DaemonSet and is not CoreDNS in this sense. Without any CoreDNS object
    /// (EKS Auto Mode runs DNS for you; manifests that do not include it) the check gives no
    /// verdict. A DaemonSet is evidence in manifests as well as in a cluster snapshot.
    ///
    /// ## Why it matters
    /// The EKS CoreDNS add-on is a Deployment: the add-on, its autoscaling and its upgrades
    /// expect that shape, and an edited copy is overwritten or breaks the next add-on update.
    /// A DaemonSet also multiplies the watchers on the API server (every instance lists and
    /// watches all Services and EndpointSlices) by the node count, and its capacity follows
    /// the node count instead of the query load. Per-node caching — the usual reason for
    /// the change — is what NodeLocal DNSCache provides without those costs.
    ///
    /// ## How to fix
    /// Go back to the managed Deployment, let it scale with the cluster, and cache per node
    /// with NodeLocal DNSCache:
    /// ```sh
    /// kubectl -n kube-system delete daemonset coredns
    /// aws eks update-addon --cluster-name prod --addon-name coredns \
    ///   --resolve-conflicts OVERWRITE \
    ///   --configuration-values '{"autoScaling":{"enabled":true,"minReplicas":2}}'
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/scale-cluster-services.html#_scale_coredns_horizontally>
    /// - <https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/>
    "coredns-not-daemonset",
    run,
    needs = ["apps/daemonsets", "apps/deployments"]
}

const NAMESPACE: &str = "kube-system";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut converted = false;
    for ds in cx.inv.of_kind("DaemonSet") {
        if ds.namespace() != Some(NAMESPACE) || !is_coredns(cx, ds) {
            continue;
        }
        converted = true;
        out.warn(
            Subject::object(ds),
            format!(
                "DaemonSet `{NAMESPACE}/{}` runs CoreDNS on every node instead of the `coredns` \
                 Deployment EKS manages; keep the autoscaled Deployment and cache per node with \
                 NodeLocal DNSCache",
                ds.name()
            ),
        );
    }
    if converted {
        return;
    }
    if let Some(deployment) = cx
        .inv
        .find("Deployment", Some(NAMESPACE), "coredns")
        .filter(|d| d.api_group().starts_with("apps"))
    {
        out.pass(deployment);
    }
}

/// A DaemonSet that serves cluster DNS: named `coredns`, or labelled as the kube-dns pods.
fn is_coredns(cx: &Context<'_>, ds: &Object) -> bool {
    let Some(workload) = cx.inv.workload_of(ds.id) else {
        return false;
    };
    ds.name() == "coredns"
        || workload
            .pod_labels(ds)
            .any(|(k, v)| k == "k8s-app" && v == "kube-dns")
}
