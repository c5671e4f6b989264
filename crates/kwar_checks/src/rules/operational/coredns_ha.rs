use std::collections::BTreeSet;

use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// The `kube-system/coredns` Deployment (the EKS add-on's shape):
    /// - fewer than 2 replicas (`spec.replicas`, or the `minReplicas` of an HPA that scales
    ///   it): fail;
    /// - in a cluster snapshot, fewer than 2 ready replicas (`status.readyReplicas`): fail;
    /// - in a cluster snapshot, every ready CoreDNS pod on the same node: fail — losing that
    ///   node loses cluster DNS;
    /// - every ready pod in one availability zone while the cluster's nodes span several:
    ///   warn (a zone outage takes DNS down with it);
    /// - on a whole cluster, no PodDisruptionBudget selecting the pods: warn (a node drain or
    ///   a Karpenter consolidation may evict every replica at once);
    /// - otherwise pass.
    ///
    /// The catalog defines no warn for this check; the missing PDB and the single zone are
    /// reported as warnings because they weaken, rather than break, DNS availability. Where
    /// the pods run is judged only from a snapshot's pods; in manifests alone only the
    /// replica count is judged, and a PDB in another file cannot be ruled out. Without a
    /// `coredns` Deployment (EKS Auto Mode runs DNS off-cluster) there is no verdict.
    ///
    /// ## Why it matters
    /// Every service name a pod resolves goes through CoreDNS. One replica, or two on the
    /// same node, turns a node failure, an upgrade or a consolidation into a cluster-wide
    /// outage of everything that resolves names — which is nearly everything.
    ///
    /// ## How to fix
    /// Run at least two replicas spread over nodes and zones with a PodDisruptionBudget —
    /// the EKS add-on does this when it manages the Deployment, and can scale it with the
    /// cluster:
    /// ```sh
    /// aws eks update-addon --cluster-name prod --addon-name coredns \
    ///   --configuration-values '{"replicaCount":2,"autoScaling":{"enabled":true,"minReplicas":2},
    ///     "podDisruptionBudget":{"enabled":true,"maxUnavailable":1}}'
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/scale-cluster-services.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/coredns-autoscaling.html>
    /// - <https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/>
    "coredns-ha",
    run,
    needs = [
        "apps/deployments",
        "pods",
        "nodes",
        "policy/poddisruptionbudgets",
        "autoscaling/horizontalpodautoscalers"
    ]
}

const NAMESPACE: &str = "kube-system";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(deployment) = cx
        .inv
        .find("Deployment", Some(NAMESPACE), "coredns")
        .filter(|d| d.api_group().starts_with("apps"))
    else {
        return;
    };
    let Some(workload) = cx.inv.workload_of(deployment.id) else {
        return;
    };
    let name = format!("{NAMESPACE}/coredns");
    let replicas = cx.inv.effective_min_replicas(workload).unwrap_or(1);
    if replicas < 2 {
        let node = deployment.root().at(&["spec", "replicas"]);
        out.fail(
            Subject::object(deployment).at("spec.replicas", node),
            format!(
                "Deployment `{name}` runs {replicas} CoreDNS replica: cluster DNS stops with that \
                 pod; run at least 2"
            ),
        );
        return;
    }
    let status = deployment.root().get("status").filter(|s| s.is_map());
    if let Some(status) = status {
        // The API server omits readyReplicas when it is 0.
        let ready = status
            .get("readyReplicas")
            .and_then(Node::as_i64)
            .unwrap_or(0);
        if ready < 2 {
            out.fail(
                Subject::object(deployment).at("status.readyReplicas", status.get("readyReplicas")),
                format!(
                    "Deployment `{name}` has {ready} ready CoreDNS replica(s) of {replicas}: \
                     cluster DNS has no redundancy"
                ),
            );
            return;
        }
    }
    let mut healthy = true;
    if let Some(problem) = placement(cx, deployment) {
        match problem {
            Placement::OneNode(node) => {
                out.fail(
                    Subject::object(deployment),
                    format!(
                        "every ready pod of Deployment `{name}` runs on node `{node}`: losing \
                         that node stops cluster DNS; spread the replicas over nodes"
                    ),
                );
                return;
            }
            Placement::OneZone(zone) => {
                healthy = false;
                out.warn(
                    Subject::object(deployment),
                    format!(
                        "every ready pod of Deployment `{name}` runs in zone `{zone}` while the \
                         cluster spans several zones: add a zone topologySpreadConstraint"
                    ),
                );
            }
        }
    }
    if cx.whole_cluster().is_some() && cx.inv.pdbs_of(workload).next().is_none() {
        healthy = false;
        out.warn(
            Subject::object(deployment),
            format!(
                "no PodDisruptionBudget selects the pods of Deployment `{name}`: a drain or a \
                 consolidation can evict every replica at once; add one with maxUnavailable: 1"
            ),
        );
    }
    if healthy {
        out.pass(deployment);
    }
}

/// Where the ready CoreDNS pods run, when that concentrates them.
enum Placement<'a> {
    OneNode(&'a str),
    OneZone(&'a str),
}

/// Looks at the snapshot's ready pods of the Deployment: all on one node, or all in one zone
/// while the cluster's nodes span several. None when nothing is concentrated or the pods were
/// not collected.
fn placement<'a>(cx: &Context<'a>, deployment: &'a Object) -> Option<Placement<'a>> {
    let selector = LabelSelector::from_label_selector(deployment.root().at(&["spec", "selector"])?);
    if selector.is_empty() {
        return None;
    }
    let nodes: BTreeSet<&str> = cx
        .inv
        .workloads_selected(NAMESPACE, &selector)
        .into_iter()
        .filter(|w| w.kind == WorkloadKind::Pod)
        .map(|w| cx.inv.object(w.object))
        .filter(|pod| running_pods::is_ready(pod))
        .filter_map(running_pods::node_name)
        .collect();
    match nodes.len() {
        0 => None,
        1 => nodes.first().map(|n| Placement::OneNode(n)),
        _ => {
            // Every pod's node must be collected with a zone label, or the zones are unknown.
            let zones: Option<BTreeSet<&str>> = nodes
                .iter()
                .map(|n| running_pods::node(cx.inv, n).and_then(running_pods::zone_of_node))
                .collect();
            let cluster_zones: BTreeSet<&str> = worker_nodes::nodes(cx.inv)
                .filter_map(running_pods::zone_of_node)
                .collect();
            match zones {
                Some(zones) if zones.len() == 1 && cluster_zones.len() > 1 => {
                    zones.first().map(|z| Placement::OneZone(z))
                }
                _ => None,
            }
        }
    }
}
