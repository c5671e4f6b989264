use kwar_detect::Signal;

use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot) that runs pods on Fargate (their node is
    /// labelled `eks.amazonaws.com/compute-type: fargate`, or named `fargate-…` when the node
    /// was not collected; finished pods are ignored), two things Fargate changes:
    /// - logs: Fargate's built-in log router is configured — the ConfigMap
    ///   `aws-observability/aws-logging` exists and its Namespace, when collected, carries
    ///   `aws-observability: enabled` (`fargate-logging` judges its content in detail);
    /// - agents: the logging, monitoring and security agents the detectors find
    ///   (Fluent Bit, Fluentd, other log shippers, Splunk, Container Insights, OpenTelemetry,
    ///   commercial observability agents, Prometheus, Twistlock, Aqua, Sysdig/Falco,
    ///   StackRox, GuardDuty) that run only as DaemonSets cannot reach Fargate pods, which
    ///   never run DaemonSet pods; a Fargate pod is counted as covered when it carries a
    ///   sidecar (more than one long-running container).
    ///
    /// Both fine: pass on the Cluster object. A missing log router, or DaemonSet-only agents
    /// while some Fargate pod has no sidecar: warn on the Cluster object, naming them.
    /// Clusters without Fargate pods, and manifests alone, are not evaluated.
    ///
    /// ## Why it matters
    /// Fargate runs one pod per micro-VM and no DaemonSets. Tooling rolled out as DaemonSets —
    /// log shippers, node exporters, runtime security sensors — silently skips every Fargate
    /// pod: its logs vanish with it, its metrics are missing from dashboards, and its runtime
    /// behaviour goes unwatched, while every report looks complete.
    ///
    /// ## How to fix
    /// Turn on the Fargate log router and cover Fargate pods with sidecars or
    /// Fargate-compatible tooling (ADOT collector as a Deployment scraping the kubelet
    /// through the API server, Container Insights for Fargate, vendors' sidecar agents):
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
    ///   output.conf: |
    ///     [OUTPUT]
    ///         Name cloudwatch_logs
    ///         Match *
    ///         region eu-west-1
    ///         log_group_name /aws/eks/prod/fargate
    ///         auto_create_group true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/fargate.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/fargate-logging.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/monitoring-fargate-usage.html>
    "fargate-observability",
    run,
    needs = ["pods", "nodes", "configmaps", "namespaces", "apps/daemonsets"]
}

/// Detectors of agents that watch pods from their node.
const AGENTS: [&str; 13] = [
    "fluent-bit",
    "fluentd",
    "other-log-shippers",
    "splunk",
    "container-insights",
    "otel",
    "commercial-observability",
    "prometheus",
    "twistlock",
    "aqua",
    "sysdig",
    "stackrox",
    "guardduty-runtime",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let fargate_pods: Vec<&Object> = running_pods::pods(cx.inv)
        .filter(|p| {
            let phase = p.root().at(&["status", "phase"]).and_then(Node::as_str);
            !matches!(phase, Some("Succeeded" | "Failed"))
        })
        .filter(|p| on_fargate(cx, p))
        .collect();
    if fargate_pods.is_empty() {
        return;
    }
    let mut problems = Vec::new();
    if !log_router_enabled(cx) {
        problems.push(
            "no Fargate log router (ConfigMap `aws-observability/aws-logging` in a Namespace \
             labelled `aws-observability: enabled`): their logs are not shipped"
                .to_string(),
        );
    }
    let daemonset_only: Vec<&str> = AGENTS
        .iter()
        .filter_map(|id| cx.detections.get(id))
        .filter(|d| runs_only_as_daemonsets(cx, d))
        .map(|d| d.detector)
        .collect();
    let without_sidecar = fargate_pods.iter().filter(|p| !has_sidecar(p)).count();
    if !daemonset_only.is_empty() && without_sidecar > 0 {
        problems.push(format!(
            "{} run{} only as DaemonSets and cannot reach the {without_sidecar} Fargate pod{} \
             without a sidecar",
            daemonset_only.join(", "),
            if daemonset_only.len() == 1 { "s" } else { "" },
            if without_sidecar == 1 { "" } else { "s" }
        ));
    }
    if problems.is_empty() {
        out.pass(cluster);
        return;
    }
    out.warn(
        Subject::object(cluster),
        format!(
            "{} pod{} run on Fargate ({}), but {}; expected the Fargate log router and \
             sidecar or Fargate-compatible agents",
            fargate_pods.len(),
            if fargate_pods.len() == 1 { "" } else { "s" },
            worker_nodes::name_list(fargate_pods.iter().map(|p| p.name()), 3),
            problems.join("; ")
        ),
    );
}

fn on_fargate(cx: &Context<'_>, pod: &Object) -> bool {
    let Some(name) = running_pods::node_name(pod) else {
        return false;
    };
    match running_pods::node(cx.inv, name) {
        Some(node) => worker_nodes::compute(node) == Compute::Fargate,
        None => name.starts_with("fargate-"),
    }
}

fn log_router_enabled(cx: &Context<'_>) -> bool {
    let namespace = "aws-observability";
    let config = cx
        .inv
        .find("ConfigMap", Some(namespace), "aws-logging")
        .filter(|c| c.api_group().is_empty());
    let labelled = cx
        .inv
        .find("Namespace", None, namespace)
        .filter(|n| n.api_group().is_empty())
        .is_none_or(|n| n.label("aws-observability") == Some("enabled"));
    config.is_some() && labelled
}

/// The detection's workloads are all DaemonSets (or Pods of DaemonSets).
fn runs_only_as_daemonsets(cx: &Context<'_>, detection: &kwar_detect::Detection) -> bool {
    let mut kinds = detection
        .matches
        .iter()
        .filter(|m| matches!(m.signal, Signal::Workload | Signal::Image))
        .filter_map(|m| {
            let object = cx.inv.object(m.object);
            let w = cx.inv.workload_of(m.object)?;
            Some(match w.kind {
                WorkloadKind::Pod => worker_nodes::is_daemonset_pod(object),
                kind => kind == WorkloadKind::DaemonSet,
            })
        })
        .peekable();
    kinds.peek().is_some() && kinds.all(|is_daemonset| is_daemonset)
}

/// More than one container runs for the pod's lifetime: an agent may ride along.
fn has_sidecar(pod: &Object) -> bool {
    let spec = pod.root().get("spec");
    let count = |field: &str, sidecars_only: bool| {
        spec.and_then(|s| s.get(field))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|c| {
                !sidecars_only || c.get("restartPolicy").and_then(Node::as_str) == Some("Always")
            })
            .count()
    };
    count("containers", false) + count("initContainers", true) > 1
}
