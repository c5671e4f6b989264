use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: HPAs.
///
/// Passes when minReplicas >= 2 and maxReplicas > minReplicas.
///
/// Warns when minReplicas 1 or maxReplicas == minReplicas.
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
    "hpa-min-max-sane",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement hpa-min-max-sane
}
