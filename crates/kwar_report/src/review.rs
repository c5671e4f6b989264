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
///
/// The catalog text (item, area, pillars, title, remediation, references) is shared with every
/// other finding of the same check through `meta`, and the object's identity with every other
/// finding of the same object through `object`: a review of a large inventory holds hundreds
/// of thousands of findings, and copying either into each of them dominated the report phase.
#[derive(Debug, Clone)]
pub struct ReviewFinding {
    pub check: &'static str,
    /// What the check reports with (severity overrides applied); the same `Arc` as the
    /// review's `checks` entry.
    pub meta: Arc<CheckMeta>,
    pub verdict: Verdict,
    pub severity: Severity,
    pub object: Arc<ObjectRef>,
    pub container: Option<String>,
    pub path: Option<String>,
    pub location: Location,
    pub message: String,
    /// Identifies the finding across runs: check, object identity, container and field path
    /// (list indices dropped), not its line, so it survives edits and reformatting.
    pub fingerprint: Fingerprint,
    /// Set when an exemption covers the finding: it stays in the report (JSON, SARIF,
    /// `--show-suppressed`) but no longer counts for scores' findings or the exit code.
    pub suppression: Option<Suppression>,
}

impl ReviewFinding {
    /// The catalog item the check belongs to.
    pub fn item(&self) -> &str {
        &self.meta.item
    }

    pub fn area(&self) -> &str {
        &self.meta.area
    }

    pub fn pillars(&self) -> &[Pillar] {
        &self.meta.pillars
    }

    pub fn remediation(&self) -> &str {
        &self.meta.remediation
    }

    pub fn references(&self) -> &[String] {
        &self.meta.references
    }
}

/// A finding's stable id (see [`fingerprint`]), written as 16 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    /// The 16 hex digits, without allocating.
    pub fn hex(self) -> FingerprintHex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 16];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = DIGITS[((self.0 >> (60 - 4 * i)) & 0xf) as usize];
        }
        FingerprintHex(out)
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}

/// A fingerprint's hex digits on the stack; derefs to `str`.
#[derive(Clone, Copy)]
pub struct FingerprintHex([u8; 16]);

impl std::ops::Deref for FingerprintHex {
    type Target = str;

