use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes::{self, Compute, EKSCTL_NODEGROUP_LABEL, MANAGED_NODEGROUP_LABEL};

declare_check! {
    /// ## What it checks
    /// Every EC2 Node of a cluster snapshot or live cluster (one whose status was collected):
    /// a node is *self-managed* when nothing that automates its replacement labels it — no
    /// `eks.amazonaws.com/nodegroup` (managed node group), no `karpenter.sh/nodepool` (or the
    /// pre-v1 `karpenter.sh/provisioner-name`), no `eks.amazonaws.com/compute-type`
    /// (Fargate, Auto Mode, hybrid nodes).
    /// - managed nodes pass;
    /// - a self-managed node warns;
    /// - a self-managed node older than 90 days (its `creationTimestamp` against the time
    ///   the evidence was collected) fails: it has missed at least three months of AMI
    ///   releases.
    ///
    /// Nodes of eksctl self-managed node groups (`alpha.eksctl.io/nodegroup-name`) are left
    /// to `eksctl-self-managed-nodes`: eksctl gives them a replacement procedure. Hand-written
    /// Node manifests (no `status.nodeInfo`) are not evaluated: their missing labels say
    /// nothing about how the node is run.
    ///
    /// ## Why it matters
    /// Nobody patches a node that no automation owns: its AMI, kernel and kubelet age until
    /// someone remembers, and when the control plane is upgraded it falls outside the version
    /// skew policy. Instances launched by hand or by a self-maintained ASG also skip the
    /// graceful drain that managed node groups and Karpenter perform.
    ///
    /// ## How to fix
    /// Run the capacity from a managed node group, Karpenter or EKS Auto Mode, then drain
    /// and terminate the manual instances:
    /// ```sh
    /// aws eks create-nodegroup --cluster-name prod --nodegroup-name general \
    ///   --subnets subnet-a subnet-b subnet-c --node-role arn:aws:iam::111122223333:role/eks-node \
    ///   --ami-type AL2023_x86_64_STANDARD --instance-types m6i.xlarge \
    ///   --scaling-config minSize=3,maxSize=12,desiredSize=3
    /// kubectl drain ip-10-0-3-30.eu-west-1.compute.internal --ignore-daemonsets --delete-emptydir-data
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/update-workers.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html#_treat_your_infrastructure_as_immutable_and_automate_the_replacement_of_your_worker_nodes>
    "manual-nodes",
    run,
    needs = ["nodes"]
}

const MAX_AGE_DAYS: i64 = 90;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let now = running_pods::collected_at(cx.inv).unwrap_or_else(system_now);
    for node in worker_nodes::nodes(cx.inv) {
        if worker_nodes::compute(node) != Compute::Ec2 {
            out.pass(node);
            continue;
        }
        if node.root().at(&["status", "nodeInfo"]).is_none() {
            continue;
        }
        let managed =
            node.label(MANAGED_NODEGROUP_LABEL).is_some() || worker_nodes::is_karpenter_node(node);
        if managed {
            out.pass(node);
            continue;
        }
        if node.label(EKSCTL_NODEGROUP_LABEL).is_some() {
            continue;
        }
        let created = node.root().at(&["metadata", "creationTimestamp"]);
        let age_days = created
            .and_then(Node::as_str)
            .and_then(running_pods::epoch_seconds)
            .map(|t| (now - t) / 86_400);
        let subject =
            Subject::object(node).at("metadata.labels", node.root().at(&["metadata", "labels"]));
        match age_days {
            Some(days) if days > MAX_AGE_DAYS => out.fail(
                Subject::object(node).at("metadata.creationTimestamp", created),
                format!(
                    "Node `{}` is self-managed (no managed node group, Karpenter or EKS compute \
                     label) and {days} days old: expected automated replacement at least every \
                     {MAX_AGE_DAYS} days",
                    node.name()
                ),
            ),
            _ => out.warn(
                subject,
                format!(
                    "Node `{}` is self-managed (no managed node group, Karpenter or EKS compute \
                     label): expected a managed node group, Karpenter or Auto Mode to patch and \
                     replace it",
                    node.name()
                ),
            ),
        }
    }
}

/// The clock, for inputs that do not say when they were collected.
fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
