//! The catalog's `detectors:` map: reusable evidence patterns for well-known components
//! (Prometheus, Karpenter, Argo CD, …). This module keeps every signal as the catalog writes
//! it, split into the value and its parenthesised note; `kwar_detect` decides what each
//! signal means and matches it against an inventory.

use kwar_yaml::Node;

use crate::{Catalog, CatalogError};

/// One detector as the catalog specifies it.
#[derive(Debug, Clone, Default)]
pub struct DetectorSpec {
    pub id: String,
    pub what: String,
    /// Controllers by kind, namespace and name (`workloads`).
    pub workloads: Vec<WorkloadSignal>,
    /// CustomResourceDefinition names, `*.group` wildcards allowed (`crds`).
    pub crds: Vec<SignalEntry>,
    /// Image repository patterns (`images`).
    pub images: Vec<SignalEntry>,
    /// APIService names (`apiservices`).
    pub apiservices: Vec<SignalEntry>,
    /// Objects described in words (`objects`).
    pub objects: Vec<SignalEntry>,
    /// CSIDriver names (`csidrivers`).
    pub csidrivers: Vec<SignalEntry>,
    /// Admission webhook configurations (`webhooks`).
    pub webhooks: Vec<SignalEntry>,
    /// StorageClass provisioners (`provisioners` and `storage_provisioners`).
    pub provisioners: Vec<SignalEntry>,
    /// IngressClass `spec.controller` values (`ingressclass_controllers`, as a list or as a
    /// map from controller to its label, and `ingress_controllers`).
    pub ingress_class_controllers: Vec<SignalEntry>,
    /// GatewayClass `spec.controllerName` values (`gatewayclass_controllers`).
    pub gateway_class_controllers: Vec<SignalEntry>,
    /// `key` or `key=value` (`node_labels`).
    pub node_labels: Vec<SignalEntry>,
    pub namespace_labels: Vec<SignalEntry>,
    pub namespace_annotations: Vec<SignalEntry>,
    /// Pod template annotations (`pod_annotations`).
    pub pod_annotations: Vec<SignalEntry>,
    /// Annotations with the objects they sit on in words (`annotations`).
    pub annotations: Vec<SignalEntry>,
    /// Container environment variable names (`env`).
    pub env: Vec<SignalEntry>,
    /// Environment variables worth reporting on the detected component (`env_of_interest`).
    pub env_of_interest: Vec<SignalEntry>,
    /// Arguments worth reporting on the detected component (`args_of_interest`).
    pub args_of_interest: Vec<SignalEntry>,
    /// Labels (or annotations, as the note says) the component puts on what it manages.
    pub managed_object_labels: Vec<SignalEntry>,
    /// Legacy forms of the component (`legacy`): they match, marked obsolete.
    pub legacy: Vec<SignalEntry>,
    /// Components installed alongside that are not the component itself (`companions`).
    pub companions: Vec<SignalEntry>,
    /// Workload kinds the image signals are restricted to (`kinds`).
    pub kinds: Vec<String>,
    /// EKS add-on names (`eks_addons`): need AWS evidence.
    pub eks_addons: Vec<String>,
    /// AWS API evidence (`aws`): needs AWS credentials.
    pub aws: Vec<String>,
    /// Free-text pointer to related tooling (`related`).
    pub related: Option<String>,
    /// Keys this parser does not know. A detector engine must refuse to run silently with
    /// them (kwar_detect's tests fail on any).
    pub unknown_keys: Vec<String>,
}

/// A controller signal: `{kind: "Deployment|StatefulSet", namespace: "*", name: regex}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadSignal {
    /// Kinds, split at `|`.
    pub kinds: Vec<String>,
    /// As written: `*`, a name, or an alternation (`istio-system|*`).
    pub namespace: String,
    /// As written: an alternation of names and regular expressions.
    pub name: String,
}

