use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: ClusterRoleBindings/RoleBindings (except system:public-info-viewer).
///
/// Passes when no subject system:anonymous or system:unauthenticated.
///
/// Fails when anonymous/unauthenticated subjects bound.
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
    "no-anonymous-bindings",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-anonymous-bindings
}
