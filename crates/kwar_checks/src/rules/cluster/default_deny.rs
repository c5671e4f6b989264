use std::collections::{BTreeMap, HashMap};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every namespace outside the system namespaces that runs workloads in the input (objects
    /// without a namespace count as `default`) has a default-deny NetworkPolicy
    /// (`networking.k8s.io`): a policy with an empty `podSelector` (all pods of the namespace)
    /// that isolates them for a direction without allowing everything back.
    ///
    /// - It passes when ingress and egress are both denied by default and some policy of the
    ///   namespace lets pods reach DNS (an egress rule on port 53, or a rule without ports
    ///   towards other namespaces or IP blocks).
    /// - It warns when only ingress (or only egress) is denied by default, or when egress is
    ///   denied and no policy allows DNS (name resolution then fails).
    /// - It fails when nothing is denied by default.
    ///
    /// A policy's `policyTypes` default to `Ingress`, plus `Egress` when it has `egress` rules.
    /// A rule allows everything when it names no ports and no peers, or a peer that matches
    /// everything (`namespaceSelector: {}`, `ipBlock` `0.0.0.0/0` or `::/0` without
    /// exceptions); such a rule in an all-pods policy cancels the default deny for its
    /// direction. When the namespace also has CiliumNetworkPolicy or Calico policies (or the
    /// cluster has cluster-wide ones) the default deny may come from them, which kwar does not
    /// evaluate: the verdict is then unknown instead of warn or fail.
    ///
    /// The finding is reported on the Namespace object; when the input has no Namespace
    /// manifest for it, on the namespace's first workload (the message says so).
    ///
    /// ## Why it matters
    /// Kubernetes allows all traffic between all pods until a policy selects them. Without a
    /// default deny, every new workload starts wide open, a compromised pod can scan and
    /// reach every service and database in the cluster, and data can leave to any Internet
    /// host. A namespace-wide default deny plus explicit allows makes every permitted flow a
    /// reviewed decision.
    ///
    /// ## How to fix
    /// Deny everything in the namespace, then allow DNS and each required flow:
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: allow-dns, namespace: shop}
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to:
    ///         - namespaceSelector:
    ///             matchLabels: {kubernetes.io/metadata.name: kube-system}
    ///           podSelector:
    ///             matchLabels: {k8s-app: kube-dns}
    ///       ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
    /// ```
    /// On EKS, enable network policy enforcement in the VPC CNI (`enableNetworkPolicy: "true"`)
    /// or run Calico or Cilium: without an enforcing engine, policies are silently ignored.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_network_policy>
    /// - <https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies>
    "default-deny",
    run
}

#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn type_name(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
    fn rules_field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
    fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// Whether the policy isolates the pods it selects for `direction`.
fn has_type(policy: &Object, direction: Direction) -> bool {
    let spec = policy.root().get("spec");
    let declared = spec
        .and_then(|s| s.get("policyTypes"))
        .map(Node::items)
        .unwrap_or_default();
    if declared.is_empty() {
        match direction {
            Direction::Ingress => true,
            Direction::Egress => spec
                .and_then(|s| s.get("egress"))
                .is_some_and(|e| !e.is_null()),
        }
    } else {
        declared
            .iter()
            .any(|t| t.as_str() == Some(direction.type_name()))
    }
}

fn rules(policy: &Object, direction: Direction) -> &[Node] {
    policy
        .root()
        .at(&["spec", direction.rules_field()])
        .map(Node::items)
        .unwrap_or_default()
}

fn selects_all_pods(policy: &Object) -> bool {
    policy
        .root()
        .at(&["spec", "podSelector"])
        .is_none_or(|s| LabelSelector::from_label_selector(s).is_empty())
}

fn is_empty_selector(node: Option<&Node>) -> bool {
    node.is_none_or(|s| s.is_null() || LabelSelector::from_label_selector(s).is_empty())
}

/// A peer that matches every source or destination.
fn peer_matches_all(peer: &Node) -> bool {
    if let Some(block) = peer.get("ipBlock") {
        let cidr = block.get("cidr").and_then(Node::as_str);
        let except = block.get("except").map(Node::items).unwrap_or_default();
        return matches!(cidr, Some("0.0.0.0/0" | "::/0")) && except.is_empty();
    }
    peer.get("namespaceSelector")
        .is_some_and(|ns| is_empty_selector(Some(ns)))
        && is_empty_selector(peer.get("podSelector"))
}

/// A rule that allows all traffic of its direction.
fn allows_all(rule: &Node, direction: Direction) -> bool {
    let ports = rule.get("ports").map(Node::items).unwrap_or_default();
    let peers = rule
        .get(direction.peers_field())
        .map(Node::items)
        .unwrap_or_default();
    ports.is_empty() && (peers.is_empty() || peers.iter().any(peer_matches_all))
}

/// An egress rule that lets pods reach the cluster DNS.
fn allows_dns(rule: &Node) -> bool {
    let ports = rule.get("ports").map(Node::items).unwrap_or_default();
    if ports.is_empty() {
        let peers = rule.get("to").map(Node::items).unwrap_or_default();
        return peers.is_empty()
            || peers
                .iter()
                .any(|p| p.get("namespaceSelector").is_some() || p.get("ipBlock").is_some());
    }
    ports.iter().any(|p| match p.get("port") {
        None => true,
        Some(port) => {
            port.as_i64() == Some(53)
                || port
                    .as_str()
                    .is_some_and(|s| s == "53" || s == "dns" || s == "dns-tcp")
                || p.get("endPort")
                    .and_then(Node::as_i64)
                    .zip(port.as_i64())
                    .is_some_and(|(end, start)| start <= 53 && 53 <= end)
        }
    })
}

