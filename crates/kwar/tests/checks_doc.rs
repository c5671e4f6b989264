//! The rule documentation: `kwar rules` in its three formats, the generated docs/checks.md,
//! and the failing examples `kwar explain` prints, which `kwar scan` must flag.

mod common;

use common::*;

fn stdout(args: &[&str]) -> String {
    let out = kwar(args);
    assert!(
        out.status.success(),
        "kwar {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn rules_json(args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["rules", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str::<serde_json::Value>(&stdout(&all))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn docs_checks_md_is_the_generated_reference() {
    let generated = stdout(&["rules", "--format", "markdown"]);
    let path = workspace_root().join("docs/checks.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let first_difference = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "docs/checks.md is stale: run `cargo run -p kwar -- rules --format markdown > docs/checks.md` \
             (first difference at line {})",
            first_difference + 1
        );
    }
    for rule in rules_json(&[]) {
        let id = rule["check"].as_str().unwrap();
        assert!(generated.contains(&format!("\n## {id}\n")), "{id}");
        assert!(generated.contains(&format!("[{id}](#{id})")), "{id}");
    }
}

#[test]
fn rules_are_filtered_by_pillar_and_area() {
    let all = rules_json(&[]);
    let cost = rules_json(&["--pillar", "cost"]);
    assert!(!cost.is_empty() && cost.len() < all.len());
    assert!(cost
        .iter()
        .all(|r| r["pillars"].as_array().unwrap().contains(&"cost".into())));
    let cluster_security = rules_json(&["--area", "cluster", "--pillar", "security"]);
    assert!(!cluster_security.is_empty());
    assert!(cluster_security.iter().all(|r| r["area"] == "cluster"));

    let table = stdout(&["rules", "--area", "cost"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("CHECK") && lines[0].ends_with("ITEM"),
        "{table}"
    );
    let cost_area = rules_json(&["--area", "cost"]);
    assert_eq!(lines.len(), cost_area.len() + 1, "{table}");
    for (line, rule) in lines[1..].iter().zip(&cost_area) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(columns[0], rule["check"]);
        assert_eq!(columns[1], rule["severity"]);
        assert_eq!(columns[2], "cost");
        assert_eq!(columns[4], rule["item"]);
    }

    let bad = kwar(&["rules", "--pillar", "speed"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown pillar `speed`"));
    assert_eq!(kwar(&["rules", "--area", "nowhere"]).status.code(), Some(2));
}

/// What the documentation shows as failing is what `kwar scan` reports, through the real CLI.
/// (The examples are read from the Markdown reference, which holds the `kwar explain` text of
/// every check, to spare a process per check.)
#[test]
fn every_documented_failing_example_is_flagged_by_scan() {
    let reference = stdout(&["rules", "--format", "markdown"]);
    let dir = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for rule in rules_json(&[]) {
        let id = rule["check"].as_str().unwrap();
        let Some(yaml) = reference
            .split_once(&format!("\n## {id}\n"))
            .and_then(|(_, section)| section.split_once("### Failing example\n```yaml\n"))
            .and_then(|(before, rest)| (!before.contains("\n## ")).then_some(rest))
            .and_then(|rest| rest.split_once("\n```\n"))
            .map(|(yaml, _)| yaml)
        else {
            problems.push(format!("{id}: no failing example"));
            continue;
        };
        let file = dir.path().join(format!("{id}.yaml"));
        std::fs::write(&file, yaml).unwrap();
        let (report, code) =
            json_report(&[file.to_str().unwrap(), "--check", id, "--fail-on", "never"]);
        if code != Some(0) || !report["errors"].as_array().unwrap().is_empty() {
            problems.push(format!("{id}: exit {code:?}, errors {}", report["errors"]));
            continue;
        }
        let flagged = findings(&report)
            .iter()
            .any(|(check, _, _, result)| check == id && (result == "fail" || result == "warn"));
        if !flagged {
            problems.push(format!("{id}: scan does not flag the example:\n{yaml}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn explain_shows_a_detector_entry_for_every_detector_a_check_names() {
    // Presence checks name the detectors they looked for and point at `kwar explain`.
    for id in [
        "prometheus",
        "metrics-server",
        "ack-higher-level-services",
        "karpenter",
    ] {
        let text = stdout(&["explain", id]);
        assert!(text.starts_with(&format!("# detector {id}\n")), "{text}");
        assert!(text.contains("what: "), "{text}");
        assert!(!text.contains("# ITEMS"), "{text}");
        assert!(text.trim_end().ends_with("```"), "{text}");
    }
    let out = kwar(&["explain", "no-such-thing"]);
    assert_eq!(out.status.code(), Some(2));
}
