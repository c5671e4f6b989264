use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: same.
///
/// Passes when pinned by @sha256 digest, or tag matches a commit SHA (^[0-9a-f]{7,40}$) or semver.
///
/// Warns when mutable-looking tag (e.g. stable, main, prod, dev).
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
    "traceable-tag",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement traceable-tag
}
