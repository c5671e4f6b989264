use crate::daemonset_coverage::{detected_daemonsets, report_each};
use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// In a cluster snapshot where Splunk forwarding is detected (the Splunk OpenTelemetry
    /// Collector, Splunk Connect for Kubernetes, `quay.io/signalfx/splunk-otel-collector` or
    /// `splunk/fluentd-hec` images):
    /// - each Splunk agent DaemonSet: pass when `numberReady` equals
    ///   `desiredNumberScheduled` and it is scheduled on every EC2 node (EKS Auto Mode
    ///   included); warn otherwise, naming the nodes it cannot run on and why (a taint it
    ///   does not tolerate, a nodeSelector or node affinity the node does not match) and how
    ///   many pods are not ready;
    /// - on a whole cluster with EC2 nodes, Splunk found without any agent DaemonSet (only
    ///   the cluster receiver or objects Deployment): warn on the Cluster — container logs
    ///   are read from each node's disk, so nothing collects them.
    ///
    /// Deployments (the collector's cluster receiver, `splunk-kubernetes-objects`) collect
    /// cluster-level data and are not judged for node coverage. DaemonSets without status
    /// are `unknown`; manifests alone cannot show coverage: no verdict. Where the HEC token
    /// comes from is judged by `splunk-token-secret`.
    ///
    /// ## Why it matters
    /// Container logs live on the node that ran the container. A node without the agent —
    /// a tainted pool, a Windows node, a crash-looping pod — has its logs rotated away
    /// unseen, and the gap shows only when someone searches Splunk during an incident.
    ///
    /// ## How to fix
    /// Let the agent tolerate every taint and check it runs everywhere:
    /// ```sh
    /// helm upgrade splunk-otel-collector splunk-otel-collector-chart/splunk-otel-collector \
    ///   --reuse-values --set agent.tolerations[0].operator=Exists
    /// kubectl get ds -A -l app=splunk-otel-collector   # DESIRED == READY == EC2 node count
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    /// - <https://docs.splunk.com/observability/en/gdi/opentelemetry/collector-kubernetes/kubernetes-config.html>
    "splunk-coverage",
    run,
    needs = ["apps/daemonsets", "nodes"]
}

const ROLE: &str = "the Splunk agent";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("splunk") else {
        return;
    };
    if cx.cluster_object().is_none() {
        return;
    }
    let agents = detected_daemonsets(cx.inv, detection);
    report_each(cx.inv, out, &agents, ROLE);
    if !agents.is_empty() {
        return;
    }
    if let Some(cluster) = cx.whole_cluster() {
        if worker_nodes::ec2_nodes(cx.inv).next().is_some() {
            out.warn(
                Subject::object(cluster),
                "Splunk forwarding is installed but no Splunk agent DaemonSet runs: container \
                 logs on the nodes are not collected; deploy the collector's agent DaemonSet",
            );
        }
    }
}
