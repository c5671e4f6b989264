use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: stateless Deployments outside system_namespaces with variable load.
///
/// Passes when an HPA or KEDA ScaledObject targets the workload.
///
/// Warns when no horizontal autoscaling.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Autoscale stateless workloads with HPA (or KEDA) on CPU/memory or relevant custom metrics, with
/// requests set, minReplicas >= 2 and replicas left out of Git.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-coverage",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement hpa-coverage
}
