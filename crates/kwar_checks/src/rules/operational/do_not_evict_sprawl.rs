use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// How much of the application's pods opt out of voluntary eviction. A pod template opts
    /// out with `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"` (Cluster Autoscaler)
    /// or `karpenter.sh/do-not-disrupt: "true"` (Karpenter; also its pre-v1 name
    /// `karpenter.sh/do-not-evict`).
    ///
    /// This is a population check over the workloads outside the system namespaces (owned
    /// Pods, ReplicaSets and Jobs excluded), each weighted by its pod count: `spec.replicas`
    /// (default 1, or the HPA's `minReplicas`) for kinds that have it, 1 for the others. When
    /// more than 5 % of those pods carry an opt-out, it warns on every workload that has the
    /// annotation; otherwise every workload passes. A handful of justified opt-outs (a long
    /// batch Job, a singleton database) in a large estate therefore pass, while the same
    /// annotation stamped on most Deployments does not. In a very small input a single
    /// annotated workload can exceed the 5 % share.
    ///
    /// ## Why it matters
    /// A node that runs an opted-out pod cannot be scaled down, consolidated or replaced:
    /// the cluster keeps paying for half-empty nodes, Karpenter drift and AMI refreshes stall,
    /// and node-group upgrades wait for those pods forever. PodDisruptionBudgets express
    /// availability needs without blocking maintenance.
    ///
    /// ## How to fix
    /// Remove the annotation from workloads that can be rescheduled and protect them with a
    /// PodDisruptionBudget and graceful shutdown instead; keep it only for pods whose work
    /// cannot be interrupted:
    /// ```yaml
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: api}
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: {matchLabels: {app: api}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html#_prevent_scale_down_eviction>
    /// - <https://karpenter.sh/docs/concepts/disruption/#pod-level-controls>
    "do-not-evict-sprawl",
    run
}

/// Share of pods above which opting out of eviction counts as sprawl.
const THRESHOLD: f64 = 0.05;

const OPT_OUTS: [(&str, &str); 3] = [
    ("cluster-autoscaler.kubernetes.io/safe-to-evict", "false"),
    ("karpenter.sh/do-not-disrupt", "true"),
    ("karpenter.sh/do-not-evict", "true"),
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut population = Vec::new();
    let (mut total, mut opted) = (0i64, 0i64);
    for (w, object) in cx.app_workloads() {
        let weight = cx.inv.effective_min_replicas(w).unwrap_or(1).max(0);
        let opt_out = opt_out(w, object);
        total += weight;
        if opt_out.is_some() {
            opted += weight;
        }
        population.push((object, opt_out));
    }
    let share = if total > 0 {
        opted as f64 / total as f64
    } else {
        0.0
    };
    for (object, opt_out) in population {
        match opt_out {
            Some((key, value, node)) if share > THRESHOLD => out.warn(
                Subject::object(object).at(format!("{}.annotations.{key}", template_metadata_path(object)), Some(node)),
                format!(
                    "{} `{}` blocks eviction ({key}: \"{value}\") and such pods make up {:.0}% of all pods (over 5%)",
                    object.kind(),
                    object.name(),
                    share * 100.0
                ),
            ),
            _ => out.pass(object),
        }
    }
}

/// The opt-out annotation of the pod template, if any.
fn opt_out<'a>(w: &Workload, object: &'a Object) -> Option<(&'static str, &'static str, &'a Node)> {
    let annotations = w.pod_metadata(object)?.get("annotations")?;
    OPT_OUTS.iter().find_map(|&(key, value)| {
        let node = annotations.get(key)?;
        node.scalar_text()
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
            .then_some((key, value, node))
    })
}

fn template_metadata_path(object: &Object) -> &'static str {
    match object.kind() {
        "Pod" => "metadata",
        "CronJob" => "spec.jobTemplate.spec.template.metadata",
        _ => "spec.template.metadata",
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{load, run_one};
    use crate::Verdict;

    /// A single justified opt-out among many pods is below the 5 % share: everything passes.
    #[test]
    fn a_rare_opt_out_passes() {
        let yaml = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger, namespace: pay}
spec:
  replicas: 1
  serviceName: ledger
  selector: {matchLabels: {app: ledger}}
  template:
    metadata:
      labels: {app: ledger}
      annotations: {karpenter.sh/do-not-disrupt: "true"}
    spec:
      containers: [{name: ledger, image: ledger:1.0.0}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: pay}
spec:
  replicas: 20
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1.0.0}]
"#;
        let path = std::env::temp_dir().join(format!(
            "kwar-do-not-evict-sprawl-{}.yaml",
            std::process::id()
        ));
        std::fs::write(&path, yaml).unwrap();
        let inv = load(&path);
        let _ = std::fs::remove_file(&path);
        let out = run_one(&super::CHECK, &inv);
        assert_eq!(out.count(Verdict::Pass), 2);
        assert!(out.findings.is_empty(), "{:?}", out.findings);
    }
}
