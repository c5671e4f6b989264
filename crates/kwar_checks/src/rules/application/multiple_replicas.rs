use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Deployment, StatefulSet and Argo Rollout outside the system namespaces runs at least
    /// two replicas. The replica count is the one that governs the workload:
    /// - a HorizontalPodAutoscaler targeting it owns the count, so its `minReplicas` (default 1)
    ///   overrides `spec.replicas`;
    /// - else a KEDA ScaledObject's `minReplicaCount` (default 0);
    /// - else `spec.replicas`, which defaults to 1 when left out.
    ///
    /// It fails when that count is 1. A count of 0 (a parked workload, or deliberate
    /// scale-to-zero with KEDA) has no steady-state replica to make redundant and is out of scope.
    ///
    /// ## Why it matters
    /// A single replica is a single point of failure: a node failure, a drain for an upgrade, a
    /// Spot interruption or a crash makes the service unavailable until a new pod is scheduled,
    /// pulled and ready. Every rollout of a one-replica Deployment with the default strategy also
    /// briefly depends on a single new pod.
    ///
    /// ## How to fix
    /// Run at least two replicas, ideally three spread over zones; with an HPA, raise
    /// `minReplicas` and leave `spec.replicas` out of the Deployment:
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata: {name: web}
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   minReplicas: 3
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_run_multiple_replicas>
    /// - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>
    "multiple-replicas",
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
        let hpa = cx
            .inv
            .autoscalers_of(w)
            .find(|a| a.kind() == "HorizontalPodAutoscaler");
        let keda = cx
            .inv
            .autoscalers_of(w)
            .find(|a| a.kind() == "ScaledObject");
        let (count, subject, source) = if let Some(hpa) = hpa {
            let min = cx.inv.effective_min_replicas(w).unwrap_or(1);
            (
                min,
                Subject::object(object),
                format!(
                    "HorizontalPodAutoscaler `{}` has minReplicas {min}",
                    hpa.name()
                ),
            )
        } else if let Some(so) = keda {
            let min = so
                .root()
                .at(&["spec", "minReplicaCount"])
                .and_then(Node::as_i64)
                .unwrap_or(0);
            (
                min,
                Subject::object(object),
                format!(
                    "KEDA ScaledObject `{}` has minReplicaCount {min}",
                    so.name()
                ),
            )
        } else {
            let node = object.root().at(&["spec", "replicas"]);
            let count = w.replicas(object).unwrap_or(1);
            let source = match node {
                Some(_) => format!("spec.replicas is {count}"),
                None => "spec.replicas is not set (default 1)".to_string(),
            };
            (
                count,
                Subject::object(object).at("spec.replicas", node),
                source,
            )
        };
        match count {
            c if c >= 2 => out.pass(object),
            c if c <= 0 => {}
            _ => out.fail(
                subject,
                format!("{} runs a single replica: {source}", object.display_name()),
            ),
        }
    }
}
