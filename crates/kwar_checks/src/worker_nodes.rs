//! Worker nodes as the kubelet and EKS record them: how a node is provisioned (Fargate, EKS
//! Auto Mode, hybrid, or an EC2 instance of a managed node group, an eksctl group or a
//! Karpenter NodePool), its zone and instance type, `status.nodeInfo`, its capacity, and the
//! pods scheduled to it with their resource requests. Hand-written Node manifests carry no
//! status: the accessors return `None` and callers decide nothing from them.

use std::collections::HashMap;

use kwar_inventory::{Inventory, Object};
use kwar_yaml::Node;

use crate::quantity::quantity;
use crate::running_pods;

/// The label EKS puts on nodes it runs for you (`fargate`, `auto`, `hybrid`).
pub(crate) const COMPUTE_TYPE_LABEL: &str = "eks.amazonaws.com/compute-type";
pub(crate) const MANAGED_NODEGROUP_LABEL: &str = "eks.amazonaws.com/nodegroup";
pub(crate) const EKSCTL_NODEGROUP_LABEL: &str = "alpha.eksctl.io/nodegroup-name";
pub(crate) const KARPENTER_NODEPOOL_LABEL: &str = "karpenter.sh/nodepool";
/// Karpenter before v0.32 (v1alpha5 Provisioners).
pub(crate) const KARPENTER_PROVISIONER_LABEL: &str = "karpenter.sh/provisioner-name";

/// How a node's machine is provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compute {
    /// One Fargate micro-VM per pod: AWS runs the node.
    Fargate,
    /// EKS Auto Mode: AWS provisions and patches the EC2 instance.
    AutoMode,
    /// EKS Hybrid Nodes: machines outside AWS.
    Hybrid,
    /// An EC2 instance the customer's node group, Karpenter or ASG runs.
    Ec2,
}

pub(crate) fn compute(node: &Object) -> Compute {
    match node.label(COMPUTE_TYPE_LABEL) {
        Some("fargate") => Compute::Fargate,
        Some("auto") => Compute::AutoMode,
        Some("hybrid") => Compute::Hybrid,
        _ => Compute::Ec2,
    }
}

/// The core-group Nodes of the input.
pub(crate) fn nodes(inv: &Inventory) -> impl Iterator<Item = &Object> + '_ {
    inv.of_kind("Node").filter(|n| n.api_group().is_empty())
}

/// Nodes that are EC2 instances in the customer's account or EKS Auto Mode instances: the
/// catalog's "EC2 nodes" (Fargate and hybrid nodes are not).
pub(crate) fn ec2_nodes(inv: &Inventory) -> impl Iterator<Item = &Object> + '_ {
    nodes(inv).filter(|n| matches!(compute(n), Compute::Ec2 | Compute::AutoMode))
}

/// Whether Karpenter launched the node (current or pre-v1 label).
pub(crate) fn is_karpenter_node(node: &Object) -> bool {
    node.label(KARPENTER_NODEPOOL_LABEL).is_some()
        || node.label(KARPENTER_PROVISIONER_LABEL).is_some()
}

/// A field of `status.nodeInfo` (`kubeletVersion`, `osImage`, `containerRuntimeVersion`,
/// `kernelVersion`), when collected.
pub(crate) fn node_info<'a>(node: &'a Object, field: &str) -> Option<&'a str> {
    node.root()
        .at(&["status", "nodeInfo", field])
        .and_then(Node::as_str)
        .filter(|v| !v.is_empty())
}

/// The path and node of a `status.nodeInfo` field, for findings.
pub(crate) fn node_info_node<'a>(node: &'a Object, field: &str) -> Option<&'a Node> {
    node.root().at(&["status", "nodeInfo", field])
}

pub(crate) fn zone(node: &Object) -> Option<&str> {
    running_pods::zone_of_node(node)
}

pub(crate) fn instance_type(node: &Object) -> Option<&str> {
    node.label("node.kubernetes.io/instance-type")
        .or_else(|| node.label("beta.kubernetes.io/instance-type"))
}

/// A quantity of `status.<section>.<resource>` (`allocatable`/`capacity`; `cpu` in cores,
/// `memory` in bytes, `pods` as a count).
pub(crate) fn node_resource(node: &Object, section: &str, resource: &str) -> Option<f64> {
    node.root()
        .at(&["status", section, resource])
        .and_then(quantity)
}

/// Pods that hold a place on their node: scheduled, and neither Succeeded nor Failed (the
/// kubelet frees the slot, the IP and the requests of finished pods).
pub(crate) fn pods_by_node(inv: &Inventory) -> HashMap<&str, Vec<&Object>> {
    let mut out: HashMap<&str, Vec<&Object>> = HashMap::new();
    for pod in running_pods::pods(inv) {
        let phase = pod.root().at(&["status", "phase"]).and_then(Node::as_str);
        if matches!(phase, Some("Succeeded" | "Failed")) {
            continue;
        }
        if let Some(node) = running_pods::node_name(pod) {
            out.entry(node).or_default().push(pod);
        }
    }
    out
}

/// CPU (cores) and memory (bytes) a pod requests, as the scheduler counts them: the larger
/// of the app containers' (plus native sidecars') sum and the largest init container, plus
/// the pod overhead.
pub(crate) fn pod_requests(pod: &Object) -> (f64, f64) {
    let Some(spec) = pod.root().get("spec") else {
        return (0.0, 0.0);
    };
    let request = |c: &Node, resource: &str| {
        c.at(&["resources", "requests", resource])
            .and_then(quantity)
            .unwrap_or(0.0)
    };
    let mut running = (0.0, 0.0);
    let mut init_max: (f64, f64) = (0.0, 0.0);
    for c in spec.get("containers").map(Node::items).unwrap_or_default() {
        running.0 += request(c, "cpu");
        running.1 += request(c, "memory");
    }
    for c in spec
        .get("initContainers")
        .map(Node::items)
        .unwrap_or_default()
    {
        if c.get("restartPolicy").and_then(Node::as_str) == Some("Always") {
            running.0 += request(c, "cpu");
            running.1 += request(c, "memory");
        } else {
            init_max.0 = init_max.0.max(request(c, "cpu"));
            init_max.1 = init_max.1.max(request(c, "memory"));
        }
    }
    let overhead = |resource: &str| {
        spec.at(&["overhead", resource])
            .and_then(quantity)
            .unwrap_or(0.0)
    };
    (
        running.0.max(init_max.0) + overhead("cpu"),
        running.1.max(init_max.1) + overhead("memory"),
    )
}

/// Whether the pod belongs to a DaemonSet (its controlling owner reference says so; the
/// DaemonSet itself need not be in the input).
pub(crate) fn is_daemonset_pod(pod: &Object) -> bool {
    pod.root()
        .at(&["metadata", "ownerReferences"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|r| r.get("kind").and_then(Node::as_str) == Some("DaemonSet"))
}

/// Joins up to `limit` names as `` `a`, `b` and 3 more ``, for messages about many nodes.
pub(crate) fn name_list<'a>(names: impl IntoIterator<Item = &'a str>, limit: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let shown: Vec<String> = names.iter().take(limit).map(|n| format!("`{n}`")).collect();
    match names.len().saturating_sub(limit) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
