use std::borrow::Cow;
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

/// Whether `haystack` contains `needle` (lowercase ASCII that starts with two letters),
/// ignoring ASCII case. Tests the first two bytes before the rest: one compare per byte in the common
/// case.
pub(crate) fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    debug_assert!(needle.len() >= 2 && needle[..2].iter().all(u8::is_ascii_lowercase));
    let head = [needle[0], needle[1]];
    haystack.len() >= needle.len()
        && (0..=haystack.len() - needle.len()).any(|i| {
            [haystack[i] | 0x20, haystack[i + 1] | 0x20] == head
                && haystack[i..i + needle.len()].eq_ignore_ascii_case(needle)
        })
}

/// Whether `haystack` starts with `needle` (lowercase ASCII), ignoring ASCII case.
fn starts_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Whether `haystack` ends with `needle` (lowercase ASCII), ignoring ASCII case.
fn ends_with_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len()
        && haystack[haystack.len() - needle.len()..].eq_ignore_ascii_case(needle)
}

/// Whether one name part (ASCII letters and digits only) contains a credential word:
/// `(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials)`, where a part
/// cannot hold the `_`/`-` separators.
fn part_has_credential_word(part: &str) -> bool {
    let p = part.as_bytes();
    [
        b"passw".as_slice(), // password, passwd
        b"secret",
        b"token",
        b"apikey",
        b"privatekey",
        b"credentials",
    ]
    .iter()
    .any(|w| contains_ignore_case(p, w))
}

/// A cheap prefilter for names that could be credential names: it matches wherever
/// [`is_credential_name`] holds for a substring of the text (a name part holding a credential
/// word, or `api`/`private` and `key` split over parts by separators), and in other places
/// too. One pass of a lazy DFA over a whole value, without captures.
static CREDENTIAL_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)passw|secret|token|credentials|(?:api|private)(?-i:[^0-9A-Za-z])*key").unwrap()
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

/// Splits `spring.datasource.passwordFile` / `DB_PASSWORD_FILE` into words (`spring`,
/// `datasource`, `password`, `File`): runs of ASCII letters and digits, split again before an
/// uppercase letter that follows a lowercase letter or a digit. The words are slices of
/// `name`, compared without regard to ASCII case.
fn name_parts(name: &str) -> impl Iterator<Item = &str> {
    let b = name.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == b.len() {
            return None;
        }
        let start = i;
        let mut prev_lower = false;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            if b[i].is_ascii_uppercase() && prev_lower {
                break;
            }
            prev_lower = b[i].is_ascii_lowercase() || b[i].is_ascii_digit();
            i += 1;
        }
        Some(&name[start..i])
    })
}

fn is_one_of(part: &str, words: &[&str]) -> bool {
    words.iter().any(|w| part.eq_ignore_ascii_case(w))
}

