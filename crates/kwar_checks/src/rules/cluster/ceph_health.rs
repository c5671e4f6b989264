use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Rook `CephCluster` (`ceph.rook.io`) by the health Ceph itself reports, which Rook
    /// copies into `status.ceph.health`:
    /// - `HEALTH_OK`: pass;
    /// - `HEALTH_WARN`: warn;
    /// - `HEALTH_ERR`: fail.
    ///
    /// The message names the health checks Ceph raised (`status.ceph.details`, e.g.
    /// `MON_DOWN`, `OSD_DOWN`, `PG_DEGRADED`) with their messages. A CephCluster without
    /// `status.ceph.health` (a manifest, or a cluster Rook has not reached yet) is `unknown`;
    /// CephClusters with `spec.external.enable: true` are judged the same way, since Rook
    /// reports the external cluster's health there too.
    ///
    /// ## Why it matters
    /// `HEALTH_WARN` means redundancy is already reduced (a monitor or OSD down, placement
    /// groups degraded or undersized, a nearly full OSD): one more failure can stop I/O or lose
    /// data. `HEALTH_ERR` means some data is unavailable or the cluster is about to stop
    /// accepting writes. Every workload with a Ceph volume inherits that state.
    ///
    /// ## How to fix
    /// Look at what Ceph reports and fix the cause (replace a failed disk, add capacity,
    /// restart a crashed daemon), with the Rook toolbox:
    /// ```sh
    /// kubectl -n rook-ceph exec deploy/rook-ceph-tools -- ceph health detail
    /// kubectl -n rook-ceph exec deploy/rook-ceph-tools -- ceph osd tree
    /// kubectl -n rook-ceph get cephcluster -o jsonpath='{.items[*].status.ceph.details}'
    /// ```
    /// Alert on `ceph_health_status` (Rook's Prometheus rules) so that the next warning is seen
    /// when it happens.
    ///
    /// ## References
    /// - <https://rook.io/docs/rook/latest/Troubleshooting/ceph-common-issues/>
    /// - <https://docs.ceph.com/en/latest/rados/operations/health-checks/>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    "ceph-health",
    run,
    needs = ["ceph.rook.io/cephclusters"]
}

/// At most this many of Ceph's health checks are named in a message.
const DETAILS_SHOWN: usize = 3;

/// `NAME: message` for the first health checks Ceph raised.
fn details(cluster: &Object) -> String {
    let Some(details) = cluster.root().at(&["status", "ceph", "details"]) else {
        return String::new();
    };
    let named: Vec<String> = details
        .entries()
        .iter()
        .take(DETAILS_SHOWN)
        .filter_map(|(name, check)| {
            let name = name.as_str()?;
            Some(match check.get("message").and_then(Node::as_str) {
                Some(message) => format!("{name}: {message}"),
                None => name.to_string(),
            })
        })
        .collect();
    let more = details.entries().len().saturating_sub(DETAILS_SHOWN);
    match (named.is_empty(), more) {
        (true, _) => String::new(),
        (false, 0) => format!(" ({})", named.join("; ")),
        (false, more) => format!(" ({}; and {more} more)", named.join("; ")),
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for cluster in cx
        .inv
        .of_kind("CephCluster")
        .filter(|o| o.api_group() == "ceph.rook.io")
    {
        let node = cluster.root().at(&["status", "ceph", "health"]);
        let subject = || Subject::object(cluster).at("status.ceph.health", node);
        let name = cluster.display_name();
        match node.and_then(Node::as_str) {
            Some("HEALTH_OK") => out.pass(cluster),
            Some("HEALTH_WARN") => out.warn(
                subject(),
                format!(
                    "{name} reports HEALTH_WARN{}: redundancy is reduced; expected HEALTH_OK",
                    details(cluster)
                ),
            ),
            Some("HEALTH_ERR") => out.fail(
                subject(),
                format!(
                    "{name} reports HEALTH_ERR{}: data is unavailable or at risk; expected \
                     HEALTH_OK",
                    details(cluster)
                ),
            ),
            Some(other) => out.unknown(
                subject(),
                format!("{name} reports an unrecognised Ceph health `{other}`"),
            ),
            None => out.unknown(
                subject(),
                format!("{name} has no status.ceph.health: its status was not collected"),
            ),
        }
    }
}
