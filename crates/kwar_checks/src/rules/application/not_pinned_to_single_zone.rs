use std::collections::BTreeSet;

use crate::prelude::*;
use kwar_inventory::required_node_affinity;

declare_check! {
    /// ## What it checks
    /// Stateless workloads outside the system namespaces can run in more than one zone.
    /// Stateless means a Deployment, ReplicaSet, ReplicationController or Argo Rollout whose pods
    /// mount no PersistentVolumeClaim (a pod with a zonal volume, and every StatefulSet, is
    /// legitimately bound to its volume's zone).
    ///
    /// The zones allowed are worked out as the scheduler does: `nodeSelector` on
    /// `topology.kubernetes.io/zone` (or the legacy `failure-domain.beta.kubernetes.io/zone`)
    /// and the required node affinity must both hold; the affinity's `nodeSelectorTerms` are
    /// alternatives (their zones add up, and a term without a zone restriction allows every
    /// zone); the zone expressions of one term must all hold. It warns when exactly one zone is
    /// allowed, and passes otherwise. Preferred affinity is a hint, not a pin, and passes.
    ///
    /// ## Why it matters
    /// An Availability Zone can fail or be impaired as a whole. A stateless service pinned to
    /// one zone goes down with it, whatever its replica count, and cannot be rescheduled into the
    /// healthy zones until its manifest is changed.
    ///
    /// ## How to fix
    /// Remove the zone pin and spread the replicas instead:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: topology.kubernetes.io/zone
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector: {matchLabels: {app.kubernetes.io/name: web}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
    /// - <https://kubernetes.io/docs/reference/labels-annotations-taints/>
    "not-pinned-to-single-zone",
    run
}

const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

type Zones = Option<BTreeSet<String>>;

/// Intersection, where None means "every zone".
fn both(a: Zones, b: Zones) -> Zones {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
    }
}

/// The zones one node selector term allows.
fn term_zones(term: &Node) -> Zones {
    let mut zones: Zones = None;
    for e in term
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default()
    {
        let key = e.get("key").and_then(Node::as_str).unwrap_or_default();
        if !ZONE_KEYS.contains(&key) || e.get("operator").and_then(Node::as_str) != Some("In") {
            continue;
        }
        let values = e
            .get("values")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        zones = both(zones, Some(values));
    }
    zones
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if !matches!(
            w.kind,
            WorkloadKind::Deployment
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
                | WorkloadKind::Rollout
        ) {
            continue;
        }
        let has_pvc = w
            .pod_field(object, "volumes")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|v| v.get("persistentVolumeClaim").is_some());
        if has_pvc {
            continue;
        }
        let pod = w.pod_path;
        let mut zones: Zones = None;
        let mut pinned_by: Option<(String, &Node)> = None;
        if let Some(selector) = w.pod_field(object, "nodeSelector") {
            for key in ZONE_KEYS {
                if let Some(n) = selector.get(key) {
                    let zone = n.scalar_text().unwrap_or_default();
                    zones = both(zones, Some(BTreeSet::from([zone])));
                    pinned_by = Some((format!("{pod}.nodeSelector.{key}"), n));
                }
            }
        }
        let required = w.pod_spec(object).and_then(required_node_affinity);
        if let Some((required, terms)) = required {
            let per_term: Option<Vec<BTreeSet<String>>> = terms.iter().map(term_zones).collect();
            if let Some(per_term) = per_term.filter(|_| !terms.is_empty()) {
                let union: BTreeSet<String> = per_term.into_iter().flatten().collect();
                zones = both(zones, Some(union));
                pinned_by = pinned_by.or(Some((
                    format!(
                        "{pod}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                    ),
                    required,
                )));
            }
        }
        match (zones, pinned_by) {
            (Some(z), Some((path, node))) if z.len() == 1 => out.warn(
                Subject::object(object).at(path, Some(node)),
                format!(
                    "{} is pinned to the single zone `{}`: it goes down with that zone",
                    object.display_name(),
                    z.iter().next().cloned().unwrap_or_default()
                ),
            ),
            _ => out.pass(object),
        }
    }
}
