use crate::disruption_budget::allowed_disruptions;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Deployment, StatefulSet and Argo Rollout outside the system namespaces that runs
    /// 2 or more replicas has a PodDisruptionBudget that still lets a node drain proceed. The
    /// replica count is the lowest one the workload runs with: an HPA's `minReplicas` (default
    /// 1) overrides `spec.replicas`.
    ///
    /// - **pass**: exactly one PDB selects the pods and allows at least one disruption at that
    ///   replica count (`maxUnavailable` >= 1 or a non-zero percentage, which rounds up; or
    ///   `minAvailable` below the replica count, percentages rounding up).
    /// - **warn**: no PDB selects the pods; or the PDB allows zero disruptions
    ///   (`maxUnavailable: 0`, `minAvailable: 100%`, `minAvailable` >= replicas), which blocks
    ///   every drain — the check `pdb-present-and-permissive` reports that case as a failure,
    ///   this one only warns; or several PDBs select the same pods, which the eviction API
    ///   refuses to handle.
    ///
    /// ## Why it matters
    /// The cluster autoscaler, Karpenter consolidation and node-group upgrades evict pods
    /// through the eviction API, which only honours PodDisruptionBudgets. Without one, a
    /// drain can take every replica down at once; with one that allows nothing, nodes cannot
    /// be drained at all and upgrades and scale-down stall.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: {matchLabels: {app: web}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html#_prevent_scale_down_eviction>
    "pdbs-for-replicated",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if !matches!(
            w.kind,
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::Rollout
        ) {
            continue;
        }
        let Some(replicas) = cx.inv.effective_min_replicas(w).filter(|&r| r >= 2) else {
            continue;
        };
        let pdbs: Vec<&Object> = cx.inv.pdbs_of(w).collect();
        let label = format!("{} `{}`", object.kind(), object.name());
        match pdbs.as_slice() {
            [] => out.warn(
                Subject::object(object),
                format!("{label} runs {replicas} replicas but no PodDisruptionBudget selects its pods"),
            ),
            [pdb] => match allowed_disruptions(pdb, replicas) {
                Err(field) => out.unknown(
                    Subject::object(object),
                    format!("PodDisruptionBudget `{}` has an unreadable {field}", pdb.name()),
                ),
                Ok(allowance) if allowance.allowed >= 1 => out.pass(object),
                Ok(allowance) => out.warn(
                    Subject::object(object),
                    format!(
                        "PodDisruptionBudget `{}` allows no disruption of {label} at {replicas} replicas ({}), so its nodes cannot be drained",
                        pdb.name(),
                        allowance.describe()
                    ),
                ),
            },
            several => out.warn(
                Subject::object(object),
                format!(
                    "{label} is selected by {} PodDisruptionBudgets ({}): the eviction API refuses pods covered by more than one",
                    several.len(),
                    several.iter().map(|p| format!("`{}`", p.name())).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
}
