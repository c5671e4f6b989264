use std::collections::HashSet;

use kwar_detect::{Detection, Signal};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether a pull-based GitOps controller — Flux v2 or Argo CD — is present, from the
    /// catalog's `flux` and `argocd` detectors (their controllers, CRDs, images, custom
    /// resources such as `Application` or `Kustomization`, and the tracking labels they put
    /// on what they manage). Argo CD run as an EKS capability is outside the worker nodes, but
    /// its CRDs and Applications are in the cluster and count.
    /// - Found: pass — on the Cluster object for a whole cluster, else on the first object
    ///   that revealed it.
    /// - Not found on a whole cluster: warn on the Cluster object. Deployments may still be
    ///   pushed by a CI pipeline (`kubectl apply`, `helm upgrade`); the review's question
    ///   covers that.
    /// - Not found in manifests alone: no verdict (manifests cannot show absence).
    ///
    /// Flux v1 (the archived `fluxcd/flux` daemon and its helm-operator) does not count: it
    /// gets no security fixes, and `obsolete-flux-v1` reports it. A cluster with only Flux v1
    /// warns and says so.
    ///
    /// ## Why it matters
    /// With pull-based GitOps the cluster converges on what Git declares: every change is
    /// reviewed and versioned, drift is detected and corrected, a cluster can be rebuilt from
    /// its repository, and no CI system needs credentials to the cluster. Push-based
    /// deployment leaves no record of what runs and cannot notice manual changes.
    ///
    /// ## How to fix
    /// Install Flux v2 (`flux bootstrap github --owner=example --repository=fleet
    /// --path=clusters/prod-eu`) or Argo CD — self-managed, or the EKS managed capability:
    /// ```sh
    /// aws eks create-capability --cluster-name prod-eu --capability-name argocd \
    ///   --type ARGOCD --role-arn arn:aws:iam::123456789012:role/EKSArgoCDCapabilityRole
    /// ```
    /// then declare the applications:
    /// ```yaml
    /// apiVersion: argoproj.io/v1alpha1
    /// kind: Application
    /// metadata: {name: shop, namespace: argocd}
    /// spec:
    ///   project: default
    ///   source: {repoURL: https://github.com/example/deploy.git, path: apps/shop, targetRevision: main}
    ///   destination: {server: https://kubernetes.default.svc, namespace: shop}
    ///   syncPolicy: {automated: {prune: true, selfHeal: true}}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_dev_integ_auto_integ_deploy.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/argocd.html>
    /// - <https://fluxcd.io/flux/installation/bootstrap/>
    "gitops-controller-present",
    run
}

/// Workload names of Flux v1: the `flux` daemon and its helm-operator.
const FLUX_V1_WORKLOADS: [&str; 3] = ["flux", "flux-helm-operator", "helm-operator"];

/// The objects that show Flux v2 (not only Flux v1): matches through a signal the catalog
/// does not mark obsolete, on objects that no obsolete signal matched, and not a Flux v1
/// workload name.
fn flux_v2_objects<'a>(cx: &Context<'a>, flux: &'a Detection) -> Vec<kwar_inventory::ObjectId> {
    let v1: HashSet<_> = flux
        .matches
        .iter()
        .filter(|m| m.obsolete)
        .map(|m| m.object)
        .collect();
    let mut out: Vec<_> = flux
        .matches
        .iter()
        .filter(|m| !m.obsolete && !v1.contains(&m.object))
        .filter(|m| {
            m.signal != Signal::Workload
                || !FLUX_V1_WORKLOADS.contains(&cx.inv.object(m.object).name())
        })
        .map(|m| m.object)
        .collect();
    out.dedup();
    out
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let argo = cx.detections.get("argocd");
    let flux = cx.detections.get("flux");
    let flux_v2 = flux.map(|f| flux_v2_objects(cx, f)).unwrap_or_default();
    let evidence = argo
        .and_then(|a| a.objects().next())
        .or_else(|| flux_v2.first().copied());
    match (evidence, cx.whole_cluster()) {
        (Some(_), Some(cluster)) => out.pass(cluster),
        (Some(id), None) => out.pass(cx.inv.object(id)),
        (None, Some(cluster)) => {
            let v1_note = if flux.is_some() {
                " (only Flux v1 was found, which is archived: see obsolete-flux-v1)"
            } else {
                ""
            };
            out.warn(
                Subject::object(cluster),
                format!(
                    "no GitOps controller (Flux v2 or Argo CD) was found{v1_note}: deployments \
                     are pushed, or made by hand, and drift goes unnoticed (looked for the \
                     detectors flux, argocd; `kwar explain` lists what each matches)"
                ),
            );
        }
        (None, None) => {}
    }
}
