//! Amazon EFS volumes as the EFS checks see them: PersistentVolumes of the EFS CSI driver,
//! and NFS mounts of an EFS file system (PersistentVolumes or pod volumes) that bypass the
//! driver — and with it TLS and access points.

use kwar_inventory::{Inventory, Object};
use kwar_yaml::Node;

pub(crate) const EFS_DRIVER: &str = "efs.csi.aws.com";

/// How an EFS file system is mounted.
pub(crate) enum EfsMount<'a> {
    /// A PersistentVolume of the EFS CSI driver (`spec.csi`).
    Csi {
        /// `spec.csi`.
        csi: &'a Node,
        /// `spec.csi.volumeHandle`: `fs-id[:subpath[:fsap-id]]`.
        handle: Option<&'a Node>,
    },
    /// A plain NFS mount of the file system's DNS name (`fs-….efs.<region>.amazonaws.com`):
    /// the EFS mount helper is not used.
    Nfs {
        /// The `nfs` node, and its dotted path in the object.
        nfs: &'a Node,
        path: String,
    },
}

/// One EFS mount and the object that declares it.
pub(crate) struct EfsVolume<'a> {
    pub object: &'a Object,
    pub mount: EfsMount<'a>,
}

impl EfsVolume<'_> {
    /// `spec.mountOptions` of a PersistentVolume (empty for pod volumes).
    pub fn mount_options(&self) -> Vec<&str> {
        self.object
            .root()
            .at(&["spec", "mountOptions"])
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect()
    }
}

/// An NFS server name that is an EFS file system or mount target.
pub(crate) fn is_efs_host(server: &str) -> bool {
    let server = server.trim_end_matches('.').to_ascii_lowercase();
    server.contains(".efs.") && server.ends_with(".amazonaws.com")
}

/// Every EFS mount of the input: PersistentVolumes of the CSI driver or NFS-mounting EFS,
/// and NFS pod volumes of reviewed workloads that mount EFS directly.
pub(crate) fn efs_volumes(inv: &Inventory) -> Vec<EfsVolume<'_>> {
    let mut out = Vec::new();
    for pv in inv
        .of_kind("PersistentVolume")
        .filter(|o| o.api_group().is_empty())
    {
        let spec = pv.spec();
        if let Some(csi) = spec.and_then(|s| s.get("csi")) {
            if csi.get("driver").and_then(Node::as_str) == Some(EFS_DRIVER) {
                out.push(EfsVolume {
                    object: pv,
                    mount: EfsMount::Csi {
                        csi,
                        handle: csi.get("volumeHandle"),
                    },
                });
            }
        } else if let Some(nfs) = spec.and_then(|s| s.get("nfs")) {
            if nfs
                .get("server")
                .and_then(Node::as_str)
                .is_some_and(is_efs_host)
            {
                out.push(EfsVolume {
                    object: pv,
                    mount: EfsMount::Nfs {
                        nfs,
                        path: "spec.nfs".into(),
                    },
                });
            }
        }
    }
    for w in inv.workloads().iter().filter(|w| w.is_reviewed_unit()) {
        let object = inv.object(w.object);
        let volumes = w
            .pod_field(object, "volumes")
            .map(Node::items)
            .unwrap_or_default();
        for (i, volume) in volumes.iter().enumerate() {
            let Some(nfs) = volume.get("nfs") else {
                continue;
            };
            if nfs
                .get("server")
                .and_then(Node::as_str)
                .is_some_and(is_efs_host)
            {
                out.push(EfsVolume {
                    object,
                    mount: EfsMount::Nfs {
                        nfs,
                        path: format!("{}.volumes[{i}].nfs", w.pod_path),
                    },
                });
            }
        }
    }
    out
}
