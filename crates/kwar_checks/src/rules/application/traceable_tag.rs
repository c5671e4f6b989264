use std::sync::LazyLock;

use regex::Regex;

use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of every workload outside the
    /// system namespaces runs an image whose reference identifies one build. It passes when
    /// the image is pinned by digest (`@sha256:…`), when the tag is a commit SHA (7 to 40 hex
    /// digits, `^[0-9a-f]{7,40}$`, also accepted as a part of a tag such as `main-7c41e9a` or
    /// `sha-7c41e9a`), or when the tag is a full semantic version `MAJOR.MINOR.PATCH`
    /// (optionally `v`-prefixed and with a pre-release, build or variant suffix such as
    /// `1.25.3-alpine`). It warns for every other tag: branch and environment names
    /// (`stable`, `main`, `prod`, `dev`), `latest` or no tag at all, and partial versions
    /// such as `1.25` or `20-alpine`, which registries move to each new patch release.
    /// A container without an image is reported as unknown.
    ///
    /// ## Why it matters
    /// A tag such as `stable` or `1.25` points at different content over time: the running
    /// build cannot be traced back to a commit, two replicas can run different code after a
    /// node pulls a newer image, and a rollback does not restore the previous version.
    ///
    /// ## How to fix
    /// Tag each build with its commit SHA or release version (and make the ECR repository
    /// tag-immutable), or pin the digest:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments/api:3f9a2c1
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_use_immutable_tags_with_ecr>
    "traceable-tag",
    run
}

static COMMIT_SHA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9a-f]{7,40}$").unwrap());
/// MAJOR.MINOR.PATCH (a fourth number allowed), then a pre-release, build or variant suffix.
static SEMVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[vV]?[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?([-+_.][0-9A-Za-z._+-]*)?$").unwrap()
});
/// A hex part of a composite tag: it must mix digits and letters to look like a SHA rather
/// than a date or a build number.
static SHA_PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^g?[0-9a-f]{7,40}$").unwrap());

/// Whether a tag identifies one build.
pub(crate) fn is_traceable_tag(tag: &str) -> bool {
    if COMMIT_SHA.is_match(tag) || SEMVER.is_match(tag) {
        return true;
    }
    tag.split(['-', '_', '.', '+']).any(|part| {
        SHA_PART.is_match(part)
            && part.chars().any(|c| c.is_ascii_digit())
            && part.chars().any(|c| c.is_ascii_lowercase())
    })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            let subject = Subject::container(object, &c).field("image", c.get("image"));
            let Some(image) = c.image().map(str::trim).filter(|i| !i.is_empty()) else {
                out.unknown(subject, format!("container `{}` names no image", c.name));
                continue;
            };
            let r = ImageRef::parse(image);
            if r.is_digest_pinned() {
                out.pass(object);
                continue;
            }
            match r.tag {
                Some(tag) if is_traceable_tag(tag) => out.pass(object),
                Some(tag) => out.warn(
                    subject,
                    format!(
                        "container `{}` uses the mutable-looking tag `{tag}` (image `{image}`): \
                         it names neither a commit SHA nor a full version",
                        c.name
                    ),
                ),
                None => out.warn(
                    subject,
                    format!(
                        "container `{}` uses image `{image}` without a tag or digest",
                        c.name
                    ),
                ),
            }
        }
    }
}
