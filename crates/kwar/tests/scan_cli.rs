//! End-to-end tests of `kwar scan` on the bundled example and on crafted inputs.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::*;

#[test]
fn example_review_is_schema_valid_and_finds_the_deliberate_problems() {
    let (report, code) = json_report(&["examples/shop"]);
    assert_schema_valid(&report);
    assert_eq!(
        code,
        Some(1),
        "high findings fail the default --fail-on high"
    );
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    assert_eq!(report["summary"]["objects"], 34);
    let skipped: Vec<_> = report["summary"]["skippedFiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        skipped.iter().any(|s| s.ends_with("payments/values.yaml")),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(|s| s.ends_with("payments/Chart.yaml")),
        "{skipped:?}"
    );

    let found = findings(&report);
    let has = |check: &str, kind: &str, name: &str, result: &str| {
        found
            .iter()
            .any(|(c, k, n, r)| c == check && k == kind && n == name && r == result)
    };
    let expected = [
        (
            "readiness-probe-defined",
            "Deployment",
            "inventory-sync",
            "fail",
        ),
        ("not-privileged", "Pod", "edge-proxy", "fail"),
        ("no-latest-tag", "Pod", "edge-proxy", "fail"),
        ("no-singleton-pods", "Pod", "edge-proxy", "fail"),
        ("host-namespaces-and-paths", "Pod", "edge-proxy", "fail"),
        ("non-root", "Deployment", "inventory-sync", "fail"),
        ("capabilities", "Deployment", "inventory-sync", "fail"),
        ("selector-stability", "Deployment", "inventory-sync", "fail"),
        ("rollback-possible", "Deployment", "inventory-sync", "fail"),
        ("multiple-replicas", "Deployment", "payments-api", "fail"),
        (
            "no-literal-credentials-in-env",
            "Deployment",
            "payments-api",
            "fail",
        ),
        (
            "no-secrets-in-configmaps",
            "ConfigMap",
            "payments-config",
            "fail",
        ),
        (
            "no-plaintext-secrets-in-git",
            "Secret",
            "payments-ghcr",
            "fail",
        ),
        (
            "no-private-keys-in-configmaps",
            "ConfigMap",
            "edge-proxy-tls",
            "fail",
        ),
        (
            "no-psp-objects",
            "PodSecurityPolicy",
            "legacy-privileged",
            "fail",
        ),
        (
            "no-anonymous-bindings",
            "ClusterRoleBinding",
            "legacy-ops",
            "fail",
        ),
        ("no-wildcard-roles", "ClusterRole", "legacy-ops", "warn"),
        ("no-classic-lb", "Service", "inventory-admin", "warn"),
        ("no-latest-tag", "Deployment", "report-worker", "fail"),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(c, k, n, r)| !has(c, k, n, r))
        .collect();
    assert!(missing.is_empty(), "expected findings missing: {missing:?}");

    // The hardened frontend is clean of failures.
    let frontend: Vec<_> = found
        .iter()
        .filter(|(_, k, n, r)| k == "Deployment" && n == "frontend" && r == "fail")
        .collect();
    assert!(
        frontend.is_empty(),
        "the hardened frontend should not fail: {frontend:?}"
    );
}

