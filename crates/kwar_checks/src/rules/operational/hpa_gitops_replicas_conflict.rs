use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: HPA targets managed by GitOps.
///
/// Passes when spec.replicas omitted from the Git-managed Deployment (or ignored by the GitOps
/// tool).
///
/// Warns when spec.replicas set in Git - each sync fights the HPA.
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
    "hpa-gitops-replicas-conflict",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement hpa-gitops-replicas-conflict
}
