use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The service mesh control plane Deployments, in any namespace: Istio's `istiod` (and its
    /// revisions, `istiod-<rev>`) and Linkerd's `linkerd-destination`, `linkerd-identity` and
    /// `linkerd-proxy-injector`. For each, the lowest replica count it runs with — an HPA's
    /// `minReplicas` when one targets it (Istio's default install has `istiod` at 1 with an HPA
    /// of minimum 1), else `spec.replicas`:
    /// - fail: a single replica;
    /// - warn: 2 or more replicas but no PodDisruptionBudget selecting its pods (a node drain
    ///   may evict them all at once) — the catalog asks for both; this is the partial case;
    /// - pass: 2 or more replicas with a PodDisruptionBudget.
    ///
    /// Data-plane components (Istio's `ztunnel` and `istio-cni-node`, proxies) are not control
    /// plane and are not evaluated.
    ///
    /// ## Why it matters
    /// While the control plane is down, new pods get no sidecar (or fail admission when the
    /// injector webhook fails closed), proxies receive no configuration or endpoint updates,
    /// and workload certificates are not renewed — mTLS starts failing when they expire.
    /// A single replica makes every node drain and every control-plane upgrade such an outage.
    ///
    /// ## How to fix
    /// Run at least two replicas with a disruption budget; for Istio installed with
    /// `istioctl` (with Helm, the istiod chart's `replicaCount` and `autoscaleMin` values):
    /// ```yaml
    /// apiVersion: install.istio.io/v1alpha1
    /// kind: IstioOperator
    /// spec:
    ///   components:
    ///     pilot:
    ///       k8s:
    ///         replicaCount: 2
    ///         hpaSpec:
    ///           minReplicas: 2
    ///         podDisruptionBudget:
    ///           minAvailable: 1
    /// ```
    /// For Linkerd, install with `--ha` (or the chart's `values-ha.yaml`), which sets three
    /// replicas, anti-affinity and PodDisruptionBudgets for each controller.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_a_service_mesh>
    /// - <https://istio.io/latest/docs/ops/deployment/performance-and-scalability/>
    /// - <https://linkerd.io/2/features/ha/>
    "mesh-control-plane-ha",
    run,
    needs = [
        "apps/deployments",
        "policy/poddisruptionbudgets",
        "autoscaling/horizontalpodautoscalers"
    ]
}

const LINKERD_CONTROLLERS: [&str; 3] = [
    "linkerd-destination",
    "linkerd-identity",
    "linkerd-proxy-injector",
];

/// The mesh whose control plane the Deployment is, if it is one.
fn control_plane(deployment: &Object) -> Option<&'static str> {
    let name = deployment.name();
    if name == "istiod" || name.starts_with("istiod-") {
        Some("Istio")
    } else if LINKERD_CONTROLLERS.contains(&name) {
        Some("Linkerd")
    } else {
        None
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, deployment) in cx.all_workloads() {
        if w.kind != WorkloadKind::Deployment {
            continue;
        }
        let Some(mesh) = control_plane(deployment) else {
            continue;
        };
        let name = format!(
            "Deployment `{}/{}`",
            deployment.namespace_key(),
            deployment.name()
        );
        let replicas = cx.inv.effective_min_replicas(w).unwrap_or(1);
        if replicas < 2 {
            let autoscaled = cx
                .inv
                .autoscalers_of(w)
                .any(|a| a.kind() == "HorizontalPodAutoscaler");
            let field = if autoscaled {
                "its HPA's minReplicas is 1"
            } else {
                "spec.replicas is 1"
            };
            out.fail(
                Subject::object(deployment)
                    .at("spec.replicas", deployment.root().at(&["spec", "replicas"])),
                format!(
                    "{mesh} control plane {name} runs a single replica ({field}): a node drain or \
                     upgrade stops sidecar injection, configuration and certificate renewal; \
                     expected at least 2 replicas with a PodDisruptionBudget"
                ),
            );
        } else if cx.inv.pdbs_of(w).next().is_none() {
            out.warn(
                Subject::object(deployment),
                format!(
                    "{mesh} control plane {name} runs {replicas} replicas but no \
                     PodDisruptionBudget protects them: a drain can evict them together; \
                     expected a PodDisruptionBudget"
                ),
            );
        } else {
            out.pass(deployment);
        }
    }
}
