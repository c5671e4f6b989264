use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: containers of all_workloads outside system_namespaces.
///
/// Passes when seccompProfile RuntimeDefault or Localhost.
///
/// Warns when unset.
///
/// Fails when Unconfined.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Set seccompProfile RuntimeDefault everywhere; use SELinux (e.g. Bottlerocket) or AppArmor
/// profiles where the node OS enforces them.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_apparmor_and_selinux>
/// - <https://kubernetes.io/docs/tutorials/security/apparmor/>
    "seccomp-runtime-default",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement seccomp-runtime-default
}