/// Whether a key or variable name looks like it holds a credential.
pub(crate) fn is_credential_name(name: &str) -> bool {
    // A part that is a credential word (and not a word that merely contains one); or the
    // credential word spans parts (`api_key`, `privateKey`) and no part is a non-credential
    // word that explains the match.
    let (mut word, mut spanning, mut not_word) = (false, false, false);
    let (mut first, mut last, mut count) = ("", "", 0usize);
    for part in name_parts(name) {
        let is_not_word = is_one_of(part, &NOT_CREDENTIAL_WORDS);
        if part_has_credential_word(part) {
            spanning = true;
            word |= !is_not_word;
        }
        not_word |= is_not_word;
        if count > 0
            && (ends_with_ignore_case(last.as_bytes(), b"api")
                || ends_with_ignore_case(last.as_bytes(), b"private"))
            && starts_with_ignore_case(part.as_bytes(), b"key")
        {
            spanning = true;
        }
        if count == 0 {
            first = part;
        }
        last = part;
        count += 1;
    }
    if !(word || (spanning && !not_word)) {
        return false;
    }
    !(count > 1 && (is_one_of(last, &REFERENCE_SUFFIXES) || is_one_of(first, &REFERENCE_PREFIXES)))
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
/// Only the lines where [`CREDENTIAL_WORD`] matches can hold one: the others are skipped
/// without running the capturing regex.
fn credential_lines(content: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // Lines before `counted`: `line_index` of them.
    let (mut from, mut counted, mut line_index) = (0, 0, 0);
    while let Some(m) = CREDENTIAL_WORD.find_at(content, from) {
        let start = content[..m.start()].rfind('\n').map_or(0, |i| i + 1);
        let end = content[m.start()..]
            .find('\n')
            .map_or(content.len(), |i| m.start() + i + 1);
        line_index += content.as_bytes()[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start;
        from = end;
        // The line as `str::lines` yields it (without `\n` or `\r\n`).
        let line = content[start..end].lines().next().unwrap_or("");
        if let Some(name) = credential_assignment(line) {
            found.push((line_index + 1, name.to_string()));
        }
    }
    found
}

/// The name a configuration line assigns a literal credential to, if it does.
fn credential_assignment(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") || trimmed.starts_with(';') {
        return None;
    }
    let caps = ASSIGNMENT.captures(line)?;
    let name = caps.get(1).map_or("", |m| m.as_str());
    if !is_credential_name(name) {
        return None;
    }
    let mut value = caps.get(2).map_or("", |m| m.as_str());
    // `password: x # comment`
    if let Some(idx) = value.find(" #") {
        value = &value[..idx];
    }
    let value = value.trim().trim_end_matches(',');
    is_literal_credential(value).then_some(name)
}

/// The text of a scalar, borrowed when it is a string (`Node::scalar_text` copies it).
fn scalar_text(node: &Node) -> Option<Cow<'_, str>> {
    match node.as_str() {
        Some(s) => Some(Cow::Borrowed(s)),
        None => node.scalar_text().map(Cow::Owned),
    }
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
            let Some(text) = scalar_text(value) else {
                continue;
            };
            let path = || format!("data.{name}");
            if text.trim().contains('\n') {
                if is_credential_name(name) {
                    let is_file = name.rsplit_once('.').is_some_and(|(_, e)| {
                        FILE_EXTENSIONS.iter().any(|f| e.eq_ignore_ascii_case(f))
                    });
                    if !is_file || text.contains("PRIVATE KEY-----") {
                        findings.push((path(), value, format!("key `{name}`")));
                        continue;
                    }
                }
                for (line, inner) in credential_lines(&text) {
                    findings.push((
                        path(),
                        value,
                        format!("`{inner}` in key `{name}` (line {line})"),
                    ));
                }
            } else if is_credential_name(name) && is_literal_credential(&text) {
                findings.push((path(), value, format!("key `{name}`")));
            }
        }
        for (key, value) in cm
            .root()
            .get("binaryData")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let Some(name) = key.as_str() else { continue };
            let non_empty = scalar_text(value).is_some_and(|t| !t.trim().is_empty());
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

    /// The regex-and-allocation version `is_credential_name` replaced, as a reference.
    fn reference_is_credential_name(name: &str) -> bool {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(
                r"(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials)",
            )
            .unwrap()
        });
        let re = &*RE;
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
        let is_word = |p: &str| re.is_match(p) && !NOT_CREDENTIAL_WORDS.contains(&p);
        let joined = parts.join("_");
        let credential = parts.iter().any(|p| is_word(p))
            || (re.is_match(&joined)
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

    #[test]
    fn credential_names_agree_with_the_reference() {
        let fragments = [
            "api",
            "API",
            "Api",
            "key",
            "Key",
            "KEY",
            "private",
            "Private",
            "password",
            "Passwd",
            "PASSWORD",
            "secret",
            "Secret",
            "token",
            "Token",
            "tokenizer",
            "Tokenizer",
            "secretary",
            "credentials",
            "Credentials",
            "file",
            "File",
            "name",
            "Name",
            "existing",
            "Existing",
            "enable",
            "no",
            "db",
            "DB",
            "x",
            "X",
            "1",
            "2fa",
            "_",
            "-",
            ".",
            "__",
            "é",
            "K",
            "max",
            "url",
            "pass",
            "word",
            "ap",
            "ikey",
            "priv",
            "ate",
        ];
        // A deterministic walk over fragment sequences of length 1 to 4.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut checked = 0;
        for _ in 0..30_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = 1 + (state % 4) as usize;
            let mut name = String::new();
            let mut r = state >> 3;
            for _ in 0..len {
                name.push_str(fragments[(r % fragments.len() as u64) as usize]);
                r /= fragments.len() as u64;
            }
            let expected = reference_is_credential_name(&name);
            assert_eq!(is_credential_name(&name), expected, "{name}");
            if expected {
                assert!(CREDENTIAL_WORD.is_match(&name), "prefilter misses {name}");
            }
            checked += 1;
        }
        assert_eq!(checked, 30_000);
    }

    #[test]
    fn credential_lines_agree_with_every_line() {
        let content = "# password: x\r\napi_key: abc123\r\nname: app\n\nDB_PASSWORD=hunter2 # c\n\
                       private\nkey: x\nsecretName: s\n  \"token\": \"t0k\",\nlast.passwd=\"p\"\r";
        let every: Vec<(usize, String)> = content
            .lines()
            .enumerate()
            .filter_map(|(i, l)| credential_assignment(l).map(|n| (i + 1, n.to_string())))
            .collect();
        assert_eq!(credential_lines(content), every);
        assert_eq!(every.len(), 4, "{every:?}");
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
