use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: ALB Ingresses and NLB Services.
///
/// Passes when target-type ip (direct to pods).
///
/// Warns when instance mode (extra hop, NodePort exposure).
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
    "ip-target-mode",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement ip-target-mode
}
