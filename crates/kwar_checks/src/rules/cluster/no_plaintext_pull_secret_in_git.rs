use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every core `v1` `Secret` of type `kubernetes.io/dockerconfigjson` or
    /// `kubernetes.io/dockercfg` (image pull secrets). It fails when the registry
    /// credentials are in the manifest (`data` or `stringData` holds a value: base64 is not
    /// encryption) and passes when the Secret carries no value. Values that are a deploy-time
    /// placeholder (`${...}`), SOPS-encrypted manifests, and Secrets owned by another object
    /// (created in the cluster by a controller, as seen in a cluster export) are not
    /// reported. `SealedSecret` and `ExternalSecret` are the recommended alternatives and are
    /// not evaluated, and neither are Secrets read from a live cluster or a snapshot: they are
    /// not files in a repository.
    ///
    /// ## Why it matters
    /// Registry credentials in Git let anyone with read access to the repository pull — and
    /// often push — your images: a supply-chain risk that lasts until the credentials are
    /// rotated. For Amazon ECR no pull secret is needed at all: the kubelet authenticates with
    /// the node role.
    ///
    /// ## How to fix
    /// Pull from ECR with the node IAM role (`AmazonEC2ContainerRegistryPullOnly`), or sync the
    /// pull secret from AWS Secrets Manager with External Secrets:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: registry-pull
    ///   namespace: shop
    /// spec:
    ///   secretStoreRef: {kind: ClusterSecretStore, name: aws-secrets-manager}
    ///   target:
    ///     name: registry-pull
    ///     template:
    ///       type: kubernetes.io/dockerconfigjson
    ///       data:
    ///         .dockerconfigjson: "{{ .dockerconfig }}"
    ///   data:
    ///     - secretKey: dockerconfig
    ///       remoteRef: {key: prod/registry/pull}
    /// ```
    /// Then rotate the committed credentials.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>
    "no-plaintext-pull-secret-in-git",
    run
}

const PULL_SECRET_TYPES: [&str; 2] = ["kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"];

/// A value filled in at deploy time or encrypted in place, not a plaintext credential.
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
        let Some(kind) = secret
            .root()
            .get("type")
            .and_then(Node::as_str)
            .filter(|t| PULL_SECRET_TYPES.contains(t))
        else {
            continue;
        };
        if secret.is_owned() {
            continue;
        }
        if secret.root().get("sops").is_some() {
            out.pass(secret);
            continue;
        }
        let plaintext = ["data", "stringData"].into_iter().find_map(|field| {
            secret
                .root()
                .get(field)
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .find(|(_, v)| {
                    v.scalar_text()
                        .is_some_and(|t| !is_placeholder_or_encrypted(&t))
                })
                .map(|(k, _)| (field, k))
        });
        match plaintext {
            Some((field, key)) => out.fail(
                Subject::object(secret)
                    .at(key_path(field, key.as_str().unwrap_or_default()), Some(key)),
                format!(
                    "pull Secret `{}` ({kind}) commits registry credentials in plaintext \
                     ({})",
                    secret.name(),
                    key_path(field, key.as_str().unwrap_or_default())
                ),
            ),
            None => out.pass(secret),
        }
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
