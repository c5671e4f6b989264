use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: all_workloads outside system_namespaces.
///
/// Passes when no nodeSelector/required nodeAffinity on kubernetes.io/hostname.
///
/// Fails when pinned to a single hostname.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Select on capability labels (arch, capacity type, instance family, node pool), never on
/// hostnames; keep stateless workloads multi-AZ.
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/>
/// - <https://kubernetes.io/docs/reference/labels-annotations-taints/>
    "not-pinned-to-host",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement not-pinned-to-host
}
