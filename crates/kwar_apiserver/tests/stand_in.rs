//! The stand-in answers as kube-apiserver does: checked over real HTTPS, trusting only the
//! CA it made.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use kwar_apiserver::{load_manifests, StandIn, StandInConfig};
use serde_json::{json, Value};
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

struct Answer {
    status: u16,
    headers: hyper::HeaderMap,
    body: Value,
}

/// One request on a fresh connection, as a client trusting only the stand-in's CA.
fn call(
    server: &StandIn,
    method: &str,
    path: &str,
    token: Option<&str>,
    accept: Option<&str>,
) -> Answer {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(server.ca_pem.as_bytes()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let address = server.url.trim_start_matches("https://");
        let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        let tls = TlsConnector::from(Arc::new(config))
            .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
            .await
            .unwrap();
        let (mut sender, connection) = http1::handshake(TokioIo::new(tls)).await.unwrap();
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", address);
        if let Some(t) = token {
            request = request.header("authorization", format!("Bearer {t}"));
        }
        if let Some(a) = accept {
            request = request.header("accept", a);
        }
        let response = sender
            .send_request(request.body(Empty::<Bytes>::new()).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Answer {
            status,
            headers,
            body,
        }
    })
}

fn get(server: &StandIn, path: &str) -> Answer {
    call(server, "GET", path, Some(&server.token), None)
}

fn eks() -> Vec<Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/clusters/eks");
    load_manifests(&dir)
}

fn small() -> Vec<Value> {
    let mut objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 2}}),
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "widgets.example.com"},
               "spec": {"group": "example.com", "scope": "Namespaced",
                        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                                  "listKind": "WidgetList", "shortNames": ["wd"]},
                        "versions": [{"name": "v1alpha1", "served": true, "storage": false},
                                     {"name": "v1", "served": true, "storage": true,
                                      "subresources": {"status": {}}}]}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget",
               "metadata": {"name": "w1", "namespace": "shop"}, "spec": {"size": 3}}),
    ];
    for i in 0..7 {
        let ns = if i < 4 { "shop" } else { "kube-system" };
        objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                            "metadata": {"name": format!("pod-{i}"), "namespace": ns},
                            "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}));
    }
    objects
}

fn start(config: StandInConfig) -> StandIn {
    StandIn::start(config).expect("the stand-in starts")
}

#[test]
fn version_and_legacy_discovery() {
    let server = start(StandInConfig {
        objects: small(),
        ..StandInConfig::default()
    });
    let v = get(&server, "/version");
    assert_eq!(v.status, 200);
    assert_eq!(v.body["gitVersion"], "v1.31.4-eks-2d5f260");
    assert_eq!(v.body["major"], "1");
    assert_eq!(v.body["minor"], "31+");

    let api = get(&server, "/api").body;
    assert_eq!(api["kind"], "APIVersions");
    assert_eq!(api["versions"], json!(["v1"]));

    let core = get(&server, "/api/v1").body;
    assert_eq!(core["kind"], "APIResourceList");
    assert_eq!(core["groupVersion"], "v1");
    assert!(core.get("apiVersion").is_none());
    let pods = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "pods")
        .unwrap();
    assert_eq!(pods["kind"], "Pod");
    assert_eq!(pods["namespaced"], true);
    assert_eq!(pods["shortNames"], json!(["po"]));
    assert!(pods["verbs"].as_array().unwrap().contains(&json!("watch")));
    let names: Vec<&str> = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"pods/log") && names.contains(&"pods/status"));

    let groups = get(&server, "/apis").body;
    assert_eq!(groups["kind"], "APIGroupList");
    let list = groups["groups"].as_array().unwrap();
    assert_eq!(list[0]["name"], "apiregistration.k8s.io");
    let autoscaling = list.iter().find(|g| g["name"] == "autoscaling").unwrap();
    assert_eq!(autoscaling["preferredVersion"]["version"], "v2");
    assert_eq!(autoscaling["versions"][1]["groupVersion"], "autoscaling/v1");
    let example = list.iter().find(|g| g["name"] == "example.com").unwrap();
    assert_eq!(
        example["preferredVersion"]["groupVersion"],
        "example.com/v1"
    );

    let apps = get(&server, "/apis/apps/v1").body;
    assert_eq!(apps["apiVersion"], "v1");
    assert_eq!(apps["groupVersion"], "apps/v1");
    let scale = apps["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "deployments/scale")
        .unwrap();
    assert_eq!(scale["group"], "autoscaling");
    assert_eq!(scale["kind"], "Scale");

    let authz = get(&server, "/apis/authorization.k8s.io/v1").body;
    for r in authz["resources"].as_array().unwrap() {
        assert_eq!(r["verbs"], json!(["create"]), "{r}");
    }
    let widgets = get(&server, "/apis/example.com/v1alpha1").body;
    assert_eq!(widgets["resources"][0]["name"], "widgets");
    assert_eq!(widgets["resources"][0]["shortNames"], json!(["wd"]));
    assert_eq!(get(&server, "/apis/example.com").body["kind"], "APIGroup");
}

