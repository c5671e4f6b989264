//! Fixture-driven tests: `fixtures/<check-id>.yaml` holds real manifests; every object that
//! carries the annotation `kwar.test/expect` states the worst verdict the check must give it
//! (`pass`, `warn`, `fail`, `unknown`, or `none` for "out of scope: not evaluated").
//!
//! A fixture is split into cases at each `kwar.io/v1alpha1 Cluster` document: the documents
//! before the first one are a manifests-only case, and each Cluster document starts a case of
//! its own (a whole cluster, or one with unreadable resources), so one file can show a check
//! both finding a component and missing it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use kwar_catalog::Catalog;
use kwar_inventory::{Inventory, CLUSTER_API_VERSION, CLUSTER_KIND};
use kwar_source::{read_objects, Origin, RawObject, SourceText};

use crate::{all_checks, run_checks, CheckDef, Outcomes, Params, Verdict};

pub const EXPECT_ANNOTATION: &str = "kwar.test/expect";

pub fn fixture_path(check: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{check}.yaml"))
}

/// Reads a fixture into one inventory per case (see the module comment); fixtures must read
/// without errors.
pub fn load_cases(path: &PathBuf) -> Vec<Inventory> {
    let mut cases: Vec<Vec<RawObject>> = vec![Vec::new()];
    for raw in read_fixture(path) {
        let is_cluster = raw.root.get("kind").and_then(|k| k.as_str()) == Some(CLUSTER_KIND)
            && raw.root.get("apiVersion").and_then(|k| k.as_str()) == Some(CLUSTER_API_VERSION);
        if is_cluster {
            cases.push(Vec::new());
        }
        cases.last_mut().expect("starts with one case").push(raw);
    }
    cases
        .into_iter()
        .filter(|case| !case.is_empty())
        .map(Inventory::build)
        .collect()
}

/// Reads a fixture into a single inventory (fixtures without Cluster documents).
pub fn load(path: &PathBuf) -> Inventory {
    Inventory::build(read_fixture(path))
}

fn read_fixture(path: &PathBuf) -> Vec<RawObject> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let set = read_objects(
        vec![SourceText {
            name: path.display().to_string().into(),
            text,
            origin: Origin::Named,
        }
        .into()],
        Vec::new(),
    );
    assert!(
        set.errors.is_empty(),
        "{}: {:?}",
        path.display(),
        set.errors
    );
    set.objects
}

pub fn run_one(check: &'static CheckDef, inv: &Inventory) -> Outcomes {
    let detections = kwar_detect::Detections::detect(inv);
    run_checks(inv, &detections, &Params::default(), &[check])
        .pop()
        .unwrap()
}

/// Compares expectations with outcomes; returns the mismatches as readable lines.
fn mismatches(check: &'static CheckDef) -> Result<(Vec<String>, BTreeMap<String, usize>), String> {
    let path = fixture_path(check.id);
    if !path.exists() {
        return Err(format!("{}: no fixture at {}", check.id, path.display()));
    }
    let mut problems = Vec::new();
    let mut expected_counts = BTreeMap::new();
    for inv in load_cases(&path) {
        compare_case(check, &inv, &mut problems, &mut expected_counts);
    }
    Ok((problems, expected_counts))
}

fn compare_case(
    check: &'static CheckDef,
    inv: &Inventory,
    problems: &mut Vec<String>,
    expected_counts: &mut BTreeMap<String, usize>,
) {
    let out = run_one(check, inv);
    for object in inv.objects() {
        let Some(expect) = object.annotation(EXPECT_ANNOTATION) else {
            continue;
        };
        *expected_counts.entry(expect.to_string()).or_default() += 1;
        let worst = out
            .verdicts
            .iter()
            .filter(|(id, _)| *id == object.id)
            .map(|(_, v)| *v)
            .max();
        let got = worst.map_or("none", Verdict::id);
        if got != expect {
            let messages: Vec<_> = out
                .findings
                .iter()
                .filter(|f| f.subject.object == object.id)
                .map(|f| f.message.as_str())
                .collect();
            problems.push(format!(
                "{}: {} (line {}): expected {expect}, got {got} {messages:?}",
                check.id,
                object.display_name(),
                object.pos().line
            ));
        }
    }
}

#[test]
fn every_check_meets_its_fixture() {
    let catalog = Catalog::embedded();
    let mut problems = Vec::new();
    // KWAR_FIXTURE_CHECKS=a,b limits the run to some checks while they are being written.
    let only = std::env::var("KWAR_FIXTURE_CHECKS").ok();
    let selected = |id: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|x| x.trim() == id))
    };
    for check in all_checks().into_iter().filter(|c| selected(c.id)) {
        let Some(spec) = catalog.check(check.id) else {
            problems.push(format!("{}: not a catalog check id", check.id));
            continue;
        };
        match mismatches(check) {
            Err(e) => problems.push(e),
            Ok((found, counts)) => {
                problems.extend(found);
                let worst = if spec.fail.is_some() { "fail" } else { "warn" };
                for needed in ["pass", worst] {
                    if !counts.contains_key(needed) {
                        problems.push(format!(
                            "{}: fixture has no object expected to {needed}",
                            check.id
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn check_ids_are_unique_and_documented() {
    let mut ids: Vec<_> = all_checks().iter().map(|c| c.id).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate check ids in the registry");
    for check in all_checks() {
        let doc = check.documentation();
        for heading in ["## What it checks", "## Why it matters", "## How to fix"] {
            assert!(
                doc.contains(heading),
                "{}: doc comment lacks `{heading}`",
                check.id
            );
        }
    }
}

#[test]
fn every_manifest_check_of_the_catalog_is_implemented() {
    let registered: Vec<_> = all_checks().iter().map(|c| c.id).collect();
    let missing: Vec<_> = Catalog::embedded()
        .checks
        .iter()
        .filter(|c| c.mode == kwar_catalog::Mode::Manifest && !registered.contains(&c.id.as_str()))
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "manifest checks without an implementation: {missing:?}"
    );
}

/// Issue 4: every cluster-mode check of the application, cluster-ready and operational
/// checklists is implemented (the other areas' cluster checks are pillar-level and partly
/// need AWS evidence; they are listed in the issue notes).
#[test]
fn every_cluster_check_of_the_three_checklists_is_implemented() {
    let catalog = Catalog::embedded();
    let registered: Vec<_> = all_checks().iter().map(|c| c.id).collect();
    let missing: Vec<_> = catalog
        .checks
        .iter()
        .filter(|c| c.mode == kwar_catalog::Mode::Cluster)
        .filter(|c| {
            catalog.item(&c.item).is_some_and(|i| {
                matches!(i.area.as_str(), "application" | "cluster" | "operational")
            })
        })
        .filter(|c| !registered.contains(&c.id.as_str()))
        .map(|c| c.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "cluster checks without an implementation: {missing:?}"
    );
    // A stub is not an implementation.
    let stubs: Vec<_> = all_checks()
        .into_iter()
        .filter(|c| c.doc.contains("Not written yet"))
        .map(|c| c.id)
        .collect();
    assert!(stubs.is_empty(), "checks still stubs: {stubs:?}");
}
