use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// The Pods of a cluster snapshot or live cluster, in every namespace (an OOM-killed
    /// CoreDNS or CNI pod matters as much as an application's). Each container status is read
    /// for a termination with reason `OOMKilled`, in `lastState.terminated` (the run before
    /// the last restart) or `state.terminated` (a finished container, e.g. of a Job).
    ///
    /// Pods are judged through the workload that controls them (Pod → ReplicaSet →
    /// Deployment, Pod → Job → CronJob, StatefulSet, DaemonSet, Argo Rollout), so ten
    /// replicas killed for the same reason give one finding:
    /// - warn on the controlling workload, pointing at the container, when one of its pods
    ///   records an OOM kill of that container (with how many pods, the latest time and the
    ///   memory limit);
    /// - pass when its pods carry container statuses and none records an OOM kill.
    ///
    /// A pod whose controller was not collected is judged on its own. Pods without container
    /// statuses (hand-written manifests, pods not started yet) are not evaluated. Kubernetes
    /// keeps only the last termination of each container, so an OOM kill older than the
    /// latest restart is no longer visible.
    ///
    /// ## Why it matters
    /// An OOM kill ends the process without a graceful shutdown: in-flight requests fail,
    /// and a container that keeps reaching its limit restarts in a loop with growing back-off
    /// (`CrashLoopBackOff`). It means the memory limit is below what the workload needs, or
    /// that it leaks memory.
    ///
    /// ## How to fix
    /// Find the containers and their usage, then size memory from observed peaks (VPA
    /// recommendations help) and set the limit equal to the request:
    /// ```sh
    /// kubectl get pods -A -o json | jq -r '.items[] | .metadata.namespace + "/" + .metadata.name
    ///   + " " + (.status.containerStatuses[]? | select(.lastState.terminated.reason == "OOMKilled") | .name)'
    /// ```
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 250m, memory: 768Mi}
    ///   limits: {memory: 768Mi}
    /// ```
    /// If usage grows without bound, profile the application for a leak before raising the
    /// limit again; for the JVM, size the heap from the container limit
    /// (`-XX:MaxRAMPercentage=75`).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_configure_and_size_resource_requestslimits_for_all_workloads>
    "oomkills",
    run,
    needs = ["pods"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let by_controller = running_pods::pods_by_controller(cx.inv);
    let mut controllers: Vec<_> = by_controller.keys().copied().collect();
    controllers.sort_unstable();
    for id in controllers {
        let owner = cx.inv.object(id);
        let pods = &by_controller[&id];
        let Some(killed) =
            running_pods::recorded_terminations(pods, |t| t.reason == Some("OOMKilled"))
        else {
            continue;
        };
        if killed.is_empty() {
            out.pass(owner);
            continue;
        }
        for (container, seen) in killed {
            let (subject, limit) = container_subject(cx, owner, container);
            let when = seen
                .latest
                .map(|t| format!(", last at {t}"))
                .unwrap_or_default();
            let limit = limit.unwrap_or_default();
            let in_pods = if owner.kind() == "Pod" {
                String::new()
            } else {
                format!(" in {} of {} pods", seen.pods.len(), pods.len())
            };
            out.warn(
                subject,
                format!(
                    "{} `{}`: container `{container}` was OOMKilled{in_pods}{when}{limit}; expected \
                     no OOM kills: size its memory from observed peaks, or look for a leak",
                    owner.kind(),
                    qualified(owner)
                ),
            );
        }
    }
}

/// The subject for a container of the workload (its template's container when found), and
/// a note on the container's memory limit.
fn container_subject(
    cx: &Context<'_>,
    owner: &Object,
    container: &str,
) -> (Subject, Option<String>) {
    let found = cx.inv.workload_of(owner.id).and_then(|w| {
        w.containers(owner)
            .into_iter()
            .find(|c| c.name == container)
    });
    match found {
        Some(c) => {
            let limit = match c
                .node
                .at(&["resources", "limits", "memory"])
                .and_then(Node::scalar_text)
            {
                Some(limit) => format!(" (memory limit {limit})"),
                None => " (no memory limit: the node itself ran short of memory)".to_string(),
            };
            (Subject::container(owner, &c), Some(limit))
        }
        None => (Subject::object(owner), None),
    }
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
