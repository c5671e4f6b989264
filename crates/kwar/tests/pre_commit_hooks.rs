//! The pre-commit hooks (.pre-commit-hooks.yaml): they parse, select the files pre-commit
//! should react to, and their command line — run the way pre-commit runs it — reviews a
//! repository that also holds YAML and JSON files that are not manifests.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use kwar_yaml::{parse_document, split_documents};

fn hooks() -> Vec<serde_json::Value> {
    let path = workspace_root().join(".pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(&path).expect(".pre-commit-hooks.yaml exists");
    let chunks = split_documents(&text);
    assert_eq!(chunks.len(), 1, "one YAML document");
    let parsed = parse_document(&chunks[0]);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let [root] = <[_; 1]>::try_from(parsed.documents).expect("one document");
    root.to_json().as_array().expect("a list of hooks").clone()
}

fn hook(id: &str) -> serde_json::Value {
    hooks()
        .into_iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("no hook `{id}`"))
}

fn words(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => s.split_whitespace().map(String::from).collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().expect("string arguments").to_string())
            .collect(),
        other => panic!("not a command line: {other}"),
    }
}

/// A repository as pre-commit would find it: the example's manifests next to a CI workflow,
/// a package.json and a Helm chart's values.yaml, which are no manifests.
fn user_repository() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let repo = tempfile::tempdir().unwrap();
    copy(
        &workspace_root().join("examples/shop"),
        &repo.path().join("deploy"),
    );
    let workflows = repo.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(workflows.join("ci.yml"), "on: push\njobs: {}\n").unwrap();
    std::fs::write(repo.path().join("package.json"), "{\"name\": \"shop\"}\n").unwrap();
    repo
}

#[test]
fn hooks_react_to_yaml_and_json_files_only() {
    let all = hooks();
    let ids: Vec<_> = all.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["kwar", "kwar-system"]);
    for hook in &all {
        for key in ["id", "name", "entry", "language", "files"] {
            assert!(hook[key].is_string(), "{}: no `{key}`", hook["id"]);
        }
        let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
        for path in ["deploy/web.yaml", "k8s/db.yml", "rendered/all.json"] {
            assert!(files.is_match(path), "{}: {path}", hook["id"]);
        }
        for path in ["src/main.rs", "Chart.lock", "deploy/README.md"] {
            assert!(!files.is_match(path), "{}: {path}", hook["id"]);
        }
        // Cross-object checks need the whole tree, not the changed files alone.
        assert_eq!(hook["pass_filenames"], false, "{}", hook["id"]);
        assert_eq!(
            words(&hook["args"]),
            ["--fail-on", "high", "."],
            "{}",
            hook["id"]
        );
    }
}

#[test]
fn the_system_hook_runs_kwar_scan_and_gates_on_high_findings() {
    let hook = hook("kwar-system");
    assert_eq!(hook["language"], "system");
    let entry = words(&hook["entry"]);
    assert_eq!(entry, ["kwar", "scan"]);
    let repo = user_repository();
    // pre-commit runs `entry args…` in the repository's root.
    let out = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(&entry[1..])
        .args(words(&hook["args"]))
        .current_dir(repo.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the example has high findings; non-manifests are skipped, not errors:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("deploy/"), "{stdout}");
    assert!(!stdout.contains("Input errors"), "{stdout}");
}

#[test]
fn the_build_from_source_hook_runs_the_kwar_package() {
    let hook = hook("kwar");
    assert_eq!(hook["language"], "script");
    let entry = words(&hook["entry"]);
    assert_eq!(entry[1..], ["scan"]);
    let script = workspace_root().join(&entry[0]);
    let text =
        std::fs::read_to_string(&script).unwrap_or_else(|e| panic!("{}: {e}", script.display()));
    assert!(text.starts_with("#!/bin/sh\n"), "{text}");
    assert!(text.contains(" -p kwar -- \"$@\""), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{} is not executable", script.display());
    }
    let package = std::fs::read_to_string(workspace_root().join("crates/kwar/Cargo.toml")).unwrap();
    assert!(package.contains("name = \"kwar\""));
}
