use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// The Pods of a cluster snapshot or live cluster outside system namespaces. Each
    /// container status is read for a recorded termination — `lastState.terminated` (the run
    /// before the last restart) or `state.terminated` (a finished container) — with exit code
    /// 137 (killed by SIGKILL) whose reason is not `OOMKilled` (the kernel's OOM killer, see
    /// `oomkills`) nor `ContainerStatusUnknown` (the kubelet lost the container, e.g. when its
    /// node went away, and reports 137 by convention).
    ///
    /// Such a 137 means the kubelet stopped the container — on a rollout, a drain, a
    /// scale-down, a liveness or startup probe failure, or a Job deadline — and the process
    /// was still running when `terminationGracePeriodSeconds` ran out after SIGTERM, so it
    /// was killed. Pods are judged through the workload that controls them (Deployment,
    /// StatefulSet, DaemonSet, Job, CronJob, Rollout):
    /// - warn on the workload, pointing at the container, when one of its pods records such
    ///   a kill (how many pods, the latest time, the grace period);
    /// - pass when its pods carry container statuses and none does.
    ///
    /// Pods without container statuses (hand-written manifests) are not evaluated. Kubernetes
    /// keeps only the last termination of each container of a pod that still exists: the
    /// pods a rollout replaced are gone from the snapshot, so this sees restarts in place
    /// (probe kills) and finished containers; a pass is therefore "no kill recorded", not
    /// proof that rollouts are clean.
    ///
    /// ## Why it matters
    /// A process that ignores SIGTERM is killed mid-request: connections drop, transactions
    /// and queue messages are cut off, and every rollout or node drain waits for the whole
    /// grace period before the pod goes away. The usual causes are a shell as PID 1 that does
    /// not forward signals, an application without a SIGTERM handler, or a grace period
    /// shorter than the drain it needs.
    ///
    /// ## How to fix
    /// Make the process receive and handle SIGTERM (use `exec` in entrypoint scripts, or an
    /// init such as tini), finish in-flight work, then exit; give it enough time:
    /// ```yaml
    /// spec:
    ///   terminationGracePeriodSeconds: 45
    ///   containers:
    ///     - name: api
    ///       command: ["/bin/sh", "-c", "exec /app/server"]
    ///       lifecycle:
    ///         preStop:
    ///           sleep: {seconds: 10}   # Kubernetes 1.30+; else exec: [sleep, "10"]
    /// ```
    /// `kubectl get pod POD -o jsonpath='{.status.containerStatuses[*].lastState}'` shows the
    /// recorded termination.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html#_gracefully_shutdown_applications>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>
    "sigkill-on-rollout",
    run,
    needs = ["pods"]
}

/// Termination reasons that come with exit code 137 without the kubelet's grace period
/// having run out.
const OTHER_137_REASONS: [&str; 2] = ["OOMKilled", "ContainerStatusUnknown"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let by_controller = running_pods::pods_by_controller(cx.inv);
    let mut controllers: Vec<_> = by_controller.keys().copied().collect();
    controllers.sort_unstable();
    for id in controllers {
        let owner = cx.inv.object(id);
        if cx.in_system_namespace(owner) {
            continue;
        }
        let pods = &by_controller[&id];
        let Some(killed) = running_pods::recorded_terminations(pods, |t| {
            t.exit_code == Some(137) && !t.reason.is_some_and(|r| OTHER_137_REASONS.contains(&r))
        }) else {
            continue;
        };
        if killed.is_empty() {
            out.pass(owner);
            continue;
        }
        let workload = cx.inv.workload_of(owner.id);
        let grace = workload
            .and_then(|w| w.pod_field(owner, "terminationGracePeriodSeconds"))
            .and_then(Node::as_i64)
            .unwrap_or(30);
        for (container, seen) in killed {
            let subject = workload
                .and_then(|w| {
                    w.containers(owner)
                        .into_iter()
                        .find(|c| c.name == container)
                })
                .map_or_else(|| Subject::object(owner), |c| Subject::container(owner, &c));
            let in_pods = if owner.kind() == "Pod" {
                String::new()
            } else {
                format!(" in {} of {} pods", seen.pods.len(), pods.len())
            };
            let when = seen
                .latest
                .map(|t| format!(", last at {t}"))
                .unwrap_or_default();
            out.warn(
                subject,
                format!(
                    "{} `{}`: container `{container}` was killed with SIGKILL (exit code 137, \
                     reason {}){in_pods}{when}: it was still running {grace}s after SIGTERM; \
                     expected it to handle SIGTERM and exit within terminationGracePeriodSeconds",
                    owner.kind(),
                    qualified(owner),
                    seen.reason.unwrap_or("none"),
                ),
            );
        }
    }
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
