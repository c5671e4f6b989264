use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every RBAC ClusterRoleBinding and RoleBinding that is not one of the platform's own
    /// (names starting with `system:` or `eks:` are created by Kubernetes and EKS and are not
    /// evaluated). The bound role is looked up — a ClusterRole, or a Role in the binding's
    /// namespace — and the check asks whether it allows `list` or `watch` (or `*`) on
    /// `secrets` in the core group without naming them in `resourceNames`: listing returns
    /// every Secret's value, so it is the broad read.
    ///
    /// A binding that grants such a read warns for each subject that is neither a controller
    /// nor an admin:
    /// - a `User` or `Group` of people (any name not starting with `system:` or `eks:`);
    /// - the `default` ServiceAccount of a namespace (every pod that names no account runs as
    ///   it), or a ServiceAccount written as the user `system:serviceaccount:<ns>:default`;
    /// - the groups `system:authenticated`, `system:unauthenticated`, `system:serviceaccounts`
    ///   and `system:serviceaccounts:<ns>` (everyone, or every pod of a namespace).
    ///
    /// Named ServiceAccounts other than `default` are taken as a controller's own identity and
    /// pass, as do Kubernetes and EKS components (`system:*`, `eks:*` users and groups other
    /// than the generic ones above). Bindings to the `cluster-admin` and `admin` ClusterRoles
    /// are admin grants: they pass here and are judged by `cluster-admin-sprawl`. The `edit`
    /// ClusterRole does read Secrets and is judged like any other role. Bindings that grant no
    /// secret listing pass.
    ///
    /// A binding whose role is not in the input is not evaluated (its rules are unknown), except
    /// for the built-in `edit` and `view` roles, whose rules are known. Aggregated ClusterRoles
    /// are judged by the rules they carry (a cluster snapshot has them filled in; a manifest
    /// with only an `aggregationRule` grants nothing visible here).
    ///
    /// ## Why it matters
    /// Secret values are only base64-encoded in API responses: whoever can list Secrets in a
    /// namespace holds every database password, token and TLS key in it, including the
    /// tokens of ServiceAccounts that may be more privileged than the reader. A grant to a
    /// namespace's `default` ServiceAccount gives that access to every pod that did not ask
    /// for an identity of its own.
    ///
    /// ## How to fix
    /// Grant `get` on the few Secrets a subject needs, by name, and keep `list`/`watch` for
    /// the controllers that must see them all:
    /// ```yaml
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: Role
    /// metadata:
    ///   name: read-db-credentials
    ///   namespace: shop
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     resourceNames: ["db-credentials"]
    ///     verbs: ["get"]
    /// ```
    /// Give people the `view` role (which excludes Secrets) instead of `edit`, and give each
    /// workload its own ServiceAccount instead of binding roles to `default`. Better still,
    /// keep secrets in AWS Secrets Manager and mount them with the Secrets Store CSI driver.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/secrets-good-practices/>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_use_an_external_secrets_provider>
    "secret-read-rbac",
    run,
    needs = [
        "rbac.authorization.k8s.io/clusterrolebindings",
        "rbac.authorization.k8s.io/rolebindings",
        "rbac.authorization.k8s.io/clusterroles",
        "rbac.authorization.k8s.io/roles"
    ]
}

const RBAC: &str = "rbac.authorization.k8s.io";

/// Groups that stand for everyone, or for every pod of the cluster or of a namespace.
fn is_generic_group(name: &str) -> bool {
    matches!(
        name,
        "system:authenticated" | "system:unauthenticated" | "system:serviceaccounts"
    ) || name.starts_with("system:serviceaccounts:")
}

/// Why a subject should not list Secrets, or `None` when it is a controller, an admin or a
/// platform component.
fn broad_reader(subject: &Node) -> Option<String> {
    let kind = subject.get("kind").and_then(Node::as_str)?;
    let name = subject.get("name").and_then(Node::as_str)?;
    match kind {
        "ServiceAccount" => (name == "default").then(|| {
            let ns = subject
                .get("namespace")
                .and_then(Node::as_str)
                .unwrap_or("the binding's namespace");
            format!(
                "the `default` ServiceAccount of `{ns}` (every pod without an account of its own)"
            )
        }),
        "User" if name.starts_with("system:serviceaccount:") => name
            .ends_with(":default")
            .then(|| format!("the `default` ServiceAccount `{name}`")),
        "Group" if is_generic_group(name) => Some(format!("the group `{name}`")),
        "User" | "Group" if name.starts_with("system:") || name.starts_with("eks:") => None,
        "User" => Some(format!("the user `{name}`")),
        "Group" => Some(format!("the group `{name}`")),
        _ => None,
    }
}

