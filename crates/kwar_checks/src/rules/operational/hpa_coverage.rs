use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Stateless Deployments and Argo Rollouts outside the system namespaces are horizontally
    /// autoscaled: a HorizontalPodAutoscaler or a KEDA ScaledObject names them in its
    /// `scaleTargetRef`. It passes when one does and warns when none does.
    ///
    /// Whether a workload has *variable load* cannot be read from a manifest, so the check only
    /// judges workloads that are likely to: those that run 2 or more replicas or that serve
    /// traffic (a Service selects their pods). A single-replica worker that no Service selects
    /// is not judged (unless it is autoscaled, which passes). Deployments that mount a
    /// PersistentVolumeClaim are stateful and cannot scale out freely, and Deployments scaled
    /// to `replicas: 0` are parked: neither is judged.
    ///
    /// ## Why it matters
    /// A fixed replica count is either too small for the peak (latency, errors, cascading
    /// overload) or too large for the trough (paying for idle pods all day). Horizontal
    /// autoscaling follows the load, and lets the cluster autoscaler or Karpenter give the
    /// freed capacity back.
    ///
    /// ## How to fix
    /// Autoscale stateless workloads with an HPA (or KEDA) on CPU/memory or on a business
    /// metric, with requests set, `minReplicas` >= 2, and `spec.replicas` left out of the
    /// Deployment in Git:
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   minReplicas: 2
    ///   maxReplicas: 10
    ///   metrics:
    ///     - type: Resource
    ///       resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-coverage",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if !matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::Rollout) {
            continue;
        }
        if mounts_pvc(w, object) {
            continue;
        }
        if cx.inv.autoscalers_of(w).next().is_some() {
            out.pass(object);
            continue;
        }
        let replicas = w.replicas(object).unwrap_or(1);
        if replicas == 0 {
            continue;
        }
        let serves = cx.inv.services_of(w).next().is_some();
        if replicas < 2 && !serves {
            continue;
        }
        let why = if serves {
            let svc = cx.inv.services_of(w).next().map(Object::name).unwrap_or("");
            format!("serves traffic through Service `{svc}`")
        } else {
            format!("runs {replicas} replicas")
        };
        out.warn(
            Subject::object(object).at("spec.replicas", object.root().at(&["spec", "replicas"])),
            format!(
                "{} `{}` {why} but no HorizontalPodAutoscaler or KEDA ScaledObject scales it",
                object.kind(),
                object.name()
            ),
        );
    }
}

/// Whether the pod template mounts a PersistentVolumeClaim (the workload is stateful).
fn mounts_pvc(w: &Workload, object: &Object) -> bool {
    w.pod_field(object, "volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|v| v.get("persistentVolumeClaim").is_some())
}
