use crate::daemonset_coverage::{detected_daemonsets, joint_reach, Coverage, Reach};
use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// Whether container logs leave the nodes: the log shipper DaemonSets detected —
    /// Fluent Bit (including the CloudWatch Observability add-on's), Fluentd, the Splunk
    /// agent, and Filebeat, Elastic Agent, Promtail, Alloy, Grafana Agent, Vector, Logstash,
    /// Sumo Logic or Datadog.
    /// - in a cluster snapshot, pass on the Cluster when one shipper is ready on every EC2
    ///   node (EKS Auto Mode included), or when the shippers together leave no EC2 node out
    ///   and all their pods are ready (a Linux and a Windows shipper, say); warn on the
    ///   Cluster otherwise, naming the nodes none of them can run on and why (untolerated
    ///   taints, nodeSelector or affinity) and the DaemonSets whose pods are not ready;
    /// - on a whole cluster without any shipper DaemonSet: fail on the Cluster — except a
    ///   cluster with no EC2 node whose Fargate log router is configured (ConfigMap
    ///   `aws-observability/aws-logging`), which passes (`fargate-logging` judges that
    ///   configuration);
    /// - in manifests, a shipper DaemonSet passes (presence); its absence says nothing.
    ///
    /// A shipper DaemonSet without status in a cluster input makes the verdict `unknown`.
    /// Fargate nodes never run DaemonSets and are not counted.
    ///
    /// ## Why it matters
    /// Container logs are files on the node, rotated after a few megabytes and deleted with
    /// the pod or the node. Without a shipper, the evidence of a crash, an incident or an
    /// intrusion is gone by the time someone looks — and Karpenter or a node group scale-in
    /// removes nodes every day.
    ///
    /// ## How to fix
    /// Install the Amazon CloudWatch Observability add-on (Fluent Bit on every node), or
    /// another shipper that tolerates every taint:
    /// ```sh
    /// aws eks create-addon --cluster-name prod --addon-name amazon-cloudwatch-observability \
    ///   --service-account-role-arn arn:aws:iam::123456789012:role/cloudwatch-agent
    /// kubectl -n amazon-cloudwatch get ds fluent-bit   # DESIRED == READY == EC2 node count
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_centralized_logging_tools_to_collect_and_persist_logs>
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    "shipper-present",
    run,
    needs = ["apps/daemonsets", "nodes", "configmaps"]
}

const SHIPPERS: [&str; 4] = ["fluent-bit", "fluentd", "splunk", "other-log-shippers"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut shippers: Vec<&Object> = Vec::new();
    for detection in SHIPPERS.iter().filter_map(|id| cx.detections.get(id)) {
        for ds in detected_daemonsets(cx.inv, detection) {
            if !shippers.iter().any(|s| s.id == ds.id) {
                shippers.push(ds);
            }
        }
    }
    let Some(cluster) = cx.cluster_object() else {
        // Manifests: a shipper is evidence of presence, its absence of nothing.
        if let Some(first) = shippers.first() {
            out.pass(first);
        }
        return;
    };
    if shippers.is_empty() {
        judge_absence(cx, out);
        return;
    }
    let names = shippers
        .iter()
        .map(|s| format!("`{}/{}`", s.namespace_key(), s.name()))
        .collect::<Vec<_>>()
        .join(", ");
    let coverages: Option<Vec<Coverage>> =
        shippers.iter().map(|ds| Coverage::of(cx.inv, ds)).collect();
    let Some(coverages) = coverages else {
        out.unknown(
            Subject::object(cluster),
            format!("cannot judge log shipping coverage: the status of {names} was not collected"),
        );
        return;
    };
    match joint_reach(&coverages) {
        Reach::Full => out.pass(cluster),
        Reach::Partial(gap) => out.warn(
            Subject::object(cluster),
            format!("log shippers ({names}) do not cover every EC2 node: {gap}"),
        ),
        Reach::Unknown(why) => out.unknown(
            Subject::object(cluster),
            format!("cannot judge log shipping coverage of {names}: {why}"),
        ),
    }
}

/// No shipper DaemonSet: a failure on a whole cluster, unless Fargate's log router is all
/// the cluster needs.
fn judge_absence(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let has_nodes = worker_nodes::nodes(cx.inv).next().is_some();
    let no_ec2 = worker_nodes::ec2_nodes(cx.inv).next().is_none();
    let fargate_router = cx
        .inv
        .find("ConfigMap", Some("aws-observability"), "aws-logging")
        .is_some_and(|c| c.api_group().is_empty());
    if has_nodes && no_ec2 && fargate_router {
        out.pass(cluster);
        return;
    }
    out.fail(
        Subject::object(cluster),
        "no log shipper runs in the cluster (no Fluent Bit, Fluentd, Splunk, Vector, Promtail, \
         Filebeat… DaemonSet): container logs are lost with their pods and nodes; install the \
         CloudWatch Observability add-on or another shipper",
    );
}
