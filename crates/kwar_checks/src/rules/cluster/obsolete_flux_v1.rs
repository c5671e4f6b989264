use std::collections::BTreeMap;

use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether Flux v1 — the archived "Weave Flux" GitOps daemon — or its Helm Operator is in
    /// use. Evidence is what the catalog's `flux` detector marks obsolete (the
    /// `fluxcd/flux` and `weaveworks/flux` images, the `helmreleases.helm.fluxcd.io` CRD and
    /// its `helm.fluxcd.io` HelmRelease objects) plus workloads running the Helm Operator
    /// image (`fluxcd/helm-operator`, `weaveworks/helm-operator`):
    /// - each such object fails;
    /// - on a whole cluster without any, the Cluster object passes;
    /// - in manifests without any, nothing is concluded (they cannot show absence).
    ///
    /// Flux v2 (the `ghcr.io/fluxcd/*-controller` toolkit, `helm.toolkit.fluxcd.io`
    /// HelmReleases) is not reported.
    ///
    /// ## Why it matters
    /// Flux v1 and the Helm Operator were archived in 2022: no security fixes, no support for
    /// current Kubernetes APIs, and Helm 2-era code paths. A GitOps daemon holds write access
    /// to the whole cluster and credentials to Git, so an unmaintained one is a standing
    /// vulnerability, and it will break on an upgrade when removed APIs disappear.
    ///
    /// ## How to fix
    /// Migrate to Flux v2 (or Argo CD): bootstrap Flux v2 on the same repository, convert
    /// `helm.fluxcd.io/v1` HelmReleases to `helm.toolkit.fluxcd.io/v2`, then remove Flux v1:
    /// ```yaml
    /// apiVersion: helm.toolkit.fluxcd.io/v2
    /// kind: HelmRelease
    /// metadata: {name: podinfo, namespace: demo}
    /// spec:
    ///   interval: 30m
    ///   chart:
    ///     spec:
    ///       chart: podinfo
    ///       version: 6.7.0
    ///       sourceRef: {kind: HelmRepository, name: podinfo, namespace: flux-system}
    /// ```
    /// ```sh
    /// kubectl delete deployment -n flux flux flux-helm-operator
    /// kubectl delete crd helmreleases.helm.fluxcd.io
    /// ```
    ///
    /// ## References
    /// - <https://fluxcd.io/flux/migration/>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_dev_integ_auto_integ_deploy.html>
    "obsolete-flux-v1",
    run
}

/// Repositories of the Flux v1 Helm Operator (the catalog's images name only the daemon).
const HELM_OPERATOR_IMAGES: [&str; 2] = ["fluxcd/helm-operator", "weaveworks/helm-operator"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // Object → why it is Flux v1 (first reason found).
    let mut found: BTreeMap<usize, String> = BTreeMap::new();
    if let Some(flux) = cx.detections.get("flux") {
        for m in flux.matches.iter().filter(|m| m.obsolete) {
            found.entry(m.object).or_insert_with(|| m.detail.clone());
        }
    }
    for (w, object) in cx.all_workloads() {
        for c in w.containers(object) {
            let Some(image) = c.image() else { continue };
            let repository = ImageRef::parse(image).repository.to_ascii_lowercase();
            if HELM_OPERATOR_IMAGES
                .iter()
                .any(|r| repository == *r || repository.ends_with(&format!("/{r}")))
            {
                found
                    .entry(object.id)
                    .or_insert_with(|| format!("image {image}"));
            }
        }
    }
    if found.is_empty() {
        if let Some(cluster) = cx.whole_cluster() {
            out.pass(cluster);
        }
        return;
    }
    for (id, why) in found {
        let object = cx.inv.object(id);
        out.fail(
            Subject::object(object),
            format!(
                "`{}` is Flux v1 or its Helm Operator ({why}): archived since 2022, without \
                 security fixes; migrate to Flux v2",
                object.display_name()
            ),
        );
    }
}
