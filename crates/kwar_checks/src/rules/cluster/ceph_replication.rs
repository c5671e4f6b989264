use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The replicated pools Rook creates (`ceph.rook.io`): every `CephBlockPool` (its `spec`),
    /// every `CephFilesystem` (`spec.metadataPool` and each of `spec.dataPools`) and every
    /// `CephObjectStore` (`spec.metadataPool` and `spec.dataPool`). For each pool with a
    /// `replicated.size`:
    /// - fail: `size: 1` — a single copy, lost with its disk;
    /// - warn: `size: 2`, or `failureDomain: osd` (copies may sit on disks of one host);
    /// - pass: 3 or more copies with the failure domain `host` (Rook's default), `zone`,
    ///   `rack` or any other domain above the disk.
    ///
    /// An object passes when all its pools pass. Erasure-coded pools (`erasureCoded`, no
    /// `replicated`) and pools without a size are not evaluated. Metadata pools are judged
    /// like data pools: losing a filesystem's metadata loses the filesystem.
    ///
    /// ## Why it matters
    /// Ceph keeps `size` copies of every object on distinct failure domains. With one copy,
    /// a failed disk is lost data; with two, a second failure during recovery is, and Ceph
    /// stops writes below `min_size`. With the `osd` domain, two copies can live on disks of
    /// the same host, so one node replacement — routine on EKS — can take both.
    ///
    /// ## How to fix
    /// Keep three copies on distinct hosts, or zones where nodes span zones:
    /// ```yaml
    /// apiVersion: ceph.rook.io/v1
    /// kind: CephBlockPool
    /// metadata:
    ///   name: replicapool
    ///   namespace: rook-ceph
    /// spec:
    ///   failureDomain: zone
    ///   replicated:
    ///     size: 3
    ///     requireSafeReplicaSize: true
    /// ```
    /// Rook applies the change to the existing pool; Ceph then backfills the extra copies.
    ///
    /// ## References
    /// - <https://rook.io/docs/rook/latest/CRDs/Block-Storage/ceph-block-pool-crd/>
    /// - <https://docs.ceph.com/en/latest/rados/operations/pools/#setting-the-number-of-rados-object-replicas>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    "ceph-replication",
    run,
    needs = [
        "ceph.rook.io/cephblockpools",
        "ceph.rook.io/cephfilesystems",
        "ceph.rook.io/cephobjectstores"
    ]
}

/// The pool specs of a Rook object with their paths.
fn pools(object: &Object) -> Vec<(String, &Node)> {
    let Some(spec) = object.spec() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    match object.kind() {
        "CephBlockPool" => found.push(("spec".to_string(), spec)),
        "CephFilesystem" => {
            found.extend(
                spec.get("metadataPool")
                    .map(|p| ("spec.metadataPool".into(), p)),
            );
            for (i, pool) in spec
                .get("dataPools")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                found.push((format!("spec.dataPools[{i}]"), pool));
            }
        }
        _ => {
            found.extend(
                spec.get("metadataPool")
                    .map(|p| ("spec.metadataPool".into(), p)),
            );
            found.extend(spec.get("dataPool").map(|p| ("spec.dataPool".into(), p)));
        }
    }
    found
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let objects = ["CephBlockPool", "CephFilesystem", "CephObjectStore"]
        .into_iter()
        .flat_map(|kind| cx.inv.of_kind(kind))
        .filter(|o| o.api_group() == "ceph.rook.io");
    for object in objects {
        let name = object.display_name();
        let mut evaluated = false;
        let mut healthy = true;
        for (path, pool) in pools(object) {
            let size_node = pool.at(&["replicated", "size"]);
            let Some(size) = size_node.and_then(Node::as_i64) else {
                continue;
            };
            evaluated = true;
            let domain_node = pool.get("failureDomain");
            let domain = domain_node.and_then(Node::as_str).unwrap_or("host");
            let pool_name = if path == "spec" {
                String::new()
            } else {
                format!(" ({path})")
            };
            if size <= 1 {
                healthy = false;
                out.fail(
                    Subject::object(object).at(format!("{path}.replicated.size"), size_node),
                    format!(
                        "{name}{pool_name} keeps a single copy of its data: one failed disk \
                         loses it; expected replicated.size 3"
                    ),
                );
            } else if size == 2 {
                healthy = false;
                out.warn(
                    Subject::object(object).at(format!("{path}.replicated.size"), size_node),
                    format!(
                        "{name}{pool_name} keeps 2 copies: a second failure during recovery \
                         loses data; expected replicated.size 3"
                    ),
                );
            } else if domain == "osd" {
                healthy = false;
                out.warn(
                    Subject::object(object).at(format!("{path}.failureDomain"), domain_node),
                    format!(
                        "{name}{pool_name} spreads its {size} copies over OSDs only: copies can \
                         share a host; expected failureDomain host or zone"
                    ),
                );
            }
        }
        if evaluated && healthy {
            out.pass(object);
        }
    }
}