/// One signal as the catalog writes it, with its trailing parenthesised note split off:
/// `"provisioners.karpenter.sh (v1alpha5, obsolete)"` → value `provisioners.karpenter.sh`,
/// note `v1alpha5, obsolete`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalEntry {
    /// The whole text as written.
    pub text: String,
    pub value: String,
    pub note: Option<String>,
}

impl SignalEntry {
    pub fn new(text: &str) -> SignalEntry {
        let (value, note) = split_note(text);
        SignalEntry {
            text: text.to_string(),
            value: value.to_string(),
            note: note.map(String::from),
        }
    }

    fn with_note(value: &str, note: Option<String>) -> SignalEntry {
        SignalEntry {
            text: match &note {
                Some(n) => format!("{value} ({n})"),
                None => value.to_string(),
            },
            value: value.to_string(),
            note,
        }
    }

    /// True when the note marks the form as obsolete (`obsolete`, `legacy`, `archived`,
    /// `retired`). Notes such as `(old)` name an older but still supported API and do not.
    pub fn is_obsolete(&self) -> bool {
        self.note.as_deref().is_some_and(|n| {
            let n = n.to_ascii_lowercase();
            ["obsolete", "legacy", "archived", "retired"]
                .iter()
                .any(|w| n.contains(w))
        })
    }
}

/// Splits a trailing ` (note)` off a signal. A parenthesis without a space before it is part
/// of the value (`inject-(java|python)` is a pattern).
pub fn split_note(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    if let Some(body) = text.strip_suffix(')') {
        // The matching open parenthesis of the final `)`.
        let mut depth = 0usize;
        for (i, c) in body.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' if depth == 0 => {
                    let value = &text[..i];
                    if value.ends_with(' ') {
                        return (value.trim_end(), Some(&body[i + 1..]));
                    }
                    return (text, None);
                }
                '(' => depth -= 1,
                _ => {}
            }
        }
    }
    (text, None)
}

impl Catalog {
    /// A detector by id.
    pub fn detector(&self, id: &str) -> Option<&DetectorSpec> {
        self.detectors.iter().find(|d| d.id == id)
    }
}

/// Parses the top-level `detectors:` map, in catalog order.
pub(crate) fn parse(node: Option<&Node>) -> Result<Vec<DetectorSpec>, CatalogError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    node.entries()
        .iter()
        .map(|(key, body)| {
            let id = key
                .as_str()
                .ok_or_else(|| CatalogError(format!("detector (line {}): no id", key.pos.line)))?;
            detector(id, body)
        })
        .collect()
}

fn detector(id: &str, body: &Node) -> Result<DetectorSpec, CatalogError> {
    let mut spec = DetectorSpec {
        id: id.to_string(),
        ..DetectorSpec::default()
    };
    for (key, value) in body.entries() {
        let key = key.as_str().unwrap_or_default();
        let list = || entries(value);
        match key {
            "what" => spec.what = value.scalar_text().unwrap_or_default(),
            "workloads" => spec.workloads = workloads(id, value)?,
            "crds" => spec.crds = list(),
            "images" => spec.images = list(),
            "apiservices" => spec.apiservices = list(),
            "objects" => spec.objects = list(),
            "csidrivers" => spec.csidrivers = list(),
            "webhooks" => spec.webhooks = list(),
            "provisioners" | "storage_provisioners" => spec.provisioners.extend(list()),
            "ingressclass_controllers" | "ingress_controllers" => {
                spec.ingress_class_controllers.extend(list())
            }
            "gatewayclass_controllers" => spec.gateway_class_controllers = list(),
            "node_labels" => spec.node_labels = list(),
            "namespace_labels" => spec.namespace_labels = list(),
            "namespace_annotations" => spec.namespace_annotations = list(),
            "pod_annotations" => spec.pod_annotations = list(),
            "annotations" => spec.annotations = list(),
            "env" => spec.env = list(),
            "env_of_interest" => spec.env_of_interest = list(),
            "args_of_interest" => spec.args_of_interest = list(),
            "managed_object_labels" => spec.managed_object_labels = list(),
            "legacy" => spec.legacy = list(),
            "companions" => spec.companions = list(),
            "kinds" => spec.kinds = crate::review::strings(Some(value)),
            "eks_addons" => spec.eks_addons = crate::review::strings(Some(value)),
            "aws" => spec.aws = crate::review::strings(Some(value)),
            "related" => spec.related = value.scalar_text(),
            other => spec.unknown_keys.push(other.to_string()),
        }
    }
    if spec.what.is_empty() {
        return Err(CatalogError(format!("detector {id}: missing `what`")));
    }
    Ok(spec)
}

