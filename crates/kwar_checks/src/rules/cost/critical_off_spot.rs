use crate::prelude::*;
use kwar_inventory::required_node_affinity;

declare_check! {
    /// ## What it checks
    /// Workloads that cannot tolerate a two-minute Spot interruption stay on On-Demand
    /// capacity. In scope, outside the system namespaces: Deployments, StatefulSets, Argo
    /// Rollouts, ReplicaSets, ReplicationControllers and bare Pods that are
    ///
    /// - **stateful**: a StatefulSet, or pods that mount a PersistentVolumeClaim;
    /// - **singleton**: 1 replica at their lowest (an HPA's `minReplicas` overrides
    ///   `spec.replicas`; a bare Pod is always one);
    /// - **critical**: `priorityClassName` starting with `system-` or containing `critical`.
    ///
    /// DaemonSets (they run on every node anyway) and Jobs (retried by design) are not judged.
    ///
    /// The capacity type is read from `nodeSelector` and required node affinity on
    /// `karpenter.sh/capacity-type`, `eks.amazonaws.com/capacityType` and
    /// `node.kubernetes.io/lifecycle`:
    ///
    /// - **pass** when the pods are pinned off Spot: a `nodeSelector` on a non-Spot value
    ///   (`on-demand`, `ON_DEMAND`, `reserved`…), or every required node-affinity term limits
    ///   the capacity type to non-Spot values (`In [on-demand]` or `NotIn [spot]`).
    /// - **warn** when the workload opts into Spot itself: it selects Spot (`nodeSelector`,
    ///   a required or preferred affinity term allowing `spot`) or tolerates a Spot taint (a
    ///   toleration whose key or value mentions spot).
    /// - With no capacity-type constraint at all, a manifest alone cannot tell whether the
    ///   cluster has Spot nodes. It **warns** ("nothing keeps it off Spot capacity") only when
    ///   the input shows Spot capacity the pods can reach: a Karpenter NodePool (or v1alpha5
    ///   Provisioner) whose `karpenter.sh/capacity-type` requirement allows `spot` — Karpenter
    ///   then prefers Spot — and whose taints the pods tolerate (and which the pods do not
    ///   exclude by selecting another pool with `karpenter.sh/nodepool`), or an eksctl
    ///   node group with `spot: true` or an instances distribution below 100 % On-Demand.
    ///   Otherwise it **passes**. A preferred On-Demand affinity does not pin anything.
    ///
    /// ## Why it matters
    /// Spot capacity can be reclaimed with two minutes' notice, and Karpenter consolidates
    /// Spot nodes freely. A singleton goes down on each interruption; a database or a queue
    /// broker loses its volume attachment and has to fail over and recover; a critical
    /// component (ingress, DNS, payment path) turns a cheap node loss into an outage.
    ///
    /// ## How to fix
    /// Pin the workload to On-Demand (or make it interruption-tolerant: several replicas, a
    /// PodDisruptionBudget, no local state):
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector:
    ///         karpenter.sh/capacity-type: on-demand   # or eks.amazonaws.com/capacityType: ON_DEMAND
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html#_spot>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html#_enable_interruption_handling_when_using_spot>
    /// - <https://karpenter.sh/docs/concepts/nodepools/#capacity-type>
    "critical-off-spot",
    run
}

const CAPACITY_KEYS: [&str; 3] = [
    "karpenter.sh/capacity-type",
    "eks.amazonaws.com/capacityType",
    "node.kubernetes.io/lifecycle",
];

fn is_spot(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("spot")
}

/// Where a workload's pods may run, as far as the capacity type goes.
enum Placement<'a> {
    OffSpot,
    /// Explicitly selects or tolerates Spot: (path, node, what).
    Spot(String, Option<&'a Node>, String),
    Unconstrained,
}

