use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: long_running workloads outside system_namespaces.
///
/// Passes when tracing env vars or OTel injection annotation present.
///
/// Warns when no tracing signal.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Adopt OpenTelemetry (ADOT) with an X-Ray or other backend; propagate trace context and set
/// sampling rules.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_a_distributed_tracing_system_to_identify_bottlenecks>
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_observability_dist_trace.html>
    "workload-instrumented",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement workload-instrumented
}
