use std::collections::BTreeMap;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Namespaces whose pods are registered directly as load balancer targets by the AWS
    /// Load Balancer Controller (IP targets), and whether they carry the label
    /// `elbv2.k8s.aws/pod-readiness-gate-inject: enabled` that makes the controller's webhook
    /// add a target-health readiness gate to their pods. A namespace is in scope when it
    /// holds:
    /// - an Ingress of the controller — `spec.ingressClassName` (or the default class) naming
    ///   an IngressClass whose controller is `ingress.k8s.aws/alb`, or the annotation
    ///   `kubernetes.io/ingress.class: alb` — whose target type is `ip`: from the class's
    ///   IngressClassParams `spec.targetType`, else the annotation
    ///   `alb.ingress.kubernetes.io/target-type` on the Ingress or on a backend Service (the
    ///   controller's default is `instance`);
    /// - a Service of type LoadBalancer handled by the controller (`loadBalancerClass:
    ///   service.k8s.aws/nlb`, or `service.beta.kubernetes.io/aws-load-balancer-type`
    ///   `external` or `nlb-ip`) with IP targets (`nlb-ip`, or
    ///   `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`);
    /// - a TargetGroupBinding with `spec.targetType: ip`.
    ///
    /// Pass when the Namespace has the label, warn when it does not (naming the objects that
    /// put it in scope). Every namespace is judged, system ones included: the rollout risk
    /// does not depend on who owns the pods. A namespace whose Namespace object is not in the
    /// input is not evaluated. Instance targets are out of scope (the load balancer sees
    /// nodes, not pods), and so is EKS Auto Mode's built-in load balancing
    /// (`eks.amazonaws.com/alb`), whose support for the label kwar does not assume.
    ///
    /// ## Why it matters
    /// With IP targets, a new pod is Ready for Kubernetes as soon as its readiness probe
    /// passes, but the load balancer sends it traffic only after registration and its own
    /// health checks (tens of seconds). A rolling update that goes faster than that can leave
    /// the target group with only `initial` and `draining` targets: the service returns 502
    /// or 503 during every deployment. The readiness gate holds the rollout until the target
    /// is healthy in the target group.
    ///
    /// ## How to fix
    /// Label the namespace, then restart the workloads so that new pods get the gate:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     elbv2.k8s.aws/pod-readiness-gate-inject: enabled
    /// ```
    /// ```sh
    /// kubectl label namespace shop elbv2.k8s.aws/pod-readiness-gate-inject=enabled
    /// kubectl -n shop rollout restart deployment
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_readiness_probe_to_detect_partial_unavailability>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/>
    "readiness-gate-for-lb-ip-targets",
    run,
    needs = [
        "namespaces",
        "services",
        "networking.k8s.io/ingresses",
        "networking.k8s.io/ingressclasses",
        "elbv2.k8s.aws/ingressclassparams",
        "elbv2.k8s.aws/targetgroupbindings"
    ]
}

const GATE_LABEL: &str = "elbv2.k8s.aws/pod-readiness-gate-inject";
const LBC_INGRESS_CONTROLLER: &str = "ingress.k8s.aws/alb";
const INGRESS_TARGET_TYPE: &str = "alb.ingress.kubernetes.io/target-type";
const LB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const NLB_TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // Namespace → the objects that register its pods as IP targets.
    let mut in_scope: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ingress in cx
        .inv
        .of_kind("Ingress")
        .filter(|i| i.api_group() == "networking.k8s.io")
    {
        if let Some(why) = ingress_ip_targets(cx, ingress) {
            in_scope
                .entry(ingress.namespace_key())
                .or_default()
                .push(format!("Ingress `{}` ({why})", ingress.name()));
        }
    }
    for svc in cx
        .inv
        .of_kind("Service")
        .filter(|s| s.api_group().is_empty())
    {
        if service_ip_targets(svc) {
            in_scope
                .entry(svc.namespace_key())
                .or_default()
                .push(format!("Service `{}` (NLB, IP targets)", svc.name()));
        }
    }
    for tgb in cx
        .inv
        .of_kind("TargetGroupBinding")
        .filter(|t| t.api_group() == "elbv2.k8s.aws")
    {
        if tgb
            .root()
            .at(&["spec", "targetType"])
            .and_then(Node::as_str)
            == Some("ip")
        {
            in_scope
                .entry(tgb.namespace_key())
                .or_default()
                .push(format!("TargetGroupBinding `{}` (IP targets)", tgb.name()));
        }
    }
    for (namespace, objects) in in_scope {
        let Some(ns) = cx
            .inv
            .find("Namespace", None, namespace)
            .filter(|n| n.api_group().is_empty())
        else {
            continue;
        };
        if ns.label(GATE_LABEL) == Some("enabled") {
            out.pass(ns);
            continue;
        }
        let node = ns.root().at(&["metadata", "labels"]).or(ns.metadata());
        out.warn(
            Subject::object(ns).at("metadata.labels", node),
            format!(
                "Namespace `{namespace}` has pods registered as load balancer IP targets by the \
                 AWS Load Balancer Controller ({}) but lacks the label {GATE_LABEL}=enabled: a \
                 rolling update can remove old pods before the new ones are healthy in the \
                 target group",
                summarise(&objects)
            ),
        );
    }
}