/// A source of Spot capacity described in the input.
struct SpotPool<'a> {
    label: String,
    /// The Karpenter NodePool/Provisioner name, for `karpenter.sh/nodepool` selectors.
    pool_name: Option<&'a str>,
    taints: Vec<&'a Node>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let pools = spot_pools(cx);
    for (w, object) in cx.app_workloads() {
        if !matches!(
            w.kind,
            WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::Rollout
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
                | WorkloadKind::Pod
        ) {
            continue;
        }
        let Some(why) = why_sensitive(cx, w, object) else {
            continue;
        };
        let Some(spec) = w.pod_spec(object) else {
            continue;
        };
        let label = format!("{} `{}`", object.kind(), object.name());
        let spec_path = match w.kind {
            WorkloadKind::Pod => "spec",
            _ => "spec.template.spec",
        };
        match placement(spec, spec_path) {
            Placement::OffSpot => out.pass(object),
            Placement::Spot(path, node, what) => out.warn(
                Subject::object(object).at(path, node),
                format!("{label} is {why} but {what}, so a Spot interruption takes it down"),
            ),
            Placement::Unconstrained => {
                let selected_pool = ["karpenter.sh/nodepool", "karpenter.sh/provisioner-name"]
                    .iter()
                    .find_map(|k| spec.at(&["nodeSelector", k]).and_then(Node::as_str));
                let reachable = pools.iter().find(|p| {
                    selected_pool.is_none_or(|s| p.pool_name == Some(s))
                        && p.taints.iter().all(|t| tolerated(spec, t))
                });
                match reachable {
                    Some(pool) => out.warn(
                        Subject::object(object).at(format!("{spec_path}.nodeSelector"), spec.get("nodeSelector")),
                        format!(
                            "{label} is {why} but nothing keeps it off Spot capacity ({} allows spot)",
                            pool.label
                        ),
                    ),
                    None => out.pass(object),
                }
            }
        }
    }
}

/// Why the workload should stay off Spot, or None when it is not in scope.
fn why_sensitive(cx: &Context<'_>, w: &Workload, object: &Object) -> Option<String> {
    if w.kind == WorkloadKind::StatefulSet {
        return Some("stateful".into());
    }
    let mounts_pvc = w
        .pod_field(object, "volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|v| v.get("persistentVolumeClaim").is_some());
    if mounts_pvc {
        return Some("stateful (it mounts a PersistentVolumeClaim)".into());
    }
    if let Some(pc) = w
        .pod_field(object, "priorityClassName")
        .and_then(Node::as_str)
    {
        if pc.starts_with("system-") || pc.to_ascii_lowercase().contains("critical") {
            return Some(format!("critical (priorityClassName {pc})"));
        }
    }
    if cx.inv.effective_min_replicas(w) == Some(1) {
        return Some("a singleton (1 replica)".into());
    }
    None
}

fn placement<'a>(spec: &'a Node, spec_path: &str) -> Placement<'a> {
    // nodeSelector
    let mut explicit: Option<(String, Option<&'a Node>, String)> = None;
    for key in CAPACITY_KEYS {
        if let Some(node) = spec.at(&["nodeSelector", key]) {
            let value = node.scalar_text().unwrap_or_default();
            if !is_spot(&value) {
                return Placement::OffSpot;
            }
            explicit.get_or_insert((
                format!("{spec_path}.nodeSelector"),
                Some(node),
                format!("it selects Spot nodes (nodeSelector {key}: {value})"),
            ));
        }
    }
    // required node affinity: terms are ORed, expressions ANDed
    let affinity = spec.at(&["affinity", "nodeAffinity"]);
    let terms = required_node_affinity(spec).map_or(&[][..], |(_, terms)| terms);
    let term_verdicts: Vec<Option<bool>> = terms.iter().map(term_capacity).collect();
    if !term_verdicts.is_empty() && term_verdicts.iter().all(|v| *v == Some(false)) {
        return Placement::OffSpot;
    }
    if explicit.is_none() && term_verdicts.contains(&Some(true)) {
        explicit = Some((
            format!(
                "{spec_path}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
            ),
            affinity.and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution")),
            "its required node affinity allows Spot capacity".into(),
        ));
    }
    // preferred node affinity towards Spot
    if explicit.is_none() {
        let preferred = affinity
            .and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
            .map(Node::items)
            .unwrap_or_default();
        if preferred
            .iter()
            .filter_map(|p| p.get("preference"))
            .any(|t| term_capacity(t) == Some(true))
        {
            explicit = Some((
                format!("{spec_path}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"),
                affinity.and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution")),
                "it prefers Spot nodes".into(),
            ));
        }
    }
    // tolerations of Spot taints
    if explicit.is_none() {
        for (i, t) in spec
            .get("tolerations")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let key = t.get("key").and_then(Node::scalar_text).unwrap_or_default();
            let value = t
                .get("value")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            if key.to_ascii_lowercase().contains("spot") || is_spot(&value) {
                explicit = Some((
                    format!("{spec_path}.tolerations[{i}]"),
                    Some(t),
                    format!("it tolerates the Spot taint `{key}`"),
                ));
                break;
            }
        }
    }
    match explicit {
        Some((path, node, what)) => Placement::Spot(path, node, what),
        None => Placement::Unconstrained,
    }
}

