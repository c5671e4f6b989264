use crate::efs::{efs_volumes, EfsMount};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Amazon EFS mount of the input:
    /// - PersistentVolumes of the EFS CSI driver (`spec.csi.driver: efs.csi.aws.com`) pass
    ///   unless `spec.csi.volumeAttributes.encryptInTransit` is `"false"` (any case): the
    ///   driver mounts with TLS by default. A volume that disables it but lists the `tls`
    ///   mount option in `spec.mountOptions` still mounts with TLS and passes.
    /// - PersistentVolumes or pod volumes that mount the file system over plain `nfs`
    ///   (a server named `fs-….efs.<region>.amazonaws.com`) fail: the kubelet's NFS client
    ///   does not use the EFS mount helper, so the traffic is never encrypted.
    ///
    /// Dynamically provisioned EFS volumes (StorageClass `provisioningMode: efs-ap`) get the
    /// driver's default, TLS. The check reads the objects themselves, so it works on
    /// manifests and on clusters alike.
    ///
    /// ## Why it matters
    /// Without TLS, file contents and metadata cross the VPC in clear text: anything that can
    /// observe the traffic (a compromised node, a mirrored ENI, a misrouted peering) can read
    /// or alter it. Encryption in transit is also a requirement of most compliance regimes
    /// for data that is encrypted at rest.
    ///
    /// ## How to fix
    /// Mount through the EFS CSI driver and leave encryption in transit on (the default):
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: shared-data}
    /// spec:
    ///   capacity: {storage: 5Gi}
    ///   accessModes: [ReadWriteMany]
    ///   persistentVolumeReclaimPolicy: Retain
    ///   storageClassName: efs-sc
    ///   csi:
    ///     driver: efs.csi.aws.com
    ///     volumeHandle: fs-0123456789abcdef0::fsap-0fedcba9876543210
    ///     # no volumeAttributes.encryptInTransit: "false"
    /// ```
    /// A file system policy with `aws:SecureTransport` denies unencrypted mounts at the
    /// source.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html>
    /// - <https://docs.aws.amazon.com/efs/latest/ug/encryption-in-transit.html>
    "efs-encrypt-in-transit",
    run,
    needs = ["persistentvolumes"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for volume in efs_volumes(cx.inv) {
        let object = volume.object;
        match &volume.mount {
            EfsMount::Csi { csi, .. } => {
                let setting = csi.at(&["volumeAttributes", "encryptInTransit"]);
                let disabled = setting
                    .and_then(Node::scalar_text)
                    .is_some_and(|v| v.eq_ignore_ascii_case("false"));
                let tls_option = volume.mount_options().contains(&"tls");
                if disabled && !tls_option {
                    out.fail(
                        Subject::object(object)
                            .at("spec.csi.volumeAttributes.encryptInTransit", setting),
                        format!(
                            "PersistentVolume `{}` mounts EFS with encryptInTransit \"false\": \
                             file data crosses the network unencrypted; remove the attribute so \
                             the driver mounts with TLS",
                            object.name()
                        ),
                    );
                } else {
                    out.pass(object);
                }
            }
            EfsMount::Nfs { nfs, path } => out.fail(
                Subject::object(object).at(path.clone(), Some(nfs)),
                format!(
                    "`{}` mounts EFS `{}` over plain NFS: the traffic is never encrypted; \
                     mount it through the EFS CSI driver (efs.csi.aws.com), which uses TLS",
                    object.display_name(),
                    nfs.get("server").and_then(Node::as_str).unwrap_or_default()
                ),
            ),
        }
    }
}
