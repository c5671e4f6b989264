use std::collections::BTreeSet;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Ingress (networking.k8s.io), in every namespace, and whether a controller will
    /// serve it:
    /// - `spec.ingressClassName: X`: pass when the IngressClass `X` exists;
    /// - only the deprecated annotation `kubernetes.io/ingress.class: X`: pass when the
    ///   IngressClass `X` exists, or when a controller of the input claims the class by its
    ///   arguments (`--ingress-class=X`, Traefik's `--providers.kubernetesingress.ingressclass=X`)
    ///   or by default (`alb` for the AWS Load Balancer Controller, `nginx` for ingress-nginx,
    ///   `traefik` for Traefik);
    /// - no class at all: pass when exactly one IngressClass is annotated
    ///   `ingressclass.kubernetes.io/is-default-class: "true"`;
    /// - otherwise pass when the Ingress has an address in `status.loadBalancer.ingress`
    ///   (some controller did pick it up, e.g. one watching class-less Ingresses), else fail:
    ///   nothing will ever serve it.
    ///
    /// The fail rests on the absence of an IngressClass, so it is given only on a whole
    /// cluster (live, snapshot, or manifests declared `--complete`); on manifests alone,
    /// Ingresses that resolve pass and the others are not evaluated. With several default
    /// classes, class-less Ingresses are reported as ambiguous (fail): which controller takes
    /// them depends on the controllers, not on Kubernetes.
    ///
    /// ## Why it matters
    /// An Ingress that no controller claims is accepted by the API server and then silently
    /// ignored: no load balancer, no DNS name, no traffic. It typically follows a controller
    /// migration (ingress-nginx to the AWS Load Balancer Controller), a renamed class, or the
    /// removal of the old annotation support, and shows up as an outage of the routes it
    /// carried.
    ///
    /// ## How to fix
    /// Name an existing class explicitly (`kubectl get ingressclass` lists them):
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata: {name: shop, namespace: shop}
    /// spec:
    ///   ingressClassName: alb
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
    /// ```
    /// or create the IngressClass the Ingresses name (`spec.controller: ingress.k8s.aws/alb`
    /// for the AWS Load Balancer Controller), and mark one class as the default.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class>
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress-controllers/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html>
    "ingress-class-resolvable",
    run,
    needs = [
        "networking.k8s.io/ingresses",
        "networking.k8s.io/ingressclasses",
        "apps/deployments",
        "apps/daemonsets"
    ]
}

const LEGACY_ANNOTATION: &str = "kubernetes.io/ingress.class";
const DEFAULT_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// Controllers that claim a class name when started without an explicit one: the class,
/// and what their workload's name or image contains.
/// Controller flags that name the class they serve (ingress-nginx and the AWS Load Balancer
/// Controller, Traefik).
const CLASS_FLAGS: [&str; 2] = ["ingress-class", "providers.kubernetesingress.ingressclass"];

const DEFAULT_CLASSES: [(&str, &str); 3] = [
    ("alb", "aws-load-balancer-controller"),
    ("nginx", "ingress-nginx"),
    ("traefik", "traefik"),
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let claimed = claimed_classes(cx);
    let classes: Vec<&Object> = cx
        .inv
        .of_kind("IngressClass")
        .filter(|c| c.api_group().starts_with("networking.k8s.io"))
        .collect();
    let defaults: Vec<&Object> = classes
        .iter()
        .copied()
        .filter(|c| c.annotation(DEFAULT_ANNOTATION) == Some("true"))
        .collect();
    let whole = cx.whole_cluster().is_some();
    let ingresses = cx
        .inv
        .of_kind("Ingress")
        .filter(|i| matches!(i.api_group(), "networking.k8s.io" | "extensions"));
    for ingress in ingresses {
        let explicit = ingress
            .root()
            .at(&["spec", "ingressClassName"])
            .and_then(Node::as_str)
            .filter(|s| !s.is_empty());
        let legacy = ingress
            .annotation(LEGACY_ANNOTATION)
            .filter(|s| !s.is_empty());
        let problem = match (explicit, legacy) {
            (Some(name), _) => {
                if classes.iter().any(|c| c.name() == name) {
                    None
                } else {
                    Some((
                        "spec.ingressClassName",
                        format!("names IngressClass `{name}`, which does not exist"),
                    ))
                }
            }
            (None, Some(name)) => {
                if classes.iter().any(|c| c.name() == name) || claimed.contains(name) {
                    None
                } else {
                    Some((
                        "metadata.annotations",
                        format!(
                            "asks for class `{name}` through the {LEGACY_ANNOTATION} annotation, \
                             but no IngressClass of that name exists and no controller claims it"
                        ),
                    ))
                }
            }
            (None, None) => match defaults.as_slice() {
                [_] => None,
                [] => Some((
                    "spec",
                    "names no class and no IngressClass is marked default".to_string(),
                )),
                many => Some((
                    "spec",
                    format!(
                        "names no class and {} IngressClasses are marked default ({})",
                        many.len(),
                        many.iter()
                            .map(|c| format!("`{}`", c.name()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            },
        };
        let Some((path, what)) = problem else {
            out.pass(ingress);
            continue;
        };
        let served = ingress
            .root()
            .at(&["status", "loadBalancer", "ingress"])
            .is_some_and(|i| !i.items().is_empty());
        if served {
            out.pass(ingress);
            continue;
        }
        if !whole {
            continue;
        }
        let node = match path {
            "spec.ingressClassName" => ingress.root().at(&["spec", "ingressClassName"]),
            "metadata.annotations" => {
                ingress
                    .root()
                    .at(&["metadata", "annotations", LEGACY_ANNOTATION])
            }
            _ => ingress.spec(),
        };
        let name = ingress
            .namespace()
            .map_or(ingress.name().to_string(), |ns| {
                format!("{ns}/{}", ingress.name())
            });
        out.fail(
            Subject::object(ingress).at(path, node),
            format!(
                "Ingress `{name}` {what}, and it has no load balancer address: no controller \
                 serves it; expected a class that resolves to an existing IngressClass"
            ),
        );
    }
}

/// The class names controller workloads claim: by an explicit argument, or by default when
/// they set none.
fn claimed_classes(cx: &Context<'_>) -> BTreeSet<String> {
    let mut claimed = BTreeSet::new();
    for (w, object) in cx.all_workloads() {
        for c in w.containers(object) {
            let args: Vec<String> = ["command", "args"]
                .iter()
                .flat_map(|f| c.get(f).map(Node::items).unwrap_or_default())
                .filter_map(Node::scalar_text)
                .collect();
            let mut explicit = false;
            for (i, arg) in args.iter().enumerate() {
                let (flag, value) = match arg.split_once('=') {
                    Some((f, v)) => (f, Some(v.to_string())),
                    None => (arg.as_str(), args.get(i + 1).cloned()),
                };
                let flag = flag.trim_start_matches('-').to_ascii_lowercase();
                if CLASS_FLAGS.contains(&flag.as_str()) {
                    explicit = true;
                    claimed.extend(value);
                }
            }
            if !explicit {
                for (default, marker) in DEFAULT_CLASSES {
                    if object.name().contains(marker)
                        || c.image().is_some_and(|img| img.contains(marker))
                    {
                        claimed.insert(default.to_string());
                    }
                }
            }
        }
    }
    claimed
}
