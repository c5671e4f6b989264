use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Containers (app containers and native sidecars) of every workload outside the system
    /// namespaces whose `livenessProbe` uses `httpGet`. The probe's path is split into words
    /// (at `/`, `-`, `_`, `.`, `?`, `=`, `&` and camelCase boundaries) and it warns when a word
    /// names a dependency: `db`, `database`, `redis`, `kafka`, `dependency`/`dependencies`,
    /// `deps`, `deep`, `downstream`, `upstream`, or a data store (`mysql`, `postgres`, `mongo`,
    /// `rabbitmq`, `elasticsearch`, `cassandra`, `memcached`, `sql`) — e.g. `/health/db`,
    /// `/healthz?deep=true`. It also warns on Spring Boot's aggregate health endpoint
    /// (`/actuator/health`), which by default includes the database, Redis and other
    /// indicators. Any other path (including a
    /// missing one, which means `/`) passes. Matching whole words avoids false positives such
    /// as `/feedback`.
    ///
    /// ## Why it matters
    /// A liveness failure restarts the container. If the liveness endpoint checks the
    /// database, a database blip restarts every replica at once — turning a degraded
    /// dependency into a full outage, plus a thundering herd of reconnections when the
    /// dependency comes back. Liveness should answer only "is this process stuck?".
    ///
    /// ## How to fix
    /// Point liveness at an endpoint that checks only the process itself, and reflect
    /// dependency health in readiness (or in the application's degraded behaviour):
    /// ```yaml
    /// livenessProbe:
    ///   httpGet: {path: /actuator/health/liveness, port: 8080}
    /// readinessProbe:
    ///   httpGet: {path: /actuator/health/readiness, port: 8080}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_mitigate_interaction_failure_graceful_degradation.html>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_mitigate_interaction_failure_client_timeouts.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "liveness-not-dependency-bound",
    run
}

const DEPENDENCY_WORDS: [&str; 22] = [
    "db",
    "database",
    "databases",
    "redis",
    "kafka",
    "dependency",
    "dependencies",
    "deps",
    "deep",
    "downstream",
    "upstream",
    "mysql",
    "postgres",
    "postgresql",
    "mongo",
    "mongodb",
    "rabbitmq",
    "elasticsearch",
    "cassandra",
    "memcached",
    "sql",
    "datasource",
];

/// Lowercase words of a URL path, split at punctuation and camelCase boundaries.
fn words(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for ch in path.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        current.push(ch.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Why the path looks dependency-bound, if it does.
fn dependency_bound(path: &str) -> Option<String> {
    let trimmed = path.split('?').next().unwrap_or("").trim_end_matches('/');
    if trimmed == "/actuator/health" {
        return Some(
            "Spring Boot's aggregate /actuator/health includes dependency indicators".into(),
        );
    }
    words(path)
        .into_iter()
        .find(|w| DEPENDENCY_WORDS.contains(&w.as_str()))
        .map(|w| format!("the path names the dependency word `{w}`"))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.is_init() {
                continue;
            }
            let Some(http) = c.get("livenessProbe").and_then(|p| p.get("httpGet")) else {
                continue;
            };
            let path_node = http.get("path");
            let path = path_node.and_then(Node::as_str).unwrap_or("/");
            match dependency_bound(path) {
                None => out.pass(object),
                Some(why) => out.warn(
                    Subject::container(object, &c)
                        .field("livenessProbe.httpGet.path", path_node.or(Some(http))),
                    format!(
                        "container `{}` liveness probe `{path}` appears to check dependencies \
                         ({why}): a dependency outage would restart every replica",
                        c.name
                    ),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(dependency_bound("/health/db").is_some());
        assert!(dependency_bound("/healthz?deep=true").is_some());
        assert!(dependency_bound("/checkRedis").is_some());
        assert!(dependency_bound("/actuator/health").is_some());
        assert!(dependency_bound("/actuator/health/liveness").is_none());
        assert!(dependency_bound("/feedback/healthz").is_none());
        assert!(dependency_bound("/livez").is_none());
    }
}
