use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: long_running workloads outside system_namespaces.
///
/// Passes when workload is targeted by a ServiceMonitor/PodMonitor, prometheus.io/scrape
/// annotation, OTel injection, or vendor autodiscovery.
///
/// Warns when no application-metrics signal (only node/container resource metrics will exist).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Instrument services with a Prometheus or OpenTelemetry client library and register them for
/// scraping (ServiceMonitor/PodMonitor or collector config).
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_prometheus_client_library_to_expose_application_metrics>
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_observability_application_telemetry.html>
    "workload-scrape-coverage",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement workload-scrape-coverage
}
