//! The `kwar.io/v1alpha1` `Cluster` object: how a cluster's evidence was collected, which
//! resource types were read and which could not be.

use serde::{Deserialize, Serialize};

use crate::{API_VERSION, CLUSTER_KIND};

/// The Cluster header object (`cluster.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterObject {
    pub api_version: String,
    pub kind: String,
    pub metadata: ClusterMetadata,
    pub spec: ClusterSpec,
}

impl ClusterObject {
    /// A Cluster object with this header's apiVersion and kind.
    pub fn new(name: impl Into<String>, spec: ClusterSpec) -> Self {
        ClusterObject {
            api_version: API_VERSION.to_string(),
            kind: CLUSTER_KIND.to_string(),
            metadata: ClusterMetadata { name: name.into() },
            spec,
        }
    }

    /// The object as pretty JSON, the form of `cluster.json`.
    pub fn to_json_pretty(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self)
            .expect("the Cluster object is plain data and always serializes");
        bytes.push(b'\n');
        bytes
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterMetadata {
    /// The kube context or cluster name; `manifests` for `--complete` manifests.
    pub name: String,
}

/// Where the evidence came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Live,
    Snapshot,
    Manifests,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpec {
    /// The evidence is the whole cluster, so the absence of something is evidence too.
    pub complete: bool,
    pub source: Source,
    /// RFC 3339, UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<Collector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerInfo>,
    #[serde(default)]
    pub redactions: Redactions,
    /// Empty: all namespaces; else only these were read (and `complete` is false).
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// Every listable resource type that was asked for, and how reading it went.
    #[serde(default)]
    pub resources: Vec<ResourceEntry>,
    /// API groups kwar looked for that the server does not serve.
    #[serde(default)]
    pub absent_groups: Vec<String>,
}

impl ClusterSpec {
    /// A spec with nothing collected yet.
    pub fn new(source: Source, complete: bool) -> Self {
        ClusterSpec {
            complete,
            source,
            collected_at: None,
            collector: None,
            server: None,
            redactions: Redactions::default(),
            namespaces: Vec::new(),
            resources: Vec::new(),
            absent_groups: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collector {
    pub name: String,
    pub version: String,
}

/// The API server's `/version`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    #[serde(default)]
    pub git_version: String,
    #[serde(default)]
    pub major: String,
    #[serde(default)]
    pub minor: String,
    #[serde(default)]
    pub platform: String,
}

/// Which values were removed before the objects were stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redactions {
    #[serde(default = "always")]
    pub secret_values: bool,
    #[serde(default)]
    pub config_map_values: bool,
}

fn always() -> bool {
    true
}

impl Default for Redactions {
    /// Secret values are always removed; ConfigMap values only when asked.
    fn default() -> Self {
        Redactions {
            secret_values: true,
            config_map_values: false,
        }
    }
}

/// One resource type found by discovery and how listing it went: either a `file` with its
/// `items`, or an `error` that makes the type unreadable (or, when only some namespaces
/// failed, both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceEntry {
    /// `""` for the core group.
    pub group: String,
    pub version: String,
    /// Plural resource name, as in the API path (`deployments`).
    pub resource: String,
    pub kind: String,
    pub namespaced: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ResourceError>,
}

/// Why a resource type could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceError {
    /// The HTTP status (403, 404, 500, …); 0 when no response came (timeout, connection lost).
    pub code: u16,
    /// The Status reason (`Forbidden`, `NotFound`, …).
    #[serde(default)]
    pub reason: String,
    /// The server's Status message, or what went wrong on the way.
    #[serde(default)]
    pub message: String,
    /// The permission that would make it readable: `list networkpolicies.networking.k8s.io`.
    #[serde(default)]
    pub permission: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_camel_case_as_the_contract_shows() {
        let mut spec = ClusterSpec::new(Source::Live, true);
        spec.collected_at = Some("2026-11-28T03:00:00Z".into());
        spec.resources.push(ResourceEntry {
            group: "networking.k8s.io".into(),
            version: "v1".into(),
            resource: "networkpolicies".into(),
            kind: "NetworkPolicy".into(),
            namespaced: true,
            file: None,
            items: None,
            error: Some(ResourceError {
                code: 403,
                reason: "Forbidden".into(),
                message: "no".into(),
                permission: "list networkpolicies.networking.k8s.io".into(),
            }),
        });
        spec.absent_groups.push("monitoring.coreos.com".into());
        let object = ClusterObject::new("prod-eu", spec);
        let json: serde_json::Value = serde_json::from_slice(&object.to_json_pretty()).unwrap();
        assert_eq!(json["apiVersion"], "kwar.io/v1alpha1");
        assert_eq!(json["kind"], "Cluster");
        assert_eq!(json["spec"]["source"], "live");
        assert_eq!(json["spec"]["collectedAt"], "2026-11-28T03:00:00Z");
        assert_eq!(json["spec"]["redactions"]["secretValues"], true);
        assert_eq!(json["spec"]["redactions"]["configMapValues"], false);
        assert_eq!(json["spec"]["namespaces"], serde_json::json!([]));
        assert_eq!(json["spec"]["absentGroups"][0], "monitoring.coreos.com");
        let entry = &json["spec"]["resources"][0];
        assert_eq!(entry["error"]["code"], 403);
        assert!(entry.get("file").is_none());
        let back: ClusterObject = serde_json::from_value(json).unwrap();
        assert_eq!(back, object);
    }

    #[test]
    fn a_minimal_header_reads_with_defaults() {
        let json = r#"{"apiVersion":"kwar.io/v1alpha1","kind":"Cluster",
            "metadata":{"name":"manifests"},"spec":{"complete":true,"source":"manifests"}}"#;
        let object: ClusterObject = serde_json::from_str(json).unwrap();
        assert!(object.spec.redactions.secret_values);
        assert!(object.spec.resources.is_empty());
        assert_eq!(object.spec.source, Source::Manifests);
    }
}
