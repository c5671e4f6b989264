use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every serving container of a long-running workload (Deployment, StatefulSet, DaemonSet,
    /// Argo Rollout) outside the system namespaces defines a `readinessProbe`. A container
    /// serves when it declares `containerPorts` or its pods are selected by a Service. Jobs,
    /// CronJobs and bare Pods are not in scope, nor are init containers (they never receive
    /// traffic). It warns when the readiness probe is identical to the liveness probe.
    ///
    /// ## Why it matters
    /// Without a readiness probe a pod receives traffic as soon as its process starts, before
    /// it can answer, and keeps receiving it while it is overloaded or shutting down: every
    /// rollout and every hiccup turns into failed requests. A readiness probe identical to the
    /// liveness probe cannot tell "busy, take me out of rotation" from "dead, restart me".
    ///
    /// ## How to fix
    /// Add a readinessProbe that reflects the container's ability to serve, distinct from its
    /// livenessProbe:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     ports: [{containerPort: 8080}]
    ///     readinessProbe:
    ///       httpGet: {path: /readyz, port: 8080}
    ///       periodSeconds: 5
    ///     livenessProbe:
    ///       httpGet: {path: /livez, port: 8080}
    ///       periodSeconds: 10
    ///       failureThreshold: 6
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_readiness_probe_to_detect_partial_unavailability>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "readiness-probe-defined",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.long_running_app_workloads() {
        let behind_service = cx.inv.services_of(w).next().is_some();
        for c in w.containers(object) {
            if c.is_init() {
                continue;
            }
            let has_ports = !c
                .get("ports")
                .map(Node::items)
                .unwrap_or_default()
                .is_empty();
            if !(has_ports || behind_service) {
                continue;
            }
            match c.get("readinessProbe").filter(|p| !p.is_null()) {
                None => out.fail(
                    Subject::container(object, &c),
                    format!("container `{}` serves traffic but has no readinessProbe", c.name),
                ),
                Some(readiness) if c.get("livenessProbe").is_some_and(|l| l.same_content(readiness)) => out.warn(
                    Subject::container(object, &c).field("readinessProbe", Some(readiness)),
                    format!(
                        "container `{}` uses the same probe for readiness and liveness: a busy pod gets restarted instead of taken out of rotation",
                        c.name
                    ),
                ),
                Some(_) => out.pass(object),
            }
        }
    }
}
