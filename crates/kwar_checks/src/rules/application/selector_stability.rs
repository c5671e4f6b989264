use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Deployments/StatefulSets.
///
/// Passes when spec.selector does not include app.kubernetes.io/version or other per-release
/// labels.
///
/// Fails when selector includes a version/commit label (immutable selector breaks upgrades).
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
    "selector-stability",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement selector-stability
}
