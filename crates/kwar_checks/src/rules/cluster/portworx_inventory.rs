use crate::prelude::*;
use crate::presence::{component_check, Absent};

declare_check! {
    /// ## What it checks
    /// Whether Portworx is installed, through the catalog's `portworx` detector (StorageClasses
    /// of `pxd.portworx.com` or the in-tree `kubernetes.io/portworx-volume`, the
    /// `storageclusters.core.libopenstorage.org` CRD or StorageCluster objects, and the
    /// `portworx` DaemonSet). This is an inventory check (severity info):
    /// - pass: Portworx is found (on the Cluster object of a whole cluster, else on the first
    ///   object showing it), or it is absent from a whole cluster (not applicable);
    /// - warn: a StorageClass still uses the in-tree provisioner
    ///   `kubernetes.io/portworx-volume`, which Kubernetes deprecated in favour of the
    ///   Portworx CSI driver (`pxd.portworx.com`).
    ///
    /// The catalog defines no warn for this check; a deprecated provisioner is the one
    /// inventory finding a reviewer must raise, so it warns rather than passing silently.
    /// Portworx is commercial software: its licence cost belongs in the cost review.
    /// Manifests without Portworx say nothing; its replication and health are judged by
    /// `portworx-replication` and `portworx-healthy`.
    ///
    /// ## Why it matters
    /// Portworx makes the cluster's own nodes and their EBS volumes the storage layer:
    /// the platform team owns its durability, upgrades and licence, in place of the managed
    /// EBS and EFS CSI drivers. In-tree volume plugins are being removed from Kubernetes;
    /// classes that still name one depend on CSI migration being in place and block moving
    /// to the CSI-only features (snapshots, expansion through CSI, topology).
    ///
    /// ## How to fix
    /// Create classes with the CSI provisioner and move new claims to them:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: px-csi-db
    /// provisioner: pxd.portworx.com
    /// parameters:
    ///   repl: "3"
    ///   io_profile: db_remote
    /// allowVolumeExpansion: true
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/#portworx-volume>
    /// - <https://docs.portworx.com/portworx-enterprise/reference/storageclass>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "portworx-inventory",
    run,
    needs = [
        "storage.k8s.io/storageclasses",
        "core.libopenstorage.org/storageclusters",
        "apps/daemonsets"
    ]
}

const IN_TREE: &str = "kubernetes.io/portworx-volume";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    component_check(
        cx,
        out,
        &["portworx"],
        Absent {
            verdict: Verdict::Pass,
            message: "Portworx is not installed",
        },
    );
    for class in cx
        .inv
        .of_kind("StorageClass")
        .filter(|sc| sc.api_group() == "storage.k8s.io")
    {
        let node = class.root().get("provisioner");
        if node.and_then(Node::as_str) != Some(IN_TREE) {
            continue;
        }
        out.warn(
            Subject::object(class).at("provisioner", node),
            format!(
                "StorageClass `{}` uses the deprecated in-tree Portworx provisioner \
                 `{IN_TREE}`; expected the Portworx CSI driver `pxd.portworx.com`",
                class.name()
            ),
        );
    }
}
