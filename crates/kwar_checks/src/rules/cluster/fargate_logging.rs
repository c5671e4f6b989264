use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// Whether the logs of Fargate pods are shipped. Fargate runs no DaemonSet, so its
    /// built-in Fluent Bit log router is the way: the Namespace `aws-observability` labelled
    /// `aws-observability: enabled` holding the ConfigMap `aws-logging` with an
    /// `output.conf` that declares an `[OUTPUT]` (`flb_log_cw: "true"` alone ships only
    /// Fluent Bit's own logs, not the pods').
    /// - the ConfigMap has an `[OUTPUT]` and its Namespace carries the label: pass on the
    ///   ConfigMap;
    /// - the ConfigMap has no `output.conf` / `[OUTPUT]`, or the Namespace is present
    ///   without the label (the router then ignores the ConfigMap): fail on the ConfigMap;
    /// - on a whole cluster that runs Fargate nodes without the ConfigMap: fail on the
    ///   Cluster naming the Fargate pods — unless every one of them carries its own log
    ///   shipper sidecar (Fluent Bit, Fluentd, Vector, Filebeat, Promtail/Alloy, the Splunk
    ///   or Datadog agent), which ships its logs: pass on the Cluster.
    ///
    /// Clusters without Fargate nodes are out of scope; the ConfigMap's content is judged
    /// wherever it is found, manifests included. A ConfigMap redacted in the snapshot
    /// (`kwar.io/redacted`) is `unknown`.
    ///
    /// ## Why it matters
    /// A Fargate pod's logs live in its micro-VM: without the log router they are readable
    /// only with `kubectl logs` while the pod exists, and lost when it ends — exactly when
    /// they are needed to understand a crash or an incident.
    ///
    /// ## How to fix
    /// Create the namespace and configuration, and allow the pod execution role to write
    /// logs (`logs:CreateLogStream`, `logs:PutLogEvents`, …):
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: aws-observability
    ///   labels: {aws-observability: enabled}
    /// ---
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: aws-logging, namespace: aws-observability}
    /// data:
    ///   flb_log_cw: "true"
    ///   output.conf: |
    ///     [OUTPUT]
    ///         Name cloudwatch_logs
    ///         Match *
    ///         region eu-west-1
    ///         log_group_name /aws/eks/prod/fargate
    ///         log_stream_prefix fargate-
    ///         log_retention_days 30
    ///         auto_create_group true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/fargate-logging.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_centralized_logging_tools_to_collect_and_persist_logs>
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    "fargate-logging",
    run,
    needs = ["configmaps", "namespaces", "nodes", "pods"]
}

const NAMESPACE: &str = "aws-observability";
const LABEL: &str = "aws-observability";
const CONFIG_MAP: &str = "aws-logging";
/// Image fragments of log shippers that can run as a sidecar in a Fargate pod.
const SIDECAR_SHIPPERS: [&str; 9] = [
    "fluent-bit",
    "fluentd",
    "vector",
    "filebeat",
    "promtail",
    "grafana/alloy",
    "splunk-otel-collector",
    "datadog/agent",
    "aws-for-fluent-bit",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let config = cx
        .inv
        .find("ConfigMap", Some(NAMESPACE), CONFIG_MAP)
        .filter(|c| c.api_group().is_empty());
    if let Some(config) = config {
        judge_config(cx, config, out);
        return;
    }
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let fargate_pods: Vec<&Object> = running_pods::pods(cx.inv)
        .filter(|pod| {
            running_pods::node_name(pod)
                .and_then(|n| running_pods::node(cx.inv, n))
                .is_some_and(|n| worker_nodes::compute(n) == Compute::Fargate)
        })
        .collect();
    let fargate_nodes = worker_nodes::nodes(cx.inv)
        .filter(|n| worker_nodes::compute(n) == Compute::Fargate)
        .count();
    if fargate_nodes == 0 {
        return;
    }
    let unshipped: Vec<&Object> = fargate_pods
        .iter()
        .copied()
        .filter(|pod| !has_shipper_sidecar(cx, pod))
        .collect();
    if !fargate_pods.is_empty() && unshipped.is_empty() {
        out.pass(cluster);
        return;
    }
    let pods = if unshipped.is_empty() {
        String::new()
    } else {
        format!(
            " (e.g. {})",
            worker_nodes::name_list(unshipped.iter().map(|p| p.name()), 3)
        )
    };
    out.fail(
        Subject::object(cluster),
        format!(
            "the cluster runs {fargate_nodes} Fargate node(s) but has no ConfigMap \
             `{NAMESPACE}/{CONFIG_MAP}`: the logs of its Fargate pods{pods} are not shipped \
             and are lost when the pods end"
        ),
    );
}

fn judge_config(cx: &Context<'_>, config: &Object, out: &mut Outcomes) {
    let name = format!("{NAMESPACE}/{CONFIG_MAP}");
    if config.annotation("kwar.io/redacted").is_some() {
        out.unknown(
            Subject::object(config).at("data", config.root().get("data")),
            format!(
                "cannot read ConfigMap `{name}`: its values were redacted when the snapshot was \
                 taken"
            ),
        );
        return;
    }
    let output = config.root().at(&["data", "output.conf"]);
    let has_output = output
        .and_then(Node::as_str)
        .is_some_and(|text| text.to_ascii_uppercase().contains("[OUTPUT]"));
    let mut healthy = true;
    if !has_output {
        healthy = false;
        out.fail(
            Subject::object(config).at("data.output.conf", output),
            format!(
                "ConfigMap `{name}` declares no `[OUTPUT]` in `output.conf`: the Fargate log \
                 router has nowhere to send the logs"
            ),
        );
    }
    if let Some(namespace) = cx
        .inv
        .find("Namespace", None, NAMESPACE)
        .filter(|n| n.api_group().is_empty())
    {
        if namespace.label(LABEL) != Some("enabled") {
            healthy = false;
            out.fail(
                Subject::object(config),
                format!(
                    "Namespace `{NAMESPACE}` lacks the label `{LABEL}: enabled`: the Fargate log \
                     router ignores ConfigMap `{name}`"
                ),
            );
        }
    }
    if healthy {
        out.pass(config);
    }
}

/// Whether one of the pod's containers (or native sidecars) is a log shipper.
fn has_shipper_sidecar(cx: &Context<'_>, pod: &Object) -> bool {
    cx.inv.workload_of(pod.id).is_some_and(|w| {
        w.containers(pod).iter().any(|c| {
            c.image()
                .is_some_and(|image| SIDECAR_SHIPPERS.iter().any(|s| image.contains(s)))
        })
    })
}
