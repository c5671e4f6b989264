use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: same.
///
/// Passes when no hostNetwork/hostPID/hostIPC and no hostPath volumes.
///
/// Warns when hostPath mounted readOnly.
///
/// Fails when host namespaces used, writable hostPath, or a container-runtime socket mounted
/// (/var/run/docker.sock, /run/containerd/containerd.sock, /var/run/crio/crio.sock).
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
    "host-namespaces-and-paths",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement host-namespaces-and-paths
}
