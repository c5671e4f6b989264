use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every workload that a HorizontalPodAutoscaler or a KEDA ScaledObject (which drives an
    /// HPA) scales leaves `spec.replicas` out of its manifest. The manifests reviewed are what
    /// a GitOps tool (or `kubectl apply` in a pipeline) applies, so any workload under an
    /// autoscaler is treated as Git-managed.
    ///
    /// It warns when the manifest sets `spec.replicas`. It passes when the field is left out,
    /// or when an Argo CD Application in the input both ignores the field for that workload
    /// (`ignoreDifferences` with the `/spec/replicas` JSON pointer, a `.spec.replicas` jq path,
    /// or the `kube-controller-manager` field manager) and honours that at sync time
    /// (`syncOptions: [RespectIgnoreDifferences=true]`): without that option Argo CD only hides
    /// the difference and still writes the Git value back on the next sync.
    ///
    /// ## Why it matters
    /// The HPA changes `spec.replicas` on the live object. Every sync re-applies the value from
    /// Git, so the workload snaps back to the fixed count (often scaling a loaded service down
    /// by half) until the HPA corrects it again a moment later; the application is also shown
    /// permanently out of sync.
    ///
    /// ## How to fix
    /// Remove `replicas` from the manifest and let the HPA's `minReplicas` set the floor:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: web}
    /// spec:
    ///   # no replicas: the HorizontalPodAutoscaler owns the count
    ///   selector: {matchLabels: {app: web}}
    /// ```
    /// When a chart forces the field, make Argo CD ignore it at sync time with
    /// `ignoreDifferences: [{group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}]`
    /// and `syncOptions: [RespectIgnoreDifferences=true]`.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling>
    /// - <https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#respect-ignore-difference-configs>
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-gitops-replicas-conflict",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.all_workloads() {
        let Some(scaler) = cx.inv.autoscalers_of(w).next() else {
            continue;
        };
        let Some(replicas) = object.root().at(&["spec", "replicas"]) else {
            out.pass(object);
            continue;
        };
        if argo_ignores_replicas(cx, object) {
            out.pass(object);
            continue;
        }
        out.warn(
            Subject::object(object).at("spec.replicas", Some(replicas)),
            format!(
                "{} `{}` sets spec.replicas: {} while {} `{}` scales it: every sync resets the replica count",
                object.kind(),
                object.name(),
                replicas.scalar_text().unwrap_or_default(),
                scaler.kind(),
                scaler.name()
            ),
        );
    }
}

/// Whether an Argo CD Application in the input ignores `spec.replicas` of this object at sync
/// time.
fn argo_ignores_replicas(cx: &Context<'_>, object: &Object) -> bool {
    cx.inv
        .of_kind("Application")
        .filter(|a| a.api_group() == "argoproj.io")
        .filter_map(|a| a.root().get("spec"))
        .filter(|spec| {
            spec.at(&["syncPolicy", "syncOptions"])
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|o| o.as_str() == Some("RespectIgnoreDifferences=true"))
        })
        .filter(|spec| {
            // The Application deploys into its destination namespace.
            spec.at(&["destination", "namespace"])
                .and_then(Node::as_str)
                .is_none_or(|ns| ns == object.namespace_key())
        })
        .flat_map(|spec| {
            spec.get("ignoreDifferences")
                .map(Node::items)
                .unwrap_or_default()
        })
        .any(|rule| {
            let text = |k: &str| rule.get(k).and_then(Node::scalar_text);
            let kind_ok = text("kind").as_deref() == Some(object.kind());
            let group_ok = text("group").unwrap_or_default() == object.api_group();
            let name_ok = text("name").is_none_or(|n| n == object.name());
            let ns_ok = text("namespace").is_none_or(|n| n == object.namespace_key());
            let list = |k: &str| {
                rule.get(k)
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .map(str::trim)
                    .collect::<Vec<_>>()
            };
            let field_ok = list("jsonPointers").contains(&"/spec/replicas")
                || list("jqPathExpressions").contains(&".spec.replicas")
                || list("managedFieldsManagers").contains(&"kube-controller-manager");
            kind_ok && group_ok && name_ok && ns_ok && field_ok
        })
}
