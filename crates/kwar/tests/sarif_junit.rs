//! `--format sarif` and `--format junit` on real manifests: the SARIF log validates against
//! the OASIS SARIF 2.1.0 schema (docs/sarif-schema-2.1.0.json) and says what the JSON report
//! says; the JUnit XML parses with an independent XML parser and its counts match the JSON
//! report's findings.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use serde_json::Value;

fn sarif_report(args: &[&str]) -> (Value, Option<i32>) {
    let out = scan_output("sarif", args);
    let log = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(2000)])
        )
    });
    (log, out.status.code())
}

fn junit_xml(args: &[&str]) -> (String, Option<i32>) {
    let out = scan_output("junit", args);
    (
        String::from_utf8(out.stdout).expect("UTF-8"),
        out.status.code(),
    )
}

fn assert_sarif_schema_valid(log: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("docs/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(log)
        .take(10)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF log violates the OASIS schema:\n{}",
        errors.join("\n")
    );
}

fn expected_level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

/// Everything the SARIF log must agree on with the JSON report of the same scan.
fn assert_sarif_matches_report(log: &Value, report: &Value) {
    assert_sarif_schema_valid(log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let ran: Vec<&str> = report["summary"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(rule_ids, ran, "one rule per check that ran, in order");
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            rule["helpUri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("docs/checks.md#{id}")),
            "{rule}"
        );
        assert!(!rule["help"]["markdown"].as_str().unwrap().is_empty());
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags
            .iter()
            .any(|t| t.as_str().unwrap().starts_with("item:")));
        assert!(tags
            .iter()
            .any(|t| t.as_str().unwrap().starts_with("area:")));
    }

    let results = run["results"].as_array().unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len(), "one result per finding");
    for (result, finding) in results.iter().zip(findings) {
        let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(result["ruleId"], finding["check"]);
        assert_eq!(rules[rule_index]["id"], finding["check"]);
        assert_eq!(
            result["partialFingerprints"]["kwar/v1"],
            finding["fingerprint"]
        );
        assert_eq!(result["message"]["text"], finding["message"]);
        match finding["result"].as_str().unwrap() {
            "unknown" => {
                assert_eq!(result["kind"], "review");
                assert_eq!(result["level"], "none");
            }
            _ => {
                assert_eq!(result["kind"], "fail");
                assert_eq!(
                    result["level"],
                    expected_level(finding["severity"].as_str().unwrap())
                );
            }
        }
        let location = &result["locations"][0];
        let region = &location["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{result}");
        assert!(region["startColumn"].as_u64().unwrap() >= 1, "{result}");
        assert_eq!(region["startLine"], finding["location"]["line"]);
        // Relative paths are relative to the source root; absolute ones are file URIs.
        let artifact = &location["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        let given = finding["location"]["file"].as_str().unwrap();
        if given.starts_with('/') {
            assert!(uri.starts_with("file:///"), "{uri}");
            assert!(artifact.get("uriBaseId").is_none());
        } else {
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        }
        let object = &finding["object"];
        let name = match object["namespace"].as_str() {
            Some(ns) => format!(
                "{}/{ns}/{}",
                object["kind"].as_str().unwrap(),
                object["name"].as_str().unwrap()
            ),
            None => format!(
                "{}/{}",
                object["kind"].as_str().unwrap(),
                object["name"].as_str().unwrap()
            ),
        };
        assert_eq!(
            location["logicalLocations"][0]["fullyQualifiedName"],
            name.as_str()
        );
        assert_eq!(
            result.get("suppressions").is_some(),
            !finding["suppressed"].is_null(),
            "{result}"
        );
    }

    let invocation = &run["invocations"][0];
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(invocation["executionSuccessful"], errors.is_empty());
    let notes = invocation["toolExecutionNotifications"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(notes, errors.len());
}

#[test]
fn sarif_for_the_example_validates_and_matches_the_json_report() {
    let (log, code) = sarif_report(&["examples/shop"]);
    let (report, json_code) = json_report(&["examples/shop"]);
    assert_eq!(code, json_code, "the format does not change the exit code");
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_sarif_matches_report(&log, &report);
    // The schema check is not vacuous: a level SARIF does not know is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("docs/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    assert!(!jsonschema::validator_for(&schema)
        .unwrap()
        .is_valid(&broken));
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("examples/shop/"),
        "relative as given: {uri}"
    );
}

#[test]
fn sarif_for_the_corpus_validates_and_matches_the_json_report() {
    let Some(corpus) = corpus() else {
        println!("skipped: the shared corpus (../shared/corpus) is not present");
        return;
    };
    let path = corpus.to_str().unwrap();
    let (log, _) = sarif_report(&[path, "--fail-on", "never"]);
    let (report, _) = json_report(&[path, "--fail-on", "never"]);
    assert!(log["runs"][0]["results"].as_array().unwrap().len() > 100);
    // The corpus holds files that do not parse: they are notifications, not results.
    assert!(!report["errors"].as_array().unwrap().is_empty());
    assert_sarif_matches_report(&log, &report);
    let note = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    assert!(note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
}

#[test]
fn sarif_keeps_inline_suppressions_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("web.yaml");
    std::fs::write(
        &file,
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    kwar.io/ignore: "readiness-probe-defined"
    kwar.io/ignore-reason: "served through the mesh sidecar, which probes it"
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
          ports: [{containerPort: 8080}]
"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (log, _) = sarif_report(&[
        path,
        "--check",
        "readiness-probe-defined",
        "--fail-on",
        "never",
    ]);
    assert_sarif_schema_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(
        results[0]["suppressions"][0],
        serde_json::json!({
            "kind": "inSource",
            "status": "accepted",
            "justification": "served through the mesh sidecar, which probes it"
        })
    );
    // An absolute path given on the command line stays absolute, as a file URI.
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/web.yaml"),
        "{uri}"
    );
}

