use crate::prelude::*;
use crate::presence::{component_check, Absent};

declare_check! {
    /// ## What it checks
    /// Whether the cluster ships container logs off the nodes, through the detectors of the
    /// catalog's log aggregation item (any of their signals):
    /// - `fluent-bit`: Fluent Bit / aws-for-fluent-bit DaemonSets or images, or Fargate's
    ///   built-in log router configuration (`aws-observability/aws-logging`);
    /// - `fluentd`: Fluentd DaemonSets or images;
    /// - `container-insights`: the CloudWatch agent / amazon-cloudwatch-observability add-on
    ///   (it runs Fluent Bit);
    /// - `splunk`: Splunk OpenTelemetry Collector or Splunk Connect for Kubernetes;
    /// - `other-log-shippers`: Filebeat, Elastic Agent, Promtail, Grafana Alloy or Agent,
    ///   Vector, Logstash, Sumo Logic, Datadog agents.
    ///
    /// Pass when one is found (on the Cluster object of a whole cluster, else on the first
    /// object that shows it); fail on the Cluster object when none is found on a whole cluster
    /// (live, snapshot, or manifests declared `--complete`). Manifests alone cannot show
    /// absence: without a finding nothing is concluded. Whether the shipper covers every node
    /// is judged by `shipper-present`.
    ///
    /// ## Why it matters
    /// Container logs live on the node only until the container is replaced or the node goes
    /// away: after a crash loop, a scale-in, a Spot interruption or a node replacement they
    /// are gone — exactly when they are needed to understand what happened. Audit and
    /// security investigations need them centrally too.
    ///
    /// ## How to fix
    /// Ship logs with a DaemonSet to a central store with retention, e.g. the CloudWatch
    /// Observability add-on (Fluent Bit to CloudWatch Logs):
    /// ```sh
    /// aws eks create-addon --cluster-name prod-eu --addon-name amazon-cloudwatch-observability
    /// ```
    /// or aws-for-fluent-bit / Fluent Bit to OpenSearch, Loki or S3.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_centralized_logging_tools_to_collect_and_persist_logs>
    "logs-shipped",
    run,
    needs = [
        "apps/daemonsets",
        "apps/deployments",
        "apiextensions.k8s.io/customresourcedefinitions"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    component_check(
        cx,
        out,
        &[
            "fluent-bit",
            "fluentd",
            "container-insights",
            "splunk",
            "other-log-shippers",
        ],
        Absent {
            verdict: Verdict::Fail,
            message: "no log shipper detected: container logs stay on the nodes and are lost \
                      when pods are replaced or nodes go away",
        },
    );
}
