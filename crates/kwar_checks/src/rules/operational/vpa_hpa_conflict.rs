use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: workloads targeted by both VPA (mode != Off) and an HPA on cpu/memory.
///
/// Passes when no overlap.
///
/// Fails when VPA and HPA act on the same resource metric (oscillation).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Run VPA in Off/Initial mode to right-size requests, and never let VPA and HPA scale on the same
/// CPU/memory metric.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/vertical-pod-autoscale/>
/// - <https://docs.aws.amazon.com/eks/latest/userguide/vertical-pod-autoscaler.html>
    "vpa-hpa-conflict",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement vpa-hpa-conflict
}
