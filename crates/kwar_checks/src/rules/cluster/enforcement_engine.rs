use kwar_detect::{Detection, Signal};

use kwar_inventory::ObjectId;

use crate::prelude::*;
use crate::vpc_cni;

declare_check! {
    /// ## What it checks
    /// Whether something enforces NetworkPolicies. An engine counts as active when its
    /// agent runs or its enforcement is switched on:
    /// - the Amazon VPC CNI's network policy support: the `amazon-vpc-cni` ConfigMap's
    ///   `enable-network-policy-controller: "true"`, the `aws-node` DaemonSet's network
    ///   policy agent (container `aws-eks-nodeagent`, image `aws-network-policy-agent`)
    ///   started with `--enable-network-policy=true`, or PolicyEndpoint objects (written only
    ///   by the enforcing controller);
    /// - Calico (`calico-node` DaemonSet, Tigera operator), Cilium (`cilium` DaemonSet), or
    ///   Antrea, Weave Net, kube-router agents.
    ///
    /// Their CRDs alone (the VPC CNI add-on installs the PolicyEndpoint CRD whether or not
    /// enforcement is on; Cilium and Calico CRDs outlive uninstalls) and policy objects such
    /// as CiliumNetworkPolicy do not count: they show intent, not enforcement.
    /// - an active engine: pass on the Cluster (on a whole cluster) or on the engine's
    ///   object (manifests);
    /// - on a whole cluster without an active engine: fail on the Cluster — naming the
    ///   NetworkPolicies that then have no effect, when there are some;
    /// - manifests without an engine: no verdict (the engine may be installed outside them).
    ///
    /// The EKS add-on's `enableNetworkPolicy` configuration value is AWS-side evidence that
    /// a cluster snapshot does not hold; it shows in the snapshot as the ConfigMap and
    /// agent argument above.
    ///
    /// ## Why it matters
    /// The API server accepts NetworkPolicy objects whether or not anything enforces them.
    /// Without an engine, default-deny policies, namespace isolation and egress rules are
    /// decoration: every pod can reach every other pod, the node metadata endpoint and the
    /// internet, while reviews and audits read the policies as controls in place.
    ///
    /// ## How to fix
    /// Turn on the VPC CNI's network policy enforcement (EKS add-on v1.14 or later), or run
    /// Calico or Cilium:
    /// ```sh
    /// aws eks update-addon --cluster-name prod --addon-name vpc-cni \
    ///   --configuration-values '{"enableNetworkPolicy":"true"}'
    /// kubectl -n kube-system get ds aws-node \
    ///   -o jsonpath='{.spec.template.spec.containers[*].args}'   # --enable-network-policy=true
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_network_policy>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html>
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
    "enforcement-engine",
    run,
    needs = ["apps/daemonsets", "configmaps", "networking.k8s.io/networkpolicies"]
}

const ENGINES: [&str; 4] = [
    "vpc-cni-network-policy",
    "calico",
    "cilium",
    "other-network-policy-engines",
];

/// How many policies a message names.
const LISTED: usize = 3;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let active = ENGINES
        .iter()
        .filter_map(|id| cx.detections.get(id))
        .find_map(enforcing_match)
        .or_else(|| vpc_cni_agent_enforcing(cx));
    match (active, cx.whole_cluster()) {
        (Some(_), Some(cluster)) => out.pass(cluster),
        (Some(object), None) => out.pass(cx.inv.object(object)),
        (None, Some(cluster)) => {
            let policies: Vec<&Object> = cx
                .inv
                .of_kind("NetworkPolicy")
                .filter(|p| p.api_group() == "networking.k8s.io")
                .collect();
            let message = if policies.is_empty() {
                "no NetworkPolicy enforcement engine runs (VPC CNI network policy, Calico, \
                 Cilium, Antrea): pod traffic cannot be restricted; enable the VPC CNI's \
                 network policy support"
                    .to_string()
            } else {
                let names: Vec<String> = policies
                    .iter()
                    .take(LISTED)
                    .map(|p| format!("`{}/{}`", p.namespace_key(), p.name()))
                    .collect();
                let more = policies.len().saturating_sub(LISTED);
                let (count, verb) = match policies.len() {
                    1 => ("1 NetworkPolicy".to_string(), "exists"),
                    n => (format!("{n} NetworkPolicies"), "exist"),
                };
                format!(
                    "{count} ({}{}) {verb} but no engine enforces them (VPC CNI network policy, \
                     Calico, Cilium, Antrea): they have no effect; enable the VPC CNI's network \
                     policy support",
                    names.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                )
            };
            out.fail(Subject::object(cluster), message);
        }
        (None, None) => {}
    }
}

/// The object that shows the engine enforcing, if any match does: a running agent, a
/// switched-on setting, or objects only an enforcing controller writes.
fn enforcing_match(detection: &Detection) -> Option<ObjectId> {
    detection
        .matches
        .iter()
        .find(|m| {
            let policy_endpoints = m.signal == Signal::CustomResource
                && detection.detector == "vpc-cni-network-policy";
            matches!(m.signal, Signal::Workload | Signal::Image | Signal::Object)
                || policy_endpoints
        })
        .map(|m| m.object)
}

/// The `aws-node` DaemonSet when its network policy agent runs with enforcement on. The EKS
/// add-on names that container `aws-eks-nodeagent` (image `aws-network-policy-agent`), so it
/// is recognised by its image as well as by either name.
fn vpc_cni_agent_enforcing(cx: &Context<'_>) -> Option<ObjectId> {
    let aws_node = vpc_cni::aws_node(cx.inv)?;
    let workload = cx.inv.workload_of(aws_node.object.id)?;
    let enforcing = workload.containers(aws_node.object).iter().any(|c| {
        let is_agent = matches!(c.name, "aws-eks-nodeagent" | "aws-network-policy-agent")
            || c.image()
                .is_some_and(|i| i.contains("aws-network-policy-agent"));
        is_agent
            && c.get("args")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .any(|a| a.eq_ignore_ascii_case("--enable-network-policy=true"))
    });
    enforcing.then_some(aws_node.object.id)
}
