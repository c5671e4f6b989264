use std::sync::Arc;

use kwar_source::RawObject;
use kwar_yaml::{Node, Pos};

use crate::UNSPECIFIED_NAMESPACE;

pub type ObjectId = usize;

/// One Kubernetes object with its identity pulled out of the tree.
#[derive(Debug)]
pub struct Object {
    pub id: ObjectId,
    raw: RawObject,
    api_version: Box<str>,
    kind: Box<str>,
    name: Box<str>,
    namespace: Option<Box<str>>,
}

impl Object {
    pub(crate) fn new(id: ObjectId, raw: RawObject) -> Object {
        let text = |path: &[&str]| {
            raw.root
                .at(path)
                .and_then(Node::scalar_text)
                .unwrap_or_default()
        };
        let name = {
            let name = text(&["metadata", "name"]);
            if name.is_empty() {
                text(&["metadata", "generateName"])
            } else {
                name
            }
        };
        let namespace = raw
            .root
            .at(&["metadata", "namespace"])
            .and_then(Node::scalar_text)
            .filter(|ns| !ns.is_empty())
            .map(Into::into);
        Object {
            id,
            api_version: text(&["apiVersion"]).into(),
            kind: text(&["kind"]).into(),
            name: name.into(),
            namespace,
            raw,
        }
    }

    pub fn root(&self) -> &Node {
        &self.raw.root
    }

    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The API group (`apps`, `networking.k8s.io`; empty for the core group).
    pub fn api_group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or("", |(group, _)| group)
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace the manifest names, if any.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The namespace used to relate objects: the declared one, or `default`.
    pub fn namespace_key(&self) -> &str {
        self.namespace.as_deref().unwrap_or(UNSPECIFIED_NAMESPACE)
    }

    pub fn file(&self) -> &Arc<str> {
        &self.raw.file
    }

    /// The Helm template the object was rendered from, if the input said so.
    pub fn template(&self) -> Option<&Arc<str>> {
        self.raw.template.as_ref()
    }

    /// `items[N]` when the object came out of a List.
    pub fn list_path(&self) -> Option<&str> {
        self.raw.list_path.as_deref()
    }

    pub fn pos(&self) -> Pos {
        self.raw.root.pos
    }

    pub fn metadata(&self) -> Option<&Node> {
        self.raw.root.get("metadata")
    }

    pub fn spec(&self) -> Option<&Node> {
        self.raw.root.get("spec")
    }

    pub fn labels(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        string_pairs(self.raw.root.at(&["metadata", "labels"]))
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.raw
            .root
            .at(&["metadata", "labels", key])
            .and_then(Node::as_str)
    }

    pub fn annotations(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        string_pairs(self.raw.root.at(&["metadata", "annotations"]))
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.raw
            .root
            .at(&["metadata", "annotations", key])
            .and_then(Node::as_str)
    }

    /// True when `metadata.ownerReferences` names a controller (the object is managed by
    /// another, e.g. a Pod of a ReplicaSet in a cluster dump).
    pub fn is_owned(&self) -> bool {
        self.raw
            .root
            .at(&["metadata", "ownerReferences"])
            .is_some_and(|refs| !refs.items().is_empty())
    }

    /// A `status.conditions` entry by type (`Ready`, `Available`), with its index for the
    /// finding's path; `None` when the object records no such condition.
    pub fn status_condition(&self, kind: &str) -> Option<(usize, &Node)> {
        self.raw
            .root
            .at(&["status", "conditions"])?
            .items()
            .iter()
            .enumerate()
            .find(|(_, c)| c.get("type").and_then(Node::as_str) == Some(kind))
    }

    /// `Kind/namespace/name` for messages.
    pub fn display_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// Label and annotation maps: string values only (a non-string value is invalid and ignored
/// here; Kubernetes would reject the object).
pub(crate) fn string_pairs(node: Option<&Node>) -> impl Iterator<Item = (&str, &str)> + Clone {
    node.map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
}
