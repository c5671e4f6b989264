use std::collections::{BTreeSet, HashMap};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Namespace enrolled in a service mesh, against the running pods it holds:
    /// - Istio sidecar injection: label `istio-injection=enabled`, or `istio.io/rev=<rev>`
    ///   (unless `istio-injection=disabled`) — a pod is covered when it has an `istio-proxy`
    ///   container (or native-sidecar init container);
    /// - Istio ambient: label `istio.io/dataplane-mode=ambient` — a pod is covered when the
    ///   Istio CNI agent marked it enrolled (annotation `ambient.istio.io/redirection:
    ///   enabled`) or it has a sidecar;
    /// - Linkerd: annotation `linkerd.io/inject: enabled` (or `ingress`) — a pod is covered
    ///   when it has a `linkerd-proxy` container.
    ///
    /// Only pods in phase `Running` are looked at (a cluster snapshot; manifests have no
    /// running pods, so the check says nothing about them). Pods that opted out are left
    /// alone: `sidecar.istio.io/inject: "false"` (label or annotation), `linkerd.io/inject:
    /// disabled`, `istio.io/dataplane-mode: none`, and `hostNetwork` pods, which no mesh can
    /// intercept. The Namespace passes when every remaining pod is covered, and warns
    /// otherwise, naming the workloads (the pods' owners) to restart. A Namespace without
    /// running pods is not evaluated.
    ///
    /// ## Why it matters
    /// Injection happens when a pod is created: pods started before the label was set, or
    /// while the injector was down, run without a proxy. Their traffic bypasses mTLS,
    /// authorization policies and telemetry, and once `STRICT` mTLS is enforced they can no
    /// longer reach — or be reached by — meshed services.
    ///
    /// ## How to fix
    /// Restart the workloads so that the injector adds the proxy, and check the injector is
    /// healthy:
    /// ```sh
    /// kubectl -n shop rollout restart deployment/checkout statefulset/cart
    /// istioctl analyze -n shop        # or: linkerd check --proxy -n shop
    /// ```
    /// Keep the injector webhook's `failurePolicy: Fail` in production, so that a pod is never
    /// created without its proxy while the injector is down.
    ///
    /// ## References
    /// - <https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/>
    /// - <https://linkerd.io/2/features/proxy-injection/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_a_service_mesh>
    "mesh-coverage",
    run,
    needs = ["namespaces", "pods"]
}

/// How a namespace is enrolled, and the proxy that proves a pod is in the mesh.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Enrolment {
    IstioSidecar,
    IstioAmbient,
    Linkerd,
}

impl Enrolment {
    fn of(namespace: &Object) -> Option<Enrolment> {
        if namespace.label("istio.io/dataplane-mode") == Some("ambient") {
            return Some(Enrolment::IstioAmbient);
        }
        match namespace.label("istio-injection") {
            Some("enabled") => return Some(Enrolment::IstioSidecar),
            Some("disabled") => {}
            _ if namespace.label("istio.io/rev").is_some() => return Some(Enrolment::IstioSidecar),
            _ => {}
        }
        matches!(
            namespace.annotation("linkerd.io/inject"),
            Some("enabled" | "ingress")
        )
        .then_some(Enrolment::Linkerd)
    }

    fn mesh(self) -> &'static str {
        match self {
            Enrolment::IstioSidecar => "Istio sidecar injection",
            Enrolment::IstioAmbient => "Istio ambient mode",
            Enrolment::Linkerd => "Linkerd injection",
        }
    }
}

fn has_container(pod: &Object, name: &str) -> bool {
    ["containers", "initContainers"].iter().any(|field| {
        pod.root()
            .at(&["spec", field])
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|c| c.get("name").and_then(Node::as_str) == Some(name))
    })
}

/// Label or annotation.
fn pod_flag<'a>(pod: &'a Object, key: &str) -> Option<&'a str> {
    pod.label(key).or_else(|| pod.annotation(key))
}

fn opted_out(pod: &Object) -> bool {
    pod_flag(pod, "sidecar.istio.io/inject") == Some("false")
        || pod.annotation("linkerd.io/inject") == Some("disabled")
        || pod.label("istio.io/dataplane-mode") == Some("none")
        || pod
            .root()
            .at(&["spec", "hostNetwork"])
            .and_then(Node::as_bool)
            == Some(true)
}

fn covered(pod: &Object, enrolment: Enrolment) -> bool {
    match enrolment {
        Enrolment::IstioSidecar => has_container(pod, "istio-proxy"),
        Enrolment::IstioAmbient => {
            pod.annotation("ambient.istio.io/redirection") == Some("enabled")
                || has_container(pod, "istio-proxy")
        }
        Enrolment::Linkerd => has_container(pod, "linkerd-proxy"),
    }
}

/// The controller to restart for a pod: the Deployment behind its ReplicaSet, else its
/// owner, else the pod itself.
fn workload_of(cx: &Context<'_>, pod: &Object) -> String {
    let owner = |object: &Object| {
        let owner = object
            .root()
            .at(&["metadata", "ownerReferences"])?
            .items()
            .first()?;
        Some((
            owner.get("kind").and_then(Node::as_str)?.to_string(),
            owner.get("name").and_then(Node::as_str)?.to_string(),
        ))
    };
    let Some((kind, name)) = owner(pod) else {
        return format!("Pod {}", pod.name());
    };
    if kind == "ReplicaSet" {
        let deployment = cx
            .inv
            .find("ReplicaSet", pod.namespace(), &name)
            .and_then(owner)
            .filter(|(k, _)| k == "Deployment");
        if let Some((kind, name)) = deployment {
            return format!("{kind} {name}");
        }
    }
    format!("{kind} {name}")
}

/// At most this many workloads are named in a message.
const NAMED: usize = 5;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut running: HashMap<&str, Vec<&Object>> = HashMap::new();
    for pod in cx.inv.of_kind("Pod").filter(|p| p.api_group().is_empty()) {
        if pod.root().at(&["status", "phase"]).and_then(Node::as_str) == Some("Running") {
            running.entry(pod.namespace_key()).or_default().push(pod);
        }
    }
    for namespace in cx
        .inv
        .of_kind("Namespace")
        .filter(|n| n.api_group().is_empty())
    {
        let Some(enrolment) = Enrolment::of(namespace) else {
            continue;
        };
        let pods: Vec<&Object> = running
            .get(namespace.name())
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|p| !opted_out(p))
            .collect();
        if pods.is_empty() {
            continue;
        }
        let bare: Vec<&Object> = pods
            .iter()
            .copied()
            .filter(|p| !covered(p, enrolment))
            .collect();
        if bare.is_empty() {
            out.pass(namespace);
            continue;
        }
        let workloads: BTreeSet<String> = bare.iter().map(|p| workload_of(cx, p)).collect();
        let mut named: Vec<&str> = workloads.iter().take(NAMED).map(String::as_str).collect();
        let more = workloads.len().saturating_sub(NAMED);
        let extra = format!("and {more} more");
        if more > 0 {
            named.push(&extra);
        }
        out.warn(
            Subject::object(namespace),
            format!(
                "Namespace `{}` is enrolled in {} but runs pods without a proxy ({} of {}: {}): \
                 restart them so that they join the mesh",
                namespace.name(),
                enrolment.mesh(),
                bare.len(),
                pods.len(),
                named.join(", ")
            ),
        );
    }
}
