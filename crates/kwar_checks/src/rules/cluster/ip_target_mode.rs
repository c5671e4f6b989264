use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Load balancers of the AWS Load Balancer Controller (or EKS Auto Mode) send traffic
    /// straight to pod IPs.
    ///
    /// - **ALB Ingresses** — an Ingress whose class is `alb` (`spec.ingressClassName` or the
    ///   legacy annotation `kubernetes.io/ingress.class`), or names an IngressClass of the input
    ///   whose controller is `ingress.k8s.aws/alb` or `eks.amazonaws.com/alb`, or has no class
    ///   while such an IngressClass is the default. It passes when
    ///   `alb.ingress.kubernetes.io/target-type: ip` applies to every backend; the annotation
    ///   can also be set on a backend Service, where it overrides the Ingress's. Without it
    ///   the controller uses `instance`.
    /// - **NLB Services** — `type: LoadBalancer` Services with
    ///   `service.beta.kubernetes.io/aws-load-balancer-type: external` or
    ///   `spec.loadBalancerClass` `service.k8s.aws/nlb` / `eks.amazonaws.com/nlb`: they pass
    ///   with `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip` (the default
    ///   is `instance`). The legacy controller value `nlb-ip` always uses IP targets and
    ///   passes; the in-tree `nlb` value only supports instance targets and warns.
    ///
    /// It warns on instance mode. Other Services and Ingresses are not evaluated.
    ///
    /// ## Why it matters
    /// In instance mode the load balancer targets a NodePort on every node, and kube-proxy
    /// forwards each request again, possibly to another node or zone: an extra hop, cross-AZ
    /// data charges, source IPs lost, health checks that test nodes rather than pods, and a
    /// NodePort opened on every node. IP mode registers the pods themselves, works with
    /// Fargate and pod readiness gates, and drains pods cleanly during rollouts.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     alb.ingress.kubernetes.io/target-type: ip
    ///     alb.ingress.kubernetes.io/scheme: internet-facing
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - http:
    ///         paths:
    ///           - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
    /// ```
    /// For an NLB Service set
    /// `service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`. Label the namespace
    /// `elbv2.k8s.aws/pod-readiness-gate-inject=enabled` so rollouts wait for new targets.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html>
    /// - <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type>
    /// - <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#nlb-target-type>
    "ip-target-mode",
    run
}

const ALB_TARGET_TYPE: &str = "alb.ingress.kubernetes.io/target-type";
const NLB_TARGET_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type";
const LB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
const ALB_CONTROLLERS: [&str; 2] = ["ingress.k8s.aws/alb", "eks.amazonaws.com/alb"];
const NLB_CLASSES: [&str; 2] = ["service.k8s.aws/nlb", "eks.amazonaws.com/nlb"];

fn is_alb_class_object(class: &Object) -> bool {
    class
        .root()
        .at(&["spec", "controller"])
        .and_then(Node::as_str)
        .is_some_and(|c| ALB_CONTROLLERS.contains(&c))
}

fn is_alb_ingress(cx: &Context<'_>, ing: &Object) -> bool {
    let class = ing
        .root()
        .at(&["spec", "ingressClassName"])
        .and_then(Node::as_str)
        .or_else(|| ing.annotation("kubernetes.io/ingress.class"));
    match class {
        Some("alb") => true,
        Some(name) => cx
            .inv
            .of_kind("IngressClass")
            .any(|c| c.name() == name && is_alb_class_object(c)),
        None => cx.inv.of_kind("IngressClass").any(|c| {
            is_alb_class_object(c)
                && c.annotation("ingressclass.kubernetes.io/is-default-class") == Some("true")
        }),
    }
}

