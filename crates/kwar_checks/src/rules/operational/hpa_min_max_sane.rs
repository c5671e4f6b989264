use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every HorizontalPodAutoscaler (any namespace, any `autoscaling` version) has a range
    /// worth autoscaling: `minReplicas` >= 2 and `maxReplicas` > `minReplicas`. `minReplicas`
    /// defaults to 1 when it is left out, so an HPA without it warns.
    ///
    /// It warns when `minReplicas` is below 2 (1, the default, or 0 with the alpha
    /// `HPAScaleToZero` feature), and when `maxReplicas` is not above `minReplicas` (the HPA
    /// then pins the replica count and can never react to load). KEDA ScaledObjects are not
    /// judged: scaling a queue consumer to zero is their purpose.
    ///
    /// ## Why it matters
    /// The HPA owns the replica count: with `minReplicas: 1` the workload drops to a single pod
    /// at every quiet hour, and a node drain, a crash or a rollout then takes it down entirely.
    /// An HPA whose maximum equals its minimum only adds moving parts: it can never scale.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-min-max-sane",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for hpa in cx
        .inv
        .of_kind("HorizontalPodAutoscaler")
        .filter(|o| o.api_group() == "autoscaling")
    {
        let spec = hpa.root().get("spec");
        let min_node = spec.and_then(|s| s.get("minReplicas"));
        let max_node = spec.and_then(|s| s.get("maxReplicas"));
        let min = min_node.and_then(Node::as_i64).unwrap_or(1);
        let max = max_node.and_then(Node::as_i64);
        if min < 2 {
            let how = if min_node.is_some() {
                format!("minReplicas is {min}")
            } else {
                "minReplicas is not set (defaults to 1)".to_string()
            };
            out.warn(
                Subject::object(hpa).at("spec.minReplicas", min_node.or(spec)),
                format!(
                    "HPA `{}`: {how}, so the workload drops to {} when load is low",
                    hpa.name(),
                    if min < 1 { "zero pods" } else { "a single pod" }
                ),
            );
        } else if let Some(max) = max.filter(|&max| max <= min) {
            out.warn(
                Subject::object(hpa).at("spec.maxReplicas", max_node),
                format!(
                    "HPA `{}`: maxReplicas ({max}) is not above minReplicas ({min}), so it can never scale",
                    hpa.name()
                ),
            );
        } else {
            out.pass(hpa);
        }
    }
}
