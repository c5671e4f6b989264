use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Autoscalers that depend on a metrics adapter, in a cluster snapshot:
    /// - every HorizontalPodAutoscaler with an `External` metric needs the
    ///   `external.metrics.k8s.io` API, and one with an `Object` or `Pods` metric the
    ///   `custom.metrics.k8s.io` API. Such an HPA passes when an APIService of that group
    ///   reports `Available=True`; it fails when the APIService reports otherwise (the
    ///   aggregator's reason is quoted) or, on a whole cluster, when no APIService serves the
    ///   group;
    /// - every KEDA ScaledObject needs `external.metrics.k8s.io` (KEDA's metrics server) the
    ///   same way, and its own `Ready` condition `True`: `Ready=False`, or `Fallback=True`
    ///   (a trigger is failing and KEDA holds the fallback replica count), fails.
    ///
    /// HPAs using only `Resource`/`ContainerResource` metrics are out of scope
    /// (`metrics-api-available` judges their API). A paused ScaledObject (`Paused=True`, or
    /// the `autoscaling.keda.sh/paused` / `paused-replicas` annotation) is not judged. An
    /// APIService or ScaledObject without status in a cluster input is `unknown`. Manifests
    /// alone carry no status: no verdict.
    ///
    /// ## Why it matters
    /// When the adapter behind an external or custom metric is missing or down, the HPA
    /// records `ScalingActive=False` and stops scaling — no error reaches the application,
    /// and queue-driven workers sit at their current count while the backlog grows. A
    /// ScaledObject that is not Ready never scales from zero, so work waits forever.
    ///
    /// ## How to fix
    /// Install (or repair) the adapter that serves the API — KEDA for event sources, or
    /// prometheus-adapter for Prometheus queries — and read what it reports:
    /// ```sh
    /// kubectl get apiservice v1beta1.external.metrics.k8s.io v1beta1.custom.metrics.k8s.io
    /// kubectl describe scaledobject NAME -n NAMESPACE          # Ready / Fallback conditions
    /// helm install keda kedacore/keda -n keda --create-namespace
    /// ```
    /// Give the adapter its AWS permissions through EKS Pod Identity or IRSA (CloudWatch,
    /// SQS scalers); the archived k8s-cloudwatch-adapter should be replaced by KEDA.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_scaling_applications_based_on_custom_or_external_metrics>
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://keda.sh/docs/latest/reference/scaledobject-spec/>
    "external-metrics-backed",
    run,
    needs = [
        "autoscaling/horizontalpodautoscalers",
        "apiregistration.k8s.io/apiservices",
        "keda.sh/scaledobjects"
    ]
}

const EXTERNAL: &str = "external.metrics.k8s.io";
const CUSTOM: &str = "custom.metrics.k8s.io";

