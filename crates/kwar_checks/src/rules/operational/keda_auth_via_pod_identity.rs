use std::collections::HashSet;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// KEDA `TriggerAuthentication` and `ClusterTriggerAuthentication` objects (keda.sh) that
    /// authenticate AWS scalers (SQS, CloudWatch, Kinesis, DynamoDB…). An authentication is
    /// for AWS when it sets an `aws*` pod identity provider, hands the scaler an `aws*`
    /// parameter (`awsAccessKeyID`, `awsSecretAccessKey`, `awsSessionToken`, `awsRoleArn`),
    /// uses `awsSecretManager`, or is referenced by a ScaledObject or ScaledJob trigger of an
    /// `aws-*` type.
    ///
    /// - **pass**: `podIdentity.provider: aws` (EKS Pod Identity or IRSA, optionally with a
    ///   `roleArn`), or the deprecated `aws-eks` alias (still IRSA, no stored keys), and no
    ///   static keys.
    /// - **warn**: static keys: `awsAccessKeyID` / `awsSecretAccessKey` taken from a Secret,
    ///   an environment variable or a secret store (Vault, Azure Key Vault, GCP or AWS
    ///   Secrets Manager), or `awsSecretManager.credentials` built from an access key. Also
    ///   warns on `podIdentity.provider: aws-kiam`, which KEDA removed in 2.15.
    ///
    /// An authentication for AWS that carries neither keys nor an identity provider (the
    /// credentials then come from the trigger's own metadata) is not judged.
    ///
    /// ## Why it matters
    /// Long-lived access keys in a Secret never rotate, are readable by anyone who can read
    /// Secrets in the namespace, end up in Git and backups, and cannot be traced to a
    /// workload. Pod Identity or IRSA give KEDA short-lived, automatically rotated credentials
    /// scoped to one IAM role.
    ///
    /// ## How to fix
    /// Give the KEDA operator (or the workload, with `identityOwner: workload`) an IAM role
    /// through EKS Pod Identity or IRSA and drop the keys:
    /// ```yaml
    /// apiVersion: keda.sh/v1alpha1
    /// kind: TriggerAuthentication
    /// metadata: {name: sqs-auth, namespace: orders}
    /// spec:
    ///   podIdentity:
    ///     provider: aws
    ///     roleArn: arn:aws:iam::111122223333:role/orders-queue-reader
    /// ```
    ///
    /// ## References
    /// - <https://keda.sh/docs/latest/authentication-providers/aws/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_scaling_applications_based_on_custom_or_external_metrics>
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    "keda-auth-via-pod-identity",
    run
}

const STATIC_KEY_PARAMS: [&str; 2] = ["awsAccessKeyID", "awsSecretAccessKey"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let aws_refs = referenced_by_aws_triggers(cx);
    for kind in ["TriggerAuthentication", "ClusterTriggerAuthentication"] {
        for ta in cx.inv.of_kind(kind).filter(|o| o.api_group() == "keda.sh") {
            let Some(spec) = ta.root().get("spec") else {
                continue;
            };
            let provider = spec
                .at(&["podIdentity", "provider"])
                .and_then(Node::as_str)
                .unwrap_or("none");
            let params = parameters(spec);
            let referenced = aws_refs.contains(&(kind, ta.namespace_key(), ta.name()))
                || (kind == "ClusterTriggerAuthentication"
                    && aws_refs
                        .iter()
                        .any(|(k, _, n)| *k == kind && *n == ta.name()));
            let is_aws = provider.starts_with("aws")
                || spec.get("awsSecretManager").is_some()
                || params.iter().any(|(p, _, _)| p.starts_with("aws"))
                || referenced;
            if !is_aws {
                continue;
            }
            let static_key = params
                .iter()
                .find(|(p, _, _)| STATIC_KEY_PARAMS.contains(&p.as_str()));
            let manager_key = spec.at(&["awsSecretManager", "credentials", "accessKey"]);
            if let Some((param, path, node)) = static_key {
                out.warn(
                    Subject::object(ta).at(path.clone(), Some(*node)),
                    format!(
                        "{kind} `{}` gives KEDA a static AWS access key (parameter {param}) instead of Pod Identity/IRSA",
                        ta.name()
                    ),
                );
            } else if let Some(node) = manager_key {
                out.warn(
                    Subject::object(ta).at("spec.awsSecretManager.credentials.accessKey", Some(node)),
                    format!(
                        "{kind} `{}` reads AWS Secrets Manager with a static access key instead of Pod Identity/IRSA",
                        ta.name()
                    ),
                );
            } else if provider == "aws-kiam" {
                out.warn(
                    Subject::object(ta).at("spec.podIdentity.provider", spec.at(&["podIdentity", "provider"])),
                    format!(
                        "{kind} `{}` uses podIdentity provider aws-kiam, which KEDA removed in 2.15; use provider aws",
                        ta.name()
                    ),
                );
            } else if matches!(provider, "aws" | "aws-eks") {
                out.pass(ta);
            }
        }
    }
}

/// The parameters an authentication hands to scalers: (parameter, path, node).
fn parameters(spec: &Node) -> Vec<(String, String, &Node)> {
    let mut out = Vec::new();
    let sources: [(&[&str], &str); 6] = [
        (&["secretTargetRef"], "spec.secretTargetRef"),
        (&["env"], "spec.env"),
        (
            &["hashiCorpVault", "secrets"],
            "spec.hashiCorpVault.secrets",
        ),
        (&["azureKeyVault", "secrets"], "spec.azureKeyVault.secrets"),
        (
            &["gcpSecretManager", "secrets"],
            "spec.gcpSecretManager.secrets",
        ),
        (
            &["awsSecretManager", "secrets"],
            "spec.awsSecretManager.secrets",
        ),
    ];
    for (at, path) in sources {
        for (i, item) in spec
            .at(at)
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if let Some(p) = item.get("parameter").and_then(Node::scalar_text) {
                out.push((p, format!("{path}[{i}]"), item));
            }
        }
    }
    out
}

/// (kind, namespace, name) of the authentications that `aws-*` triggers reference.
fn referenced_by_aws_triggers<'a>(cx: &Context<'a>) -> HashSet<(&'static str, &'a str, &'a str)> {
    let mut refs = HashSet::new();
    for scaler in ["ScaledObject", "ScaledJob"]
        .into_iter()
        .flat_map(|k| cx.inv.of_kind(k))
        .filter(|o| o.api_group() == "keda.sh")
    {
        for trigger in scaler
            .root()
            .at(&["spec", "triggers"])
            .map(Node::items)
            .unwrap_or_default()
        {
            let aws = trigger
                .get("type")
                .and_then(Node::as_str)
                .is_some_and(|t| t.starts_with("aws"));
            let Some(auth) = trigger.get("authenticationRef") else {
                continue;
            };
            let Some(name) = auth.get("name").and_then(Node::as_str) else {
                continue;
            };
            if !aws {
                continue;
            }
            let kind = match auth.get("kind").and_then(Node::as_str) {
                Some("ClusterTriggerAuthentication") => "ClusterTriggerAuthentication",
                _ => "TriggerAuthentication",
            };
            refs.insert((kind, scaler.namespace_key(), name));
        }
    }
    refs
}
