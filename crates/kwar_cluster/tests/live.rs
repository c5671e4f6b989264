//! The collector against an HTTPS Kubernetes API stand-in serving the EKS fixture cluster,
//! reached through a kubeconfig file (bearer token and CA data), as a user would.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use base64_free::decode_base64;
use kwar_apiserver::{StandIn, StandInConfig};
use kwar_cluster::{collect, CollectError, CollectOptions, Progress, Stage};
use kwar_snapshot::{Bundle, ClusterObject, ResourceEntry};
use serde_json::{json, Value};

/// Values planted by this test in addition to the fixture's own Secrets.
const PLANTED_SECRET: &str = "kwar-planted-s3cr3t-value";
const PLANTED_STRING: &str = "kwar-planted-plain-password";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/clusters/eks")
}

/// The fixture's objects plus a namespace of our own with enough pods to page through and
/// a Secret whose values we know (also inside its last-applied-configuration).
fn objects() -> Vec<Value> {
    let mut objects = kwar_apiserver::load_manifests(&fixture());
    objects
        .push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kwar-live"}}));
    for i in 0..5 {
        objects.push(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("pager-{i}"), "namespace": "kwar-live",
                         "managedFields": [{"manager": "kubectl", "operation": "Apply"}]},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}
        }));
    }
    let encoded = base64_free::encode_base64(PLANTED_SECRET.as_bytes());
    let last_applied = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "planted", "namespace": "kwar-live"},
        "data": {"password": encoded}, "stringData": {"user": PLANTED_STRING}
    })
    .to_string();
    objects.push(json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": "planted", "namespace": "kwar-live",
                     "annotations": {"kubectl.kubernetes.io/last-applied-configuration": last_applied}},
        "data": {"password": encoded, "raw": base64_free::encode_base64(PLANTED_STRING.as_bytes())}
    }));
    objects
}

/// Every Secret value in `objects`, as stored and decoded, that is long enough to be
/// meaningful when searched for in the bundle's bytes.
fn secret_values(objects: &[Value]) -> Vec<String> {
    let mut values = Vec::new();
    for object in objects.iter().filter(|o| o["kind"] == "Secret") {
        for field in ["data", "stringData"] {
            let Some(map) = object[field].as_object() else {
                continue;
            };
            for value in map.values().filter_map(Value::as_str) {
                values.push(value.to_string());
                if field == "data" {
                    if let Some(decoded) = decode_base64(value) {
                        values.push(decoded);
                    }
                }
            }
        }
    }
    values.retain(|v| v.len() >= 6);
    values
}

struct Cluster {
    stand_in: StandIn,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

fn start(config: StandInConfig) -> Cluster {
    let stand_in = StandIn::start(StandInConfig {
        objects: objects(),
        ..config
    })
    .expect("the stand-in starts");
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    stand_in.write_kubeconfig(&kubeconfig, "eks-prod").unwrap();
    Cluster {
        stand_in,
        _dir: dir,
        kubeconfig,
    }
}

fn options(cluster: &Cluster) -> CollectOptions {
    CollectOptions {
        kubeconfig: Some(cluster.kubeconfig.clone()),
        extra_groups: vec!["absent.kwar.example".into()],
        page_size: 2,
        qps: 0.0,
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(10),
        ..CollectOptions::default()
    }
}

fn header(bundle: &Bundle) -> ClusterObject {
    bundle
        .cluster(Path::new("<collected>"))
        .expect("a valid header")
}

fn entry<'a>(header: &'a ClusterObject, group: &str, resource: &str) -> &'a ResourceEntry {
    header
        .spec
        .resources
        .iter()
        .find(|r| r.group == group && r.resource == resource)
        .unwrap_or_else(|| panic!("no resource entry for {group}/{resource}"))
}

fn items(bundle: &Bundle, path: &str) -> Vec<Value> {
    let file = bundle.file(path).unwrap_or_else(|| panic!("no {path}"));
    let list: Value = serde_json::from_slice(&file.bytes).unwrap();
    list["items"].as_array().unwrap().clone()
}

