use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The tolerations that keep a pod on a failed node: those matching the
    /// `node.kubernetes.io/not-ready` or `node.kubernetes.io/unreachable` taint with the
    /// `NoExecute` effect (an empty effect matches every effect, and a toleration with
    /// `operator: Exists` and no key matches every taint). It looks at every workload outside
    /// the system namespaces except DaemonSets, whose pods are meant to stay on their node (the
    /// DaemonSet controller adds unbounded tolerations for these taints itself).
    ///
    /// It passes when the toleration's `tolerationSeconds` is at most 300, and warns when it is
    /// above 300 or absent: an explicit toleration without `tolerationSeconds` tolerates the
    /// taint forever. Pods that declare no such toleration are not evaluated: the
    /// DefaultTolerationSeconds admission plugin gives them 300 seconds.
    ///
    /// ## Why it matters
    /// When a node stops reporting, the node controller taints it, and the pods on it are
    /// evicted once their toleration expires; only then does their controller create
    /// replacements on healthy nodes. A long or unbounded toleration keeps the pods bound to a
    /// dead node: they still count as replicas while serving nothing, and capacity stays reduced
    /// until someone intervenes.
    ///
    /// ## How to fix
    /// Leave these tolerations out (300 s is applied), or bound them, shorter for fast failover:
    /// ```yaml
    /// tolerations:
    ///   - key: node.kubernetes.io/unreachable
    ///     operator: Exists
    ///     effect: NoExecute
    ///     tolerationSeconds: 60
    ///   - key: node.kubernetes.io/not-ready
    ///     operator: Exists
    ///     effect: NoExecute
    ///     tolerationSeconds: 60
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html#_part_2_taints_and_tolerations>
    "eviction-toleration-seconds",
    run
}

/// The default the DefaultTolerationSeconds admission plugin applies.
const MAX_SECONDS: i64 = 300;

const NODE_FAILURE_TAINTS: [&str; 4] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    // Names used before Kubernetes 1.13.
    "node.alpha.kubernetes.io/notReady",
    "node.alpha.kubernetes.io/unreachable",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if w.kind == WorkloadKind::DaemonSet {
            continue;
        }
        let tolerations = w
            .pod_field(object, "tolerations")
            .map(Node::items)
            .unwrap_or_default();
        for (i, t) in tolerations.iter().enumerate() {
            let key = t.get("key").and_then(Node::scalar_text).unwrap_or_default();
            let exists = t.get("operator").and_then(Node::as_str) == Some("Exists");
            let matches_taint = if key.is_empty() {
                exists
            } else {
                NODE_FAILURE_TAINTS.contains(&key.as_str())
            };
            let effect = t.get("effect").and_then(Node::as_str).unwrap_or_default();
            if !matches_taint || !(effect.is_empty() || effect == "NoExecute") {
                continue;
            }
            let what = if key.is_empty() {
                "every taint, node failures included,".to_string()
            } else {
                format!("`{key}`")
            };
            let subject =
                || Subject::object(object).at(format!("{}.tolerations[{i}]", w.pod_path), Some(t));
            match t.get("tolerationSeconds").filter(|n| !n.is_null()) {
                None => out.warn(
                    subject(),
                    format!(
                        "{} tolerates {what} with no tolerationSeconds: its pods stay on a failed node forever",
                        object.display_name()
                    ),
                ),
                Some(n) => match n.as_i64() {
                    Some(s) if s <= MAX_SECONDS => out.pass(object),
                    Some(s) => out.warn(
                        subject().field("tolerationSeconds", Some(n)),
                        format!(
                            "{} tolerates {what} for {s}s (more than {MAX_SECONDS}s): its pods stay on a failed node that long",
                            object.display_name()
                        ),
                    ),
                    None => out.unknown(
                        subject().field("tolerationSeconds", Some(n)),
                        format!(
                            "{} has an unreadable tolerationSeconds `{}`",
                            object.display_name(),
                            n.scalar_text().unwrap_or_default()
                        ),
                    ),
                },
            }
        }
    }
}
