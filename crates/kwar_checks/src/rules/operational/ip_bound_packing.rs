use crate::prelude::*;
use crate::vpc_cni;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot), every EC2 node (not Fargate, not hybrid):
    /// - its pod limit: `status.capacity.pods` (the kubelet's max pods), lowered — when the
    ///   Amazon VPC CNI (`kube-system/aws-node`) runs without prefix delegation
    ///   (`ENABLE_PREFIX_DELEGATION` not `true`) on a node the customer provisions — to the
    ///   number of IP addresses the instance type's ENIs can hold (EKS `eni-max-pods`:
    ///   ENIs × (IPv4 addresses per ENI − 1) + 2). The check carries that figure for common
    ///   families (t3, t3a, t4g, m5, c5, r5, m6i, c6i, r6i, m6g, c6g, r6g, m7i, c7i, r7i,
    ///   m7g, c7g, r7g); for other types it relies on `capacity.pods` alone;
    /// - the pods holding a place on it (scheduled, not Succeeded or Failed);
    /// - the CPU and memory those pods request against `status.allocatable`.
    ///
    /// A node is *IP-bound* when it holds at least 90% of its pod limit while less than half
    /// of both its CPU and its memory is requested. More than 25% of the evaluated nodes
    /// IP-bound: warn on the Cluster object, naming them; otherwise pass. Nodes whose limit
    /// or allocatable resources were not recorded are left out; if that leaves none, the
    /// check is `unknown`. Manifests alone carry no placement: not evaluated.
    ///
    /// ## Why it matters
    /// Without prefix delegation, the VPC CNI gives every pod a secondary IP of the node's
    /// ENIs, so small instances fill up with pods long before their CPU and memory do
    /// (an m5.large holds 29 pods). The autoscaler then adds nodes to find IPs, and the
    /// cluster pays for idle CPU and memory — and for the DaemonSets on every extra node.
    ///
    /// ## How to fix
    /// Enable prefix delegation (Nitro instances; nodes pick it up when replaced), and raise
    /// max pods accordingly:
    /// ```sh
    /// kubectl set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true WARM_PREFIX_TARGET=1
    /// # or the EKS add-on: --configuration-values '{"env":{"ENABLE_PREFIX_DELEGATION":"true"}}'
    /// ```
    /// On managed node groups with a custom launch template, set `maxPods` (110 for
    /// instances under 30 vCPUs, 250 above) in the AL2023 `NodeConfig`; or move to fewer,
    /// larger instances.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/choosing-instance-type.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/prefix-mode-linux.html>
    /// - <https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/eni-max-pods.txt>
    "ip-bound-packing",
    run,
    needs = ["nodes", "pods", "apps/daemonsets"]
}

/// Share of the pod limit from which a node counts as full.
const FULL: f64 = 0.9;
/// Below this share of CPU and memory requested, a full node is bound by IPs, not by work.
const UNDERUSED: f64 = 0.5;
/// Share of IP-bound nodes from which the cluster is warned about.
const MANY: f64 = 0.25;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let ip_limited =
        vpc_cni::aws_node(cx.inv).is_some_and(|cni| !cni.is_true("ENABLE_PREFIX_DELEGATION"));
    let pods_by_node = worker_nodes::pods_by_node(cx.inv);
    let mut evaluated = 0usize;
    let mut skipped = 0usize;
    let mut bound: Vec<String> = Vec::new();
    for node in worker_nodes::ec2_nodes(cx.inv) {
        let eni_limit = (ip_limited && worker_nodes::compute(node) == Compute::Ec2)
            .then(|| worker_nodes::instance_type(node).and_then(eni_max_pods))
            .flatten();
        let max_pods = worker_nodes::node_resource(node, "capacity", "pods");
        let limit = match (max_pods, eni_limit) {
            (Some(m), Some(e)) => m.min(e),
            (Some(m), None) => m,
            (None, Some(e)) => e,
            (None, None) => {
                skipped += 1;
                continue;
            }
        };
        let (Some(cpu), Some(memory)) = (
            worker_nodes::node_resource(node, "allocatable", "cpu"),
            worker_nodes::node_resource(node, "allocatable", "memory"),
        ) else {
            skipped += 1;
            continue;
        };
        evaluated += 1;
        let pods = pods_by_node
            .get(node.name())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let (requested_cpu, requested_memory) = pods
            .iter()
            .map(|p| worker_nodes::pod_requests(p))
            .fold((0.0, 0.0), |(c, m), (pc, pm)| (c + pc, m + pm));
        let full = pods.len() as f64 >= FULL * limit;
        let underused = requested_cpu < UNDERUSED * cpu && requested_memory < UNDERUSED * memory;
        if limit > 0.0 && full && underused {
            bound.push(format!(
                "{} ({}/{} pods, {:.0}% CPU, {:.0}% memory requested)",
                node.name(),
                pods.len(),
                limit,
                100.0 * requested_cpu / cpu,
                100.0 * requested_memory / memory
            ));
        }
    }
    if evaluated == 0 {
        if skipped > 0 {
            out.unknown(
                Subject::object(cluster),
                format!(
                    "none of the {skipped} EC2 nodes records its pod capacity and allocatable \
                     CPU and memory: packing cannot be judged"
                ),
            );
        }
        return;
    }
    if bound.len() as f64 > MANY * evaluated as f64 {
        out.warn(
            Subject::object(cluster),
            format!(
                "{} of {evaluated} EC2 nodes are full of pods while less than half their CPU \
                 and memory is requested: {}; the nodes are bound by pod IPs, expected prefix \
                 delegation or larger instances",
                bound.len(),
                worker_nodes::name_list(bound.iter().map(String::as_str), 5)
            ),
        );
    } else {
        out.pass(cluster);
    }
}

