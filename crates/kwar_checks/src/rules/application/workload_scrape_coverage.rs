use std::collections::HashMap;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every long-running workload (Deployment, StatefulSet, DaemonSet, Argo Rollout) outside the
    /// system namespaces is registered for application-metrics collection. It passes when any of
    /// these holds:
    /// - a `PodMonitor` (monitoring.coreos.com), `VMPodScrape` (VictoriaMetrics) or
    ///   `PodMonitoring`/`ClusterPodMonitoring` (Google Managed Prometheus) selects its pods;
    /// - a `ServiceMonitor` (monitoring.coreos.com) or `VMServiceScrape` selects, by labels, a
    ///   Service whose selector matches its pods. The monitor's `namespaceSelector` is honoured
    ///   (`any: true`, `matchNames`, or by default the monitor's own namespace);
    /// - the pod template, or a Service selecting its pods, carries `prometheus.io/scrape: "true"`
    ///   (the convention of the common `kubernetes-pods` / `kubernetes-service-endpoints` scrape
    ///   jobs);
    /// - OpenTelemetry Operator auto-instrumentation is requested by an
    ///   `instrumentation.opentelemetry.io/inject-<language>` annotation (not `"false"`) on the
    ///   pod template, or on its Namespace object when that is part of the input;
    /// - Datadog autodiscovery declares a check for one of its containers
    ///   (`ad.datadoghq.com/<container>.checks`, or the older `.check_names`).
    ///
    /// It warns when none of these is found. A container port named `metrics` or `http-metrics`
    /// shows that metrics are exposed, but not that anything collects them: such workloads still
    /// warn, with a message saying so. Scrape configurations that live in the Prometheus or
    /// agent configuration rather than in Kubernetes objects cannot be seen in manifests.
    ///
    /// ## Why it matters
    /// Without application metrics only node and container resource metrics exist: you can see
    /// that a pod uses CPU, not that it answers errors or slowly. Alerts on latency and error
    /// rate, SLOs and autoscaling on request rate all depend on the application being scraped.
    ///
    /// ## How to fix
    /// Instrument the service with a Prometheus or OpenTelemetry client library and register it
    /// for scraping, for example with a ServiceMonitor selecting its Service:
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: ServiceMonitor
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   selector: {matchLabels: {app.kubernetes.io/name: web}}
    ///   endpoints:
    ///     - port: http-metrics
    ///       interval: 30s
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_prometheus_client_library_to_expose_application_metrics>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_observability_application_telemetry.html>
    "workload-scrape-coverage",
    run
}

/// Which namespaces a monitor looks in.
enum Namespaces {
    Any,
    Named(Vec<String>),
}

/// A PodMonitor- or ServiceMonitor-like object.
struct Monitor<'a> {
    object: &'a Object,
    selector: LabelSelector,
    namespaces: Namespaces,
}

/// Monitors indexed by the namespaces they look in, so that a workload only meets the
/// monitors of its namespace; candidates come in the order of the monitor list.
struct MonitorIndex<'a> {
    monitors: Vec<Monitor<'a>>,
    /// Positions of the monitors that look in every namespace.
    any: Vec<usize>,
    /// Positions of the monitors that look in a named namespace, per namespace.
    named: HashMap<String, Vec<usize>>,
}

impl<'a> MonitorIndex<'a> {
    fn new(monitors: Vec<Monitor<'a>>) -> Self {
        let mut any = Vec::new();
        let mut named: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, m) in monitors.iter().enumerate() {
            match &m.namespaces {
                Namespaces::Any => any.push(i),
                Namespaces::Named(names) => {
                    for n in names {
                        let list = named.entry(n.clone()).or_default();
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                }
            }
        }
        MonitorIndex {
            monitors,
            any,
            named,
        }
    }

