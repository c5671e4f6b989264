use crate::prelude::*;
use crate::presence::{component_check, Absent};

declare_check! {
    /// ## What it checks
    /// Whether a tracing collector or backend is in use, through the catalog's detectors (any
    /// of their signals):
    /// - `xray`: the AWS X-Ray daemon, or `AWS_XRAY_DAEMON_ADDRESS` in a workload;
    /// - `otel`: OpenTelemetry / ADOT collectors, their CRDs, auto-instrumentation
    ///   annotations, or `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_SERVICE_NAME` settings;
    /// - `jaeger`, `zipkin`: their workloads, images, CRDs or client settings;
    /// - `other-tracing`: Lightstep or Appdash settings and images;
    /// - `commercial-observability`: Datadog, New Relic, Dynatrace, Splunk Observability,
    ///   Elastic or AppDynamics agents, which all receive traces from their APM libraries.
    ///
    /// Pass when one is found (on the Cluster object of a whole cluster, else on the first
    /// object that shows it); warn on the Cluster object when none is found on a whole cluster
    /// (live, snapshot, or manifests declared `--complete`). Manifests alone cannot show
    /// absence. A service mesh (Istio, Linkerd) is not counted on its own: its proxies emit
    /// spans, but only to a collector configured separately — which the detectors above find.
    /// The commercial agents are counted although the catalog lists them under metrics, since
    /// tracing is part of what they collect.
    ///
    /// ## Why it matters
    /// In a system of services a slow or failing request crosses several of them; without
    /// distributed tracing, finding which hop added the latency or threw the error means
    /// correlating logs by timestamp across services, and performance work rests on
    /// averages.
    ///
    /// ## How to fix
    /// Run a collector and instrument services with OpenTelemetry, exporting to X-Ray (or
    /// another backend):
    /// ```sh
    /// aws eks create-addon --cluster-name prod-eu --addon-name adot
    /// ```
    /// ```yaml
    /// # pod template annotation for OpenTelemetry Operator auto-instrumentation
    /// metadata:
    ///   annotations:
    ///     instrumentation.opentelemetry.io/inject-java: "true"
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_a_distributed_tracing_system_to_identify_bottlenecks>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_observability_dist_trace.html>
    "tracing-backend-present",
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
            "xray",
            "otel",
            "jaeger",
            "zipkin",
            "other-tracing",
            "commercial-observability",
        ],
        Absent {
            verdict: Verdict::Warn,
            message: "no tracing collector or backend detected: requests cannot be followed \
                      across services",
        },
    );
}
