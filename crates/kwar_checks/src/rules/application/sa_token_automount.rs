use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The `default` ServiceAccount of every non-system namespace in the input sets
    /// `automountServiceAccountToken: false`. The catalog files this check under cluster
    /// evidence (it looks at the ServiceAccount the API server creates in each namespace);
    /// kwar also runs it on manifests, for every `default` ServiceAccount the input declares.
    ///
    /// - Pass: `automountServiceAccountToken: false`.
    /// - Warn: unset or `true` — every pod that does not name its own ServiceAccount gets a
    ///   token it almost never needs.
    ///
    /// ## Why it matters
    /// Pods that use the `default` ServiceAccount are usually applications that never call the
    /// Kubernetes API. A mounted token is still a credential: anyone who gets code execution
    /// in such a pod can use it against the API server, and every binding someone later adds
    /// to `default` is silently granted to all those pods.
    ///
    /// ## How to fix
    /// Stop automounting the token on the namespace's default ServiceAccount, and give the
    /// few workloads that call the API their own ServiceAccount:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// automountServiceAccountToken: false
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting>
    "sa-token-automount",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let defaults = cx
        .inv
        .of_kind("ServiceAccount")
        .filter(|sa| sa.api_group().is_empty() && sa.name() == "default")
        .filter(|sa| !cx.in_system_namespace(sa));
    for sa in defaults {
        let field = sa.root().get("automountServiceAccountToken");
        match field.and_then(Node::as_bool) {
            Some(false) => out.pass(sa),
            Some(true) => out.warn(
                Subject::object(sa).at("automountServiceAccountToken", field),
                format!(
                    "the default ServiceAccount of namespace `{}` mounts its token into every pod \
                     that does not name another ServiceAccount (automountServiceAccountToken: true)",
                    sa.namespace_key()
                ),
            ),
            None => out.warn(
                Subject::object(sa),
                format!(
                    "the default ServiceAccount of namespace `{}` does not set \
                     automountServiceAccountToken: false, so its token is mounted into every pod \
                     that does not name another ServiceAccount",
                    sa.namespace_key()
                ),
            ),
        }
    }
}
