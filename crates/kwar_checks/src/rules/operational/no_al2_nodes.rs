use crate::kubernetes_version::Minor;
use crate::prelude::*;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// Every Node except Fargate ones: the operating system its kubelet reports
    /// (`status.nodeInfo.osImage`). `Amazon Linux 2` fails; anything else — `Amazon Linux
    /// 2023…`, `Bottlerocket OS…`, Ubuntu, Windows — passes here (Ubuntu releases are judged
    /// by `ubuntu-supported-release`).
    ///
    /// Fargate nodes are not evaluated: AWS runs and patches the Fargate micro-VM's OS. A
    /// Node without `nodeInfo` (a hand-written manifest) is `unknown`.
    ///
    /// ## Why it matters
    /// EKS stopped publishing Amazon Linux 2 AMIs on 2025-11-26: no more security patches or
    /// kubelet updates through EKS-optimized AMIs, and there are no AL2 AMIs for Kubernetes
    /// 1.33 and later, so AL2 nodes block the cluster's next upgrades. Amazon Linux 2 itself
    /// reaches end of life on 2026-06-30.
    ///
    /// ## How to fix
    /// Move node groups to AL2023 (bootstrapped by `nodeadm` instead of `bootstrap.sh`) or
    /// Bottlerocket:
    /// ```sh
    /// aws eks create-nodegroup --cluster-name prod --nodegroup-name general-al2023 \
    ///   --ami-type AL2023_x86_64_STANDARD ...
    /// ```
    /// With Karpenter, set the EC2NodeClass to `amiSelectorTerms: [{alias: al2023@v20241121}]`.
    /// Custom user data written for AL2's `bootstrap.sh` has to become a `NodeConfig`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-optimized-amis.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/al2023.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-optimized-ami-bottlerocket.html>
    "no-al2-nodes",
    run,
    needs = ["nodes"]
}

/// The first Kubernetes version for which EKS publishes no AL2 AMI.
const NO_AL2_FROM: Minor = Minor {
    major: 1,
    minor: 33,
};

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let field = "status.nodeInfo.osImage";
    for node in worker_nodes::nodes(cx.inv) {
        if worker_nodes::compute(node) == Compute::Fargate {
            continue;
        }
        let Some(os) = worker_nodes::node_info(node, "osImage") else {
            out.unknown(
                Subject::object(node).at(field, None),
                format!(
                    "Node `{}` records no OS image: its status was not collected",
                    node.name()
                ),
            );
            continue;
        };
        if !is_amazon_linux_2(os) {
            out.pass(node);
            continue;
        }
        let blocked = worker_nodes::node_info(node, "kubeletVersion")
            .and_then(Minor::parse)
            .and_then(|v| v.behind(NO_AL2_FROM))
            .is_some_and(|behind| behind <= 1);
        out.fail(
            Subject::object(node).at(field, worker_nodes::node_info_node(node, "osImage")),
            format!(
                "Node `{}` runs Amazon Linux 2, whose EKS AMIs ended on 2025-11-26{}: expected \
                 AL2023 or Bottlerocket",
                node.name(),
                if blocked {
                    " and which cannot follow the cluster to Kubernetes 1.33"
                } else {
                    ""
                }
            ),
        );
    }
}

/// `Amazon Linux 2`, but not `Amazon Linux 2023…`.
fn is_amazon_linux_2(os: &str) -> bool {
    let os = os.trim();
    os == "Amazon Linux 2" || os.starts_with("Amazon Linux 2 ")
}
