use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use kwar_yaml::Pos;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Where Splunk collectors and forwarders get their HEC (or Observability access) token.
    /// A token setting is a key named like `splunk_hec_token`, `hec_token`, `splunkToken`,
    /// `SPLUNK_HEC_TOKEN`, `Splunk_Token` or `splunkObservability.accessToken` (any key ending
    /// in `token` that contains `hec` or `splunk`), or a plain `token` / `access_token` key
    /// inside a Splunk configuration (below a `splunk...` key, such as an OpenTelemetry
    /// `splunk_hec` exporter or `splunkPlatform.token`, or anywhere in the values of a Splunk
    /// chart). Objects evaluated:
    ///
    /// - **ConfigMaps**: a data key that is a token setting, or a token setting inside a
    ///   configuration file held in the ConfigMap (OpenTelemetry YAML, where a plain `token`
    ///   counts below a `splunk...` key such as `splunk_hec/logs`; fluentd `hec_token ...`;
    ///   Fluent Bit `Splunk_Token ...`).
    /// - **Containers** (every workload, system namespaces included): environment variables
    ///   named like a token setting.
    /// - **Helm values** carried by a Flux `HelmRelease` (`spec.values`) or an Argo CD
    ///   `Application` (`helm.valuesObject` / `helm.values`) whose chart or keys mention Splunk.
    ///
    /// It fails when a token setting holds a literal value (or an environment variable reads
    /// it from a ConfigMap), and passes when every token is a reference: `valueFrom.secretKeyRef`,
    /// or a placeholder the collector resolves at runtime (`${SPLUNK_HEC_TOKEN}`,
    /// `#{ENV['SPLUNK_HEC_TOKEN']}`, `{{ ... }}`). Objects without a token setting are not
    /// evaluated; Secrets are not evaluated here (plaintext Secrets are
    /// `no-plaintext-secrets-in-git`'s concern).
    ///
    /// ## Why it matters
    /// A HEC token lets anyone who holds it write events into your Splunk indexes — forged
    /// audit trails, noise that hides an attack, or ingestion costs. ConfigMaps and plain
    /// values are readable by far more people and tools than Secrets (every `view` role,
    /// every clone of the repository), and a token committed once must be rotated.
    ///
    /// ## How to fix
    /// Keep the token in a Secret (synced from AWS Secrets Manager) and reference it:
    /// ```yaml
    /// # values.yaml of the splunk-otel-collector chart
    /// splunkPlatform:
    ///   endpoint: https://http-inputs.example.splunkcloud.com/services/collector
    /// secret:
    ///   create: false
    ///   name: splunk-otel-collector   # key splunk_platform_hec_token, from External Secrets
    /// ---
    /// # or in a container
    /// env:
    ///   - name: SPLUNK_HEC_TOKEN
    ///     valueFrom:
    ///       secretKeyRef: {name: splunk-hec, key: token}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/cluster-administration/logging/>
    /// - <https://github.com/signalfx/splunk-otel-collector-chart/blob/main/docs/advanced-configuration.md>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    "splunk-token-secret",
    run
}

/// The letters and digits of a key, lowercased (`Splunk_HEC-Token` → `splunkhectoken`).
fn normalized(key: &str) -> impl DoubleEndedIterator<Item = u8> + Clone + '_ {
    key.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
}

/// Whether the normalized key contains `needle` (lowercase letters).
fn normalized_contains(key: &str, needle: &[u8]) -> bool {
    let mut rest = normalized(key);
    loop {
        if rest.clone().take(needle.len()).eq(needle.iter().copied()) {
            return true;
        }
        if rest.next().is_none() {
            return false;
        }
    }
}

/// Whether a key names a Splunk token; a plain `token` counts inside a Splunk configuration.
fn is_token_key(key: &str, splunk_context: bool) -> bool {
    if !normalized(key).rev().take(5).eq(b"nekot".iter().copied()) {
        return false;
    }
    normalized_contains(key, b"hec")
        || normalized_contains(key, b"splunk")
        || (splunk_context
            && (normalized(key).eq(b"token".iter().copied())
                || normalized(key).eq(b"accesstoken".iter().copied())))
}

/// `token` in any ASCII case: a configuration without it holds no token setting.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| Regex::new("(?i-u)token").unwrap());

/// Whether `text` contains `needle` (lowercase ASCII), ignoring ASCII case.
fn contains_ignore_case(text: &str, needle: &str) -> bool {
    crate::rules::application::no_secrets_in_configmaps::contains_ignore_case(
        text.as_bytes(),
        needle.as_bytes(),
    )
}

/// The text of a scalar, borrowed when it is a string (`Node::scalar_text` copies it).
fn scalar_text(node: &Node) -> Option<Cow<'_, str>> {
    match node.as_str() {
        Some(s) => Some(Cow::Borrowed(s)),
        None => node.scalar_text().map(Cow::Owned),
    }
}

