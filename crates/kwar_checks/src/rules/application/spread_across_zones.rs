use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Deployments/StatefulSets with >= 2 replicas outside system_namespaces.
///
/// Passes when topologySpreadConstraints on topology.kubernetes.io/zone (and/or
/// kubernetes.io/hostname), or preferred podAntiAffinity on zone.
///
/// Warns when only hostname-level anti-affinity/spread.
///
/// Fails when no anti-affinity and no topology spread.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Use topologySpreadConstraints on zone and hostname (ScheduleAnyway or DoNotSchedule with
/// minDomains) rather than hard anti-affinity at scale.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_using_pod_topology_spread_constraints>
    "spread-across-zones",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement spread-across-zones
}
