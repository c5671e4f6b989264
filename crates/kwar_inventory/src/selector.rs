use kwar_yaml::Node;

/// A Kubernetes label selector: `matchLabels` plus `matchExpressions`, or the plain map a
/// Service uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Vec<(String, String)>,
    pub expressions: Vec<Expression>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl LabelSelector {
    /// A `metav1.LabelSelector` (PDB, NetworkPolicy, Deployment). An empty selector matches
    /// every pod of the namespace.
    pub fn from_label_selector(node: &Node) -> LabelSelector {
        let mut selector = LabelSelector {
            match_labels: pairs(node.get("matchLabels")),
            expressions: Vec::new(),
        };
        for expr in node
            .get("matchExpressions")
            .map(Node::items)
            .unwrap_or_default()
        {
            let operator = match expr.get("operator").and_then(Node::as_str) {
                Some("In") => Operator::In,
                Some("NotIn") => Operator::NotIn,
                Some("Exists") => Operator::Exists,
                Some("DoesNotExist") => Operator::DoesNotExist,
                _ => continue,
            };
            selector.expressions.push(Expression {
                key: expr
                    .get("key")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default(),
                operator,
                values: expr
                    .get("values")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::scalar_text)
                    .collect(),
            });
        }
        selector
    }

    /// A Service's `spec.selector` map. None when the Service has no selector (it then
    /// selects no pods: its endpoints are managed by hand).
    pub fn from_map(node: Option<&Node>) -> Option<LabelSelector> {
        let labels = pairs(node);
        (!labels.is_empty()).then_some(LabelSelector {
            match_labels: labels,
            expressions: Vec::new(),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty()
    }

    pub fn matches<'a>(&self, labels: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> bool {
        let get = |key: &str| labels.clone().find(|(k, _)| *k == key).map(|(_, v)| v);
        self.match_labels
            .iter()
            .all(|(k, v)| get(k) == Some(v.as_str()))
            && self.expressions.iter().all(|e| {
                let value = get(&e.key);
                match e.operator {
                    Operator::In => value.is_some_and(|v| e.values.iter().any(|x| x == v)),
                    Operator::NotIn => value.is_none_or(|v| e.values.iter().all(|x| x != v)),
                    Operator::Exists => value.is_some(),
                    Operator::DoesNotExist => value.is_none(),
                }
            })
    }
}

fn pairs(node: Option<&Node>) -> Vec<(String, String)> {
    node.map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.scalar_text()?)))
        .collect()
}
