use crate::prelude::*;
use crate::presence::{component_check, Absent};

declare_check! {
    /// ## What it checks
    /// Whether OpenEBS is installed, through the catalog's `openebs` detector (StorageClasses
    /// of its provisioners — LocalPV hostpath/device `openebs.io/local`, LocalPV LVM
    /// `local.csi.openebs.io`, ZFS `zfs.csi.openebs.io`, cStor `cstor.csi.openebs.io`,
    /// Mayastor `io.openebs.csi-mayastor` — and `openebs` Deployments or DaemonSets). This is
    /// an inventory check (severity info):
    /// - pass: OpenEBS is found (on the Cluster object of a whole cluster, else on the first
    ///   object showing it), or it is absent from a whole cluster (not applicable);
    /// - warn: a StorageClass still uses one of the engines OpenEBS deprecated and moved to
    ///   the `openebs-archive` organisation in 2024 — cStor (`cstor.csi.openebs.io`, and the
    ///   pre-CSI `openebs.io/provisioner-iscsi` of cStor and Jiva), Jiva
    ///   (`jiva.csi.openebs.io`), LocalPV device (`device.csi.openebs.io`) or the NFS
    ///   provisioner (`openebs.io/nfsrwx`).
    ///
    /// The catalog defines no warn for this check; an archived engine is the one inventory
    /// finding a reviewer must raise, so it warns rather than passing silently. Manifests
    /// without OpenEBS say nothing. What the engines in use mean for the data is judged by
    /// `local-pv-on-ephemeral-nodes` and `replicated-engine-factor`.
    ///
    /// ## Why it matters
    /// OpenEBS runs storage inside the cluster, on the nodes' own disks: the team that owns
    /// the cluster owns its data durability, upgrades and recovery. Since OpenEBS 4.0 only
    /// LocalPV (hostpath, LVM, ZFS) and Mayastor are maintained; cStor, Jiva, LocalPV device
    /// and the NFS provisioner receive no fixes, and upgrades to OpenEBS 4.x do not carry them.
    ///
    /// ## How to fix
    /// Migrate volumes of archived engines to Mayastor, or to EBS/EFS through their CSI
    /// drivers (restore from a backup, e.g. Velero with file-system backup), then delete the
    /// old classes:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters: {type: gp3, encrypted: "true"}
    /// ```
    ///
    /// ## References
    /// - <https://github.com/openebs/openebs/issues/3709>
    /// - <https://kubernetes.io/docs/concepts/storage/volumes/#local>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "openebs-inventory",
    run,
    needs = ["storage.k8s.io/storageclasses", "apps/deployments", "apps/daemonsets"]
}

/// Provisioners of the engines OpenEBS archived, with the engine's name.
const ARCHIVED: [(&str, &str); 5] = [
    ("cstor.csi.openebs.io", "cStor"),
    ("jiva.csi.openebs.io", "Jiva"),
    (
        "openebs.io/provisioner-iscsi",
        "legacy (pre-CSI) cStor/Jiva",
    ),
    ("device.csi.openebs.io", "LocalPV device"),
    ("openebs.io/nfsrwx", "the NFS provisioner"),
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    component_check(
        cx,
        out,
        &["openebs"],
        Absent {
            verdict: Verdict::Pass,
            message: "OpenEBS is not installed",
        },
    );
    for class in cx
        .inv
        .of_kind("StorageClass")
        .filter(|sc| sc.api_group() == "storage.k8s.io")
    {
        let node = class.root().get("provisioner");
        let Some((provisioner, engine)) = node
            .and_then(Node::as_str)
            .and_then(|p| ARCHIVED.iter().find(|(a, _)| *a == p))
        else {
            continue;
        };
        out.warn(
            Subject::object(class).at("provisioner", node),
            format!(
                "StorageClass `{}` uses {engine} (`{provisioner}`), an OpenEBS engine archived \
                 in 2024 that receives no fixes; expected Mayastor, LocalPV or an AWS CSI driver",
                class.name()
            ),
        );
    }
}