/// What the bound role is, as far as reading Secrets goes.
enum Role<'a> {
    /// `cluster-admin` or `admin`: judged by `cluster-admin-sprawl`, not here.
    Admin,
    /// A role of the input, with its rules.
    Rules(&'a [Node]),
    /// Built-in `edit`: lists Secrets (through its aggregated rules).
    BuiltinEdit,
    /// Built-in `view`, or a role with no visible rules.
    NoSecrets,
    /// Not in the input: its rules are unknown.
    Unknown,
}

fn bound_role<'a>(cx: &Context<'a>, binding: &'a Object) -> Role<'a> {
    let role_ref = binding.root().get("roleRef");
    let kind = role_ref.and_then(|r| r.get("kind")).and_then(Node::as_str);
    let Some(name) = role_ref.and_then(|r| r.get("name")).and_then(Node::as_str) else {
        return Role::Unknown;
    };
    let role = match kind {
        Some("ClusterRole") => {
            if matches!(name, "cluster-admin" | "admin") {
                return Role::Admin;
            }
            cx.inv
                .find("ClusterRole", None, name)
                .filter(|r| r.api_group() == RBAC)
        }
        Some("Role") => cx
            .inv
            .find("Role", Some(binding.namespace_key()), name)
            .filter(|r| r.api_group() == RBAC),
        _ => return Role::Unknown,
    };
    match (role, kind, name) {
        (Some(role), _, _) => match role.root().get("rules") {
            Some(rules) => Role::Rules(rules.items()),
            None => Role::NoSecrets,
        },
        (None, Some("ClusterRole"), "edit") => Role::BuiltinEdit,
        (None, Some("ClusterRole"), "view") => Role::NoSecrets,
        _ => Role::Unknown,
    }
}

fn lists(list: Option<&Node>, wanted: &[&str]) -> bool {
    list.map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .any(|v| wanted.contains(&v))
}

/// Whether a rule lets its subjects list or watch every Secret in its scope.
fn lists_secrets(rule: &Node) -> bool {
    let named = rule
        .get("resourceNames")
        .is_some_and(|n| !n.items().is_empty());
    !named
        && lists(rule.get("apiGroups"), &["", "*"])
        && lists(rule.get("resources"), &["secrets", "*"])
        && lists(rule.get("verbs"), &["list", "watch", "*"])
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let bindings = cx
        .inv
        .of_kind("ClusterRoleBinding")
        .chain(cx.inv.of_kind("RoleBinding"))
        .filter(|b| b.api_group() == RBAC)
        .filter(|b| !b.name().starts_with("system:") && !b.name().starts_with("eks:"));
    for binding in bindings {
        let grants = match bound_role(cx, binding) {
            Role::Unknown => continue,
            Role::Admin | Role::NoSecrets => false,
            Role::BuiltinEdit => true,
            Role::Rules(rules) => rules.iter().any(lists_secrets),
        };
        let role = binding
            .root()
            .at(&["roleRef", "name"])
            .and_then(Node::as_str)
            .unwrap_or("?");
        let scope = match (binding.kind(), binding.namespace()) {
            ("RoleBinding", Some(ns)) => format!("in namespace `{ns}`"),
            ("RoleBinding", None) => "in its namespace".to_string(),
            _ => "in every namespace".to_string(),
        };
        let mut broad = false;
        if grants {
            let subjects = binding
                .root()
                .get("subjects")
                .map(Node::items)
                .unwrap_or_default();
            for (i, subject) in subjects.iter().enumerate() {
                let Some(who) = broad_reader(subject) else {
                    continue;
                };
                broad = true;
                out.warn(
                    Subject::object(binding).at(format!("subjects[{i}]"), Some(subject)),
                    format!(
                        "{} `{}` lets {who} list and read every Secret {scope} through role \
                         `{role}`; expected secret listing only for controllers and admins",
                        binding.kind(),
                        binding.name()
                    ),
                );
            }
        }
        if !broad {
            out.pass(binding);
        }
    }
}
