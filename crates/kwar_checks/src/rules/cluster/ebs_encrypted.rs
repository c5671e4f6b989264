use crate::prelude::*;
use crate::storage_class::{ebs_classes, parameter};

declare_check! {
    /// ## What it checks
    /// Every StorageClass provisioned by Amazon EBS — the EBS CSI driver (`ebs.csi.aws.com`),
    /// EKS Auto Mode's block storage (`ebs.csi.eks.amazonaws.com`) or the retired in-tree
    /// plugin (`kubernetes.io/aws-ebs`) — asks for encrypted volumes with
    /// `parameters.encrypted: "true"`. It fails when the parameter is missing or says anything
    /// else. The driver reads parameter keys case-insensitively, and so does this check.
    ///
    /// The AWS account setting "EBS encryption by default" also encrypts every new volume; it
    /// is not visible in manifests, so a StorageClass without the parameter fails here (the
    /// message says so) — set the parameter anyway, it documents the intent and survives a
    /// move to another account or region.
    ///
    /// ## Why it matters
    /// Persistent volumes hold the data that matters most (databases, queues, uploads).
    /// Unencrypted EBS volumes and their snapshots expose it to anyone who can copy a
    /// snapshot or attach a volume, and fail most compliance baselines. Encryption with a KMS
    /// key costs nothing measurable in performance.
    ///
    /// ## How to fix
    /// Set `encrypted: "true"` (a string) and, optionally, a customer-managed KMS key:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3-encrypted
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    ///   encrypted: "true"
    ///   kmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    /// ```
    /// StorageClass parameters are immutable: create a new class, and migrate existing
    /// volumes through a snapshot.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_encryption_at_rest>
    "ebs-encrypted",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for sc in ebs_classes(cx.inv) {
        match parameter(sc, "encrypted") {
            Some((_, v))
                if v.scalar_text()
                    .is_some_and(|t| t.eq_ignore_ascii_case("true")) =>
            {
                out.pass(sc)
            }
            Some((k, v)) => out.fail(
                Subject::object(sc).at(
                    format!("parameters.{}", k.as_str().unwrap_or("encrypted")),
                    Some(v),
                ),
                format!(
                    "StorageClass `{}` creates unencrypted EBS volumes (parameters.encrypted: {})",
                    sc.name(),
                    v.scalar_text().unwrap_or_else(|| "null".into())
                ),
            ),
            None => out.fail(
                Subject::object(sc).at("parameters.encrypted", sc.root().get("parameters")),
                format!(
                    "StorageClass `{}` does not set parameters.encrypted: \"true\": its EBS \
                     volumes are unencrypted unless EBS encryption by default is on in the account",
                    sc.name()
                ),
            ),
        }
    }
}
