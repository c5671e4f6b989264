//! Request handling: authentication, routing, discovery, lists and gets, and the error
//! `Status` bodies, each shaped as kube-apiserver shapes it.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Map, Value};

use crate::resources::{Catalog, Resource};
use crate::store::Store;
use crate::RecordedRequest;

/// The identity the stand-in's token authenticates as (it appears in 403 messages).
const USER: &str = "system:serviceaccount:kwar:reader";

/// Everything a request handler needs.
pub struct State {
    pub token: String,
    pub catalog: Catalog,
    pub store: Store,
    pub forbidden: Vec<(String, String)>,
    /// (group, resource, status, remaining failures).
    pub fail_first: Mutex<Vec<(String, String, u16, usize)>>,
    pub version: Value,
    pub page_size_cap: Option<usize>,
    pub requests: Mutex<Vec<RecordedRequest>>,
}

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: &str, body: Vec<u8>) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    // Every answer of a real server carries these; clients log the audit id.
    response.headers_mut().insert(
        "audit-id",
        HeaderValue::from_str(&audit_id()).unwrap_or(HeaderValue::from_static("0")),
    );
    response.headers_mut().insert(
        hyper::header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    );
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/json")),
    );
    response
}

/// A UUID-shaped id, unique within the process.
fn audit_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("6b1f0e2a-7c3d-4e5f-9a8b-{n:012x}")
}

fn ok_json(value: &Value) -> Reply {
    reply(
        StatusCode::OK,
        "application/json",
        value.to_string().into_bytes(),
    )
}

/// A `Status` failure body, as every API error carries.
fn status(code: u16, reason: &str, message: &str, details: Option<Value>) -> Reply {
    let mut body = Map::new();
    body.insert("kind".into(), "Status".into());
    body.insert("apiVersion".into(), "v1".into());
    body.insert("metadata".into(), json!({}));
    body.insert("status".into(), "Failure".into());
    body.insert("message".into(), message.into());
    body.insert("reason".into(), reason.into());
    if let Some(d) = details {
        body.insert("details".into(), d);
    }
    body.insert("code".into(), code.into());
    reply(
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        "application/json",
        Value::Object(body).to_string().into_bytes(),
    )
}

/// The 404 the server gives for any path it does not serve (an unknown group, version or
/// resource).
fn not_served() -> Reply {
    status(
        404,
        "NotFound",
        "the server could not find the requested resource",
        Some(json!({})),
    )
}

fn details(group: &str, plural: &str, name: Option<&str>) -> Value {
    let mut d = Map::new();
    if let Some(n) = name {
        d.insert("name".into(), n.into());
    }
    if !group.is_empty() {
        d.insert("group".into(), group.into());
    }
    d.insert("kind".into(), plural.into());
    Value::Object(d)
}

/// How a resource is named in messages: `pods`, `deployments.apps`.
fn qualified(group: &str, plural: &str) -> String {
    if group.is_empty() {
        plural.to_string()
    } else {
        format!("{plural}.{group}")
    }
}

fn forbidden(
    group: &str,
    plural: &str,
    verb: &str,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Reply {
    let subject = match name {
        Some(n) => format!("{} \"{n}\"", qualified(group, plural)),
        None => qualified(group, plural),
    };
    let scope = match namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{subject} is forbidden: User \"{USER}\" cannot {verb} resource \"{plural}\" in API group \"{group}\" {scope}"
    );
    status(
        403,
        "Forbidden",
        &message,
        Some(details(group, plural, name)),
    )
}

