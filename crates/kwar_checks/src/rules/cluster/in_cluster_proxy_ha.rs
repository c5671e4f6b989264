use std::collections::BTreeSet;

use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// The in-cluster proxies that carry ingress traffic — the Deployments, StatefulSets and
    /// DaemonSets the catalog's `ingress-controllers` detector finds by name (ingress-nginx,
    /// F5 NGINX, Traefik, HAProxy, Kong, Ambassador/Emissary, Gloo, Contour/Envoy), in every
    /// namespace — and whether losing one pod, node or zone interrupts traffic:
    /// - fail: a single replica (`spec.replicas`, or an HPA's `minReplicas`, of 1 or less;
    ///   a DaemonSet whose status schedules it on a single node);
    /// - warn: several replicas, but no PodDisruptionBudget selects them (a drain can take
    ///   them all at once), or they are not spread over zones — judged from the nodes their
    ///   ready pods run on in a cluster snapshot, else from a `topologySpreadConstraints` or
    ///   pod anti-affinity on `topology.kubernetes.io/zone`;
    /// - pass: at least 2 replicas, spread over zones, with a PDB.
    ///
    /// The catalog defines no warn; a multi-replica proxy without a PDB or zone spread is
    /// not a single replica but not the HA the pass requires either, so it warns. DaemonSets
    /// need no PDB (node drains skip their pods) and are judged on the nodes they cover; a
    /// DaemonSet without status (manifests) is not evaluated. Control planes that the
    /// detector also finds by name but that carry no traffic (Contour's `contour`, Gloo's
    /// `gloo` and `discovery`, Emissary's `*-apiext`, `*certgen*` jobs' workloads) are
    /// skipped, and so is the AWS Load Balancer Controller (traffic flows through the
    /// ALB/NLB, not through it).
    ///
    /// ## Why it matters
    /// Every request to every service behind the ingress goes through these pods. One
    /// replica means an outage at each restart, upgrade, node replacement or Spot
    /// interruption; replicas in one zone go down with it; and without a PDB a node drain or
    /// Karpenter consolidation may evict every replica at the same moment.
    ///
    /// ## How to fix
    /// Run at least 2 (ideally 3) replicas spread over zones, and protect them:
    /// ```yaml
    /// # ingress-nginx Helm values
    /// controller:
    ///   replicaCount: 3
    ///   minAvailable: 1            # creates the PodDisruptionBudget
    ///   topologySpreadConstraints:
    ///     - maxSkew: 1
    ///       topologyKey: topology.kubernetes.io/zone
    ///       whenUnsatisfiable: ScheduleAnyway
    ///       labelSelector:
    ///         matchLabels: {app.kubernetes.io/component: controller}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html>
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress-controllers/>
    "in-cluster-proxy-ha",
    run,
    needs = [
        "apps/deployments",
        "apps/daemonsets",
        "apps/statefulsets",
        "apps/replicasets",
        "policy/poddisruptionbudgets",
        "autoscaling/horizontalpodautoscalers",
        "pods",
        "nodes"
    ]
}

/// Control planes the detector also finds by name: they configure the proxies but carry no
/// traffic (Contour's `contour`, Gloo's `gloo` and `discovery`, Emissary's CRD converter,
/// certificate generators).
fn is_control_plane(name: &str) -> bool {
    matches!(name, "contour" | "gloo" | "discovery")
        || name.contains("apiext")
        || name.contains("certgen")
}

const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("ingress-controllers") else {
        return;
    };
    let by_controller = running_pods::pods_by_controller(cx.inv);
    let proxies: BTreeSet<_> = detection.objects().collect();
    for id in proxies {
        let object = cx.inv.object(id);
        let Some(w) = cx.inv.workload_of(id) else {
            continue;
        };
        if !matches!(
            w.kind,
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::DaemonSet
        ) || !w.is_reviewed_unit()
        {
            continue;
        }
        if is_control_plane(object.name()) {
            continue;
        }
        let name = format!("{} `{}`", object.kind(), qualified(object));
        let daemon = w.kind == WorkloadKind::DaemonSet;
        let replicas = if daemon {
            object
                .root()
                .at(&["status", "desiredNumberScheduled"])
                .and_then(Node::as_i64)
        } else {
            cx.inv.effective_min_replicas(w)
        };
        let Some(replicas) = replicas else {
            continue;
        };
        if replicas <= 1 {
            let (path, what) = if daemon {
                ("status.desiredNumberScheduled", "runs on a single node")
            } else {
                ("spec.replicas", "runs a single replica")
            };
            out.fail(
                Subject::object(object)
                    .at(path, object.root().at(&path.split('.').collect::<Vec<_>>())),
                format!(
                    "{name} {what} ({replicas}): all ingress traffic stops while it restarts or \
                     its node is replaced; expected at least 2 replicas spread over zones"
                ),
            );
            continue;
        }
        let mut gaps = Vec::new();
        if !daemon && cx.inv.pdbs_of(w).next().is_none() {
            gaps.push("no PodDisruptionBudget selects it".to_string());
        }
        let pods = by_controller
            .get(&id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if let Some(problem) = zone_spread_problem(cx, w, object, pods) {
            gaps.push(problem);
        }
        if gaps.is_empty() {
            out.pass(object);
        } else {
            out.warn(
                Subject::object(object),
                format!(
                    "{name} has {replicas} replicas but {}; expected replicas spread over zones \
                     and protected by a PodDisruptionBudget",
                    gaps.join(" and ")
                ),
            );
        }
    }
}

/// Why the replicas are not known to be spread over zones, if they are not: from the zones of
/// the nodes its ready pods run on when known, else from its spread rules.
fn zone_spread_problem(
    cx: &Context<'_>,
    w: &Workload,
    object: &Object,
    pods: &[&Object],
) -> Option<String> {
    let zones: BTreeSet<&str> = pods
        .iter()
        .filter(|p| running_pods::is_ready(p))
        .filter_map(|p| running_pods::node_name(p))
        .filter_map(|n| running_pods::node(cx.inv, n))
        .filter_map(running_pods::zone_of_node)
        .collect();
    match zones.len() {
        0 => {}
        1 => {
            return Some(format!(
                "its ready pods all run in zone `{}`",
                zones.iter().next().copied().unwrap_or_default()
            ))
        }
        _ => return None,
    }
    if w.kind == WorkloadKind::DaemonSet {
        // A DaemonSet follows the nodes; without pod placement there is nothing to judge.
        return None;
    }
    let spec = w.pod_spec(object)?;
    let spread = spec
        .get("topologySpreadConstraints")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|c| {
            c.get("topologyKey")
                .and_then(Node::as_str)
                .is_some_and(|k| ZONE_KEYS.contains(&k))
        });
    let anti_affinity = [
        "requiredDuringSchedulingIgnoredDuringExecution",
        "preferredDuringSchedulingIgnoredDuringExecution",
    ]
    .iter()
    .flat_map(|kind| {
        spec.at(&["affinity", "podAntiAffinity", kind])
            .map(Node::items)
            .unwrap_or_default()
    })
    .any(|term| {
        let term = term.get("podAffinityTerm").unwrap_or(term);
        term.get("topologyKey")
            .and_then(Node::as_str)
            .is_some_and(|k| ZONE_KEYS.contains(&k))
    });
    (!spread && !anti_affinity)
        .then(|| "nothing spreads it over zones (no zone topology spread or anti-affinity)".into())
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
