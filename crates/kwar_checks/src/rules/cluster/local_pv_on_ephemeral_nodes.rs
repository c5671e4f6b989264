use std::collections::{HashMap, HashSet};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every bound PersistentVolumeClaim on an OpenEBS LocalPV provisioner — hostpath/device
    /// `openebs.io/local`, LVM `local.csi.openebs.io`, ZFS `zfs.csi.openebs.io`, device
    /// `device.csi.openebs.io` — by its StorageClass or by its PersistentVolume's provisioner.
    /// The data lives on one node, named in the PersistentVolume's node affinity
    /// (`kubernetes.io/hostname`, or OpenEBS's `openebs.io/nodename` / `openebs.io/nodeid`).
    /// That node is classified from its labels and annotations:
    /// - replaced at any time: Spot capacity (`karpenter.sh/capacity-type: spot`,
    ///   `eks.amazonaws.com/capacityType: SPOT`, `node.kubernetes.io/lifecycle: spot`), or a
    ///   node Karpenter or EKS Auto Mode consolidates, drifts and expires (`karpenter.sh/nodepool`,
    ///   `eks.amazonaws.com/compute-type: auto`) without `karpenter.sh/do-not-disrupt: "true"`;
    /// - may be removed: a Karpenter node with `do-not-disrupt` (expiry still replaces it), or
    ///   a node-group node while the Cluster Autoscaler is detected, without
    ///   `cluster-autoscaler.kubernetes.io/scale-down-disabled: "true"`;
    /// - stable: anything else.
    ///
    /// Whether the application keeps its own copies is taken from the claim's consumer: a claim
    /// of a StatefulSet's `volumeClaimTemplates` with 2 or more replicas is replicated by the
    /// application (Kafka, Cassandra, Elasticsearch…); a StatefulSet of 1 replica, or a claim
    /// mounted by name (every replica of a Deployment shares that one copy), is a single copy.
    ///
    /// - fail: a single copy on a node that is replaced at any time;
    /// - warn: replicated (or unknown) data on such a node, data on a node that may be removed,
    ///   or a single copy on a stable node (one node failure loses it);
    /// - pass: data the application replicates, on a stable node;
    /// - unknown: the node is not in the input, or the claim has no consumer on a stable node.
    ///
    /// Unbound claims, and claims whose PersistentVolume is not in the input (manifests), are
    /// not evaluated.
    ///
    /// ## Why it matters
    /// A LocalPV volume is a directory or disk of one EC2 instance. When Spot reclaims the
    /// instance, Karpenter consolidates or expires it, or an autoscaler scales it in, the data
    /// is gone and the pod bound to it stays Pending forever (its volume's node no longer
    /// exists). Only applications that replicate across pods survive that, and only if
    /// replacements are rare enough for them to rebuild.
    ///
    /// ## How to fix
    /// Keep LocalPV for self-replicating data stores on stable nodes, and put everything else
    /// on EBS (or a replicated engine). Shield the nodes that hold local data:
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: local-storage
    /// spec:
    ///   template:
    ///     metadata:
    ///       annotations:
    ///         karpenter.sh/do-not-disrupt: "true"
    ///     spec:
    ///       requirements:
    ///         - {key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}
    ///       expireAfter: Never
    ///   disruption:
    ///     consolidationPolicy: WhenEmpty
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#local>
    /// - <https://karpenter.sh/docs/concepts/disruption/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "local-pv-on-ephemeral-nodes",
    run,
    needs = [
        "persistentvolumeclaims",
        "persistentvolumes",
        "storage.k8s.io/storageclasses",
        "nodes",
        "pods",
        "apps/statefulsets"
    ]
}

const LOCAL_PROVISIONERS: [&str; 4] = [
    "openebs.io/local",
    "local.csi.openebs.io",
    "zfs.csi.openebs.io",
    "device.csi.openebs.io",
];

/// Node affinity keys LocalPV provisioners pin their volumes with.
const NODE_KEYS: [&str; 3] = [
    "kubernetes.io/hostname",
    "openebs.io/nodename",
    "openebs.io/nodeid",
];