/// Names of the Services an Ingress routes to.
fn backend_services(ing: &Object) -> Vec<String> {
    let mut names = Vec::new();
    let Some(spec) = ing.root().get("spec") else {
        return names;
    };
    let service = |b: &Node| {
        b.at(&["service", "name"])
            .or_else(|| b.get("serviceName"))
            .and_then(Node::scalar_text)
    };
    for key in ["defaultBackend", "backend"] {
        names.extend(spec.get(key).and_then(service));
    }
    for rule in spec.get("rules").map(Node::items).unwrap_or_default() {
        for path in rule
            .at(&["http", "paths"])
            .map(Node::items)
            .unwrap_or_default()
        {
            names.extend(path.get("backend").and_then(service));
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

fn check_ingress(cx: &Context<'_>, ing: &Object, out: &mut Outcomes) {
    let ingress_type = ing.annotation(ALB_TARGET_TYPE).unwrap_or("instance");
    // A backend Service's own target-type annotation overrides the Ingress's.
    let mut instance_backends = Vec::new();
    let mut backends = 0;
    for name in backend_services(ing) {
        backends += 1;
        let effective = cx
            .inv
            .find("Service", Some(ing.namespace_key()), &name)
            .and_then(|svc| svc.annotation(ALB_TARGET_TYPE))
            .unwrap_or(ingress_type);
        if effective != "ip" {
            instance_backends.push(name);
        }
    }
    let all_ip = if backends == 0 {
        ingress_type == "ip"
    } else {
        instance_backends.is_empty()
    };
    if all_ip {
        out.pass(ing);
        return;
    }
    let annotation = ing.root().at(&["metadata", "annotations", ALB_TARGET_TYPE]);
    let subject = Subject::object(ing).at(
        format!("metadata.annotations[\"{ALB_TARGET_TYPE}\"]"),
        annotation,
    );
    let mode = if annotation.is_some() {
        format!("{ALB_TARGET_TYPE}: {ingress_type}")
    } else {
        format!("no {ALB_TARGET_TYPE} annotation, so instance mode")
    };
    let which = if instance_backends.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = instance_backends.iter().map(|n| format!("`{n}`")).collect();
        format!(" for Service {}", names.join(", "))
    };
    out.warn(
        subject,
        format!(
            "ALB Ingress `{}` sends traffic through NodePorts{which} ({mode})",
            ing.name()
        ),
    );
}

fn check_service(svc: &Object, out: &mut Outcomes) {
    let root = svc.root();
    if root.at(&["spec", "type"]).and_then(Node::as_str) != Some("LoadBalancer") {
        return;
    }
    let class = root
        .at(&["spec", "loadBalancerClass"])
        .and_then(Node::as_str);
    let lb_type = svc.annotation(LB_TYPE);
    let annotation_path = |key: &str| format!("metadata.annotations[\"{key}\"]");
    match lb_type {
        Some("nlb-ip") => return out.pass(svc),
        Some("nlb") if class.is_none() => {
            return out.warn(
                Subject::object(svc).at(
                    annotation_path(LB_TYPE),
                    root.at(&["metadata", "annotations", LB_TYPE]),
                ),
                format!(
                    "Service `{}` gets its NLB from the in-tree cloud provider ({LB_TYPE}: nlb), \
                     which only supports instance targets",
                    svc.name()
                ),
            )
        }
        _ => {}
    }
    let controller_nlb =
        lb_type == Some("external") || class.is_some_and(|c| NLB_CLASSES.contains(&c));
    if !controller_nlb {
        return;
    }
    match svc.annotation(NLB_TARGET_TYPE) {
        Some("ip") => out.pass(svc),
        Some(other) => out.warn(
            Subject::object(svc).at(
                annotation_path(NLB_TARGET_TYPE),
                root.at(&["metadata", "annotations", NLB_TARGET_TYPE]),
            ),
            format!(
                "NLB Service `{}` registers nodes, not pods ({NLB_TARGET_TYPE}: {other})",
                svc.name()
            ),
        ),
        None => out.warn(
            Subject::object(svc).at(
                annotation_path(NLB_TARGET_TYPE),
                root.at(&["metadata", "annotations"]),
            ),
            format!(
                "NLB Service `{}` has no {NLB_TARGET_TYPE} annotation, so the load balancer \
                 registers nodes (instance mode), not pods",
                svc.name()
            ),
        ),
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for ing in cx.inv.of_kind("Ingress") {
        if matches!(ing.api_group(), "networking.k8s.io" | "extensions") && is_alb_ingress(cx, ing)
        {
            check_ingress(cx, ing, out);
        }
    }
    for svc in cx
        .inv
        .of_kind("Service")
        .filter(|o| o.api_group().is_empty())
    {
        check_service(svc, out);
    }
}
