use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::prelude::*;
use crate::running_pods::{collected_at, epoch_seconds};

declare_check! {
    /// ## What it checks
    /// Every registry credential Secret (`type: kubernetes.io/dockerconfigjson` or the legacy
    /// `kubernetes.io/dockercfg`) of the input. Secret values are never collected, so
    /// the check judges who writes the Secret and how old it is:
    /// - pass: it is kept by a syncing operator — owned by an External Secrets `ExternalSecret`
    ///   (or labelled `reconcile.external-secrets.io/created-by` / annotated
    ///   `reconcile.external-secrets.io/data-hash`), by a Vault Secrets Operator resource, or
    ///   synced by the Secrets Store CSI driver (`secrets-store.csi.k8s.io/managed`);
    /// - pass: a CronJob of its namespace names it in its command, arguments or environment
    ///   (the usual ECR-token refresher that rewrites the Secret in place);
    /// - pass: it was written less than 90 days ago;
    /// - warn: it is a static credential written 90 days ago or more.
    ///
    /// "Written" is `metadata.creationTimestamp`, or the latest `metadata.managedFields[].time`
    /// when the input carries managed fields. Ages are measured at the snapshot's
    /// `spec.collectedAt` (now, when the input does not say). A Secret updated in place by
    /// something kwar cannot see (a pipeline running `kubectl apply`) keeps its creation time
    /// and is reported: confirm the rotation, or move it to External Secrets. A
    /// `SealedSecret` does not count as rotation (its content is static in Git). A Secret
    /// without `creationTimestamp` (a hand-written manifest) is `unknown` in a live cluster or snapshot
    /// and not evaluated otherwise — `no-plaintext-pull-secret-in-git` judges manifests.
    ///
    /// ## Why it matters
    /// Registry credentials stored as Secrets are long-lived passwords or tokens: every
    /// namespace admin, every pod that mounts them and every backup of etcd holds a copy. A
    /// credential that never changes stays valid after an engineer leaves or after a leak, and
    /// when it finally expires (Docker Hub tokens, ECR tokens after 12 hours) image pulls fail
    /// during the next scale-out.
    ///
    /// ## How to fix
    /// For Amazon ECR use the node role (no pull secret at all). For other registries, keep the
    /// credential in AWS Secrets Manager, rotate it there, and let External Secrets write the
    /// pull secret:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata: {name: registry-credentials, namespace: shop}
    /// spec:
    ///   refreshInterval: 1h
    ///   secretStoreRef: {kind: ClusterSecretStore, name: aws-secrets-manager}
    ///   target:
    ///     name: registry-credentials
    ///     template:
    ///       type: kubernetes.io/dockerconfigjson
    ///       data:
    ///         .dockerconfigjson: '{"auths":{"registry.example.com":{"auth":"{{ .auth }}"}}}'
    ///   data:
    ///     - secretKey: auth
    ///       remoteRef: {key: prod/registry, property: auth}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>
    "pull-secret-rotation",
    run,
    needs = ["secrets", "batch/cronjobs"]
}

const MAX_AGE_DAYS: i64 = 90;
const DAY: i64 = 86_400;

const REGISTRY_TYPES: [&str; 2] = ["kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"];

/// Owner kinds of the operators that write and refresh a Secret from an external store.
const EXTERNAL_SECRETS_OWNERS: [&str; 1] = ["ExternalSecret"];
const VAULT_OWNERS: [&str; 3] = [
    "VaultStaticSecret",
    "VaultDynamicSecret",
    "HCPVaultSecretsApp",
];

