use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: EBS StorageClasses.
///
/// Passes when type gp3 (or purpose-specific io2/st1).
///
/// Warns when gp2 (usually costlier per GB and less flexible than gp3).
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
    "gp3-over-gp2",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement gp3-over-gp2
}
