use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container of a long-running workload (Deployment, StatefulSet, DaemonSet, Argo
    /// Rollout) outside the system namespaces defines a `livenessProbe`. Native sidecars (init
    /// containers with `restartPolicy: Always`) run for the pod's lifetime and are checked like
    /// app containers; ordinary init containers run to completion and cannot have a liveness
    /// probe, so they are not in scope. Jobs, CronJobs and bare Pods are not in scope either.
    /// It fails when a container has no liveness probe (`livenessProbe: null` counts as none).
    ///
    /// ## Why it matters
    /// The kubelet restarts a container whose process exits, but not one that is still running
    /// and stuck: a deadlocked thread pool, an exhausted connection pool or a wedged event loop
    /// keeps the pod alive and useless until someone notices. A liveness probe lets the kubelet
    /// detect the hang and restart the container on its own.
    ///
    /// ## How to fix
    /// Add a cheap, dependency-free liveness probe that only reports the health of the process
    /// itself (never of databases or downstream services), and use a startupProbe for slow
    /// starts instead of a long `initialDelaySeconds`:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     ports: [{containerPort: 8080}]
    ///     startupProbe:
    ///       httpGet: {path: /livez, port: 8080}
    ///       failureThreshold: 30
    ///       periodSeconds: 2
    ///     livenessProbe:
    ///       httpGet: {path: /livez, port: 8080}
    ///       periodSeconds: 10
    ///       failureThreshold: 3
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_liveness_probe_to_remove_unhealthy_pods>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "liveness-probe-defined",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.long_running_app_workloads() {
        for c in w.containers(object) {
            if c.is_init() {
                continue;
            }
            match c.get("livenessProbe").filter(|p| !p.is_null()) {
                Some(_) => out.pass(object),
                None => out.fail(
                    Subject::container(object, &c),
                    format!("container `{}` has no livenessProbe", c.name),
                ),
            }
        }
    }
}
