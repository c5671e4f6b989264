use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: HPAs using Resource metrics with target type Utilization.
///
/// Passes when all containers of the target define requests for that resource.
///
/// Fails when requests missing - HPA cannot compute utilization.
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
    "hpa-requests-present",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement hpa-requests-present
}
