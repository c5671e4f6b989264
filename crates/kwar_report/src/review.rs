use std::sync::Arc;

use kwar_catalog::{Catalog, Pillar, Severity};
use kwar_checks::{Outcomes, Verdict};
use kwar_inventory::Inventory;
use kwar_source::InputError;

use crate::score::{CheckTally, Scores};

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: Arc<str>,
    pub line: u32,
    pub column: u32,
    /// The Helm template the object was rendered from.
    pub template: Option<Arc<str>>,
}

/// A finding joined with what the catalog says about its check.
#[derive(Debug, Clone)]
pub struct ReviewFinding {
    pub check: &'static str,
    pub item: String,
    pub area: String,
    pub verdict: Verdict,
    pub severity: Severity,
    pub pillars: Vec<Pillar>,
    pub object: ObjectRef,
    pub container: Option<String>,
    pub path: Option<String>,
    pub location: Location,
    pub message: String,
    pub remediation: String,
    pub references: Vec<String>,
}

/// What the review was made from, besides the check outcomes.
pub struct ReviewInputs<'a> {
    pub inventory: &'a Inventory,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Arc<str>>,
    pub inputs: usize,
    pub bytes: usize,
}

/// Everything a report shows.
#[derive(Debug)]
pub struct Review {
    pub findings: Vec<ReviewFinding>,
    pub errors: Vec<InputError>,
    pub skipped: Vec<Arc<str>>,
    pub objects: usize,
    pub inputs: usize,
    pub bytes: usize,
    pub tallies: Vec<CheckTally>,
    pub scores: Scores,
}

impl Review {
    pub fn new(inputs: ReviewInputs<'_>, outcomes: Vec<Outcomes>) -> Review {
        let catalog = Catalog::embedded();
        let inv = inputs.inventory;
        let mut findings = Vec::new();
        let mut tallies = Vec::new();
        for outcome in outcomes {
            let spec = catalog.check(outcome.check).unwrap_or_else(|| {
                panic!(
                    "check {} is registered but not in the catalog",
                    outcome.check
                )
            });
            let item = catalog
                .item(&spec.item)
                .expect("every catalog check belongs to an item");
            tallies.push(CheckTally::new(
                spec.id.clone(),
                spec.severity,
                item.pillars.clone(),
                &outcome,
            ));
            for f in outcome.findings {
                let object = inv.object(f.subject.object);
                let severity = match f.verdict {
                    Verdict::Fail => spec.severity,
                    Verdict::Warn => spec.severity.lowered(),
                    // Undecided is not a risk in itself: it is shown, never gates.
                    Verdict::Unknown | Verdict::Pass => Severity::Info,
                };
                let path = match (object.list_path(), f.subject.path) {
                    (Some(list), Some(p)) => Some(format!("{list}.{p}")),
                    (_, p) => p,
                };
                findings.push(ReviewFinding {
                    check: f.check,
                    item: item.id.clone(),
                    area: item.area.clone(),
                    verdict: f.verdict,
                    severity,
                    pillars: item.pillars.clone(),
                    object: ObjectRef {
                        api_version: object.api_version().to_string(),
                        kind: object.kind().to_string(),
                        namespace: object.namespace().map(String::from),
                        name: object.name().to_string(),
                    },
                    container: f.subject.container,
                    path,
                    location: Location {
                        file: object.file().clone(),
                        line: f.subject.pos.line.max(1),
                        column: f.subject.pos.col.max(1),
                        template: object.template().cloned(),
                    },
                    message: f.message,
                    remediation: item.remediation.clone(),
                    references: item.references.clone(),
                });
            }
        }
        // Stable order: by file, line, then check; reports and diffs stay reproducible.
        findings.sort_by(|a, b| {
            (
                &a.location.file,
                a.location.line,
                a.location.column,
                a.check,
                &a.container,
            )
                .cmp(&(
                    &b.location.file,
                    b.location.line,
                    b.location.column,
                    b.check,
                    &b.container,
                ))
        });
        let scores = Scores::compute(&tallies);
        Review {
            findings,
            errors: inputs.errors,
            skipped: inputs.skipped,
            objects: inv.objects().len(),
            inputs: inputs.inputs,
            bytes: inputs.bytes,
            tallies,
            scores,
        }
    }

    /// Findings per severity, fail and warn only (unknowns are counted apart).
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| {
                f.severity == severity && matches!(f.verdict, Verdict::Fail | Verdict::Warn)
            })
            .count()
    }

    pub fn unknown_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.verdict == Verdict::Unknown)
            .count()
    }

    /// The most severe failing or warning finding, for exit codes.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| matches!(f.verdict, Verdict::Fail | Verdict::Warn))
            .map(|f| f.severity)
            .max()
    }
}
