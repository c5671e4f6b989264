//! Custom CEL rules end to end: a rule pack given with `--rules` runs over the example shop
//! next to the built-in checks; broken rules stop the run before anything is scanned.

mod common;

use std::path::Path;

use common::{assert_schema_valid, json_report, kwar};
use serde_json::Value;

/// The rules docs/custom-rules.md shows, as a team would share them.
const PACK: &str = r#"# Our platform's rules.
rules:
  - id: ecr-only
    match:
      kinds: [Deployment, StatefulSet]
      apiGroups: [apps]
    expression: >-
      object.spec.template.spec.containers.all(c,
        c.image.startsWith('123456789012.dkr.ecr.'))
    message: images must come from our ECR registry
    severity: high
    item: cluster-image-registry
    remediation: Push the image to 123456789012.dkr.ecr.eu-west-1.amazonaws.com and deploy it from there.
  - id: owner-label
    match: {kinds: [Deployment]}
    expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: every Deployment names its owning team in the `team` label
    severity: low
    pillars: [operational-excellence]
  - id: memory-under-2gi
    match: {kinds: [Deployment]}
    expression: >-
      object.spec.template.spec.containers.all(c,
        quantity(c.resources.limits.memory).isLessThan(quantity('2Gi')))
    message: containers are limited to less than 2Gi of memory
    pillars: [cost]
  - id: namespace-has-owner
    match:
      kinds: [Deployment, CronJob, Pod]
    expression: >-
      namespaceObject != null && has(namespaceObject.metadata.labels) &&
      'team' in namespaceObject.metadata.labels
    message: workloads run in a namespace that names its owning team
    severity: info
"#;

fn write_pack(dir: &Path, text: &str) -> String {
    let path = dir.join("rules.yaml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// `(check, kind/name, result)` of every custom-rule finding, sorted.
fn custom_findings(report: &Value) -> Vec<(String, String, String)> {
    let mut found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("custom:"))
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                format!(
                    "{}/{}",
                    f["object"]["kind"].as_str().unwrap(),
                    f["object"]["name"].as_str().unwrap()
                ),
                f["result"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

fn tally<'a>(report: &'a Value, check: &str) -> &'a Value {
    report["summary"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["check"] == check)
        .unwrap_or_else(|| panic!("no tally for {check}"))
}

#[test]
fn a_rule_pack_runs_on_the_example_shop() {
    let dir = tempfile::tempdir().unwrap();
    let pack = write_pack(dir.path(), PACK);
    let (report, code) = json_report(&["examples/shop", "--rules", &pack, "--fail-on", "never"]);
    assert_eq!(code, Some(0));
    assert_schema_valid(&report);

    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        custom_findings(&report),
        vec![
            s("custom:ecr-only", "Deployment/inventory-sync", "fail"),
            s("custom:ecr-only", "Deployment/payments-api", "fail"),
            s("custom:ecr-only", "Deployment/report-worker", "fail"),
            s(
                "custom:memory-under-2gi",
                "Deployment/inventory-sync",
                "fail"
            ),
            // report-worker sets no limits: the expression cannot be evaluated.
            s(
                "custom:memory-under-2gi",
                "Deployment/report-worker",
                "unknown"
            ),
            s(
                "custom:namespace-has-owner",
                "Deployment/inventory-sync",
                "fail"
            ),
            s(
                "custom:namespace-has-owner",
                "Deployment/report-worker",
                "fail"
            ),
            s("custom:namespace-has-owner", "Pod/edge-proxy", "fail"),
            s("custom:owner-label", "Deployment/payments-api", "fail"),
            s("custom:owner-label", "Deployment/report-worker", "fail"),
        ]
    );
    // Passing objects count too (scores need them).
    let counts = |check: &str| {
        let t = tally(&report, check);
        (
            t["passed"].as_u64(),
            t["failed"].as_u64(),
            t["unknown"].as_u64(),
        )
    };
    assert_eq!(counts("custom:ecr-only"), (Some(2), Some(3), Some(0)));
    assert_eq!(counts("custom:owner-label"), (Some(3), Some(2), Some(0)));
    assert_eq!(
        counts("custom:memory-under-2gi"),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!(
        counts("custom:namespace-has-owner"),
        (Some(4), Some(3), Some(0))
    );

    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "custom:ecr-only" && f["object"]["name"] == "payments-api")
        .unwrap();
    assert_eq!(finding["item"], "cluster-image-registry");
    assert_eq!(finding["area"], "cluster");
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["message"], "images must come from our ECR registry");
    assert!(finding["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("payments-rendered.yaml"));
    assert_eq!(finding["location"]["line"], 76);

    let unknown = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "custom:memory-under-2gi" && f["result"] == "unknown")
        .unwrap();
    assert_eq!(unknown["severity"], "info");
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("could not be evaluated"));

    // A rule's findings gate like any other: with only a low built-in check running beside
    // the rule, the rule's high findings are what fail the default threshold.
    let out = kwar(&[
        "scan",
        "examples/shop",
        "--rules",
        &pack,
        "--check",
        "traceable-tag,custom:ecr-only",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("custom:ecr-only"), "{text}");
}

