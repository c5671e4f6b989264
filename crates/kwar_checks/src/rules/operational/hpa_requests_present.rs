use std::collections::HashMap;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every HorizontalPodAutoscaler that scales on resource *utilization* (a `Resource` or
    /// `ContainerResource` metric with `target.type: Utilization`, `targetAverageUtilization`
    /// in autoscaling/v2beta1, or `targetCPUUtilizationPercentage` in autoscaling/v1) has a
    /// target whose containers request that resource. An autoscaling/v1 HPA, and an
    /// autoscaling/v2 HPA without `metrics`, scale on 80 % CPU utilization by default, so they
    /// are in scope too.
    ///
    /// It passes when every app container of the target workload (or, for a
    /// `ContainerResource` metric, the named container) has a request for the resource. A
    /// request counts when it is written under `resources.requests`, when only
    /// `resources.limits` is set (Kubernetes then copies the limit into the request), or when
    /// a LimitRange of the namespace in the input gives containers a `defaultRequest` or
    /// `default` for it. It fails when a container has none, and is unknown when the
    /// `scaleTargetRef` names a workload that is not in the input.
    ///
    /// ## Why it matters
    /// Utilization is usage divided by request. When a container of the pod has no request
    /// for the resource, the HPA cannot compute it: the metric reports
    /// `FailedGetResourceMetric` ("missing request for cpu") and the autoscaler never scales
    /// on it, so the workload silently stays at its current size under load.
    ///
    /// ## How to fix
    /// Give every container of the target a request for each resource the HPA measures:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     resources:
    ///       requests: {cpu: 250m, memory: 256Mi}
    ///       limits: {memory: 256Mi}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-requests-present",
    run
}

/// One utilization metric of an HPA.
struct UtilizationMetric<'a> {
    resource: String,
    /// The container a ContainerResource metric is about.
    container: Option<String>,
    path: String,
    node: Option<&'a Node>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut targets: HashMap<usize, &Workload> = HashMap::new();
    for w in cx.inv.workloads() {
        for a in cx.inv.autoscalers_of(w) {
            targets.insert(a.id, w);
        }
    }
    for hpa in cx
        .inv
        .of_kind("HorizontalPodAutoscaler")
        .filter(|o| o.api_group() == "autoscaling")
    {
        let metrics = utilization_metrics(hpa);
        if metrics.is_empty() {
            continue;
        }
        let Some(w) = targets.get(&hpa.id) else {
            let target = hpa.root().at(&["spec", "scaleTargetRef"]);
            let text = |k: &str| {
                target
                    .and_then(|t| t.get(k))
                    .and_then(Node::scalar_text)
                    .unwrap_or_else(|| "?".into())
            };
            out.unknown(
                Subject::object(hpa).at("spec.scaleTargetRef", target),
                format!(
                    "the HPA's target {} `{}` is not in the input, so its resource requests cannot be checked",
                    text("kind"),
                    text("name")
                ),
            );
            continue;
        };
        let object = cx.inv.object(w.object);
        let containers = w.app_containers(object);
        let mut problem = None;
        'metrics: for m in &metrics {
            for c in &containers {
                if m.container.as_deref().is_some_and(|name| name != c.name) {
                    continue;
                }
                if !has_request(c, &m.resource) && !limit_range_default(cx, object, &m.resource) {
                    problem = Some((m, c.name));
                    break 'metrics;
                }
            }
        }
        match problem {
            Some((m, container)) => out.fail(
                Subject::object(hpa).at(m.path.clone(), m.node),
                format!(
                    "the HPA scales {} `{}` on {} utilization but container `{container}` has no {} request, so utilization cannot be computed",
                    object.kind(),
                    object.name(),
                    m.resource,
                    m.resource
                ),
            ),
            None => out.pass(hpa),
        }
    }
}

/// The utilization metrics an HPA scales on, with the API defaults applied.
fn utilization_metrics(hpa: &Object) -> Vec<UtilizationMetric<'_>> {
    let spec = hpa.root().get("spec");
    let default_cpu = |path: &str, node| UtilizationMetric {
        resource: "cpu".into(),
        container: None,
        path: path.into(),
        node,
    };
    if hpa.api_version() == "autoscaling/v1" {
        // v1 only knows CPU utilization; 80 % when targetCPUUtilizationPercentage is absent.
        let node = spec.and_then(|s| s.get("targetCPUUtilizationPercentage"));
        return vec![default_cpu(
            "spec.targetCPUUtilizationPercentage",
            node.or(spec),
        )];
    }
    let metrics = spec
        .and_then(|s| s.get("metrics"))
        .map(Node::items)
        .unwrap_or_default();
    if metrics.is_empty() {
        // autoscaling/v2 defaults an empty metrics list to 80 % CPU utilization.
        return vec![default_cpu("spec.metrics", spec)];
    }
    let mut out = Vec::new();
    for (i, m) in metrics.iter().enumerate() {
        let (field, source) = match m.get("type").and_then(Node::as_str) {
            Some("Resource") => ("resource", m.get("resource")),
            Some("ContainerResource") => ("containerResource", m.get("containerResource")),
            _ => continue,
        };
        let Some(source) = source else { continue };
        let utilization = source.at(&["target", "type"]).and_then(Node::as_str)
            == Some("Utilization")
            || source.get("targetAverageUtilization").is_some();
        let Some(resource) = source.get("name").and_then(Node::scalar_text) else {
            continue;
        };
        if !utilization {
            continue;
        }
        out.push(UtilizationMetric {
            resource,
            container: (field == "containerResource")
                .then(|| source.get("container").and_then(Node::scalar_text))
                .flatten(),
            path: format!("spec.metrics[{i}].{field}"),
            node: Some(source),
        });
    }
    out
}

/// A request for `resource`, written or defaulted from the container's own limit.
fn has_request(c: &Container<'_>, resource: &str) -> bool {
    ["requests", "limits"].iter().any(|k| {
        c.node
            .at(&["resources", k, resource])
            .is_some_and(|n| !n.is_null())
    })
}

/// Whether a LimitRange of the workload's namespace defaults container requests for
/// `resource`.
fn limit_range_default(cx: &Context<'_>, object: &Object, resource: &str) -> bool {
    cx.inv
        .of_kind("LimitRange")
        .filter(|lr| lr.namespace_key() == object.namespace_key())
        .flat_map(|lr| {
            lr.root()
                .at(&["spec", "limits"])
                .map(Node::items)
                .unwrap_or_default()
        })
        .filter(|l| l.get("type").and_then(Node::as_str) == Some("Container"))
        .any(|l| {
            ["defaultRequest", "default"]
                .iter()
                .any(|k| l.at(&[k, resource]).is_some_and(|n| !n.is_null()))
        })
}
