use crate::prelude::*;
use crate::presence::{component_check, Absent};

declare_check! {
    /// ## What it checks
    /// Whether Rook/Ceph is installed, through the catalog's `rook-ceph` detector (Ceph CSI
    /// StorageClass provisioners such as `rook-ceph.rbd.csi.ceph.com`, the `ceph.rook.io`
    /// CRDs or objects, and the `rook-ceph-operator` Deployment). This is an inventory check
    /// (severity info):
    /// - pass: Rook/Ceph is found (on the Cluster object of a whole cluster, else on the first
    ///   object showing it), or it is absent from a whole cluster (not applicable);
    /// - warn, on each `CephCluster`: nothing reconciles it — on a whole cluster no
    ///   `rook-ceph-operator` Deployment exists, or (with its status collected) the operator
    ///   has no ready replica.
    ///
    /// The catalog defines no warn for this check; an unmanaged Ceph cluster is the one
    /// inventory finding a reviewer must raise (the catalog lists the operator's readiness as
    /// a signal), so it warns rather than passing silently. Manifests without Rook say
    /// nothing; monitors, replication and health are judged by `ceph-mons`,
    /// `ceph-replication` and `ceph-health`.
    ///
    /// ## Why it matters
    /// Rook runs Ceph on the cluster's own nodes: the platform team owns a distributed storage
    /// system, its upgrades and its recovery. Without a running operator nothing replaces a
    /// failed monitor or OSD, applies pool changes or upgrades Ceph: the cluster degrades
    /// silently until I/O stops.
    ///
    /// ## How to fix
    /// Bring the operator back (or reinstall it with the chart version that matches the
    /// CephCluster), then check the cluster converges:
    /// ```sh
    /// kubectl -n rook-ceph get deploy rook-ceph-operator
    /// kubectl -n rook-ceph logs deploy/rook-ceph-operator --tail=100
    /// helm upgrade --install rook-ceph rook-release/rook-ceph -n rook-ceph
    /// kubectl -n rook-ceph get cephcluster
    /// ```
    ///
    /// ## References
    /// - <https://rook.io/docs/rook/latest/Getting-Started/intro/>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "rook-inventory",
    run,
    needs = [
        "storage.k8s.io/storageclasses",
        "ceph.rook.io/cephclusters",
        "apps/deployments"
    ]
}

const OPERATOR: &str = "rook-ceph-operator";

/// Why no operator reconciles the Ceph clusters, if none does.
fn operator_problem(cx: &Context<'_>) -> Option<String> {
    let operators: Vec<&Object> = cx
        .inv
        .of_kind("Deployment")
        .filter(|d| d.api_group() == "apps" && d.name() == OPERATOR)
        .collect();
    if operators.is_empty() {
        return cx
            .whole_cluster()
            .map(|_| format!("no `{OPERATOR}` Deployment runs in the cluster"));
    }
    let running = operators.iter().any(|d| {
        let Some(status) = d.root().get("status") else {
            // Status not collected: assume the operator runs.
            return true;
        };
        status
            .get("readyReplicas")
            .and_then(Node::as_i64)
            .unwrap_or(0)
            > 0
    });
    (!running).then(|| {
        let names: Vec<String> = operators.iter().map(|d| d.display_name()).collect();
        format!("{} has no ready replica", names.join(", "))
    })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    component_check(
        cx,
        out,
        &["rook-ceph"],
        Absent {
            verdict: Verdict::Pass,
            message: "Rook/Ceph is not installed",
        },
    );
    let clusters: Vec<&Object> = cx
        .inv
        .of_kind("CephCluster")
        .filter(|o| o.api_group() == "ceph.rook.io")
        .collect();
    if clusters.is_empty() {
        return;
    }
    let Some(problem) = operator_problem(cx) else {
        return;
    };
    for cluster in clusters {
        out.warn(
            Subject::object(cluster),
            format!(
                "{} is not reconciled: {problem}; failed monitors and OSDs are not replaced \
                 and pool changes are not applied",
                cluster.display_name()
            ),
        );
    }
}