    /// The first monitor (in list order) that looks in `ns` and satisfies `pred`.
    fn find(&self, ns: &str, mut pred: impl FnMut(&Monitor<'a>) -> bool) -> Option<&Monitor<'a>> {
        let named = self.named.get(ns).map(Vec::as_slice).unwrap_or_default();
        let (mut a, mut b) = (self.any.iter().peekable(), named.iter().peekable());
        loop {
            let i = match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) if x < y => a.next(),
                (Some(_), Some(_)) | (None, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => return None,
            };
            let m = &self.monitors[*i?];
            if pred(m) {
                return Some(m);
            }
        }
    }
}

/// Monitors of the given (group, kind) pairs. `cluster_wide` kinds look in every namespace;
/// `namespace_selector` kinds honour `spec.namespaceSelector`; the others look only in their
/// own namespace.
fn monitors<'a>(cx: &Context<'a>, kinds: &[(&str, &str, Scope)]) -> Vec<Monitor<'a>> {
    let mut out = Vec::new();
    for &(group, kind, scope) in kinds {
        for object in cx.inv.of_kind(kind).filter(|o| o.api_group() == group) {
            let Some(spec) = object.spec() else { continue };
            let selector = spec
                .get("selector")
                .map(LabelSelector::from_label_selector)
                .unwrap_or_default();
            let own = || Namespaces::Named(vec![object.namespace_key().to_string()]);
            let namespaces = match scope {
                Scope::Cluster => Namespaces::Any,
                Scope::Own => own(),
                Scope::Selector => match spec.get("namespaceSelector") {
                    Some(sel) if sel.get("any").and_then(Node::as_bool) == Some(true) => {
                        Namespaces::Any
                    }
                    Some(sel)
                        if !sel
                            .get("matchNames")
                            .map(Node::items)
                            .unwrap_or_default()
                            .is_empty() =>
                    {
                        Namespaces::Named(
                            sel.get("matchNames")
                                .map(Node::items)
                                .unwrap_or_default()
                                .iter()
                                .filter_map(Node::scalar_text)
                                .collect(),
                        )
                    }
                    _ => own(),
                },
            };
            out.push(Monitor {
                object,
                selector,
                namespaces,
            });
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Scope {
    Cluster,
    Own,
    Selector,
}

fn is_true(value: Option<&Node>) -> bool {
    value
        .and_then(Node::scalar_text)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let pod_monitors = MonitorIndex::new(monitors(
        cx,
        &[
            ("monitoring.coreos.com", "PodMonitor", Scope::Selector),
            (
                "operator.victoriametrics.com",
                "VMPodScrape",
                Scope::Selector,
            ),
            ("monitoring.googleapis.com", "PodMonitoring", Scope::Own),
            (
                "monitoring.googleapis.com",
                "ClusterPodMonitoring",
                Scope::Cluster,
            ),
        ],
    ));
    let service_monitors = MonitorIndex::new(monitors(
        cx,
        &[
            ("monitoring.coreos.com", "ServiceMonitor", Scope::Selector),
            (
                "operator.victoriametrics.com",
                "VMServiceScrape",
                Scope::Selector,
            ),
        ],
    ));
    for (w, object) in cx.long_running_app_workloads() {
        let ns = object.namespace_key();
        let pod_annotations = w.pod_metadata(object).and_then(|m| m.get("annotations"));
        let pod_annotation = |key: &str| pod_annotations.and_then(|a| a.get(key));
        let mut evidence: Option<String> = None;

        if is_true(pod_annotation("prometheus.io/scrape")) {
            evidence = Some("pod annotation prometheus.io/scrape".into());
        }
        if evidence.is_none() {
            evidence = cx
                .inv
                .services_of(w)
                .find(|s| {
                    is_true(
                        s.root()
                            .at(&["metadata", "annotations", "prometheus.io/scrape"]),
                    )
                })
                .map(|s| format!("Service `{}` annotation prometheus.io/scrape", s.name()));
        }
        if evidence.is_none() {
            evidence = pod_monitors
                .find(ns, |m| m.selector.matches(w.pod_labels(object)))
                .map(|m| format!("{} `{}`", m.object.kind(), m.object.name()));
        }
        if evidence.is_none() {
            evidence = cx.inv.services_of(w).find_map(|s| {
                service_monitors
                    .find(s.namespace_key(), |m| m.selector.matches(s.labels()))
                    .map(|m| format!("{} `{}`", m.object.kind(), m.object.name()))
            });
        }
        if evidence.is_none() {
            evidence = otel_injection(cx, object, pod_annotations);
        }
        if evidence.is_none() {
            evidence = pod_annotations
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .filter_map(|(k, _)| k.as_str())
                .find(|k| {
                    k.starts_with("ad.datadoghq.com/")
                        && (k.ends_with(".checks") || k.ends_with(".check_names"))
                })
                .map(|k| format!("Datadog autodiscovery annotation {k}"));
        }
        if evidence.is_some() {
            out.pass(object);
            continue;
        }
        let metrics_port = w.containers(object).iter().find_map(|c| {
            c.get("ports")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.get("name").and_then(Node::as_str))
                .find(|n| matches!(*n, "metrics" | "http-metrics"))
                .map(|n| format!("container `{}` port `{n}`", c.name))
        });
        let message = match metrics_port {
            Some(port) => format!(
                "{} exposes metrics ({port}) but no ServiceMonitor, PodMonitor, prometheus.io/scrape annotation, OpenTelemetry injection or Datadog check registers it for collection",
                object.display_name()
            ),
            None => format!(
                "{} has no application-metrics signal: no ServiceMonitor, PodMonitor, prometheus.io/scrape annotation, OpenTelemetry injection or Datadog check",
                object.display_name()
            ),
        };
        out.warn(Subject::object(object), message);
    }
}

/// OpenTelemetry Operator injection requested on the pod template, or on the Namespace object
/// when the pod template does not set the same annotation.
fn otel_injection(
    cx: &Context<'_>,
    object: &Object,
    pod_annotations: Option<&Node>,
) -> Option<String> {
    const PREFIX: &str = "instrumentation.opentelemetry.io/inject-";
    let enabled = |v: &Node| {
        v.scalar_text()
            .is_some_and(|t| !t.trim().eq_ignore_ascii_case("false") && !t.trim().is_empty())
    };
    let pod_entries = pod_annotations.map(Node::entries).unwrap_or_default();
    for (k, v) in pod_entries {
        if k.as_str().is_some_and(|k| k.starts_with(PREFIX)) && enabled(v) {
            return Some(format!("pod annotation {}", k.as_str().unwrap_or_default()));
        }
    }
    let namespace = cx.inv.find("Namespace", None, object.namespace_key())?;
    for (k, v) in namespace
        .root()
        .at(&["metadata", "annotations"])
        .map(Node::entries)
        .unwrap_or_default()
    {
        let Some(key) = k.as_str().filter(|k| k.starts_with(PREFIX)) else {
            continue;
        };
        let overridden = pod_entries.iter().any(|(pk, _)| pk.as_str() == Some(key));
        if !overridden && enabled(v) {
            return Some(format!("Namespace annotation {key}"));
        }
    }
    None
}
