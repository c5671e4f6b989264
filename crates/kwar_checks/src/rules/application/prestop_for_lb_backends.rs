use std::sync::LazyLock;

use regex::Regex;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Workloads outside the system namespaces whose pods sit behind a load balancer — a
    /// Service of `type: LoadBalancer` selects them, or an Ingress routes to a Service that
    /// does — Jobs and CronJobs excepted. In scope are the serving containers: the app
    /// containers and native sidecars that declare `ports` (or, when none declares any, every
    /// app container).
    ///
    /// - Pass: the container has a `lifecycle.preStop` hook (`sleep` action, `exec`, or
    ///   `httpGet`) and, when the hook's delay can be read (`sleep.seconds`, or a `sleep N` in
    ///   the exec command), the pod's `terminationGracePeriodSeconds` (default 30) is longer
    ///   than that delay, leaving time to drain after it.
    /// - Warn: no preStop hook; a preStop that sleeps 0 seconds; or a preStop delay as long as
    ///   or longer than the grace period (the kubelet kills the container before it can drain).
    ///
    /// ## Why it matters
    /// When a pod is deleted, the kubelet sends SIGTERM at the same time as the endpoint is
    /// removed from the Service; load balancers (ALB/NLB target groups, kube-proxy, ingress
    /// controllers) take a few seconds more to stop sending it traffic. A container that exits
    /// immediately drops those requests — at every rollout, scale-in and node drain. A short
    /// preStop sleep keeps it serving until the load balancer has caught up.
    ///
    /// ## How to fix
    /// Delay the shutdown with a preStop hook and size the grace period above it:
    /// ```yaml
    /// spec:
    ///   terminationGracePeriodSeconds: 45
    ///   containers:
    ///     - name: web
    ///       lifecycle:
    ///         preStop:
    ///           sleep: {seconds: 15}        # Kubernetes 1.30+; or exec: {command: ["sleep", "15"]}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html#_gracefully_shutdown_applications>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>
    "prestop-for-lb-backends",
    run
}

static SLEEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bsleep\s+([0-9]+(?:\.[0-9]+)?)([smh]?)\b").unwrap());

/// The delay a preStop hook introduces, in seconds, when it can be read.
fn hook_delay(pre_stop: &Node) -> Option<f64> {
    if let Some(seconds) = pre_stop.at(&["sleep", "seconds"]).and_then(Node::as_i64) {
        return Some(seconds as f64);
    }
    let command: Vec<String> = pre_stop
        .at(&["exec", "command"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect();
    let joined = command.join(" ");
    let caps = SLEEP.captures(&joined)?;
    let n: f64 = caps[1].parse().ok()?;
    Some(match &caps[2] {
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => n,
    })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if w.kind.is_batch() {
            continue;
        }
        let lb_service = cx.inv.services_of(w).find(|s| {
            s.root().at(&["spec", "type"]).and_then(Node::as_str) == Some("LoadBalancer")
        });
        let ingress = cx.inv.ingresses_of(w).next();
        let behind = match (lb_service, ingress) {
            (Some(s), _) => format!("LoadBalancer Service `{}`", s.name()),
            (None, Some(i)) => format!("Ingress `{}`", i.name()),
            (None, None) => continue,
        };
        let grace_node = w.pod_field(object, "terminationGracePeriodSeconds");
        let grace = grace_node.and_then(Node::as_i64).unwrap_or(30);
        let long_running: Vec<Container<'_>> = w
            .containers(object)
            .into_iter()
            .filter(|c| !c.is_init())
            .collect();
        let has_ports = |c: &Container<'_>| {
            !c.get("ports")
                .map(Node::items)
                .unwrap_or_default()
                .is_empty()
        };
        let any_ports = long_running.iter().any(has_ports);
        for c in long_running.iter().filter(|c| {
            if any_ports {
                has_ports(c)
            } else {
                c.kind == ContainerKind::App
            }
        }) {
            let pre_stop = c
                .get("lifecycle")
                .and_then(|l| l.get("preStop"))
                .filter(|n| !n.is_null());
            let Some(pre_stop) = pre_stop else {
                out.warn(
                    Subject::container(object, c).field("lifecycle", c.get("lifecycle")),
                    format!(
                        "container `{}` behind {behind} has no preStop hook: in-flight requests \
                         are dropped while the load balancer deregisters the pod",
                        c.name
                    ),
                );
                continue;
            };
            let subject =
                || Subject::container(object, c).field("lifecycle.preStop", Some(pre_stop));
            match hook_delay(pre_stop) {
                Some(d) if d <= 0.0 => out.warn(
                    subject(),
                    format!(
                        "container `{}` behind {behind} has a preStop hook that does not delay \
                         shutdown (sleep 0)",
                        c.name
                    ),
                ),
                Some(d) if d >= grace as f64 => out.warn(
                    subject(),
                    format!(
                        "container `{}` preStop waits {d}s but terminationGracePeriodSeconds is \
                         {grace}: the container is killed before it can drain",
                        c.name
                    ),
                ),
                _ => out.pass(object),
            }
        }
    }
}
