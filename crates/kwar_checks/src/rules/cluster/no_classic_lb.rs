use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Services type LoadBalancer.
///
/// Passes when handled by AWS Load Balancer Controller / Auto Mode (NLB) - aws-load-balancer-type
/// external or loadBalancerClass set.
///
/// Warns when no annotations - legacy in-tree cloud provider creates a Classic Load Balancer.
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
    "no-classic-lb",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-classic-lb
}
