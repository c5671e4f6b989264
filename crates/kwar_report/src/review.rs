use std::collections::HashMap;
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

/// What a report needs to know about a check: the catalog's entry for built-in checks, the
/// rule's own declaration for custom rules.
#[derive(Debug, Clone)]
pub struct CheckMeta {
    pub id: String,
    pub item: String,
    pub area: String,
    pub severity: Severity,
    pub pillars: Vec<Pillar>,
    /// One line: the catalog item's agenda wording, or the custom rule's message.
    pub title: String,
    pub remediation: String,
    pub references: Vec<String>,
}

impl CheckMeta {
    /// The catalog's entry for a check id.
    pub fn from_catalog(id: &str) -> Option<CheckMeta> {
        let catalog = Catalog::embedded();
        let spec = catalog.check(id)?;
        let item = catalog.item(&spec.item)?;
        Some(CheckMeta {
            id: spec.id.clone(),
            item: item.id.clone(),
            area: item.area.clone(),
            severity: spec.severity,
            pillars: item.pillars.clone(),
            title: item.agenda.clone(),
            remediation: item.remediation.clone(),
            references: item.references.clone(),
        })
    }
}

/// How the review is put together beyond the defaults.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Custom rules (`custom:<id>`) and their metadata.
    pub custom_checks: Vec<CheckMeta>,
    /// Severity per check id, replacing the catalog's (config `checks.severity`).
    pub severity_overrides: HashMap<String, Severity>,
}

impl ReviewOptions {
    /// The metadata a check reports with: catalog or custom entry, severity override applied.
    pub fn meta(&self, id: &str) -> Option<CheckMeta> {
        let mut meta = CheckMeta::from_catalog(id)
            .or_else(|| self.custom_checks.iter().find(|c| c.id == id).cloned())?;
        if let Some(&severity) = self.severity_overrides.get(id) {
            meta.severity = severity;
        }
        Some(meta)
    }
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
    /// Identifies the finding across runs: check, object identity, container and field path
    /// (list indices dropped), not its line, so it survives edits and reformatting.
    pub fingerprint: String,
    /// Set when an exemption covers the finding: it stays in the report (JSON, SARIF,
    /// `--show-suppressed`) but no longer counts for scores' findings or the exit code.
    pub suppression: Option<Suppression>,
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// `YYYY-MM-DD`, for config exemptions that expire.
    pub expires: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// The object's `kwar.io/ignore` annotation.
    Inline,
    /// An exemption of the config file.
    Config,
}

impl SuppressionKind {
    pub fn id(self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Config => "config",
        }
    }
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
    /// What every check that ran reports with (severity overrides applied), in the order of
    /// `tallies`: SARIF describes one rule per entry.
    pub checks: Vec<CheckMeta>,
    pub scores: Scores,
    /// Expired exemptions, ignores without a reason, baselined findings (see `suppress`).
    pub policy: crate::suppress::PolicyNotes,
}

impl Review {
    pub fn new(
        inputs: ReviewInputs<'_>,
        outcomes: Vec<Outcomes>,
        options: &ReviewOptions,
    ) -> Review {
        let inv = inputs.inventory;
        let mut findings = Vec::new();
        let mut tallies = Vec::new();
        let mut checks = Vec::new();
        for outcome in outcomes {
            let meta = options.meta(outcome.check).unwrap_or_else(|| {
                panic!(
                    "check {} has neither a catalog entry nor a rule declaration",
                    outcome.check
                )
            });
            tallies.push(CheckTally::new(
                meta.id.clone(),
                meta.severity,
                meta.pillars.clone(),
                &outcome,
            ));
            checks.push(meta.clone());
            for f in outcome.findings {
                let object = inv.object(f.subject.object);
                let severity = match f.verdict {
                    Verdict::Fail => meta.severity,
                    Verdict::Warn => meta.severity.lowered(),
                    // Undecided is not a risk in itself: it is shown, never gates.
                    Verdict::Unknown | Verdict::Pass => Severity::Info,
                };
                let path = match (object.list_path(), f.subject.path) {
                    (Some(list), Some(p)) => Some(format!("{list}.{p}")),
                    (_, p) => p,
                };
                let object_ref = ObjectRef {
                    api_version: object.api_version().to_string(),
                    kind: object.kind().to_string(),
                    namespace: object.namespace().map(String::from),
                    name: object.name().to_string(),
                };
                let fingerprint = fingerprint(
                    f.check,
                    &object_ref,
                    f.subject.container.as_deref(),
                    path.as_deref(),
                );
                findings.push(ReviewFinding {
                    check: f.check,
                    item: meta.item.clone(),
                    area: meta.area.clone(),
                    verdict: f.verdict,
                    severity,
                    pillars: meta.pillars.clone(),
                    object: object_ref,
                    container: f.subject.container,
                    path,
                    location: Location {
                        file: object.file().clone(),
                        line: f.subject.pos.line.max(1),
                        column: f.subject.pos.col.max(1),
                        template: object.template().cloned(),
                    },
                    message: f.message,
                    remediation: meta.remediation.clone(),
                    references: meta.references.clone(),
                    fingerprint,
                    suppression: None,
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
            checks,
            scores,
            policy: Default::default(),
        }
    }

    /// Findings per severity, fail and warn only (unknowns are counted apart), suppressed
    /// ones left out.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .filter(|f| {
                f.severity == severity && matches!(f.verdict, Verdict::Fail | Verdict::Warn)
            })
            .count()
    }

    pub fn unknown_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppression.is_none() && f.verdict == Verdict::Unknown)
            .count()
    }

    /// The most severe failing or warning finding, for exit codes.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .filter(|f| matches!(f.verdict, Verdict::Fail | Verdict::Warn))
            .map(|f| f.severity)
            .max()
    }
}

/// A stable id for a finding. The API group is kept (apps/v1 and apps/v1beta2 are the same
/// object), the version and the list indices in the path are not: moving a container or
/// reformatting a file keeps the fingerprint, renaming the object or the container changes it.
pub fn fingerprint(
    check: &str,
    object: &ObjectRef,
    container: Option<&str>,
    path: Option<&str>,
) -> String {
    let group = object.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let path: String = path
        .unwrap_or_default()
        .split('[')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once(']').map_or(part, |(_, rest)| rest)
            }
        })
        .collect();
    let key = format!(
        "{check}\u{1f}{group}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{path}",
        object.kind,
        object.namespace.as_deref().unwrap_or(""),
        object.name,
        container.unwrap_or("")
    );
    format!("{:016x}", fnv1a(key.as_bytes()))
}

/// FNV-1a, 64 bit: stable across builds and platforms (std's hasher is not).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_versions_and_list_positions() {
        let object = |api: &str| ObjectRef {
            api_version: api.into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "web".into(),
        };
        let a = fingerprint(
            "capabilities",
            &object("apps/v1"),
            Some("web"),
            Some("spec.template.spec.containers[0].securityContext"),
        );
        let b = fingerprint(
            "capabilities",
            &object("apps/v1beta2"),
            Some("web"),
            Some("spec.template.spec.containers[2].securityContext"),
        );
        assert_eq!(a, b);
        let c = fingerprint(
            "capabilities",
            &object("apps/v1"),
            Some("sidecar"),
            Some("spec.template.spec.containers[0].securityContext"),
        );
        assert_ne!(a, c);
        assert_eq!(a.len(), 16);
    }
}
