use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Service of `type: LoadBalancer`. It passes when something other than the legacy
    /// in-tree cloud provider handles it: `spec.loadBalancerClass` is set (e.g.
    /// `service.k8s.aws/nlb` for the AWS Load Balancer Controller, `eks.amazonaws.com/nlb` for
    /// EKS Auto Mode), or the annotation `service.beta.kubernetes.io/aws-load-balancer-type` is
    /// `external` or `nlb-ip` (AWS Load Balancer Controller) or `nlb` (an NLB from the in-tree
    /// provider — not a Classic Load Balancer). It warns otherwise: the in-tree provider then
    /// creates a Classic Load Balancer.
    ///
    /// Two cluster-wide defaults are taken into account when the input shows them: the AWS
    /// Load Balancer Controller v2.5+ (found by its image) adds `loadBalancerClass` to such
    /// Services through its mutating webhook unless started with
    /// `--enable-service-mutator-webhook=false`, and EKS Auto Mode (found by an
    /// `eks.amazonaws.com` NodeClass) makes `eks.amazonaws.com/nlb` the default class. Either
    /// makes the Service pass.
    ///
    /// ## Why it matters
    /// Classic Load Balancers are a previous-generation product: no IP targets (every request
    /// takes an extra hop through a NodePort), no TLS 1.3 policies, no PrivateLink, weaker
    /// health checks, and the in-tree controller that creates them is frozen and only
    /// receives critical fixes. AWS recommends migrating off them.
    ///
    /// ## How to fix
    /// Install the AWS Load Balancer Controller (or use EKS Auto Mode) and ask for an NLB with
    /// IP targets:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    ///     service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing
    /// spec:
    ///   type: LoadBalancer
    ///   selector: {app: web}
    ///   ports: [{port: 443, targetPort: 8443}]
    /// ```
    /// For HTTP workloads an Ingress (ALB) or a Gateway API route is usually the better fit.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/load-balancing.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/network-load-balancing.html>
    /// - <https://kubernetes.io/docs/concepts/services-networking/ingress-controllers/>
    "no-classic-lb",
    run
}

const LB_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";

/// Whether the input shows a component that gives every LoadBalancer Service a
/// loadBalancerClass: the AWS Load Balancer Controller v2.5+ with its Service webhook, or EKS
/// Auto Mode.
fn default_class_provider(cx: &Context<'_>) -> bool {
    let auto_mode = cx
        .inv
        .of_kind("NodeClass")
        .any(|o| o.api_group() == "eks.amazonaws.com");
    if auto_mode {
        return true;
    }
    cx.all_workloads().any(|(w, object)| {
        w.containers(object).iter().any(|c| {
            let Some(image) = c.image() else {
                return false;
            };
            let r = ImageRef::parse(image);
            if !r.repository.ends_with("aws-load-balancer-controller") {
                return false;
            }
            let webhook_off = c
                .get("args")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .any(|a| a.replace(' ', "") == "--enable-service-mutator-webhook=false");
            !webhook_off && r.tag.is_none_or(mutates_services)
        })
    })
}

/// The Service mutator webhook arrived in v2.5.0; an unparsable tag is assumed recent.
fn mutates_services(tag: &str) -> bool {
    let mut parts = tag.trim_start_matches('v').split('.');
    match (
        parts.next().and_then(|p| p.parse::<u32>().ok()),
        parts.next().and_then(|p| p.parse::<u32>().ok()),
    ) {
        (Some(major), Some(minor)) => (major, minor) >= (2, 5),
        _ => true,
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut default_class: Option<bool> = None;
    for svc in cx
        .inv
        .of_kind("Service")
        .filter(|o| o.api_group().is_empty())
    {
        let spec_type = svc.root().at(&["spec", "type"]);
        if spec_type.and_then(Node::as_str) != Some("LoadBalancer") {
            continue;
        }
        let has_class = svc
            .root()
            .at(&["spec", "loadBalancerClass"])
            .and_then(Node::as_str)
            .is_some_and(|c| !c.is_empty());
        let lb_type = svc.annotation(LB_TYPE);
        if has_class || matches!(lb_type, Some("external" | "nlb-ip" | "nlb")) {
            out.pass(svc);
            continue;
        }
        if *default_class.get_or_insert_with(|| default_class_provider(cx)) {
            out.pass(svc);
            continue;
        }
        let message = match lb_type {
            Some(other) => format!(
                "Service `{}` of type LoadBalancer has {LB_TYPE}: {other}, which the in-tree \
                 cloud provider serves with a Classic Load Balancer",
                svc.name()
            ),
            None => format!(
                "Service `{}` of type LoadBalancer has no loadBalancerClass and no \
                 {LB_TYPE} annotation: the in-tree cloud provider creates a Classic Load Balancer",
                svc.name()
            ),
        };
        out.warn(Subject::object(svc).at("spec.type", spec_type), message);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{load, run_one};
    use crate::Verdict;

    const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n\
                           spec: {type: LoadBalancer, ports: [{port: 80}]}\n---\n";

    fn verdict(controller_args: &str, tag: &str) -> Verdict {
        let dir = std::env::temp_dir().join(format!("kwar-ncl-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("input.yaml");
        std::fs::write(
            &path,
            format!(
                "{SERVICE}apiVersion: apps/v1\nkind: Deployment\n\
                 metadata: {{name: aws-load-balancer-controller, namespace: kube-system}}\n\
                 spec: {{template: {{spec: {{containers: [{{name: c, image: \
                 public.ecr.aws/eks/aws-load-balancer-controller:{tag}, args: [{controller_args}]}}]}}}}}}\n"
            ),
        )
        .unwrap();
        let out = run_one(&super::CHECK, &load(&path));
        let _ = std::fs::remove_dir_all(&dir);
        out.verdicts[0].1
    }

    /// The controller's Service webhook (v2.5+) gives the Service a loadBalancerClass.
    #[test]
    fn controller_webhook_defaults_the_class() {
        assert_eq!(verdict("--cluster-name=shop", "v2.8.1"), Verdict::Pass);
        assert_eq!(
            verdict("--enable-service-mutator-webhook=false", "v2.8.2"),
            Verdict::Warn
        );
        assert_eq!(verdict("--cluster-name=shop", "v2.4.7"), Verdict::Warn);
    }
}
