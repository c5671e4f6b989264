use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: all_workloads and Services outside system_namespaces.
///
/// Passes when app.kubernetes.io/name and app.kubernetes.io/instance present on workload and pod
/// template.
///
/// Warns when recommended labels missing.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Adopt the app.kubernetes.io/* recommended labels plus an ownership/cost-center label, enforced
/// by policy (Kyverno/Gatekeeper/ValidatingAdmissionPolicy).
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-awareness.html#_tagging_of_resources>
    "recommended-labels",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement recommended-labels
}
