use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// Whether something adds and removes EC2 nodes as pods need them: Karpenter, EKS Auto
    /// Mode or Cluster Autoscaler, as the detectors of the same names find them (controllers,
    /// images, CRDs, node labels such as `karpenter.sh/nodepool` or
    /// `eks.amazonaws.com/compute-type=auto`).
    /// - found: pass — on the Cluster object for a whole cluster, else on the object that
    ///   revealed it;
    /// - none found on a whole cluster (live or snapshot) that has EC2 nodes: fail on the
    ///   Cluster object — the node groups are fixed-size as far as pods are concerned. The
    ///   catalog softens this to a warning when the Auto Scaling groups at least scale on
    ///   CPU metrics; that needs the AWS API (`autoscaling:DescribePolicies`), so from the
    ///   cluster alone the check fails, and its message says so. Suppress it if ASG policies
    ///   are the chosen design.
    ///
    /// Clusters without EC2 nodes (Fargate only) are not evaluated: Fargate scales per pod.
    /// Manifests alone cannot show that no autoscaler exists: without a whole cluster, only a
    /// found autoscaler is reported.
    ///
    /// ## Why it matters
    /// Without a pod-aware autoscaler, pods that do not fit stay Pending until someone resizes
    /// a node group, and capacity bought for the peak stays paid for at night. ASG scaling
    /// policies on CPU do not see Pending pods (requests, not usage, decide scheduling).
    ///
    /// ## How to fix
    /// Install Karpenter (or enable EKS Auto Mode):
    /// ```sh
    /// helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter -n kube-system \
    ///   --set settings.clusterName=prod --set settings.interruptionQueue=prod \
    ///   --set replicas=2
    /// ```
    /// or run Cluster Autoscaler, at the cluster's minor version, with
    /// `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/prod`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/automode.html>
    "node-autoscaler-present",
    run,
    needs = ["nodes", "apps/deployments"]
}

const AUTOSCALERS: [&str; 3] = ["karpenter", "eks-auto-mode", "cluster-autoscaler"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let found = cx.detections.first_of(&AUTOSCALERS);
    match (found, cx.whole_cluster()) {
        (Some(_), Some(cluster)) => out.pass(cluster),
        (Some(detection), None) => {
            if let Some(id) = detection.objects().next() {
                out.pass(cx.inv.object(id));
            }
        }
        (None, Some(cluster)) => {
            let ec2 = worker_nodes::ec2_nodes(cx.inv).count();
            if ec2 == 0 {
                return;
            }
            out.fail(
                Subject::object(cluster),
                format!(
                    "no Karpenter, EKS Auto Mode or Cluster Autoscaler found for the cluster's \
                     {ec2} EC2 node{}: nothing adds nodes for pending pods — node groups stay at \
                     a fixed size, or at best scale on ASG metrics (looked for the detectors {})",
                    if ec2 == 1 { "" } else { "s" },
                    AUTOSCALERS.join(", ")
                ),
            );
        }
        (None, None) => {}
    }
}
