//! The review catalog: every agenda item with its stable id, the checks that decide it, their
//! severities and pillars. A copy of the catalog ships inside the binary (`catalog.yaml` next
//! to this crate's manifest); nothing is read from disk at run time.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use kwar_yaml::{parse_document, split_documents, Node};

pub mod detectors;
mod review;
mod vocabulary;
pub use review::{Assessment, Automation, Choice, ChoiceRisk, Question, Section};
pub use vocabulary::{Mode, Pillar, Severity};

const CATALOG_YAML: &str = include_str!("../catalog.yaml");

/// One agenda item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub agenda: String,
    pub area: String,
    pub pillars: Vec<Pillar>,
    pub remediation: String,
    pub references: Vec<String>,
    /// The source agenda section (`catalog.source.sections`).
    pub section: String,
    /// topic | sub-item | option | design-principle | bp-area | question-topic
    pub kind: String,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub automation: Automation,
    pub assessment: Vec<Assessment>,
    pub question: Option<Question>,
    /// Items whose evidence speaks to this one (`related_items`).
    pub related_items: Vec<String>,
    /// How evidence of related items rolls up into this one, in words (`rollup`).
    pub rollup: Option<String>,
    /// Ids of the catalog's `detectors` that supply evidence.
    pub detectors: Vec<String>,
}

/// One check as the catalog specifies it.
#[derive(Debug, Clone)]
pub struct CheckSpec {
    pub id: String,
    /// The id of the item this check belongs to.
    pub item: String,
    pub mode: Mode,
    pub scope: String,
    pub pass: Option<String>,
    pub warn: Option<String>,
    pub fail: Option<String>,
    pub severity: Severity,
}

#[derive(Debug)]
pub struct Catalog {
    pub version: String,
    pub items: Vec<Item>,
    pub checks: Vec<CheckSpec>,
    pub system_namespaces: Vec<String>,
    /// The agenda's sections, in order (`catalog.source.sections`).
    pub sections: Vec<Section>,
    /// The agenda areas, in order (`catalog.conventions.areas`).
    pub areas: Vec<String>,
    /// The reusable component detectors (`detectors`), in catalog order.
    pub detectors: Vec<detectors::DetectorSpec>,
    item_index: HashMap<String, usize>,
    check_index: HashMap<String, usize>,
}

/// The embedded catalog YAML as shipped, for readers of fields `Catalog` does not model.
pub fn source_text() -> &'static str {
    CATALOG_YAML
}

impl Catalog {
    /// The catalog embedded in this build.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::parse(CATALOG_YAML)
                .expect("the embedded catalog is validated by this crate's tests")
        })
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.item_index.get(id).map(|&i| &self.items[i])
    }

    pub fn check(&self, id: &str) -> Option<&CheckSpec> {
        self.check_index.get(id).map(|&i| &self.checks[i])
    }

    pub fn is_system_namespace(&self, namespace: &str) -> bool {
        self.system_namespaces.iter().any(|n| n == namespace)
    }

    /// Parses catalog YAML (the embedded copy, or in tests the shared original).
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let chunks = split_documents(text);
        let parsed = chunks
            .iter()
            .map(parse_document)
            .find(|p| !p.documents.is_empty() || !p.errors.is_empty())
            .ok_or_else(|| CatalogError("empty catalog".into()))?;
        if let Some(err) = parsed.errors.first() {
            return Err(CatalogError(err.to_string()));
        }
        let root = &parsed.documents[0];
        let meta = root
            .get("catalog")
            .ok_or_else(|| CatalogError("no `catalog` section".into()))?;
        let version = text_of(meta.get("version")).unwrap_or_default();
        let system_namespaces = meta
            .at(&["conventions", "system_namespaces", "names"])
            .map(|n| {
                n.items()
                    .iter()
                    .filter_map(|i| i.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let sections = review::sections(meta);
        let areas = review::strings(meta.at(&["conventions", "areas"]));
        let mut items = Vec::new();
        let mut checks = Vec::new();
        for node in root.get("items").map(Node::items).unwrap_or_default() {
            let id = required(node, "id", "item")?;
            let pillars = node
                .get("pillars")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    let name = p.as_str().unwrap_or_default();
                    Pillar::from_id(name)
                        .ok_or_else(|| CatalogError(format!("item {id}: unknown pillar `{name}`")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            for check in node.get("checks").map(Node::items).unwrap_or_default() {
                let check_id = required(check, "id", "check")?;
                let severity = required(check, "severity", &check_id)?;
                let mode = required(check, "mode", &check_id)?;
                checks.push(CheckSpec {
                    severity: Severity::from_id(&severity).ok_or_else(|| {
                        CatalogError(format!("check {check_id}: unknown severity `{severity}`"))
                    })?,
                    mode: Mode::from_id(&mode).ok_or_else(|| {
                        CatalogError(format!("check {check_id}: unknown mode `{mode}`"))
                    })?,
                    item: id.clone(),
                    scope: text_of(check.get("scope")).unwrap_or_default(),
                    pass: text_of(check.get("pass")),
                    warn: text_of(check.get("warn")),
                    fail: text_of(check.get("fail")),
                    id: check_id,
                });
            }
            items.push(Item {
                agenda: text_of(node.get("agenda")).unwrap_or_default(),
                area: required(node, "area", &id)?,
                pillars,
                remediation: text_of(node.get("remediation")).unwrap_or_default(),
                references: node
                    .get("references")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| r.as_str().map(String::from))
                    .collect(),
                section: text_of(node.get("section")).unwrap_or_default(),
                kind: text_of(node.get("kind")).unwrap_or_default(),
                parent: text_of(node.get("parent")),
                children: review::strings(node.get("children")),
                automation: review::automation(node, &id)?,
                assessment: review::assessment(node, &id)?,
                question: review::question(node, &id)?,
                related_items: review::strings(node.get("related_items")),
                rollup: text_of(node.get("rollup")),
                detectors: review::strings(node.get("detectors")),
                id,
            });
        }
        let item_index = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.clone(), i))
            .collect();
        let check_index = checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        Ok(Catalog {
            version,
            items,
            checks,
            system_namespaces,
            sections,
            areas,
            detectors: detectors::parse(root.get("detectors"))?,
            item_index,
            check_index,
        })
    }
}

