use crate::kubernetes_version::{self, Minor};
use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// Every Node of a cluster snapshot or live cluster: the minor version of its kubelet
    /// (`status.nodeInfo.kubeletVersion`) against the control plane's (the server version the
    /// collector recorded, e.g. `v1.31.4-eks-2d5f260`):
    /// - same minor: pass;
    /// - 1 to 3 minors behind: warn (allowed by the version skew policy since Kubernetes 1.28,
    ///   but the node misses fixes and blocks the next control-plane upgrade once it is 3
    ///   behind);
    /// - more than 3 minors behind, or newer than the control plane: fail (outside the skew
    ///   policy; a kubelet may never be newer than the API server).
    ///
    /// Fargate nodes are judged too: their kubelet is the version current when the pod
    /// started, and only restarting the pod updates it. A Node without `nodeInfo` (a
    /// hand-written manifest) is `unknown`; without a recorded control-plane version the
    /// check says `unknown` once, on the Cluster object, and nothing on manifests alone.
    ///
    /// ## Why it matters
    /// EKS upgrades the control plane one minor at a time and refuses to go further when nodes
    /// would fall outside the skew policy. Nodes that lag behind run kubelets without
    /// security fixes, lose support for new API fields, and turn the next upgrade into a
    /// rushed multi-version node migration.
    ///
    /// ## How to fix
    /// Upgrade node groups right after the control plane:
    /// ```sh
    /// aws eks update-nodegroup-version --cluster-name prod --nodegroup-name general
    /// eksctl upgrade nodegroup --cluster prod --name general --kubernetes-version 1.31
    /// ```
    /// With Karpenter, drift replaces nodes whose AMI no longer matches the EC2NodeClass
    /// (pin the AMI alias to the new version); restart Fargate pods to move them to the
    /// current kubelet.
    ///
    /// ## References
    /// - <https://kubernetes.io/releases/version-skew-policy/#kubelet>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html>
    "kubelet-skew",
    run,
    needs = ["nodes"]
}

/// Minors a kubelet may lag behind the API server (Kubernetes 1.28 and later).
const MAX_SKEW: i64 = 3;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut nodes = worker_nodes::nodes(cx.inv).peekable();
    if nodes.peek().is_none() {
        return;
    }
    let Some(control_plane) = kubernetes_version::control_plane(cx.inv) else {
        if let Some(cluster) = cx.cluster_object() {
            out.unknown(
                Subject::object(cluster),
                "the control plane's version was not recorded (`spec.server.gitVersion`): \
                 kubelet versions cannot be compared with it",
            );
        }
        return;
    };
    for node in nodes {
        let field = "status.nodeInfo.kubeletVersion";
        let at = worker_nodes::node_info_node(node, "kubeletVersion");
        let Some(version) = worker_nodes::node_info(node, "kubeletVersion") else {
            out.unknown(
                Subject::object(node).at(field, None),
                format!(
                    "Node `{}` records no kubelet version: its status was not collected",
                    node.name()
                ),
            );
            continue;
        };
        let Some(behind) = Minor::parse(version).and_then(|v| v.behind(control_plane)) else {
            out.unknown(
                Subject::object(node).at(field, at),
                format!(
                    "Node `{}` reports kubelet version `{version}`, which cannot be compared \
                     with the control plane's {control_plane}",
                    node.name()
                ),
            );
            continue;
        };
        let subject = Subject::object(node).at(field, at);
        match behind {
            0 => out.pass(node),
            b if b < 0 => out.fail(
                subject,
                format!(
                    "Node `{}` runs kubelet {version}, newer than the control plane \
                     ({control_plane}): a kubelet must never be newer than the API server",
                    node.name()
                ),
            ),
            b if b <= MAX_SKEW => out.warn(
                subject,
                format!(
                    "Node `{}` runs kubelet {version}, {b} minor version{} behind the control \
                     plane ({control_plane}); expected the same minor",
                    node.name(),
                    if b == 1 { "" } else { "s" }
                ),
            ),
            b => out.fail(
                subject,
                format!(
                    "Node `{}` runs kubelet {version}, {b} minor versions behind the control \
                     plane ({control_plane}): outside the version skew policy (at most \
                     {MAX_SKEW})",
                    node.name()
                ),
            ),
        }
    }
}
