use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container that has both a `livenessProbe` and a `readinessProbe`, in any workload
    /// outside the system namespaces (ordinary init containers have neither). It passes when
    /// the two probes differ, in their endpoint (handler, path, port, command) or in their
    /// timing (delay, period, timeout, thresholds), and warns when they are identical.
    ///
    /// The comparison is made on the probes as Kubernetes runs them: unset fields take their
    /// defaults (`periodSeconds` 10, `timeoutSeconds` 1, `successThreshold` 1,
    /// `failureThreshold` 3, `initialDelaySeconds` 0, `httpGet.path` `/`, `httpGet.scheme`
    /// `HTTP`), a named port is resolved through the container's `ports`, and the
    /// liveness-only `terminationGracePeriodSeconds` is ignored. So `periodSeconds: 10` written
    /// on one probe and left out of the other does not make them different.
    ///
    /// ## Why it matters
    /// Readiness and liveness answer different questions. A failed readiness probe takes the pod
    /// out of the Service endpoints until it recovers; a failed liveness probe restarts the
    /// container. When both probes are the same, any condition that makes a pod "not ready"
    /// (a slow dependency, a saturated thread pool) also restarts it, and when it affects every
    /// replica at once (a database outage) every replica restarts together instead of simply
    /// waiting out of rotation.
    ///
    /// ## How to fix
    /// Point the liveness probe at a cheap process-health endpoint and let readiness check the
    /// ability to serve; make liveness more tolerant than readiness:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     readinessProbe:
    ///       httpGet: {path: /readyz, port: 8080}
    ///       periodSeconds: 5
    ///       failureThreshold: 2
    ///     livenessProbe:
    ///       httpGet: {path: /livez, port: 8080}
    ///       periodSeconds: 10
    ///       failureThreshold: 6
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_liveness_probe_to_remove_unhealthy_pods>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "liveness-differs-from-readiness",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.is_init() {
                continue;
            }
            let probe = |key| c.get(key).filter(|p: &&Node| !p.is_null());
            let (Some(liveness), Some(readiness)) =
                (probe("livenessProbe"), probe("readinessProbe"))
            else {
                continue;
            };
            if normalize(liveness, &c) == normalize(readiness, &c) {
                out.warn(
                    Subject::container(object, &c).field("livenessProbe", Some(liveness)),
                    format!(
                        "container `{}` uses the same probe for liveness and readiness: a condition that should only take it out of rotation restarts it",
                        c.name
                    ),
                );
            } else {
                out.pass(object);
            }
        }
    }
}

/// The probe as the kubelet runs it, as sorted (field, value) pairs: defaults filled in, named
/// ports resolved, the liveness-only grace period dropped.
fn normalize(probe: &Node, c: &Container<'_>) -> Vec<(String, String)> {
    const TIMING: [(&str, i64); 5] = [
        ("initialDelaySeconds", 0),
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ];
    let text = |n: &Node| n.scalar_text().unwrap_or_else(|| n.to_json().to_string());
    let mut out = Vec::new();
    for (key, default) in TIMING {
        let value = probe
            .get(key)
            .and_then(Node::as_i64)
            .filter(|&n| n != 0)
            .unwrap_or(default);
        out.push((key.to_string(), value.to_string()));
    }
    for (k, v) in probe.entries() {
        let Some(key) = k.as_str() else { continue };
        if key == "terminationGracePeriodSeconds" || TIMING.iter().any(|(t, _)| *t == key) {
            continue;
        }
        if !matches!(key, "httpGet" | "tcpSocket" | "grpc") {
            out.push((key.to_string(), text(v)));
            continue;
        }
        let defaults: &[(&str, &str)] = match key {
            "httpGet" => &[("path", "/"), ("scheme", "HTTP")],
            "grpc" => &[("service", "")],
            _ => &[],
        };
        for (k2, v2) in v.entries() {
            let Some(field) = k2.as_str() else { continue };
            let value = match (field, v2.as_str()) {
                ("port", Some(name)) => named_port(c, name).map_or(text(v2), |n| n.to_string()),
                _ => text(v2),
            };
            if value.is_empty() && defaults.iter().any(|(d, _)| *d == field) {
                continue;
            }
            out.push((format!("{key}.{field}"), value));
        }
        for (field, default) in defaults {
            let path = format!("{key}.{field}");
            if !out.iter().any(|(p, _)| *p == path) {
                out.push((path, default.to_string()));
            }
        }
    }
    out.sort();
    out
}

/// The number of the container port called `name`.
fn named_port(c: &Container<'_>, name: &str) -> Option<i64> {
    c.get("ports")?
        .items()
        .iter()
        .find(|p| p.get("name").and_then(Node::as_str) == Some(name))?
        .get("containerPort")?
        .as_i64()
}
