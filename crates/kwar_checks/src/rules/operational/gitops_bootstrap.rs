use std::collections::HashMap;

use crate::gitops_tracking::Trackers;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the cluster's platform components are reconciled from Git by a GitOps
    /// bootstrap. A bootstrap object is any of:
    /// - a Flux `Kustomization` in `flux-system` reconciling a `GitRepository`,
    ///   `OCIRepository` or `Bucket` (what `flux bootstrap` creates), or a Flux Operator
    ///   `FluxInstance` with `spec.sync`;
    /// - an Argo CD app-of-apps: an `Application` whose status lists `Application` or
    ///   `ApplicationSet` resources, or whose child Applications carry its tracking label;
    /// - an Argo CD `ApplicationSet` with a `clusters` generator;
    /// - an Argo CD `Application`, or a Flux `Kustomization`/`HelmRelease`, deploying into a
    ///   system namespace (`kube-system`, `cert-manager`, `karpenter`, …).
    ///
    /// Platform components are the workloads of the system namespaces, except the GitOps
    /// controllers' own namespaces (`flux-system`, `argocd`) and the EKS-managed add-ons
    /// (`aws-node`, `kube-proxy`, `coredns`, the EBS/EFS CSI drivers, the Pod Identity,
    /// GuardDuty, CloudWatch and node monitoring agents, and anything labelled
    /// `app.kubernetes.io/managed-by: EKS`). A component is reconciled from Git when it
    /// carries Argo CD or Flux tracking metadata (see `gitops-coverage`).
    ///
    /// On a whole live cluster or snapshot: pass when every platform component is reconciled from Git (a
    /// bootstrap object or not); warn when some are not — installed with `helm install` or
    /// `kubectl apply` from a laptop or a pipeline — naming them and saying whether a
    /// bootstrap object exists. A cluster whose only platform components are EKS add-ons has
    /// nothing to bootstrap and gets no verdict. In manifests (even declared
    /// `--complete`, since Git never carries tracking metadata), a bootstrap object passes and
    /// its absence is not concluded.
    ///
    /// ## Why it matters
    /// A cluster whose add-ons were installed by hand cannot be rebuilt the same way: the
    /// versions and values live in someone's shell history, upgrades drift between clusters,
    /// and a regional recovery or a blue/green cluster upgrade becomes archaeology. A GitOps
    /// bootstrap makes a new cluster converge to the declared platform in minutes.
    ///
    /// ## How to fix
    /// Bootstrap the cluster from a repository path that declares the platform:
    /// ```sh
    /// flux bootstrap github --owner=example --repository=fleet --path=clusters/prod-eu
    /// ```
    /// or with Argo CD, an app-of-apps (or an ApplicationSet over clusters) for the add-ons:
    /// ```yaml
    /// apiVersion: argoproj.io/v1alpha1
    /// kind: Application
    /// metadata: {name: platform, namespace: argocd}
    /// spec:
    ///   project: default
    ///   source: {repoURL: https://github.com/example/fleet.git, path: clusters/prod-eu/platform, targetRevision: main}
    ///   destination: {server: https://kubernetes.default.svc, namespace: argocd}
    ///   syncPolicy: {automated: {prune: true, selfHeal: true}}
    /// ```
    /// Then move each hand-installed release into the repository (a HelmRelease or an
    /// Application per chart), and keep core add-ons as EKS add-ons.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_create_cluster_using_an_automated_process>
    /// - <https://fluxcd.io/flux/installation/bootstrap/>
    "gitops-bootstrap",
    run,
    needs = ["apps/deployments", "apps/daemonsets", "apps/statefulsets"]
}

/// Workloads of EKS-managed add-ons (their lifecycle belongs to EKS, not to GitOps).
const EKS_ADDON_WORKLOADS: [&str; 14] = [
    "aws-node",
    "kube-proxy",
    "coredns",
    "eks-pod-identity-agent",
    "ebs-csi-controller",
    "ebs-csi-node",
    "ebs-csi-node-windows",
    "efs-csi-controller",
    "efs-csi-node",
    "aws-guardduty-agent",
    "cloudwatch-agent",
    "fluent-bit",
    "eks-node-monitoring-agent",
    "amazon-cloudwatch-observability-controller-manager",
];

/// Namespaces of the GitOps controllers themselves (installed before any bootstrap).
const GITOPS_NAMESPACES: [&str; 2] = ["flux-system", "argocd"];

const GIT_SOURCES: [&str; 3] = ["GitRepository", "OCIRepository", "Bucket"];

/// Whether an ApplicationSet's generators (nested in matrix/merge too) include `clusters`.
fn has_clusters_generator(node: &Node) -> bool {
    if node.get("clusters").is_some() {
        return true;
    }
    node.entries()
        .iter()
        .any(|(_, v)| has_clusters_generator(v))
        || node.items().iter().any(has_clusters_generator)
}

