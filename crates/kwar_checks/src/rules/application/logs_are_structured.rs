use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The catalog asks for a sample of container log lines (≥ 90% JSON or logfmt objects).
    /// kwar never reads container logs (it does not ask for `pods/log` access, and logs may
    /// hold personal data), so it judges what the configuration declares instead, for the
    /// containers of long-running workloads (Deployment, StatefulSet, DaemonSet, Rollout)
    /// outside system namespaces:
    /// - an environment variable whose name contains `LOG` and `FORMAT`, `ENCOD` or `STYLE`
    ///   (`LOG_FORMAT`, `LOGGING_FORMAT`, `LOG_ENCODING`, Spring Boot's
    ///   `LOGGING_STRUCTURED_FORMAT_CONSOLE`…), or containing `LOG` and `JSON` with a boolean
    ///   value (`QUARKUS_LOG_CONSOLE_JSON`, `LOG_JSON`);
    /// - a command-line flag of the same shape: `--log-format=json`, `--logging-format json`,
    ///   `--log.format=logfmt`, `--zap-encoder=json`, `--log-json`.
    ///
    /// Values `json`, `logfmt`, `ecs`, `gelf`, `logstash`, `ndjson`, `structured` (or a
    /// true boolean) declare structured output: pass on the container. Values `text`,
    /// `plain`, `console`, `pretty`, `human`, `color`, `dev` (or a false boolean) declare
    /// free text: warn. Any other value, and containers without such a setting, give no
    /// verdict — a library that logs JSON by default leaves no trace in the manifest.
    ///
    /// Because most of the evidence cannot be seen, on a cluster input where some workloads
    /// declare no format the check also reports `unknown` on the Cluster object, saying how
    /// many declared one and that the output itself was not sampled: the item is then
    /// answered by its question, never by a pass inferred from silence.
    ///
    /// ## Why it matters
    /// Structured logs can be filtered and aggregated by field (status, latency, tenant,
    /// trace id) in CloudWatch Logs Insights, OpenSearch or Loki; free text needs fragile
    /// regular expressions, multi-line stack traces get split, and correlating a request
    /// across services becomes guesswork.
    ///
    /// ## How to fix
    /// Log JSON to stdout with a shared schema (timestamp, level, service, trace id) and make
    /// the choice explicit in the deployment:
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     env:
    ///       - {name: LOG_FORMAT, value: json}
    ///       # Spring Boot 3.4+: LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs
    /// ```
    /// and have the log shipper parse it (Fluent Bit: `Merge_Log On` in the `kubernetes`
    /// filter).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_centralized_logging_tools_to_collect_and_persist_logs>
    "logs-are-structured",
    run,
    needs = ["apps/deployments", "apps/statefulsets", "apps/daemonsets"]
}

const STRUCTURED: [&str; 9] = [
    "json",
    "logfmt",
    "ecs",
    "gelf",
    "logstash",
    "ndjson",
    "jsonl",
    "structured",
    "ecs-json",
];

const UNSTRUCTURED: [&str; 9] = [
    "text", "plain", "console", "pretty", "human", "color", "colour", "dev", "simple",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Declared {
    Structured,
    Free,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut declared = 0usize;
    let mut workloads = 0usize;
    for (w, object) in cx.long_running_app_workloads() {
        workloads += 1;
        let mut any = false;
        for c in w.app_containers(object) {
            let Some((kind, setting, node, path)) = declaration(&c) else {
                continue;
            };
            any = true;
            match kind {
                Declared::Structured => out.pass(object),
                Declared::Free => out.warn(
                    Subject::container(object, &c).at(path, Some(node)),
                    format!(
                        "{} `{}`: container `{}` is configured for free-text logs ({setting}); \
                         expected JSON or logfmt output",
                        object.kind(),
                        qualified(object),
                        c.name
                    ),
                ),
            }
        }
        if any {
            declared += 1;
        }
    }
    let undeclared = workloads - declared;
    if let Some(cluster) = cx.cluster_object().filter(|_| undeclared > 0) {
        out.unknown(
            Subject::object(cluster),
            format!(
                "container logs are not sampled (kwar does not read pods/log): {declared} of \
                 {workloads} long-running workloads declare a log format in their \
                 configuration; the format of the others is not visible"
            ),
        );
    }
}

/// The container's log format setting, if it declares one we can classify: the verdict,
/// the setting as written, its node and path.
fn declaration<'a>(c: &Container<'a>) -> Option<(Declared, String, &'a Node, String)> {
    for (i, env) in c
        .get("env")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let Some(name) = env.get("name").and_then(Node::as_str) else {
            continue;
        };
        let Some(value) = env.get("value").and_then(Node::scalar_text) else {
            continue;
        };
        if let Some(kind) = classify_env(name, &value) {
            return Some((
                kind,
                format!("{name}={value}"),
                env,
                c.field_path(&format!("env[{i}]")),
            ));
        }
    }
    for field in ["command", "args"] {
        let items = c.get(field).map(Node::items).unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let Some(arg) = item.as_str() else {
                continue;
            };
            if !arg.starts_with('-') {
                continue;
            }
            let (flag, value) = match arg.split_once('=') {
                Some((f, v)) => (f, Some(v.to_string())),
                None => (arg, None),
            };
            let name = flag.trim_start_matches('-').to_ascii_uppercase();
            let value = value.or_else(|| {
                items
                    .get(i + 1)
                    .and_then(Node::as_str)
                    .filter(|v| !v.starts_with('-'))
                    .map(str::to_string)
            });
            let kind = match value {
                Some(v) => classify_env(&name, &v),
                // A bare `--log-json` switch.
                None if name.contains("LOG") && name.contains("JSON") => Some(Declared::Structured),
                None => None,
            };
            if let Some(kind) = kind {
                return Some((
                    kind,
                    arg.to_string(),
                    item,
                    c.field_path(&format!("{field}[{i}]")),
                ));
            }
        }
    }
    None
}

/// Classifies a setting by its (upper-case) name and value.
fn classify_env(name: &str, value: &str) -> Option<Declared> {
    let name = name.to_ascii_uppercase();
    // controller-runtime's zap flags (`--zap-encoder`) name the logger, not "log".
    if !name.contains("LOG") && !name.contains("ZAP") {
        return None;
    }
    let value = value.trim().to_ascii_lowercase();
    if name.contains("JSON") {
        return match value.as_str() {
            "true" | "1" | "yes" | "on" => Some(Declared::Structured),
            "false" | "0" | "no" | "off" => Some(Declared::Free),
            _ => None,
        };
    }
    if !["FORMAT", "ENCOD", "STYLE"]
        .iter()
        .any(|k| name.contains(k))
    {
        return None;
    }
    if STRUCTURED.contains(&value.as_str()) {
        Some(Declared::Structured)
    } else if UNSTRUCTURED.contains(&value.as_str()) {
        Some(Declared::Free)
    } else {
        None
    }
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
