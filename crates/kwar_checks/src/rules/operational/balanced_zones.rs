use std::collections::BTreeMap;

use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot), the number of EC2 nodes (every Node but Fargate
    /// and EKS hybrid nodes) in each zone that has nodes (`topology.kubernetes.io/zone`):
    /// - the counts differ by at most a third of the largest zone's count — or by a single
    ///   node, which rounding makes unavoidable (4 nodes over 3 zones) — pass;
    /// - otherwise warn on the Cluster object, naming the counts per zone.
    ///
    /// A cluster whose nodes sit in a single zone is not evaluated here (`nodes-multi-az`
    /// fails it); neither is a cluster without EC2 nodes, nor manifests alone. Zones without
    /// any node are invisible to the cluster: node group subnets are AWS evidence.
    ///
    /// ## Why it matters
    /// Workloads spread evenly over zones (topology spread constraints, zonal replicas of
    /// databases) only fit when capacity is spread too. An unbalanced cluster leaves pods
    /// Pending in the small zone while nodes idle in the large one, and losing the large zone
    /// takes most of the capacity with it. Cluster Autoscaler does not balance zones unless
    /// each zone has its own node group and `--balance-similar-node-groups` is set.
    ///
    /// ## How to fix
    /// With Cluster Autoscaler, run one node group per zone and balance them:
    /// ```yaml
    /// # cluster-autoscaler container args
    /// - --balance-similar-node-groups=true
    /// - --node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/prod
    /// ```
    /// With Karpenter, add topology spread constraints on `topology.kubernetes.io/zone` to
    /// the workloads so that provisioning follows them into every zone.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html#_ebs_volumes>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_ensure_ability_to_launch_nodes_in_each_az_when_using_ebs_volumes>
    "balanced-zones",
    run,
    needs = ["nodes"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let mut zones: BTreeMap<&str, usize> = BTreeMap::new();
    for node in worker_nodes::ec2_nodes(cx.inv) {
        if let Some(zone) = worker_nodes::zone(node) {
            *zones.entry(zone).or_default() += 1;
        }
    }
    if zones.len() < 2 {
        return;
    }
    let max = zones.values().copied().max().unwrap_or(0);
    let min = zones.values().copied().min().unwrap_or(0);
    let spread = max - min;
    if spread <= 1 || spread * 3 <= max {
        out.pass(cluster);
        return;
    }
    let counts: Vec<String> = zones
        .iter()
        .map(|(zone, n)| format!("{zone}: {n}"))
        .collect();
    out.warn(
        Subject::object(cluster),
        format!(
            "EC2 nodes are unbalanced across zones ({}): expected counts within a third of \
             each other",
            counts.join(", ")
        ),
    );
}
