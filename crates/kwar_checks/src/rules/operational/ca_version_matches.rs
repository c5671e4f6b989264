use crate::cluster_autoscaler;
use crate::image::ImageRef;
use crate::kubernetes_version::{self, Minor};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Cluster Autoscaler controller the `cluster-autoscaler` detector finds (by its
    /// Deployment name or its `registry.k8s.io/autoscaling/cluster-autoscaler` image): the
    /// minor version of the autoscaler container's image tag (`v1.31.0` → 1.31) against the
    /// control plane's (the server version the collector recorded):
    /// - same minor: pass;
    /// - any other minor, older or newer: fail.
    ///
    /// An image whose tag is not a version (`latest`, a digest only, a private build tag) is
    /// `unknown`; so is every autoscaler of a cluster input that recorded no server version.
    /// Manifests alone carry no control-plane version: not evaluated.
    ///
    /// ## Why it matters
    /// Each Cluster Autoscaler release is built and tested against the scheduler code of one
    /// Kubernetes minor, which it embeds to simulate where pending pods would fit. A
    /// mismatched autoscaler simulates with different scheduling rules (new fields, plugins,
    /// API versions): it may add nodes that do not help or refuse scale-ups that would, and
    /// it is not supported by the project.
    ///
    /// ## How to fix
    /// Upgrade the autoscaler together with the control plane:
    /// ```sh
    /// helm upgrade cluster-autoscaler autoscaler/cluster-autoscaler -n kube-system \
    ///   --reuse-values --set image.tag=v1.31.0
    /// ```
    /// (or move to Karpenter or EKS Auto Mode, which do not need version matching).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html>
    /// - <https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler#releases>
    "ca-version-matches",
    run,
    needs = ["apps/deployments"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.cluster_object().is_none() {
        return;
    }
    let control_plane = kubernetes_version::control_plane(cx.inv);
    for ca in cluster_autoscaler::found(cx) {
        let subject = Subject::container(ca.object, &ca.container)
            .at(ca.container.field_path("image"), ca.container.get("image"));
        let image = ca.container.image().unwrap_or_default();
        let Some(control_plane) = control_plane else {
            out.unknown(
                subject,
                format!(
                    "{} `{}` runs `{image}`, but the control plane's version was not recorded: \
                     the versions cannot be compared",
                    ca.object.kind(),
                    ca.object.name()
                ),
            );
            continue;
        };
        let version = ImageRef::parse(image)
            .effective_tag()
            .and_then(Minor::parse);
        match version {
            None => out.unknown(
                subject,
                format!(
                    "{} `{}` runs `{image}`, whose tag is not a version: it cannot be compared \
                     with the control plane's {control_plane}",
                    ca.object.kind(),
                    ca.object.name()
                ),
            ),
            Some(v) if v == control_plane => out.pass(ca.object),
            Some(v) => out.fail(
                subject,
                format!(
                    "{} `{}` runs Cluster Autoscaler {v} (`{image}`) on a {control_plane} control \
                     plane: expected the autoscaler's minor version to match the cluster's",
                    ca.object.kind(),
                    ca.object.name()
                ),
            ),
        }
    }
}
