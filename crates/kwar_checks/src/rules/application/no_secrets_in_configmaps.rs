use std::sync::LazyLock;

use regex::Regex;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every ConfigMap outside the system namespaces is free of credentials. A ConfigMap fails
    /// when a key whose name looks like a credential — it matches
    /// `(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials)` — holds a
    /// non-empty literal value, or when a configuration file stored in it (a multi-line value
    /// such as `application.properties` or `config.yaml`) contains a line assigning a literal
    /// to such a name (`db.password=…`, `api_key: …`). Keys in `binaryData` with such names
    /// fail as well. Otherwise the ConfigMap passes.
    ///
    /// To avoid false positives, these are not credentials:
    /// - names that describe or point at a credential rather than hold it: a last name part
    ///   such as `_FILE`, `_PATH`, `_DIR`, `_NAME`, `_REF`, `_ARN`, `_URL`, `_ENDPOINT`, `_TTL`,
    ///   `_LENGTH`, `_HEADER`, `_TYPE` (`TOKEN_FILE`, `PASSWORD_PATH`, `secretName`,
    ///   `TOKEN_URL`, `PASSWORD_MIN_LENGTH`), a first part such as `existing`/`enable`
    ///   (`existingSecret`), and words that merely contain one (`tokenizer`, `secretary`);
    /// - values that are empty, expansions or templates (`$(VAR)`, `${VAR}`, `{{ … }}`),
    ///   file paths (`/var/run/secrets/…`, `./creds`), URLs without an embedded password,
    ///   secret-store references (`arn:…`, `vault:…`, `ref+…`), numbers of fewer than six
    ///   digits (a longer one may be a PIN-like password), durations and booleans.
    ///
    /// ## Why it matters
    /// ConfigMaps are not designed to hold secrets: they are readable by anyone with `get` on
    /// ConfigMaps in the namespace (a much broader audience than Secrets in most RBAC
    /// setups), are printed by `kubectl describe`, are never encrypted with a dedicated key,
    /// and their manifests usually live in Git. A credential stored there is exposed to
    /// everyone who can read the repository or the namespace.
    ///
    /// ## How to fix
    /// Move the value to a Secret — ideally synced from AWS Secrets Manager or SSM Parameter
    /// Store by External Secrets or the Secrets Store CSI driver — and keep only non-sensitive
    /// settings in the ConfigMap:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata: {name: api-config}
    /// data:
    ///   DB_HOST: payments-db.cluster-abc.eu-west-1.rds.amazonaws.com
    ///   DB_PASSWORD_FILE: /etc/secrets/db-password   # the Secret is mounted here
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/configmap/>
    /// - <https://kubernetes.io/docs/concepts/configuration/overview/>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    "no-secrets-in-configmaps",
    run
}

static CREDENTIAL_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials)")
        .unwrap()
});

/// Words that contain a credential word without being one.
const NOT_CREDENTIAL_WORDS: [&str; 9] = [
    "tokenizer",
    "tokenizers",
    "tokenize",
    "tokenization",
    "tokeniser",
    "tokenise",
    "tokenisation",
    "secretary",
    "secretariat",
];

/// A last name part that makes the name describe or point at a credential rather than hold
/// it (`TOKEN_FILE`, `secretName`, `PASSWORD_MIN_LENGTH`).
const REFERENCE_SUFFIXES: [&str; 55] = [
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "directory",
    "name",
    "names",
    "ref",
    "arn",
    "url",
    "uri",
    "endpoint",
    "host",
    "port",
    "ttl",
    "expiry",
    "expiration",
    "expires",
    "lifetime",
    "length",
    "timeout",
    "header",
    "type",
    "enabled",
    "enable",
    "mount",
    "location",
    "provider",
    "policy",
    "version",
    "namespace",
    "audience",
    "issuer",
    "field",
    "mode",
    "format",
    "algorithm",
    "env",
    "count",
    "store",
    "rotation",
    "duration",
    "interval",
    "seconds",
    "minutes",
    "hours",
    "days",
    "size",
    "bytes",
    "max",
    "min",
    "limit",
    "retries",
    "attempts",
];

