use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The resource metrics API, `APIService v1beta1.metrics.k8s.io` (served by
    /// metrics-server, or by another adapter registered under that name):
    /// - its `Available` condition is `True`: pass on the APIService;
    /// - `Available` is `False` or `Unknown`: fail on the APIService, with the reason the
    ///   aggregator gives (`MissingEndpoints`, `FailedDiscoveryCheck`, `ServiceNotFound`…);
    /// - no such APIService on a whole cluster: fail on the Cluster;
    /// - an APIService without conditions in a cluster input (status not collected):
    ///   `unknown`.
    ///
    /// This is a cluster-mode check: manifests alone cannot show whether the API is served,
    /// so without cluster evidence it gives no verdict.
    ///
    /// ## Why it matters
    /// HPAs on CPU or memory, the VPA recommender and `kubectl top` all read this API. While
    /// it is missing or unavailable, resource-based HPAs report `ScalingActive=False` and
    /// stop scaling — silently, in the middle of the load they were meant to absorb. An
    /// unavailable aggregated API also makes API discovery fail for clients such as
    /// `kubectl` and namespace deletion hang.
    ///
    /// ## How to fix
    /// Install metrics-server as the EKS add-on, then look at why it is not available:
    /// ```sh
    /// aws eks create-addon --cluster-name prod --addon-name metrics-server
    /// kubectl get apiservice v1beta1.metrics.k8s.io -o yaml   # status.conditions
    /// kubectl -n kube-system logs deploy/metrics-server
    /// ```
    /// Unavailable with `FailedDiscoveryCheck` usually means the control plane cannot reach
    /// the pods on port 10250 (security group) or the kubelet certificates are refused.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/scale-cluster-services.html#_scale_kubernetes_metrics_server_vertically>
    /// - <https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/>
    "metrics-api-available",
    run,
    needs = ["apiregistration.k8s.io/apiservices"]
}

const NAME: &str = "v1beta1.metrics.k8s.io";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.cluster_object().is_none() {
        return;
    }
    let service = cx
        .inv
        .find("APIService", None, NAME)
        .filter(|s| s.api_group() == "apiregistration.k8s.io");
    let Some(service) = service else {
        if let Some(cluster) = cx.whole_cluster() {
            out.fail(
                Subject::object(cluster),
                format!(
                    "the cluster serves no resource metrics API (no APIService `{NAME}`): HPAs on \
                     CPU/memory, VPA and `kubectl top` do not work; install metrics-server"
                ),
            );
        }
        return;
    };
    judge(service, out);
}

/// Judges an APIService by its `Available` condition.
fn judge(service: &Object, out: &mut Outcomes) {
    let Some((i, available)) = service.status_condition("Available") else {
        out.unknown(
            Subject::object(service).at("status.conditions", None),
            format!(
                "APIService `{}` has no Available condition: its status was not collected",
                service.name()
            ),
        );
        return;
    };
    let text = |k: &str| available.get(k).and_then(Node::as_str);
    if text("status") == Some("True") {
        out.pass(service);
        return;
    }
    out.fail(
        Subject::object(service).at(format!("status.conditions[{i}]"), Some(available)),
        format!(
            "APIService `{}` is not available (Available={}: {}: {}): HPAs on CPU/memory, VPA \
             and `kubectl top` do not work",
            service.name(),
            text("status").unwrap_or("Unknown"),
            text("reason").unwrap_or("no reason given"),
            text("message").unwrap_or("no message"),
        ),
    );
}
