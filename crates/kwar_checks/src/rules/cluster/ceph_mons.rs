use std::collections::BTreeSet;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Rook `CephCluster` (`ceph.rook.io`) that Rook runs itself (those with
    /// `spec.external.enable: true` connect to monitors run elsewhere and are not evaluated):
    /// - fail: `spec.mon.count` is 1 or 2 — Ceph's monitors need a majority, so fewer than 3
    ///   cannot survive losing one;
    /// - warn: 3 or more monitors, but `spec.mon.allowMultiplePerNode: true` (several may run
    ///   on one node), or the running monitor pods (`app=rook-ceph-mon`, in a cluster snapshot)
    ///   are all on nodes of a single zone;
    /// - pass: 3 or more monitors, one per node, and — when the monitor pods and their nodes'
    ///   `topology.kubernetes.io/zone` labels were collected — in more than one zone.
    ///
    /// A missing or zero `spec.mon.count` is Rook's default, 3. The catalog asks for monitors
    /// "spread across zones"; a manifest cannot show where they run, so without pods the
    /// spread is not judged.
    ///
    /// ## Why it matters
    /// The monitors hold the cluster map: without a quorum (a majority of them) no client can
    /// read or write a Ceph volume. One monitor is a single point of failure; two are worse,
    /// since losing either loses the majority. Monitors that share a node or a zone go down
    /// together, and the whole storage layer with them.
    ///
    /// ## How to fix
    /// Run three (or five) monitors, one per node, spread over the zones:
    /// ```yaml
    /// apiVersion: ceph.rook.io/v1
    /// kind: CephCluster
    /// metadata:
    ///   name: rook-ceph
    ///   namespace: rook-ceph
    /// spec:
    ///   mon:
    ///     count: 3
    ///     allowMultiplePerNode: false
    ///   placement:
    ///     mon:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: topology.kubernetes.io/zone
    ///           whenUnsatisfiable: DoNotSchedule
    ///           labelSelector: {matchLabels: {app: rook-ceph-mon}}
    /// ```
    ///
    /// ## References
    /// - <https://rook.io/docs/rook/latest/CRDs/Cluster/ceph-cluster-crd/#mon-settings>
    /// - <https://docs.ceph.com/en/latest/rados/configuration/mon-config-ref/#monitor-quorum>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    "ceph-mons",
    run,
    needs = ["ceph.rook.io/cephclusters", "pods", "nodes"]
}

/// Rook's default when `spec.mon.count` is unset or zero.
const DEFAULT_MONS: i64 = 3;

fn zone(node: &Object) -> Option<&str> {
    node.label("topology.kubernetes.io/zone")
        .or_else(|| node.label("failure-domain.beta.kubernetes.io/zone"))
}

/// The zones of the nodes running the cluster's monitor pods, when known.
fn monitor_zones<'a>(cx: &Context<'a>, cluster: &Object) -> BTreeSet<&'a str> {
    cx.inv
        .of_kind("Pod")
        .filter(|p| p.api_group().is_empty() && p.namespace() == cluster.namespace())
        .filter(|p| p.label("app") == Some("rook-ceph-mon"))
        .filter_map(|p| p.root().at(&["spec", "nodeName"]).and_then(Node::as_str))
        .filter_map(|node| cx.inv.find("Node", None, node))
        .filter_map(zone)
        .collect()
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for cluster in cx
        .inv
        .of_kind("CephCluster")
        .filter(|o| o.api_group() == "ceph.rook.io")
    {
        let external = cluster
            .root()
            .at(&["spec", "external", "enable"])
            .and_then(Node::as_bool)
            == Some(true);
        if external {
            continue;
        }
        let name = cluster.display_name();
        let count_node = cluster.root().at(&["spec", "mon", "count"]);
        let count = count_node
            .and_then(Node::as_i64)
            .filter(|&c| c > 0)
            .unwrap_or(DEFAULT_MONS);
        if count < 3 {
            out.fail(
                Subject::object(cluster).at("spec.mon.count", count_node),
                format!(
                    "{name} runs {count} Ceph monitor(s): losing one loses the quorum and all \
                     I/O; expected at least 3"
                ),
            );
            continue;
        }
        let shared = cluster.root().at(&["spec", "mon", "allowMultiplePerNode"]);
        if shared.and_then(Node::as_bool) == Some(true) {
            out.warn(
                Subject::object(cluster).at("spec.mon.allowMultiplePerNode", shared),
                format!(
                    "{name} allows several monitors on one node: one node failure can take the \
                     quorum; expected allowMultiplePerNode: false"
                ),
            );
            continue;
        }
        let zones = monitor_zones(cx, cluster);
        if zones.len() == 1 {
            let only = zones.first().copied().unwrap_or_default();
            out.warn(
                Subject::object(cluster).at("spec.placement.mon", None),
                format!(
                    "{name} runs all its monitors in zone `{only}`: a zone outage takes the \
                     quorum; expected monitors spread across zones"
                ),
            );
            continue;
        }
        out.pass(cluster);
    }
}
