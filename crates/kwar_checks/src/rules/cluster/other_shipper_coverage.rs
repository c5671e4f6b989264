use kwar_inventory::ObjectId;

use crate::daemonset_coverage::{detected_daemonsets, report_each};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The DaemonSets of log shippers and observability agents other than Fluent Bit,
    /// Fluentd and Splunk: Filebeat and Elastic Agent, Promtail, Grafana Alloy and Grafana
    /// Agent, Vector, Logstash, Sumo Logic, Datadog, New Relic, Dynatrace.
    /// - in a cluster snapshot, each such DaemonSet passes when `numberReady` equals
    ///   `desiredNumberScheduled` and it is scheduled on every EC2 node (EKS Auto Mode
    ///   included), and warns otherwise, naming the nodes it cannot run on and why (a taint
    ///   it does not tolerate, a nodeSelector or node affinity the node does not match) and
    ///   how many pods are not ready;
    /// - in manifests as well as clusters, an environment variable of its containers whose
    ///   name ends in `_KEY`, `_TOKEN`, `_PASSWORD`, `_PASSWD`, `_SECRET` or `APIKEY`
    ///   (`DD_API_KEY`, `NEW_RELIC_LICENSE_KEY`, `ELASTICSEARCH_PASSWORD`…) with a literal
    ///   `value` warns on that variable: the credential should come from a Secret
    ///   (`valueFrom.secretKeyRef`). Values that only reference another variable (`$(…)`)
    ///   are not credentials.
    ///
    /// DaemonSets that the Splunk or Sysdig detectors also claim are judged by
    /// `splunk-coverage` and `sysdig-coverage` instead. DaemonSets without status in a
    /// cluster input are `unknown`; manifests alone cannot show coverage.
    ///
    /// ## Why it matters
    /// A node without the shipper loses its containers' logs when they rotate, and the gap
    /// shows only when someone searches during an incident. A literal API key in the pod
    /// spec is readable by everyone who can read DaemonSets, lands in Git and in every
    /// snapshot, and cannot be rotated without a redeploy.
    ///
    /// ## How to fix
    /// Tolerate every taint, and read credentials from a Secret:
    /// ```yaml
    /// tolerations:
    ///   - operator: Exists
    /// containers:
    ///   - name: agent
    ///     env:
    ///       - name: DD_API_KEY
    ///         valueFrom:
    ///           secretKeyRef: {name: datadog-secret, key: api-key}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables>
    "other-shipper-coverage",
    run,
    needs = ["apps/daemonsets", "nodes"]
}

const DETECTORS: [&str; 2] = ["other-log-shippers", "commercial-observability"];
/// Detectors whose own checks judge their agents' coverage.
const JUDGED_ELSEWHERE: [&str; 2] = ["splunk", "sysdig"];
const CREDENTIAL_SUFFIXES: [&str; 6] = [
    "_KEY",
    "_TOKEN",
    "_PASSWORD",
    "_PASSWD",
    "_SECRET",
    "APIKEY",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let elsewhere: Vec<ObjectId> = JUDGED_ELSEWHERE
        .iter()
        .filter_map(|id| cx.detections.get(id))
        .flat_map(|d| detected_daemonsets(cx.inv, d))
        .map(|o| o.id)
        .collect();
    let mut shippers: Vec<&Object> = Vec::new();
    for detection in DETECTORS.iter().filter_map(|id| cx.detections.get(id)) {
        for ds in detected_daemonsets(cx.inv, detection) {
            if !elsewhere.contains(&ds.id) && !shippers.iter().any(|s| s.id == ds.id) {
                shippers.push(ds);
            }
        }
    }
    if cx.cluster_object().is_some() {
        report_each(cx.inv, out, &shippers, "a log shipper");
    }
    for ds in shippers {
        literal_credentials(cx, ds, out);
    }
}

/// Warns on every credential-like environment variable with a literal value.
fn literal_credentials(cx: &Context<'_>, ds: &Object, out: &mut Outcomes) {
    let Some(workload) = cx.inv.workload_of(ds.id) else {
        return;
    };
    for container in workload.containers(ds) {
        let env = container.get("env").map(Node::items).unwrap_or_default();
        for (i, var) in env.iter().enumerate() {
            let Some(name) = var.get("name").and_then(Node::as_str) else {
                continue;
            };
            let upper = name.to_ascii_uppercase();
            if !CREDENTIAL_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
                continue;
            }
            let literal = var
                .get("value")
                .and_then(Node::scalar_text)
                .is_some_and(|v| !v.trim().is_empty() && !v.trim_start().starts_with("$("));
            if literal {
                out.warn(
                    Subject::container(ds, &container).field(&format!("env[{i}]"), Some(var)),
                    format!(
                        "container `{}` of DaemonSet `{}/{}` sets `{name}` as a literal value: \
                         read it from a Secret (`valueFrom.secretKeyRef`)",
                        container.name,
                        ds.namespace_key(),
                        ds.name()
                    ),
                );
            }
        }
    }
}