#[test]
fn aggregated_discovery() {
    let server = start(StandInConfig {
        objects: small(),
        ..StandInConfig::default()
    });
    let accept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
    let apis = call(&server, "GET", "/apis", Some(&server.token), Some(accept));
    assert_eq!(apis.status, 200);
    assert_eq!(
        apis.headers["content-type"],
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    assert_eq!(apis.body["kind"], "APIGroupDiscoveryList");
    assert_eq!(apis.body["apiVersion"], "apidiscovery.k8s.io/v2");
    let apps = apis.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "apps")
        .unwrap();
    let deployments = apps["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "deployments")
        .unwrap();
    assert_eq!(deployments["scope"], "Namespaced");
    assert_eq!(deployments["responseKind"]["kind"], "Deployment");
    assert_eq!(deployments["subresources"][0]["subresource"], "scale");

    let core = call(&server, "GET", "/api", Some(&server.token), Some(accept)).body;
    assert_eq!(core["items"].as_array().unwrap().len(), 1);
    assert!(core["items"][0]["metadata"].get("name").is_none());
}

#[test]
fn lists_pages_and_gets() {
    let server = start(StandInConfig {
        objects: small(),
        ..StandInConfig::default()
    });
    let all = get(&server, "/api/v1/pods").body;
    assert_eq!(all["kind"], "PodList");
    assert_eq!(all["apiVersion"], "v1");
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    // Key order: namespace, then name.
    assert_eq!(items[0]["metadata"]["namespace"], "kube-system");
    assert!(items[0].get("apiVersion").is_none() && items[0].get("kind").is_none());
    assert!(items[0]["metadata"]["uid"].is_string());
    assert!(all["metadata"].get("continue").is_none());

    let ns = get(&server, "/api/v1/namespaces/shop/pods").body;
    assert_eq!(ns["items"].as_array().unwrap().len(), 4);

    let first = get(&server, "/api/v1/pods?limit=3").body;
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    assert_eq!(first["metadata"]["remainingItemCount"], 4);
    let token = first["metadata"]["continue"].as_str().unwrap();
    let second = get(&server, &format!("/api/v1/pods?limit=3&continue={token}")).body;
    assert_eq!(second["items"][0]["metadata"]["name"], "pod-0");

    let widgets = get(&server, "/apis/example.com/v1/namespaces/shop/widgets").body;
    assert_eq!(widgets["kind"], "WidgetList");
    assert_eq!(widgets["items"][0]["apiVersion"], "example.com/v1");
    assert_eq!(widgets["items"][0]["kind"], "Widget");

    let web = get(&server, "/apis/apps/v1/namespaces/shop/deployments/web");
    assert_eq!(web.status, 200);
    assert_eq!(web.body["kind"], "Deployment");
    assert_eq!(web.body["apiVersion"], "apps/v1");
    assert_eq!(
        get(&server, "/api/v1/namespaces/shop").body["kind"],
        "Namespace"
    );

    let missing = get(&server, "/apis/apps/v1/namespaces/shop/deployments/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body["message"],
        "deployments.apps \"nope\" not found"
    );
    assert_eq!(
        missing.body["details"],
        json!({"name": "nope", "group": "apps", "kind": "deployments"})
    );
}

#[test]
fn pagination_walk_returns_every_object_once() {
    let objects = eks();
    let server = start(StandInConfig {
        objects: objects.clone(),
        page_size_cap: Some(4),
        ..StandInConfig::default()
    });
    let mut seen = BTreeSet::new();
    let mut lists = 0;
    let groups = get(&server, "/apis").body;
    let mut versions = vec!["/api/v1".to_string()];
    for g in groups["groups"].as_array().unwrap() {
        versions.push(format!(
            "/apis/{}",
            g["preferredVersion"]["groupVersion"].as_str().unwrap()
        ));
    }
    for prefix in versions {
        let doc = get(&server, &prefix).body;
        for r in doc["resources"].as_array().unwrap() {
            let name = r["name"].as_str().unwrap();
            if name.contains('/') || !r["verbs"].as_array().unwrap().contains(&json!("list")) {
                continue;
            }
            let mut token = String::new();
            loop {
                let path = format!("{prefix}/{name}?limit=500&continue={token}");
                let page = get(&server, &path);
                assert_eq!(page.status, 200, "{path}: {}", page.body);
                lists += 1;
                let items = page.body["items"].as_array().unwrap();
                assert!(items.len() <= 4);
                for item in items {
                    let key = format!(
                        "{}/{}/{}/{}",
                        prefix,
                        name,
                        item["metadata"]["namespace"].as_str().unwrap_or_default(),
                        item["metadata"]["name"].as_str().unwrap()
                    );
                    assert!(seen.insert(key.clone()), "{key} listed twice");
                }
                match page.body["metadata"]["continue"].as_str() {
                    Some(t) => token = t.to_string(),
                    None => break,
                }
            }
        }
    }
    assert!(lists > 60, "{lists} list requests");
    // Every fixture object (kwar's own kinds aside) is served exactly once.
    let served_kinds = objects
        .iter()
        .filter(|o| {
            o["apiVersion"]
                .as_str()
                .is_some_and(|v| !v.starts_with("kwar.io/"))
        })
        .count();
    assert_eq!(seen.len(), served_kinds);
}

#[test]
fn refusals_have_the_real_status_shapes() {
    let server = start(StandInConfig {
        objects: small(),
        forbidden: vec![
            ("".into(), "secrets".into()),
            ("networking.k8s.io".into(), "networkpolicies".into()),
        ],
        token: "sekret".into(),
        ..StandInConfig::default()
    });
    let denied = get(&server, "/api/v1/secrets");
    assert_eq!(denied.status, 403);
    assert_eq!(
        denied.body,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "secrets is forbidden: User \"system:serviceaccount:kwar:reader\" cannot list resource \"secrets\" in API group \"\" at the cluster scope",
            "reason": "Forbidden", "details": {"kind": "secrets"}, "code": 403
        })
    );
    let in_ns = get(
        &server,
        "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies",
    );
    assert_eq!(in_ns.status, 403);
    assert_eq!(
        in_ns.body["message"],
        "networkpolicies.networking.k8s.io is forbidden: User \"system:serviceaccount:kwar:reader\" cannot list resource \"networkpolicies\" in API group \"networking.k8s.io\" in the namespace \"shop\""
    );
    assert_eq!(
        in_ns.body["details"],
        json!({"group": "networking.k8s.io", "kind": "networkpolicies"})
    );

    for path in [
        "/apis/monitoring.coreos.com/v1/prometheuses",
        "/apis/monitoring.coreos.com/v1",
        "/api/v1/widgets",
        "/apis/apps/v1beta1/deployments",
    ] {
        let absent = get(&server, path);
        assert_eq!(absent.status, 404, "{path}");
        assert_eq!(absent.body["reason"], "NotFound");
        assert_eq!(
            absent.body["message"],
            "the server could not find the requested resource"
        );
    }

    for token in [None, Some("wrong")] {
        let unauthorized = call(&server, "GET", "/api/v1/pods", token, None);
        assert_eq!(unauthorized.status, 401);
        assert_eq!(unauthorized.body["reason"], "Unauthorized");
        assert_eq!(unauthorized.body["code"], 401);
    }

    let gone = get(&server, "/api/v1/pods?limit=2&continue=garbage");
    assert_eq!(gone.status, 410);
    assert_eq!(gone.body["reason"], "Expired");

    let write = call(
        &server,
        "DELETE",
        "/api/v1/namespaces/shop/pods/pod-0",
        Some("sekret"),
        None,
    );
    assert_eq!(write.status, 405);
    assert_eq!(write.body["reason"], "MethodNotAllowed");
    let post = call(
        &server,
        "POST",
        "/api/v1/namespaces/shop/pods",
        Some("sekret"),
        None,
    );
    assert_eq!(post.status, 405);

    let recorded = server.requests();
    assert!(recorded
        .iter()
        .any(|r| r.method == "DELETE" && r.path == "/api/v1/namespaces/shop/pods/pod-0"));
    assert!(recorded
        .iter()
        .any(|r| r.method == "GET" && r.query == "limit=2&continue=garbage"));
}

