//! How far a node agent's DaemonSet reaches in a cluster snapshot: its rollout status
//! (`desiredNumberScheduled`, `numberReady`) against the EC2 nodes of the evidence, and — when
//! it falls short — which nodes its pods cannot be scheduled to and why (a taint it does not
//! tolerate, a nodeSelector or required node affinity the node does not match). Shared by the
//! checks that judge security agents and log shippers, so that they all count coverage alike.
//!
//! Fargate nodes are left out: one Fargate micro-VM runs one pod and never a DaemonSet's, so
//! agents reach Fargate pods only as sidecars (judged by the checks that care).

use kwar_detect::Detection;
use kwar_inventory::{Inventory, Object, WorkloadKind};
use kwar_yaml::Node;

use crate::node_selection::{blocking_taints, tolerates, NodeConstraints};
use crate::running_pods;
use crate::worker_nodes::{self, Compute};
use crate::{Outcomes, Subject};

/// Taints the DaemonSet controller tolerates on every DaemonSet pod by itself, so that node
/// agents keep running on unhealthy or cordoned nodes.
const DAEMONSET_TOLERATED: [&str; 7] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/memory-pressure",
    "node.kubernetes.io/pid-pressure",
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/network-unavailable",
];

/// How many names a message lists before "and N more".
const LISTED: usize = 5;

/// A DaemonSet's reach over the EC2 nodes of a cluster snapshot.
pub(crate) struct Coverage<'a> {
    pub daemonset: &'a Object,
    /// `status.desiredNumberScheduled`: nodes the controller places a pod on.
    pub desired: i64,
    /// `status.numberReady`.
    pub ready: i64,
    /// EC2 nodes (EKS Auto Mode included) in the evidence.
    pub ec2_nodes: usize,
    /// Nodes of any kind in the evidence.
    pub all_nodes: usize,
    /// EC2 nodes the DaemonSet's pods cannot be scheduled to, each with why.
    pub excluded: Vec<(&'a Object, String)>,
}

/// What a coverage amounts to.
pub(crate) enum Reach {
    /// Ready on every EC2 node.
    Full,
    /// Short of every EC2 node; the text says how, for a message.
    Partial(String),
    /// The evidence cannot tell (no status, no nodes); the text says why.
    Unknown(String),
}

