use kwar_detect::{Match, Signal};

use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether node, pod and cluster-state metrics are collected, from the catalog's
    /// detectors `prometheus`, `managed-prometheus`, `container-insights`,
    /// `commercial-observability` and `otel`. Only evidence of a running collector counts:
    /// a collector workload or image, a collector custom resource (`Prometheus`,
    /// `PrometheusAgent`, `OpenTelemetryCollector`, `AmazonCloudWatchAgent`, `DatadogAgent`,
    /// `DynaKube`), or a remote write to Amazon Managed Service for Prometheus. CRDs alone
    /// (installed by a chart that ships ServiceMonitors, say) and ServiceMonitors collect
    /// nothing and do not count.
    /// For the `prometheus` detector, a workload counts only when it runs the Prometheus
    /// server image (`…/prometheus`): the operator, the adapter or the Pushgateway alone
    /// collect nothing.
    /// - A collector found: pass — on the Cluster object for a whole cluster, else on the
    ///   first object that revealed it. On a whole cluster where the only collectors are
    ///   Prometheus ones (a Prometheus server, or a remote write to Amazon Managed Service for
    ///   Prometheus), the node exporter DaemonSet (`*node-exporter*`) and `kube-state-metrics`
    ///   are also expected: if one is missing the Cluster object warns, naming it. Container
    ///   Insights, the commercial agents and OpenTelemetry collectors (whose Kubernetes
    ///   receivers kwar does not read) are taken to collect all three.
    /// - No collector on a whole cluster: fail on the Cluster object. An Amazon Managed
    ///   Service for Prometheus agentless scraper runs outside the cluster and cannot be seen
    ///   in it; if you use one, the finding is answered by the AWS evidence
    ///   (`aps:ListScrapers`).
    /// - No collector in manifests alone: no verdict (manifests cannot show absence).
    ///
    /// The Metrics Server is not a metrics pipeline (it keeps no history) and is not counted.
    ///
    /// ## Why it matters
    /// Without node, pod and kube-state metrics there is no capacity planning, no alerting
    /// on saturation or crash loops, and no data to investigate an incident or to right-size
    /// requests: the cluster is operated blind.
    ///
    /// ## How to fix
    /// Enable Container Insights with the EKS add-on, or run Prometheus (node exporter,
    /// kube-state-metrics) writing to Amazon Managed Service for Prometheus:
    /// ```sh
    /// aws eks create-addon --cluster-name prod-eu --addon-name amazon-cloudwatch-observability
    /// # or
    /// helm install kps prometheus-community/kube-prometheus-stack -n monitoring \
    ///   --set prometheus.prometheusSpec.remoteWrite[0].url=https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-EXAMPLE/api/v1/remote_write
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/prometheus.html>
    /// - <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights.html>
    "cluster-metrics-pipeline",
    run
}

/// Collectors that gather node, pod and cluster-state metrics by themselves (OpenTelemetry
/// collectors can, with their Kubernetes receivers, whose configuration kwar does not read).
const COMPLETE: [&str; 3] = ["container-insights", "commercial-observability", "otel"];
/// Collectors that need the node exporter and kube-state-metrics as sources.
const PROMETHEUS_FAMILY: [&str; 2] = ["prometheus", "managed-prometheus"];

/// Custom resources that run a collector (other custom resources of these detectors, such
/// as ServiceMonitors, only configure one).
const COLLECTOR_KINDS: [&str; 6] = [
    "Prometheus",
    "PrometheusAgent",
    "OpenTelemetryCollector",
    "AmazonCloudWatchAgent",
    "DatadogAgent",
    "DynaKube",
];

/// Whether the object runs the Prometheus server (the `prometheus` detector also matches the
/// operator, the adapter and the Pushgateway by name, which collect nothing).
fn runs_prometheus_server(cx: &Context<'_>, object: &Object) -> bool {
    let Some(w) = cx.inv.workload_of(object.id) else {
        return false;
    };
    w.app_containers(object)
        .iter()
        .filter_map(|c| c.image())
        .any(|image| {
            let repository = ImageRef::parse(image).repository.to_ascii_lowercase();
            repository.rsplit('/').next() == Some("prometheus") && repository.contains('/')
        })
}

/// A match that shows a running collector.
fn is_collector(cx: &Context<'_>, detector: &str, m: &Match) -> bool {
    let object = cx.inv.object(m.object);
    match m.signal {
        Signal::Workload | Signal::Image if detector == "prometheus" => {
            runs_prometheus_server(cx, object)
        }
        Signal::Workload | Signal::Image | Signal::Object => true,
        Signal::CustomResource => COLLECTOR_KINDS.contains(&object.kind()),
        _ => false,
    }
}

/// The first object showing a collector of one of `detectors`.
fn collector(cx: &Context<'_>, detectors: &[&str]) -> Option<usize> {
    detectors.iter().find_map(|id| {
        cx.detections
            .get(id)?
            .matches
            .iter()
            .find(|m| is_collector(cx, id, m))
            .map(|m| m.object)
    })
}

/// A workload of `kind` whose name contains `part`.
fn has_workload(cx: &Context<'_>, kind: WorkloadKind, part: &str) -> bool {
    cx.all_workloads()
        .any(|(w, o)| w.kind == kind && o.name().contains(part))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let complete = collector(cx, &COMPLETE);
    let partial = collector(cx, &PROMETHEUS_FAMILY);
    let Some(cluster) = cx.whole_cluster() else {
        if let Some(id) = complete.or(partial) {
            out.pass(cx.inv.object(id));
        }
        return;
    };
    if complete.is_some() {
        return out.pass(cluster);
    }
    if partial.is_none() {
        return out.fail(
            Subject::object(cluster),
            "no metrics collection was found: no Prometheus, Container Insights, OpenTelemetry \
             or vendor agent collects node and pod metrics (looked for the detectors prometheus, \
             managed-prometheus, container-insights, commercial-observability, otel; an Amazon \
             Managed Service for Prometheus agentless scraper is only visible in AWS)",
        );
    }
    let mut missing = Vec::new();
    if !has_workload(cx, WorkloadKind::DaemonSet, "node-exporter") {
        missing.push("node metrics (no node-exporter DaemonSet)");
    }
    if !has_workload(cx, WorkloadKind::Deployment, "kube-state-metrics")
        && !has_workload(cx, WorkloadKind::StatefulSet, "kube-state-metrics")
    {
        missing.push("cluster-state metrics (no kube-state-metrics)");
    }
    if missing.is_empty() {
        out.pass(cluster);
    } else {
        out.warn(
            Subject::object(cluster),
            format!(
                "a Prometheus-style collector runs, but {} are not collected",
                missing.join(" and ")
            ),
        );
    }
}
