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
            [pdb] => {
                let (allowed, path, node) = allowed_disruptions(pdb, replicas);
                if allowed >= 1 {
                    out.pass(object);
                } else {
                    out.warn(
                        Subject::object(object),
                        format!(
                            "PodDisruptionBudget `{}` allows no disruption of {label} at {replicas} replicas ({path}: {}), so its nodes cannot be drained",
                            pdb.name(),
                            node.and_then(Node::scalar_text).unwrap_or_default()
                        ),
                    );
                }
            }
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

/// Disruptions the PDB allows with `replicas` healthy pods, with the field that decides it.
fn allowed_disruptions(pdb: &Object, replicas: i64) -> (i64, &'static str, Option<&Node>) {
    let spec = pdb.root().get("spec");
    if let Some(n) = spec.and_then(|s| s.get("maxUnavailable")) {
        let max = scaled(n, replicas).unwrap_or(0);
        return (max.min(replicas), "maxUnavailable", Some(n));
    }
    if let Some(n) = spec.and_then(|s| s.get("minAvailable")) {
        let min = scaled(n, replicas).unwrap_or(replicas);
        return ((replicas - min).max(0), "minAvailable", Some(n));
    }
    // Neither field: policy/v1beta1 defaulted minAvailable to 1; policy/v1 requires nothing.
    if pdb.api_version() == "policy/v1beta1" {
        ((replicas - 1).max(0), "minAvailable", None)
    } else {
        (replicas, "minAvailable", None)
    }
}

/// An int-or-percent value scaled to `replicas`, percentages rounded up as the disruption
/// controller does.
fn scaled(node: &Node, replicas: i64) -> Option<i64> {
    if let Some(i) = node.as_i64() {
        return Some(i);
    }
    let text = node.as_str()?.trim();
    match text.strip_suffix('%') {
        Some(p) => {
            let p: i64 = p.trim().parse().ok()?;
            Some((p * replicas + 99) / 100)
        }
        None => text.parse().ok(),
    }
}
