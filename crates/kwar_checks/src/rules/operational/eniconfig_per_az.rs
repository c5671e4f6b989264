use std::collections::{BTreeMap, BTreeSet};

use crate::prelude::*;
use crate::vpc_cni;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live or snapshot) whose VPC CNI runs with custom networking
    /// (`AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true` on the `kube-system/aws-node` DaemonSet):
    /// the ENIConfig each EC2 node needs, found the way the CNI's IPAM daemon finds it —
    /// the node's annotation named by `ENI_CONFIG_ANNOTATION_DEF` (default
    /// `k8s.amazonaws.com/eniConfig`), else its label named by `ENI_CONFIG_LABEL_DEF`
    /// (default `k8s.amazonaws.com/eniConfig`; usually set to `topology.kubernetes.io/zone`
    /// so that ENIConfigs are named after zones), else the ENIConfig named `default`.
    /// - every needed ENIConfig (`crd.k8s.amazonaws.com` `ENIConfig`) exists: pass, on the
    ///   Cluster object;
    /// - one is missing: fail on the Cluster object, naming it with the zones and nodes that
    ///   need it.
    ///
    /// Clusters without custom networking, Fargate, Auto Mode and hybrid nodes (they do not
    /// use aws-node's ENIConfigs) are not evaluated; neither are manifests alone, which
    /// cannot show that an ENIConfig does not exist.
    ///
    /// ## Why it matters
    /// With custom networking the CNI attaches secondary ENIs only in the subnet its
    /// ENIConfig names. A node whose ENIConfig does not exist gets no secondary ENI: its
    /// pods stay in `ContainerCreating` with `failed to assign an IP address`, typically on
    /// the day a node group or Karpenter first launches in a new zone.
    ///
    /// ## How to fix
    /// Create one ENIConfig per zone (named after it when `ENI_CONFIG_LABEL_DEF` is
    /// `topology.kubernetes.io/zone`), with the pod subnet and security groups of that zone:
    /// ```yaml
    /// apiVersion: crd.k8s.amazonaws.com/v1alpha1
    /// kind: ENIConfig
    /// metadata:
    ///   name: eu-west-1c
    /// spec:
    ///   subnet: subnet-0c1d2e3f4a5b6c7d8     # a 100.64.0.0/10 subnet in eu-west-1c
    ///   securityGroups: [sg-0123456789abcdef0]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/custom-networking.html>
    "eniconfig-per-az",
    run,
    needs = ["nodes", "apps/daemonsets", "crd.k8s.amazonaws.com/eniconfigs"]
}

const DEFAULT_KEY: &str = "k8s.amazonaws.com/eniConfig";
/// What the IPAM daemon looks for when a node names no ENIConfig.
const DEFAULT_ENICONFIG: &str = "default";

/// The nodes that need one ENIConfig.
#[derive(Default)]
struct Need<'a> {
    zones: BTreeSet<&'a str>,
    nodes: Vec<&'a str>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let Some(cni) = vpc_cni::aws_node(cx.inv) else {
        return;
    };
    if !cni.is_true("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG") {
        return;
    }
    let annotation_key = cni
        .value("ENI_CONFIG_ANNOTATION_DEF")
        .unwrap_or_else(|| DEFAULT_KEY.to_string());
    let label_key = cni
        .value("ENI_CONFIG_LABEL_DEF")
        .unwrap_or_else(|| DEFAULT_KEY.to_string());
    let mut needs: BTreeMap<&str, Need<'_>> = BTreeMap::new();
    for node in worker_nodes::nodes(cx.inv).filter(|n| worker_nodes::compute(n) == Compute::Ec2) {
        let name = node
            .annotation(&annotation_key)
            .or_else(|| node.label(&label_key))
            .filter(|n| !n.is_empty())
            .unwrap_or(DEFAULT_ENICONFIG);
        let need = needs.entry(name).or_default();
        need.zones
            .insert(worker_nodes::zone(node).unwrap_or("an unknown zone"));
        need.nodes.push(node.name());
    }
    if needs.is_empty() {
        return;
    }
    let existing: BTreeSet<&str> = cx
        .inv
        .of_kind("ENIConfig")
        .filter(|e| e.api_group() == "crd.k8s.amazonaws.com")
        .map(Object::name)
        .collect();
    let mut missing = false;
    for (name, need) in &needs {
        if existing.contains(name) {
            continue;
        }
        missing = true;
        let zones: Vec<&str> = need.zones.iter().copied().collect();
        out.fail(
            Subject::object(cluster),
            format!(
                "custom networking is on but ENIConfig `{name}` does not exist: pods on {} \
                 node{} in {} ({}) get no IP address; expected one ENIConfig per zone with \
                 nodes (nodes select it by `{label_key}`)",
                need.nodes.len(),
                if need.nodes.len() == 1 { "" } else { "s" },
                zones.join(", "),
                worker_nodes::name_list(need.nodes.iter().copied(), 3)
            ),
        );
    }
    if !missing {
        out.pass(cluster);
    }
}
