use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every core `v1` `Secret` in the input. It fails when `data` or `stringData` holds a
    /// value: base64 in `data` is an encoding, not encryption, so the secret is readable by
    /// anyone who can read the repository. It passes when the Secret carries no values (for
    /// example a `kubernetes.io/service-account-token` Secret the token controller fills in,
    /// or a Secret whose keys are all empty).
    ///
    /// Secrets read from a live cluster or a snapshot are not evaluated: they are not files in a
    /// repository. Not reported either: values that are only a deploy-time placeholder (`${DB_PASSWORD}` for Flux
    /// post-build substitution or envsubst), SOPS-encrypted manifests (a top-level `sops`
    /// block, values `ENC[...]`), Secrets owned by another object (generated in the cluster
    /// by a controller such as Sealed Secrets or External Secrets, as seen in a cluster
    /// export) and Helm release records (`helm.sh/release.v1`). `SealedSecret`,
    /// `ExternalSecret` and `SecretProviderClass` objects are the recommended alternatives
    /// and are not evaluated.
    ///
    /// ## Why it matters
    /// A secret committed to Git is in every clone, fork, CI cache and backup forever;
    /// rotating it is the only remedy, and rewriting history does not reach copies. Secrets
    /// held in a secret manager can be audited, rotated and scoped by IAM.
    ///
    /// ## How to fix
    /// Keep the value in AWS Secrets Manager (or Vault) and let External Secrets create the
    /// Secret in the cluster — or commit a SealedSecret, encrypted for the cluster:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: db-credentials
    ///   namespace: shop
    /// spec:
    ///   refreshInterval: 1h
    ///   secretStoreRef: {kind: ClusterSecretStore, name: aws-secrets-manager}
    ///   target: {name: db-credentials}
    ///   data:
    ///     - secretKey: password
    ///       remoteRef: {key: prod/shop/db, property: password}
    /// ```
    /// Then rotate every value that was committed.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_use_an_external_secrets_provider>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    "no-plaintext-secrets-in-git",
    run
}

/// A value filled in at deploy time or encrypted in place, not a plaintext secret.
fn is_placeholder_or_encrypted(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with("ENC[")
        || (v.starts_with("${") && v.ends_with('}') && !v[2..].contains("${"))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // A Secret read from a live cluster or a snapshot is not a committed file: holding values
    // is what a Secret in a cluster does (and a snapshot blanks them anyway).
    if cx.collected_from_cluster() {
        return;
    }
    for secret in cx.inv.of_kind("Secret").filter(|o| o.api_version() == "v1") {
        let kind = secret
            .root()
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or("Opaque");
        if secret.is_owned() || kind.starts_with("helm.sh/release") {
            continue;
        }
        // SOPS keeps its metadata in a top-level `sops` block and encrypts the values.
        if secret.root().get("sops").is_some() {
            out.pass(secret);
            continue;
        }
        let plaintext: Vec<(&str, &Node)> = ["data", "stringData"]
            .into_iter()
            .flat_map(|field| {
                secret
                    .root()
                    .get(field)
                    .map(Node::entries)
                    .unwrap_or_default()
                    .iter()
                    .map(move |(k, v)| (field, k, v))
            })
            .filter(|(_, _, v)| {
                v.scalar_text()
                    .is_some_and(|t| !is_placeholder_or_encrypted(&t))
            })
            .map(|(field, k, _)| (field, k))
            .collect();
        let Some((field, first)) = plaintext.first() else {
            out.pass(secret);
            continue;
        };
        let keys: Vec<String> = plaintext
            .iter()
            .filter_map(|(_, k)| k.as_str())
            .map(|k| format!("`{k}`"))
            .collect();
        out.fail(
            Subject::object(secret).at(
                key_path(field, first.as_str().unwrap_or_default()),
                Some(first),
            ),
            format!(
                "Secret `{}` ({kind}) is committed with plaintext values for {} {}; base64 is \
                 not encryption",
                secret.name(),
                if keys.len() == 1 { "key" } else { "keys" },
                keys.join(", ")
            ),
        );
    }
}

/// `data.password`, or `data[".dockerconfigjson"]` when the key itself has dots.
fn key_path(field: &str, key: &str) -> String {
    if key.contains('.') || key.contains('/') {
        format!("{field}[\"{key}\"]")
    } else {
        format!("{field}.{key}")
    }
}
