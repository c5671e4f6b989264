use crate::prelude::*;
use crate::presence::{component_check, Absent};

declare_check! {
    /// ## What it checks
    /// Whether the cluster runs a metrics pipeline, through the catalog's detectors (any of
    /// their signals):
    /// - `prometheus`: Prometheus server or operator (kube-prometheus-stack) workloads,
    ///   images or `monitoring.coreos.com` CRDs;
    /// - `managed-prometheus`: a Prometheus agent or CR remote-writing to Amazon Managed
    ///   Service for Prometheus (`aps-workspaces.<region>.amazonaws.com`);
    /// - `container-insights`: the CloudWatch agent / amazon-cloudwatch-observability add-on;
    /// - `otel`: OpenTelemetry / ADOT collectors, their CRDs, auto-instrumentation or OTLP
    ///   exporter settings;
    /// - `commercial-observability`: Datadog, New Relic, Dynatrace, Splunk Observability,
    ///   Elastic, AppDynamics or Sysdig agents.
    ///
    /// Pass when one is found (on the Cluster object of a whole cluster, else on the first
    /// object that shows it). Fail on the Cluster object when none is found on a whole cluster
    /// (live, snapshot, or manifests declared `--complete`). Manifests alone cannot show
    /// absence: without a finding nothing is concluded. An agentless Amazon Managed Prometheus
    /// scraper or CloudWatch metrics set up outside the cluster leave nothing in it; the
    /// message says so, and the item's question covers it.
    ///
    /// ## Why it matters
    /// Without collected metrics there are no dashboards, no alerts on saturation or error
    /// rates, no data for right-sizing and no history to understand an incident: problems
    /// are found by users first, and capacity decisions are guesses.
    ///
    /// ## How to fix
    /// Install a pipeline — the CloudWatch Observability add-on, an AMP agentless scraper, or
    /// kube-prometheus-stack / ADOT — and scrape application metrics with it:
    /// ```sh
    /// aws eks create-addon --cluster-name prod-eu --addon-name amazon-cloudwatch-observability
    /// # or
    /// helm install kps prometheus-community/kube-prometheus-stack -n monitoring --create-namespace
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_prometheus_client_library_to_expose_application_metrics>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_observability_application_telemetry.html>
    "metrics-backend-present",
    run,
    needs = [
        "apps/deployments",
        "apps/daemonsets",
        "apps/statefulsets",
        "apiextensions.k8s.io/customresourcedefinitions"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    component_check(
        cx,
        out,
        &[
            "prometheus",
            "managed-prometheus",
            "container-insights",
            "otel",
            "commercial-observability",
        ],
        Absent {
            verdict: Verdict::Fail,
            message: "no metrics pipeline detected in the cluster: nothing collects node, \
                      container or application metrics (an agentless Amazon Managed Prometheus \
                      scraper or CloudWatch metrics configured outside the cluster are not \
                      visible from it)",
        },
    );
}