/// How long the node holding the data is expected to live.
enum Lifetime {
    /// Replaced at any time, with the reason.
    Ephemeral(String),
    /// An autoscaler may remove it, with the reason.
    Removable(String),
    Stable,
}

fn lifetime(node: &Object, cluster_autoscaler: bool) -> Lifetime {
    let spot = node.label("karpenter.sh/capacity-type") == Some("spot")
        || node.label("eks.amazonaws.com/capacityType") == Some("SPOT")
        || node.label("node.kubernetes.io/lifecycle") == Some("spot");
    if spot {
        return Lifetime::Ephemeral("a Spot instance".into());
    }
    let karpenter = node.label("karpenter.sh/nodepool").is_some()
        || node.label("karpenter.sh/provisioner-name").is_some();
    let auto_mode = node.label("eks.amazonaws.com/compute-type") == Some("auto");
    if karpenter || auto_mode {
        let manager = if auto_mode {
            "EKS Auto Mode"
        } else {
            "Karpenter"
        };
        return if node.annotation("karpenter.sh/do-not-disrupt") == Some("true") {
            Lifetime::Removable(format!("managed by {manager}, which still expires it"))
        } else {
            Lifetime::Ephemeral(format!(
                "managed by {manager}, which consolidates, drifts and expires it"
            ))
        };
    }
    let node_group = node.label("eks.amazonaws.com/nodegroup").is_some()
        || node.label("alpha.eksctl.io/nodegroup-name").is_some();
    let shielded =
        node.annotation("cluster-autoscaler.kubernetes.io/scale-down-disabled") == Some("true");
    if cluster_autoscaler && node_group && !shielded {
        return Lifetime::Removable("in a node group the Cluster Autoscaler scales in".into());
    }
    Lifetime::Stable
}

/// How many copies of the data the application keeps.
enum Copies {
    /// A StatefulSet's per-replica claims: the application replicates.
    Replicated,
    Single(String),
    Unknown,
}

/// Who uses which claims: StatefulSet claim templates (by `<template>-<statefulset>`), and
/// claims mounted by name.
struct Consumers<'a> {
    templates: HashMap<(&'a str, String), (i64, &'a Object)>,
    mounted: HashSet<(&'a str, &'a str)>,
}

impl<'a> Consumers<'a> {
    fn collect(cx: &Context<'a>) -> Consumers<'a> {
        let mut templates = HashMap::new();
        let mut mounted = HashSet::new();
        for w in cx.inv.workloads() {
            let object = cx.inv.object(w.object);
            let ns = object.namespace_key();
            if w.kind == WorkloadKind::StatefulSet {
                let replicas = w.replicas(object).unwrap_or(1);
                for template in object
                    .root()
                    .at(&["spec", "volumeClaimTemplates"])
                    .map(Node::items)
                    .unwrap_or_default()
                {
                    if let Some(name) = template.at(&["metadata", "name"]).and_then(Node::as_str) {
                        templates.insert(
                            (ns, format!("{name}-{}", object.name())),
                            (replicas, object),
                        );
                    }
                }
            }
            for claim in w.claim_names(object) {
                mounted.insert((ns, claim));
            }
        }
        Consumers { templates, mounted }
    }

    fn copies(&self, pvc: &Object) -> Copies {
        let ns = pvc.namespace_key();
        // `<template>-<statefulset>-<ordinal>`.
        let prefix = pvc
            .name()
            .rsplit_once('-')
            .filter(|(_, ordinal)| {
                !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit())
            })
            .map(|(prefix, _)| prefix);
        if let Some(&(replicas, sts)) =
            prefix.and_then(|p| self.templates.get(&(ns, p.to_string())))
        {
            return if replicas >= 2 {
                Copies::Replicated
            } else {
                Copies::Single(format!("StatefulSet `{}` runs one replica", sts.name()))
            };
        }
        if self.mounted.contains(&(ns, pvc.name())) {
            return Copies::Single(
                "it is mounted by name, so all its pods share this one copy".into(),
            );
        }
        Copies::Unknown
    }
}