/// Whether the aggregator serves a metrics API group.
enum Served<'a> {
    Available,
    /// An APIService of the group exists but none is available: its name and why.
    Unavailable(&'a str, String),
    /// An APIService of the group carries no Available condition.
    NoStatus(&'a str),
    Missing,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // Availability and conditions exist only in cluster evidence.
    if cx.cluster_object().is_none() {
        return;
    }
    let whole = cx.whole_cluster().is_some();
    for hpa in cx
        .inv
        .of_kind("HorizontalPodAutoscaler")
        .filter(|h| h.api_group() == "autoscaling")
    {
        let metrics = hpa
            .root()
            .at(&["spec", "metrics"])
            .map(Node::items)
            .unwrap_or_default();
        let mut groups: Vec<&str> = Vec::new();
        for metric in metrics {
            let group = match metric.get("type").and_then(Node::as_str) {
                Some("External") => EXTERNAL,
                Some("Object" | "Pods") => CUSTOM,
                _ => continue,
            };
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        if groups.is_empty() {
            continue;
        }
        let what = format!(
            "HorizontalPodAutoscaler `{}/{}`",
            hpa.namespace_key(),
            hpa.name()
        );
        let problems: Vec<Problem> = groups
            .iter()
            .filter_map(|g| problem(&what, "spec.metrics", g, served(cx, g), whole))
            .collect();
        report(hpa, problems, out);
    }
    for scaled in cx
        .inv
        .of_kind("ScaledObject")
        .filter(|s| s.api_group() == "keda.sh")
    {
        judge_scaled_object(cx, scaled, whole, out);
    }
}

fn judge_scaled_object(cx: &Context<'_>, scaled: &Object, whole: bool, out: &mut Outcomes) {
    let what = format!(
        "ScaledObject `{}/{}`",
        scaled.namespace_key(),
        scaled.name()
    );
    let condition = |kind: &str| scaled.status_condition(kind);
    let text = |c: &Node, k: &str| {
        c.get(k)
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let paused_by_annotation = scaled.annotation("autoscaling.keda.sh/paused") == Some("true")
        || scaled
            .annotation("autoscaling.keda.sh/paused-replicas")
            .is_some();
    if paused_by_annotation || condition("Paused").is_some_and(|(_, c)| text(c, "status") == "True")
    {
        return;
    }
    let mut problems: Vec<Problem> = Vec::new();
    problems.extend(problem(
        &what,
        "spec.triggers",
        EXTERNAL,
        served(cx, EXTERNAL),
        whole,
    ));
    match condition("Ready") {
        None => problems.push(Problem {
            verdict: Verdict::Unknown,
            path: "status.conditions".into(),
            message: format!("{what} records no Ready condition: its status was not collected"),
        }),
        Some((i, c)) if text(c, "status") != "True" => problems.push(Problem {
            verdict: Verdict::Fail,
            path: format!("status.conditions[{i}]"),
            message: format!(
                "{what} is not Ready ({}: {}): it does not scale",
                text(c, "reason"),
                text(c, "message")
            ),
        }),
        Some(_) => {}
    }
    if let Some((i, c)) = condition("Fallback").filter(|(_, c)| text(c, "status") == "True") {
        problems.push(Problem {
            verdict: Verdict::Fail,
            path: format!("status.conditions[{i}]"),
            message: format!(
                "{what} is on its fallback replica count ({}): a trigger's metric source is \
                 failing",
                text(c, "message")
            ),
        });
    }
    report(scaled, problems, out);
}

/// One reason an autoscaler is not backed by its metric source.
struct Problem {
    verdict: Verdict,
    path: String,
    message: String,
}

fn report(object: &Object, problems: Vec<Problem>, out: &mut Outcomes) {
    if problems.is_empty() {
        out.pass(object);
    }
    for p in problems {
        let subject = Subject::object(object).at(p.path, None);
        match p.verdict {
            Verdict::Fail => out.fail(subject, p.message),
            _ => out.unknown(subject, p.message),
        }
    }
}

/// What is wrong with the API group an autoscaler needs, if anything.
fn problem(
    what: &str,
    path: &str,
    group: &str,
    served: Served<'_>,
    whole: bool,
) -> Option<Problem> {
    let path = path.to_string();
    match served {
        Served::Available => None,
        Served::Unavailable(name, why) => Some(Problem {
            verdict: Verdict::Fail,
            path,
            message: format!(
                "{what} reads `{group}`, whose APIService `{name}` is not available ({why}): \
                 autoscaling on it is stopped"
            ),
        }),
        Served::NoStatus(name) => Some(Problem {
            verdict: Verdict::Unknown,
            path,
            message: format!(
                "{what} reads `{group}`; APIService `{name}` has no Available condition (status \
                 not collected)"
            ),
        }),
        Served::Missing if whole => Some(Problem {
            verdict: Verdict::Fail,
            path,
            message: format!(
                "{what} reads `{group}`, which no APIService serves (no KEDA or metrics \
                 adapter installed): it never scales"
            ),
        }),
        Served::Missing => None,
    }
}

/// Whether an APIService of `group` is available; the first unavailable one is named
/// otherwise.
fn served<'a>(cx: &Context<'a>, group: &str) -> Served<'a> {
    let mut result = Served::Missing;
    for service in cx
        .inv
        .of_kind("APIService")
        .filter(|s| s.api_group() == "apiregistration.k8s.io")
        .filter(|s| s.root().at(&["spec", "group"]).and_then(Node::as_str) == Some(group))
    {
        let available = service
            .root()
            .at(&["status", "conditions"])
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .find(|c| c.get("type").and_then(Node::as_str) == Some("Available"));
        let text = |c: &Node, k: &str| {
            c.get(k)
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string()
        };
        match available {
            Some(c) if text(c, "status") == "True" => return Served::Available,
            Some(c) => {
                if !matches!(result, Served::Unavailable(..)) {
                    result = Served::Unavailable(
                        service.name(),
                        format!("{}: {}", text(c, "reason"), text(c, "message")),
                    );
                }
            }
            None => {
                if matches!(result, Served::Missing) {
                    result = Served::NoStatus(service.name());
                }
            }
        }
    }
    result
}
