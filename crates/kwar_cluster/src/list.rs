//! Listing one resource type: every page, in every namespace asked for, each item made
//! self-describing and stripped of what a snapshot must not hold as it arrives.

use std::sync::Arc;

use kwar_snapshot::{redact_configmap, redact_secret, ResourceError};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::discovery::Target;
use crate::transport::{encode, Failure, Requester};

/// How lists are made; shared by all list tasks.
#[derive(Debug, Clone)]
pub(crate) struct ListSettings {
    /// Empty: cluster-wide.
    pub namespaces: Arc<[String]>,
    /// 0: no `limit`, the server's whole list at once.
    pub page_size: u32,
    pub redact_configmaps: bool,
}

/// How listing one resource type went.
#[derive(Debug, Default)]
pub(crate) struct Listed {
    /// Sorted by namespace and name.
    pub items: Vec<Value>,
    /// At least one list (cluster-wide or one namespace) succeeded, so `items` is evidence.
    pub read: bool,
    /// The first failure, as recorded in `cluster.json`.
    pub error: Option<ResourceError>,
    /// Every list failed in a way that says the server is unusable (401, no connection).
    pub fatal: Option<Failure>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListResponse {
    items: Vec<Value>,
    metadata: ListMeta,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListMeta {
    #[serde(rename = "continue")]
    continue_token: Option<String>,
}

/// How often a list whose continue token expired (410 Gone) is started over.
const RESTARTS: usize = 2;

pub(crate) async fn list(
    requester: &Requester,
    target: &Target,
    settings: &ListSettings,
) -> Listed {
    let scopes: Vec<Option<&str>> = if target.namespaced && !settings.namespaces.is_empty() {
        settings
            .namespaces
            .iter()
            .map(|n| Some(n.as_str()))
            .collect()
    } else {
        vec![None]
    };
    let mut listed = Listed::default();
    let mut fatal = true;
    let mut last_failure = None;
    for namespace in scopes {
        match list_scope(requester, target, namespace, settings).await {
            Ok(items) => {
                listed.read = true;
                fatal = false;
                listed.items.extend(items);
            }
            Err(failure) => {
                fatal &= failure.is_fatal();
                if listed.error.is_none() {
                    listed.error = Some(ResourceError {
                        code: failure.code(),
                        reason: failure.reason(),
                        message: failure.message(),
                        permission: permission(&target.group, &target.resource, namespace),
                    });
                }
                last_failure = Some(failure);
            }
        }
    }
    if fatal {
        listed.fatal = last_failure;
    }
    sort_items(&mut listed.items);
    listed
}

/// One cluster-wide or one-namespace list, all pages. A list that fails part-way keeps
/// nothing: a partial page set would read as objects being absent.
async fn list_scope(
    requester: &Requester,
    target: &Target,
    namespace: Option<&str>,
    settings: &ListSettings,
) -> Result<Vec<Value>, Failure> {
    let mut restarts = 0;
    'restart: loop {
        let mut items = Vec::new();
        let mut continue_token: Option<String> = None;
        loop {
            let path = list_path(
                target,
                namespace,
                settings.page_size,
                continue_token.as_deref(),
            );
            let body = match requester.get(&path).await {
                Ok(body) => body,
                Err(Failure::Status { code: 410, .. })
                    if continue_token.is_some() && restarts < RESTARTS =>
                {
                    restarts += 1;
                    continue 'restart;
                }
                Err(failure) => return Err(failure),
            };
            let page: ListResponse =
                serde_json::from_slice(&body).map_err(|e| Failure::Status {
                    code: 200,
                    reason: "InvalidResponse".into(),
                    message: format!("the list is not the expected JSON: {e}"),
                })?;
            for item in page.items {
                if let Some(item) = prepare_item(item, target, settings.redact_configmaps) {
                    items.push(item);
                }
            }
            match page.metadata.continue_token {
                Some(token) if !token.is_empty() => continue_token = Some(token),
                _ => return Ok(items),
            }
        }
    }
}

/// `/apis/apps/v1/namespaces/prod/deployments?limit=500&continue=…`.
pub(crate) fn list_path(
    target: &Target,
    namespace: Option<&str>,
    page_size: u32,
    continue_token: Option<&str>,
) -> String {
    let mut path = if target.group.is_empty() {
        format!("/api/{}", target.version)
    } else {
        format!("/apis/{}/{}", target.group, target.version)
    };
    if let Some(namespace) = namespace {
        path.push_str("/namespaces/");
        path.push_str(&encode(namespace));
    }
    path.push('/');
    path.push_str(&target.resource);
    let mut query = Vec::new();
    if page_size > 0 {
        query.push(format!("limit={page_size}"));
    }
    if let Some(token) = continue_token {
        query.push(format!("continue={}", encode(token)));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    path
}

/// The RBAC permission that reading the type needs: `list networkpolicies.networking.k8s.io`,
/// `list pods` for the core group, `… in namespace prod` for a per-namespace list.
pub(crate) fn permission(group: &str, resource: &str, namespace: Option<&str>) -> String {
    let mut text = if group.is_empty() {
        format!("list {resource}")
    } else {
        format!("list {resource}.{group}")
    };
    if let Some(namespace) = namespace {
        text.push_str(" in namespace ");
        text.push_str(namespace);
    }
    text
}

/// Makes a listed item stand alone (list responses leave out `apiVersion` and `kind`; they
/// are put first), drops `metadata.managedFields`, and removes Secret values — and
/// ConfigMap values when asked — before the item is kept anywhere. `None` for an item that
/// is not an object.
pub(crate) fn prepare_item(item: Value, target: &Target, redact_configmaps: bool) -> Option<Value> {
    let Value::Object(fields) = item else {
        return None;
    };
    let mut object = Map::with_capacity(fields.len() + 2);
    object.insert("apiVersion".into(), Value::String(target.api_version()));
    object.insert("kind".into(), Value::String(target.kind.clone()));
    for (key, value) in fields {
        if key != "apiVersion" && key != "kind" {
            object.insert(key, value);
        }
    }
    if let Some(Value::Object(metadata)) = object.get_mut("metadata") {
        metadata.remove("managedFields");
    }
    let mut item = Value::Object(object);
    if target.group.is_empty() {
        match target.kind.as_str() {
            "Secret" => redact_secret(&mut item),
            "ConfigMap" if redact_configmaps => redact_configmap(&mut item),
            _ => {}
        }
    }
    Some(item)
}

fn sort_items(items: &mut [Value]) {
    let key = |item: &Value| {
        let metadata = &item["metadata"];
        (
            metadata["namespace"].as_str().unwrap_or("").to_string(),
            metadata["name"].as_str().unwrap_or("").to_string(),
        )
    };
    items.sort_by_cached_key(key);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn target(group: &str, version: &str, resource: &str, kind: &str) -> Target {
        Target {
            group: group.into(),
            version: version.into(),
            resource: resource.into(),
            kind: kind.into(),
            namespaced: true,
        }
    }

    #[test]
    fn permission_strings() {
        assert_eq!(permission("", "pods", None), "list pods");
        assert_eq!(
            permission("networking.k8s.io", "networkpolicies", None),
            "list networkpolicies.networking.k8s.io"
        );
        assert_eq!(
            permission("apps", "deployments", Some("prod")),
            "list deployments.apps in namespace prod"
        );
    }

    #[test]
    fn list_paths() {
        let pods = target("", "v1", "pods", "Pod");
        assert_eq!(list_path(&pods, None, 500, None), "/api/v1/pods?limit=500");
        assert_eq!(
            list_path(&pods, Some("prod"), 2, Some("a+b=")),
            "/api/v1/namespaces/prod/pods?limit=2&continue=a%2Bb%3D"
        );
        let deployments = target("apps", "v1", "deployments", "Deployment");
        assert_eq!(
            list_path(&deployments, None, 0, None),
            "/apis/apps/v1/deployments"
        );
    }

    #[test]
    fn items_get_apiversion_kind_and_lose_managed_fields() {
        let item = json!({"metadata": {"name": "web", "namespace": "prod",
            "managedFields": [{"manager": "kubectl"}]}, "spec": {"replicas": 2}});
        let prepared = prepare_item(
            item,
            &target("apps", "v1", "deployments", "Deployment"),
            false,
        )
        .unwrap();
        assert_eq!(prepared["apiVersion"], "apps/v1");
        assert_eq!(prepared["kind"], "Deployment");
        assert!(prepared["metadata"].get("managedFields").is_none());
        assert_eq!(prepared["spec"]["replicas"], 2);
        let keys: Vec<&String> = prepared.as_object().unwrap().keys().collect();
        assert!(keys.contains(&&"apiVersion".to_string()));
        assert!(prepare_item(
            json!("not an object"),
            &target("", "v1", "pods", "Pod"),
            false
        )
        .is_none());
    }

    #[test]
    fn secrets_are_redacted_on_the_way_in() {
        let secret = json!({"metadata": {"name": "db", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data": {"password": "aHVudGVyMg=="}, "type": "Opaque"});
        let prepared = prepare_item(secret, &target("", "v1", "secrets", "Secret"), false).unwrap();
        assert!(!prepared.to_string().contains("aHVudGVyMg=="));
        assert_eq!(prepared["data"]["password"], "");
        assert_eq!(
            prepared["metadata"]["annotations"]["kwar.io/redacted"],
            "values"
        );

        let configmap = json!({"metadata": {"name": "app"}, "data": {"key": "value"}});
        let cm_target = target("", "v1", "configmaps", "ConfigMap");
        let kept = prepare_item(configmap.clone(), &cm_target, false).unwrap();
        assert_eq!(kept["data"]["key"], "value");
        let redacted = prepare_item(configmap, &cm_target, true).unwrap();
        assert_eq!(redacted["data"]["key"], "");
    }

    #[test]
    fn items_sort_by_namespace_then_name() {
        let mut items = vec![
            json!({"metadata": {"namespace": "b", "name": "a"}}),
            json!({"metadata": {"namespace": "a", "name": "z"}}),
            json!({"metadata": {"name": "cluster-scoped"}}),
            json!({"metadata": {"namespace": "a", "name": "b"}}),
        ];
        sort_items(&mut items);
        let names: Vec<&str> = items
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["cluster-scoped", "b", "z", "a"]);
    }
}
