use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// Every Node: the container runtime its kubelet reports
    /// (`status.nodeInfo.containerRuntimeVersion`).
    /// - `docker://…` fails: dockershim was removed in Kubernetes 1.24, so such a node runs a
    ///   kubelet older than 1.24 or the unsupported cri-dockerd shim;
    /// - `containerd://…` passes, and so does any other CRI runtime (e.g. `cri-o://`), which
    ///   is not dockershim.
    ///
    /// A Node without `nodeInfo` (a hand-written manifest) is `unknown`.
    ///
    /// ## Why it matters
    /// EKS AMIs for Kubernetes 1.24 and later ship only containerd. A node still on Docker is
    /// on an unsupported Kubernetes version or a hand-built runtime shim: it gets no security
    /// fixes, and tooling that mounts `/var/run/docker.sock` (log agents, CI builds) breaks on
    /// the first upgrade.
    ///
    /// ## How to fix
    /// Replace the nodes with a current EKS-optimized AMI (AL2023 or Bottlerocket use
    /// containerd):
    /// ```sh
    /// aws eks update-nodegroup-version --cluster-name prod --nodegroup-name general
    /// ```
    /// Move build jobs that need a Docker daemon to BuildKit, Kaniko or a remote builder, and
    /// point agents at `/run/containerd/containerd.sock`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/dockershim-deprecation.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-optimized-amis.html>
    /// - <https://kubernetes.io/blog/2022/02/17/dockershim-faq/>
    "containerd-runtime",
    run,
    needs = ["nodes"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let field = "status.nodeInfo.containerRuntimeVersion";
    for node in worker_nodes::nodes(cx.inv) {
        let Some(runtime) = worker_nodes::node_info(node, "containerRuntimeVersion") else {
            out.unknown(
                Subject::object(node).at(field, None),
                format!(
                    "Node `{}` records no container runtime: its status was not collected",
                    node.name()
                ),
            );
            continue;
        };
        if runtime.to_ascii_lowercase().starts_with("docker://") {
            out.fail(
                Subject::object(node).at(
                    field,
                    worker_nodes::node_info_node(node, "containerRuntimeVersion"),
                ),
                format!(
                    "Node `{}` runs the Docker runtime (`{runtime}`), removed from Kubernetes in \
                     1.24: expected containerd",
                    node.name()
                ),
            );
        } else {
            out.pass(node);
        }
    }
}
