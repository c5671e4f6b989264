use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every workload and every Service outside the system namespaces carries the recommended
    /// labels `app.kubernetes.io/name` and `app.kubernetes.io/instance`, with a non-empty value.
    /// For workloads the labels must be on the object itself and on its pod template (a bare Pod
    /// has only one set of labels); for Services, on the Service (Services owned by an operator
    /// and the API server's `default/kubernetes` Service are skipped). It warns when any of them is
    /// missing, naming where.
    ///
    /// ## Why it matters
    /// The `app.kubernetes.io/*` labels are the shared vocabulary of tools: dashboards, cost
    /// reports, `kubectl get -l`, service meshes and policy engines group objects by them. Labels
    /// on the workload object identify the controller; labels on the pod template end up on the
    /// pods, which is what metrics, logs and cost allocation actually see.
    ///
    /// ## How to fix
    /// Add the labels to the workload, its pod template and its Service (Helm charts usually
    /// template them from the chart and release names):
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    ///   labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: web-prod}
    /// spec:
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: web-prod}
    ///   template:
    ///     metadata:
    ///       labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: web-prod}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-awareness.html#_tagging_of_resources>
    "recommended-labels",
    run
}

const RECOMMENDED: [&str; 2] = ["app.kubernetes.io/name", "app.kubernetes.io/instance"];

/// The recommended labels missing (or empty) from a metadata node.
fn missing(metadata: Option<&Node>) -> Vec<&'static str> {
    RECOMMENDED
        .into_iter()
        .filter(|key| {
            metadata
                .and_then(|m| m.at(&["labels", key]))
                .and_then(Node::scalar_text)
                .is_none_or(|v| v.trim().is_empty())
        })
        .collect()
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        let mut problems = Vec::new();
        let own = missing(object.metadata());
        if !own.is_empty() {
            problems.push(format!("metadata.labels lacks {}", own.join(", ")));
        }
        if w.kind != WorkloadKind::Pod {
            let pod = missing(w.pod_metadata(object));
            if !pod.is_empty() {
                let path = w.pod_path.strip_suffix(".spec").unwrap_or(w.pod_path);
                problems.push(format!("{path}.metadata.labels lacks {}", pod.join(", ")));
            }
        }
        report(out, object, problems);
    }
    for service in cx.inv.of_kind("Service") {
        // Owned Services (created by an operator) and the API server's own `default/kubernetes`
        // Service are not the application's to label.
        let api_server = service.name() == "kubernetes" && service.namespace_key() == "default";
        if !service.api_group().is_empty()
            || cx.in_system_namespace(service)
            || service.is_owned()
            || api_server
        {
            continue;
        }
        let own = missing(service.metadata());
        let problems = if own.is_empty() {
            Vec::new()
        } else {
            vec![format!("metadata.labels lacks {}", own.join(", "))]
        };
        report(out, service, problems);
    }
}

fn report(out: &mut Outcomes, object: &Object, problems: Vec<String>) {
    if problems.is_empty() {
        out.pass(object);
        return;
    }
    out.warn(
        Subject::object(object).at("metadata.labels", object.root().at(&["metadata", "labels"])),
        format!(
            "{} is missing recommended labels: {}",
            object.display_name(),
            problems.join("; ")
        ),
    );
}
