use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every RBAC ClusterRole and Role that is not one of the platform's own: it warns when a
    /// rule lists `*` in `verbs` or in `resources`, and passes otherwise. Roles managed by
    /// Kubernetes or EKS are not evaluated: names starting with `system:`, `eks:` or
    /// `aws-node` (the VPC CNI), and the ClusterRoles `cluster-admin`, `admin`, `edit` and
    /// `view` (the default user-facing roles). Wildcards in `apiGroups` alone, or narrower
    /// patterns such as `pods/*`, are not reported.
    ///
    /// ## Why it matters
    /// A wildcard grants every verb or resource that exists — including ones added later by
    /// new Kubernetes versions and CRDs (Secrets-like custom resources, `escalate`, `bind`,
    /// `impersonate`). Roles with wildcards silently grow, defeat least privilege and make
    /// access reviews meaningless.
    ///
    /// ## How to fix
    /// List the verbs and resources the subject needs:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: deployer
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: ["apps"]
    ///     resources: ["deployments"]
    ///     verbs: ["get", "list", "watch", "update", "patch"]
    ///   - apiGroups: [""]
    ///     resources: ["configmaps"]
    ///     verbs: ["get", "list", "watch"]
    /// ```
    /// Tools such as `kubectl auth can-i --list` or audit2rbac help find what is really used.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    "no-wildcard-roles",
    run
}

/// Roles Kubernetes or EKS create and manage.
fn is_platform_role(role: &Object) -> bool {
    let name = role.name();
    name.starts_with("system:")
        || name.starts_with("eks:")
        || name.starts_with("aws-node")
        || (role.kind() == "ClusterRole"
            && matches!(name, "cluster-admin" | "admin" | "edit" | "view"))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let roles = cx
        .inv
        .of_kind("ClusterRole")
        .chain(cx.inv.of_kind("Role"))
        .filter(|o| o.api_group() == "rbac.authorization.k8s.io" && !is_platform_role(o));
    for role in roles {
        let rules = role
            .root()
            .get("rules")
            .map(Node::items)
            .unwrap_or_default();
        let mut wildcard = false;
        for (i, rule) in rules.iter().enumerate() {
            for field in ["verbs", "resources"] {
                let Some(list) = rule.get(field) else {
                    continue;
                };
                if let Some(star) = list.items().iter().find(|n| n.as_str() == Some("*")) {
                    wildcard = true;
                    out.warn(
                        Subject::object(role).at(format!("rules[{i}].{field}"), Some(star)),
                        format!(
                            "{} `{}` grants `*` in rules[{i}].{field}: it covers every {} that \
                             exists now or is added later",
                            role.kind(),
                            role.name(),
                            if field == "verbs" { "verb" } else { "resource" }
                        ),
                    );
                }
            }
        }
        if !wildcard {
            out.pass(role);
        }
    }
}