/// A first name part that makes the name a switch or a reference (`existingSecret`,
/// `ENABLE_TOKEN_AUTH`).
const REFERENCE_PREFIXES: [&str; 11] = [
    "existing", "enable", "enabled", "disable", "use", "create", "skip", "require", "mount",
    "auto", "no",
];

/// Splits `spring.datasource.passwordFile` / `DB_PASSWORD_FILE` into lowercase words.
fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !current.is_empty() {
                parts.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        current.push(ch.to_ascii_lowercase());
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// Whether a key or variable name looks like it holds a credential.
pub(crate) fn is_credential_name(name: &str) -> bool {
    let parts = name_parts(name);
    let is_word = |p: &str| CREDENTIAL_NAME.is_match(p) && !NOT_CREDENTIAL_WORDS.contains(&p);
    // The credential word may span parts (`api_key`, `privateKey`): test the joined name
    // too, but only when no part is a non-credential word that explains the match.
    let joined = parts.join("_");
    let credential = parts.iter().any(|p| is_word(p))
        || (CREDENTIAL_NAME.is_match(&joined)
            && !parts
                .iter()
                .any(|p| NOT_CREDENTIAL_WORDS.contains(&p.as_str())));
    if !credential {
        return false;
    }
    if parts.len() > 1 {
        let last = parts.last().map(String::as_str).unwrap_or("");
        let first = parts.first().map(String::as_str).unwrap_or("");
        if REFERENCE_SUFFIXES.contains(&last) || REFERENCE_PREFIXES.contains(&first) {
            return false;
        }
    }
    true
}

static URL_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]*:([^/@\s]+)@").unwrap());
/// A short number, or a duration or quantity (`3600`, `30m`, `1h`, `64Mi`); a number of six
/// digits or more may well be a PIN-like password and stays a literal.
static NUMBER_OR_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(-?[0-9]{1,5}|-?[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h|d|w|y|Ki|Mi|Gi|Ti|k|K|M|G|T))$")
        .unwrap()
});

fn is_expansion(value: &str) -> bool {
    value.contains("$(") || value.contains("${") || value.contains("{{")
}

/// The literal password embedded in a URL (`postgres://app:hunter2@db:5432/app`), if any.
pub(crate) fn url_password(value: &str) -> Option<&str> {
    let password = URL_PASSWORD.captures(value.trim())?.get(1)?.as_str();
    (!is_expansion(password) && !password.starts_with('$')).then_some(password)
}

/// Whether a value under a credential-like name is a literal secret rather than a reference,
/// a path, a switch or a number.
pub(crate) fn is_literal_credential(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    if v.is_empty() || is_expansion(v) {
        return false;
    }
    if ["/", "./", "../", "~/", "file:"]
        .iter()
        .any(|p| v.starts_with(p))
    {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if [
        "arn:",
        "vault:",
        "ref+",
        "sm://",
        "secretsmanager:",
        "ssm:",
        "awssm:",
        "gcpsm:",
        "azurekv:",
        "k8s://",
        "secret://",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return false;
    }
    if lower.contains("://") {
        return url_password(v).is_some();
    }
    if NUMBER_OR_DURATION.is_match(v) {
        return false;
    }
    !matches!(
        lower.as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "enabled"
            | "disabled"
            | "none"
            | "null"
            | "nil"
            | "required"
            | "optional"
    )
}

/// File extensions of configuration files stored under a ConfigMap key.
const FILE_EXTENSIONS: [&str; 14] = [
    "yaml",
    "yml",
    "json",
    "conf",
    "cfg",
    "properties",
    "env",
    "ini",
    "toml",
    "xml",
    "txt",
    "config",
    "sh",
    "js",
];

static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*[:=]\s*(.*?)\s*,?\s*$"#)
        .unwrap()
});

