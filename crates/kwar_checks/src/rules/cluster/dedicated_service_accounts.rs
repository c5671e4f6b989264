use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: Deployments/StatefulSets/DaemonSets per namespace.
///
/// Passes when each workload has its own ServiceAccount (not 'default', not shared).
///
/// Warns when shared or default ServiceAccount.
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Use EKS Pod Identity (or IRSA) with one narrowly-trusted role per workload, enforce IMDSv2 with
/// hop limit 1, and retire kiam/kube2iam.
///
/// ## References
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_identities_and_credentials_for_eks_pods>
/// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>
    "dedicated-service-accounts",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement dedicated-service-accounts
}
