use std::collections::{BTreeMap, BTreeSet};

use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// Where the replicas of a workload actually run, from a cluster snapshot or live
    /// cluster: the ready Pods (condition `Ready=True`, not being deleted) of each
    /// Deployment, StatefulSet, Argo Rollout, ReplicationController and unowned ReplicaSet
    /// outside system namespaces, their `spec.nodeName`, and the zone label
    /// (`topology.kubernetes.io/zone`) of those Nodes. Workloads with fewer than 2 ready
    /// replicas are out of scope (`multiple-replicas` judges the replica count).
    /// - pass: the ready replicas run on at least 2 nodes in at least 2 zones;
    /// - warn: on 2 or more nodes, all in one zone;
    /// - fail: all on a single node;
    /// - unknown: on several nodes, but the zone of some is not known (Node not collected or
    ///   not labelled) and the known ones are a single zone.
    ///
    /// DaemonSets (one pod per node by design) and Jobs are not judged. Manifests alone have
    /// no pods with status, so the check needs a cluster.
    ///
    /// ## Why it matters
    /// Replicas protect availability only if a single failure cannot take them all: replicas
    /// stacked on one node go down together when that node is drained, replaced or fails, and
    /// replicas in one Availability Zone go down with the zone. The scheduler only spreads
    /// pods when told to — or when it happens to — and scale-ups, node replacements and
    /// consolidation drift the placement over time.
    ///
    /// ## How to fix
    /// Ask the scheduler to spread replicas over zones and nodes:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: topology.kubernetes.io/zone
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector: {matchLabels: {app: api}}
    ///         - maxSkew: 1
    ///           topologyKey: kubernetes.io/hostname
    ///           whenUnsatisfiable: ScheduleAnyway
    ///           labelSelector: {matchLabels: {app: api}}
    /// ```
    /// Make sure the node groups or Karpenter NodePools span several zones, then restart the
    /// workload (`kubectl rollout restart deployment/api`) or run the descheduler
    /// (`RemovePodsViolatingTopologySpreadConstraint`) to rebalance existing pods.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_run_multiple_replicas>
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
    "replicas-actually-spread",
    run,
    needs = [
        "pods",
        "nodes",
        "apps/deployments",
        "apps/replicasets",
        "apps/statefulsets"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let by_controller = running_pods::pods_by_controller(cx.inv);
    for (w, object) in cx.app_workloads() {
        if !w.kind.has_replicas() {
            continue;
        }
        let Some(pods) = by_controller.get(&object.id) else {
            continue;
        };
        // Ready replicas per node name.
        let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
        for pod in pods.iter().filter(|p| running_pods::is_ready(p)) {
            if let Some(node) = running_pods::node_name(pod) {
                *per_node.entry(node).or_default() += 1;
            }
        }
        let ready: usize = per_node.values().sum();
        if ready < 2 {
            continue;
        }
        let name = qualified(object);
        if per_node.len() == 1 {
            let node = per_node.keys().next().copied().unwrap_or_default();
            out.fail(
                Subject::object(object),
                format!(
                    "{} `{name}`: all {ready} ready replicas run on node `{node}`; expected them on \
                     at least 2 nodes in at least 2 zones",
                    object.kind()
                ),
            );
            continue;
        }
        let mut zones = BTreeSet::new();
        let mut unzoned = Vec::new();
        for node in per_node.keys() {
            match running_pods::node(cx.inv, node).and_then(running_pods::zone_of_node) {
                Some(zone) => {
                    zones.insert(zone);
                }
                None => unzoned.push(*node),
            }
        }
        let nodes = per_node.len();
        if zones.len() >= 2 {
            out.pass(object);
        } else if !unzoned.is_empty() {
            out.unknown(
                Subject::object(object),
                format!(
                    "{} `{name}`: {ready} ready replicas on {nodes} nodes, but the zone of {} is \
                     not known (Node not collected or without topology.kubernetes.io/zone)",
                    object.kind(),
                    unzoned
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        } else {
            let zone = zones.iter().next().copied().unwrap_or_default();
            out.warn(
                Subject::object(object),
                format!(
                    "{} `{name}`: its {ready} ready replicas run on {nodes} nodes, all in zone \
                     `{zone}`; expected at least 2 zones so that one zone's outage leaves \
                     replicas running",
                    object.kind()
                ),
            );
        }
    }
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
