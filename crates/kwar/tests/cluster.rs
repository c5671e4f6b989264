//! Cluster evidence end to end: kwar talks to a Kubernetes API stand-in over HTTPS through a
//! kubeconfig, live (`kwar scan --cluster`) and through a snapshot bundle (`kwar snapshot`,
//! then `kwar scan FILE.tar.gz`), on the fixture clusters of testdata/clusters.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::{json_report, kwar, workspace_root};
use kwar_apiserver::{load_manifests, StandIn, StandInConfig};
use serde_json::Value;

const CANARY: &str = "kwar-canary-secret-value";

fn cluster_dir(name: &str) -> PathBuf {
    workspace_root().join("testdata/clusters").join(name)
}

fn stand_in(cluster: &str, forbidden: &[(&str, &str)]) -> StandIn {
    StandIn::start(StandInConfig {
        objects: load_manifests(&cluster_dir(cluster)),
        forbidden: forbidden
            .iter()
            .map(|(g, r)| (g.to_string(), r.to_string()))
            .collect(),
        page_size_cap: Some(7),
        token: "kwar-test-token".into(),
        ..Default::default()
    })
    .expect("the stand-in starts")
}

/// `kwar snapshot` of the cluster behind `config`, written into `dir`.
fn snapshot(config: &str, dir: &Path) -> PathBuf {
    let bundle = dir.join("cluster.tar.gz");
    let out = kwar(&[
        "snapshot",
        "--kubeconfig",
        config,
        "-o",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    bundle
}

fn kubeconfig(server: &StandIn, dir: &Path) -> String {
    let path = dir.join("kubeconfig");
    server.write_kubeconfig(&path, "eks-test").unwrap();
    path.display().to_string()
}

/// What a finding says, without where it was read from (a live scan and a snapshot name
/// their sources differently).
fn finding_keys(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}/{}/{} {} {}",
                f["check"],
                f["result"],
                f["object"]["kind"],
                f["object"]["namespace"],
                f["object"]["name"],
                f["fingerprint"],
                f["message"]
            )
        })
        .collect()
}

fn findings_of<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

