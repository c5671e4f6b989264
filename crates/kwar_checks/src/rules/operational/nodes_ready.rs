use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Node of a cluster snapshot or live cluster: it passes when the `Ready` condition
    /// is `True` and none of the pressure conditions (`MemoryPressure`, `DiskPressure`,
    /// `PIDPressure`) nor `NetworkUnavailable` is `True`; it fails otherwise, naming the
    /// condition and its reason. A Node without any `Ready` condition (status not collected)
    /// is `unknown`. Cordoned nodes (`spec.unschedulable`) are judged the same way: cordoning
    /// does not make a node unhealthy.
    ///
    /// ## Why it matters
    /// A NotReady node's pods are evicted after the toleration timeout (5 minutes by
    /// default) and nothing new is scheduled there; pressure conditions mean the kubelet is
    /// already evicting pods. Capacity planned for N nodes runs on fewer, and a node that
    /// stays NotReady often hides a broken AMI, a full disk or a CNI that ran out of IPs.
    ///
    /// ## How to fix
    /// Look at the node: `kubectl describe node NAME` (conditions and events) and the
    /// kubelet's logs. On EKS, enable node auto repair for managed node groups
    /// (`nodeRepairConfig.enabled: true`) or run the EKS node monitoring agent add-on; with
    /// Karpenter, node repair replaces unhealthy nodes. Replace a node that does not recover:
    /// ```sh
    /// kubectl drain NODE --ignore-daemonsets --delete-emptydir-data
    /// kubectl delete node NODE   # the node group or Karpenter replaces the instance
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/reference/node/node-status/#condition>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/node-health.html>
    "nodes-ready",
    run,
    needs = ["nodes"]
}

const PRESSURE: [&str; 4] = [
    "MemoryPressure",
    "DiskPressure",
    "PIDPressure",
    "NetworkUnavailable",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for node in cx.inv.of_kind("Node").filter(|o| o.api_group().is_empty()) {
        let condition = |kind: &str| node.status_condition(kind);
        let Some((i, ready)) = condition("Ready") else {
            out.unknown(
                Subject::object(node).at("status.conditions", None),
                format!(
                    "Node `{}` has no Ready condition: its status was not collected",
                    node.name()
                ),
            );
            continue;
        };
        let mut healthy = true;
        let status = ready
            .get("status")
            .and_then(Node::as_str)
            .unwrap_or("Unknown");
        if status != "True" {
            healthy = false;
            let reason = ready
                .get("reason")
                .and_then(Node::as_str)
                .unwrap_or("no reason given");
            out.fail(
                Subject::object(node).at(format!("status.conditions[{i}]"), Some(ready)),
                format!(
                    "Node `{}` is not Ready (Ready={status}: {reason})",
                    node.name()
                ),
            );
        }
        for kind in PRESSURE {
            if let Some((j, c)) = condition(kind) {
                if c.get("status").and_then(Node::as_str) == Some("True") {
                    healthy = false;
                    out.fail(
                        Subject::object(node).at(format!("status.conditions[{j}]"), Some(c)),
                        format!(
                            "Node `{}` reports {kind}: {}",
                            node.name(),
                            c.get("message")
                                .and_then(Node::as_str)
                                .unwrap_or("no message")
                        ),
                    );
                }
            }
        }
        if healthy {
            out.pass(node);
        }
    }
}
