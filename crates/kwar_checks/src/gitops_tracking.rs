//! Which GitOps controller manages a live object, from the tracking metadata Argo CD and Flux
//! stamp on what they apply. Shared by `gitops-coverage` (application workloads) and
//! `gitops-bootstrap` (platform components).

use std::collections::HashSet;

use kwar_inventory::{Inventory, Object};
use kwar_yaml::Node;

/// The names GitOps objects of the input give to what they manage.
pub(crate) struct Trackers {
    /// Argo CD Application names (the default tracking label `app.kubernetes.io/instance`
    /// carries the Application's name).
    applications: HashSet<String>,
    /// Helm release names of Flux HelmReleases.
    flux_releases: HashSet<String>,
}

impl Trackers {
    pub fn collect(inv: &Inventory) -> Trackers {
        let applications = inv
            .of_kind("Application")
            .filter(|o| o.api_group() == "argoproj.io")
            .map(|o| o.name().to_string())
            .collect();
        let mut flux_releases = HashSet::new();
        for release in inv
            .of_kind("HelmRelease")
            .filter(|o| o.api_group() == "helm.toolkit.fluxcd.io")
        {
            let spec = release.spec();
            let text = |key: &str| spec.and_then(|s| s.get(key)).and_then(Node::as_str);
            match text("releaseName") {
                Some(name) => {
                    flux_releases.insert(name.to_string());
                }
                None => {
                    // helm-controller's default: `<targetNamespace>-<name>`, else `<name>`.
                    flux_releases.insert(release.name().to_string());
                    if let Some(target) = text("targetNamespace") {
                        flux_releases.insert(format!("{target}-{}", release.name()));
                    }
                }
            }
        }
        Trackers {
            applications,
            flux_releases,
        }
    }

    /// The GitOps controller that manages the object (`Argo CD` or `Flux`), if any:
    /// - Argo CD: label `argocd.argoproj.io/instance`, annotation
    ///   `argocd.argoproj.io/tracking-id`, or `app.kubernetes.io/instance` naming an
    ///   Application of the input (alone the label is ambiguous: Helm charts set it too);
    /// - Flux: labels `kustomize.toolkit.fluxcd.io/name` or `helm.toolkit.fluxcd.io/name`, or
    ///   the Helm release annotation naming a Flux HelmRelease's release.
    pub fn manager_of(&self, object: &Object) -> Option<&'static str> {
        if object.label("argocd.argoproj.io/instance").is_some()
            || object
                .annotation("argocd.argoproj.io/tracking-id")
                .is_some()
            || object
                .label("app.kubernetes.io/instance")
                .is_some_and(|v| self.applications.contains(v))
        {
            return Some("Argo CD");
        }
        if object.label("kustomize.toolkit.fluxcd.io/name").is_some()
            || object.label("helm.toolkit.fluxcd.io/name").is_some()
            || object
                .annotation("meta.helm.sh/release-name")
                .is_some_and(|r| self.flux_releases.contains(r))
        {
            return Some("Flux");
        }
        None
    }
}
