use std::collections::BTreeMap;

use crate::prelude::*;
use crate::worker_nodes::{self, EKSCTL_NODEGROUP_LABEL, MANAGED_NODEGROUP_LABEL};

declare_check! {
    /// ## What it checks
    /// The nodes of each node group — EKS managed node groups (`eks.amazonaws.com/nodegroup`)
    /// and eksctl node groups (`alpha.eksctl.io/nodegroup-name`) — compared on what the
    /// scheduler and Cluster Autoscaler look at: their labels and their taints. The labels
    /// and taints most nodes of the group share are the group's; a node that has the same
    /// passes, a node that differs warns, naming the labels and taints that differ.
    ///
    /// Ignored, because they differ per node by design or come and go with the node's
    /// lifecycle: host name, zone, region, instance type, and labels under
    /// `topology.k8s.aws/`, `vpc.amazonaws.com/`, `feature.node.kubernetes.io/`,
    /// `nvidia.com/`, `karpenter.sh/` and `karpenter.k8s.aws/`, the node group's current
    /// image and launch template version (they differ during a rolling update); taints the
    /// control plane or agents add and remove (`node.kubernetes.io/*` conditions and cordons,
    /// `node.cloudprovider.kubernetes.io/*`, Cluster Autoscaler's and Karpenter's deletion
    /// taints, `*agent-not-ready` startup taints). Karpenter NodePools and EKS Auto Mode are
    /// not evaluated: they provision per pod and do not assume identical nodes; nodes of
    /// no node group cannot be grouped.
    ///
    /// ## Why it matters
    /// Cluster Autoscaler simulates a scale-up with one template node per group and assumes
    /// every node of the group looks like it. Labels or taints set by hand on some nodes
    /// (`kubectl label`, `kubectl taint`) are lost on replacement and mislead the
    /// simulation: pods that need them stay Pending while the autoscaler adds nodes that lack
    /// them, or it refuses to scale a group whose template would have fitted.
    ///
    /// ## How to fix
    /// Set labels and taints on the node group, not on nodes:
    /// ```yaml
    /// # eksctl
    /// managedNodeGroups:
    ///   - name: gpu
    ///     labels: {workload: gpu}
    ///     taints:
    ///       - {key: nvidia.com/gpu, value: "true", effect: NoSchedule}
    /// ```
    /// then remove per-node edits (`kubectl label node NAME workload-`, `kubectl taint node
    /// NAME dedicated-`) or replace the nodes.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html#_configuring_your_node_groups>
    /// - <https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-are-the-parameters-to-ca>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html>
    "same-labels-taints",
    run,
    needs = ["nodes"]
}

/// Labels that differ per node by design.
const PER_NODE_LABELS: [&str; 13] = [
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "node.kubernetes.io/instance-type",
    "beta.kubernetes.io/instance-type",
    "topology.ebs.csi.aws.com/zone",
    "eks.amazonaws.com/nodegroup-image",
    "eks.amazonaws.com/sourceLaunchTemplateId",
    "eks.amazonaws.com/sourceLaunchTemplateVersion",
    "alpha.eksctl.io/instance-id",
    "k8s.io/cloud-provider-aws",
];

const PER_NODE_LABEL_PREFIXES: [&str; 6] = [
    "topology.k8s.aws/",
    "vpc.amazonaws.com/",
    "feature.node.kubernetes.io/",
    "nvidia.com/",
    "karpenter.sh/",
    "karpenter.k8s.aws/",
];

/// Taints the control plane, autoscalers and agents add and remove on their own.
const TRANSIENT_TAINT_PREFIXES: [&str; 4] = [
    "node.kubernetes.io/",
    "node.cloudprovider.kubernetes.io/",
    "karpenter.sh/",
    "eks.amazonaws.com/",
];

const TRANSIENT_TAINTS: [&str; 2] = [
    "ToBeDeletedByClusterAutoscaler",
    "DeletionCandidateOfClusterAutoscaler",
];

/// What the scheduler sees of a node: its scheduling labels and taints, sorted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Shape {
    labels: Vec<(String, String)>,
    taints: Vec<String>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut groups: BTreeMap<String, Vec<(&Object, Shape)>> = BTreeMap::new();
    for node in worker_nodes::nodes(cx.inv) {
        let group = node
            .label(MANAGED_NODEGROUP_LABEL)
            .map(|g| format!("managed node group `{g}`"))
            .or_else(|| {
                node.label(EKSCTL_NODEGROUP_LABEL)
                    .map(|g| format!("eksctl node group `{g}`"))
            });
        if let Some(group) = group {
            groups.entry(group).or_default().push((node, shape(node)));
        }
    }
    for (group, members) in groups {
        let reference = most_common(&members);
        for (node, shape) in &members {
            if shape == reference {
                out.pass(node);
                continue;
            }
            out.warn(
                Subject::object(node)
                    .at("metadata.labels", node.root().at(&["metadata", "labels"])),
                format!(
                    "Node `{}` differs from the other nodes of {group}: {}; expected the \
                     group's labels and taints on every node",
                    node.name(),
                    differences(shape, reference)
                ),
            );
        }
    }
}

fn shape(node: &Object) -> Shape {
    let mut labels: Vec<(String, String)> = node
        .labels()
        .filter(|(k, _)| {
            !PER_NODE_LABELS.contains(k)
                && !PER_NODE_LABEL_PREFIXES.iter().any(|p| k.starts_with(p))
        })
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    labels.sort();
    let mut taints: Vec<String> = node
        .root()
        .at(&["spec", "taints"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| {
            let key = t.get("key").and_then(Node::as_str)?;
            let transient = TRANSIENT_TAINTS.contains(&key)
                || TRANSIENT_TAINT_PREFIXES.iter().any(|p| key.starts_with(p))
                || key.ends_with("agent-not-ready");
            if transient {
                return None;
            }
            let value = t
                .get("value")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            let effect = t.get("effect").and_then(Node::as_str).unwrap_or_default();
            Some(if value.is_empty() {
                format!("{key}:{effect}")
            } else {
                format!("{key}={value}:{effect}")
            })
        })
        .collect();
    taints.sort();
    Shape { labels, taints }
}

/// The shape most nodes of the group have; the first node's on a tie.
fn most_common<'s>(members: &'s [(&Object, Shape)]) -> &'s Shape {
    let mut counts: Vec<(&Shape, usize)> = Vec::new();
    for (_, shape) in members {
        match counts.iter_mut().find(|(s, _)| *s == shape) {
            Some((_, n)) => *n += 1,
            None => counts.push((shape, 1)),
        }
    }
    // `max_by_key` keeps the last of equal maxima: search from the end to keep the first.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| *s)
        .expect("a group has a node")
}

fn differences(shape: &Shape, reference: &Shape) -> String {
    let mut parts = Vec::new();
    for (k, v) in &shape.labels {
        match reference.labels.iter().find(|(rk, _)| rk == k) {
            None => parts.push(format!("extra label `{k}={v}`")),
            Some((_, rv)) if rv != v => parts.push(format!("label `{k}={v}` instead of `{rv}`")),
            Some(_) => {}
        }
    }
    for (k, v) in &reference.labels {
        if !shape.labels.iter().any(|(sk, _)| sk == k) {
            parts.push(format!("missing label `{k}={v}`"));
        }
    }
    for t in &shape.taints {
        if !reference.taints.contains(t) {
            parts.push(format!("extra taint `{t}`"));
        }
    }
    for t in &reference.taints {
        if !shape.taints.contains(t) {
            parts.push(format!("missing taint `{t}`"));
        }
    }
    parts.join(", ")
}