/// Default-deny state of one direction: (denied, name of a policy that allows everything).
fn denied<'a>(all_pods: &[&'a Object], direction: Direction) -> (bool, Option<&'a str>) {
    let isolating: Vec<&&Object> = all_pods.iter().filter(|p| has_type(p, direction)).collect();
    let opener = isolating
        .iter()
        .find(|p| rules(p, direction).iter().any(|r| allows_all(r, direction)))
        .map(|p| p.name());
    (!isolating.is_empty() && opener.is_none(), opener)
}

fn is_other_engine_policy(object: &Object) -> bool {
    let group = object.api_group();
    match object.kind() {
        "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy" => group == "cilium.io",
        "NetworkPolicy" | "GlobalNetworkPolicy" => {
            group == "crd.projectcalico.org" || group == "projectcalico.org"
        }
        _ => false,
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    // Namespaces with workloads, and the first workload of each.
    let mut namespaces: BTreeMap<&str, &Object> = BTreeMap::new();
    for (_, object) in cx.app_workloads() {
        namespaces.entry(object.namespace_key()).or_insert(object);
    }
    if namespaces.is_empty() {
        return;
    }
    // NetworkPolicies by namespace, in input order.
    let mut policies: HashMap<&str, Vec<&Object>> = HashMap::new();
    for p in cx
        .inv
        .of_kind("NetworkPolicy")
        .filter(|o| o.api_group() == "networking.k8s.io")
    {
        policies.entry(p.namespace_key()).or_default().push(p);
    }
    // Policies of other engines: the first cluster-wide one, and the first one of each
    // namespace, with their positions in the list the verdict names the first of.
    let mut clusterwide_engine: Option<(usize, &Object)> = None;
    let mut namespaced_engine: HashMap<&str, (usize, &Object)> = HashMap::new();
    for (i, o) in ["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"]
        .into_iter()
        .chain(["NetworkPolicy", "GlobalNetworkPolicy"])
        .flat_map(|k| cx.inv.of_kind(k))
        .filter(|o| is_other_engine_policy(o))
        .enumerate()
    {
        if matches!(
            o.kind(),
            "CiliumClusterwideNetworkPolicy" | "GlobalNetworkPolicy"
        ) {
            clusterwide_engine.get_or_insert((i, o));
        } else {
            namespaced_engine.entry(o.namespace_key()).or_insert((i, o));
        }
    }
    // The first core Namespace object of each name.
    let mut namespace_objects: HashMap<&str, &Object> = HashMap::new();
    for o in cx
        .inv
        .of_kind("Namespace")
        .filter(|o| o.api_group().is_empty())
    {
        namespace_objects.entry(o.name()).or_insert(o);
    }
    for (ns, first_workload) in namespaces {
        let in_ns: &[&Object] = policies.get(ns).map(Vec::as_slice).unwrap_or_default();
        let all_pods: Vec<&Object> = in_ns
            .iter()
            .copied()
            .filter(|p| selects_all_pods(p))
            .collect();
        let (ingress, ingress_opener) = denied(&all_pods, Direction::Ingress);
        let (egress, egress_opener) = denied(&all_pods, Direction::Egress);
        let dns = in_ns.iter().any(|p| {
            has_type(p, Direction::Egress) && rules(p, Direction::Egress).iter().any(allows_dns)
        });
        let alternative = match (clusterwide_engine, namespaced_engine.get(ns).copied()) {
            (Some((a, x)), Some((b, y))) => Some(if a < b { x } else { y }),
            (x, y) => x.or(y).map(|(_, o)| o),
        };

        let namespace_object = namespace_objects.get(ns).copied();
        let (subject, suffix) = match namespace_object {
            Some(o) => (Subject::object(o), String::new()),
            None => (
                Subject::object(first_workload),
                format!(
                    " (reported on {} `{}`: the input has no Namespace manifest for `{ns}`)",
                    first_workload.kind(),
                    first_workload.name()
                ),
            ),
        };
        let pass_object = namespace_object.unwrap_or(first_workload);
        let opened = |opener: Option<&str>, dir: &str| {
            opener
                .map(|p| format!("; NetworkPolicy `{p}` allows all {dir} again"))
                .unwrap_or_default()
        };

        match (ingress, egress, alternative) {
            (true, true, _) if dns || alternative.is_some() => out.pass(pass_object),
            (true, true, _) => out.warn(
                subject,
                format!(
                    "namespace `{ns}` denies ingress and egress by default, but no NetworkPolicy \
                     allows DNS egress (port 53): name resolution will fail{suffix}"
                ),
            ),
            (_, _, Some(alt)) => out.unknown(
                subject,
                format!(
                    "namespace `{ns}` has no complete Kubernetes default-deny NetworkPolicy; {} \
                     `{}` may provide it, and kwar does not evaluate that engine's \
                     policies{suffix}",
                    alt.kind(),
                    alt.name()
                ),
            ),
            (true, false, None) => out.warn(
                subject,
                format!(
                    "namespace `{ns}` denies ingress by default but not egress: pods can reach \
                     any destination{}{suffix}",
                    opened(egress_opener, "egress")
                ),
            ),
            (false, true, None) => out.warn(
                subject,
                format!(
                    "namespace `{ns}` denies egress by default but not ingress: any pod can reach \
                     its pods{}{suffix}",
                    opened(ingress_opener, "ingress")
                ),
            ),
            (false, false, None) => out.fail(
                subject,
                format!(
                    "namespace `{ns}` has no default-deny NetworkPolicy (empty podSelector \
                     denying ingress and egress){}{}{suffix}",
                    opened(ingress_opener, "ingress"),
                    opened(egress_opener, "egress")
                ),
            ),
        }
    }
}
