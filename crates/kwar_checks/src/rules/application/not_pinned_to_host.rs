use crate::prelude::*;
use kwar_inventory::required_node_affinity;

declare_check! {
    /// ## What it checks
    /// The pod template of every workload outside the system namespaces does not tie its pods to
    /// named nodes. It fails when:
    /// - `nodeName` is set (the pod bypasses the scheduler and goes to that node);
    /// - `nodeSelector` has the key `kubernetes.io/hostname`;
    /// - the required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`) only
    ///   allows named hosts: every one of its `nodeSelectorTerms` (they are alternatives) has a
    ///   `kubernetes.io/hostname` expression with operator `In`, or a `metadata.name` field
    ///   expression with operator `In`.
    ///
    /// It passes otherwise. Excluding hosts (`NotIn`, `DoesNotExist`) and preferred affinity are
    /// fine: they leave the scheduler other nodes.
    ///
    /// ## Why it matters
    /// Nodes are cattle: they are replaced by upgrades, scaling, Spot interruptions and
    /// Karpenter consolidation, and their names change when they are. A pod pinned to a hostname
    /// stays Pending when that node is gone or full, and all its replicas share the node's fate.
    ///
    /// ## How to fix
    /// Select nodes by capability labels (architecture, capacity type, instance family, node
    /// pool), never by hostname:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         kubernetes.io/arch: arm64
    ///         karpenter.sh/capacity-type: on-demand
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
    /// - <https://kubernetes.io/docs/reference/labels-annotations-taints/>
    "not-pinned-to-host",
    run
}

const HOST_KEY: &str = "kubernetes.io/hostname";

/// The hosts a node selector term restricts the pod to, if it does.
fn term_hosts(term: &Node) -> Option<Vec<String>> {
    for (list, key) in [
        ("matchExpressions", HOST_KEY),
        ("matchFields", "metadata.name"),
    ] {
        for e in term.get(list).map(Node::items).unwrap_or_default() {
            if e.get("key").and_then(Node::as_str) == Some(key)
                && e.get("operator").and_then(Node::as_str) == Some("In")
            {
                return Some(
                    e.get("values")
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Node::scalar_text)
                        .collect(),
                );
            }
        }
    }
    None
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        let pod = w.pod_path;
        let mut pin: Option<(String, &Node, String)> = None;
        if let Some(n) = w
            .pod_field(object, "nodeName")
            .filter(|n| n.scalar_text().is_some_and(|s| !s.is_empty()))
        {
            let host = n.scalar_text().unwrap_or_default();
            pin = Some((format!("{pod}.nodeName"), n, format!("nodeName `{host}`")));
        }
        if pin.is_none() {
            if let Some(n) = w
                .pod_field(object, "nodeSelector")
                .and_then(|s| s.get(HOST_KEY))
            {
                let host = n.scalar_text().unwrap_or_default();
                pin = Some((
                    format!("{pod}.nodeSelector.{HOST_KEY}"),
                    n,
                    format!("nodeSelector {HOST_KEY}: {host}"),
                ));
            }
        }
        if pin.is_none() {
            let required = w.pod_spec(object).and_then(required_node_affinity);
            if let Some((required, terms)) = required {
                let hosts: Option<Vec<Vec<String>>> = terms.iter().map(term_hosts).collect();
                if let Some(hosts) = hosts.filter(|_| !terms.is_empty()) {
                    let mut all: Vec<String> = hosts.into_iter().flatten().collect();
                    all.sort();
                    all.dedup();
                    pin = Some((
                        format!("{pod}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
                        required,
                        format!("required node affinity on host(s) {}", all.join(", ")),
                    ));
                }
            }
        }
        match pin {
            None => out.pass(object),
            Some((path, node, how)) => out.fail(
                Subject::object(object).at(path, Some(node)),
                format!(
                    "{} is pinned to named nodes ({how}): its pods cannot run anywhere else",
                    object.display_name()
                ),
            ),
        }
    }
}
