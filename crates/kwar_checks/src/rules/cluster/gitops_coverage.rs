use crate::gitops_tracking::Trackers;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// In a live cluster or a snapshot (a namespace-restricted one too), the share of
    /// long-running workloads outside the system namespaces (Deployments, StatefulSets,
    /// DaemonSets, Argo Rollouts; pods and ReplicaSets owned by them are not counted) that a
    /// GitOps controller manages, as the tracking metadata it stamps on live objects shows:
    /// - Argo CD: the label `argocd.argoproj.io/instance`, the annotation
    ///   `argocd.argoproj.io/tracking-id`, or the default tracking label
    ///   `app.kubernetes.io/instance` when its value names an Argo CD `Application` of the
    ///   input (the label alone is ambiguous: Helm charts set it too);
    /// - Flux: the labels `kustomize.toolkit.fluxcd.io/name` or `helm.toolkit.fluxcd.io/name`,
    ///   or Helm release annotations (`meta.helm.sh/release-name`) naming the release of a
    ///   Flux `HelmRelease` of the input.
    ///
    /// The verdict is given on the Cluster object: pass when at least 90% are managed and no
    /// manual change was detected, warn between 50% and 90% or when manual changes were
    /// detected, fail below 50%. A manual change is a `metadata.managedFields` entry of a
    /// managed workload written by `kubectl edit`, `patch`, `set`, `scale`, `label`,
    /// `annotate`, `replace` or `apply` after the GitOps controller's last write; each such
    /// workload also warns. kwar snapshots drop `managedFields`, so manual changes can only be
    /// seen in inputs that keep them (`kubectl get -o yaml --show-managed-fields`); without
    /// them only the share is judged. `kubectl rollout restart` is not a manual change of the
    /// configuration. Manifests are not evaluated, even declared `--complete`: tracking metadata
    /// is added when the controller applies the objects, never in Git.
    ///
    /// ## Why it matters
    /// Workloads outside GitOps are deployed by hand or by ad hoc pipelines: nobody can say
    /// which version runs or rebuild them after a loss, reviews and rollbacks bypass Git, and
    /// drift goes unnoticed. A manual `kubectl edit` on a managed workload is either reverted
    /// by the next sync (a surprise for whoever made it) or, with self-heal off, silently
    /// diverges from Git.
    ///
    /// ## How to fix
    /// Declare the remaining workloads in Git and let the controller own them, e.g. an Argo CD
    /// Application per team with self-heal:
    /// ```yaml
    /// apiVersion: argoproj.io/v1alpha1
    /// kind: Application
    /// metadata: {name: billing, namespace: argocd}
    /// spec:
    ///   project: default
    ///   source: {repoURL: https://github.com/example/deploy.git, path: apps/billing, targetRevision: main}
    ///   destination: {server: https://kubernetes.default.svc, namespace: billing}
    ///   syncPolicy: {automated: {prune: true, selfHeal: true}}
    /// ```
    /// and restrict write access to workloads to the controller (read-only RBAC for people).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_dev_integ_auto_integ_deploy.html>
    /// - <https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/>
    /// - <https://fluxcd.io/flux/components/kustomize/kustomizations/#garbage-collection>
    "gitops-coverage",
    run,
    needs = ["apps/deployments", "apps/statefulsets", "apps/daemonsets"]
}

const PASS_SHARE: f64 = 0.9;
const FAIL_SHARE: f64 = 0.5;

/// Field managers of people at a terminal (`kubectl rollout restart` is left out: restarting
/// does not change the configuration).
const MANUAL_MANAGERS: [&str; 9] = [
    "kubectl-edit",
    "kubectl-patch",
    "kubectl-set",
    "kubectl-scale",
    "kubectl-label",
    "kubectl-annotate",
    "kubectl-replace",
    "kubectl-client-side-apply",
    "kubectl",
];

/// Field managers of the GitOps controllers.
const GITOPS_MANAGERS: [&str; 5] = [
    "argocd-controller",
    "argocd-application-controller",
    "kustomize-controller",
    "helm-controller",
    "argocd",
];

/// The latest manual managedFields entry written after every GitOps controller write:
/// (index, manager).
fn manual_change(object: &Object) -> Option<(usize, &Node, String)> {
    let fields = object.root().at(&["metadata", "managedFields"])?.items();
    let time = |f: &Node| {
        f.get("time")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let manager = |f: &Node| {
        f.get("manager")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    // RFC 3339 timestamps in UTC (`…Z`), as the API server writes them, sort as text.
    let last_gitops = fields
        .iter()
        .filter(|f| GITOPS_MANAGERS.contains(&manager(f).as_str()))
        .map(time)
        .max()
        .unwrap_or_default();
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| MANUAL_MANAGERS.contains(&manager(f).as_str()) && time(f) > last_gitops)
        .max_by_key(|(_, f)| time(f))
        .map(|(i, f)| (i, f, manager(f)))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.cluster_object().filter(|_| cx.collected_from_cluster()) else {
        return;
    };
    let trackers = Trackers::collect(cx.inv);
    let mut total = 0usize;
    let mut managed = 0usize;
    let mut unmanaged: Vec<&Object> = Vec::new();
    let mut edited = 0usize;
    for (_, object) in cx.long_running_app_workloads() {
        total += 1;
        let Some(controller) = trackers.manager_of(object) else {
            unmanaged.push(object);
            continue;
        };
        managed += 1;
        if let Some((i, entry, manager)) = manual_change(object) {
            edited += 1;
            out.warn(
                Subject::object(object).at(format!("metadata.managedFields[{i}]"), Some(entry)),
                format!(
                    "`{}` is managed by {controller} but was changed by hand (`{manager}`) \
                     after its last sync: the change is not in Git",
                    object.display_name()
                ),
            );
        }
    }
    if total == 0 {
        return;
    }
    let share = managed as f64 / total as f64;
    let percent = (share * 100.0).round();
    let shown: Vec<String> = unmanaged
        .iter()
        .take(5)
        .map(|o| format!("`{}`", o.display_name()))
        .collect();
    let more = unmanaged.len().saturating_sub(shown.len());
    let examples = if shown.is_empty() {
        String::new()
    } else {
        format!(
            "; not managed: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )
    };
    let summary = format!(
        "{managed} of {total} application workloads ({percent}%) are managed by a GitOps \
         controller{examples}"
    );
    if share < FAIL_SHARE {
        out.fail(
            Subject::object(cluster),
            format!("{summary}: below 50%, most deployments bypass Git"),
        );
    } else if share < PASS_SHARE {
        out.warn(
            Subject::object(cluster),
            format!("{summary}: below the 90% expected"),
        );
    } else if edited > 0 {
        out.warn(
            Subject::object(cluster),
            format!("{summary}, but {edited} of them were changed by hand after their last sync"),
        );
    } else {
        out.pass(cluster);
    }
}
