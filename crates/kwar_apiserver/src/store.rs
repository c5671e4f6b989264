//! The objects the stand-in serves, per resource type, in etcd key order, with the fields a
//! real server adds to every stored object.

use std::collections::BTreeMap;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::resources::{api_group, Catalog};

/// When objects that do not say when they were created were created.
const CREATED: &str = "2024-11-28T09:14:03Z";
/// The first resourceVersion handed out (a real cluster's are large numbers).
const FIRST_RESOURCE_VERSION: u64 = 4_718_000;

/// Stored objects, keyed by (group, plural), then by `namespace/name` (etcd's key order).
#[derive(Debug, Default)]
pub struct Store {
    objects: BTreeMap<(String, String), BTreeMap<String, Value>>,
    /// The resourceVersion of the newest object: every list reports it.
    pub resource_version: u64,
}

/// A page of a list.
pub struct Page<'a> {
    pub items: Vec<&'a Value>,
    /// Set when more items remain: the token and how many remain.
    pub more: Option<(String, usize)>,
}

/// Why a continue token was refused.
pub struct Expired;

impl Store {
    pub fn new(objects: &[Value], catalog: &Catalog) -> Store {
        let mut store = Store::default();
        let mut next = FIRST_RESOURCE_VERSION;
        for object in objects {
            let Some(kind) = object.get("kind").and_then(Value::as_str) else {
                continue;
            };
            // Objects of a type the server does not serve (a CR without its CRD, kwar's own
            // Cluster object) are not stored, as the server would have refused them.
            let Some(resource) = catalog.by_kind(api_group(object), kind) else {
                continue;
            };
            let mut object = object.clone();
            next += 1;
            let key = normalise(&mut object, resource.namespaced, next);
            if let Some(rv) = object
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<u64>().ok())
            {
                next = next.max(rv);
            }
            store
                .objects
                .entry((resource.group.clone(), resource.plural.clone()))
                .or_default()
                .insert(key, object);
        }
        store.resource_version = next;
        store
    }

    fn of(&self, group: &str, plural: &str) -> Option<&BTreeMap<String, Value>> {
        self.objects.get(&(group.to_string(), plural.to_string()))
    }

    pub fn get(&self, group: &str, plural: &str, namespace: &str, name: &str) -> Option<&Value> {
        self.of(group, plural)?.get(&format!("{namespace}/{name}"))
    }

    /// One page of the objects of a type (in `namespace` only, when given), from `token` on,
    /// at most `limit` of them (`None`: all).
    pub fn list(
        &self,
        group: &str,
        plural: &str,
        namespace: Option<&str>,
        limit: Option<usize>,
        token: Option<&str>,
    ) -> Result<Page<'_>, Expired> {
        let start = match token {
            Some(t) => Some(self.decode_continue(t)?),
            None => None,
        };
        let matching: Vec<(&String, &Value)> = self
            .of(group, plural)
            .into_iter()
            .flatten()
            .filter(|(k, _)| match namespace {
                Some(ns) => k.split_once('/').is_some_and(|(n, _)| n == ns),
                None => true,
            })
            .filter(|(k, _)| start.as_deref().is_none_or(|s| k.as_str() > s))
            .collect();
        let take = limit
            .filter(|&l| l > 0)
            .unwrap_or(usize::MAX)
            .min(matching.len());
        let more = (take < matching.len()).then(|| {
            let last = matching[take - 1].0;
            (self.encode_continue(last), matching.len() - take)
        });
        Ok(Page {
            items: matching[..take].iter().map(|(_, v)| *v).collect(),
            more,
        })
    }

    /// The token's shape is the real server's: base64 of
    /// `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`.
    fn encode_continue(&self, last_key: &str) -> String {
        let token = json!({
            "v": "meta.k8s.io/v1",
            "rv": self.resource_version,
            "start": format!("{last_key}\u{0}"),
        });
        URL_SAFE_NO_PAD.encode(token.to_string())
    }

    fn decode_continue(&self, token: &str) -> Result<String, Expired> {
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| Expired)?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|_| Expired)?;
        if value.get("v").and_then(Value::as_str) != Some("meta.k8s.io/v1")
            || value.get("rv").and_then(Value::as_u64) != Some(self.resource_version)
        {
            return Err(Expired);
        }
        let start = value.get("start").and_then(Value::as_str).ok_or(Expired)?;
        start
            .strip_suffix('\u{0}')
            .map(str::to_string)
            .ok_or(Expired)
    }
}

/// Gives an object what the API server adds on write — namespace (`default` when missing;
/// none for cluster-scoped types), uid, resourceVersion, creationTimestamp, managedFields —
/// and folds a Secret's write-only `stringData` into `data`. Returns the object's key.
fn normalise(object: &mut Value, namespaced: bool, resource_version: u64) -> String {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("v1")
        .to_string();
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(map) = object.as_object_mut() else {
        return String::new();
    };
    if kind == "Secret" && api_version == "v1" {
        fold_string_data(map);
    }
    let metadata = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    let meta = metadata.as_object_mut().expect("metadata is an object");
    let name = meta
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let namespace = if namespaced {
        let ns = meta
            .get("namespace")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string();
        meta.insert("namespace".into(), ns.clone().into());
        ns
    } else {
        meta.remove("namespace");
        String::new()
    };
    let created = meta
        .get("creationTimestamp")
        .and_then(Value::as_str)
        .unwrap_or(CREATED)
        .to_string();
    meta.insert("creationTimestamp".into(), created.clone().into());
    meta.entry("uid")
        .or_insert_with(|| uid(&format!("{api_version}/{kind}/{namespace}/{name}")).into());
    meta.entry("resourceVersion")
        .or_insert_with(|| resource_version.to_string().into());
    meta.entry("managedFields").or_insert_with(|| {
        json!([{
            "manager": "kubectl-client-side-apply",
            "operation": "Update",
            "apiVersion": api_version,
            "time": created,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:annotations": {}}}
        }])
    });
    format!("{namespace}/{name}")
}

/// `stringData` is write-only: the server merges it into `data` (base64) and never returns it.
fn fold_string_data(map: &mut Map<String, Value>) {
    let Some(Value::Object(plain)) = map.remove("stringData") else {
        return;
    };
    let data = map
        .entry("data")
        .or_insert_with(|| Value::Object(Map::new()));
    if !data.is_object() {
        *data = Value::Object(Map::new());
    }
    let data = data.as_object_mut().expect("data is an object");
    for (key, value) in plain {
        let text = match value {
            Value::String(s) => s,
            other => other.to_string(),
        };
        data.insert(key, STANDARD.encode(text).into());
    }
}

/// A stable, UUID-shaped id derived from the object's identity (FNV-1a, twice).
fn uid(seed: &str) -> String {
    let hash = |salt: u64| {
        seed.bytes().fold(0xcbf2_9ce4_8422_2325 ^ salt, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    };
    let hex = format!("{:016x}{:016x}", hash(0), hash(0x9e37_79b9_7f4a_7c15));
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_lose_string_data_and_objects_gain_server_fields() {
        let objects = vec![json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s"},
            "stringData": {"password": "hunter2"}
        })];
        let catalog = Catalog::new(&objects);
        let store = Store::new(&objects, &catalog);
        let s = store.get("", "secrets", "default", "s").unwrap();
        assert_eq!(s["data"]["password"], "aHVudGVyMg==");
        assert!(s.get("stringData").is_none());
        assert_eq!(s["metadata"]["uid"].as_str().unwrap().len(), 36);
        assert!(s["metadata"]["managedFields"].is_array());
    }
}
