use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of the workloads outside the system
    /// namespaces: it warns when the image is pulled straight from Docker Hub — an image
    /// without a registry host (`nginx:1.27`, `bitnami/redis:7.2`, which the runtime expands to
    /// `docker.io/...`) or one naming `docker.io`, `index.docker.io` or
    /// `registry-1.docker.io`. Any other registry passes: Amazon ECR (private, `public.ecr.aws`,
    /// or an ECR pull-through cache of Docker Hub), or a managed registry such as JFrog,
    /// `ghcr.io`, `quay.io` or `registry.k8s.io`. Owned Pods and ReplicaSets are judged through
    /// their controller.
    ///
    /// ## Why it matters
    /// Docker Hub limits anonymous and free-tier pulls per IP; behind a NAT gateway every node
    /// shares one quota, so a scale-out or a node replacement can fail with
    /// `ErrImagePull: toomanyrequests`. Each pull also crosses the Internet (NAT data cost,
    /// no VPC endpoint), depends on a third party's availability, and trusts images that can
    /// be re-pushed under the same tag.
    ///
    /// ## How to fix
    /// Mirror upstream images through an ECR pull-through cache rule (or copy them to ECR)
    /// and reference the ECR URI:
    /// ```yaml
    /// containers:
    ///   - name: cache
    ///     # was: redis:7.2.5
    ///     image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/redis:7.2.5
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_consider_using_ecr_private_endpoints>
    /// - <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html>
    /// - <https://kubernetes.io/docs/concepts/containers/images/>
    "no-direct-docker-hub",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            let Some(image) = c.image().filter(|i| !i.trim().is_empty()) else {
                continue;
            };
            let reference = ImageRef::parse(image);
            if reference.is_docker_hub() {
                out.warn(
                    Subject::container(object, &c).field("image", c.get("image")),
                    format!(
                        "container `{}` pulls `{image}` directly from Docker Hub{}",
                        c.name,
                        if reference.explicit_registry {
                            ""
                        } else {
                            " (no registry host means docker.io)"
                        }
                    ),
                );
            } else {
                out.pass(object);
            }
        }
    }
}