#[test]
fn collects_the_fixture_cluster_read_only_and_paged() {
    let cluster = start(StandInConfig {
        forbidden: vec![("networking.k8s.io".into(), "networkpolicies".into())],
        page_size_cap: Some(2),
        fail_first: vec![
            ("apps".into(), "deployments".into(), 429, 1),
            ("".into(), "services".into(), 500, 2),
        ],
        ..StandInConfig::default()
    });
    let reports = Mutex::new(Vec::<Progress>::new());
    let bundle =
        collect(&options(&cluster), &|p| reports.lock().unwrap().push(p)).expect("collects");
    let header = header(&bundle);
    let requests = cluster.stand_in.requests();

    // Read-only: nothing but GET ever reached the server.
    assert!(!requests.is_empty());
    for request in &requests {
        assert_eq!(request.method, "GET", "{request:?}");
    }

    // Paged: the pods were read two at a time, following continue tokens.
    let pod_lists: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .collect();
    assert!(pod_lists.len() > 1, "{pod_lists:?}");
    assert!(pod_lists.iter().all(|r| r.query.contains("limit=2")));
    assert!(pod_lists
        .iter()
        .skip(1)
        .all(|r| r.query.contains("continue=")));
    let pods = items(&bundle, "resources/core/v1/pods.json");
    let ours: Vec<&str> = pods
        .iter()
        .filter(|p| p["metadata"]["namespace"] == "kwar-live")
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        ours,
        ["pager-0", "pager-1", "pager-2", "pager-3", "pager-4"]
    );
    assert_eq!(entry(&header, "", "pods").items, Some(pods.len()));
    for pod in &pods {
        assert_eq!(pod["apiVersion"], "v1");
        assert_eq!(pod["kind"], "Pod");
        assert!(pod["metadata"].get("managedFields").is_none(), "{pod}");
    }

    // Forbidden: unreadable, with the permission that is missing; the run went on.
    let policies = entry(&header, "networking.k8s.io", "networkpolicies");
    let error = policies
        .error
        .as_ref()
        .expect("an error for the forbidden type");
    assert_eq!(error.code, 403);
    assert_eq!(error.reason, "Forbidden");
    assert_eq!(error.permission, "list networkpolicies.networking.k8s.io");
    assert!(error.message.contains("forbidden"), "{}", error.message);
    assert!(policies.file.is_none());
    assert!(bundle
        .file("resources/networking.k8s.io/v1/networkpolicies.json")
        .is_none());

    // Absent group.
    assert!(header
        .spec
        .absent_groups
        .contains(&"absent.kwar.example".to_string()));

    // 429 and 500 were retried until they succeeded.
    for (group, resource, path, failures) in [
        ("apps", "deployments", "/apis/apps/v1/deployments", 1),
        ("", "services", "/api/v1/services", 2),
    ] {
        let listed = entry(&header, group, resource);
        assert!(listed.error.is_none(), "{listed:?}");
        assert!(listed.file.is_some(), "{listed:?}");
        let tries = requests.iter().filter(|r| r.path == path).count();
        assert!(tries > failures, "{path}: {tries} requests");
    }

    // The header.
    assert_eq!(header.metadata.name, "eks-prod");
    assert!(header.spec.complete);
    assert_eq!(header.spec.source, kwar_snapshot::Source::Live);
    assert_eq!(
        header.spec.server.as_ref().unwrap().git_version,
        "v1.31.4-eks-2d5f260"
    );
    assert!(header.spec.redactions.secret_values);
    assert!(entry(&header, "", "events").error.is_none());
    assert!(header
        .spec
        .resources
        .iter()
        .all(|r| r.resource != "componentstatuses" && r.resource != "bindings"));
    assert_eq!(bundle.files.first().unwrap().path, "cluster.json");
    assert_eq!(bundle.files.last().unwrap().path, "README.md");
    for resource in &header.spec.resources {
        if let Some(file) = &resource.file {
            assert!(bundle.file(file).is_some(), "{file}");
        }
    }

    // Progress ends with every type done.
    let reports = reports.into_inner().unwrap();
    assert_eq!(reports.first().unwrap().stage, Stage::Connecting);
    let last = reports.last().unwrap();
    assert_eq!(last.stage, Stage::Done);
    assert_eq!(last.done, last.total);
    assert!(last.total > 20, "{last:?}");

    // No Secret value, from the fixture or planted, anywhere in the bundle.
    let values = secret_values(&objects());
    assert!(values.iter().any(|v| v == PLANTED_SECRET));
    for file in &bundle.files {
        let text = String::from_utf8_lossy(&file.bytes);
        for value in &values {
            assert!(
                !text.contains(value.as_str()),
                "{} holds a Secret value",
                file.path
            );
        }
    }
    let secrets = items(&bundle, "resources/core/v1/secrets.json");
    let planted = secrets
        .iter()
        .find(|s| s["metadata"]["name"] == "planted")
        .unwrap();
    assert_eq!(planted["data"], json!({"password": "", "raw": ""}));
    assert_eq!(
        planted["metadata"]["annotations"]["kwar.io/redacted"],
        "values"
    );

    // And the bundle survives a trip through a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snapshot.tar.gz");
    kwar_snapshot::write_tar_gz(&bundle, &path).unwrap();
    assert_eq!(kwar_snapshot::read_tar_gz(&path).unwrap(), bundle);
}

