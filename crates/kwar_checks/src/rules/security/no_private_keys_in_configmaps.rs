use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// No private key material sits in a ConfigMap or in a literal environment variable.
    /// Every ConfigMap (any namespace) is checked: its `data` values, and its `binaryData`
    /// values after base64 decoding. Every container (init containers included) of every
    /// workload is checked for `env[].value` literals. It fails on a PEM private key block —
    /// `-----BEGIN … PRIVATE KEY-----` (PKCS#8, RSA, EC, DSA, OPENSSH, ENCRYPTED, PGP … PRIVATE
    /// KEY BLOCK) followed by key data and an `-----END` line — and on a PuTTY private key
    /// file. Certificates (`BEGIN CERTIFICATE`) and public keys are public and pass, and so
    /// does a bare header without key data (a script that greps for one, a documentation
    /// placeholder like `...`).
    ///
    /// ## Why it matters
    /// ConfigMaps are not secret: they are readable by far more principals than Secrets
    /// (`view` roles, dashboards, log collectors), are not encrypted with a KMS key in etcd,
    /// and end up in Git, Helm release history and backups. A private key there is a key
    /// anyone can copy, and it must be considered compromised and rotated.
    ///
    /// ## How to fix
    /// Rotate the key, then keep it in a key manager (AWS KMS, or Secrets Manager delivered by
    /// External Secrets or the Secrets Store CSI driver) and mount it as a Secret volume:
    /// ```yaml
    /// volumes:
    ///   - name: signing-key
    ///     secret: {secretName: signing-key, defaultMode: 0400}
    /// containers:
    ///   - name: app
    ///     volumeMounts: [{name: signing-key, mountPath: /etc/keys, readOnly: true}]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_protect_data_rest_key_mgmt.html>
    /// - <https://kubernetes.io/docs/concepts/configuration/configmap/>
    "no-private-keys-in-configmaps",
    run
}

static PEM_PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?s)-{3,}\s*BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)\s*-{3,}(.*?)-{3,}\s*END ",
    )
    .expect("valid regex")
});

static PUTTY_PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)PuTTY-User-Key-File-\d+:.*Private-Lines:\s*\d+").expect("valid regex")
});

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for cm in cx
        .inv
        .of_kind("ConfigMap")
        .filter(|o| o.api_group().is_empty())
    {
        let mut finding = None;
        'fields: for field in ["data", "binaryData"] {
            for (key, value) in cm.root().get(field).map(Node::entries).unwrap_or_default() {
                // Borrowed when it is a string: `Node::scalar_text` would copy every value.
                let Some(text) = value
                    .as_str()
                    .map(Cow::Borrowed)
                    .or_else(|| value.scalar_text().map(Cow::Owned))
                else {
                    continue;
                };
                let text = if field == "binaryData" {
                    match base64_decode(&text) {
                        Some(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
                        None => continue,
                    }
                } else {
                    text
                };
                if let Some(label) = private_key(&text) {
                    let key = key.as_str().unwrap_or_default();
                    finding = Some((field, key, value, label));
                    break 'fields;
                }
            }
        }
        match finding {
            Some((field, key, node, label)) => out.fail(
                Subject::object(cm).at(format!("{field}.{key}"), Some(node)),
                format!(
                    "ConfigMap `{}` key `{key}` holds a private key ({label})",
                    cm.name()
                ),
            ),
            None => out.pass(cm),
        }
    }
    for (w, object) in cx.all_workloads() {
        for c in w.containers(object) {
            let mut literal = false;
            let mut finding = None;
            for (i, env) in c
                .get("env")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(value) = env.get("value").filter(|v| !v.is_null()) else {
                    continue;
                };
                literal = true;
                if let Some(label) = value.as_str().and_then(private_key) {
                    let name = env.get("name").and_then(Node::as_str).unwrap_or("");
                    finding = Some((i, name, value, label));
                    break;
                }
            }
            match finding {
                Some((i, name, node, label)) => out.fail(
                    Subject::container(object, &c).field(&format!("env[{i}].value"), Some(node)),
                    format!(
                        "container `{}` has a private key ({label}) as the literal value of env `{name}`",
                        c.name
                    ),
                ),
                None if literal => out.pass(object),
                None => {}
            }
        }
    }
}

/// Describes the private key found in `text`, if any.
fn private_key(text: &str) -> Option<String> {
    // Each pattern holds a literal (`PRIVATE KEY`, `PuTTY-User-Key-File-`): values without
    // it, nearly all of them, skip that regex.
    if text.contains("PRIVATE KEY") {
        for m in PEM_PRIVATE_KEY.captures_iter(text) {
            let body = m.get(2).map_or("", |b| b.as_str());
            let has_data = body
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
                .count()
                >= 4;
            if has_data {
                return Some(format!("BEGIN {}", &m[1]));
            }
        }
    }
    (text.contains("PuTTY-User-Key-File-") && PUTTY_PRIVATE_KEY.is_match(text))
        .then(|| "PuTTY private key file".to_string())
}

/// Standard base64 (padding optional, whitespace ignored), as `binaryData` holds it.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
