use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers of all_workloads outside system_namespaces.
///
/// Passes when runAsNonRoot: true (pod or container) and runAsUser != 0.
///
/// Warns when runAsNonRoot/runAsUser unset (depends on the image USER).
///
/// Fails when runAsUser: 0 or runAsNonRoot: false.
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
    "non-root",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement non-root
}
