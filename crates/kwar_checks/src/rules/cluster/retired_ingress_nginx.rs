use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: IngressClass controller k8s.io/ingress-nginx or ingress-nginx controller images.
///
/// Passes when absent.
///
/// Fails when community ingress-nginx in use (retired March 2026 - no security fixes).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Use AWS Load Balancer Controller (or Auto Mode) with IP targets, or a maintained in-cluster
/// controller run HA; migrate off community ingress-nginx; consider Gateway API.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html>
/// - <https://kubernetes.io/docs/concepts/services-networking/ingress-controllers/>
    "retired-ingress-nginx",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement retired-ingress-nginx
}
