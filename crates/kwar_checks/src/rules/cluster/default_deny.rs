use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: non-system namespaces.
///
/// Passes when default-deny ingress and egress policy (empty podSelector) plus explicit allows,
/// including DNS egress to kube-dns.
///
/// Warns when default-deny ingress only.
///
/// Fails when no default-deny policy.
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
    "default-deny",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement default-deny
}
