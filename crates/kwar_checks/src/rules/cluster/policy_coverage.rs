use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: pods in non-system namespaces.
///
/// Passes when every pod selected by at least one policy.
///
/// Warns when some pods unselected (allow-all).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Enable VPC CNI network policy (or Calico/Cilium), apply default-deny per namespace with explicit
/// allows (incl. DNS), and combine with security groups for pods where AWS resources need SG rules.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_network_policy>
/// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
    "policy-coverage",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement policy-coverage
}
