use std::sync::LazyLock;

use regex::Regex;

use super::shell_pid1::argv;
use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every init container (not native sidecars) of every workload outside the system
    /// namespaces is checked for a busy-wait on a network dependency. It warns when:
    ///
    /// - its `command`/`args` loop (`until`, `while`, or a `for` loop that `break`s) with a
    ///   `sleep` around a network probe (`nc`, `curl`, `wget`, `nslookup`, `getent`, `dig`,
    ///   `ping`, `pg_isready`, `mysqladmin`, `redis-cli`, `kubectl`, `/dev/tcp/…`…), as in
    ///   `until nc -z db 5432; do sleep 2; done`;
    /// - it runs a wait tool (`wait-for-it`, `wait-for`, `wait4x`, `dockerize -wait`,
    ///   `kubectl wait`, `kubectl rollout status`) or a wait image (`k8s-wait-for`,
    ///   `wait-for-it`, `wait4x`).
    ///
    /// Every other init container passes. A bounded wait (`timeout 60 …`, a `for` loop with a
    /// retry count) is still reported: when it gives up, the init container fails and the
    /// kubelet restarts it with back-off, so the pod's start stays coupled to the dependency
    /// just the same.
    ///
    /// ## Why it matters
    /// An init container that waits for a database or another service turns a dependency's
    /// outage into an outage of this workload: new pods (rollouts, scale-out, node
    /// replacement) cannot start at all, although the application could often start and
    /// serve degraded. Dependencies should be treated as soft: the application retries with
    /// back-off and reports itself not ready until it can serve.
    ///
    /// ## How to fix
    /// Drop the wait and let the application retry its connections (with timeouts, jittered
    /// back-off and a readiness probe that reflects whether it can serve):
    /// ```yaml
    /// spec:
    ///   initContainers: []      # no more `until nc -z db 5432; do sleep 2; done`
    ///   containers:
    ///     - name: api
    ///       readinessProbe:
    ///         httpGet: {path: /readyz, port: 8080}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_mitigate_interaction_failure_graceful_degradation.html>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_mitigate_interaction_failure_client_timeouts.html>
    "startup-blocking-init",
    run
}

static LOOP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(until|while)\b").unwrap());
static FOR_BREAK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\bfor\b.*\bbreak\b").unwrap());
static SLEEP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bsleep\b").unwrap());
static PROBE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\b(nc|ncat|netcat|curl|wget|nslookup|getent|dig|ping|pg_isready|mysqladmin|mysql|psql|redis-cli|mongo|mongosh|cqlsh|telnet|kubectl|grpc_health_probe|grpcurl)\b|/dev/tcp/|/dev/udp/)",
    )
    .unwrap()
});
static WAIT_TOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(\bwait-for-it(\.sh)?\b|(^|[\s/])wait-for(\.sh)?(\s|$)|\bwait4x\b|\bdockerize\b.*\s-wait\b|\bkubectl\s+(wait|rollout\s+status)\b)",
    )
    .unwrap()
});

fn waits_on_dependency(script: &str, image: Option<&str>) -> Option<&'static str> {
    if let Some(image) = image {
        let repo = ImageRef::parse(image).repository;
        let name = repo.rsplit('/').next().unwrap_or(repo);
        if matches!(name, "k8s-wait-for" | "wait-for-it" | "wait-for" | "wait4x") {
            return Some("runs a wait-for image");
        }
    }
    if WAIT_TOOL.is_match(script) {
        return Some("runs a wait-for tool");
    }
    let looping = LOOP.is_match(script) || FOR_BREAK.is_match(script);
    if looping && SLEEP.is_match(script) && PROBE.is_match(script) {
        return Some("loops until a network dependency answers");
    }
    None
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.kind != ContainerKind::Init {
                continue;
            }
            let script = argv(&c).join(" ");
            match waits_on_dependency(&script, c.image()) {
                None => out.pass(object),
                Some(what) => {
                    let field = if c.get("command").is_some() {
                        "command"
                    } else {
                        "args"
                    };
                    out.warn(
                        Subject::container(object, &c).field(field, c.get(field)),
                        format!(
                            "init container `{}` {what}: the pod cannot start while the \
                             dependency is down",
                            c.name
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_waits() {
        let w = |s: &str| waits_on_dependency(s, None).is_some();
        assert!(w(
            "sh -c until nc -z db 5432; do echo waiting; sleep 2; done"
        ));
        assert!(w("sh -c while ! pg_isready -h db; do sleep 1; done"));
        assert!(w("/wait-for-it.sh db:5432 -t 0"));
        assert!(w(
            "sh -c for i in $(seq 1 30); do curl -sf http://api/healthz && break; sleep 2; done"
        ));
        assert!(!w("sh -c cp -r /config/* /work/"));
        assert!(!w("./migrate up"));
        assert!(!w("sh -c for f in a b; do curl -o $f https://x/$f; done"));
        assert!(
            waits_on_dependency("pod -lapp=db", Some("groundnuty/k8s-wait-for:v2.0")).is_some()
        );
    }
}
