//! Which nodes a pod spec can be scheduled to, as the scheduler's NodeAffinity and
//! TaintToleration filters decide it: `nodeSelector`, the required node affinity terms, and
//! the node's `NoSchedule`/`NoExecute` taints against the pod's tolerations.

use kwar_inventory::{required_node_affinity, Object};
use kwar_yaml::Node;

/// A pod spec's hard node constraints.
pub(crate) struct NodeConstraints<'a> {
    /// `nodeSelector` pairs (all must match).
    pub selector: Vec<(&'a str, String)>,
    /// Required node affinity terms (any one must match), when set.
    pub terms: Option<&'a [Node]>,
}

impl<'a> NodeConstraints<'a> {
    /// The constraints of `pod_spec`; None when it sets neither a nodeSelector nor required
    /// node affinity.
    pub fn of(pod_spec: &'a Node) -> Option<NodeConstraints<'a>> {
        let selector: Vec<(&str, String)> = pod_spec
            .get("nodeSelector")
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, v.scalar_text()?)))
            .collect();
        let terms = required_node_affinity(pod_spec).map(|(_, terms)| terms);
        (!selector.is_empty() || terms.is_some()).then_some(NodeConstraints { selector, terms })
    }

    /// Whether a node with this name and these labels satisfies the constraints.
    pub fn matches(&self, node: &Object) -> bool {
        let label = |key: &str| node.label(key);
        self.selector
            .iter()
            .all(|(k, v)| label(k) == Some(v.as_str()))
            && self
                .terms
                .is_none_or(|terms| terms.iter().any(|t| term_matches(t, node.name(), &label)))
    }

    /// The constraints in one line for messages: `nodeSelector {a=b}` and/or
    /// `required node affinity (N terms)`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.selector.is_empty() {
            let pairs: Vec<_> = self
                .selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            parts.push(format!("nodeSelector {{{}}}", pairs.join(", ")));
        }
        if let Some(terms) = self.terms {
            let described: Vec<_> = terms.iter().map(describe_term).collect();
            parts.push(format!("required node affinity {}", described.join(" OR ")));
        }
        parts.join(" and ")
    }
}

/// One node selector term: its expressions and fields are ANDed; an empty term matches no
/// node (as the API documents).
fn term_matches<'n>(term: &Node, node_name: &str, label: &dyn Fn(&str) -> Option<&'n str>) -> bool {
    let expressions = term
        .get("matchExpressions")
        .map(Node::items)
        .unwrap_or_default();
    let fields = term.get("matchFields").map(Node::items).unwrap_or_default();
    if expressions.is_empty() && fields.is_empty() {
        return false;
    }
    expressions
        .iter()
        .all(|e| requirement_matches(e, label(key_of(e))))
        && fields.iter().all(|f| {
            // `metadata.name` is the only field the scheduler supports.
            key_of(f) == "metadata.name" && requirement_matches(f, Some(node_name))
        })
}

fn key_of(requirement: &Node) -> &str {
    requirement
        .get("key")
        .and_then(Node::as_str)
        .unwrap_or_default()
}

/// The values of a requirement, as text.
pub(crate) fn values_of(requirement: &Node) -> Vec<String> {
    requirement
        .get("values")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

/// A node selector requirement against a label value (None: the node lacks the label).
pub(crate) fn requirement_matches(requirement: &Node, value: Option<&str>) -> bool {
    let values = values_of(requirement);
    let number = |s: &str| s.parse::<i64>().ok();
    match requirement.get("operator").and_then(Node::as_str) {
        Some("In") => value.is_some_and(|v| values.iter().any(|x| x == v)),
        Some("NotIn") => value.is_none_or(|v| values.iter().all(|x| x != v)),
        Some("Exists") => value.is_some(),
        Some("DoesNotExist") => value.is_none(),
        Some("Gt") => matches!(
            (value.and_then(number), values.first().and_then(|x| number(x))),
            (Some(v), Some(x)) if v > x
        ),
        Some("Lt") => matches!(
            (value.and_then(number), values.first().and_then(|x| number(x))),
            (Some(v), Some(x)) if v < x
        ),
        _ => false,
    }
}

fn describe_term(term: &Node) -> String {
    let mut parts = Vec::new();
    for field in ["matchExpressions", "matchFields"] {
        for r in term.get(field).map(Node::items).unwrap_or_default() {
            let op = r.get("operator").and_then(Node::as_str).unwrap_or("?");
            let values = values_of(r);
            parts.push(if values.is_empty() {
                format!("{} {op}", key_of(r))
            } else {
                format!("{} {op} [{}]", key_of(r), values.join(", "))
            });
        }
    }
    format!("({})", parts.join(", "))
}

/// The node's taints that keep pods off it (`NoSchedule`, `NoExecute`).
pub(crate) fn blocking_taints(node: &Object) -> Vec<&Node> {
    node.root()
        .at(&["spec", "taints"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter(|t| {
            matches!(
                t.get("effect").and_then(Node::as_str),
                Some("NoSchedule" | "NoExecute")
            )
        })
        .collect()
}

/// Whether one of the pod's tolerations tolerates the taint.
pub(crate) fn tolerates(pod_spec: &Node, taint: &Node) -> bool {
    let text = |n: &Node, k: &str| n.get(k).and_then(Node::scalar_text).unwrap_or_default();
    let (key, value, effect) = (
        text(taint, "key"),
        text(taint, "value"),
        text(taint, "effect"),
    );
    pod_spec
        .get("tolerations")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|t| {
            let t_effect = text(t, "effect");
            if !t_effect.is_empty() && t_effect != effect {
                return false;
            }
            let t_key = text(t, "key");
            match t.get("operator").and_then(Node::as_str).unwrap_or("Equal") {
                "Exists" => t_key.is_empty() || t_key == key,
                _ => t_key == key && text(t, "value") == value,
            }
        })
}

/// Whether the pod could be scheduled to the node: it is not cordoned, it satisfies the
/// pod's node constraints, and every blocking taint is tolerated.
pub(crate) fn can_schedule(pod_spec: &Node, node: &Object) -> bool {
    let cordoned = node
        .root()
        .at(&["spec", "unschedulable"])
        .and_then(Node::as_bool)
        == Some(true);
    !cordoned
        && NodeConstraints::of(pod_spec).is_none_or(|c| c.matches(node))
        && blocking_taints(node)
            .iter()
            .all(|taint| tolerates(pod_spec, taint))
}
