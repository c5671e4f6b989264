use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: policy objects.
///
/// Passes when an admission policy restricts images to approved registries.
///
/// Warns when no registry allow-list policy.
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
    "allowed-registries-enforced",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement allowed-registries-enforced
}
