use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every RBAC ClusterRoleBinding and RoleBinding: it fails when a subject of kind `User` or
    /// `Group` is `system:anonymous` (requests without credentials, when anonymous auth is
    /// on) or `system:unauthenticated` (the group every such request belongs to), and passes
    /// otherwise. Two bindings Kubernetes itself creates are exempt and not evaluated: the
    /// ClusterRoleBinding `system:public-info-viewer` (lets anyone read `/version`,
    /// `/healthz`, `/livez`, `/readyz`) and kubeadm's RoleBinding
    /// `kube-public/kubeadm:bootstrap-signer-clusterinfo` (lets joining nodes read the
    /// `cluster-info` ConfigMap).
    ///
    /// ## Why it matters
    /// Whatever is bound to these subjects is granted to anyone who can reach the API server
    /// endpoint — on a public EKS endpoint, the whole Internet. A binding of a broad role to
    /// `system:anonymous` has been the root cause of real cluster takeovers and cryptomining
    /// incidents.
    ///
    /// ## How to fix
    /// Delete the binding, or bind the role to authenticated identities only:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding
    /// metadata:
    ///   name: status-readers
    ///   namespace: shop
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: Role
    ///   name: status-reader
    /// subjects:
    ///   - kind: Group
    ///     name: shop-operators
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    "no-anonymous-bindings",
    run
}

const ANONYMOUS: [&str; 2] = ["system:anonymous", "system:unauthenticated"];

/// Bindings Kubernetes (or kubeadm) creates on purpose for unauthenticated callers.
fn is_exempt(binding: &Object) -> bool {
    match binding.kind() {
        "ClusterRoleBinding" => binding.name() == "system:public-info-viewer",
        _ => {
            binding.namespace() == Some("kube-public")
                && binding.name() == "kubeadm:bootstrap-signer-clusterinfo"
        }
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let bindings = cx
        .inv
        .of_kind("ClusterRoleBinding")
        .chain(cx.inv.of_kind("RoleBinding"))
        .filter(|o| o.api_group() == "rbac.authorization.k8s.io" && !is_exempt(o));
    for binding in bindings {
        let role = binding
            .root()
            .at(&["roleRef", "name"])
            .and_then(Node::as_str)
            .unwrap_or("?");
        let mut anonymous = false;
        let subjects = binding
            .root()
            .get("subjects")
            .map(Node::items)
            .unwrap_or_default();
        for (i, subject) in subjects.iter().enumerate() {
            let kind = subject.get("kind").and_then(Node::as_str);
            let name = subject.get("name").and_then(Node::as_str);
            if let (Some(kind @ ("User" | "Group")), Some(name)) = (kind, name) {
                if ANONYMOUS.contains(&name) {
                    anonymous = true;
                    out.fail(
                        Subject::object(binding).at(format!("subjects[{i}]"), Some(subject)),
                        format!(
                            "{} `{}` grants role `{role}` to {kind} `{name}`: anyone who can \
                             reach the API server gets it",
                            binding.kind(),
                            binding.name()
                        ),
                    );
                }
            }
        }
        if !anonymous {
            out.pass(binding);
        }
    }
}
