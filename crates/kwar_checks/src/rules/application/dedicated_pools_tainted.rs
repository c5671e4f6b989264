use std::collections::BTreeMap;

use crate::node_selection::values_of;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Node pools meant for dedicated use, and whether they carry a taint that keeps
    /// general pods off them. A pool is dedicated when its nodes (or a Karpenter NodePool's
    /// template) show:
    /// - accelerators: `nvidia.com/gpu`, `aws.amazon.com/neuron*`, `amd.com/gpu` or
    ///   `habana.ai/gaudi` capacity, the labels `nvidia.com/gpu.present=true`,
    ///   `k8s.amazonaws.com/accelerator`, `karpenter.k8s.aws/instance-gpu-count` (or
    ///   `-accelerator-count`) above 0, or a NodePool requiring only accelerated instance
    ///   categories or families (`g`, `p`, `inf`, `trn`, `dl`);
    /// - an explicit dedication label: `dedicated=<x>` (the Kubernetes convention),
    ///   `tenant=<x>`, `node-role.kubernetes.io/<role>` (other than worker), or a role label
    ///   (`role`, `node-role`, `nodegroup-role`, `node-type`, `workload-type`, `workload`,
    ///   `purpose`) whose value is `system`, `gpu`, `ml`, `ingress`, `monitoring`, `infra`
    ///   or `critical-addons`.
    ///
    /// Nodes are grouped by pool (`karpenter.sh/nodepool`, `eks.amazonaws.com/nodegroup`,
    /// `alpha.eksctl.io/nodegroup-name`, else the node alone); a pool whose Karpenter
    /// NodePool is in the input is judged on the NodePool (`spec.template.spec.taints`)
    /// rather than on its nodes. One verdict per pool, on the NodePool or on the pool's first
    /// node:
    /// - pass: every dedicated node (or the NodePool) has a `NoSchedule` or `NoExecute`
    ///   taint of its own — the taints Kubernetes, Karpenter and the Cluster Autoscaler manage
    ///   (`node.kubernetes.io/*`, `karpenter.sh/disrupted`, `ToBeDeletedByClusterAutoscaler`…)
    ///   do not count;
    /// - warn: a dedicated node or NodePool without one (only `PreferNoSchedule` is named as
    ///   too soft).
    ///
    /// Pools without a dedication signal, and Fargate nodes, are out of scope.
    ///
    /// ## Why it matters
    /// Labels and node selectors attract the intended pods but do not repel the others:
    /// without a taint the scheduler places ordinary pods on GPU instances (paid for and then
    /// unavailable to the jobs that need them), on the nodes reserved for cluster add-ons, or
    /// on another tenant's isolated capacity.
    ///
    /// ## How to fix
    /// Taint the pool and give the intended workloads the matching toleration:
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata: {name: gpu}
    /// spec:
    ///   template:
    ///     spec:
    ///       taints:
    ///         - {key: nvidia.com/gpu, value: "true", effect: NoSchedule}
    /// ```
    /// For a managed node group: `aws eks update-nodegroup-config --taints
    /// 'addOrUpdateTaints=[{key=dedicated,value=gpu,effect=NO_SCHEDULE}]'` (or `taints:` in
    /// eksctl/Terraform).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html#_part_2_taints_and_tolerations>
    "dedicated-pools-tainted",
    run,
    needs = ["nodes", "karpenter.sh/nodepools"]
}

/// Extended resources of accelerators.
const ACCELERATOR_RESOURCES: [&str; 6] = [
    "nvidia.com/gpu",
    "aws.amazon.com/neuron",
    "aws.amazon.com/neuroncore",
    "aws.amazon.com/neurondevice",
    "amd.com/gpu",
    "habana.ai/gaudi",
];

/// Instance categories and family prefixes of accelerated EC2 instances.
const ACCELERATED: [&str; 5] = ["g", "p", "inf", "trn", "dl"];