/// A list of signals, or a map from signal to its label (the label becomes the note).
fn entries(node: &Node) -> Vec<SignalEntry> {
    if node.is_map() {
        return node
            .entries()
            .iter()
            .filter_map(|(k, v)| Some(SignalEntry::with_note(k.as_str()?, v.scalar_text())))
            .collect();
    }
    match node.scalar_text() {
        Some(one) => vec![SignalEntry::new(&one)],
        None => node
            .items()
            .iter()
            .filter_map(Node::scalar_text)
            .map(|t| SignalEntry::new(&t))
            .collect(),
    }
}

fn workloads(id: &str, node: &Node) -> Result<Vec<WorkloadSignal>, CatalogError> {
    node.items()
        .iter()
        .map(|w| {
            let field = |key: &str| {
                w.get(key).and_then(Node::scalar_text).ok_or_else(|| {
                    CatalogError(format!(
                        "detector {id} (line {}): workload without `{key}`",
                        w.pos.line
                    ))
                })
            };
            Ok(WorkloadSignal {
                kinds: field("kind")?
                    .split('|')
                    .map(|k| k.trim().to_string())
                    .collect(),
                namespace: field("namespace")?,
                name: field("name")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_split_off() {
        assert_eq!(
            split_note("provisioners.karpenter.sh (v1alpha5, obsolete)"),
            ("provisioners.karpenter.sh", Some("v1alpha5, obsolete"))
        );
        assert_eq!(
            split_note("instrumentation.opentelemetry.io/inject-(java|go)"),
            ("instrumentation.opentelemetry.io/inject-(java|go)", None)
        );
        assert_eq!(split_note("a (b (c))"), ("a", Some("b (c)")));
        assert_eq!(split_note("plain"), ("plain", None));
        assert!(SignalEntry::new("x (in-tree, legacy)").is_obsolete());
        assert!(!SignalEntry::new("ingressroutes.traefik.containo.us (old)").is_obsolete());
    }

    #[test]
    fn embedded_detectors_are_parsed() {
        let c = Catalog::embedded();
        assert_eq!(c.detectors.len(), 76);
        let prom = c.detector("prometheus").unwrap();
        assert_eq!(prom.workloads[0].kinds, ["Deployment", "StatefulSet"]);
        assert_eq!(prom.companions.len(), 2);
        let ingress = c.detector("ingress-controllers").unwrap();
        let nginx = ingress
            .ingress_class_controllers
            .iter()
            .find(|e| e.value == "k8s.io/ingress-nginx")
            .unwrap();
        assert!(nginx.is_obsolete(), "{nginx:?}");
        let auto = c.detector("eks-auto-mode").unwrap();
        assert_eq!(auto.provisioners[0].value, "ebs.csi.eks.amazonaws.com");
        assert_eq!(
            auto.ingress_class_controllers[0].value,
            "eks.amazonaws.com/alb"
        );
        for d in &c.detectors {
            assert!(d.unknown_keys.is_empty(), "{}: {:?}", d.id, d.unknown_keys);
        }
        // Every detector an item names exists.
        for item in &c.items {
            for d in &item.detectors {
                assert!(c.detector(d).is_some(), "{}: unknown detector {d}", item.id);
            }
        }
    }
}
