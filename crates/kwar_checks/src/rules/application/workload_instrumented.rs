use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every long-running workload (Deployment, StatefulSet, DaemonSet, Argo Rollout) outside
    /// the system namespaces shows a distributed-tracing signal. It passes when any of these is
    /// present, and warns otherwise:
    ///
    /// - an OpenTelemetry Operator injection annotation on the pod template
    ///   (`instrumentation.opentelemetry.io/inject-<language>` or `inject-sdk`, any value
    ///   except `false`), or a Datadog library-injection annotation
    ///   (`admission.datadoghq.com/<language>-lib.version`);
    /// - a tracing environment variable in any container, set directly or through an
    ///   `envFrom` ConfigMap/Secret present in the input: `OTEL_EXPORTER_OTLP_ENDPOINT`,
    ///   `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_SERVICE_NAME`, `AWS_XRAY_DAEMON_ADDRESS`,
    ///   `JAEGER_AGENT_HOST`, `JAEGER_ENDPOINT`, `ZIPKIN_URL`, `LIGHTSTEP_ACCESS_TOKEN`,
    ///   `DD_AGENT_HOST`, `DD_TRACE_AGENT_URL`, `ELASTIC_APM_SERVER_URL` (the OpenTelemetry
    ///   variables do not count in a container that sets `OTEL_TRACES_EXPORTER: none`);
    /// - a tracing agent running as a sidecar (AWS X-Ray daemon, ADOT or OpenTelemetry
    ///   collector, Jaeger agent).
    ///
    /// Namespace-wide injection and service-mesh spans are cluster-side signals that the
    /// manifests of a workload do not show.
    ///
    /// ## Why it matters
    /// Without traces, a slow or failing request through several services can only be
    /// diagnosed by correlating logs by hand. Tracing shows where latency and errors come
    /// from, which dependency is the bottleneck, and how a change affected the request path.
    ///
    /// ## How to fix
    /// Adopt OpenTelemetry (for example ADOT with an AWS X-Ray backend), either through the
    /// OpenTelemetry Operator's auto-instrumentation or by configuring the SDK:
    /// ```yaml
    /// template:
    ///   metadata:
    ///     annotations:
    ///       instrumentation.opentelemetry.io/inject-java: "true"
    ///   spec:
    ///     containers:
    ///       - name: api
    ///         env:
    ///           - {name: OTEL_SERVICE_NAME, value: payments-api}
    ///           - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: http://adot-collector.observability:4317}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_a_distributed_tracing_system_to_identify_bottlenecks>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_observability_dist_trace.html>
    "workload-instrumented",
    run
}

const OTEL_VARS: [&str; 3] = [
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_SERVICE_NAME",
];
const OTHER_VARS: [&str; 8] = [
    "AWS_XRAY_DAEMON_ADDRESS",
    "JAEGER_AGENT_HOST",
    "JAEGER_ENDPOINT",
    "ZIPKIN_URL",
    "LIGHTSTEP_ACCESS_TOKEN",
    "DD_AGENT_HOST",
    "DD_TRACE_AGENT_URL",
    "ELASTIC_APM_SERVER_URL",
];
/// Image names (last path component) of tracing agents run as sidecars.
const AGENT_IMAGES: [&str; 6] = [
    "aws-xray-daemon",
    "aws-otel-collector",
    "opentelemetry-collector",
    "opentelemetry-collector-contrib",
    "otel-collector",
    "jaeger-agent",
];

/// Variable names and values a container sets, including through `envFrom` sources found
/// in the inventory.
fn env_of<'a>(cx: &Context<'a>, object: &Object, c: &Container<'a>) -> Vec<(String, String)> {
    let mut vars = Vec::new();
    for var in c.get("env").map(Node::items).unwrap_or_default() {
        if let Some(name) = var.get("name").and_then(Node::as_str) {
            let value = var
                .get("value")
                .and_then(Node::scalar_text)
                .unwrap_or_default();
            vars.push((name.to_string(), value));
        }
    }
    for source in c.get("envFrom").map(Node::items).unwrap_or_default() {
        let prefix = source.get("prefix").and_then(Node::as_str).unwrap_or("");
        for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
            let Some(name) = source.at(&[field, "name"]).and_then(Node::as_str) else {
                continue;
            };
            let Some(found) = cx.inv.find(kind, object.namespace(), name) else {
                continue;
            };
            for key in ["data", "stringData"] {
                for (k, v) in found.root().get(key).map(Node::entries).unwrap_or_default() {
                    if let Some(k) = k.as_str() {
                        let value = v.scalar_text().unwrap_or_default();
                        vars.push((format!("{prefix}{k}"), value));
                    }
                }
            }
        }
    }
    vars
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.long_running_app_workloads() {
        let annotations = w
            .pod_metadata(object)
            .and_then(|m| m.get("annotations"))
            .map(Node::entries)
            .unwrap_or_default();
        let annotated = annotations.iter().any(|(k, v)| {
            let key = k.as_str().unwrap_or("");
            let value = v.scalar_text().unwrap_or_default();
            (key.starts_with("instrumentation.opentelemetry.io/inject-")
                && !value.trim().eq_ignore_ascii_case("false"))
                || (key.starts_with("admission.datadoghq.com/") && key.ends_with("-lib.version"))
        });
        let containers = w.containers(object);
        let with_env = containers.iter().any(|c| {
            let vars = env_of(cx, object, c);
            let otel_disabled = vars
                .iter()
                .any(|(k, v)| k == "OTEL_TRACES_EXPORTER" && v.trim().eq_ignore_ascii_case("none"));
            vars.iter().any(|(k, _)| {
                OTHER_VARS.contains(&k.as_str())
                    || (!otel_disabled && OTEL_VARS.contains(&k.as_str()))
            })
        });
        let with_agent = containers.iter().any(|c| {
            c.image().is_some_and(|i| {
                let repo = crate::image::ImageRef::parse(i).repository;
                AGENT_IMAGES.contains(&repo.rsplit('/').next().unwrap_or(repo))
            })
        });
        if annotated || with_env || with_agent {
            out.pass(object);
        } else {
            out.warn(
                Subject::object(object).at(
                    match w.kind {
                        WorkloadKind::Pod => "metadata".to_string(),
                        _ => format!(
                            "{}.metadata",
                            w.pod_path.strip_suffix(".spec").unwrap_or(w.pod_path)
                        ),
                    },
                    w.pod_metadata(object),
                ),
                format!(
                    "{} `{}` shows no tracing signal (no OpenTelemetry injection annotation, \
                     tracing environment variable or tracing agent sidecar)",
                    object.kind(),
                    object.name()
                ),
            );
        }
    }
}