/// Why an Ingress is reconciled by the AWS Load Balancer Controller with IP targets, if it
/// is.
fn ingress_ip_targets(cx: &Context<'_>, ingress: &Object) -> Option<String> {
    let class_name = ingress
        .root()
        .at(&["spec", "ingressClassName"])
        .and_then(Node::as_str);
    let class = match class_name {
        Some(name) => cx
            .inv
            .find("IngressClass", None, name)
            .filter(|c| c.api_group() == "networking.k8s.io"),
        None if ingress.annotation("kubernetes.io/ingress.class").is_some() => None,
        None => cx.inv.of_kind("IngressClass").find(|c| {
            c.api_group() == "networking.k8s.io"
                && c.annotation("ingressclass.kubernetes.io/is-default-class") == Some("true")
        }),
    };
    let by_lbc = match class {
        Some(c) => {
            c.root().at(&["spec", "controller"]).and_then(Node::as_str)
                == Some(LBC_INGRESS_CONTROLLER)
        }
        None => {
            class_name.is_none() && ingress.annotation("kubernetes.io/ingress.class") == Some("alb")
        }
    };
    if !by_lbc {
        return None;
    }
    // IngressClassParams settings win over annotations.
    let params_target = class
        .and_then(|c| c.root().at(&["spec", "parameters"]))
        .filter(|p| p.get("kind").and_then(Node::as_str) == Some("IngressClassParams"))
        .and_then(|p| p.get("name").and_then(Node::as_str))
        .and_then(|name| cx.inv.find("IngressClassParams", None, name))
        .and_then(|p| p.root().at(&["spec", "targetType"]).and_then(Node::as_str));
    match params_target {
        Some("ip") => return Some("IngressClassParams targetType ip".into()),
        Some(_) => return None,
        None => {}
    }
    if ingress.annotation(INGRESS_TARGET_TYPE) == Some("ip") {
        return Some(format!("{INGRESS_TARGET_TYPE}: ip"));
    }
    backend_services(ingress)
        .into_iter()
        .filter_map(|name| cx.inv.find("Service", ingress.namespace(), name))
        .find(|svc| svc.annotation(INGRESS_TARGET_TYPE) == Some("ip"))
        .map(|svc| format!("Service `{}` has {INGRESS_TARGET_TYPE}: ip", svc.name()))
}

/// Names of the Services an Ingress routes to.
fn backend_services(ingress: &Object) -> Vec<&str> {
    let Some(spec) = ingress.spec() else {
        return Vec::new();
    };
    fn service(backend: &Node) -> Option<&str> {
        backend.at(&["service", "name"]).and_then(Node::as_str)
    }
    let mut names: Vec<&str> = spec
        .get("defaultBackend")
        .and_then(service)
        .into_iter()
        .collect();
    for rule in spec.get("rules").map(Node::items).unwrap_or_default() {
        for path in rule
            .at(&["http", "paths"])
            .map(Node::items)
            .unwrap_or_default()
        {
            names.extend(path.get("backend").and_then(service));
        }
    }
    names
}

/// Whether a LoadBalancer Service is handled by the AWS Load Balancer Controller with IP
/// targets.
fn service_ip_targets(svc: &Object) -> bool {
    let spec = svc.spec();
    let field = |k: &str| spec.and_then(|s| s.get(k)).and_then(Node::as_str);
    if field("type") != Some("LoadBalancer") {
        return false;
    }
    let lb_type = svc.annotation(LB_TYPE);
    if lb_type == Some("nlb-ip") {
        return true;
    }
    let by_lbc =
        field("loadBalancerClass") == Some("service.k8s.aws/nlb") || lb_type == Some("external");
    by_lbc && svc.annotation(NLB_TARGET_TYPE) == Some("ip")
}

/// The first objects, and how many more.
fn summarise(objects: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = objects.iter().take(SHOWN).cloned().collect();
    if objects.len() > SHOWN {
        parts.push(format!("and {} more", objects.len() - SHOWN));
    }
    parts.join(", ")
}
