use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: EBS StorageClasses.
///
/// Passes when volumeBindingMode WaitForFirstConsumer.
///
/// Fails when Immediate - volume may be created in an AZ where the pod cannot schedule.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Install the EBS CSI driver as an EKS add-on with IRSA/Pod Identity, and use encrypted gp3
/// StorageClasses with WaitForFirstConsumer.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-encryption-and-secrets-management.html#_encryption_at_rest>
    "wait-for-first-consumer",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement wait-for-first-consumer
}
