use crate::node_selection::NodeConstraints;
use crate::prelude::*;
use crate::vpc_cni;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot) where an overlay CNI replaces the Amazon VPC
    /// CNI — Calico or Cilium is detected, and the `kube-system/aws-node` DaemonSet is absent
    /// or runs on no node (`status.desiredNumberScheduled: 0`, or a nodeSelector no node
    /// matches), and Cilium does not run in ENI mode (`ipam: eni` in
    /// `kube-system/cilium-config`, which gives pods VPC addresses):
    /// the backends of everything the EKS control plane calls inside the cluster — the
    /// services of Validating/MutatingWebhookConfigurations and of APIServices (such as
    /// metrics-server's `v1beta1.metrics.k8s.io`).
    /// - every backend workload (selected by the Service) runs with `hostNetwork: true`:
    ///   pass, on the configuration or APIService;
    /// - a backend on pod IPs: warn, at the webhook's `clientConfig.service`, naming the
    ///   workloads.
    ///
    /// Webhooks given by URL, Services without a selector, and Services whose backends are
    /// not in the input (some are served by the EKS control plane itself) are not evaluated.
    /// Clusters whose pods use VPC addresses, and manifests alone, are not evaluated.
    ///
    /// ## Why it matters
    /// The EKS control plane runs in an AWS-managed VPC and reaches pods only through VPC
    /// addresses. Overlay pod IPs (VXLAN, IP-in-IP) are unroutable from it: calls to an
    /// admission webhook time out — blocking every create or update it intercepts when its
    /// `failurePolicy` is `Fail` — and `kubectl top`, HPAs and other aggregated APIs stop
    /// working.
    ///
    /// ## How to fix
    /// Run webhook and aggregated-API servers on the host network (with a port that does not
    /// clash with the node's), e.g. for metrics-server:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       hostNetwork: true
    ///       containers:
    ///         - name: metrics-server
    ///           args: [--secure-port=10251, --kubelet-preferred-address-types=InternalIP]
    ///           ports: [{containerPort: 10251, name: https}]
    /// ```
    /// Most charts expose it (`hostNetwork.enabled: true`, `webhook.hostNetwork: true`).
    /// Alternatively keep the VPC CNI and use custom networking for address space.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/custom-networking.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/alternate-cni-plugins.html>
    /// - <https://docs.cilium.io/en/stable/installation/k8s-install-helm/>
    "overlay-cni-webhooks",
    run,
    needs = [
        "admissionregistration.k8s.io/validatingwebhookconfigurations",
        "admissionregistration.k8s.io/mutatingwebhookconfigurations",
        "apiregistration.k8s.io/apiservices",
        "services",
        "configmaps",
        "nodes",
        "apps/daemonsets"
    ]
}

const OVERLAY_CNIS: [&str; 2] = ["cilium", "calico"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.whole_cluster().is_none() || !overlay_replaces_vpc_cni(cx) {
        return;
    }
    for config in cx.webhook_configurations() {
        let webhooks = config
            .root()
            .get("webhooks")
            .map(Node::items)
            .unwrap_or_default();
        let refs = webhooks.iter().enumerate().filter_map(|(i, w)| {
            let service = w.at(&["clientConfig", "service"])?;
            Some((format!("webhooks[{i}].clientConfig.service"), service))
        });
        judge(cx, out, config, refs.collect());
    }
    for api in cx
        .inv
        .of_kind("APIService")
        .filter(|o| o.api_group() == "apiregistration.k8s.io")
    {
        let refs: Vec<(String, &Node)> = api
            .root()
            .at(&["spec", "service"])
            .map(|s| ("spec.service".to_string(), s))
            .into_iter()
            .collect();
        judge(cx, out, api, refs);
    }
}

/// Judges the services one object sends the control plane's calls to.
fn judge(cx: &Context<'_>, out: &mut Outcomes, object: &Object, refs: Vec<(String, &Node)>) {
    let mut judged = false;
    let mut warned = false;
    let mut seen: Vec<(String, String)> = Vec::new();
    for (path, service) in refs {
        let text = |k: &str| service.get(k).and_then(Node::as_str).unwrap_or_default();
        let key = (text("namespace").to_string(), text("name").to_string());
        if key.1.is_empty() || seen.contains(&key) {
            continue;
        }
        seen.push(key.clone());
        let Some(backends) = backends(cx, &key.0, &key.1) else {
            continue;
        };
        judged = true;
        let on_pod_ips: Vec<String> = backends
            .iter()
            .filter(|(w, o)| w.pod_field(o, "hostNetwork").and_then(Node::as_bool) != Some(true))
            .map(|(_, o)| format!("{} {}/{}", o.kind(), o.namespace_key(), o.name()))
            .collect();
        if on_pod_ips.is_empty() {
            continue;
        }
        warned = true;
        out.warn(
            Subject::object(object).at(path, Some(service)),
            format!(
                "{} `{}` calls Service `{}/{}`, served on overlay pod IPs by {}: the EKS \
                 control plane cannot reach them; expected `hostNetwork: true`",
                object.kind(),
                object.name(),
                key.0,
                key.1,
                worker_nodes::name_list(on_pod_ips.iter().map(String::as_str), 3)
            ),
        );
    }
    if judged && !warned {
        out.pass(object);
    }
}

/// The workloads a Service selects (controllers, not their pods), when it has a selector and
/// the input holds them.
fn backends<'a>(
    cx: &Context<'a>,
    namespace: &str,
    name: &str,
) -> Option<Vec<(&'a Workload, &'a Object)>> {
    let service = cx
        .inv
        .find("Service", Some(namespace), name)
        .filter(|s| s.api_group().is_empty())?;
    let selector = LabelSelector::from_map(service.root().at(&["spec", "selector"]))?;
    if selector.is_empty() {
        return None;
    }
    let found: Vec<(&Workload, &Object)> = cx
        .inv
        .workloads_selected(namespace, &selector)
        .into_iter()
        .filter(|w| w.is_reviewed_unit())
        .map(|w| (w, cx.inv.object(w.object)))
        .collect();
    (!found.is_empty()).then_some(found)
}

/// Calico or Cilium gives pods their addresses instead of the VPC CNI.
fn overlay_replaces_vpc_cni(cx: &Context<'_>) -> bool {
    let Some(overlay) = cx.detections.first_of(&OVERLAY_CNIS) else {
        return false;
    };
    if vpc_cni_runs(cx) {
        return false;
    }
    let cilium_eni = cx
        .inv
        .find("ConfigMap", Some("kube-system"), "cilium-config")
        .and_then(|c| c.root().at(&["data", "ipam"]))
        .and_then(Node::as_str)
        == Some("eni");
    !(overlay.detector == "cilium" && cilium_eni)
}

/// The aws-node DaemonSet exists and is meant to run on some node.
fn vpc_cni_runs(cx: &Context<'_>) -> bool {
    let Some(cni) = vpc_cni::aws_node(cx.inv) else {
        return false;
    };
    let desired = cni
        .object
        .root()
        .at(&["status", "desiredNumberScheduled"])
        .and_then(Node::as_i64);
    if let Some(desired) = desired {
        return desired > 0;
    }
    let Some(constraints) = cni
        .object
        .root()
        .at(&["spec", "template", "spec"])
        .and_then(NodeConstraints::of)
    else {
        return true;
    };
    let mut nodes = worker_nodes::nodes(cx.inv).peekable();
    nodes.peek().is_none() || nodes.any(|n| constraints.matches(n))
}
