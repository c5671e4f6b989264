use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: same.
///
/// Passes when allowPrivilegeEscalation: false.
///
/// Warns when unset (defaults to true unless privileged/CAP_SYS_ADMIN rules apply).
///
/// Fails when explicitly true.
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
    "no-privilege-escalation",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-privilege-escalation
}