#[test]
fn findings_carry_catalog_ids_locations_and_helm_templates() {
    let (report, _) = json_report(&[
        "examples/shop/payments/payments-rendered.yaml",
        "--fail-on",
        "never",
    ]);
    let list = report["findings"].as_array().unwrap();
    assert!(!list.is_empty());
    for f in list {
        assert!(f["item"].as_str().is_some_and(|i| !i.is_empty()));
        assert!(f["location"]["line"].as_u64().unwrap() >= 1);
        assert_eq!(
            f["location"]["template"]
                .as_str()
                .map(|t| t.starts_with("payments/templates/")),
            Some(true),
            "every object of a helm-rendered stream names its template: {f}"
        );
    }
    let env = list
        .iter()
        .find(|f| f["check"] == "no-literal-credentials-in-env")
        .expect("DB_PASSWORD literal is found");
    let path = env["path"].as_str().unwrap();
    assert!(
        path.starts_with("spec.template.spec.containers[0].env"),
        "{path}"
    );
    // The line points into the container's env, not at the document start.
    let text = std::fs::read_to_string(
        workspace_root().join("examples/shop/payments/payments-rendered.yaml"),
    )
    .unwrap();
    let line = text
        .lines()
        .nth(env["location"]["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    assert!(
        line.contains("DB_PASSWORD") || line.contains("value"),
        "line {line:?}"
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let text =
        std::fs::read_to_string(workspace_root().join("examples/shop/legacy/edge-proxy-pod.yaml"))
            .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(["scan", "-", "--format", "json", "--fail-on", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_schema_valid(&report);
    assert!(findings(&report)
        .iter()
        .any(|(c, _, n, _)| c == "not-privileged" && n == "edge-proxy"));
    assert_eq!(report["findings"][0]["location"]["file"], "<stdin>");
}

#[test]
fn bad_inputs_are_reported_with_file_and_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: a}\ndata: {x: y}\n";
    std::fs::write(
        dir.path().join("mixed.yaml"),
        format!("{good}---\nkind: Pod\nmetadata: {{name: x}}\n---\nmetadata: [broken\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\ndata: {x: \xe9}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("dup.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {}\ndata: {a: b}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("values.yaml"), "replicaCount: 2\n").unwrap();
    let missing = dir.path().join("nope.yaml");
    let (report, code) = json_report(&[dir.path().to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert_schema_valid(&report);
    let errors: Vec<(String, Option<u64>, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                e["line"].as_u64(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |file: &str, line: Option<u64>, text: &str| {
        errors
            .iter()
            .any(|(f, l, m)| f == file && *l == line && m.contains(text))
    };
    assert!(
        has("mixed.yaml", Some(6), "kind but no apiVersion"),
        "{errors:?}"
    );
    assert!(has("mixed.yaml", Some(9), "flow sequence"), "{errors:?}");
    assert!(has("latin1.yaml", Some(3), "UTF-8"), "{errors:?}");
    assert!(
        has("dup.yaml", Some(5), "duplicate key `data`"),
        "{errors:?}"
    );
    assert!(has("nope.yaml", None, "no such file"), "{errors:?}");
    assert!(
        !errors.iter().any(|(f, ..)| f == "values.yaml"),
        "walked non-manifest files are skipped: {errors:?}"
    );
    // Everything readable is still reviewed: the good ConfigMap and the de-duplicated one.
    assert_eq!(report["summary"]["objects"], 2);
}

#[test]
fn a_named_file_without_manifests_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    std::fs::write(&values, "image: {tag: latest}\n").unwrap();
    let (report, code) = json_report(&[values.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(report["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no Kubernetes manifest"));
}

#[test]
fn kwarignore_and_hidden_directories_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME, namespace: a}\nspec: {containers: [{name: c, image: nginx}]}\n";
    for (path, name) in [
        ("keep/pod.yaml", "kept"),
        ("ignored/pod.yaml", "ignored"),
        (".hidden/pod.yaml", "hidden"),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, pod.replace("NAME", name)).unwrap();
    }
    std::fs::write(dir.path().join(".kwarignore"), "ignored/\n").unwrap();
    // In a git repository, .gitignore'd paths (build output) are not reviewed either.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "build/\n").unwrap();
    let built = dir.path().join("build/pod.yaml");
    std::fs::create_dir_all(built.parent().unwrap()).unwrap();
    std::fs::write(built, pod.replace("NAME", "built")).unwrap();
    let (report, _) = json_report(&[dir.path().to_str().unwrap(), "--fail-on", "never"]);
    let names: Vec<_> = findings(&report)
        .into_iter()
        .map(|(_, _, n, _)| n)
        .collect();
    assert!(
        names.iter().all(|n| n == "kept") && !names.is_empty(),
        "{names:?}"
    );
}

#[test]
fn fail_on_threshold_sets_the_exit_code() {
    let pod = "examples/shop/legacy/edge-proxy-pod.yaml";
    assert_eq!(
        kwar(&["scan", pod, "--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(
        kwar(&["scan", pod, "--fail-on", "critical"]).status.code(),
        Some(1)
    );
    assert_eq!(
        kwar(&["scan", pod, "--fail-on", "bogus"]).status.code(),
        Some(2)
    );
    assert_eq!(
        kwar(&["scan", pod, "--check", "not-a-check"]).status.code(),
        Some(2)
    );
    let only = kwar(&["scan", pod, "--check", "not-privileged", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&only.stdout).unwrap();
    assert!(findings(&report)
        .iter()
        .all(|(c, ..)| c == "not-privileged"));
}

#[test]
fn text_output_groups_by_object_and_has_no_colour_when_piped() {
    let out = kwar(&["scan", "examples/shop/legacy", "--fail-on", "never"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}'),
        "no escape codes when stdout is not a terminal"
    );
    assert!(
        text.contains("Pod legacy/edge-proxy examples/shop/legacy/edge-proxy-pod.yaml"),
        "{text}"
    );
    assert!(text.contains("Score "), "{text}");
    let forced = kwar(&[
        "scan",
        "examples/shop/legacy",
        "--fail-on",
        "never",
        "--color",
        "always",
    ]);
    assert!(String::from_utf8(forced.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = kwar(&[
        "scan",
        "examples/shop",
        "--format",
        "json",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(out.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_schema_valid(&report);
}

#[test]
fn kustomize_without_a_tool_is_a_clear_error() {
    let empty_path = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kustomization.yaml"),
        "resources: [pod.yaml]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args([
            "scan",
            dir.path().to_str().unwrap(),
            "--kustomize",
            "--format",
            "json",
        ])
        .env("PATH", empty_path.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("needs `kubectl` or `kustomize`"),
        "{report}"
    );
}

#[test]
fn explain_prints_the_documentation_of_every_check() {
    let rules = kwar(&["rules", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_slice(&rules.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["check"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 62, "{}", ids.len());
    for id in ids {
        let out = kwar(&["explain", id]);
        assert!(out.status.success(), "{id}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("## What it checks") && text.contains("## How to fix"),
            "{id}"
        );
        let example = text
            .find("## Failing example\n```yaml\n")
            .unwrap_or_else(|| panic!("{id}: no failing example"));
        assert!(example < text.find("## How to fix").unwrap(), "{id}");
        assert!(
            !text.contains("TODO"),
            "{id}: documentation still has a TODO"
        );
    }
    assert_eq!(kwar(&["explain", "no-such-check"]).status.code(), Some(2));
}

#[test]
fn kustomize_overlays_are_rendered_with_kubectl() {
    if Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        eprintln!("skipped: kubectl is not on PATH (the missing-tool error is tested separately)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base");
    let overlay = dir.path().join("overlays/prod");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::create_dir_all(&overlay).unwrap();
    std::fs::write(
        base.join("deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: web:1.0.0}]\n",
    )
    .unwrap();
    std::fs::write(
        base.join("kustomization.yaml"),
        "resources: [deployment.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        overlay.join("kustomization.yaml"),
        "resources: [../../base]\nnamespace: prod\npatches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 3\n",
    )
    .unwrap();
    let (report, _) = json_report(&[
        overlay.to_str().unwrap(),
        "--kustomize",
        "--check",
        "multiple-replicas",
        "--fail-on",
        "never",
    ]);
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    // Rendered: one Deployment, in the overlay's namespace, with the patched replica count.
    assert_eq!(report["summary"]["objects"], 1);
    let checks = report["summary"]["checks"].as_array().unwrap();
    let tally = checks
        .iter()
        .find(|c| c["check"] == "multiple-replicas")
        .unwrap();
    assert_eq!(
        (tally["passed"].as_u64(), tally["failed"].as_u64()),
        (Some(1), Some(0)),
        "{tally}"
    );
    // The base alone still has one replica: the overlay really was rendered, not read as files.
    let (base_report, _) = json_report(&[
        base.to_str().unwrap(),
        "--kustomize",
        "--check",
        "multiple-replicas",
        "--fail-on",
        "never",
    ]);
    let f = &base_report["findings"][0];
    assert_eq!(
        (f["check"].as_str(), f["object"]["namespace"].as_str()),
        (Some("multiple-replicas"), None)
    );
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("(kustomize build)"),
        "{f}"
    );
}
