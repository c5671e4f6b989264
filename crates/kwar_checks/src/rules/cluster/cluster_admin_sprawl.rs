use std::collections::BTreeSet;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The principals that hold `cluster-admin` through a ClusterRoleBinding: every subject
    /// (User, Group or ServiceAccount) of every ClusterRoleBinding whose `roleRef` is the
    /// ClusterRole `cluster-admin`, counted once each.
    ///
    /// Not counted, because Kubernetes and EKS create them and they cannot be removed: bindings
    /// named `system:*` or `eks:*`, the `cluster-admin` ClusterRoleBinding itself (it binds the
    /// `system:masters` group), and subjects named `system:*` or `eks:*` (`system:masters`,
    /// EKS's `eks:addon-manager`…). RoleBindings to `cluster-admin` grant admin of one
    /// namespace only and are not counted. EKS access entries with
    /// `AmazonEKSClusterAdminPolicy` and `system:masters` in `aws-auth` are AWS-side evidence
    /// (the latter judged by `system-masters-minimised`).
    ///
    /// - On a whole cluster: the Cluster object passes with at most 3 principals (break-glass
    ///   and platform admins) and warns with more, naming them.
    /// - On manifests alone, the bindings seen are a subset of the cluster's: more than 3
    ///   principals already warn (on each binding that names one); 3 or fewer say nothing.
    ///
    /// A Group counts as one principal, though it may hold many people: the message says so.
    ///
    /// ## Why it matters
    /// `cluster-admin` can do anything: read every Secret, run privileged pods on any node,
    /// grant itself more. Every extra holder is another identity whose compromise or mistake
    /// takes the whole cluster; admin held by many is admin nobody reviews.
    ///
    /// ## How to fix
    /// Keep cluster-admin for a break-glass role and the platform team; give everyone else a
    /// namespaced role, and manage human access through EKS access entries:
    /// ```sh
    /// kubectl get clusterrolebindings -o json | jq -r '.items[]
    ///   | select(.roleRef.name=="cluster-admin") | .metadata.name'
    /// kubectl delete clusterrolebinding ci-admin
    /// aws eks associate-access-policy --cluster-name prod --principal-arn arn:aws:iam::111122223333:role/shop-devs \
    ///   --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy \
    ///   --access-scope type=namespace,namespaces=shop
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
    /// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    "cluster-admin-sprawl",
    run,
    needs = ["rbac.authorization.k8s.io/clusterrolebindings"]
}

/// More principals than this with cluster-admin is sprawl (the catalog's threshold).
const MAX_ADMINS: usize = 3;

/// Bindings Kubernetes or EKS create.
fn is_platform_binding(binding: &Object) -> bool {
    let name = binding.name();
    name.starts_with("system:") || name.starts_with("eks:") || name == "cluster-admin"
}

/// A principal of a binding, as counted: `Kind name` or `ServiceAccount ns/name`; `None` for
/// the platform's own subjects.
fn principal(subject: &Node, binding_ns: &str) -> Option<String> {
    let kind = subject.get("kind").and_then(Node::as_str)?;
    let name = subject.get("name").and_then(Node::as_str)?;
    if name.starts_with("system:") || name.starts_with("eks:") {
        return None;
    }
    Some(match kind {
        "ServiceAccount" => {
            let ns = subject
                .get("namespace")
                .and_then(Node::as_str)
                .unwrap_or(binding_ns);
            format!("ServiceAccount `{ns}/{name}`")
        }
        "Group" => format!("Group `{name}` (all its members)"),
        _ => format!("{kind} `{name}`"),
    })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let bindings: Vec<&Object> = cx
        .inv
        .of_kind("ClusterRoleBinding")
        .filter(|b| b.api_group() == "rbac.authorization.k8s.io" && !is_platform_binding(b))
        .filter(|b| {
            let role_ref = b.root().get("roleRef");
            role_ref.and_then(|r| r.get("kind")).and_then(Node::as_str) == Some("ClusterRole")
                && role_ref.and_then(|r| r.get("name")).and_then(Node::as_str)
                    == Some("cluster-admin")
        })
        .collect();
    let mut admins = BTreeSet::new();
    // The bindings that give cluster-admin to at least one counted principal.
    let mut granting: Vec<&Object> = Vec::new();
    for binding in bindings {
        let subjects = binding
            .root()
            .get("subjects")
            .map(Node::items)
            .unwrap_or_default();
        let mut counted = false;
        for subject in subjects {
            if let Some(p) = principal(subject, binding.namespace_key()) {
                admins.insert(p);
                counted = true;
            }
        }
        if counted {
            granting.push(binding);
        }
    }
    let many = admins.len() > MAX_ADMINS;
    let listing = || {
        let names: Vec<&str> = admins.iter().map(String::as_str).collect();
        names.join(", ")
    };
    match cx.whole_cluster() {
        Some(cluster) if many => out.warn(
            Subject::object(cluster),
            format!(
                "{} principals hold cluster-admin through ClusterRoleBindings ({}); expected at \
                 most {MAX_ADMINS} break-glass or platform admins",
                admins.len(),
                listing()
            ),
        ),
        Some(cluster) => out.pass(cluster),
        None if many => {
            for binding in granting {
                out.warn(
                    Subject::object(binding).at("subjects", binding.root().get("subjects")),
                    format!(
                        "ClusterRoleBinding `{}` is one of the bindings giving cluster-admin to \
                         {} principals ({}); expected at most {MAX_ADMINS}",
                        binding.name(),
                        admins.len(),
                        listing()
                    ),
                );
            }
        }
        None => {}
    }
}