/// The value of a token setting, unquoted; None when it is not a token at all (empty, a
/// nested block, a file path).
fn token_value(raw: &str) -> Option<&str> {
    let v = raw.trim().trim_end_matches(',').trim();
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v)
        .trim();
    (!v.is_empty() && !v.starts_with('/') && !matches!(v, "|" | ">" | "|-" | ">-" | "{}" | "null"))
        .then_some(v)
}

/// A value resolved at runtime rather than a literal token.
fn is_reference(v: &str) -> bool {
    ["${", "#{", "{{", "$(", "%{", "ENV[", "env:"]
        .iter()
        .any(|p| v.contains(p))
        || v.starts_with('$')
        || (v.starts_with('<') && v.ends_with('>'))
}

/// A token setting found in a configuration: where, and whether it is a literal.
struct Setting {
    path: String,
    key: String,
    literal: bool,
    /// Where to point in the input file.
    pos: Pos,
}

/// Token settings in a configuration file that is not a YAML mapping (fluentd, Fluent Bit).
fn scan_text(text: &str, path: &str, anchor: Pos, out: &mut Vec<Setting>) {
    // A plain `token` only counts in a Splunk HEC exporter / output configuration.
    let splunk = contains_ignore_case(text, "splunk_hec");
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches("- ").trim_start();
        if line.starts_with('#') {
            continue;
        }
        let end = line
            .find(|c: char| c == ':' || c == '=' || c.is_whitespace())
            .unwrap_or(line.len());
        let key = line[..end].trim_matches(|c| c == '"' || c == '\'');
        if key.is_empty() || !is_token_key(key, splunk) {
            continue;
        }
        let rest =
            line[end..].trim_start_matches(|c: char| c == ':' || c == '=' || c.is_whitespace());
        // Drop a trailing YAML/INI comment.
        let rest = rest.split(" #").next().unwrap_or(rest);
        if let Some(v) = token_value(rest) {
            out.push(Setting {
                path: path.to_string(),
                key: key.to_string(),
                literal: !is_reference(v),
                pos: anchor,
            });
        }
    }
}

/// Token settings in a configuration file held as a string: parsed as YAML (or JSON) when it
/// is a mapping, so that a plain `token` is judged by the keys above it; read line by line
/// otherwise (fluentd, Fluent Bit).
fn scan_config(text: &str, path: &str, splunk: bool, anchor: Pos, out: &mut Vec<Setting>) {
    if !TOKEN.is_match(text) {
        return;
    }
    let parsed = kwar_yaml::parse_document(&kwar_yaml::Chunk {
        text,
        first_line: 1,
    });
    match parsed.documents.first() {
        Some(doc) if parsed.errors.is_empty() && doc.is_map() => {
            scan_tree(doc, path, splunk, Some(anchor), out)
        }
        _ => scan_text(text, path, anchor, out),
    }
}

/// Token settings in a tree of configuration or Helm values; `splunk` says whether a key
/// above (or the chart) is about Splunk.
/// `anchor` is the position to report for a tree parsed out of a string (its own positions are
/// relative to that string).
fn scan_tree(node: &Node, path: &str, splunk: bool, anchor: Option<Pos>, out: &mut Vec<Setting>) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = k.as_str().unwrap_or_default();
                let child = || {
                    if path.is_empty() {
                        key.to_string()
                    } else {
                        format!("{path}.{key}")
                    }
                };
                let splunk_here = splunk || contains_ignore_case(key, "splunk");
                match scalar_text(v) {
                    Some(text) if is_token_key(key, splunk_here) => {
                        if let Some(t) = token_value(&text) {
                            out.push(Setting {
                                path: child(),
                                key: key.to_string(),
                                literal: !is_reference(t),
                                pos: anchor.unwrap_or(v.pos),
                            });
                        }
                    }
                    // Only mappings and sequences hold further settings.
                    _ if matches!(v.value, Value::Map(_) | Value::Seq(_)) => {
                        scan_tree(v, &child(), splunk_here, anchor, out)
                    }
                    _ => {}
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                scan_tree(item, &format!("{path}[{i}]"), splunk, anchor, out);
            }
        }
        _ => {}
    }
}

/// One verdict for an object from its token settings.
fn judge(object: &Object, what: &str, settings: &[Setting], out: &mut Outcomes) {
    if settings.is_empty() {
        return;
    }
    match settings.iter().find(|s| s.literal) {
        Some(s) => out.fail(
            Subject {
                pos: s.pos,
                ..Subject::object(object).at(s.path.clone(), None)
            },
            format!(
                "{what} `{}` holds a literal Splunk token in `{}` ({}): reference a Secret instead",
                object.name(),
                s.key,
                s.path
            ),
        ),
        None => out.pass(object),
    }
}

