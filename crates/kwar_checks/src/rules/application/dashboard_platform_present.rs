use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the teams have a dashboard platform, through the catalog's detectors:
    /// - a platform: `grafana` (Grafana workloads, Grafana Operator CRDs, dashboard
    ///   ConfigMaps labelled `grafana_dashboard`), `container-insights` (the CloudWatch agent,
    ///   whose Container Insights comes with CloudWatch dashboards), or
    ///   `commercial-observability` (Datadog, New Relic, Dynatrace, Splunk, Elastic… agents,
    ///   whose vendor UI provides dashboards);
    /// - `kubernetes-dashboard`: the Kubernetes Dashboard web UI.
    ///
    /// On a whole cluster (live, snapshot, or manifests declared `--complete`), on the
    /// Cluster object: pass when a platform is found; warn when only the Kubernetes
    /// Dashboard is (an object browser, not a monitoring dashboard); fail when neither is.
    /// On manifests alone a platform found passes on the first object that shows it, and
    /// nothing else is concluded. Amazon Managed Grafana and custom CloudWatch dashboards live
    /// in the AWS account and are invisible from the cluster: the fail message says so, and
    /// the item's question covers them.
    ///
    /// ## Why it matters
    /// During an incident people need to see, in seconds, what changed: traffic, errors,
    /// latency and saturation per service and for the cluster. Without shared dashboards each
    /// responder rebuilds the picture from raw queries, and capacity or cost trends go
    /// unnoticed.
    ///
    /// ## How to fix
    /// Provide dashboards as code on a maintained platform — Amazon Managed Grafana on top of
    /// Amazon Managed Service for Prometheus, the CloudWatch Observability add-on, or Grafana
    /// from kube-prometheus-stack:
    /// ```sh
    /// aws eks create-addon --cluster-name prod-eu --addon-name amazon-cloudwatch-observability
    /// helm install kps prometheus-community/kube-prometheus-stack -n monitoring --create-namespace \
    ///   --set grafana.enabled=true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_workload_observability_create_dashboards.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-observe.html>
    "dashboard-platform-present",
    run,
    needs = [
        "apps/deployments",
        "apps/daemonsets",
        "apps/statefulsets",
        "apiextensions.k8s.io/customresourcedefinitions"
    ]
}

const PLATFORMS: [&str; 3] = ["grafana", "container-insights", "commercial-observability"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let platform = cx.detections.first_of(&PLATFORMS);
    let Some(cluster) = cx.whole_cluster() else {
        if let Some(id) = platform.and_then(|d| d.objects().next()) {
            out.pass(cx.inv.object(id));
        }
        return;
    };
    if platform.is_some() {
        out.pass(cluster);
    } else if cx.detections.is_present("kubernetes-dashboard") {
        out.warn(
            Subject::object(cluster),
            "only the Kubernetes Dashboard was found: it browses objects but shows no \
             service or cluster metrics over time; expected Grafana, CloudWatch Container \
             Insights or a vendor UI",
        );
    } else {
        out.fail(
            Subject::object(cluster),
            format!(
                "no dashboard platform detected (looked for the detectors {}, \
                 kubernetes-dashboard); Amazon Managed Grafana and CloudWatch dashboards are \
                 not visible from the cluster",
                PLATFORMS.join(", ")
            ),
        );
    }
}