/// ENIs and IPv4 addresses per ENI of the standard sizes of Nitro families, which share
/// one layout per size.
const NITRO_SIZES: [(&str, u32, u32); 13] = [
    ("medium", 2, 4),
    ("large", 3, 10),
    ("xlarge", 4, 15),
    ("2xlarge", 4, 15),
    ("4xlarge", 8, 30),
    ("8xlarge", 8, 30),
    ("9xlarge", 8, 30),
    ("12xlarge", 8, 30),
    ("16xlarge", 15, 50),
    ("18xlarge", 15, 50),
    ("24xlarge", 15, 50),
    ("32xlarge", 15, 50),
    ("48xlarge", 15, 50),
];

/// Families laid out as [`NITRO_SIZES`] (only Graviton families have `medium`).
const NITRO_FAMILIES: [&str; 15] = [
    "m5", "c5", "r5", "m6i", "c6i", "r6i", "m7i", "c7i", "r7i", "m6g", "c6g", "r6g", "m7g", "c7g",
    "r7g",
];

/// Burstable families: (family, size, ENIs, IPv4 per ENI).
const BURSTABLE: [(&str, &str, u32, u32); 21] = [
    ("t3", "nano", 2, 2),
    ("t3", "micro", 2, 2),
    ("t3", "small", 3, 4),
    ("t3", "medium", 3, 6),
    ("t3", "large", 3, 12),
    ("t3", "xlarge", 4, 15),
    ("t3", "2xlarge", 4, 15),
    ("t3a", "nano", 2, 2),
    ("t3a", "micro", 2, 2),
    ("t3a", "small", 2, 4),
    ("t3a", "medium", 3, 6),
    ("t3a", "large", 3, 12),
    ("t3a", "xlarge", 4, 15),
    ("t3a", "2xlarge", 4, 15),
    ("t4g", "nano", 2, 2),
    ("t4g", "micro", 2, 2),
    ("t4g", "small", 3, 4),
    ("t4g", "medium", 3, 6),
    ("t4g", "large", 3, 12),
    ("t4g", "xlarge", 4, 15),
    ("t4g", "2xlarge", 4, 15),
];

/// Pods the VPC CNI can give IPs to on an instance type without prefix delegation (EKS
/// `eni-max-pods`), when the type is in the tables above.
fn eni_max_pods(instance_type: &str) -> Option<f64> {
    let (family, size) = instance_type.split_once('.')?;
    let (enis, ips) = BURSTABLE
        .iter()
        .find(|(f, s, _, _)| *f == family && *s == size)
        .map(|(_, _, e, i)| (*e, *i))
        .or_else(|| {
            if !NITRO_FAMILIES.contains(&family) {
                return None;
            }
            let graviton = family.ends_with('g');
            NITRO_SIZES
                .iter()
                .find(|(s, _, _)| *s == size && (graviton || *s != "medium"))
                .map(|(_, e, i)| (*e, *i))
        })?;
    Some(f64::from(enis * (ips - 1) + 2))
}

#[cfg(test)]
mod tests {
    use super::eni_max_pods;

    #[test]
    fn limits_match_eks_eni_max_pods() {
        for (t, pods) in [
            ("m5.large", 29.0),
            ("m6i.xlarge", 58.0),
            ("c6i.4xlarge", 234.0),
            ("r6i.16xlarge", 737.0),
            ("t3.medium", 17.0),
            ("t3a.small", 8.0),
            ("m6g.medium", 8.0),
            ("c5.9xlarge", 234.0),
        ] {
            assert_eq!(eni_max_pods(t), Some(pods), "{t}");
        }
        assert_eq!(eni_max_pods("m6i.medium"), None);
        assert_eq!(eni_max_pods("x2idn.16xlarge"), None);
    }
}
