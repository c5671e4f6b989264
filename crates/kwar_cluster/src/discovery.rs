//! API discovery: which resource types the server serves in the groups kwar reads, at each
//! group's preferred version, and which of those groups it does not serve at all.

use std::sync::Arc;

use kwar_snapshot::{ResourceEntry, ResourceError, ServerInfo};
use serde::Deserialize;
use tokio::task::JoinSet;

use crate::transport::{Failure, Requester};

/// Resource types that are listable but are not configuration: `componentstatuses` is
/// deprecated (and probes the control plane on every list), `bindings` is create-only in
/// practice.
const SKIPPED_CORE: [&str; 2] = ["componentstatuses", "bindings"];

/// One resource type to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub group: String,
    pub version: String,
    pub resource: String,
    pub kind: String,
    pub namespaced: bool,
}

impl Target {
    /// `deployments.apps`, or `pods` for the core group.
    pub(crate) fn display_name(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    /// `v1` or `apps/v1`.
    pub(crate) fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// What discovery found.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    pub server: Option<ServerInfo>,
    pub targets: Vec<Target>,
    pub absent_groups: Vec<String>,
    /// Groups the server lists but whose resources could not be discovered (an aggregated
    /// API that is down answers 503): one entry each, with an empty `resource`.
    pub group_errors: Vec<ResourceEntry>,
}

/// A discovery request that failed in a way that stops the run.
#[derive(Debug)]
pub(crate) struct DiscoveryFailure {
    pub path: String,
    pub failure: Failure,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApiVersions {
    versions: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApiGroupList {
    groups: Vec<ApiGroup>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ApiGroup {
    name: String,
    versions: Vec<GroupVersion>,
    preferred_version: Option<GroupVersion>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GroupVersion {
    version: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApiResourceList {
    resources: Vec<ApiResource>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApiResource {
    name: String,
    namespaced: bool,
    kind: String,
    verbs: Vec<String>,
}

impl ApiGroup {
    fn preferred(&self) -> Option<&str> {
        self.preferred_version
            .as_ref()
            .map(|v| v.version.as_str())
            .filter(|v| !v.is_empty())
            .or_else(|| self.versions.first().map(|v| v.version.as_str()))
    }
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    requester: &Requester,
    path: &str,
) -> Result<T, DiscoveryFailure> {
    let fail = |failure| DiscoveryFailure {
        path: path.to_string(),
        failure,
    };
    let body = requester.get(path).await.map_err(fail)?;
    serde_json::from_slice(&body).map_err(|e| {
        fail(Failure::Status {
            code: 200,
            reason: "InvalidResponse".into(),
            message: format!("the answer is not the expected JSON: {e}"),
        })
    })
}

/// Discovers the groups in `groups` (`""` is the core group).
pub(crate) async fn discover(
    requester: &Arc<Requester>,
    groups: &[String],
) -> Result<Discovered, DiscoveryFailure> {
    let mut found = Discovered::default();
    // /version is public on most clusters but not all: a refusal costs only the version.
    match get_json::<ServerInfo>(requester, "/version").await {
        Ok(info) => found.server = Some(info),
        Err(e) if e.failure.is_fatal() => return Err(e),
        Err(_) => {}
    }

    if groups.iter().any(|g| g.is_empty()) {
        let versions: ApiVersions = get_json(requester, "/api").await?;
        let version = if versions.versions.iter().any(|v| v == "v1") {
            "v1".to_string()
        } else {
            versions
                .versions
                .first()
                .cloned()
                .unwrap_or_else(|| "v1".into())
        };
        let path = format!("/api/{version}");
        let list: ApiResourceList = get_json(requester, &path).await?;
        found.targets.extend(targets("", &version, list));
    }

    let served: ApiGroupList = get_json(requester, "/apis").await?;
    let mut lookups = JoinSet::new();
    for name in groups.iter().filter(|g| !g.is_empty()) {
        let Some(version) = served
            .groups
            .iter()
            .find(|g| &g.name == name)
            .and_then(ApiGroup::preferred)
        else {
            found.absent_groups.push(name.clone());
            continue;
        };
        let requester = Arc::clone(requester);
        let (name, version) = (name.clone(), version.to_string());
        lookups.spawn(async move {
            let path = format!("/apis/{name}/{version}");
            let result = get_json::<ApiResourceList>(&requester, &path).await;
            (name, version, result)
        });
    }
    while let Some(joined) = lookups.join_next().await {
        let Ok((name, version, result)) = joined else {
            continue;
        };
        match result {
            Ok(list) => found.targets.extend(targets(&name, &version, list)),
            Err(e) if e.failure.code() == 404 => found.absent_groups.push(name),
            Err(e) if e.failure.is_fatal() => return Err(e),
            Err(e) => found.group_errors.push(ResourceEntry {
                group: name.clone(),
                version,
                resource: String::new(),
                kind: String::new(),
                namespaced: false,
                file: None,
                items: None,
                error: Some(ResourceError {
                    code: e.failure.code(),
                    reason: e.failure.reason(),
                    message: e.failure.message(),
                    permission: format!("get {}", e.path),
                }),
            }),
        }
    }
    found.absent_groups.sort();
    found.absent_groups.dedup();
    found.group_errors.sort_by(|a, b| a.group.cmp(&b.group));
    found
        .targets
        .sort_by(|a, b| (&a.group, &a.resource).cmp(&(&b.group, &b.resource)));
    Ok(found)
}

/// The listable resource types of one group version: `list` among the verbs, not a
/// subresource, not one of the skipped core types.
fn targets(group: &str, version: &str, list: ApiResourceList) -> Vec<Target> {
    list.resources
        .into_iter()
        .filter(|r| !r.name.is_empty() && !r.name.contains('/'))
        .filter(|r| r.verbs.iter().any(|v| v == "list"))
        .filter(|r| !(group.is_empty() && SKIPPED_CORE.contains(&r.name.as_str())))
        .map(|r| Target {
            group: group.to_string(),
            version: version.to_string(),
            resource: r.name,
            kind: r.kind,
            namespaced: r.namespaced,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listable_top_level_resources_are_targets() {
        let list: ApiResourceList = serde_json::from_str(
            r#"{"kind":"APIResourceList","groupVersion":"v1","resources":[
              {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list","watch"]},
              {"name":"pods/log","namespaced":true,"kind":"Pod","verbs":["get"]},
              {"name":"pods/status","namespaced":true,"kind":"Pod","verbs":["get","list"]},
              {"name":"bindings","namespaced":true,"kind":"Binding","verbs":["create","list"]},
              {"name":"componentstatuses","namespaced":false,"kind":"ComponentStatus","verbs":["get","list"]},
              {"name":"events","namespaced":true,"kind":"Event","verbs":["list"]},
              {"name":"tokenreviews","namespaced":false,"kind":"TokenReview","verbs":["create"]},
              {"name":"nodes","namespaced":false,"kind":"Node","verbs":["list"]}
            ]}"#,
        )
        .unwrap();
        let names: Vec<(String, bool)> = targets("", "v1", list)
            .into_iter()
            .map(|t| (t.resource, t.namespaced))
            .collect();
        assert_eq!(
            names,
            [
                ("pods".into(), true),
                ("events".into(), true),
                ("nodes".into(), false)
            ]
        );
    }

    #[test]
    fn preferred_version_falls_back_to_the_first() {
        let group: ApiGroup = serde_json::from_str(
            r#"{"name":"autoscaling","versions":[{"groupVersion":"autoscaling/v2","version":"v2"},{"version":"v1"}]}"#,
        )
        .unwrap();
        assert_eq!(group.preferred(), Some("v2"));
        let group: ApiGroup = serde_json::from_str(
            r#"{"name":"autoscaling","versions":[{"version":"v2"},{"version":"v1"}],"preferredVersion":{"version":"v1"}}"#,
        )
        .unwrap();
        assert_eq!(group.preferred(), Some("v1"));
    }
}
