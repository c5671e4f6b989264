use std::collections::BTreeMap;

use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot), every EC2 node (not Fargate, not hybrid) with
    /// recorded `status.allocatable`: the CPU and memory requested by the DaemonSet pods
    /// scheduled to it (pods whose owner is a DaemonSet — the VPC CNI, kube-proxy, CSI node
    /// plugins, log and monitoring agents) as a share of the node's allocatable CPU and
    /// memory. Nodes are judged per instance type:
    /// - DaemonSets request at most 20% of both CPU and memory on every node of the type:
    ///   pass;
    /// - more than 20% of either on some node of the type: warn once per instance type, on
    ///   its worst node, with the node count and its max pods.
    ///
    /// Nodes without allocatable resources recorded are `unknown`; manifests alone carry no
    /// placement and are not evaluated.
    ///
    /// ## Why it matters
    /// Every node pays for the same set of DaemonSets. On very small instances (t3.medium,
    /// m5.large) that fixed overhead, plus the low max-pods limit of the ENI-based VPC CNI,
    /// leaves little room for application pods: the cluster needs more nodes, more IPs and
    /// more per-node agents (and licences) for the same work, and scheduling fragments.
    ///
    /// ## How to fix
    /// Use fewer, larger instances for general pools, and let Karpenter pick sizes:
    /// ```yaml
    /// # Karpenter NodePool requirement
    /// - key: karpenter.k8s.aws/instance-size
    ///   operator: NotIn
    ///   values: [nano, micro, small, medium, large]
    /// ```
    /// Review DaemonSet requests too: agents often request far more than they use.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/prefix-mode-linux.html>
    "tiny-instances",
    run,
    needs = ["nodes", "pods"]
}

/// Largest share of allocatable CPU or memory that DaemonSets may request.
const MAX_OVERHEAD: f64 = 0.2;

/// One node's DaemonSet overhead.
struct Overhead<'a> {
    node: &'a Object,
    cpu: f64,
    memory: f64,
    daemon_pods: usize,
}

impl Overhead<'_> {
    fn worst(&self) -> f64 {
        self.cpu.max(self.memory)
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.whole_cluster().is_none() {
        return;
    }
    let pods_by_node = worker_nodes::pods_by_node(cx.inv);
    let mut by_type: BTreeMap<&str, Vec<Overhead<'_>>> = BTreeMap::new();
    for node in worker_nodes::ec2_nodes(cx.inv) {
        let (Some(cpu), Some(memory)) = (
            worker_nodes::node_resource(node, "allocatable", "cpu"),
            worker_nodes::node_resource(node, "allocatable", "memory"),
        ) else {
            out.unknown(
                Subject::object(node).at("status.allocatable", None),
                format!(
                    "Node `{}` records no allocatable CPU and memory: DaemonSet overhead cannot \
                     be judged",
                    node.name()
                ),
            );
            continue;
        };
        if cpu <= 0.0 || memory <= 0.0 {
            continue;
        }
        let daemon_pods: Vec<&Object> = pods_by_node
            .get(node.name())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|p| worker_nodes::is_daemonset_pod(p))
            .collect();
        let (ds_cpu, ds_memory) = daemon_pods
            .iter()
            .map(|p| worker_nodes::pod_requests(p))
            .fold((0.0, 0.0), |(c, m), (pc, pm)| (c + pc, m + pm));
        by_type
            .entry(worker_nodes::instance_type(node).unwrap_or("unknown type"))
            .or_default()
            .push(Overhead {
                node,
                cpu: ds_cpu / cpu,
                memory: ds_memory / memory,
                daemon_pods: daemon_pods.len(),
            });
    }
    for (instance_type, nodes) in by_type {
        // `max_by` keeps the last of equal maxima: search from the end to report the first.
        let worst = nodes
            .iter()
            .rev()
            .max_by(|a, b| a.worst().total_cmp(&b.worst()))
            .expect("a type has a node");
        if worst.worst() <= MAX_OVERHEAD {
            for overhead in &nodes {
                out.pass(overhead.node);
            }
            continue;
        }
        let max_pods = worker_nodes::node_resource(worst.node, "capacity", "pods")
            .map(|p| format!(", max {p} pods"))
            .unwrap_or_default();
        out.warn(
            Subject::object(worst.node).at(
                "status.allocatable",
                worst.node.root().at(&["status", "allocatable"]),
            ),
            format!(
                "{instance_type} nodes ({} node{}, e.g. `{}`{max_pods}) give {:.0}% of their \
                 CPU and {:.0}% of their memory to {} DaemonSet pods: expected DaemonSet \
                 overhead under {:.0}% of allocatable (larger instances)",
                nodes.len(),
                if nodes.len() == 1 { "" } else { "s" },
                worst.node.name(),
                100.0 * worst.cpu,
                100.0 * worst.memory,
                worst.daemon_pods,
                100.0 * MAX_OVERHEAD
            ),
        );
    }
}
