//! Shared by the CLI integration tests: runs the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The shared corpus, when this checkout has it (CI does; a user's clone may not).
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("KWAR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/corpus"));
    dir.is_dir().then_some(dir)
}

pub fn kwar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(args)
        .current_dir(workspace_root())
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("kwar runs")
}

/// `kwar scan --format FORMAT ARGS…`, asserting it did not panic.
pub fn scan_output(format: &str, args: &[&str]) -> Output {
    let mut all = vec!["scan", "--format", format];
    all.extend_from_slice(args);
    let out = kwar(&all);
    assert_ne!(
        out.status.code(),
        Some(101),
        "kwar panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn json_report(args: &[&str]) -> (serde_json::Value, Option<i32>) {
    let out = scan_output("json", args);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code())
}

fn validator_for_file(path: &std::path::Path) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the report schema compiles")
}

/// The schemas a report must satisfy: the project's copy (which documents the fields kwar
/// adds) and, where this checkout has it, the shared contract itself.
pub fn schema_validators() -> Vec<(String, jsonschema::Validator)> {
    let mut out = vec![(
        "docs/report-schema.json".to_string(),
        validator_for_file(&workspace_root().join("docs/report-schema.json")),
    )];
    let shared = workspace_root().join("../shared/design/report-schema.json");
    if shared.is_file() {
        out.push((shared.display().to_string(), validator_for_file(&shared)));
    }
    out
}

pub fn assert_schema_valid(report: &serde_json::Value) {
    for (name, validator) in schema_validators() {
        let errors: Vec<String> = validator
            .iter_errors(report)
            .take(10)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "report violates {name}:\n{}",
            errors.join("\n")
        );
    }
}

/// `(check, kind, name)` of every finding.
pub fn findings(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["object"]["kind"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap().to_string(),
                f["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
