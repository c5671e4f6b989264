use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Services type LoadBalancer.
///
/// Passes when ssl-cert and ssl-ports annotations (or TLS terminated in-pod).
///
/// Fails when no TLS.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Terminate TLS (1.2+) at the load balancer with ACM certificates, redirect HTTP, and encrypt
/// east-west traffic with mTLS or app TLS where required.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_encryption_in_transit>
/// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_protect_data_transit_encrypt.html>
    "service-lb-tls-annotations",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement service-lb-tls-annotations
}
