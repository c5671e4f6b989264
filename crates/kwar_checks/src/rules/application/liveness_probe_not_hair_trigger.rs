use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container with a `livenessProbe`, in any workload outside the system namespaces
    /// (app containers and native sidecars; ordinary init containers cannot have one). It passes
    /// when the container has a `startupProbe` (the liveness probe only starts once the startup
    /// probe has succeeded), or when the earliest moment the liveness probe can kill a fresh
    /// container, `initialDelaySeconds + failureThreshold × periodSeconds`, is at least 10
    /// seconds. Unset or zero fields take the Kubernetes defaults (`initialDelaySeconds` 0,
    /// `periodSeconds` 10, `failureThreshold` 3, so a probe with defaults allows 30 s). It warns
    /// when there is no startup probe and that window is shorter than 10 seconds.
    ///
    /// ## Why it matters
    /// A liveness probe that gives up within a few seconds of start kills containers that are
    /// merely slow: after a cold start, under CPU throttling or during a load spike. Each restart
    /// starts the clock again, so the pod enters a restart loop (CrashLoopBackOff) exactly when
    /// capacity is needed most, and the remaining replicas receive even more load.
    ///
    /// ## How to fix
    /// Protect start-up with a startupProbe and keep the liveness probe tolerant:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     startupProbe:
    ///       httpGet: {path: /livez, port: 8080}
    ///       periodSeconds: 2
    ///       failureThreshold: 30     # up to 60 s to start
    ///     livenessProbe:
    ///       httpGet: {path: /livez, port: 8080}
    ///       periodSeconds: 10
    ///       failureThreshold: 3
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_liveness_probe_to_remove_unhealthy_pods>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "liveness-probe-not-hair-trigger",
    run
}

/// The shortest time after start in which the liveness probe may kill the container.
const MIN_WINDOW_SECONDS: i64 = 10;

/// A probe's integer field, with the Kubernetes default for an unset or zero value (the API
/// server defaults zero values of these fields).
fn field(probe: &Node, name: &str, default: i64) -> i64 {
    match probe.get(name).and_then(Node::as_i64) {
        Some(v) if v > 0 => v,
        _ => default,
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.is_init() {
                continue;
            }
            let Some(liveness) = c.get("livenessProbe").filter(|p| !p.is_null()) else {
                continue;
            };
            if c.get("startupProbe").is_some_and(|p| !p.is_null()) {
                out.pass(object);
                continue;
            }
            let delay = liveness
                .get("initialDelaySeconds")
                .and_then(Node::as_i64)
                .unwrap_or(0)
                .max(0);
            let period = field(liveness, "periodSeconds", 10);
            let failures = field(liveness, "failureThreshold", 3);
            let window = delay + failures * period;
            if window >= MIN_WINDOW_SECONDS {
                out.pass(object);
            } else {
                out.warn(
                    Subject::container(object, &c).field("livenessProbe", Some(liveness)),
                    format!(
                        "container `{}` has no startupProbe and its livenessProbe can kill it {window}s after start (initialDelaySeconds {delay} + failureThreshold {failures} × periodSeconds {period}), less than {MIN_WINDOW_SECONDS}s",
                        c.name
                    ),
                );
            }
        }
    }
}
