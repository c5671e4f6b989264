use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: non-system ClusterRoles/Roles (exclude system:*, cluster-admin, eks:*, aws-node).
///
/// Passes when no '*' in verbs or resources.
///
/// Warns when wildcards present.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Map humans to federated IAM roles via access entries, bind least-privilege Kubernetes roles,
/// remove anonymous and wildcard grants, and give pods their own IAM roles.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
/// - <https://kubernetes.io/docs/concepts/security/rbac-good-practices/>
    "no-wildcard-roles",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-wildcard-roles
}
