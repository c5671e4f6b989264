//! The Amazon VPC CNI as the cluster runs it: the `kube-system/aws-node` DaemonSet's
//! configuration (environment of its `aws-node` container, which the EKS add-on's
//! configuration values also end up in) and the events it leaves when it cannot give a pod
//! an IP address.

use kwar_inventory::{Container, Inventory, Object};
use kwar_yaml::Node;

/// The VPC CNI DaemonSet and its IPAM container.
pub(crate) struct AwsNode<'a> {
    pub object: &'a Object,
    pub container: Container<'a>,
}

/// One environment variable of the `aws-node` container.
pub(crate) struct EnvVar<'a> {
    /// The literal value; None when it comes from `valueFrom`.
    pub value: Option<String>,
    pub path: String,
    pub node: &'a Node,
}

/// The `kube-system/aws-node` DaemonSet, when the input holds it.
pub(crate) fn aws_node(inv: &Inventory) -> Option<AwsNode<'_>> {
    let object = inv
        .find("DaemonSet", Some("kube-system"), "aws-node")
        .filter(|o| o.api_group() == "apps")?;
    let containers = inv.workload_of(object.id)?.app_containers(object);
    let container = containers
        .iter()
        .position(|c| c.name == "aws-node")
        .or((!containers.is_empty()).then_some(0))
        .map(|i| containers[i].clone())?;
    Some(AwsNode { object, container })
}

impl<'a> AwsNode<'a> {
    /// The variable `name` of the `aws-node` container's `env`.
    pub fn env(&self, name: &str) -> Option<EnvVar<'a>> {
        let (i, node) = self
            .container
            .get("env")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .find(|(_, e)| e.get("name").and_then(Node::as_str) == Some(name))?;
        Some(EnvVar {
            value: node.get("value").and_then(Node::scalar_text),
            path: format!("{}.env[{i}]", self.container.path),
            node,
        })
    }

    /// Whether the variable is set to `true` (the CNI parses it with Go's `strconv.ParseBool`).
    pub fn is_true(&self, name: &str) -> bool {
        self.env(name)
            .and_then(|e| e.value)
            .is_some_and(|v| matches!(v.as_str(), "true" | "True" | "TRUE" | "1" | "t" | "T"))
    }

    /// A literal value that is set and not empty.
    pub fn value(&self, name: &str) -> Option<String> {
        self.env(name)
            .and_then(|e| e.value)
            .filter(|v| !v.trim().is_empty())
    }
}

/// What the CNI (`failed to assign an IP address to container`) and EC2
/// (`InsufficientFreeAddressesInSubnet`, `InsufficientCidrBlocks` for prefixes) say when a
/// subnet has run out of addresses, in lower case.
const IP_FAILURE_PATTERNS: [&str; 3] = [
    "failed to assign an ip address",
    "insufficientfreeaddresses",
    "insufficientcidrblocks",
];

/// Events (core `v1` and `events.k8s.io/v1`) recording that a pod or a node could not get an
/// IP address, with the text that says so.
pub(crate) fn ip_assignment_failures(inv: &Inventory) -> Vec<(&Object, String)> {
    inv.of_kind("Event")
        .filter(|e| matches!(e.api_group(), "" | "events.k8s.io"))
        .filter_map(|event| {
            let root = event.root();
            let text = root
                .get("message")
                .or_else(|| root.get("note"))
                .and_then(Node::as_str)?;
            let lower = text.to_ascii_lowercase();
            IP_FAILURE_PATTERNS
                .iter()
                .any(|p| lower.contains(p))
                .then(|| (event, text.to_string()))
        })
        .collect()
}

/// The object an event is about, as `Kind namespace/name`.
pub(crate) fn event_subject(event: &Object) -> String {
    let root = event.root();
    let Some(about) = root.get("involvedObject").or_else(|| root.get("regarding")) else {
        return "an unnamed object".to_string();
    };
    let text = |key: &str| about.get(key).and_then(Node::as_str).unwrap_or_default();
    match text("namespace") {
        "" => format!("{} `{}`", text("kind"), text("name")),
        ns => format!("{} `{ns}/{}`", text("kind"), text("name")),
    }
}
