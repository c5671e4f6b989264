use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of every workload outside the
    /// system namespaces names its image with an explicit tag other than `latest`, or pins it
    /// by digest (`@sha256:…`). An image written without tag or digest (`nginx`,
    /// `registry.example.com/team/app`) is pulled as `:latest` by the container runtime and
    /// fails like an explicit `:latest`. A digest-pinned image passes whatever its tag says
    /// (`app:latest@sha256:…` runs exactly the pinned content). A container without an image
    /// is reported as unknown.
    ///
    /// ## Why it matters
    /// `latest` is a moving pointer: two pods of the same Deployment can run different code
    /// depending on when their node pulled the image, a rollback redeploys whatever `latest`
    /// is today rather than the previous version, and nothing in the manifest tells which
    /// build is running. Kubernetes also defaults `imagePullPolicy` to `Always` for `latest`,
    /// so every pod start depends on the registry being reachable.
    ///
    /// ## How to fix
    /// Tag images with an immutable version (the git commit SHA or a release version), make
    /// the ECR repository tag-immutable, and block `:latest` with an admission policy:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2
    ///     # or pinned by content:
    ///     # image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:4f1c…
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/containers/images/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_use_immutable_tags_with_ecr>
    "no-latest-tag",
    run
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
            match (r.tag, r.effective_tag()) {
                (None, _) => out.fail(
                    subject,
                    format!(
                        "container `{}` uses image `{image}` without a tag, which pulls `:latest`",
                        c.name
                    ),
                ),
                (Some(_), Some("latest")) => out.fail(
                    subject,
                    format!(
                        "container `{}` uses the mutable `latest` tag (image `{image}`)",
                        c.name
                    ),
                ),
                _ => out.pass(object),
            }
        }
    }
}