#[test]
fn input_errors_become_notifications_and_error_cases() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: [\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();

    let (log, code) = sarif_report(&[path]);
    assert_eq!(code, Some(2));
    assert_sarif_schema_valid(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "error");
    let location = &note["locations"][0]["physicalLocation"];
    assert!(location["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("/broken.yaml"));
    assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);

    let (xml, code) = junit_xml(&[path]);
    assert_eq!(code, Some(2));
    let doc = roxmltree::Document::parse(&xml).expect("JUnit XML parses");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("input-errors"))
        .expect("an input-errors suite");
    assert_eq!(suite.attribute("errors"), Some("1"));
    let error = suite
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert_eq!(error.attribute("type"), Some("input-error"));
}

/// Per check: (failures, skipped, findings) as the JSON report counts them.
fn expected_counts(report: &Value) -> BTreeMap<String, (usize, usize, usize)> {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let entry = counts
            .entry(f["check"].as_str().unwrap().into())
            .or_default();
        entry.2 += 1;
        let suppressed = !f["suppressed"].is_null();
        match f["result"].as_str().unwrap() {
            "fail" | "warn" if !suppressed => entry.0 += 1,
            _ => entry.1 += 1,
        }
    }
    counts
}

fn assert_junit_matches_report(xml: &str, report: &Value) {
    let doc = roxmltree::Document::parse(xml).expect("JUnit XML parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let counts = expected_counts(report);
    let passed: BTreeMap<&str, u64> = report["summary"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["passed"].as_u64().unwrap()))
        .collect();

    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let check_suites: Vec<_> = suites
        .iter()
        .filter(|s| s.attribute("name") != Some("input-errors"))
        .collect();
    let names: BTreeSet<&str> = check_suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(
        names,
        passed.keys().copied().collect(),
        "a suite per check that ran"
    );

    let (mut total_failures, mut total_tests) = (0, 0);
    for suite in check_suites {
        let check = suite.attribute("name").unwrap();
        let (failures, skipped, findings) = counts.get(check).copied().unwrap_or_default();
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let with = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                .count()
        };
        let passing_case = usize::from(passed[check] > 0);
        assert_eq!(cases.len(), findings + passing_case, "{check}");
        assert_eq!(with("failure"), failures, "{check}");
        assert_eq!(with("skipped"), skipped, "{check}");
        assert_eq!(
            suite.attribute("failures"),
            Some(failures.to_string().as_str())
        );
        assert_eq!(
            suite.attribute("tests"),
            Some(cases.len().to_string().as_str())
        );
        for case in &cases {
            if let Some(failure) = case.children().find(|n| n.has_tag_name("failure")) {
                assert!(["critical", "high", "medium", "low", "info"]
                    .contains(&failure.attribute("type").unwrap()));
                let text = failure.text().unwrap_or_default();
                let place = text.lines().nth(1).unwrap_or_default();
                let mut parts = place.rsplitn(3, ':');
                let (column, line) = (parts.next().unwrap(), parts.next().unwrap());
                assert!(line.parse::<u32>().unwrap() >= 1, "{text}");
                assert!(column.parse::<u32>().unwrap() >= 1, "{text}");
            }
        }
        total_failures += failures;
        total_tests += cases.len();
    }
    let errors = report["errors"].as_array().unwrap().len();
    assert_eq!(
        root.attribute("failures"),
        Some(total_failures.to_string().as_str())
    );
    assert_eq!(root.attribute("errors"), Some(errors.to_string().as_str()));
    assert_eq!(
        root.attribute("tests"),
        Some((total_tests + errors).to_string().as_str())
    );
}

#[test]
fn junit_for_the_example_parses_and_matches_the_json_report() {
    let (xml, code) = junit_xml(&["examples/shop"]);
    let (report, json_code) = json_report(&["examples/shop"]);
    assert_eq!(code, json_code);
    assert!(expected_counts(&report).values().any(|c| c.0 > 0));
    assert_junit_matches_report(&xml, &report);
}

#[test]
fn junit_for_the_corpus_parses_and_matches_the_json_report() {
    let Some(corpus) = corpus() else {
        println!("skipped: the shared corpus (../shared/corpus) is not present");
        return;
    };
    let path = corpus.to_str().unwrap();
    let (xml, _) = junit_xml(&[path, "--fail-on", "never"]);
    let (report, _) = json_report(&[path, "--fail-on", "never"]);
    assert_junit_matches_report(&xml, &report);
}
