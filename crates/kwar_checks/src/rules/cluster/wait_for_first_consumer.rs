use crate::prelude::*;

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

/// Provisioners that create EBS volumes.
const EBS_PROVISIONERS: [&str; 3] = [
    "ebs.csi.aws.com",
    "ebs.csi.eks.amazonaws.com",
    "kubernetes.io/aws-ebs",
];

fn is_ebs_class(object: &Object) -> bool {
    object.api_group().starts_with("storage.k8s.io")
        && object
            .root()
            .get("provisioner")
            .and_then(Node::as_str)
            .is_some_and(|p| EBS_PROVISIONERS.contains(&p))
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for sc in cx.inv.of_kind("StorageClass").filter(|o| is_ebs_class(o)) {
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