/// The operator that keeps the Secret in sync, if any.
fn syncing_operator(secret: &Object) -> Option<&'static str> {
    let owned_by = |kinds: &[&str]| {
        secret
            .root()
            .at(&["metadata", "ownerReferences"])
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|r| {
                r.get("kind")
                    .and_then(Node::as_str)
                    .is_some_and(|k| kinds.contains(&k))
            })
    };
    if owned_by(&EXTERNAL_SECRETS_OWNERS)
        || secret
            .label("reconcile.external-secrets.io/created-by")
            .is_some()
        || secret
            .annotation("reconcile.external-secrets.io/data-hash")
            .is_some()
    {
        return Some("External Secrets");
    }
    if owned_by(&VAULT_OWNERS)
        || secret.label("app.kubernetes.io/managed-by") == Some("hashicorp-vso")
    {
        return Some("the Vault Secrets Operator");
    }
    if secret.label("secrets-store.csi.k8s.io/managed") == Some("true") {
        return Some("the Secrets Store CSI driver");
    }
    None
}

/// A CronJob of the Secret's namespace whose command, arguments or environment name it.
fn refreshing_cronjob<'a>(
    cx: &Context<'a>,
    cronjobs: &HashMap<&str, Vec<&'a Object>>,
    secret: &Object,
) -> Option<&'a Object> {
    let name = secret.name();
    let names_it = |text: &str| {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_'))
            .any(|word| word == name)
    };
    cronjobs
        .get(secret.namespace_key())?
        .iter()
        .copied()
        .find(|cronjob| {
            let Some(w) = cx.inv.workload_of(cronjob.id) else {
                return false;
            };
            w.containers(cronjob).iter().any(|c| {
                let args = ["command", "args"]
                    .iter()
                    .flat_map(|f| c.get(f).map(Node::items).unwrap_or_default())
                    .filter_map(Node::as_str);
                let env = c
                    .get("env")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|e| e.get("value").and_then(Node::as_str));
                args.chain(env).any(names_it)
            })
        })
}

/// When the Secret was last written, in epoch seconds.
fn written_at(secret: &Object) -> Option<i64> {
    let created = secret
        .root()
        .at(&["metadata", "creationTimestamp"])
        .and_then(Node::as_str)
        .and_then(epoch_seconds)?;
    let updated = secret
        .root()
        .at(&["metadata", "managedFields"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|f| f.get("time").and_then(Node::as_str).and_then(epoch_seconds))
        .max();
    Some(updated.map_or(created, |u| u.max(created)))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let now = collected_at(cx.inv).unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    let mut cronjobs: HashMap<&str, Vec<&Object>> = HashMap::new();
    for cronjob in cx
        .inv
        .of_kind("CronJob")
        .filter(|c| c.api_group() == "batch")
    {
        cronjobs
            .entry(cronjob.namespace_key())
            .or_default()
            .push(cronjob);
    }
    for secret in cx
        .inv
        .of_kind("Secret")
        .filter(|o| o.api_group().is_empty())
    {
        let kind = secret.root().get("type").and_then(Node::as_str);
        if !kind.is_some_and(|t| REGISTRY_TYPES.contains(&t)) {
            continue;
        }
        if syncing_operator(secret).is_some() {
            out.pass(secret);
            continue;
        }
        let written = written_at(secret);
        let days = written.map(|w| (now - w).div_euclid(DAY));
        if days.is_some_and(|d| d < MAX_AGE_DAYS)
            || refreshing_cronjob(cx, &cronjobs, secret).is_some()
        {
            out.pass(secret);
            continue;
        }
        let Some(days) = days else {
            if cx.collected_from_cluster() {
                out.unknown(
                    Subject::object(secret).at("metadata.creationTimestamp", None),
                    format!(
                        "registry Secret `{}` has no creationTimestamp: its age cannot be told",
                        secret.display_name()
                    ),
                );
            }
            continue;
        };
        out.warn(
            Subject::object(secret).at(
                "metadata.creationTimestamp",
                secret.root().at(&["metadata", "creationTimestamp"]),
            ),
            format!(
                "registry Secret `{}` is a static credential written {days} days ago (more than \
                 {MAX_AGE_DAYS}) and no operator keeps it in sync: rotate it, or let External \
                 Secrets write it from a rotated secret store",
                secret.display_name()
            ),
        );
    }
}
