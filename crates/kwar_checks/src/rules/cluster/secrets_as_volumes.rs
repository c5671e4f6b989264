use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container (init containers and native sidecars included) of the workloads
    /// outside the system namespaces that consumes a Secret. It warns when the container
    /// takes a Secret as environment variables — `env[].valueFrom.secretKeyRef` or
    /// `envFrom[].secretRef` — and passes when it reads its secrets only from files: a
    /// `volumeMount` of a `secret` volume, a `projected` volume with a `secret` source, or a
    /// Secrets Store CSI volume (`secrets-store.csi.k8s.io`). Containers that use no Secret are
    /// not evaluated. Owned Pods and ReplicaSets are judged through their controller.
    ///
    /// Literal secret values written in `env[].value` are a different problem, reported by the
    /// checks on hard-coded secrets.
    ///
    /// ## Why it matters
    /// Environment variables leak: they are inherited by every child process, printed by
    /// crash handlers and debug endpoints, captured in core dumps, readable in
    /// `/proc/<pid>/environ`, and visible to anyone who can run `kubectl describe pod` or read
    /// the pod spec. They are also fixed at container start, so a rotated secret needs a
    /// restart. Mounted files have file permissions, are never logged by accident, and are
    /// refreshed in place when the Secret changes.
    ///
    /// ## How to fix
    /// Mount the Secret read-only and have the application read the file:
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: api
    ///       env:
    ///         - name: DB_PASSWORD_FILE
    ///           value: /etc/secrets/db/password
    ///       volumeMounts:
    ///         - name: db-credentials
    ///           mountPath: /etc/secrets/db
    ///           readOnly: true
    ///   volumes:
    ///     - name: db-credentials
    ///       secret:
    ///         secretName: db-credentials
    ///         defaultMode: 0400
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_use_an_external_secrets_provider>
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    /// - <https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod>
    "secrets-as-volumes",
    run
}

/// Names of the pod's volumes backed by a Secret.
fn secret_volumes(pod_spec: &Node) -> Vec<&str> {
    pod_spec
        .get("volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|v| {
            v.get("secret").is_some()
                || v.at(&["projected", "sources"])
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .any(|s| s.get("secret").is_some())
                || v.at(&["csi", "driver"]).and_then(Node::as_str)
                    == Some("secrets-store.csi.k8s.io")
        })
        .filter_map(|v| v.get("name").and_then(Node::as_str))
        .collect()
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            let mut from_env: Vec<String> = Vec::new();
            let mut first: Option<(String, &Node)> = None;
            for (i, env) in c
                .get("env")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(r) = env.at(&["valueFrom", "secretKeyRef"]) {
                    let name = env.get("name").and_then(Node::as_str).unwrap_or("?");
                    from_env.push(format!("`{name}`"));
                    first.get_or_insert((format!("env[{i}].valueFrom.secretKeyRef"), r));
                }
            }
            for (i, env_from) in c
                .get("envFrom")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if let Some(r) = env_from.get("secretRef") {
                    let name = r.get("name").and_then(Node::as_str).unwrap_or("?");
                    from_env.push(format!("every key of Secret `{name}`"));
                    first.get_or_insert((format!("envFrom[{i}].secretRef"), r));
                }
            }
            if let Some((path, node)) = first {
                out.warn(
                    Subject::container(object, &c).field(&path, Some(node)),
                    format!(
                        "container `{}` receives secrets as environment variables ({})",
                        c.name,
                        from_env.join(", ")
                    ),
                );
                continue;
            }
            let volumes = secret_volumes(c.pod_spec);
            let mounts_secret = c
                .get("volumeMounts")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|m| m.get("name").and_then(Node::as_str))
                .any(|name| volumes.contains(&name));
            if mounts_secret {
                out.pass(object);
            }
        }
    }
}