fn gunzip_all(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

#[test]
fn live_scan_and_snapshot_give_the_same_findings() {
    let server = stand_in("eks", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(&server, dir.path());
    let (live, live_code) =
        json_report(&["--cluster", "--kubeconfig", &config, "--fail-on", "never"]);
    assert_eq!(live_code, Some(0), "{live}");
    assert!(
        live["errors"].as_array().unwrap().is_empty(),
        "{}",
        live["errors"]
    );

    let bundle = snapshot(&config, dir.path());
    let (offline, _) = json_report(&[bundle.to_str().unwrap(), "--fail-on", "never"]);

    let (live_keys, offline_keys) = (finding_keys(&live), finding_keys(&offline));
    assert!(
        live_keys.len() > 20,
        "too few findings to compare: {live_keys:#?}"
    );
    assert_eq!(live_keys, offline_keys);
    assert_eq!(live["summary"], offline["summary"]);
    assert_eq!(
        live["cluster"]["inventory"],
        offline["cluster"]["inventory"]
    );
    assert_eq!(offline["cluster"]["source"], "live");
    assert_eq!(offline["cluster"]["complete"], true);

    // kwar only ever read.
    let methods: BTreeSet<String> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, BTreeSet::from(["GET".to_string()]));

    // No Secret value anywhere in the bundle: neither in data, stringData nor
    // last-applied-configuration, in plain text or base64.
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(CANARY);
    let bytes = gunzip_all(&bundle);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains(CANARY),
        "the canary value leaked into the bundle"
    );
    assert!(
        !text.contains(&encoded),
        "the base64 canary leaked into the bundle"
    );
    // …while the fixture does hold it, so the test can fail.
    let fixture: String = std::fs::read_dir(cluster_dir("eks"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect();
    assert!(fixture.contains(CANARY) || fixture.contains(&encoded));
    assert!(text.contains("kwar.io/redacted"));
}

#[test]
fn forbidden_resources_make_their_checks_unknown_with_the_permission_named() {
    let server = stand_in(
        "eks",
        &[("", "nodes"), ("networking.k8s.io", "networkpolicies")],
    );
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(&server, dir.path());
    let (report, code) = json_report(&["--cluster", "--kubeconfig", &config, "--fail-on", "never"]);
    assert_eq!(code, Some(0), "{report}");
    let unreadable = report["cluster"]["unreadable"].as_array().unwrap();
    let names: BTreeSet<&str> = unreadable
        .iter()
        .map(|u| u["permission"].as_str().unwrap())
        .collect();
    assert!(names.contains("list nodes"), "{names:?}");
    assert!(
        names.contains("list networkpolicies.networking.k8s.io"),
        "{names:?}"
    );
    for check in ["nodes-ready", "nodes-multi-az", "kubelet-skew"] {
        let found = findings_of(&report, check);
        assert_eq!(found.len(), 1, "{check}: {found:#?}");
        assert_eq!(found[0]["result"], "unknown", "{check}");
        assert_eq!(found[0]["object"]["kind"], "Cluster");
        let message = found[0]["message"].as_str().unwrap();
        assert!(message.contains("`list nodes`"), "{check}: {message}");
    }
    // With nodes readable, the same checks decide.
    let open = stand_in("eks", &[]);
    let config = kubeconfig(&open, dir.path());
    let (report, _) = json_report(&["--cluster", "--kubeconfig", &config, "--fail-on", "never"]);
    assert!(findings_of(&report, "nodes-ready")
        .iter()
        .all(|f| f["result"] != "unknown"));
}

#[test]
fn a_bare_cluster_misses_the_cluster_ready_components() {
    let server = stand_in("bare", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(&server, dir.path());
    let (report, _) = json_report(&["--cluster", "--kubeconfig", &config, "--fail-on", "never"]);
    for check in [
        "metrics-backend-present",
        "cluster-metrics-pipeline",
        "shipper-present",
        "gitops-controller-present",
        "metrics-api-available",
        "enforcement-engine",
    ] {
        let found = findings_of(&report, check);
        assert!(
            found
                .iter()
                .any(|f| f["object"]["kind"] == "Cluster" && f["result"] != "unknown"),
            "{check} should report the absence on the bare cluster: {found:#?}"
        );
    }
    // The inventory says "nothing found" for the monitoring line.
    let inventory = report["cluster"]["inventory"].as_array().unwrap();
    let monitoring = inventory
        .iter()
        .find(|l| l["item"] == "cluster-monitoring-infra")
        .unwrap();
    assert!(monitoring["found"].as_array().unwrap().is_empty());

    // The EKS-like cluster has them.
    let eks = stand_in("eks", &[]);
    let config = kubeconfig(&eks, dir.path());
    let (report, _) = json_report(&["--cluster", "--kubeconfig", &config, "--fail-on", "never"]);
    for check in [
        "metrics-backend-present",
        "shipper-present",
        "gitops-controller-present",
    ] {
        assert!(
            findings_of(&report, check).is_empty(),
            "{check} should pass on the EKS-like cluster: {:#?}",
            findings_of(&report, check)
        );
    }
    let inventory = report["cluster"]["inventory"].as_array().unwrap();
    let monitoring = inventory
        .iter()
        .find(|l| l["item"] == "cluster-monitoring-infra")
        .unwrap();
    let found: Vec<&str> = monitoring["found"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["detector"].as_str().unwrap())
        .collect();
    assert!(found.contains(&"prometheus"), "{found:?}");
}

#[test]
fn manifests_alone_do_not_judge_absence_unless_declared_complete() {
    let dir = cluster_dir("bare");
    let dir = dir.to_str().unwrap();
    let (partial, _) = json_report(&[dir, "--fail-on", "never"]);
    assert!(partial.get("cluster").is_none());
    assert!(findings_of(&partial, "metrics-backend-present").is_empty());
    let (complete, _) = json_report(&[dir, "--complete", "--fail-on", "never"]);
    assert_eq!(complete["cluster"]["source"], "manifests");
    let found = findings_of(&complete, "metrics-backend-present");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["result"], "fail");
}

#[test]
fn unreachable_clusters_and_bad_credentials_are_clear_errors() {
    let server = stand_in("bare", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(&server, dir.path());
    let wrong = std::fs::read_to_string(&config)
        .unwrap()
        .replace("kwar-test-token", "wrong-token");
    let wrong_path = dir.path().join("wrong");
    std::fs::write(&wrong_path, wrong).unwrap();
    let out = kwar(&[
        "scan",
        "--cluster",
        "--kubeconfig",
        wrong_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("401") || stderr.to_lowercase().contains("unauthorized"),
        "{stderr}"
    );

    let out = kwar(&[
        "scan",
        "--cluster",
        "--kubeconfig",
        &config,
        "--context",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));

    let out = kwar(&[
        "snapshot",
        "-o",
        "/nonexistent-dir/x.tar.gz",
        "--kubeconfig",
        &config,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir"));
}

#[test]
fn a_review_of_a_snapshot_decides_the_cluster_items() {
    let server = stand_in("eks", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(&server, dir.path());
    let bundle = snapshot(&config, dir.path());
    let review = |args: &[&str]| -> Value {
        let mut all = vec!["review", "--format", "json"];
        all.extend_from_slice(args);
        let out = kwar(&all);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let item = |report: &Value, id: &str| -> Value {
        report["review"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap()
    };
    let with_cluster = review(&[bundle.to_str().unwrap()]);
    let manifests_only = review(&["examples/shop"]);
    for id in ["cluster-storage", "ops-worker-nodes", "ops-dns-coredns"] {
        let before = item(&manifests_only, id);
        let after = item(&with_cluster, id);
        assert!(
            before["missingEvidence"]
                .as_str()
                .is_some_and(|m| m.contains("cluster evidence")),
            "{id}: {before}"
        );
        assert!(
            !after["missingEvidence"]
                .as_str()
                .is_some_and(|m| m.contains("cluster evidence")),
            "{id}: {after}"
        );
        assert!(
            !after["checks"].as_array().unwrap().is_empty(),
            "{id}: no check evaluated it: {after}"
        );
    }
}

#[test]
fn the_printed_cluster_role_is_read_only_and_covers_what_is_collected() {
    let out = kwar(&["snapshot", "--print-clusterrole"]);
    assert_eq!(out.status.code(), Some(0));
    let role = String::from_utf8(out.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("role.yaml");
    std::fs::write(&path, &role).unwrap();
    // kwar reads it as the two RBAC objects it is, without errors.
    let (report, _) = json_report(&[path.to_str().unwrap(), "--fail-on", "never"]);
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    assert_eq!(report["summary"]["objects"], 2);
    for verb in [
        "create",
        "update",
        "patch",
        "delete",
        "watch",
        "escalate",
        "bind",
        "impersonate",
    ] {
        assert!(
            !role.contains(&format!("\"{verb}\"")),
            "{verb} granted:\n{role}"
        );
    }
    for group in kwar_cluster::BUILTIN_GROUPS {
        assert!(
            role.contains(&format!("\"{group}\"")),
            "{group:?} missing:\n{role}"
        );
    }
    // The custom-resource groups the checks read are in it too.
    for group in [
        "monitoring.coreos.com",
        "karpenter.sh",
        "argoproj.io",
        "ceph.rook.io",
    ] {
        assert!(role.contains(&format!("\"{group}\"")), "{group} missing");
    }
}

/// kubeconfig users that get their token from an exec credential plugin (as
/// `aws eks get-token` does) work: kube-rs runs the plugin.
#[test]
fn exec_credential_plugins_supply_the_token() {
    use std::os::unix::fs::PermissionsExt;
    let server = stand_in("bare", &[]);
    let dir = tempfile::tempdir().unwrap();
    let config = kubeconfig(&server, dir.path());
    let plugin = dir.path().join("get-token");
    std::fs::write(
        &plugin,
        "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"kwar-test-token\"}}'\n",
    )
    .unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let with_exec = text.replace(
        "    token: \"kwar-test-token\"\n",
        &format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {}\n      interactiveMode: Never\n",
            plugin.display()
        ),
    );
    assert_ne!(
        text, with_exec,
        "the kubeconfig has no token line to replace:\n{text}"
    );
    std::fs::write(&config, with_exec).unwrap();
    let (report, code) = json_report(&["--cluster", "--kubeconfig", &config, "--fail-on", "never"]);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["cluster"]["source"], "live");
    assert!(report["summary"]["objects"].as_u64().unwrap() > 20);
}
