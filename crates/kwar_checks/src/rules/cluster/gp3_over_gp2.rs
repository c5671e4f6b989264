use crate::prelude::*;
use crate::storage_class::{ebs_classes, parameter};

declare_check! {
    /// ## What it checks
    /// Every StorageClass provisioned by Amazon EBS (`ebs.csi.aws.com`,
    /// `ebs.csi.eks.amazonaws.com` in EKS Auto Mode, or the in-tree `kubernetes.io/aws-ebs`)
    /// asks for a current volume type. It warns on `parameters.type: gp2`. A class without
    /// `type` passes: the EBS CSI driver defaults to gp3, and since CSI migration (always on
    /// in every supported EKS version) in-tree `kubernetes.io/aws-ebs` classes are served by
    /// the same driver with the same default. Purpose-specific types (io1, io2, st1, sc1)
    /// pass. Parameter keys and values are read case-insensitively, as the driver does.
    ///
    /// ## Why it matters
    /// gp3 costs about 20% less per GB than gp2 and gives a 3,000 IOPS / 125 MiB/s baseline
    /// whatever the size, where gp2 ties performance to size (3 IOPS per GB, with burst
    /// credits that run out). Teams on gp2 over-provision capacity to buy IOPS.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    ///   encrypted: "true"
    /// ```
    /// Existing gp2 volumes can be changed to gp3 in place with EBS Elastic Volumes (or with a
    /// VolumeAttributesClass on recent clusters).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - <https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html>
    "gp3-over-gp2",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for sc in ebs_classes(cx.inv) {
        match parameter(sc, "type") {
            Some((k, v))
                if v.scalar_text()
                    .is_some_and(|t| t.eq_ignore_ascii_case("gp2")) =>
            {
                out.warn(
                    Subject::object(sc).at(
                        format!("parameters.{}", k.as_str().unwrap_or("type")),
                        Some(v),
                    ),
                    format!(
                        "StorageClass `{}` provisions gp2 volumes (parameters.type: gp2); gp3 is \
                         cheaper per GB with a size-independent IOPS baseline",
                        sc.name()
                    ),
                )
            }
            _ => out.pass(sc),
        }
    }
}