fn text_of(node: Option<&Node>) -> Option<String> {
    node.and_then(Node::scalar_text)
}

fn required(node: &Node, key: &str, owner: &str) -> Result<String, CatalogError> {
    text_of(node.get(key))
        .ok_or_else(|| CatalogError(format!("{owner} (line {}): missing `{key}`", node.pos.line)))
}

/// The embedded catalog does not have the shape kwar expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "catalog: {}", self.0)
    }
}

impl std::error::Error for CatalogError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_has_the_documented_counts() {
        let c = Catalog::embedded();
        assert_eq!(c.items.len(), 186);
        assert_eq!(c.checks.len(), 344);
        assert_eq!(
            c.checks.iter().filter(|c| c.mode == Mode::Manifest).count(),
            62
        );
        assert!(c.is_system_namespace("kube-system"));
        let check = c.check("readiness-probe-defined").unwrap();
        assert_eq!(check.item, "app-readiness-probes");
        assert_eq!(check.severity, Severity::High);
        assert_eq!(c.item("app-readiness-probes").unwrap().area, "application");
    }

    #[test]
    fn review_fields_are_parsed() {
        let c = Catalog::embedded();
        let questions: Vec<_> = c.items.iter().filter_map(|i| i.question.as_ref()).collect();
        assert_eq!(questions.len(), 88);
        assert_eq!(
            questions.iter().map(|q| q.choices.len()).sum::<usize>(),
            277
        );
        assert_eq!(c.areas.len(), 8);
        assert_eq!(c.sections.len(), 8);
        assert_eq!(c.sections[0].title, "Application Checklist for Kubernetes");
        let count = |a: Automation| c.items.iter().filter(|i| i.automation == a).count();
        assert_eq!(
            (
                count(Automation::Full),
                count(Automation::Partial),
                count(Automation::None)
            ),
            (95, 65, 26)
        );
        let metrics = c.item("app-metrics-instrumentation").unwrap();
        let q = metrics.question.as_ref().unwrap();
        assert_eq!(q.choice("c").unwrap().risk, ChoiceRisk::High);
        assert_eq!(q.choices[0].risk, ChoiceRisk::None);
        assert!(metrics.assessment.contains(&Assessment::Question));
        assert!(metrics.detectors.contains(&"prometheus".to_string()));
        let placement = c.item("app-pod-placement").unwrap();
        assert_eq!(placement.children.len(), 4);
        let replicas = c.item("app-pod-placement-replicas").unwrap();
        assert_eq!(replicas.parent.as_deref(), Some("app-pod-placement"));
        assert_eq!(replicas.kind, "sub-item");
        assert_eq!(replicas.section, "application-checklist");
        let rolled = c.items.iter().filter(|i| i.rollup.is_some()).count();
        assert!(rolled > 0);
        // Every reference between items points at an item.
        for item in &c.items {
            for other in item.children.iter().chain(&item.related_items) {
                assert!(c.item(other).is_some(), "{}: unknown item {other}", item.id);
            }
            if let Some(p) = &item.parent {
                assert!(c.item(p).is_some(), "{}: unknown parent {p}", item.id);
            }
            assert!(c.areas.contains(&item.area), "{}", item.id);
        }
    }

    #[test]
    fn check_ids_are_unique() {
        let c = Catalog::embedded();
        let mut ids: Vec<_> = c.checks.iter().map(|c| &c.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), c.checks.len());
    }

    /// The shipped copy must not drift from the shared catalog (skipped where it is absent).
    #[test]
    fn embedded_copy_matches_shared_catalog() {
        let shared = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/catalog/catalog.yaml"
        );
        match std::fs::read_to_string(shared) {
            Ok(text) => assert!(
                text == CATALOG_YAML,
                "crates/kwar_catalog/catalog.yaml differs from {shared}: copy it over and review the changed checks"
            ),
            Err(_) => eprintln!("skipped: {shared} is not present in this checkout"),
        }
    }
}