    fn deref(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
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
    pub detections: &'a kwar_detect::Detections,
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
    pub checks: Vec<Arc<CheckMeta>>,
    pub scores: Scores,
    /// Expired exemptions, ignores without a reason, baselined findings (see `suppress`).
    pub policy: crate::suppress::PolicyNotes,
    /// What the cluster evidence was and what it holds; `None` for manifests alone.
    pub cluster: Option<crate::cluster::ClusterSection>,
}

impl Review {
    pub fn new(
        inputs: ReviewInputs<'_>,
        outcomes: Vec<Outcomes>,
        options: &ReviewOptions,
    ) -> Review {
        let inv = inputs.inventory;
        let total: usize = outcomes.iter().map(|o| o.findings.len()).sum();
        let mut findings = Vec::with_capacity(total);
        let mut tallies = Vec::with_capacity(outcomes.len());
        let mut checks = Vec::with_capacity(outcomes.len());
        // Sort keys, computed once: the rank of the object's file among all files and of the
        // check among all checks, so the sort compares integers rather than paths and ids.
        let file_rank = file_ranks(inv);
        let mut check_ids: Vec<&str> = outcomes.iter().map(|o| o.check).collect();
        check_ids.sort_unstable();
        // One `ObjectRef` per object, shared by all of its findings.
        let mut objects: Vec<Option<(Arc<ObjectRef>, u32)>> = vec![None; inv.objects().len()];
        let mut keys: Vec<(u64, u64, u32)> = Vec::with_capacity(total);
        for outcome in outcomes {
            let meta = Arc::new(options.meta(outcome.check).unwrap_or_else(|| {
                panic!(
                    "check {} has neither a catalog entry nor a rule declaration",
                    outcome.check
                )
            }));
            tallies.push(CheckTally::new(
                meta.id.clone(),
                meta.severity,
                meta.pillars.clone(),
                &outcome,
            ));
            checks.push(Arc::clone(&meta));
            let check_rank = check_ids.partition_point(|&c| c < outcome.check) as u64;
            for f in outcome.findings {
                let object = inv.object(f.subject.object);
                let (object_ref, file) = objects[f.subject.object]
                    .get_or_insert_with(|| {
                        let object_ref = Arc::new(ObjectRef {
                            api_version: object.api_version().to_string(),
                            kind: object.kind().to_string(),
                            namespace: object.namespace().map(String::from),
                            name: object.name().to_string(),
                        });
                        (object_ref, file_rank[object.file().as_ref()])
                    })
                    .clone();
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
                let fingerprint = fingerprint(
                    f.check,
                    &object_ref,
                    f.subject.container.as_deref(),
                    path.as_deref(),
                );
                let location = Location {
                    file: object.file().clone(),
                    line: f.subject.pos.line.max(1),
                    column: f.subject.pos.col.max(1),
                    template: object.template().cloned(),
                };
                keys.push((
                    u64::from(file) << 32 | u64::from(location.line),
                    u64::from(location.column) << 32 | check_rank,
                    findings.len() as u32,
                ));
                findings.push(ReviewFinding {
                    check: f.check,
                    meta: Arc::clone(&meta),
                    verdict: f.verdict,
                    severity,
                    object: object_ref,
                    container: f.subject.container,
                    path,
                    location,
                    message: f.message,
                    fingerprint,
                    suppression: None,
                });
            }
        }
        // Stable order: by file, line, column, check, then container; reports and diffs stay
        // reproducible. Ties keep the order the checks produced (the index is the last key).
        keys.sort_unstable_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| {
                    findings[a.2 as usize]
                        .container
                        .cmp(&findings[b.2 as usize].container)
                })
                .then(a.2.cmp(&b.2))
        });
        let mut unsorted: Vec<Option<ReviewFinding>> = findings.into_iter().map(Some).collect();
        let findings: Vec<ReviewFinding> = keys
            .iter()
            .filter_map(|&(_, _, i)| unsorted[i as usize].take())
            .collect();
        drop(unsorted);
        let scores = Scores::compute(&tallies);
        let cluster = crate::cluster::ClusterSection::new(inv, inputs.detections, &findings);
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
            cluster,
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
) -> Fingerprint {
    const SEPARATOR: &[u8] = "\u{1f}".as_bytes();
    let group = object.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let mut hash = Fnv1a::default();
    for part in [
        check,
        group,
        &object.kind,
        object.namespace.as_deref().unwrap_or(""),
        &object.name,
        container.unwrap_or(""),
    ] {
        hash.write(part.as_bytes());
        hash.write(SEPARATOR);
    }
    // The path without list indices: `a[0].b[12]` hashes as `a.b`.
    for (i, part) in path.unwrap_or_default().split('[').enumerate() {
        let part = if i == 0 {
            part
        } else {
            part.split_once(']').map_or(part, |(_, rest)| rest)
        };
        hash.write(part.as_bytes());
    }
    Fingerprint(hash.0)
}

/// The objects' files, ranked in sort order.
fn file_ranks(inv: &Inventory) -> HashMap<&str, u32> {
    let mut files: Vec<&str> = inv.objects().iter().map(|o| o.file().as_ref()).collect();
    files.sort_unstable();
    files.dedup();
    files.into_iter().zip(0..).collect()
}

/// FNV-1a, 64 bit: stable across builds and platforms (std's hasher is not).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
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
        assert_eq!(a.to_string().len(), 16);
        assert_eq!(
            Fingerprint(0x0123_4567_89ab_cdef).to_string(),
            "0123456789abcdef"
        );
        assert_eq!(Fingerprint(0xf).to_string(), "000000000000000f");
    }
}
