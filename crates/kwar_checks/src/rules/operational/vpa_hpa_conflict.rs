use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Workloads targeted both by a VerticalPodAutoscaler and by a horizontal autoscaler (a
    /// HorizontalPodAutoscaler, or a KEDA ScaledObject whose `cpu`/`memory` triggers become HPA
    /// resource metrics). It fails when the VPA actively changes requests
    /// (`updatePolicy.updateMode` other than `Off`; the mode defaults to `Auto` when
    /// `updatePolicy` is absent, and `Initial` still sets requests on every pod the HPA adds)
    /// for a resource the HPA scales on (`Resource` or `ContainerResource` metrics on `cpu` or
    /// `memory`; an autoscaling/v1 HPA, or a v2 HPA without metrics, scales on CPU).
    ///
    /// Which resources the VPA acts on follows its `resourcePolicy.containerPolicies`: a
    /// container's own policy, else the `"*"` policy, else the default (both `cpu` and
    /// `memory`); a policy with `mode: "Off"` leaves the container alone, and
    /// `controlledResources` narrows the resources. It passes when there is no overlap, for
    /// example a VPA limited to memory next to an HPA on CPU, or a VPA in `Off` mode used only
    /// for recommendations.
    ///
    /// ## Why it matters
    /// The HPA scales on utilization (usage divided by request) while the VPA moves the
    /// request towards usage: each one's correction changes the other's input. The VPA raises
    /// requests, utilization drops, the HPA removes pods, usage per pod rises, and the loop
    /// oscillates, with evictions on every VPA update.
    ///
    /// ## How to fix
    /// Scale horizontally on CPU/memory and run the VPA in recommendation mode, or keep the VPA
    /// off the HPA's resource, or scale horizontally on a custom or external metric:
    /// ```yaml
    /// apiVersion: autoscaling.k8s.io/v1
    /// kind: VerticalPodAutoscaler
    /// spec:
    ///   targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   updatePolicy: {updateMode: "Off"}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/vertical-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/vertical-pod-autoscaler.html>
    "vpa-hpa-conflict",
    run
}

const RESOURCES: [&str; 2] = ["cpu", "memory"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.all_workloads() {
        let vpas: Vec<&Object> = cx.inv.vpas_of(w).collect();
        let scalers: Vec<&Object> = cx.inv.autoscalers_of(w).collect();
        if vpas.is_empty() || scalers.is_empty() {
            continue;
        }
        let containers = w.app_containers(object);
        let mut conflict = None;
        'search: for scaler in &scalers {
            for (resource, container) in horizontal_resources(scaler) {
                for vpa in &vpas {
                    let mode = update_mode(vpa);
                    if mode == "Off" {
                        continue;
                    }
                    let acts = containers
                        .iter()
                        .filter(|c| container.as_deref().is_none_or(|n| n == c.name))
                        .any(|c| vpa_controls(vpa, c.name, &resource));
                    if acts {
                        conflict = Some((*scaler, *vpa, resource, mode));
                        break 'search;
                    }
                }
            }
        }
        match conflict {
            Some((scaler, vpa, resource, mode)) => out.fail(
                Subject::object(object),
                format!(
                    "{} `{}` is scaled on {resource} by {} `{}` while VerticalPodAutoscaler `{}` (updateMode {mode}) changes its {resource} requests",
                    object.kind(),
                    object.name(),
                    scaler.kind(),
                    scaler.name(),
                    vpa.name()
                ),
            ),
            None => out.pass(object),
        }
    }
}

fn update_mode(vpa: &Object) -> String {
    vpa.root()
        .at(&["spec", "updatePolicy", "updateMode"])
        .and_then(mode_text)
        .unwrap_or_else(|| "Auto".to_string())
}

/// A mode as text; an unquoted `Off` reads as the YAML 1.1 boolean false.
fn mode_text(node: &Node) -> Option<String> {
    match node.as_bool() {
        Some(false) => Some("Off".to_string()),
        _ => node.scalar_text(),
    }
}

/// The cpu/memory resources a horizontal autoscaler scales on, with the container a
/// ContainerResource metric is limited to.
fn horizontal_resources(scaler: &Object) -> Vec<(String, Option<String>)> {
    let spec = scaler.root().get("spec");
    let mut out = Vec::new();
    if scaler.kind() == "ScaledObject" {
        for t in spec
            .and_then(|s| s.get("triggers"))
            .map(Node::items)
            .unwrap_or_default()
        {
            let Some(kind) = t.get("type").and_then(Node::as_str) else {
                continue;
            };
            if RESOURCES.contains(&kind) {
                let container = t
                    .at(&["metadata", "containerName"])
                    .and_then(Node::scalar_text);
                out.push((kind.to_string(), container));
            }
        }
        return out;
    }
    if scaler.api_version() == "autoscaling/v1" {
        return vec![("cpu".to_string(), None)];
    }
    let metrics = spec
        .and_then(|s| s.get("metrics"))
        .map(Node::items)
        .unwrap_or_default();
    if metrics.is_empty() {
        return vec![("cpu".to_string(), None)];
    }
    for m in metrics {
        let source = match m.get("type").and_then(Node::as_str) {
            Some("Resource") => m.get("resource"),
            Some("ContainerResource") => m.get("containerResource"),
            _ => None,
        };
        let Some(source) = source else { continue };
        let Some(name) = source.get("name").and_then(Node::scalar_text) else {
            continue;
        };
        if RESOURCES.contains(&name.as_str()) {
            out.push((name, source.get("container").and_then(Node::scalar_text)));
        }
    }
    out
}

/// Whether the VPA changes `resource` of container `name`.
fn vpa_controls(vpa: &Object, name: &str, resource: &str) -> bool {
    let policies = vpa
        .root()
        .at(&["spec", "resourcePolicy", "containerPolicies"])
        .map(Node::items)
        .unwrap_or_default();
    let by_name = |n: &str| {
        policies
            .iter()
            .find(|p| p.get("containerName").and_then(Node::as_str) == Some(n))
    };
    let Some(policy) = by_name(name).or_else(|| by_name("*")) else {
        return true;
    };
    if policy.get("mode").and_then(mode_text).as_deref() == Some("Off") {
        return false;
    }
    match policy.get("controlledResources") {
        Some(list) if !list.is_null() => list.items().iter().any(|r| r.as_str() == Some(resource)),
        _ => true,
    }
}
