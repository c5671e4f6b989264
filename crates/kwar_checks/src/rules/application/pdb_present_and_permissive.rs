use crate::disruption_budget::allowed_disruptions;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every workload outside the system namespaces that runs at least two replicas (an HPA's
    /// `minReplicas` overrides `spec.replicas`) is selected by a PodDisruptionBudget that allows
    /// at least one voluntary disruption at that replica count.
    ///
    /// - It warns when no PDB of the workload's namespace selects its pods.
    /// - It fails when the PDB allows no disruption: `maxUnavailable: 0` (or `"0%"`), or
    ///   `minAvailable` equal to or above the replica count (or `"100%"`). Percentages are
    ///   rounded up as the disruption controller does (`minAvailable: "60%"` of 2 replicas is 2,
    ///   so nothing may be evicted). With an HPA its `minReplicas` is used: the worst case.
    /// - It also fails when more than one PDB selects the pods: the eviction API refuses to
    ///   evict a pod covered by several PDBs, so drains are blocked.
    ///
    /// A PDB that sets neither field allows disruptions and passes. A value that cannot be read
    /// gives `unknown`.
    ///
    /// ## Why it matters
    /// Node drains (cluster upgrades, Karpenter consolidation, Spot rebalancing) evict pods
    /// through the eviction API. Without a PDB a drain may evict every replica at once; with a
    /// PDB that allows nothing, the drain never completes: upgrades stall, nodes cannot be
    /// replaced, and EKS managed node group updates fail with `PodEvictionFailure` unless forced.
    ///
    /// ## How to fix
    /// Add one PDB per workload that allows one pod to be unavailable:
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: web}
    /// spec:
    ///   maxUnavailable: 1
    ///   selector:
    ///     matchLabels: {app.kubernetes.io/name: web}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_run_multiple_replicas>
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    "pdb-present-and-permissive",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if w.kind == WorkloadKind::Pod {
            continue;
        }
        let Some(replicas) = cx.inv.effective_min_replicas(w).filter(|&r| r >= 2) else {
            continue;
        };
        let pdbs: Vec<&Object> = cx.inv.pdbs_of(w).collect();
        let subject = Subject::object(object);
        match pdbs.as_slice() {
            [] => out.warn(
                subject,
                format!(
                    "no PodDisruptionBudget selects the pods of {} ({replicas} replicas)",
                    object.display_name()
                ),
            ),
            [pdb] => match allowed_disruptions(pdb, replicas) {
                Err(field) => out.unknown(
                    subject,
                    format!(
                        "PodDisruptionBudget `{}` has an unreadable {field}",
                        pdb.name()
                    ),
                ),
                Ok(allowance) if allowance.allowed == 0 => out.fail(
                    subject,
                    format!(
                        "PodDisruptionBudget `{}` ({}) allows no disruption of {} at {replicas} replicas: node drains and upgrades are blocked",
                        pdb.name(),
                        allowance.describe(),
                        object.display_name()
                    ),
                ),
                Ok(_) => out.pass(object),
            },
            many => out.fail(
                subject,
                format!(
                    "the pods of {} are selected by {} PodDisruptionBudgets ({}): the eviction API refuses to evict them, so node drains are blocked",
                    object.display_name(),
                    many.len(),
                    many.iter()
                        .map(|p| format!("`{}`", p.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
}
