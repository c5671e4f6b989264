use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// How CoreDNS leaves and joins the `kube-dns` Service, in `kube-system`:
    /// - the `coredns` ConfigMap's `Corefile`: pass when the `health` plugin sets a `lameduck`
    ///   of at least 20 seconds and the `ready` plugin is enabled; warn when `health` is
    ///   missing or has no `lameduck`, when the lameduck is shorter (the EKS default is
    ///   `lameduck 5s`), or when `ready` is missing. Every server block is read; both plugins
    ///   are process-wide, so one occurrence suffices;
    /// - the `coredns` Deployment's CoreDNS container: pass when its readinessProbe is an
    ///   HTTP GET on `/ready` at port 8181 (by number or by a named container port); warn when
    ///   the probe is missing or probes anything else (`/health` on 8080 stays OK while the
    ///   `kubernetes` plugin has not synced).
    ///
    /// The catalog asks for a lameduck "of about 30 s"; 20 s is taken as the lower bound of
    /// that. A ConfigMap whose values were redacted in the snapshot (`kwar.io/redacted`) is
    /// `unknown`. Either object is judged where it is found, in manifests or in a cluster;
    /// without them there is no verdict (EKS Auto Mode runs DNS off-cluster).
    ///
    /// ## Why it matters
    /// When a CoreDNS pod is stopped (scale-in, rollout, node drain), the endpoint removal
    /// takes seconds to reach every node's kube-proxy rules and conntrack keeps sending
    /// existing UDP flows to the old pod. With lameduck, CoreDNS keeps answering while it
    /// reports unhealthy; without it — or with 5 s on a large cluster — pods get DNS timeouts
    /// at every CoreDNS scale-down. A readinessProbe on `/ready` keeps a new pod out of the
    /// Service until it has loaded the Kubernetes records, instead of answering NXDOMAIN.
    ///
    /// ## How to fix
    /// Set the Corefile through the EKS add-on's configuration values (or the ConfigMap of a
    /// self-managed CoreDNS) and keep the add-on's readiness probe:
    /// ```yaml
    /// Corefile: |
    ///   .:53 {
    ///       errors
    ///       health {
    ///           lameduck 30s
    ///       }
    ///       ready
    ///       kubernetes cluster.local in-addr.arpa ip6.arpa {
    ///         pods insecure
    ///         fallthrough in-addr.arpa ip6.arpa
    ///       }
    ///       prometheus :9153
    ///       forward . /etc/resolv.conf
    ///       cache 30
    ///       loop
    ///       reload
    ///       loadbalance
    ///   }
    /// # Deployment, container coredns:
    /// readinessProbe:
    ///   httpGet: {path: /ready, port: 8181, scheme: HTTP}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/scale-cluster-services.html>
    /// - <https://coredns.io/plugins/health/>
    /// - <https://coredns.io/plugins/ready/>
    /// - <https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/>
    "coredns-lameduck-ready",
    run,
    needs = ["configmaps", "apps/deployments"]
}

const NAMESPACE: &str = "kube-system";
/// The shortest lameduck taken as "about 30 s", in seconds.
const MIN_LAMEDUCK: f64 = 20.0;
const READY_PATH: &str = "/ready";
const READY_PORT: i64 = 8181;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if let Some(config) = cx
        .inv
        .find("ConfigMap", Some(NAMESPACE), "coredns")
        .filter(|c| c.api_group().is_empty())
    {
        judge_corefile(config, out);
    }
    if let Some(deployment) = cx
        .inv
        .find("Deployment", Some(NAMESPACE), "coredns")
        .filter(|d| d.api_group().starts_with("apps"))
    {
        judge_probe(cx, deployment, out);
    }
}

fn judge_corefile(config: &Object, out: &mut Outcomes) {
    let node = config.root().at(&["data", "Corefile"]);
    let text = node.and_then(Node::as_str).unwrap_or_default();
    let subject = || Subject::object(config).at("data.Corefile", node);
    if text.trim().is_empty() {
        let why = if config.annotation("kwar.io/redacted").is_some() {
            "its values were redacted when the snapshot was taken"
        } else {
            "it holds no Corefile"
        };
        out.unknown(
            subject(),
            format!(
                "cannot read CoreDNS's configuration from ConfigMap `{NAMESPACE}/coredns`: {why}"
            ),
        );
        return;
    }
    let directives = directives(text);
    let find = |name: &str| directives.iter().find(|d| d.name == name);
    let mut problems = Vec::new();
    match find("health") {
        None => problems.push(
            "has no `health` plugin, so no lameduck: CoreDNS stops answering the moment it is \
             told to stop"
                .to_string(),
        ),
        Some(health) => {
            let lameduck = health
                .body
                .iter()
                .find(|line| line.first().map(String::as_str) == Some("lameduck"));
            match lameduck.and_then(|l| l.get(1)) {
                None => problems.push(
                    "sets no `lameduck` in the `health` plugin: CoreDNS stops answering the \
                     moment it is told to stop"
                        .to_string(),
                ),
                Some(duration) => match go_duration_seconds(duration) {
                    Some(seconds) if seconds >= MIN_LAMEDUCK => {}
                    Some(_) => problems.push(format!(
                        "sets `lameduck {duration}`: too short for endpoint removal to reach \
                         every node (about 30s is recommended)"
                    )),
                    None => problems.push(format!(
                        "sets `lameduck {duration}`, which is not a duration"
                    )),
                },
            }
        }
    }
    if find("ready").is_none() {
        problems.push(format!(
            "has no `ready` plugin: nothing serves `{READY_PATH}` on port {READY_PORT} for the \
             readiness probe"
        ));
    }
    if problems.is_empty() {
        out.pass(config);
    } else {
        out.warn(
            subject(),
            format!(
                "the Corefile of ConfigMap `{NAMESPACE}/coredns` {}",
                problems.join("; it ")
            ),
        );
    }
}

