use std::collections::BTreeSet;

use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// Workloads whose pods carry hard inter-pod placement constraints — required pod
    /// anti-affinity or pod affinity
    /// (`affinity.pod(Anti)Affinity.requiredDuringSchedulingIgnoredDuringExecution`), or a
    /// `topologySpreadConstraints` entry with `whenUnsatisfiable: DoNotSchedule` — in every
    /// namespace, judged on a cluster snapshot or live cluster from their Pods:
    /// - fail when one of its pods is `Pending` and unscheduled (`PodScheduled=False`,
    ///   reason `Unschedulable`) with a scheduler message citing those constraints ("didn't
    ///   match pod anti-affinity rules", "didn't satisfy existing pods anti-affinity rules",
    ///   "didn't match pod affinity rules", "didn't match pod topology spread constraints"),
    ///   for at least 5 minutes before the evidence was collected (a pod waiting briefly
    ///   while Karpenter or the Cluster Autoscaler adds a node is normal);
    /// - pass otherwise.
    ///
    /// Pods pending for other reasons (insufficient CPU, a node selector no node matches) are
    /// left to other checks. Pods are related to their workload through their owners (Pod →
    /// ReplicaSet → Deployment, StatefulSet, Job → CronJob). Required pod affinity is
    /// included with anti-affinity: it is the same kind of hard constraint and fails the same
    /// way. Without pod status (manifests alone) nothing is evaluated.
    ///
    /// ## Why it matters
    /// Hard constraints trade scheduling flexibility for a guarantee. With required
    /// anti-affinity on `kubernetes.io/hostname`, replica N+1 needs an N+1th node; with
    /// `DoNotSchedule` on zones, a zone without capacity blocks the rollout. The pods then
    /// stay Pending: a scale-up under load does not happen, and a rolling update stalls with
    /// fewer replicas than planned.
    ///
    /// ## How to fix
    /// Prefer soft constraints, or make the hard ones satisfiable (`minDomains` with enough
    /// zones, node pools that can grow in every zone):
    /// ```yaml
    /// topologySpreadConstraints:
    ///   - maxSkew: 1
    ///     topologyKey: topology.kubernetes.io/zone
    ///     whenUnsatisfiable: ScheduleAnyway
    ///     labelSelector: {matchLabels: {app: api}}
    /// affinity:
    ///   podAntiAffinity:
    ///     preferredDuringSchedulingIgnoredDuringExecution:
    ///       - weight: 100
    ///         podAffinityTerm:
    ///           topologyKey: kubernetes.io/hostname
    ///           labelSelector: {matchLabels: {app: api}}
    /// ```
    /// `kubectl describe pod POD` shows the scheduler's `FailedScheduling` event.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_using_pod_topology_spread_constraints>
    "hard-constraints-satisfiable",
    run,
    needs = ["pods", "apps/deployments", "apps/replicasets", "apps/statefulsets"]
}

/// What kube-scheduler writes when inter-pod affinity or topology spread filters out nodes
/// (current wording and the older `affinity/anti-affinity` one).
const CONSTRAINT_MESSAGES: [&str; 5] = [
    "didn't match pod anti-affinity rules",
    "didn't satisfy existing pods anti-affinity rules",
    "didn't match pod affinity rules",
    "didn't match pod affinity/anti-affinity",
    "didn't match pod topology spread constraints",
];

/// How long a pod must have waited before its pending state counts: scale-ups take a few
/// minutes.
const GRACE_SECONDS: i64 = 300;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.cluster_object().is_none() {
        return;
    }
    let by_controller = running_pods::pods_by_controller(cx.inv);
    let collected = running_pods::collected_at(cx.inv);
    // Reviewed workloads, plus pods whose owner was not collected (judged on their own).
    let candidates: BTreeSet<_> = cx
        .all_workloads()
        .map(|(_, o)| o.id)
        .chain(by_controller.keys().copied())
        .collect();
    for id in candidates {
        let object = cx.inv.object(id);
        let Some(w) = cx.inv.workload_of(id) else {
            continue;
        };
        let Some(spec) = w.pod_spec(object) else {
            continue;
        };
        let constraints = hard_constraints(spec);
        if constraints.is_empty() {
            continue;
        }
        let stuck: Vec<(&Object, &str)> = by_controller
            .get(&id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|pod| blocked_by_constraints(pod, collected).map(|m| (*pod, m)))
            .collect();
        let Some((pod, message)) = stuck.first() else {
            out.pass(object);
            continue;
        };
        let field = if constraints.iter().any(|c| c.contains("affinity")) {
            "affinity"
        } else {
            "topologySpreadConstraints"
        };
        out.fail(
            Subject::object(object).at(format!("{}.{field}", w.pod_path), spec.get(field)),
            format!(
                "{} `{}` ({}): {} pod(s) Pending because of them, e.g. `{}`: \"{message}\"; \
                 expected every replica to be schedulable",
                object.kind(),
                qualified(object),
                constraints.join(", "),
                stuck.len(),
                pod.name()
            ),
        );
    }
}

/// The hard inter-pod constraints a pod spec declares, named for messages.
fn hard_constraints(spec: &Node) -> Vec<&'static str> {
    let mut found = Vec::new();
    let required = |kind: &str| {
        spec.at(&[
            "affinity",
            kind,
            "requiredDuringSchedulingIgnoredDuringExecution",
        ])
        .is_some_and(|r| !r.items().is_empty())
    };
    if required("podAntiAffinity") {
        found.push("required pod anti-affinity");
    }
    if required("podAffinity") {
        found.push("required pod affinity");
    }
    let do_not_schedule = spec
        .get("topologySpreadConstraints")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|c| {
            c.get("whenUnsatisfiable")
                .and_then(Node::as_str)
                .unwrap_or("DoNotSchedule")
                == "DoNotSchedule"
        });
    if do_not_schedule {
        found.push("topology spread with DoNotSchedule");
    }
    found
}

/// The scheduler's message when the pod has been unschedulable because of inter-pod
/// constraints for longer than the grace period (or for an unknown time).
fn blocked_by_constraints(pod: &Object, collected: Option<i64>) -> Option<&str> {
    if running_pods::node_name(pod).is_some() {
        return None;
    }
    let scheduled = running_pods::condition(pod, "PodScheduled")?;
    let text = |k: &str| scheduled.get(k).and_then(Node::as_str);
    if text("status") != Some("False") || text("reason") != Some("Unschedulable") {
        return None;
    }
    let message = text("message")?;
    if !CONSTRAINT_MESSAGES.iter().any(|m| message.contains(m)) {
        return None;
    }
    let since = text("lastTransitionTime")
        .or_else(|| {
            pod.root()
                .at(&["metadata", "creationTimestamp"])
                .and_then(Node::as_str)
        })
        .and_then(running_pods::epoch_seconds);
    match (collected, since) {
        (Some(now), Some(since)) if now - since < GRACE_SECONDS => None,
        _ => Some(message),
    }
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
