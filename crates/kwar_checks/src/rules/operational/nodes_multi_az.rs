use std::collections::BTreeMap;

use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot), the EC2 nodes — every Node but Fargate and EKS
    /// hybrid nodes, EKS Auto Mode instances included — grouped by their
    /// `topology.kubernetes.io/zone` label (or the deprecated
    /// `failure-domain.beta.kubernetes.io/zone`):
    /// - nodes in two or more zones: pass (three is better: a two-zone cluster loses half its
    ///   capacity with one zone);
    /// - every node in one zone: fail, on the Cluster object.
    ///
    /// A cluster without EC2 nodes is not evaluated; when no node carries a zone label the
    /// check is `unknown`. Manifests alone never show all the nodes, so without a whole
    /// cluster the check is not evaluated.
    ///
    /// ## Why it matters
    /// An Availability Zone is the unit of failure AWS plans for. With every node in one
    /// zone, an AZ outage or a capacity shortage of its instance types stops every workload
    /// at once, whatever the replicas, PodDisruptionBudgets and topology spread constraints
    /// say — they cannot spread pods over zones that have no nodes.
    ///
    /// ## How to fix
    /// Give node groups subnets in at least two (preferably three) zones, or let Karpenter
    /// choose among them:
    /// ```yaml
    /// # eksctl
    /// managedNodeGroups:
    ///   - name: general
    ///     availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
    /// ```
    /// ```yaml
    /// # Karpenter EC2NodeClass: subnets of every zone
    /// subnetSelectorTerms:
    ///   - tags: {karpenter.sh/discovery: prod}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_spread_worker_nodes_and_workloads_across_multiple_azs>
    /// - <https://kubernetes.io/docs/setup/best-practices/multiple-zones/>
    "nodes-multi-az",
    run,
    needs = ["nodes"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let mut zones: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unlabelled = 0;
    for node in worker_nodes::ec2_nodes(cx.inv) {
        match worker_nodes::zone(node) {
            Some(zone) => *zones.entry(zone).or_default() += 1,
            None => unlabelled += 1,
        }
    }
    match zones.len() {
        0 if unlabelled == 0 => {}
        0 => out.unknown(
            Subject::object(cluster),
            format!(
                "none of the {unlabelled} EC2 nodes carries a `topology.kubernetes.io/zone` \
                 label: their zones cannot be told"
            ),
        ),
        1 => {
            let (zone, count) = zones.iter().next().expect("one zone");
            out.fail(
                Subject::object(cluster),
                format!(
                    "all {count} EC2 node{} with a zone run in `{zone}`: an outage of that \
                     zone stops every workload; expected nodes in at least 2 (preferably 3) \
                     zones",
                    if *count == 1 { "" } else { "s" }
                ),
            );
        }
        _ => out.pass(cluster),
    }
}
