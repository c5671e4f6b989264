use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The reconciliation state every GitOps object recorded:
    /// - Argo CD `Application` (`argoproj.io`): pass when `status.sync.status` is `Synced`
    ///   and `status.health.status` is `Healthy` (or `Progressing`, a rollout under way); warn
    ///   when it is `OutOfSync`, `Degraded`, `Missing`, `Suspended`, when its last sync
    ///   operation `Failed` or errored, or when Argo CD could not compute the state
    ///   (`Unknown`, usually a repository or rendering error).
    /// - Flux `Kustomization` (`kustomize.toolkit.fluxcd.io`) and `HelmRelease`
    ///   (`helm.toolkit.fluxcd.io`): pass when the `Ready` condition is `True`; warn when it
    ///   is `False` (the finding quotes the reason), when `Stalled` is `True`, or when
    ///   `spec.suspend` is `true` (changes in Git are no longer applied).
    ///
    /// An object without status is `unknown` in a live cluster or snapshot (a reconciliation that has
    /// not run yet, or a status that was not collected) and is not evaluated in manifests —
    /// objects in a Git repository never carry status. A Flux object whose `Ready` is
    /// `Unknown` is reconciling right now and is `unknown` too.
    ///
    /// ## Why it matters
    /// GitOps is only as good as its convergence: an application that stays OutOfSync or a
    /// Kustomization that fails to apply means the cluster no longer runs what Git says —
    /// fixes merged to Git are not deployed, drift goes unnoticed, and a rollback from Git
    /// will not behave as expected. A suspended reconciliation, often left behind after an
    /// incident, silently freezes everything it manages.
    ///
    /// ## How to fix
    /// Look at why it does not converge and fix the source (or resume it):
    /// ```sh
    /// argocd app get shop --show-operation        # Argo CD: sync result, health per resource
    /// flux get kustomizations -A --status-selector ready=false
    /// flux resume kustomization apps -n flux-system
    /// ```
    /// Enable automated sync with self-heal so that drift is corrected:
    /// ```yaml
    /// apiVersion: argoproj.io/v1alpha1
    /// kind: Application
    /// metadata: {name: shop, namespace: argocd}
    /// spec:
    ///   syncPolicy:
    ///     automated: {prune: true, selfHeal: true}
    /// ```
    ///
    /// ## References
    /// - <https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/>
    /// - <https://fluxcd.io/flux/components/kustomize/kustomizations/#conditions>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_dev_integ_auto_integ_deploy.html>
    "gitops-in-sync",
    run,
    needs = [
        "argoproj.io/applications",
        "kustomize.toolkit.fluxcd.io/kustomizations",
        "helm.toolkit.fluxcd.io/helmreleases"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let in_cluster = cx.collected_from_cluster();
    for app in cx
        .inv
        .of_kind("Application")
        .filter(|o| o.api_group() == "argoproj.io")
    {
        judge_application(app, in_cluster, out);
    }
    for kind in ["Kustomization", "HelmRelease"] {
        for object in cx
            .inv
            .of_kind(kind)
            .filter(|o| o.api_group().ends_with(".toolkit.fluxcd.io"))
        {
            judge_flux(object, in_cluster, out);
        }
    }
}

fn judge_application(app: &Object, in_cluster: bool, out: &mut Outcomes) {
    let status = app.root().get("status");
    let text = |path: &[&str]| status.and_then(|s| s.at(path)).and_then(Node::as_str);
    let sync = text(&["sync", "status"]);
    let health = text(&["health", "status"]);
    if sync.is_none() && health.is_none() {
        if in_cluster {
            out.unknown(
                Subject::object(app).at("status", None),
                format!(
                    "`{}` has no sync or health status: Argo CD has not reconciled \
                     it, or its status was not collected",
                    app.display_name()
                ),
            );
        }
        return;
    }
    let mut problems = Vec::new();
    match sync {
        Some("Synced") => {}
        Some(other) => problems.push(format!("sync status {other}")),
        None => problems.push("no sync status".to_string()),
    }
    match health {
        Some("Healthy" | "Progressing") => {}
        Some(other) => problems.push(format!("health {other}")),
        None => problems.push("no health status".to_string()),
    }
    let phase = text(&["operationState", "phase"]);
    if let Some(phase @ ("Failed" | "Error")) = phase {
        let message = text(&["operationState", "message"]).unwrap_or("no message");
        problems.push(format!("last sync {phase}: {message}"));
    }
    if problems.is_empty() {
        out.pass(app);
    } else {
        out.warn(
            Subject::object(app).at("status", status),
            format!(
                "`{}` does not match Git: {}",
                app.display_name(),
                problems.join(", ")
            ),
        );
    }
}

fn judge_flux(object: &Object, in_cluster: bool, out: &mut Outcomes) {
    let suspend = object.root().at(&["spec", "suspend"]);
    if suspend.and_then(Node::as_bool) == Some(true) {
        out.warn(
            Subject::object(object).at("spec.suspend", suspend),
            format!(
                "`{}` is suspended: changes in Git are no longer applied",
                object.display_name()
            ),
        );
        return;
    }
    let condition = |kind: &str| object.status_condition(kind);
    let Some((i, ready)) = condition("Ready") else {
        if in_cluster {
            out.unknown(
                Subject::object(object).at("status.conditions", None),
                format!(
                    "`{}` has no Ready condition: Flux has not reconciled it, or its status \
                     was not collected",
                    object.display_name()
                ),
            );
        }
        return;
    };
    let field = |n: &Node, key: &str| {
        n.get(key)
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let stalled = condition("Stalled")
        .filter(|(_, c)| c.get("status").and_then(Node::as_str) == Some("True"));
    let (index, node, state) = match (field(ready, "status").as_str(), stalled) {
        (_, Some((j, c))) => (j, c, "is stalled"),
        ("True", None) => return out.pass(object),
        ("False", None) => (i, ready, "is not Ready"),
        (_, None) => {
            out.unknown(
                Subject::object(object).at(format!("status.conditions[{i}]"), Some(ready)),
                format!(
                    "`{}` is reconciling (Ready=Unknown: {})",
                    object.display_name(),
                    field(ready, "message")
                ),
            );
            return;
        }
    };
    out.warn(
        Subject::object(object).at(format!("status.conditions[{index}]"), Some(node)),
        format!(
            "`{}` {state} ({}: {}): the cluster does not run what Git says",
            object.display_name(),
            field(node, "reason"),
            field(node, "message")
        ),
    );
}
