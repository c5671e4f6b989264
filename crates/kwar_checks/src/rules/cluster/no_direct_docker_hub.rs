use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers outside system_namespaces.
///
/// Passes when images come from ECR (private or public.ecr.aws), an ECR pull-through cache, or a
/// managed enterprise registry.
///
/// Warns when images pulled directly from Docker Hub (rate limits, availability, supply-chain
/// risk).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Serve images from ECR (pull-through cache for upstream images), reach it via VPC endpoints,
/// enforce an approved-registry policy and set lifecycle policies.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_consider_using_ecr_private_endpoints>
/// - <https://kubernetes.io/docs/concepts/containers/images/>
    "no-direct-docker-hub",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-direct-docker-hub
}