/// A node selector term's stance on Spot: Some(true) when it explicitly allows Spot,
/// Some(false) when it excludes Spot, None when it says nothing about the capacity type.
fn term_capacity(term: &Node) -> Option<bool> {
    let mut verdict = None;
    for expr in term
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default()
    {
        let key = expr.get("key").and_then(Node::as_str).unwrap_or_default();
        if !CAPACITY_KEYS.contains(&key) {
            continue;
        }
        let values: Vec<String> = expr
            .get("values")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        let has_spot = values.iter().any(|v| is_spot(v));
        match expr.get("operator").and_then(Node::as_str) {
            // Expressions are ANDed: one that excludes Spot settles the term.
            Some("In") if !has_spot => return Some(false),
            Some("NotIn") if has_spot => return Some(false),
            Some("In") => verdict = Some(true),
            _ => {}
        }
    }
    verdict
}

/// Whether the pod spec tolerates a NoSchedule/NoExecute taint.
fn tolerated(spec: &Node, taint: &Node) -> bool {
    let text = |n: &Node, k: &str| n.get(k).and_then(Node::scalar_text).unwrap_or_default();
    let effect = text(taint, "effect");
    if effect == "PreferNoSchedule" {
        return true;
    }
    spec.get("tolerations")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|t| {
            let key = text(t, "key");
            let exists = t.get("operator").and_then(Node::as_str) == Some("Exists");
            let key_ok = (key.is_empty() && exists)
                || (key == text(taint, "key")
                    && (exists || text(t, "value") == text(taint, "value")));
            let t_effect = text(t, "effect");
            key_ok && (t_effect.is_empty() || t_effect == effect)
        })
}

/// Spot capacity the input describes: Karpenter NodePools/Provisioners allowing spot, and
/// eksctl node groups on Spot.
fn spot_pools<'a>(cx: &Context<'a>) -> Vec<SpotPool<'a>> {
    let mut pools = Vec::new();
    for kind in ["NodePool", "Provisioner"] {
        for pool in cx
            .inv
            .of_kind(kind)
            .filter(|o| o.api_group() == "karpenter.sh")
        {
            let spec = pool.root().get("spec");
            let (requirements, taints) = if kind == "NodePool" {
                (
                    spec.and_then(|s| s.at(&["template", "spec", "requirements"])),
                    spec.and_then(|s| s.at(&["template", "spec", "taints"])),
                )
            } else {
                (
                    spec.and_then(|s| s.get("requirements")),
                    spec.and_then(|s| s.get("taints")),
                )
            };
            let allows_spot = requirements
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .find(|r| r.get("key").and_then(Node::as_str) == Some("karpenter.sh/capacity-type"))
                .is_some_and(|r| {
                    let has_spot = r
                        .get("values")
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Node::scalar_text)
                        .any(|v| is_spot(&v));
                    match r.get("operator").and_then(Node::as_str) {
                        Some("In") => has_spot,
                        Some("NotIn") => !has_spot,
                        Some("Exists") => true,
                        _ => false,
                    }
                });
            if allows_spot {
                pools.push(SpotPool {
                    label: format!("Karpenter {kind} `{}`", pool.name()),
                    pool_name: Some(pool.name()),
                    taints: taints
                        .map(|t| t.items().iter().collect())
                        .unwrap_or_default(),
                });
            }
        }
    }
    for config in cx
        .inv
        .of_kind("ClusterConfig")
        .filter(|o| o.api_group() == "eksctl.io")
    {
        for field in ["nodeGroups", "managedNodeGroups"] {
            for ng in config
                .root()
                .get(field)
                .map(Node::items)
                .unwrap_or_default()
            {
                let spot = ng.get("spot").and_then(Node::as_bool) == Some(true)
                    || ng
                        .at(&[
                            "instancesDistribution",
                            "onDemandPercentageAboveBaseCapacity",
                        ])
                        .and_then(Node::as_i64)
                        .is_some_and(|p| p < 100);
                if spot {
                    pools.push(SpotPool {
                        label: format!(
                            "eksctl node group `{}`",
                            ng.get("name").and_then(Node::as_str).unwrap_or("")
                        ),
                        pool_name: None,
                        taints: ng
                            .get("taints")
                            .map(|t| t.items().iter().collect())
                            .unwrap_or_default(),
                    });
                }
            }
        }
    }
    pools
}