#[test]
fn a_wrong_token_is_a_typed_401() {
    let cluster = start(StandInConfig::default());
    let text = std::fs::read_to_string(&cluster.kubeconfig).unwrap();
    let wrong = text.replace(&cluster.stand_in.token, "not-the-token");
    assert_ne!(text, wrong);
    std::fs::write(&cluster.kubeconfig, wrong).unwrap();
    let err = collect(&options(&cluster), &|_| {}).unwrap_err();
    assert!(matches!(err, CollectError::Unauthorized { .. }), "{err}");
    assert!(err.to_string().contains("401"), "{err}");
    // One refusal is enough: the collector does not go on to list anything.
    assert!(cluster
        .stand_in
        .requests()
        .iter()
        .all(|r| !r.path.contains("/pods")));
}

#[test]
fn an_unknown_context_names_the_known_ones() {
    let cluster = start(StandInConfig::default());
    let options = CollectOptions {
        context: Some("staging".into()),
        ..options(&cluster)
    };
    let err = collect(&options, &|_| {}).unwrap_err();
    assert!(matches!(err, CollectError::UnknownContext { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("context `staging` not found in"), "{text}");
    assert!(text.contains("(contexts: eks-prod)"), "{text}");
    assert!(cluster.stand_in.requests().is_empty());
}

#[test]
fn a_wrong_ca_is_a_typed_tls_error() {
    let cluster = start(StandInConfig::default());
    let other = StandIn::start(StandInConfig::default()).unwrap();
    let text = std::fs::read_to_string(&cluster.kubeconfig).unwrap();
    let mine = base64_free::encode_base64(cluster.stand_in.ca_pem.as_bytes());
    let theirs = base64_free::encode_base64(other.ca_pem.as_bytes());
    std::fs::write(&cluster.kubeconfig, text.replace(&mine, &theirs)).unwrap();
    let err = collect(&options(&cluster), &|_| {}).unwrap_err();
    assert!(matches!(err, CollectError::Tls { .. }), "{err}");
}

#[test]
fn an_unreachable_server_is_a_typed_error() {
    let cluster = start(StandInConfig::default());
    let url = cluster.stand_in.url.clone();
    let kubeconfig = cluster.kubeconfig.clone();
    let dir = cluster._dir;
    drop(cluster.stand_in);
    let err = collect(
        &CollectOptions {
            kubeconfig: Some(kubeconfig),
            retries: 1,
            backoff: Duration::from_millis(10),
            ..CollectOptions::default()
        },
        &|_| {},
    )
    .unwrap_err();
    drop(dir);
    assert!(matches!(err, CollectError::Unreachable { .. }), "{err}");
    assert!(
        err.to_string().contains(url.trim_start_matches("https://")),
        "{err}"
    );
}

#[test]
fn namespaces_limit_namespaced_lists_and_make_the_snapshot_incomplete() {
    let cluster = start(StandInConfig {
        forbidden: vec![("".into(), "configmaps".into())],
        ..StandInConfig::default()
    });
    let options = CollectOptions {
        namespaces: vec!["kwar-live".into()],
        redact_configmaps: true,
        ..options(&cluster)
    };
    let bundle = collect(&options, &|_| {}).unwrap();
    let header = header(&bundle);
    assert!(!header.spec.complete);
    assert_eq!(header.spec.namespaces, ["kwar-live"]);
    assert!(header.spec.redactions.config_map_values);
    let requests = cluster.stand_in.requests();
    assert!(requests
        .iter()
        .any(|r| r.path == "/api/v1/namespaces/kwar-live/pods"));
    assert!(!requests.iter().any(|r| r.path == "/api/v1/pods"));
    // Cluster-scoped types are still read whole.
    assert!(requests.iter().any(|r| r.path == "/api/v1/nodes"));
    assert_eq!(items(&bundle, "resources/core/v1/pods.json").len(), 5);
    let error = entry(&header, "", "configmaps").error.clone().unwrap();
    assert_eq!(error.permission, "list configmaps in namespace kwar-live");
}

/// Base64 without another dependency: the test needs it only to plant and find values.
mod base64_free {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode_base64(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The decoded text, when `text` is base64 of UTF-8.
    pub fn decode_base64(text: &str) -> Option<String> {
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for byte in text.trim_end_matches('=').bytes() {
            let value = ALPHABET.iter().position(|a| *a == byte)? as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        String::from_utf8(out).ok()
    }
}
