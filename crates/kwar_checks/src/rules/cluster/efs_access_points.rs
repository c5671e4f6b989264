use crate::efs::{efs_volumes, EfsMount};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Amazon EFS mount of the input:
    /// - PersistentVolumes of the EFS CSI driver pass when `spec.csi.volumeHandle` names an
    ///   access point — the handle reads `fs-id:[subpath]:fsap-id`, e.g.
    ///   `fs-0123::fsap-0456` — and warn when it names only the file system (`fs-0123`) or a
    ///   directory of it (`fs-0123:/data`): the pod then mounts the file system root or a
    ///   plain directory with whatever POSIX identity it runs as.
    /// - PersistentVolumes or pod volumes that mount the file system over plain `nfs` warn
    ///   the same way: an NFS mount cannot use an access point.
    ///
    /// Volumes provisioned dynamically by a StorageClass with `provisioningMode: efs-ap`
    /// always carry an access point and pass. The check reads the objects themselves, so it
    /// works on manifests and on clusters alike.
    ///
    /// ## Why it matters
    /// An access point pins the mount to a directory and enforces a POSIX user and group for
    /// every file operation. Without one, each workload sees the whole file system (every
    /// other tenant's data) and its file ownership depends on the container's UID, so a pod
    /// running as root can read or overwrite anything on the share. Access points are also
    /// what IAM authorization (`elasticfilesystem:AccessPointArn` conditions) keys on.
    ///
    /// ## How to fix
    /// Let the driver create one access point per volume:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: {name: efs-sc}
    /// provisioner: efs.csi.aws.com
    /// parameters:
    ///   provisioningMode: efs-ap
    ///   fileSystemId: fs-0123456789abcdef0
    ///   directoryPerms: "700"
    /// ```
    /// or reference an existing access point in a static volume:
    /// `volumeHandle: fs-0123456789abcdef0::fsap-0fedcba9876543210`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_use_efs_access_points_to_simplify_access_to_shared_datasets>
    /// - <https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html>
    "efs-access-points",
    run,
    needs = ["persistentvolumes"]
}

/// The access point of a volume handle `fs-id[:subpath[:fsap-id]]`.
fn access_point(handle: &str) -> Option<&str> {
    handle
        .splitn(3, ':')
        .nth(2)
        .map(str::trim)
        .filter(|ap| !ap.is_empty())
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for volume in efs_volumes(cx.inv) {
        let object = volume.object;
        match &volume.mount {
            EfsMount::Csi { handle, .. } => {
                let Some(text) = handle.and_then(|h| h.as_str()) else {
                    // A CSI volume without a handle is invalid; nothing to judge.
                    continue;
                };
                if access_point(text).is_some() {
                    out.pass(object);
                } else {
                    out.warn(
                        Subject::object(object).at("spec.csi.volumeHandle", *handle),
                        format!(
                            "PersistentVolume `{}` mounts EFS `{text}` without an access point: \
                             pods see the {} with their own UID; use `fs-id::fsap-id`",
                            object.name(),
                            if text.contains(':') {
                                "directory"
                            } else {
                                "whole file system"
                            }
                        ),
                    );
                }
            }
            EfsMount::Nfs { nfs, path } => out.warn(
                Subject::object(object).at(path.clone(), Some(nfs)),
                format!(
                    "`{}` mounts EFS `{}` over plain NFS, which cannot use an access point: pods \
                     see the file system with their own UID; mount it through the EFS CSI \
                     driver with an access point",
                    object.display_name(),
                    nfs.get("server").and_then(Node::as_str).unwrap_or_default()
                ),
            ),
        }
    }
}
