use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: all_workloads outside system_namespaces (or their Namespace).
///
/// Passes when an ownership/cost label from parameters.ownership_labels is present on the workload
/// or its Namespace.
///
/// Warns when no ownership label (no owner to page; cost cannot be allocated).
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
    "ownership-label",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement ownership-label
}