/// Labels that name a node's role.
const ROLE_KEYS: [&str; 7] = [
    "role",
    "node-role",
    "nodegroup-role",
    "node-type",
    "workload-type",
    "workload",
    "purpose",
];

/// Roles that mean the pool is reserved.
const DEDICATED_ROLES: [&str; 7] = [
    "system",
    "gpu",
    "ml",
    "ingress",
    "monitoring",
    "infra",
    "critical-addons",
];

/// Taints that Kubernetes and the autoscalers add and remove themselves.
fn is_managed_taint(key: &str) -> bool {
    key.starts_with("node.kubernetes.io/")
        || key.starts_with("node.cloudprovider.kubernetes.io/")
        || key.starts_with("karpenter.sh/")
        || key == "ToBeDeletedByClusterAutoscaler"
        || key == "DeletionCandidateOfClusterAutoscaler"
        || key == "eks.amazonaws.com/compute-type"
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let pools: Vec<&Object> = cx
        .inv
        .of_kind("NodePool")
        .filter(|p| p.api_group() == "karpenter.sh")
        .collect();
    for pool in &pools {
        let Some(reason) = nodepool_dedication(pool) else {
            continue;
        };
        let taints = pool
            .root()
            .at(&["spec", "template", "spec", "taints"])
            .map(Node::items)
            .unwrap_or_default();
        judge(
            out,
            pool,
            &format!("NodePool `{}`", pool.name()),
            &reason,
            taints,
            "spec.template.spec.taints",
        );
    }
    // Nodes grouped by pool, in input order.
    let mut groups: BTreeMap<String, Vec<(&Object, String)>> = BTreeMap::new();
    for node in cx.inv.of_kind("Node").filter(|n| n.api_group().is_empty()) {
        if node.label("eks.amazonaws.com/compute-type") == Some("fargate") {
            continue;
        }
        let nodepool = node.label("karpenter.sh/nodepool");
        if nodepool.is_some_and(|np| pools.iter().any(|p| p.name() == np)) {
            continue;
        }
        let Some(reason) = node_dedication(node) else {
            continue;
        };
        let pool = nodepool
            .map(|p| format!("NodePool `{p}`"))
            .or_else(|| {
                node.label("eks.amazonaws.com/nodegroup")
                    .or_else(|| node.label("alpha.eksctl.io/nodegroup-name"))
                    .map(|g| format!("node group `{g}`"))
            })
            .unwrap_or_else(|| format!("node `{}`", node.name()));
        groups.entry(pool).or_default().push((node, reason));
    }
    for (pool, nodes) in groups {
        let untainted: Vec<&(&Object, String)> = nodes
            .iter()
            .filter(|(n, _)| own_taint(taints_of(n)).is_none())
            .collect();
        let (subject_node, reason) = untainted.first().copied().unwrap_or(&nodes[0]);
        let label = if nodes.len() > 1 {
            format!(
                "{pool} ({} of its {} dedicated nodes untainted)",
                untainted.len(),
                nodes.len()
            )
        } else {
            pool
        };
        judge(
            out,
            subject_node,
            &label,
            reason,
            taints_of(subject_node),
            "spec.taints",
        );
    }
}

fn taints_of(node: &Object) -> &[Node] {
    node.root()
        .at(&["spec", "taints"])
        .map(Node::items)
        .unwrap_or_default()
}

/// The first taint of the pool's own that repels pods (`NoSchedule`/`NoExecute`).
fn own_taint(taints: &[Node]) -> Option<&Node> {
    taints.iter().find(|t| {
        let key = t.get("key").and_then(Node::as_str).unwrap_or_default();
        matches!(
            t.get("effect").and_then(Node::as_str),
            Some("NoSchedule" | "NoExecute")
        ) && !is_managed_taint(key)
    })
}

