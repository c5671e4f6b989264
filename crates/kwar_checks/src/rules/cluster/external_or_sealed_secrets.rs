use kwar_detect::Signal;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether secrets reach the cluster through a secrets-management tool — Bitnami Sealed
    /// Secrets, the External Secrets Operator, the Secrets Store CSI driver (with the AWS
    /// provider, ASCP) or HashiCorp Vault — from the catalog's detectors `sealed-secrets`,
    /// `external-secrets`, `secrets-store-csi` and `vault`. Only evidence that the tool runs
    /// or is used counts: its controller, driver, webhook, images, its custom resources
    /// (`SealedSecret`, `ExternalSecret`, `SecretProviderClass`, …) or Vault injection
    /// annotations; a CRD left installed without any of these does not.
    /// - Found: pass — on the Cluster object for a whole cluster, else on the first object
    ///   that revealed it.
    /// - Not found on a whole cluster that holds application Secrets: warn on the Cluster
    ///   object — its Secrets were created out-of-band (`kubectl create secret`, pipelines,
    ///   Helm values). Application Secrets are Secrets outside the system namespaces other
    ///   than service-account tokens, Helm release records, bootstrap tokens and
    ///   cert-manager certificates.
    /// - Not found, and no application Secrets: no verdict (nothing to manage).
    /// - Not found in manifests alone: no verdict (manifests cannot show absence).
    ///
    /// ## Why it matters
    /// Secrets created by hand or by a pipeline have no source of truth: nobody knows where a
    /// value came from, rotation means finding and re-running whatever created them, and they
    /// tend to be copied into Git, CI variables and laptops. A secrets manager (AWS Secrets
    /// Manager, Vault) synced into the cluster keeps one audited, rotatable source.
    ///
    /// ## How to fix
    /// Install the External Secrets Operator (or the Secrets Store CSI driver with ASCP) and
    /// declare where each secret comes from:
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ClusterSecretStore
    /// metadata: {name: aws-secrets-manager}
    /// spec:
    ///   provider:
    ///     aws:
    ///       service: SecretsManager
    ///       region: eu-west-1
    ///       auth: {jwt: {serviceAccountRef: {name: external-secrets, namespace: external-secrets}}}
    /// ---
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata: {name: db, namespace: shop}
    /// spec:
    ///   refreshInterval: 1h
    ///   secretStoreRef: {kind: ClusterSecretStore, name: aws-secrets-manager}
    ///   target: {name: db}
    ///   dataFrom: [{extract: {key: prod/shop/db}}]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_use_an_external_secrets_provider>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    "external-or-sealed-secrets",
    run,
    needs = ["secrets"]
}

const DETECTORS: [&str; 4] = [
    "sealed-secrets",
    "external-secrets",
    "secrets-store-csi",
    "vault",
];

/// Secret types Kubernetes or tools create for themselves.
const PLATFORM_SECRET_TYPES: [&str; 3] = [
    "kubernetes.io/service-account-token",
    "helm.sh/release.v1",
    "bootstrap.kubernetes.io/token",
];

/// A Secret an application team put there (not one of the platform's own records).
fn is_application_secret(cx: &Context<'_>, secret: &Object) -> bool {
    let kind = secret
        .root()
        .get("type")
        .and_then(Node::as_str)
        .unwrap_or("Opaque");
    !cx.in_system_namespace(secret)
        && !PLATFORM_SECRET_TYPES.contains(&kind)
        && secret
            .annotation("cert-manager.io/certificate-name")
            .is_none()
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // A CRD alone is a leftover or a dependency of a chart, not a tool in use.
    let found = DETECTORS.iter().find_map(|id| {
        cx.detections
            .get(id)?
            .matches
            .iter()
            .find(|m| m.signal != Signal::Crd)
            .map(|m| m.object)
    });
    match (found, cx.whole_cluster()) {
        (Some(_), Some(cluster)) => out.pass(cluster),
        (Some(id), None) => out.pass(cx.inv.object(id)),
        (None, Some(cluster)) => {
            let secrets: Vec<&Object> = cx
                .inv
                .of_kind("Secret")
                .filter(|s| s.api_group().is_empty() && is_application_secret(cx, s))
                .collect();
            if secrets.is_empty() {
                return;
            }
            let shown: Vec<String> = secrets
                .iter()
                .take(3)
                .map(|s| format!("`{}`", s.display_name()))
                .collect();
            out.warn(
                Subject::object(cluster),
                format!(
                    "no secrets-management tool (Sealed Secrets, External Secrets, Secrets Store \
                     CSI driver, Vault) is in use: the {} application Secrets ({}{}) were \
                     created out-of-band",
                    secrets.len(),
                    shown.join(", "),
                    if secrets.len() > shown.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
            );
        }
        (None, None) => {}
    }
}
