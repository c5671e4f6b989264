use super::no_secrets_in_configmaps::{is_credential_name, is_literal_credential, url_password};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The environment variables of every container, init container and native sidecar of a
    /// workload outside the system namespaces (init containers are included: a literal in
    /// their `env` is exposed exactly like one in an app container's). In scope are the
    /// containers that set at least one credential-like variable — its name matches
    /// `(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials)` — or a
    /// literal URL with an embedded password (`redis://:hunter2@cache:6379`).
    ///
    /// - Pass: every such variable comes from `valueFrom.secretKeyRef`, or its value is a
    ///   reference rather than the credential: an empty value, a `$(VAR)` expansion of another
    ///   variable, a file path (`/var/run/secrets/…`), a secret-store reference resolved by an
    ///   injector (`arn:aws:secretsmanager:…`, `vault:…`, `ref+…`), a number of fewer than six
    ///   digits, a duration or a boolean.
    /// - Warn: a credential-like variable is read from a ConfigMap (`configMapKeyRef`):
    ///   not a literal in the workload, but still a credential stored outside a Secret.
    /// - Fail: a credential-like variable has a literal `value`, or any variable's literal
    ///   value is a URL that embeds a password.
    ///
    /// Names that describe or point at a credential rather than hold it are not
    /// credential-like: `TOKEN_FILE`, `PASSWORD_PATH`, `SECRET_NAME`, `TOKEN_URL`,
    /// `PASSWORD_MIN_LENGTH`, `existingSecret`, `ENABLE_TOKEN_AUTH`, `TOKENIZER_MODEL`.
    ///
    /// ## Why it matters
    /// A literal credential in a manifest is stored in Git, in CI logs and in the cluster's
    /// object store, and is shown to anyone who can read the Deployment (`kubectl get -o
    /// yaml`, dashboards, GitOps UIs). It cannot be rotated without a redeploy and is usually
    /// shared by every environment rendered from the same template.
    ///
    /// ## How to fix
    /// Reference a Secret (synced from AWS Secrets Manager by External Secrets or the Secrets
    /// Store CSI driver), or better mount it as a file:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef: {name: payments-db, key: password}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/configuration/configmap/>
    /// - <https://kubernetes.io/docs/concepts/configuration/overview/>
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables>
    "no-literal-credentials-in-env",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            let mut in_scope = false;
            let mut fails: Vec<(String, &Node, String)> = Vec::new();
            let mut warns: Vec<(String, &Node, String)> = Vec::new();
            for (i, var) in c
                .get("env")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let Some(name) = var.get("name").and_then(Node::as_str) else {
                    continue;
                };
                let credential = is_credential_name(name);
                let value = var.get("value").filter(|n| !n.is_null());
                let text = value.and_then(Node::scalar_text);
                if let (Some(node), Some(text)) = (value, text.as_deref()) {
                    if url_password(text).is_some() {
                        in_scope = true;
                        fails.push((
                            format!("env[{i}].value"),
                            node,
                            format!("`{name}` embeds a password in a literal URL"),
                        ));
                        continue;
                    }
                }
                if !credential {
                    continue;
                }
                in_scope = true;
                if let Some(cm) = var.at(&["valueFrom", "configMapKeyRef"]) {
                    let cm_name = cm.get("name").and_then(Node::as_str).unwrap_or("?");
                    warns.push((
                        format!("env[{i}].valueFrom.configMapKeyRef"),
                        cm,
                        format!("`{name}` is read from ConfigMap `{cm_name}`"),
                    ));
                } else if let (Some(node), Some(text)) = (value, text.as_deref()) {
                    if is_literal_credential(text) {
                        fails.push((
                            format!("env[{i}].value"),
                            node,
                            format!("`{name}` has a literal value"),
                        ));
                    }
                }
            }
            if !in_scope {
                continue;
            }
            let report = |list: &[(String, &Node, String)]| {
                let (path, node, _) = &list[0];
                let what: Vec<&str> = list.iter().map(|(_, _, m)| m.as_str()).collect();
                (
                    Subject::container(object, &c).field(path, Some(*node)),
                    what.join("; "),
                )
            };
            if !fails.is_empty() {
                let (subject, what) = report(&fails);
                out.fail(
                    subject,
                    format!("container `{}` hard-codes credentials: {what}", c.name),
                );
            } else if !warns.is_empty() {
                let (subject, what) = report(&warns);
                out.warn(
                    subject,
                    format!(
                        "container `{}` takes credentials from a ConfigMap instead of a Secret: \
                         {what}",
                        c.name
                    ),
                );
            } else {
                out.pass(object);
            }
        }
    }
}
