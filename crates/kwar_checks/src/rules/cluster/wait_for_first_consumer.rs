use crate::prelude::*;
use crate::storage_class::ebs_classes;

declare_check! {
    /// ## What it checks
    /// Every StorageClass provisioned by Amazon EBS (`ebs.csi.aws.com`,
    /// `ebs.csi.eks.amazonaws.com` in EKS Auto Mode, or the in-tree `kubernetes.io/aws-ebs`)
    /// sets `volumeBindingMode: WaitForFirstConsumer`. It fails when the mode is `Immediate`
    /// or missing (Kubernetes defaults to `Immediate`).
    ///
    /// ## Why it matters
    /// An EBS volume lives in one Availability Zone and can only be attached to a node of that
    /// zone. With `Immediate` binding the volume is created as soon as the claim exists, in a
    /// zone chosen without looking at the pod: the pod may then be unschedulable (no node, or
    /// no capacity, in that zone), and Karpenter or Cluster Autoscaler cannot fix it.
    /// `WaitForFirstConsumer` creates the volume in the zone where the scheduler places the pod,
    /// honouring its affinity and topology spread constraints.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters:
    ///   type: gp3
    ///   encrypted: "true"
    /// ```
    /// `volumeBindingMode` is immutable: create a new class and point new claims at it.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode>
    "wait-for-first-consumer",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for sc in ebs_classes(cx.inv) {
        let mode = sc.root().get("volumeBindingMode");
        match mode.and_then(Node::as_str) {
            Some("WaitForFirstConsumer") => out.pass(sc),
            Some(other) => out.fail(
                Subject::object(sc).at("volumeBindingMode", mode),
                format!(
                    "StorageClass `{}` binds EBS volumes before the pod is scheduled \
                     (volumeBindingMode: {other}): the volume may land in a zone the pod cannot \
                     run in",
                    sc.name()
                ),
            ),
            None => out.fail(
                Subject::object(sc).at("volumeBindingMode", None),
                format!(
                    "StorageClass `{}` has no volumeBindingMode, so it defaults to Immediate: \
                     the EBS volume may land in a zone the pod cannot run in",
                    sc.name()
                ),
            ),
        }
    }
}
