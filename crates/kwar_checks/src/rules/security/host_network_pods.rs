use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: workloads outside system_namespaces.
///
/// Passes when no hostNetwork pods.
///
/// Warns when hostNetwork pods (bypass pod network policy, share node ports).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Rely on SGs and CNI-managed host policies (Calico HostEndpoint, Cilium host firewall) rather
/// than hand-edited node firewalls.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html>
    "host-network-pods",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement host-network-pods
}