#[test]
fn a_broken_rule_stops_the_run_before_scanning() {
    let dir = tempfile::tempdir().unwrap();
    let pack = write_pack(
        dir.path(),
        "rules:\n  - id: ok\n    expression: \"true\"\n  - id: broken\n    expression: \"object.spec.replicas >\"\n  - id: typo\n    expression: objct.kind == 'Pod'\n",
    );
    let out = kwar(&[
        "scan",
        "examples/shop",
        "--format",
        "json",
        "--rules",
        &pack,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no report is written");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{pack}:5:17: CEL syntax error")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{pack}:7:17: undeclared reference to `objct`")),
        "{stderr}"
    );
}

#[test]
fn a_missing_or_shapeless_rule_pack_is_a_usage_error() {
    let out = kwar(&["scan", "examples/shop", "--rules", "no/such/rules.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/rules.yaml"));

    let dir = tempfile::tempdir().unwrap();
    let pack = write_pack(dir.path(), "checks: {}\n");
    let out = kwar(&["scan", "examples/shop", "--rules", &pack]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no top-level `rules:` list"));
}

#[test]
fn rules_in_the_config_file_run_and_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kwar.yaml");
    std::fs::write(&config, PACK).unwrap();
    let config = config.to_string_lossy().into_owned();
    let (report, _) = json_report(&["examples/shop", "--config", &config]);
    assert_eq!(custom_findings(&report).len(), 10);

    std::fs::write(
        &config,
        "rules:\n  - id: broken\n    expression: \"object.metadata.labels.all(k, v, v != '')\"\n",
    )
    .unwrap();
    let out = kwar(&["scan", "examples/shop", "--config", &config]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{config}:3:17: the two-variable form of `all`")),
        "{stderr}"
    );
}

/// The rule pack over real-world manifests: every matching object gets a verdict, nothing
/// panics, and the report keeps its contract.
#[test]
fn the_rule_pack_runs_over_the_corpus() {
    let Some(corpus) = common::corpus() else {
        eprintln!("skipped: the shared corpus is not present in this checkout");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pack = write_pack(dir.path(), PACK);
    let corpus = corpus.to_string_lossy().into_owned();
    let (report, code) = json_report(&[&corpus, "--rules", &pack, "--fail-on", "never"]);
    assert_ne!(code, Some(101));
    assert_schema_valid(&report);
    for check in [
        "custom:ecr-only",
        "custom:owner-label",
        "custom:memory-under-2gi",
    ] {
        let t = tally(&report, check);
        let evaluated: u64 = ["passed", "failed", "unknown"]
            .iter()
            .map(|k| t[k].as_u64().unwrap())
            .sum();
        assert!(evaluated > 50, "{check} evaluated only {evaluated} objects");
    }
}

#[test]
fn check_and_skip_check_select_custom_rules_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let pack = write_pack(dir.path(), PACK);
    // Only one custom rule and one catalog check run.
    let (report, _) = json_report(&[
        "examples/shop",
        "--rules",
        &pack,
        "--check",
        "custom:ecr-only,not-privileged",
        "--fail-on",
        "never",
    ]);
    let mut ran: Vec<&str> = report["summary"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["check"].as_str().unwrap())
        .collect();
    ran.sort_unstable();
    assert_eq!(ran, ["custom:ecr-only", "not-privileged"]);
    // Skipping a custom rule removes it and nothing else of the pack.
    let (report, _) = json_report(&[
        "examples/shop",
        "--rules",
        &pack,
        "--skip-check",
        "custom:ecr-only",
        "--fail-on",
        "never",
    ]);
    let customs: Vec<&str> = report["summary"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["check"].as_str().unwrap())
        .filter(|c| c.starts_with("custom:"))
        .collect();
    assert!(
        !customs.contains(&"custom:ecr-only") && customs.contains(&"custom:memory-under-2gi"),
        "{customs:?}"
    );
    // An unknown custom id is a usage error, as for catalog ids.
    let out = kwar(&[
        "scan",
        "examples/shop",
        "--rules",
        &pack,
        "--check",
        "custom:nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
