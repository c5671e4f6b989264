//! What the input says about itself as cluster evidence: the `kwar.io/v1alpha1 Cluster` object
//! a snapshot or a live collection carries (or `--complete` adds), telling whether the input is
//! a whole cluster and which resource types could not be read.

use kwar_yaml::Node;

use crate::{Object, ObjectId};

/// The API version and kind of the cluster evidence object.
pub const CLUSTER_API_VERSION: &str = "kwar.io/v1alpha1";
pub const CLUSTER_KIND: &str = "Cluster";

/// A resource type the collector asked for and could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// API group, empty for the core group.
    pub group: String,
    /// Plural resource name (`pods`, `networkpolicies`).
    pub resource: String,
    /// HTTP status of the refusal (403 forbidden, 404 not served, …).
    pub code: Option<i64>,
    /// The permission that would have allowed reading it, e.g. `list networkpolicies.networking.k8s.io`.
    pub permission: String,
    pub message: Option<String>,
}

impl Unreadable {
    /// `resource.group` as RBAC names it (`pods`, `deployments.apps`).
    pub fn qualified_name(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// The input as evidence about one cluster.
#[derive(Debug, Clone)]
pub struct ClusterEvidence {
    /// The `Cluster` object findings about the cluster as a whole are reported on.
    pub object: ObjectId,
    /// True when the input is the whole cluster, so that the absence of a component is
    /// evidence that it is absent.
    pub complete: bool,
    /// `live`, `snapshot` or `manifests`.
    pub source: String,
    /// The server's `gitVersion`, when collected.
    pub server_version: Option<String>,
    pub unreadable: Vec<Unreadable>,
    /// API groups the collector looked for that the server does not serve.
    pub absent_groups: Vec<String>,
}

impl ClusterEvidence {
    pub fn is_cluster_object(object: &Object) -> bool {
        object.kind() == CLUSTER_KIND && object.api_version() == CLUSTER_API_VERSION
    }

    pub(crate) fn from_object(object: &Object) -> ClusterEvidence {
        let spec = object.spec();
        let text = |node: Option<&Node>| node.and_then(Node::scalar_text);
        let unreadable = spec
            .and_then(|s| s.get("resources"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|entry| {
                let error = entry.get("error")?;
                let group = text(entry.get("group")).unwrap_or_default();
                let resource = text(entry.get("resource")).unwrap_or_default();
                let permission = text(error.get("permission")).unwrap_or_else(|| {
                    let qualified = if group.is_empty() {
                        resource.clone()
                    } else {
                        format!("{resource}.{group}")
                    };
                    format!("list {qualified}")
                });
                Some(Unreadable {
                    group,
                    resource,
                    code: error.get("code").and_then(Node::as_i64),
                    permission,
                    message: text(error.get("message")),
                })
            })
            .collect();
        ClusterEvidence {
            object: object.id,
            complete: spec
                .and_then(|s| s.get("complete"))
                .and_then(Node::as_bool)
                .unwrap_or(false),
            source: text(spec.and_then(|s| s.get("source"))).unwrap_or_else(|| "snapshot".into()),
            server_version: text(spec.and_then(|s| s.at(&["server", "gitVersion"]))),
            unreadable,
            absent_groups: spec
                .and_then(|s| s.get("absentGroups"))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect(),
        }
    }

    /// The refusal for `group`/`resource`, if that type could not be read.
    pub fn unreadable(&self, group: &str, resource: &str) -> Option<&Unreadable> {
        self.unreadable
            .iter()
            .find(|u| u.group == group && u.resource == resource)
    }
}
