use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: stateless workloads.
///
/// Passes when no required selector on a single topology.kubernetes.io/zone.
///
/// Warns when pinned to one zone (loses AZ redundancy).
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
    "not-pinned-to-single-zone",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement not-pinned-to-single-zone
}
