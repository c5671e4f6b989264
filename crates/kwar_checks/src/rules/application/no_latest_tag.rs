use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: all containers and initContainers outside system_namespaces.
///
/// Passes when image has an explicit tag other than latest, or a digest.
///
/// Fails when tag is latest or missing.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Tag images with the git commit SHA (or pin digests), make ECR repositories tag-immutable, and
/// block :latest with an admission policy.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/containers/images/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_use_immutable_tags_with_ecr>
    "no-latest-tag",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-latest-tag
}
