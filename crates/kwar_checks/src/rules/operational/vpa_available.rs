use kwar_detect::Signal;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the Vertical Pod Autoscaler can recommend requests — at least in
    /// recommendation mode, which needs only its recommender:
    /// - on a whole cluster, pass on the Cluster when the VPA recommender runs (a
    ///   `vpa-recommender` Deployment, also when Goldilocks installs it) or when a
    ///   VerticalPodAutoscaler already carries recommendations in its status; warn on the
    ///   Cluster when VPA is absent, and when only its CRDs, VPA objects, updater or
    ///   admission controller are there without a recommender (VPA objects then never get a
    ///   recommendation — Goldilocks dashboards stay empty);
    /// - in manifests, any VPA component or VerticalPodAutoscaler object passes on that
    ///   object (the recommender may be installed apart); nothing found gives no verdict.
    ///
    /// ## Why it matters
    /// Requests set by guesswork are usually far above use (paid for, never used) or below it
    /// (throttling, OOM kills, evictions). The VPA recommender turns observed usage into
    /// per-container recommendations; in `Off` mode it changes nothing and is the cheapest
    /// way to make requests data-driven.
    ///
    /// ## How to fix
    /// Install the VPA (recommender at least) and create VPAs in `Off` mode, by hand or with
    /// Goldilocks:
    /// ```sh
    /// helm repo add fairwinds-stable https://charts.fairwinds.com/stable
    /// helm install vpa fairwinds-stable/vpa -n vpa --create-namespace \
    ///   --set updater.enabled=false --set admissionController.enabled=false
    /// kubectl label namespace shop goldilocks.fairwinds.com/enabled=true   # with Goldilocks
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/vertical-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/vertical-pod-autoscaler.html>
    "vpa-available",
    run,
    needs = ["apps/deployments", "autoscaling.k8s.io/verticalpodautoscalers"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let detection = cx.detections.get("vpa");
    let recommender = detection.and_then(|d| {
        d.matches_of(Signal::Workload)
            .chain(d.matches_of(Signal::Image))
            .map(|m| cx.inv.object(m.object))
            .find(|o| o.name().contains("recommender"))
    });
    let recommended = cx
        .inv
        .of_kind("VerticalPodAutoscaler")
        .filter(|v| v.api_group() == "autoscaling.k8s.io")
        .find(|v| {
            v.root()
                .at(&["status", "recommendation", "containerRecommendations"])
                .is_some_and(|r| !r.items().is_empty())
        });
    let Some(cluster) = cx.whole_cluster() else {
        let found = recommender.or(recommended).or_else(|| {
            detection
                .and_then(|d| d.objects().next())
                .map(|id| cx.inv.object(id))
        });
        if let Some(object) = found {
            out.pass(object);
        }
        return;
    };
    if recommender.is_some() || recommended.is_some() {
        out.pass(cluster);
        return;
    }
    let message = match detection {
        Some(_) => {
            "VPA is partly installed (CRDs, VPA objects, updater or admission controller) but no \
             VPA recommender runs: VerticalPodAutoscalers get no recommendation; install the \
             recommender"
        }
        None => {
            "no Vertical Pod Autoscaler is installed: requests are not data-driven; run the VPA \
             recommender (Off mode is enough) or Goldilocks"
        }
    };
    out.warn(Subject::object(cluster), message);
}
