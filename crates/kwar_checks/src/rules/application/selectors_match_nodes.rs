use std::collections::HashMap;

use crate::node_selection::{requirement_matches, values_of, NodeConstraints};
use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// On a cluster snapshot or live cluster, every workload (all namespaces) whose pods set
    /// a `nodeSelector` or required node affinity
    /// (`affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, with the
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt` operators and `matchFields` on
    /// `metadata.name`):
    /// - pass when at least one Node that is not cordoned carries matching labels, or a
    ///   Karpenter `NodePool` (karpenter.sh, EKS Auto Mode's included) can launch one: its
    ///   template labels and requirements allow the selected values, and labels Karpenter
    ///   sets itself from the instance (architecture, OS, zone, instance type, capacity type,
    ///   `karpenter.k8s.aws/*`) are taken as satisfiable unless the NodePool restricts them;
    /// - fail when neither can, and either a pod of the workload has been Pending for at
    ///   least 5 minutes with the scheduler's "didn't match Pod's node affinity/selector", or
    ///   nothing outside kwar's view could add such a node;
    /// - unknown when no current node or NodePool matches but the Cluster Autoscaler runs (a
    ///   node group scaled to zero is invisible from the cluster) or the selector asks for
    ///   Fargate (Fargate profiles are not Kubernetes objects), and no pod proves it Pending.
    ///
    /// DaemonSets are not judged: their selector restricts where they run, and matching no
    /// node simply means running nowhere (a GPU device plugin on a cluster without GPUs).
    /// Taints are not considered here (`dedicated-pools-tainted` and `no-blanket-toleration`
    /// look at them). Manifests alone show no nodes: nothing is evaluated.
    ///
    /// ## Why it matters
    /// A selector no node can satisfy leaves the pods Pending forever: the workload never
    /// starts, a scale-up adds nothing, and a rollout stalls. It usually follows a node group
    /// or NodePool rename, an instance type retired, a label typo, or an architecture
    /// (`arm64`) that no pool provides.
    ///
    /// ## How to fix
    /// Select on labels the node pools really carry (`kubectl get nodes --show-labels`,
    /// `kubectl get nodepools -o yaml`), preferably capability labels rather than names:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         karpenter.sh/capacity-type: on-demand
    ///         kubernetes.io/arch: arm64
    /// ```
    /// or add the label to a NodePool's `spec.template.metadata.labels` (or its
    /// requirements) so that Karpenter can launch a matching node.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
    /// - <https://kubernetes.io/docs/reference/labels-annotations-taints/>
    "selectors-match-nodes",
    run,
    needs = ["nodes", "pods", "karpenter.sh/nodepools"]
}

/// Labels Karpenter sets on the nodes it launches from the instance it picks: a NodePool
/// that does not restrict them can satisfy any value.
const INSTANCE_LABELS: [&str; 13] = [
    "kubernetes.io/arch",
    "kubernetes.io/os",
    "kubernetes.io/hostname",
    "beta.kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "topology.k8s.aws/zone-id",
    "karpenter.sh/capacity-type",
];

/// Prefixes of instance labels (`karpenter.k8s.aws/instance-family`, EKS Auto Mode's
/// `eks.amazonaws.com/instance-category`).
const INSTANCE_LABEL_PREFIXES: [&str; 2] = ["karpenter.k8s.aws/", "eks.amazonaws.com/instance-"];

/// What kube-scheduler writes when no node matches the pod's selector or node affinity.
const SELECTOR_MESSAGES: [&str; 2] = [
    "didn't match Pod's node affinity",
    "didn't match node selector",
];

const GRACE_SECONDS: i64 = 300;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.cluster_object() else {
        return;
    };
    let nodes: Vec<&Object> = cx
        .inv
        .of_kind("Node")
        .filter(|n| n.api_group().is_empty())
        .filter(|n| {
            n.root()
                .at(&["spec", "unschedulable"])
                .and_then(Node::as_bool)
                != Some(true)
        })
        .collect();
    let pools: Vec<&Object> = cx
        .inv
        .of_kind("NodePool")
        .filter(|p| p.api_group() == "karpenter.sh")
        .collect();
    let total_nodes = cx
        .inv
        .of_kind("Node")
        .filter(|n| n.api_group().is_empty())
        .count();
    if total_nodes == 0 && pools.is_empty() {
        out.unknown(
            Subject::object(cluster),
            "the evidence holds no Node and no Karpenter NodePool: node selectors cannot be \
             matched against anything",
        );
        return;
    }
    let by_controller = running_pods::pods_by_controller(cx.inv);
    let collected = running_pods::collected_at(cx.inv);
    let autoscaler = cx.detections.is_present("cluster-autoscaler");
    let mut satisfiable_by: HashMap<String, bool> = HashMap::new();
    for (w, object) in cx.all_workloads() {
        if w.kind == WorkloadKind::DaemonSet {
            continue;
        }
        let Some(spec) = w.pod_spec(object) else {
            continue;
        };
        let Some(constraints) = NodeConstraints::of(spec) else {
            continue;
        };
        // Many workloads share a selector: match each distinct one against the nodes once.
        let satisfiable = *satisfiable_by
            .entry(constraints.describe())
            .or_insert_with(|| {
                nodes.iter().any(|n| constraints.matches(n))
                    || pools.iter().any(|p| pool_can_satisfy(p, &constraints))
            });
        if satisfiable {
            out.pass(object);
            continue;
        }
        let pods = by_controller
            .get(&object.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let pending = pods
            .iter()
            .filter(|p| pending_on_selector(p, collected))
            .count();
        let fargate = constraints
            .selector
            .iter()
            .any(|(k, v)| *k == "eks.amazonaws.com/compute-type" && v == "fargate");
        let field = if constraints.selector.is_empty() {
            "affinity.nodeAffinity"
        } else {
            "nodeSelector"
        };
        let subject = Subject::object(object).at(
            format!("{}.{field}", w.pod_path),
            spec.at(&field.split('.').collect::<Vec<_>>()),
        );
        let matched_against = format!(
            "no schedulable node (of {total_nodes}) and no Karpenter NodePool (of {}) can \
             satisfy it",
            pools.len()
        );
        if pending == 0 && (autoscaler || fargate) {
            let invisible = if fargate {
                "Fargate profiles are not visible from the cluster"
            } else {
                "the Cluster Autoscaler may add one from a node group scaled to zero, which \
                 is not visible from the cluster"
            };
            out.unknown(
                subject,
                format!(
                    "{} `{}` requires {}: {matched_against}; {invisible}",
                    object.kind(),
                    qualified(object),
                    constraints.describe()
                ),
            );
            continue;
        }
        let evidence = if pending > 0 {
            format!("; {pending} of its pods are Pending on it")
        } else {
            "; its pods would stay Pending".into()
        };
        out.fail(
            subject,
            format!(
                "{} `{}` requires {}: {matched_against}{evidence}",
                object.kind(),
                qualified(object),
                constraints.describe()
            ),
        );
    }
}

/// Whether the pod has been unschedulable because of its node selector or affinity for
/// longer than the grace period (or for an unknown time).
fn pending_on_selector(pod: &Object, collected: Option<i64>) -> bool {
    if running_pods::node_name(pod).is_some() {
        return false;
    }
    let Some(scheduled) = running_pods::condition(pod, "PodScheduled") else {
        return false;
    };
    let text = |k: &str| scheduled.get(k).and_then(Node::as_str);
    let cited = text("message").is_some_and(|m| SELECTOR_MESSAGES.iter().any(|s| m.contains(s)));
    if text("status") != Some("False") || !cited {
        return false;
    }
    let since = text("lastTransitionTime").and_then(running_pods::epoch_seconds);
    !matches!((collected, since), (Some(now), Some(since)) if now - since < GRACE_SECONDS)
}

/// Whether a Karpenter NodePool can launch a node satisfying the constraints.
fn pool_can_satisfy(pool: &Object, constraints: &NodeConstraints<'_>) -> bool {
    let selector_ok = constraints
        .selector
        .iter()
        .all(|(key, value)| pool_allows(pool, key, &|v: Option<&str>| v == Some(value.as_str())));
    selector_ok
        && constraints.terms.is_none_or(|terms| {
            terms.iter().any(|term| {
                let expressions = term
                    .get("matchExpressions")
                    .map(Node::items)
                    .unwrap_or_default();
                let fields = term.get("matchFields").map(Node::items).unwrap_or_default();
                (!expressions.is_empty() || !fields.is_empty())
                    && expressions.iter().all(|e| {
                        let key = e.get("key").and_then(Node::as_str).unwrap_or_default();
                        pool_allows(pool, key, &|v| requirement_matches(e, v))
                    })
                    // A node that does not exist yet has no name to select: only `NotIn`
                    // on names can hold.
                    && fields
                        .iter()
                        .all(|f| f.get("operator").and_then(Node::as_str) == Some("NotIn"))
            })
        })
}

/// Whether a node launched from the pool can carry a value of `key` (or lack the label) in
/// a way `accepts`.
fn pool_allows(pool: &Object, key: &str, accepts: &dyn Fn(Option<&str>) -> bool) -> bool {
    let spec = pool.root().at(&["spec", "template"]);
    if key == "karpenter.sh/nodepool" {
        return accepts(Some(pool.name()));
    }
    if let Some(value) = spec
        .and_then(|t| t.at(&["metadata", "labels", key]))
        .and_then(Node::scalar_text)
    {
        return accepts(Some(&value));
    }
    let requirements: Vec<&Node> = spec
        .and_then(|t| t.at(&["spec", "requirements"]))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|r| r.get("key").and_then(Node::as_str) == Some(key))
        .collect();
    if !requirements.is_empty() {
        return requirements.iter().all(|r| {
            match r.get("operator").and_then(Node::as_str) {
                // The pool picks one of these values.
                Some("In") => values_of(r).iter().any(|v| accepts(Some(v))),
                Some("DoesNotExist") => accepts(None),
                // NotIn, Exists, Gt, Lt leave many values open: assume one fits.
                _ => true,
            }
        });
    }
    let instance_label = INSTANCE_LABELS.contains(&key)
        || INSTANCE_LABEL_PREFIXES.iter().any(|p| key.starts_with(p));
    if instance_label {
        return true;
    }
    // A custom label the pool neither sets nor requires: its nodes lack it.
    accepts(None)
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
