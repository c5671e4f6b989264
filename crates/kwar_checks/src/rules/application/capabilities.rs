use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: same.
///
/// Passes when capabilities.drop includes ALL and add is empty or NET_BIND_SERVICE only.
///
/// Warns when no drop ALL.
///
/// Fails when adds capabilities outside the container-runtime default set (e.g. SYS_ADMIN,
/// NET_ADMIN, SYS_PTRACE).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Run as a non-root UID with allowPrivilegeEscalation false, drop ALL capabilities, read-only root
/// filesystem, no host namespaces/hostPath, enforced by Pod Security Admission 'restricted'.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
/// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "capabilities",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement capabilities
}