fn injected_failure(code: u16) -> Reply {
    match code {
        429 => {
            let mut r = status(
                429,
                "TooManyRequests",
                "Too many requests, please try again later.",
                Some(json!({"retryAfterSeconds": 1})),
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        500 => status(
            500,
            "InternalError",
            "Internal error occurred: etcdserver: request timed out",
            Some(json!({"causes": [{"message": "etcdserver: request timed out"}]})),
        ),
        503 => status(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request",
            Some(json!({})),
        ),
        504 => status(
            504,
            "Timeout",
            "the server was unable to return a response in the time allotted, but may still be processing the request",
            Some(json!({})),
        ),
        other => status(other, "", "injected failure", Some(json!({}))),
    }
}

/// The first value of a query parameter (not percent-decoded: the tokens and numbers the
/// stand-in reads never need it).
fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl State {
    pub fn handle(self: &Arc<Self>, request: &Request<hyper::body::Incoming>) -> Reply {
        let path = request.uri().path().to_string();
        let query = request.uri().query().unwrap_or_default().to_string();
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RecordedRequest {
                method: request.method().to_string(),
                path: path.clone(),
                query: query.clone(),
            });
        let authorized = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .is_some_and(|t| t.trim() == self.token);
        if !authorized {
            return status(401, "Unauthorized", "Unauthorized", None);
        }
        if request.method() != Method::GET {
            return status(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                Some(json!({})),
            );
        }
        let accept = request
            .headers()
            .get(ACCEPT)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["version"] => ok_json(&self.version),
            ["healthz"] | ["livez"] | ["readyz"] => {
                reply(StatusCode::OK, "text/plain; charset=utf-8", b"ok".to_vec())
            }
            ["api"] => match aggregated_version(&accept) {
                Some((api_version, content_type)) => reply(
                    StatusCode::OK,
                    &content_type,
                    self.catalog
                        .aggregated(true, api_version)
                        .to_string()
                        .into_bytes(),
                ),
                None => ok_json(&self.catalog.core_versions()),
            },
            ["apis"] => match aggregated_version(&accept) {
                Some((api_version, content_type)) => reply(
                    StatusCode::OK,
                    &content_type,
                    self.catalog
                        .aggregated(false, api_version)
                        .to_string()
                        .into_bytes(),
                ),
                None => ok_json(&self.catalog.group_list()),
            },
            ["api", "v1"] => ok_json(&self.catalog.resource_list("", "v1")),
            ["api", "v1", rest @ ..] => self.resource_request("", "v1", rest, &query),
            ["apis", group] => match self.catalog.group(group) {
                Some(g) if !g.name.is_empty() => ok_json(&self.catalog.group_info(g)),
                _ => not_served(),
            },
            ["apis", group, version] => match self.catalog.group(group) {
                Some(g) if !g.name.is_empty() && g.versions.iter().any(|v| v == version) => {
                    ok_json(&self.catalog.resource_list(group, version))
                }
                _ => not_served(),
            },
            ["apis", group, version, rest @ ..] if !group.is_empty() => {
                self.resource_request(group, version, rest, &query)
            }
            _ => not_served(),
        }
    }

    /// Routes the part of a resource path after `/api/v1` or `/apis/<group>/<version>`.
    fn resource_request(&self, group: &str, version: &str, rest: &[&str], query: &str) -> Reply {
        let resource = |plural: &str| self.catalog.resource(group, version, plural);
        match rest {
            // `namespaces/<name>/status` and `/finalize` are subresources of a namespace, not
            // a namespaced list.
            ["namespaces", name, sub]
                if group.is_empty()
                    && resource("namespaces")
                        .is_some_and(|r| r.subresources.iter().any(|s| s.name == *sub)) =>
            {
                self.get(
                    resource("namespaces").expect("namespaces"),
                    version,
                    None,
                    name,
                    Some(sub),
                )
            }
            ["namespaces", ns, plural, tail @ ..] => match resource(plural) {
                Some(r) if r.namespaced => match tail {
                    [] => self.list(r, version, Some(ns), query),
                    [name] => self.get(r, version, Some(ns), name, None),
                    [name, sub] => self.get(r, version, Some(ns), name, Some(sub)),
                    _ => not_served(),
                },
                _ => not_served(),
            },
            [plural, tail @ ..] => match resource(plural) {
                Some(r) => match tail {
                    [] => self.list(r, version, None, query),
                    [name] if !r.namespaced => self.get(r, version, None, name, None),
                    [name, sub] if !r.namespaced => self.get(r, version, None, name, Some(sub)),
                    _ => not_served(),
                },
                None => not_served(),
            },
            [] => not_served(),
        }
    }

    fn is_forbidden(&self, r: &Resource) -> bool {
        self.forbidden
            .iter()
            .any(|(g, p)| *g == r.group && *p == r.plural)
    }

    fn list(&self, r: &Resource, version: &str, namespace: Option<&str>, query: &str) -> Reply {
        if !r.is_listable() {
            return status(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                Some(details(&r.group, &r.plural, None)),
            );
        }
        if self.is_forbidden(r) {
            return forbidden(&r.group, &r.plural, "list", namespace, None);
        }
        if matches!(query_param(query, "watch"), Some("true" | "1")) {
            return status(
                405,
                "MethodNotAllowed",
                "the kwar API stand-in does not serve watches",
                Some(json!({})),
            );
        }
        {
            let mut failures = self.fail_first.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(f) = failures
                .iter_mut()
                .find(|f| f.0 == r.group && f.1 == r.plural && f.3 > 0)
            {
                f.3 -= 1;
                return injected_failure(f.2);
            }
        }
        let mut limit = query_param(query, "limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > 0);
        if let Some(cap) = self.page_size_cap {
            limit = Some(limit.map_or(cap, |l| l.min(cap)).max(1));
        }
        let token = query_param(query, "continue").filter(|t| !t.is_empty());
        let token = token.map(percent_decode);
        let Ok(page) = self
            .store
            .list(&r.group, &r.plural, namespace, limit, token.as_deref())
        else {
            return status(
                410,
                "Expired",
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
                None,
            );
        };
        let api_version = api_version(&r.group, version);
        let items: Vec<Value> = page
            .items
            .into_iter()
            .map(|item| {
                let mut item = item.clone();
                if let Some(map) = item.as_object_mut() {
                    if r.custom {
                        map.insert("apiVersion".into(), api_version.clone().into());
                    } else {
                        // Typed lists of built-in types carry no apiVersion/kind per item.
                        map.remove("apiVersion");
                        map.remove("kind");
                    }
                }
                item
            })
            .collect();
        let mut metadata = Map::new();
        metadata.insert(
            "resourceVersion".into(),
            self.store.resource_version.to_string().into(),
        );
        if let Some((token, remaining)) = page.more {
            metadata.insert("continue".into(), token.into());
            metadata.insert("remainingItemCount".into(), remaining.into());
        }
        ok_json(&json!({
            "kind": r.list_kind(),
            "apiVersion": api_version,
            "metadata": metadata,
            "items": items,
        }))
    }

    fn get(
        &self,
        r: &Resource,
        version: &str,
        namespace: Option<&str>,
        name: &str,
        sub: Option<&str>,
    ) -> Reply {
        if let Some(sub) = sub {
            // Only `status` reads back the object; the others (log, exec, scale, …) are not
            // served by the stand-in.
            if sub != "status" || !r.subresources.iter().any(|s| s.name == "status") {
                return not_served();
            }
        }
        if !r.verbs.iter().any(|v| v == "get") {
            return status(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                Some(details(&r.group, &r.plural, Some(name))),
            );
        }
        if self.is_forbidden(r) {
            return forbidden(&r.group, &r.plural, "get", namespace, Some(name));
        }
        match self
            .store
            .get(&r.group, &r.plural, namespace.unwrap_or_default(), name)
        {
            Some(object) => {
                let mut object = object.clone();
                if let Some(map) = object.as_object_mut() {
                    map.insert("apiVersion".into(), api_version(&r.group, version).into());
                    map.insert("kind".into(), r.kind.clone().into());
                }
                ok_json(&object)
            }
            None => status(
                404,
                "NotFound",
                &format!("{} \"{name}\" not found", qualified(&r.group, &r.plural)),
                Some(details(&r.group, &r.plural, Some(name))),
            ),
        }
    }
}

fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// The aggregated discovery version the client asks for, if any, and the content type the
/// answer carries (clients tell the two discovery shapes apart by it).
fn aggregated_version(accept: &str) -> Option<(&'static str, String)> {
    for choice in accept.split(',') {
        let params: Vec<&str> = choice.split(';').map(str::trim).collect();
        if !params.contains(&"g=apidiscovery.k8s.io")
            || !params.contains(&"as=APIGroupDiscoveryList")
        {
            continue;
        }
        let version = if params.contains(&"v=v2") {
            "v2"
        } else if params.contains(&"v=v2beta1") {
            "v2beta1"
        } else {
            continue;
        };
        return Some((
            if version == "v2" {
                "apidiscovery.k8s.io/v2"
            } else {
                "apidiscovery.k8s.io/v2beta1"
            },
            format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"),
        ));
    }
    None
}