/// The first bootstrap object of the input.
fn bootstrap<'a>(cx: &Context<'a>) -> Option<&'a Object> {
    let objects = |kind: &str, group: &'static str| {
        cx.inv
            .of_kind(kind)
            .filter(move |o: &&'a Object| o.api_group() == group)
    };
    let targets_system = |ns: Option<&str>| cx.is_system_namespace(ns);
    objects("Kustomization", "kustomize.toolkit.fluxcd.io")
        .find(|k| {
            k.namespace() == Some("flux-system")
                && k.root()
                    .at(&["spec", "sourceRef", "kind"])
                    .and_then(Node::as_str)
                    .is_some_and(|s| GIT_SOURCES.contains(&s))
        })
        .or_else(|| {
            objects("FluxInstance", "fluxcd.controlplane.io")
                .find(|f| f.root().at(&["spec", "sync"]).is_some())
        })
        .or_else(|| {
            let applications: Vec<&Object> = objects("Application", "argoproj.io").collect();
            // An app-of-apps by its status, or the parent named by a child's tracking label.
            applications
                .iter()
                .copied()
                .find(|a| {
                    a.root()
                        .at(&["status", "resources"])
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .any(|r| {
                            matches!(
                                r.get("kind").and_then(Node::as_str),
                                Some("Application" | "ApplicationSet")
                            )
                        })
                })
                .or_else(|| {
                    let by_name: HashMap<&str, &Object> =
                        applications.iter().map(|a| (a.name(), *a)).collect();
                    applications.iter().find_map(|child| {
                        let parent = child.label("argocd.argoproj.io/instance")?;
                        by_name.get(parent).copied()
                    })
                })
                .or_else(|| {
                    applications.iter().copied().find(|a| {
                        targets_system(
                            a.root()
                                .at(&["spec", "destination", "namespace"])
                                .and_then(Node::as_str),
                        )
                    })
                })
        })
        .or_else(|| {
            objects("ApplicationSet", "argoproj.io").find(|s| {
                s.root()
                    .at(&["spec", "generators"])
                    .is_some_and(has_clusters_generator)
            })
        })
        .or_else(|| {
            objects("Kustomization", "kustomize.toolkit.fluxcd.io")
                .chain(objects("HelmRelease", "helm.toolkit.fluxcd.io"))
                .find(|o| {
                    let target = o
                        .root()
                        .at(&["spec", "targetNamespace"])
                        .and_then(Node::as_str);
                    targets_system(target.or(if o.kind() == "HelmRelease" {
                        o.namespace()
                    } else {
                        None
                    }))
                })
        })
}

/// A platform component whose lifecycle GitOps should own.
fn is_platform_component(cx: &Context<'_>, object: &Object) -> bool {
    cx.in_system_namespace(object)
        && !object
            .namespace()
            .is_some_and(|ns| GITOPS_NAMESPACES.contains(&ns))
        && !EKS_ADDON_WORKLOADS.contains(&object.name())
        && object.label("app.kubernetes.io/managed-by") != Some("EKS")
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let found = bootstrap(cx);
    let Some(cluster) = cx.whole_cluster().filter(|_| cx.collected_from_cluster()) else {
        if let Some(object) = found {
            out.pass(object);
        }
        return;
    };
    let trackers = Trackers::collect(cx.inv);
    let mut platform = 0;
    let mut ad_hoc: Vec<String> = Vec::new();
    for (_, object) in cx.all_workloads() {
        if !is_platform_component(cx, object) {
            continue;
        }
        platform += 1;
        if trackers.manager_of(object).is_none() {
            let how = if object.annotation("meta.helm.sh/release-name").is_some()
                || object.label("app.kubernetes.io/managed-by") == Some("Helm")
            {
                "Helm release"
            } else {
                "applied directly"
            };
            ad_hoc.push(format!("`{}` ({how})", object.display_name()));
        }
    }
    if platform == 0 {
        return;
    }
    if ad_hoc.is_empty() {
        return out.pass(cluster);
    }
    let shown = &ad_hoc[..ad_hoc.len().min(5)];
    let more = ad_hoc.len() - shown.len();
    let bootstrap_note = match found {
        Some(object) => format!(
            "a GitOps bootstrap exists (`{}`) but does not manage them",
            object.display_name()
        ),
        None => "no GitOps bootstrap object was found".to_string(),
    };
    out.warn(
        Subject::object(cluster),
        format!(
            "{} of {platform} platform components were installed outside GitOps ({}{}), and \
             {bootstrap_note}: a rebuilt cluster would not get them",
            ad_hoc.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    );
}
