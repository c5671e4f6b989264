use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: KEDA TriggerAuthentication for AWS scalers.
///
/// Passes when podIdentity provider aws (IRSA/Pod Identity).
///
/// Warns when static AWS keys in a Secret.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Scale on business signals (queue depth, request rate) through KEDA or prometheus-adapter with
/// IAM via Pod Identity; archived CloudWatch adapters should be replaced.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_scaling_applications_based_on_custom_or_external_metrics>
/// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    "keda-auth-via-pod-identity",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement keda-auth-via-pod-identity
}