#[test]
fn first_lists_fail_as_told() {
    let server = start(StandInConfig {
        objects: small(),
        fail_first: vec![
            ("".into(), "pods".into(), 429, 2),
            ("apps".into(), "deployments".into(), 503, 1),
        ],
        ..StandInConfig::default()
    });
    for _ in 0..2 {
        let throttled = get(&server, "/api/v1/pods");
        assert_eq!(throttled.status, 429);
        assert_eq!(throttled.headers["retry-after"], "1");
        assert_eq!(throttled.body["reason"], "TooManyRequests");
    }
    assert_eq!(get(&server, "/api/v1/pods").status, 200);
    let unavailable = get(&server, "/apis/apps/v1/deployments");
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.body["reason"], "ServiceUnavailable");
    assert_eq!(
        get(&server, "/apis/apps/v1/namespaces/shop/deployments").status,
        200
    );
}

#[test]
fn kubeconfig_names_server_ca_and_token() {
    let server = start(StandInConfig::default());
    let dir = std::env::temp_dir().join(format!("kwar-apiserver-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kubeconfig");
    server
        .write_kubeconfig(&path, "arn:aws:eks:eu-west-1:111122223333:cluster/prod")
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(text.contains(&format!("server: \"{}\"", server.url)));
    assert!(text.contains("current-context: \"arn:aws:eks:eu-west-1:111122223333:cluster/prod\""));
    assert!(text.contains(&format!("token: \"{}\"", server.token)));
    assert!(text.contains("certificate-authority-data: LS0t"));
}

#[test]
fn fixture_clusters_serve_what_they_hold() {
    let server = start(StandInConfig {
        objects: eks(),
        ..StandInConfig::default()
    });
    let secret = get(
        &server,
        "/api/v1/namespaces/shop/secrets/catalog-db-credentials",
    )
    .body;
    // stringData is folded into data, as the API server does on write; the canary is still
    // there three times over for the collector to redact.
    assert!(secret.get("stringData").is_none());
    assert_eq!(
        secret["data"]["password"],
        "a3dhci1jYW5hcnktc2VjcmV0LXZhbHVl"
    );
    assert!(secret["data"]["DATABASE_URL"].is_string());
    assert!(
        secret["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap()
            .contains("kwar-canary-secret-value")
    );
    let prometheuses = get(&server, "/apis/monitoring.coreos.com/v1/prometheuses");
    assert_eq!(prometheuses.status, 200);
    assert_eq!(prometheuses.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        get(&server, "/apis/karpenter.sh/v1/nodepools").body["kind"],
        "NodePoolList"
    );
    assert_eq!(get(&server, "/apis/metrics.k8s.io/v1beta1").status, 200);

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/clusters/bare");
    let bare = start(StandInConfig {
        objects: load_manifests(&dir),
        ..StandInConfig::default()
    });
    for path in [
        "/apis/monitoring.coreos.com/v1/prometheuses",
        "/apis/karpenter.sh/v1/nodepools",
        "/apis/metrics.k8s.io/v1beta1",
    ] {
        assert_eq!(get(&bare, path).status, 404, "{path}");
    }
    assert_eq!(
        get(&bare, "/api/v1/nodes").body["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