fn judge(
    out: &mut Outcomes,
    object: &Object,
    pool: &str,
    reason: &str,
    taints: &[Node],
    path: &str,
) {
    if own_taint(taints).is_some() {
        out.pass(object);
        return;
    }
    let soft = taints
        .iter()
        .any(|t| t.get("effect").and_then(Node::as_str) == Some("PreferNoSchedule"));
    let detail = if soft {
        "only a PreferNoSchedule taint, which the scheduler ignores when other nodes are full"
    } else {
        "no NoSchedule taint"
    };
    out.warn(
        Subject::object(object).at(path, object.root().at(&path.split('.').collect::<Vec<_>>())),
        format!(
            "{pool} is dedicated ({reason}) but has {detail}: general pods can be scheduled \
             onto it; expected a NoSchedule taint tolerated only by the intended workloads"
        ),
    );
}

/// Why a node looks dedicated, if it does.
fn node_dedication(node: &Object) -> Option<String> {
    for field in ["capacity", "allocatable"] {
        for resource in ACCELERATOR_RESOURCES {
            let count = node
                .root()
                .at(&["status", field, resource])
                .and_then(Node::scalar_text)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0);
            if count > 0 {
                return Some(format!("{count} {resource}"));
            }
        }
    }
    if node.label("nvidia.com/gpu.present") == Some("true") {
        return Some("nvidia.com/gpu.present=true".into());
    }
    if let Some(accelerator) = node.label("k8s.amazonaws.com/accelerator") {
        return Some(format!("accelerator {accelerator}"));
    }
    for key in [
        "karpenter.k8s.aws/instance-gpu-count",
        "karpenter.k8s.aws/instance-accelerator-count",
    ] {
        if node
            .label(key)
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|n| n > 0)
        {
            return Some(format!("{key}={}", node.label(key).unwrap_or_default()));
        }
    }
    labels_dedication(node.labels())
}

/// Why a NodePool's template looks dedicated, if it does.
fn nodepool_dedication(pool: &Object) -> Option<String> {
    let template = pool.root().at(&["spec", "template"])?;
    let labels = template
        .at(&["metadata", "labels"])
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)));
    if let Some(reason) = labels_dedication(labels) {
        return Some(reason);
    }
    let requirements = template
        .at(&["spec", "requirements"])
        .map(Node::items)
        .unwrap_or_default();
    for r in requirements {
        let key = r.get("key").and_then(Node::as_str).unwrap_or_default();
        let op = r.get("operator").and_then(Node::as_str).unwrap_or_default();
        let values = values_of(r);
        let accelerated = |v: &str| {
            ACCELERATED.iter().any(|prefix| {
                v.strip_prefix(prefix).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit())
                })
            })
        };
        let all_accelerated = op == "In" && !values.is_empty();
        let hit = match key {
            "karpenter.k8s.aws/instance-category" | "karpenter.k8s.aws/instance-family" => {
                all_accelerated && values.iter().all(|v| accelerated(v))
            }
            "node.kubernetes.io/instance-type" => {
                all_accelerated
                    && values
                        .iter()
                        .all(|v| accelerated(v.split('.').next().unwrap_or_default()))
            }
            "karpenter.k8s.aws/instance-gpu-count"
            | "karpenter.k8s.aws/instance-accelerator-count" => {
                op == "Exists"
                    || (op == "Gt"
                        && values
                            .first()
                            .is_some_and(|v| v.parse::<i64>().is_ok_and(|n| n >= 0)))
            }
            _ => false,
        };
        if hit {
            return Some(format!("requires {key} {op} [{}]", values.join(", ")));
        }
    }
    None
}

/// A dedication label among these labels, if any.
fn labels_dedication<'a>(mut labels: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    labels.find_map(|(key, value)| {
        if key == "dedicated" || key == "tenant" {
            return Some(format!("{key}={value}"));
        }
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            return (!matches!(role, "" | "worker" | "node" | "agent"))
                .then(|| format!("node role {role}"));
        }
        (ROLE_KEYS.contains(&key) && DEDICATED_ROLES.contains(&value.to_ascii_lowercase().as_str()))
            .then(|| format!("{key}={value}"))
    })
}