fn judge_probe(cx: &Context<'_>, deployment: &Object, out: &mut Outcomes) {
    let Some(workload) = cx.inv.workload_of(deployment.id) else {
        return;
    };
    let containers = workload.app_containers(deployment);
    let Some(container) = containers.iter().find(|c| c.name == "coredns").or_else(|| {
        containers
            .iter()
            .find(|c| c.image().is_some_and(|i| i.contains("coredns")))
    }) else {
        return;
    };
    let probe = container.get("readinessProbe");
    let subject = Subject::container(deployment, container).field("readinessProbe", probe);
    let Some(probe) = probe else {
        out.warn(
            subject,
            format!(
                "container `{}` of Deployment `{NAMESPACE}/coredns` has no readinessProbe: new \
                 pods receive queries before they have loaded the cluster's records; probe \
                 `{READY_PATH}` on port {READY_PORT}",
                container.name
            ),
        );
        return;
    };
    let path = probe.at(&["httpGet", "path"]).and_then(Node::as_str);
    let port = probe
        .at(&["httpGet", "port"])
        .and_then(|p| port_number(container, p));
    if path == Some(READY_PATH) && port == Some(READY_PORT) {
        out.pass(deployment);
    } else {
        let probed = match (path, port) {
            (Some(path), Some(port)) => format!("probes `{path}` on port {port}"),
            (Some(path), None) => format!("probes `{path}` on an unknown port"),
            _ => "is not an HTTP GET".to_string(),
        };
        out.warn(
            subject,
            format!(
                "the readinessProbe of container `{}` of Deployment `{NAMESPACE}/coredns` \
                 {probed}; expected `{READY_PATH}` on port {READY_PORT} (the `ready` plugin)",
                container.name
            ),
        );
    }
}

/// A probe's port: a number, or the name of one of the container's ports.
fn port_number(container: &Container<'_>, port: &Node) -> Option<i64> {
    if let Some(number) = port.as_i64() {
        return Some(number);
    }
    let name = port.as_str()?;
    container
        .get("ports")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|p| p.get("name").and_then(Node::as_str) == Some(name))
        .and_then(|p| p.get("containerPort"))
        .and_then(Node::as_i64)
}

/// One plugin line of a Corefile server block: its name, arguments, and the lines of its
/// `{ … }` block split into words.
#[derive(Debug, PartialEq)]
struct Directive {
    name: String,
    args: Vec<String>,
    body: Vec<Vec<String>>,
}

/// The plugin directives of every server block of a Corefile (the lines one brace deep),
/// with `#` comments removed. Deeper nesting, which no plugin uses, is skipped.
fn directives(corefile: &str) -> Vec<Directive> {
    let mut out: Vec<Directive> = Vec::new();
    let mut depth = 0usize;
    for line in corefile.lines() {
        let line = line.split('#').next().unwrap_or_default();
        let mut line_start = true;
        let spaced = line.replace('{', " { ").replace('}', " } ");
        for word in spaced.split_whitespace() {
            // A brace ends a statement as a new line does (`example.org { health }`).
            match word {
                "{" => {
                    depth += 1;
                    line_start = true;
                    continue;
                }
                "}" => {
                    depth = depth.saturating_sub(1);
                    line_start = true;
                    continue;
                }
                _ if depth == 1 && line_start => out.push(Directive {
                    name: word.to_string(),
                    args: Vec::new(),
                    body: Vec::new(),
                }),
                _ if depth == 1 => {
                    if let Some(d) = out.last_mut() {
                        d.args.push(word.to_string());
                    }
                }
                _ if depth == 2 => {
                    if let Some(d) = out.last_mut() {
                        match d.body.last_mut() {
                            Some(current) if !line_start => current.push(word.to_string()),
                            _ => d.body.push(vec![word.to_string()]),
                        }
                    }
                }
                _ => {}
            }
            line_start = false;
        }
    }
    out
}

/// Seconds of a Go duration (`5s`, `1m30s`, `500ms`, `1.5h`).
fn go_duration_seconds(text: &str) -> Option<f64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::{directives, go_duration_seconds};

    #[test]
    fn corefile_plugins_and_their_blocks_are_read() {
        let corefile = r#".:53 {
    errors
    health {
        lameduck 5s # EKS default
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
    }
}
example.org { health { lameduck 30s } }
"#;
        let found = directives(corefile);
        let names: Vec<_> = found.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["errors", "health", "ready", "kubernetes", "health"]);
        assert_eq!(
            found[1].body,
            vec![vec!["lameduck".to_string(), "5s".to_string()]]
        );
        assert_eq!(found[3].args, ["cluster.local", "in-addr.arpa", "ip6.arpa"]);
        assert_eq!(
            found[4].body,
            vec![vec!["lameduck".to_string(), "30s".to_string()]]
        );
    }

    #[test]
    fn go_durations_read_in_seconds() {
        assert_eq!(go_duration_seconds("5s"), Some(5.0));
        assert_eq!(go_duration_seconds("1m30s"), Some(90.0));
        assert_eq!(go_duration_seconds("500ms"), Some(0.5));
        assert_eq!(go_duration_seconds("soon"), None);
        assert_eq!(go_duration_seconds("30"), None);
    }
}