/// Credential-like assignments inside a configuration file: (line number from 1, name).
fn credential_lines(content: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (i, line) in content.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with("//") || trimmed.starts_with(';') {
            continue;
        }
        let Some(caps) = ASSIGNMENT.captures(line) else {
            continue;
        };
        let name = &caps[1];
        let mut value = caps[2].to_string();
        // `password: x # comment`
        if let Some(idx) = value.find(" #") {
            value.truncate(idx);
        }
        let value = value.trim().trim_end_matches(',');
        if is_credential_name(name) && is_literal_credential(value) {
            found.push((i + 1, name.to_string()));
        }
    }
    found
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for cm in cx.inv.of_kind("ConfigMap") {
        if !cm.api_group().is_empty() || cx.in_system_namespace(cm) {
            continue;
        }
        // (path, node, description)
        let mut findings: Vec<(String, &Node, String)> = Vec::new();
        for (key, value) in cm.root().get("data").map(Node::entries).unwrap_or_default() {
            let Some(name) = key.as_str() else { continue };
            let Some(text) = value.scalar_text() else {
                continue;
            };
            let path = format!("data.{name}");
            let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
            let is_file = extension.is_some_and(|e| FILE_EXTENSIONS.contains(&e.as_str()));
            if text.trim().contains('\n') {
                if is_credential_name(name) && (!is_file || text.contains("PRIVATE KEY-----")) {
                    findings.push((path, value, format!("key `{name}`")));
                    continue;
                }
                for (line, inner) in credential_lines(&text) {
                    findings.push((
                        path.clone(),
                        value,
                        format!("`{inner}` in key `{name}` (line {line})"),
                    ));
                }
            } else if is_credential_name(name) && is_literal_credential(&text) {
                findings.push((path, value, format!("key `{name}`")));
            }
        }
        for (key, value) in cm
            .root()
            .get("binaryData")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let Some(name) = key.as_str() else { continue };
            let non_empty = value.scalar_text().is_some_and(|t| !t.trim().is_empty());
            if non_empty && is_credential_name(name) {
                findings.push((
                    format!("binaryData.{name}"),
                    value,
                    format!("binary key `{name}`"),
                ));
            }
        }
        match findings.first() {
            None => out.pass(cm),
            Some((path, node, _)) => {
                let what: Vec<&str> = findings.iter().map(|(_, _, d)| d.as_str()).collect();
                out.fail(
                    Subject::object(cm).at(path.clone(), Some(*node)),
                    format!(
                        "ConfigMap `{}` holds credential-like data in {}",
                        cm.name(),
                        what.join(", ")
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names() {
        for name in [
            "DB_PASSWORD",
            "api_token",
            "apiKey",
            "API-KEY",
            "privateKey",
            "CLIENT_SECRET",
            "SECRET_KEY",
            "aws_secret_access_key",
            "credentials",
            "spring.datasource.password",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
        for name in [
            "TOKEN_FILE",
            "PASSWORD_PATH",
            "secretName",
            "existingSecret",
            "TOKENIZER_MODEL",
            "TOKEN_URL",
            "PASSWORD_MIN_LENGTH",
            "LOG_LEVEL",
            "SESSION_KEY_FILE",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn literal_values() {
        for v in [
            "hunter2",
            "s3cr3t!",
            "postgres://app:hunter2@db/app",
            "changeme",
        ] {
            assert!(is_literal_credential(v), "{v}");
        }
        for v in [
            "",
            "$(DB_PASSWORD)",
            "${DB_PASSWORD}",
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            "https://auth.example.com/oauth/token",
            "3600",
            "30m",
            "true",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
            "postgres://app:$(DB_PASSWORD)@db/app",
        ] {
            assert!(!is_literal_credential(v), "{v}");
        }
    }
}
