use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// Every HorizontalPodAutoscaler of a cluster snapshot, by the conditions the controller
    /// records in its status:
    /// - `AbleToScale=False` (it cannot read or update the target's scale, e.g. the target
    ///   does not exist): fail;
    /// - `ScalingActive=False` (no metric could be computed: `FailedGetResourceMetric`,
    ///   `FailedGetExternalMetric`, `InvalidSelector`…): fail, with the controller's message;
    /// - `ScalingActive=True` but one of `status.currentMetrics` is empty (that metric is
    ///   `<unknown>`: the HPA scales up on the others but never down): fail;
    /// - `ScalingLimited=True` with reason `TooManyReplicas` (it wants more than
    ///   `maxReplicas` and is pinned there): warn, unless the snapshot shows it has been so
    ///   for less than 30 minutes;
    /// - otherwise (`ScalingActive=True`, every current metric populated): pass.
    ///
    /// `ScalingActive=False` with reason `ScalingDisabled` means the target was scaled to
    /// zero on purpose: not judged. An HPA of a cluster input without conditions (status not
    /// collected, or created moments before) is `unknown`. HPAs of KEDA ScaledObjects are
    /// judged like any other. In manifests alone HPAs carry no status: no verdict.
    ///
    /// ## Why it matters
    /// A broken HPA fails silently: the workload keeps running at whatever replica count it
    /// had, and the problem shows only when load arrives and nothing scales — or when load
    /// leaves and nothing scales down. An HPA pinned at its maximum means demand exceeds
    /// the capacity it was allowed: requests queue or fail while the autoscaler is
    /// "working".
    ///
    /// ## How to fix
    /// Read what the controller says, and fix the metric source, the target or the bounds:
    /// ```sh
    /// kubectl describe hpa NAME -n NAMESPACE     # Conditions and Events
    /// kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/NAMESPACE/pods   # metrics-server
    /// ```
    /// Resource metrics need metrics-server and CPU/memory requests on every container;
    /// External and Object metrics need their adapter (KEDA, prometheus-adapter). Raise
    /// `maxReplicas` (and the node capacity behind it) when the HPA sits at its maximum.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/#appendix-horizontal-pod-autoscaler-status-conditions>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-healthy",
    run,
    needs = ["autoscaling/horizontalpodautoscalers"]
}

/// An HPA at its maximum for less than this is riding a spike, not short of capacity.
const PINNED_FOR: i64 = 30 * 60;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // Status only exists in cluster evidence; a manifest's HPA has none.
    if cx.cluster_object().is_none() {
        return;
    }
    let collected = running_pods::collected_at(cx.inv);
    for hpa in cx
        .inv
        .of_kind("HorizontalPodAutoscaler")
        .filter(|h| h.api_group() == "autoscaling")
    {
        judge(hpa, collected, out);
    }
}

fn judge(hpa: &Object, collected: Option<i64>, out: &mut Outcomes) {
    let name = format!("{}/{}", hpa.namespace_key(), hpa.name());
    let conditions = hpa
        .root()
        .at(&["status", "conditions"])
        .map(Node::items)
        .unwrap_or_default();
    if conditions.is_empty() {
        out.unknown(
            Subject::object(hpa).at("status.conditions", None),
            format!(
                "HorizontalPodAutoscaler `{name}` records no conditions: its status was not \
                 collected"
            ),
        );
        return;
    }
    let condition = |kind: &str| {
        conditions
            .iter()
            .enumerate()
            .find(|(_, c)| c.get("type").and_then(Node::as_str) == Some(kind))
    };
    let field = |c: &Node, k: &str| {
        c.get(k)
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let at =
        |i: usize, c: &Node| Subject::object(hpa).at(format!("status.conditions[{i}]"), Some(c));
    if let Some((i, c)) = condition("AbleToScale").filter(|(_, c)| field(c, "status") == "False") {
        out.fail(
            at(i, c),
            format!(
                "HorizontalPodAutoscaler `{name}` cannot scale its target (AbleToScale=False, \
                 {}: {})",
                field(c, "reason"),
                field(c, "message")
            ),
        );
        return;
    }
    let mut healthy = true;
    match condition("ScalingActive") {
        Some((_, c))
            if field(c, "status") == "False" && field(c, "reason") == "ScalingDisabled" =>
        {
            // The target was scaled to zero: autoscaling is off on purpose.
            return;
        }
        Some((i, c)) if field(c, "status") != "True" => {
            out.fail(
                at(i, c),
                format!(
                    "HorizontalPodAutoscaler `{name}` is not scaling (ScalingActive={}, {}: {})",
                    field(c, "status"),
                    field(c, "reason"),
                    field(c, "message")
                ),
            );
            return;
        }
        Some(_) => {}
        None => {
            out.unknown(
                Subject::object(hpa).at("status.conditions", None),
                format!("HorizontalPodAutoscaler `{name}` records no ScalingActive condition yet"),
            );
            return;
        }
    }
    let current = hpa.root().at(&["status", "currentMetrics"]);
    let metrics = current.map(Node::items).unwrap_or_default();
    let unknown: Vec<usize> = metrics
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            m.get("type")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .is_empty()
        })
        .map(|(i, _)| i)
        .collect();
    if metrics.is_empty() {
        out.unknown(
            Subject::object(hpa).at("status.currentMetrics", current),
            format!("HorizontalPodAutoscaler `{name}` records no current metric values"),
        );
        return;
    }
    if !unknown.is_empty() {
        healthy = false;
        let listed: Vec<String> = unknown
            .iter()
            .map(|i| format!("spec.metrics[{i}]"))
            .collect();
        out.fail(
            Subject::object(hpa).at(
                format!("status.currentMetrics[{}]", unknown[0]),
                Some(&metrics[unknown[0]]),
            ),
            format!(
                "HorizontalPodAutoscaler `{name}` cannot read {} (current value <unknown>): it \
                 scales up on the other metrics but never down",
                listed.join(", ")
            ),
        );
    }
    if let Some((i, c)) = condition("ScalingLimited")
        .filter(|(_, c)| field(c, "status") == "True" && field(c, "reason") == "TooManyReplicas")
    {
        let since = c
            .get("lastTransitionTime")
            .and_then(Node::as_str)
            .and_then(running_pods::epoch_seconds);
        let pinned = match (collected, since) {
            (Some(now), Some(since)) => Some(now - since),
            _ => None,
        };
        if pinned.is_none_or(|seconds| seconds >= PINNED_FOR) {
            healthy = false;
            let max = hpa
                .root()
                .at(&["spec", "maxReplicas"])
                .and_then(Node::scalar_text)
                .unwrap_or_else(|| "?".into());
            let duration = pinned
                .map(|s| format!(" for {}", describe_duration(s)))
                .unwrap_or_default();
            out.warn(
                at(i, c),
                format!(
                    "HorizontalPodAutoscaler `{name}` has wanted more than its maxReplicas \
                     {max}{duration} \
                     (ScalingLimited, TooManyReplicas): demand exceeds the capacity it may add"
                ),
            );
        }
    }
    if healthy {
        out.pass(hpa);
    }
}

/// `3h`, `2d 4h`, `45m` for messages.
fn describe_duration(seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes}m"),
        (0, h) => format!("{h}h"),
        (d, 0) => format!("{d}d"),
        (d, h) => format!("{d}d {h}h"),
    }
}
