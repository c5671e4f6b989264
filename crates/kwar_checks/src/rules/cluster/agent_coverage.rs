use crate::node_selection::{blocking_taints, tolerates, NodeConstraints};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every node-level metrics agent DaemonSet — a DaemonSet whose name contains
    /// `node-exporter`, `cloudwatch-agent`, `datadog`, `newrelic`, `nrk8s`, `oneagent`,
    /// `dynatrace`, `splunk-otel-collector`, `elastic-agent`, `metricbeat`, `sysdig-agent`,
    /// `grafana-agent`, `alloy`, `otel`, `opentelemetry` or `adot` — runs a ready pod on every
    /// node it should cover, as its status recorded it:
    /// - pass: `status.numberReady` equals `status.desiredNumberScheduled`, and the desired
    ///   count is not below the number of nodes the agent targets;
    /// - warn: some agent pods are not ready (crash-looping, image pull errors, starting), or
    ///   some targeted nodes get no agent pod — typically a `NoSchedule`/`NoExecute` taint
    ///   the DaemonSet does not tolerate (the finding names the taints).
    ///
    /// Targeted nodes are the Nodes of the input except Fargate nodes
    /// (`eks.amazonaws.com/compute-type: fargate`, which cannot run DaemonSets) and virtual
    /// kubelets, restricted to those matching the DaemonSet's `nodeSelector` and required
    /// node affinity: an agent deliberately limited to Linux or to some node pools is judged
    /// on those. Taints of the `node.kubernetes.io/` family are ignored (the DaemonSet
    /// controller tolerates them itself). A DaemonSet without status (hand-written manifests)
    /// is `unknown` in a live cluster or snapshot and not evaluated otherwise; without Nodes in the
    /// input, only readiness is judged.
    ///
    /// ## Why it matters
    /// A node without its agent is invisible: its CPU, memory and disk pressure, its pods'
    /// resource usage and its failures never reach the dashboards and alerts. Dedicated node
    /// pools (GPU, Spot, tainted system pools) are the usual blind spots, and they are often
    /// where the incidents happen.
    ///
    /// ## How to fix
    /// Let the agent tolerate every taint (agents should run everywhere), and look at the
    /// pods that are not ready:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: DaemonSet
    /// metadata: {name: prometheus-node-exporter, namespace: monitoring}
    /// spec:
    ///   template:
    ///     spec:
    ///       tolerations:
    ///         - operator: Exists      # every taint, every effect
    ///       priorityClassName: system-node-critical
    /// ```
    /// ```sh
    /// kubectl get pods -n monitoring -l app.kubernetes.io/name=prometheus-node-exporter \
    ///   -o wide | grep -v Running
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/prometheus.html>
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations>
    "agent-coverage",
    run,
    needs = ["apps/daemonsets", "nodes"]
}

const AGENT_NAMES: [&str; 16] = [
    "node-exporter",
    "cloudwatch-agent",
    "datadog",
    "newrelic",
    "nrk8s",
    "oneagent",
    "dynatrace",
    "splunk-otel-collector",
    "elastic-agent",
    "metricbeat",
    "sysdig-agent",
    "grafana-agent",
    "alloy",
    "otel",
    "opentelemetry",
    "adot",
];

fn is_metrics_agent(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    AGENT_NAMES.iter().any(|a| name.contains(a))
}

/// Nodes that can run DaemonSet pods at all: not Fargate, not a virtual kubelet.
fn is_real_node(node: &Object) -> bool {
    node.label("eks.amazonaws.com/compute-type") != Some("fargate")
        && node.label("type") != Some("virtual-kubelet")
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let nodes: Vec<&Object> = cx
        .inv
        .of_kind("Node")
        .filter(|n| n.api_group().is_empty() && is_real_node(n))
        .collect();
    for (w, ds) in cx.all_workloads() {
        if w.kind != WorkloadKind::DaemonSet || !is_metrics_agent(ds.name()) {
            continue;
        }
        let status = ds.root().get("status");
        let number = |key: &str| status.and_then(|s| s.get(key)).and_then(Node::as_i64);
        let Some(desired) = number("desiredNumberScheduled") else {
            if cx.collected_from_cluster() {
                out.unknown(
                    Subject::object(ds).at("status", None),
                    format!(
                        "DaemonSet `{}` has no status.desiredNumberScheduled: its state was not \
                         collected",
                        ds.display_name()
                    ),
                );
            }
            continue;
        };
        let ready = number("numberReady").unwrap_or(0);
        let mut problems = Vec::new();
        if ready < desired {
            problems.push(format!(
                "{} of its {desired} pods are not ready (crash-looping, failing to pull or \
                 starting)",
                desired - ready
            ));
        }

        let pod_spec = w.pod_spec(ds);
        let constraints = pod_spec.and_then(NodeConstraints::of);
        let targeted: Vec<&Object> = nodes
            .iter()
            .copied()
            .filter(|n| constraints.as_ref().is_none_or(|c| c.matches(n)))
            .collect();
        let mut untolerated: Vec<String> = Vec::new();
        let mut blocked_nodes = 0;
        for node in &targeted {
            let blocking: Vec<String> = blocking_taints(node)
                .into_iter()
                .filter(|t| {
                    let key = t.get("key").and_then(Node::as_str).unwrap_or_default();
                    !key.starts_with("node.kubernetes.io/")
                        && pod_spec.is_none_or(|spec| !tolerates(spec, t))
                })
                .map(|t| {
                    let text = |k: &str| t.get(k).and_then(Node::scalar_text).unwrap_or_default();
                    let value = text("value");
                    if value.is_empty() {
                        format!("{}:{}", text("key"), text("effect"))
                    } else {
                        format!("{}={}:{}", text("key"), value, text("effect"))
                    }
                })
                .collect();
            if !blocking.is_empty() {
                blocked_nodes += 1;
                for taint in blocking {
                    if !untolerated.contains(&taint) {
                        untolerated.push(taint);
                    }
                }
            }
        }
        if blocked_nodes > 0 {
            problems.push(format!(
                "it does not run on {blocked_nodes} of the {} nodes it targets: taint(s) {} not \
                 tolerated",
                targeted.len(),
                untolerated.join(", ")
            ));
        } else if !targeted.is_empty() && desired < targeted.len() as i64 {
            problems.push(format!(
                "it schedules {desired} pods for the {} nodes it targets",
                targeted.len()
            ));
        }

        if problems.is_empty() {
            out.pass(ds);
        } else {
            out.warn(
                Subject::object(ds).at("status", status),
                format!(
                    "metrics agent `{}` leaves nodes unobserved: {}",
                    ds.display_name(),
                    problems.join("; ")
                ),
            );
        }
    }
}