impl<'a> Coverage<'a> {
    /// The coverage of `daemonset`; None when its status was not collected (a hand-written
    /// manifest).
    pub fn of(inv: &'a Inventory, daemonset: &'a Object) -> Option<Coverage<'a>> {
        let status = daemonset.root().get("status")?;
        let desired = status
            .get("desiredNumberScheduled")
            .and_then(Node::as_i64)?;
        let ready = status
            .get("numberReady")
            .and_then(Node::as_i64)
            .unwrap_or(0);
        let pod_spec = daemonset.root().at(&["spec", "template", "spec"]);
        let mut ec2_nodes = 0;
        let mut all_nodes = 0;
        let mut excluded = Vec::new();
        for node in worker_nodes::nodes(inv) {
            all_nodes += 1;
            if !matches!(
                worker_nodes::compute(node),
                Compute::Ec2 | Compute::AutoMode
            ) {
                continue;
            }
            ec2_nodes += 1;
            if let Some(reason) = pod_spec.and_then(|spec| exclusion(spec, node)) {
                excluded.push((node, reason));
            }
        }
        Some(Coverage {
            daemonset,
            desired,
            ready,
            ec2_nodes,
            all_nodes,
            excluded,
        })
    }

    /// Judges the coverage: full when no EC2 node is excluded, every scheduled pod is ready and
    /// the controller schedules at least one pod per EC2 node.
    pub fn reach(&self) -> Reach {
        if self.all_nodes == 0 {
            return Reach::Unknown("the evidence holds no Node to compare it with".into());
        }
        if self.ec2_nodes == 0 {
            return Reach::Partial(format!(
                "runs on no node: the cluster's {} node(s) are all Fargate or hybrid nodes, \
                 where this DaemonSet does not reach the pods",
                self.all_nodes
            ));
        }
        let mut gaps = Vec::new();
        if !self.excluded.is_empty() {
            let listed: Vec<String> = self
                .excluded
                .iter()
                .take(LISTED)
                .map(|(node, why)| format!("`{}` ({why})", node.name()))
                .collect();
            let more = self.excluded.len().saturating_sub(LISTED);
            gaps.push(format!(
                "cannot run on {} of {} EC2 nodes: {}{}",
                self.excluded.len(),
                self.ec2_nodes,
                listed.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
        } else if self.desired < self.ec2_nodes as i64 {
            gaps.push(format!(
                "schedules {} pod(s) for {} EC2 nodes",
                self.desired, self.ec2_nodes
            ));
        }
        if self.ready < self.desired {
            gaps.push(format!(
                "only {} of its {} pods are ready",
                self.ready, self.desired
            ));
        }
        if gaps.is_empty() {
            Reach::Full
        } else {
            Reach::Partial(gaps.join("; "))
        }
    }
}

/// The joint reach of DaemonSets that do the same job (two log shippers, a Linux and a
/// Windows agent): full when one reaches every EC2 node, or when together they leave no EC2
/// node out and all their pods are ready.
pub(crate) fn joint_reach(coverages: &[Coverage<'_>]) -> Reach {
    let Some(first) = coverages.first() else {
        return Reach::Unknown("no DaemonSet to judge".into());
    };
    let reaches: Vec<Reach> = coverages.iter().map(Coverage::reach).collect();
    if reaches.iter().any(|r| matches!(r, Reach::Full)) {
        return Reach::Full;
    }
    if let Some(Reach::Unknown(why)) = reaches.iter().find(|r| matches!(r, Reach::Unknown(_))) {
        return Reach::Unknown(why.clone());
    }
    if first.ec2_nodes == 0 {
        return first.reach();
    }
    let uncovered: Vec<&(&Object, String)> = first
        .excluded
        .iter()
        .filter(|(node, _)| {
            coverages
                .iter()
                .all(|c| c.excluded.iter().any(|(n, _)| n.id == node.id))
        })
        .collect();
    let mut gaps = Vec::new();
    if !uncovered.is_empty() {
        let listed: Vec<String> = uncovered
            .iter()
            .take(LISTED)
            .map(|(node, why)| format!("`{}` ({why})", node.name()))
            .collect();
        let more = uncovered.len().saturating_sub(LISTED);
        gaps.push(format!(
            "{} of {} EC2 nodes run none of them: {}{}",
            uncovered.len(),
            first.ec2_nodes,
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    for c in coverages.iter().filter(|c| c.ready < c.desired) {
        gaps.push(format!(
            "DaemonSet `{}/{}` has only {} of its {} pods ready",
            c.daemonset.namespace_key(),
            c.daemonset.name(),
            c.ready,
            c.desired
        ));
    }
    if gaps.is_empty() {
        Reach::Full
    } else {
        Reach::Partial(gaps.join("; "))
    }
}

/// Reports each DaemonSet's reach on the DaemonSet: pass when it is ready on every EC2 node,
/// warn saying what it misses, unknown when its status or the nodes were not collected.
/// `role` names the agent in messages (`the Prisma Cloud defender`). Returns whether every
/// one of them reached every EC2 node.
pub(crate) fn report_each(
    inv: &Inventory,
    out: &mut Outcomes,
    daemonsets: &[&Object],
    role: &str,
) -> bool {
    let mut all_full = true;
    for &ds in daemonsets {
        let name = format!("DaemonSet `{}/{}` ({role})", ds.namespace_key(), ds.name());
        match Coverage::of(inv, ds).map(|c| c.reach()) {
            Some(Reach::Full) => out.pass(ds),
            Some(Reach::Partial(gap)) => {
                all_full = false;
                out.warn(Subject::object(ds), format!("{name} {gap}"));
            }
            Some(Reach::Unknown(why)) => {
                all_full = false;
                out.unknown(
                    Subject::object(ds),
                    format!("cannot judge the coverage of {name}: {why}"),
                );
            }
            None => {
                all_full = false;
                out.unknown(
                    Subject::object(ds).at("status", None),
                    format!("cannot judge the coverage of {name}: its status was not collected"),
                );
            }
        }
    }
    all_full
}

/// Why a DaemonSet pod with `pod_spec` cannot be scheduled to `node`, if it cannot.
pub(crate) fn exclusion(pod_spec: &Node, node: &Object) -> Option<String> {
    if let Some(constraints) = NodeConstraints::of(pod_spec) {
        if !constraints.matches(node) {
            return Some(format!("{} does not match", constraints.describe()));
        }
    }
    let untolerated: Vec<String> = blocking_taints(node)
        .into_iter()
        .filter(|taint| {
            let key = taint.get("key").and_then(Node::as_str).unwrap_or_default();
            !DAEMONSET_TOLERATED.contains(&key) && !tolerates(pod_spec, taint)
        })
        .map(describe_taint)
        .collect();
    (!untolerated.is_empty()).then(|| {
        format!(
            "taint {} not tolerated",
            untolerated
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// `key=value:Effect`, as kubectl prints taints.
fn describe_taint(taint: &Node) -> String {
    let text = |k: &str| taint.get(k).and_then(Node::scalar_text).unwrap_or_default();
    let value = text("value");
    if value.is_empty() {
        format!("{}:{}", text("key"), text("effect"))
    } else {
        format!("{}={value}:{}", text("key"), text("effect"))
    }
}

/// The DaemonSets a detection found: matched DaemonSets, and the DaemonSets controlling
/// matched Pods (an image match in a dump may land on the pods), each once, in input order.
pub(crate) fn detected_daemonsets<'a>(
    inv: &'a Inventory,
    detection: &Detection,
) -> Vec<&'a Object> {
    let mut out: Vec<&Object> = Vec::new();
    for id in detection.objects() {
        let object = running_pods::controller_of(inv, inv.object(id));
        let is_daemonset = inv
            .workload_of(object.id)
            .is_some_and(|w| w.kind == WorkloadKind::DaemonSet);
        if is_daemonset && !out.iter().any(|o| o.id == object.id) {
            out.push(object);
        }
    }
    out.sort_by_key(|o| o.id);
    out
}