fn data_path(key: &str) -> String {
    if key.contains('.') || key.contains('/') {
        format!("data[\"{key}\"]")
    } else {
        format!("data.{key}")
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for cm in cx
        .inv
        .of_kind("ConfigMap")
        .filter(|o| o.api_group().is_empty())
    {
        let mut settings = Vec::new();
        for (k, v) in cm.root().get("data").map(Node::entries).unwrap_or_default() {
            let key = k.as_str().unwrap_or_default();
            let Some(text) = scalar_text(v) else {
                continue;
            };
            if is_token_key(key, false) {
                if let Some(t) = token_value(&text) {
                    settings.push(Setting {
                        path: data_path(key),
                        key: key.to_string(),
                        literal: !is_reference(t),
                        pos: v.pos,
                    });
                }
            } else if TOKEN.is_match(&text) {
                // (scan_config skips a text without `token` too: test it before the path.)
                scan_config(&text, &data_path(key), false, v.pos, &mut settings);
            }
        }
        judge(cm, "ConfigMap", &settings, out);
    }

    for (w, object) in cx.all_workloads() {
        for c in w.containers(object) {
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
                if !is_token_key(name, false) {
                    continue;
                }
                let subject =
                    || Subject::container(object, &c).field(&format!("env[{i}]"), Some(env));
                if let Some(cm) = env.at(&["valueFrom", "configMapKeyRef"]) {
                    let cm_name = cm.get("name").and_then(Node::as_str).unwrap_or("?");
                    out.fail(
                        subject(),
                        format!(
                            "container `{}` reads the Splunk token `{name}` from ConfigMap \
                             `{cm_name}` instead of a Secret",
                            c.name
                        ),
                    );
                    continue;
                }
                if env.get("valueFrom").is_some() {
                    out.pass(object);
                    continue;
                }
                let literal = env
                    .get("value")
                    .and_then(Node::scalar_text)
                    .and_then(|v| token_value(&v).map(|t| !is_reference(t)));
                match literal {
                    Some(true) => out.fail(
                        subject(),
                        format!(
                            "container `{}` sets the Splunk token `{name}` as a literal value",
                            c.name
                        ),
                    ),
                    Some(false) => out.pass(object),
                    None => {}
                }
            }
        }
    }

    // Helm values carried by GitOps objects.
    for hr in cx
        .inv
        .of_kind("HelmRelease")
        .filter(|o| o.api_group() == "helm.toolkit.fluxcd.io")
    {
        let chart = hr
            .root()
            .at(&["spec", "chart", "spec", "chart"])
            .and_then(Node::as_str)
            .unwrap_or_default();
        let splunk = chart.to_ascii_lowercase().contains("splunk");
        let mut settings = Vec::new();
        if let Some(values) = hr.root().at(&["spec", "values"]) {
            scan_tree(values, "spec.values", splunk, None, &mut settings);
        }
        judge(hr, "HelmRelease", &settings, out);
    }
    for app in cx
        .inv
        .of_kind("Application")
        .filter(|o| o.api_group() == "argoproj.io")
    {
        let spec = app.root().get("spec");
        let mut sources: Vec<(String, &Node)> = Vec::new();
        if let Some(s) = spec.and_then(|s| s.get("source")) {
            sources.push(("spec.source".into(), s));
        }
        for (i, s) in spec
            .and_then(|s| s.get("sources"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            sources.push((format!("spec.sources[{i}]"), s));
        }
        let mut settings = Vec::new();
        for (path, source) in sources {
            let chart = source
                .get("chart")
                .and_then(Node::as_str)
                .unwrap_or_default();
            let splunk = chart.to_ascii_lowercase().contains("splunk");
            if let Some(values) = source.at(&["helm", "valuesObject"]) {
                scan_tree(
                    values,
                    &format!("{path}.helm.valuesObject"),
                    splunk,
                    None,
                    &mut settings,
                );
            }
            if let Some(node) = source.at(&["helm", "values"]) {
                if let Some(text) = node.as_str() {
                    let path = format!("{path}.helm.values");
                    scan_config(text, &path, splunk, node.pos, &mut settings);
                }
            }
        }
        judge(app, "Application", &settings, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocating version `is_token_key` replaced, as a reference.
    fn reference_is_token_key(key: &str, splunk_context: bool) -> bool {
        let k: String = key
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        (k.ends_with("token") && (k.contains("hec") || k.contains("splunk")))
            || (splunk_context && (k == "token" || k == "accesstoken"))
    }

    #[test]
    fn token_keys_agree_with_the_reference() {
        let fragments = [
            "splunk", "Splunk", "SPL", "unk", "hec", "HEC", "h", "ec", "_", "-", ".", "token",
            "Token", "TOK", "en", "access", "Access", "é", "x", "1", "/", " ",
        ];
        for a in fragments {
            for b in fragments {
                for c in fragments {
                    for d in ["", "token", "_Token", "s"] {
                        let key = format!("{a}{b}{c}{d}");
                        for splunk in [false, true] {
                            assert_eq!(
                                is_token_key(&key, splunk),
                                reference_is_token_key(&key, splunk),
                                "{key} {splunk}"
                            );
                        }
                    }
                }
            }
        }
    }
}