/// The node a LocalPV PersistentVolume is pinned to.
fn pinned_node(pv: &Object) -> Option<&str> {
    pv.root()
        .at(&["spec", "nodeAffinity", "required", "nodeSelectorTerms"])?
        .items()
        .iter()
        .flat_map(|term| {
            term.get("matchExpressions")
                .map(Node::items)
                .unwrap_or_default()
        })
        .filter(|e| {
            e.get("key")
                .and_then(Node::as_str)
                .is_some_and(|k| NODE_KEYS.contains(&k))
                && e.get("operator").and_then(Node::as_str) == Some("In")
        })
        .find_map(|e| e.get("values")?.items().first()?.as_str())
}

fn pv_provisioner(pv: &Object) -> Option<&str> {
    pv.annotation("pv.kubernetes.io/provisioned-by")
        .or_else(|| {
            pv.root()
                .at(&["spec", "csi", "driver"])
                .and_then(Node::as_str)
        })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let local_classes: HashSet<&str> = cx
        .inv
        .of_kind("StorageClass")
        .filter(|sc| sc.api_group() == "storage.k8s.io")
        .filter(|sc| {
            sc.root()
                .get("provisioner")
                .and_then(Node::as_str)
                .is_some_and(|p| LOCAL_PROVISIONERS.contains(&p))
        })
        .map(|sc| sc.name())
        .collect();
    let nodes_by_hostname: HashMap<&str, &Object> = cx
        .inv
        .of_kind("Node")
        .filter(|n| n.api_group().is_empty())
        .filter_map(|n| Some((n.label("kubernetes.io/hostname")?, n)))
        .collect();
    let cluster_autoscaler = cx.detections.is_present("cluster-autoscaler");
    let mut consumers: Option<Consumers<'_>> = None;
    for pvc in cx
        .inv
        .of_kind("PersistentVolumeClaim")
        .filter(|o| o.api_group().is_empty())
    {
        let Some(pv) = pvc
            .root()
            .at(&["spec", "volumeName"])
            .and_then(Node::as_str)
            .and_then(|name| cx.inv.find("PersistentVolume", None, name))
        else {
            continue;
        };
        let class = pvc
            .root()
            .at(&["spec", "storageClassName"])
            .and_then(Node::as_str);
        let local = class.is_some_and(|c| local_classes.contains(c))
            || pv_provisioner(pv).is_some_and(|p| LOCAL_PROVISIONERS.contains(&p));
        if !local {
            continue;
        }
        let name = pvc.display_name();
        let Some(node_name) = pinned_node(pv) else {
            continue;
        };
        let Some(node) = cx
            .inv
            .find("Node", None, node_name)
            .or_else(|| nodes_by_hostname.get(node_name).copied())
        else {
            out.unknown(
                Subject::object(pvc),
                format!(
                    "{name} keeps its data on node `{node_name}`, which is not in the evidence: \
                     its lifetime cannot be judged"
                ),
            );
            continue;
        };
        let copies = consumers
            .get_or_insert_with(|| Consumers::collect(cx))
            .copies(pvc);
        let on = format!("a LocalPV volume of node `{node_name}`");
        match (lifetime(node, cluster_autoscaler), copies) {
            (Lifetime::Ephemeral(why), Copies::Single(single)) => out.fail(
                Subject::object(pvc),
                format!(
                    "{name} is the only copy of its data ({single}), on {on}, {why}: \
                     replacing the node loses the data; expected replicated data on stable nodes \
                     or EBS"
                ),
            ),
            (Lifetime::Ephemeral(why), _) | (Lifetime::Removable(why), _) => out.warn(
                Subject::object(pvc),
                format!(
                    "{name} keeps its data on {on}, {why}: each replacement loses this \
                     copy and forces a rebuild; expected nodes excluded from consolidation and \
                     scale-down"
                ),
            ),
            (Lifetime::Stable, Copies::Replicated) => out.pass(pvc),
            (Lifetime::Stable, Copies::Single(single)) => out.warn(
                Subject::object(pvc),
                format!(
                    "{name} is the only copy of its data ({single}), on {on}: one node \
                     failure loses it; expected data the application replicates, or EBS"
                ),
            ),
            (Lifetime::Stable, Copies::Unknown) => out.unknown(
                Subject::object(pvc),
                format!(
                    "{name} keeps its data on {on}, but no workload in the evidence uses \
                     it: whether the data is replicated cannot be judged"
                ),
            ),
        }
    }
}
