use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the community ingress-nginx controller (kubernetes/ingress-nginx), retired in
    /// March 2026, is part of the input.
    ///
    /// - Every IngressClass is evaluated: it fails when `spec.controller` is
    ///   `k8s.io/ingress-nginx`, and passes for any other controller.
    /// - Every container of every workload, system namespaces included, is looked at: it fails
    ///   when its image is the community controller — repository `ingress-nginx/controller` or
    ///   `ingress-nginx/controller-chroot` on any registry (`registry.k8s.io`, `k8s.gcr.io`, or a
    ///   mirror or ECR pull-through cache of them), or a repository named
    ///   `nginx-ingress-controller` (the pre-2020 `quay.io/kubernetes-ingress-controller` image
    ///   and repackagings such as Bitnami's). Other containers are not evaluated.
    ///
    /// The F5 NGINX Ingress Controller (`nginx/nginx-ingress`, `nginx-plus-ingress`, controller
    /// `nginx.org/ingress-controller`) is a different, maintained product and is not
    /// reported. The `ingress-nginx/kube-webhook-certgen` image, which other charts reuse, is
    /// not reported either. Ingresses with class `nginx` are not judged: that name is used by
    /// both controllers.
    ///
    /// ## Why it matters
    /// The Kubernetes project retired the community ingress-nginx controller in March 2026:
    /// no further releases, bug fixes or security patches. The controller sits on the edge of
    /// the cluster and has had critical vulnerabilities (CVE-2025-1974, "IngressNightmare",
    /// allowed unauthenticated remote code execution and cluster takeover); an unpatched one
    /// is a standing risk.
    ///
    /// ## How to fix
    /// Migrate to a maintained controller — the AWS Load Balancer Controller (ALB), a Gateway
    /// API implementation, or another maintained ingress controller — and move the
    /// `nginx.ingress.kubernetes.io/*` annotations to their equivalents:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: IngressClass
    /// metadata:
    ///   name: alb
    /// spec:
    ///   controller: ingress.k8s.aws/alb
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html>
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress-controllers/>
    /// - <https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/>
    "retired-ingress-nginx",
    run
}

const COMMUNITY_CONTROLLER: &str = "k8s.io/ingress-nginx";

fn is_community_image(image: &str) -> bool {
    let repository = ImageRef::parse(image).repository;
    let last = repository.rsplit('/').next().unwrap_or(repository);
    repository.ends_with("ingress-nginx/controller")
        || repository.ends_with("ingress-nginx/controller-chroot")
        || last == "nginx-ingress-controller"
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for class in cx
        .inv
        .of_kind("IngressClass")
        .filter(|o| o.api_group() == "networking.k8s.io")
    {
        let controller = class.root().at(&["spec", "controller"]);
        if controller.and_then(Node::as_str) == Some(COMMUNITY_CONTROLLER) {
            out.fail(
                Subject::object(class).at("spec.controller", controller),
                format!(
                    "IngressClass `{}` is served by the community ingress-nginx controller \
                     ({COMMUNITY_CONTROLLER}), retired in March 2026 without further security fixes",
                    class.name()
                ),
            );
        } else {
            out.pass(class);
        }
    }
    for (w, object) in cx.all_workloads() {
        for c in w.containers(object) {
            let Some(image) = c.image().filter(|i| is_community_image(i)) else {
                continue;
            };
            out.fail(
                Subject::container(object, &c).field("image", c.get("image")),
                format!(
                    "container `{}` runs the community ingress-nginx controller (`{image}`), \
                     retired in March 2026 without further security fixes",
                    c.name
                ),
            );
        }
    }
}
