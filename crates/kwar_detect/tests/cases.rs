//! Table-driven detection cases (`cases.yaml`): manifests read through kwar_source into an
//! inventory, then detected; and the coverage rule that every catalog detector has a
//! positive case.

use std::collections::BTreeSet;

use kwar_catalog::Catalog;
use kwar_detect::{Detection, Detections, Reason};
use kwar_inventory::Inventory;
use kwar_source::{read_objects, Origin, SourceText};
use kwar_yaml::{parse_document, split_documents, Node};

const CASES: &str = include_str!("cases.yaml");

fn inventory(name: &str, text: &str) -> Inventory {
    let set = read_objects(
        vec![SourceText {
            name: format!("{name}.yaml").into(),
            text: text.into(),
            origin: Origin::Named,
        }
        .into()],
        Vec::new(),
    );
    assert!(set.errors.is_empty(), "{name}: {:?}", set.errors);
    Inventory::build(set.objects)
}

fn cases() -> Node {
    let chunks = split_documents(CASES);
    let parsed = parse_document(&chunks[0]);
    assert!(parsed.errors.is_empty(), "cases.yaml: {:?}", parsed.errors);
    parsed
        .documents
        .into_iter()
        .next()
        .expect("a list of cases")
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::scalar_text)
        .collect()
}

fn found<'a>(d: &'a Detections, case: &str, id: &str) -> &'a Detection {
    d.get(id).unwrap_or_else(|| {
        let all: Vec<_> = d.iter().map(|x| x.detector).collect();
        panic!("{case}: {id} not detected; found {all:?}")
    })
}

fn explain(d: &Detection) -> String {
    d.matches
        .iter()
        .map(|m| format!("  {} {} [{}]", m.signal, m.detail, m.pattern))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn detection_cases() {
    let root = cases();
    assert!(
        root.items().len() > 60,
        "cases.yaml was not read as a list of cases"
    );
    let mut failures = Vec::new();
    for case in root.items() {
        let name = case.get("name").and_then(Node::as_str).unwrap_or("?");
        let manifests = case.get("manifests").and_then(Node::as_str).unwrap_or("");
        let inv = inventory(name, manifests);
        let d = Detections::detect(&inv);
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(name, case, &d)));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(msg);
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check(name: &str, case: &Node, d: &Detections) {
    if case.get("none").and_then(Node::as_bool) == Some(true) {
        let all: Vec<_> = d
            .iter()
            .map(|x| format!("{}:\n{}", x.detector, explain(x)))
            .collect();
        assert!(d.is_empty(), "{name}: expected nothing, found {all:?}");
    }
    for id in strings(case.get("present")) {
        found(d, name, &id);
    }
    for id in strings(case.get("absent")) {
        if let Some(x) = d.get(&id) {
            panic!("{name}: {id} must not be detected:\n{}", explain(x));
        }
    }
    for id in strings(case.get("obsolete")) {
        let x = found(d, name, &id);
        assert!(
            x.is_obsolete(),
            "{name}: {id} should be obsolete:\n{}",
            explain(x)
        );
    }
    for id in strings(case.get("current")) {
        let x = found(d, name, &id);
        assert!(
            !x.is_obsolete(),
            "{name}: {id} should not be obsolete:\n{}",
            explain(x)
        );
    }
    for (id, version) in case.get("versions").map(Node::entries).unwrap_or_default() {
        let id = id.as_str().unwrap();
        let x = found(d, name, id);
        assert_eq!(
            x.version(),
            version.scalar_text().as_deref(),
            "{name}: version of {id}:\n{}",
            explain(x)
        );
    }
    for (id, signals) in case.get("signals").map(Node::entries).unwrap_or_default() {
        let id = id.as_str().unwrap();
        let x = found(d, name, id);
        let have: BTreeSet<&str> = x.matches.iter().map(|m| m.signal.id()).collect();
        for s in strings(Some(signals)) {
            assert!(
                have.contains(s.as_str()),
                "{name}: {id} lacks a {s} match:\n{}",
                explain(x)
            );
        }
    }
    for (id, note) in case.get("notes").map(Node::entries).unwrap_or_default() {
        let id = id.as_str().unwrap();
        let x = found(d, name, id);
        let note = note.as_str().unwrap();
        assert!(
            x.matches
                .iter()
                .any(|m| m.note.is_some_and(|n| n.contains(note))),
            "{name}: no {id} match noted `{note}`:\n{}",
            explain(x)
        );
    }
    for (id, settings) in case.get("settings").map(Node::entries).unwrap_or_default() {
        let id = id.as_str().unwrap();
        let x = found(d, name, id);
        for (key, value) in settings.entries() {
            let key = key.as_str().unwrap();
            let want = value.scalar_text().filter(|v| !v.is_empty());
            let got = x
                .setting(key)
                .unwrap_or_else(|| panic!("{name}: {id} lacks setting {key}: {:?}", x.settings));
            assert_eq!(got.value, want, "{name}: {id} setting {key}");
        }
    }
    for (id, n) in case
        .get("workload_matches")
        .map(Node::entries)
        .unwrap_or_default()
    {
        let id = id.as_str().unwrap();
        let x = found(d, name, id);
        let count = x.matches_of(kwar_detect::Signal::Workload).count() as i64;
        assert_eq!(
            Some(count),
            n.as_i64(),
            "{name}: workload matches of {id}:\n{}",
            explain(x)
        );
    }
}

/// Every detector of the catalog has at least one positive case.
#[test]
fn every_detector_has_a_positive_case() {
    let root = cases();
    let covered: BTreeSet<String> = root
        .items()
        .iter()
        .flat_map(|c| {
            let mut ids = strings(c.get("present"));
            ids.extend(strings(c.get("obsolete")));
            ids.extend(strings(c.get("current")));
            ids
        })
        .collect();
    let missing: Vec<_> = Catalog::embedded()
        .detectors
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "detectors without a positive case: {missing:?}"
    );
}

/// The engine knows every catalog detector and interprets every signal; only AWS evidence,
/// comments and signals the catalog calls ambiguous are left out.
#[test]
fn every_catalog_signal_is_interpreted() {
    let catalog: Vec<&str> = Catalog::embedded()
        .detectors
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    let engine: Vec<&str> = kwar_detect::detector_ids().collect();
    assert_eq!(catalog, engine);
    let uninterpreted: Vec<_> = kwar_detect::unevaluated()
        .iter()
        .filter(|u| matches!(u.reason, Reason::Uninterpreted(_)))
        .collect();
    assert!(uninterpreted.is_empty(), "{uninterpreted:#?}");
    let ambiguous: Vec<_> = kwar_detect::unevaluated()
        .iter()
        .filter(|u| u.reason == Reason::Ambiguous)
        .map(|u| u.text)
        .collect();
    assert_eq!(
        ambiguous,
        ["app.kubernetes.io/instance (default tracking label; ambiguous with Helm)"]
    );
    let aws = kwar_detect::unevaluated()
        .iter()
        .filter(|u| u.reason == Reason::NeedsAwsEvidence)
        .count();
    let spec_aws: usize = Catalog::embedded()
        .detectors
        .iter()
        .map(|d| d.aws.len() + d.eks_addons.len())
        .sum();
    assert_eq!(aws, spec_aws);
}
