use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The tolerations of every workload outside the system namespaces, DaemonSets excepted.
    /// It fails for a toleration with `operator: Exists` and no `key` (or an empty one): it
    /// tolerates every taint, of every effect when `effect` is empty, or every taint of the
    /// named effect. It passes when there is no such toleration. DaemonSets are out of scope:
    /// node agents are meant to run on every node, tainted or not.
    ///
    /// ## Why it matters
    /// Taints keep pods off nodes that are dedicated (GPU, system, tenant pools), being drained
    /// (`node.kubernetes.io/unschedulable`), failing (`not-ready`, `unreachable`, `memory-pressure`)
    /// or about to disappear (Spot interruption, Karpenter disruption). A blanket toleration
    /// opts out of all of them: the pod can be scheduled onto an expensive dedicated node or a
    /// draining one, and with `NoExecute` tolerated it is never evicted from a failed node.
    ///
    /// ## How to fix
    /// Tolerate only the taints of the nodes the workload is meant for:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       tolerations:
    ///         - key: nvidia.com/gpu
    ///           operator: Exists
    ///           effect: NoSchedule
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html#_part_2_taints_and_tolerations>
    "no-blanket-toleration",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if w.kind == WorkloadKind::DaemonSet {
            continue;
        }
        let tolerations = w
            .pod_field(object, "tolerations")
            .map(Node::items)
            .unwrap_or_default();
        let mut blanket = false;
        for (i, t) in tolerations.iter().enumerate() {
            let exists = t.get("operator").and_then(Node::as_str) == Some("Exists");
            let keyless = t
                .get("key")
                .and_then(Node::scalar_text)
                .is_none_or(|k| k.is_empty());
            if !(exists && keyless) {
                continue;
            }
            blanket = true;
            let effect = t
                .get("effect")
                .and_then(Node::as_str)
                .filter(|e| !e.is_empty());
            let what = match effect {
                Some(e) => format!("every {e} taint"),
                None => "every taint".to_string(),
            };
            out.fail(
                Subject::object(object).at(format!("{}.tolerations[{i}]", w.pod_path), Some(t)),
                format!(
                    "{} tolerates {what} (operator: Exists with no key): it can land on dedicated, draining or failing nodes",
                    object.display_name()
                ),
            );
        }
        if !blanket {
            out.pass(object);
        }
    }
}
