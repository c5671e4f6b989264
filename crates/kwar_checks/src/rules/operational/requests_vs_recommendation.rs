use crate::prelude::*;
use crate::quantity::quantity;

declare_check! {
    /// ## What it checks
    /// Workloads targeted by a VerticalPodAutoscaler that has published recommendations
    /// (`status.recommendation.containerRecommendations`, i.e. in a cluster snapshot), for
    /// each container with a recommendation and for CPU and memory:
    /// - the request is more than twice the VPA `target`: warn (capacity paid for and never
    ///   used);
    /// - the request is below the VPA `lowerBound`, or missing: warn (throttling, OOM kills
    ///   and evictions under node pressure);
    /// - otherwise pass. A request between the lower bound and half the target is accepted:
    ///   the VPA itself considers it safe.
    ///
    /// Only VPAs in recommendation mode (`updateMode: "Off"`) are compared with the pod
    /// template: in `Initial`, `Recreate`, `InPlaceOrRecreate` and `Auto` (the default) mode
    /// the VPA writes its recommendation into the pods itself, so the template's requests are
    /// only a starting value and the workload passes. Workloads whose VPA has no
    /// recommendation yet, and manifests (which carry no VPA status), are not judged.
    ///
    /// ## Why it matters
    /// Requests decide how many pods fit on a node and what a node costs per pod. Requests
    /// far above real use strand capacity (the usual reason EKS clusters run at 20–30%
    /// utilisation); requests below the observed lower bound make the scheduler overpack
    /// nodes, so the pods are throttled, OOM-killed or evicted first when the node is under
    /// pressure.
    ///
    /// ## How to fix
    /// Set the requests near the VPA's target, or let the VPA apply them:
    /// ```sh
    /// kubectl get vpa NAME -n NAMESPACE -o jsonpath='{.status.recommendation.containerRecommendations}'
    /// ```
    /// ```yaml
    /// resources:
    ///   requests: {cpu: 250m, memory: 300Mi}   # the VPA target, rounded up
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/vertical-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/vertical-pod-autoscaler.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html>
    "requests-vs-recommendation",
    run,
    needs = [
        "autoscaling.k8s.io/verticalpodautoscalers",
        "apps/deployments",
        "apps/statefulsets",
        "apps/daemonsets"
    ]
}

/// Requests above this multiple of the VPA target are waste.
const WASTE_FACTOR: f64 = 2.0;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (workload, object) in cx.all_workloads() {
        for vpa in cx
            .inv
            .vpas_of(workload)
            .filter(|v| v.api_group() == "autoscaling.k8s.io")
        {
            judge(workload, object, vpa, out);
        }
    }
}

fn judge(workload: &Workload, object: &Object, vpa: &Object, out: &mut Outcomes) {
    let recommendations = vpa
        .root()
        .at(&["status", "recommendation", "containerRecommendations"])
        .map(Node::items)
        .unwrap_or_default();
    if recommendations.is_empty() {
        return;
    }
    let mode = vpa
        .root()
        .at(&["spec", "updatePolicy", "updateMode"])
        .and_then(Node::as_str)
        .unwrap_or("Auto");
    if mode != "Off" {
        // The VPA sets the pods' requests itself.
        out.pass(object);
        return;
    }
    let vpa_name = format!("{}/{}", vpa.namespace_key(), vpa.name());
    let mut judged = false;
    let mut healthy = true;
    for container in workload.app_containers(object) {
        let Some(rec) = recommendations
            .iter()
            .find(|r| r.get("containerName").and_then(Node::as_str) == Some(container.name))
        else {
            continue;
        };
        for resource in ["cpu", "memory"] {
            let bound = |field: &str| rec.at(&[field, resource]).and_then(quantity);
            let (Some(target), lower) = (bound("target"), bound("lowerBound")) else {
                continue;
            };
            judged = true;
            let node = container
                .get("resources")
                .and_then(|r| r.at(&["requests", resource]));
            let request = node.and_then(quantity);
            let subject = || {
                Subject::container(object, &container)
                    .field(&format!("resources.requests.{resource}"), node)
            };
            let shown = |v: f64| show(resource, v);
            match request {
                None => {
                    healthy = false;
                    out.warn(
                        subject(),
                        format!(
                            "container `{}` of {} requests no {resource}; VPA `{vpa_name}` \
                             recommends {}",
                            container.name,
                            object.display_name(),
                            shown(target)
                        ),
                    );
                }
                Some(request) if request > WASTE_FACTOR * target => {
                    healthy = false;
                    out.warn(
                        subject(),
                        format!(
                            "container `{}` of {} requests {} {resource}, {:.1}x the {} VPA \
                             `{vpa_name}` recommends: capacity paid for and unused",
                            container.name,
                            object.display_name(),
                            shown(request),
                            request / target,
                            shown(target)
                        ),
                    );
                }
                Some(request) if lower.is_some_and(|l| request < l) => {
                    healthy = false;
                    out.warn(
                        subject(),
                        format!(
                            "container `{}` of {} requests {} {resource}, below the lower bound \
                             {} of VPA `{vpa_name}` (target {}): risk of throttling, OOM kills \
                             and eviction",
                            container.name,
                            object.display_name(),
                            shown(request),
                            shown(lower.unwrap_or_default()),
                            shown(target)
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
    if judged && healthy {
        out.pass(object);
    }
}

/// A quantity as a person reads it: CPU in millicores, memory in MiB.
fn show(resource: &str, value: f64) -> String {
    if resource == "cpu" {
        format!("{}m", (value * 1000.0).round())
    } else {
        format!("{}Mi", (value / (1024.0 * 1024.0)).round())
    }
}
