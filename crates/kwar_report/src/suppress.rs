//! Suppressions: config exemptions (with a reason and an optional expiry) and the objects' own
//! `kwar.io/ignore` annotations. A suppressed finding stays in the review, marked with why, so
//! nothing disappears without a trace; it no longer counts for the summary or the exit code.
//!
//! Rules, in order, for each finding:
//! 1. a config exemption that matches and has not expired suppresses it;
//! 2. otherwise, unless inline suppressions are switched off, a `kwar.io/ignore` annotation
//!    on the object or its pod template naming the check (or `*`) suppresses it — but only
//!    when `kwar.io/ignore-reason` says why; an ignore without a reason suppresses nothing and
//!    is listed in the report so that it gets one;
//! 3. an expired exemption suppresses nothing and is itself listed in the report, with the
//!    number of findings it would have covered.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use chrono::NaiveDate;
use kwar_config::{Exemption, ExemptionSubject};
use kwar_inventory::{Inventory, Object};
use kwar_yaml::Node;
use serde_json::json;

use crate::review::{ObjectRef, Review, ReviewFinding, Suppression, SuppressionKind};

/// The annotation listing the checks an object opts out of (comma-separated ids, or `*`).
pub const IGNORE_ANNOTATION: &str = "kwar.io/ignore";
/// The annotation saying why; without it the ignore has no effect.
pub const IGNORE_REASON_ANNOTATION: &str = "kwar.io/ignore-reason";

/// What may suppress findings in this run.
#[derive(Debug, Clone, Copy)]
pub struct SuppressionPolicy<'a> {
    /// Whether `kwar.io/ignore` annotations count (`--no-inline-suppressions`, config
    /// `suppressions.inline: false`).
    pub inline: bool,
    pub exemptions: &'a [Exemption],
    /// Exemptions whose `expires` is before this day have expired.
    pub today: NaiveDate,
}

/// What suppressions and the baseline did to the review, for the summary.
#[derive(Debug, Clone, Default)]
pub struct PolicyNotes {
    pub expired_exemptions: Vec<ExpiredExemption>,
    pub ignores_without_reason: Vec<IneffectiveIgnore>,
    /// Check ids named in `kwar.io/ignore` annotations that no check or rule has: a typo
    /// would otherwise silently suppress nothing.
    pub ignores_of_unknown_checks: Vec<IneffectiveIgnore>,
    /// Findings left out because the baseline already knew them.
    pub baselined: usize,
}

/// A config exemption past its `expires` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredExemption {
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// Check ids, empty for every check.
    pub checks: Vec<String>,
    pub reason: String,
    pub expires: String,
    /// Findings it matched and would have suppressed.
    pub findings: usize,
}

/// A `kwar.io/ignore` annotation that suppresses nothing: it has no `kwar.io/ignore-reason`,
/// or (in `ignores_of_unknown_checks`) `checks` is an id no check or rule has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IneffectiveIgnore {
    pub object: ObjectRef,
    pub file: Arc<str>,
    pub line: u32,
    /// The annotation's value.
    pub checks: String,
}

/// One `kwar.io/ignore` annotation with its reason.
struct InlineIgnore {
    /// `None` for `*`.
    checks: Option<Vec<String>>,
    reason: String,
}

impl InlineIgnore {
    fn covers(&self, check: &str) -> bool {
        self.checks
            .as_ref()
            .is_none_or(|checks| checks.iter().any(|c| c == check))
    }
}

/// Identifies a finding's object: file, kind, namespace, name.
type ObjectKey<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);

/// Marks the findings that exemptions or inline ignores cover, and records expired
/// exemptions and ignores without a reason in `review.policy`.
pub fn apply_suppressions(review: &mut Review, inventory: &Inventory, policy: &SuppressionPolicy) {
    let mut inline: HashMap<usize, Vec<InlineIgnore>> = HashMap::new();
    let mut without_reason = Vec::new();
    let mut unknown_checks = Vec::new();
    let is_known = |id: &str| {
        kwar_checks::find_check(id).is_some() || review.checks.iter().any(|m| m.id == id)
    };
    if policy.inline {
        for object in inventory.objects() {
            let mut places = vec![object.metadata()];
            if let Some(workload) = inventory.workload_of(object.id) {
                // A bare Pod's template is its own metadata: read it once.
                if object.kind() != "Pod" {
                    places.push(workload.pod_metadata(object));
                }
            }
            for metadata in places.into_iter().flatten() {
                let annotation =
                    |key: &str| metadata.at(&["annotations", key]).and_then(Node::as_str);
                let Some(ignore) = metadata.at(&["annotations", IGNORE_ANNOTATION]) else {
                    continue;
                };
                let checks = ignore.as_str().unwrap_or_default();
                for id in parse_ignore_list(checks).unwrap_or_default() {
                    if !is_known(&id) {
                        unknown_checks.push(IneffectiveIgnore {
                            object: object_ref(object),
                            file: object.file().clone(),
                            line: ignore.pos.line.max(1),
                            checks: id,
                        });
                    }
                }
                match annotation(IGNORE_REASON_ANNOTATION).map(str::trim) {
                    Some(reason) if !reason.is_empty() => {
                        inline.entry(object.id).or_default().push(InlineIgnore {
                            checks: parse_ignore_list(checks),
                            reason: reason.to_string(),
                        })
                    }
                    _ => without_reason.push(IneffectiveIgnore {
                        object: object_ref(object),
                        file: object.file().clone(),
                        line: ignore.pos.line.max(1),
                        checks: checks.to_string(),
                    }),
                }
            }
        }
    }

    let mut expired_matches = vec![0usize; policy.exemptions.len()];
    // Without exemptions or inline ignores nothing can match: skip indexing the objects and
    // visiting every finding (hundreds of thousands in a large review).
    let findings: &mut [ReviewFinding] = if policy.exemptions.is_empty() && inline.is_empty() {
        &mut []
    } else {
        &mut review.findings
    };
    let mut objects: HashMap<ObjectKey<'_>, &Object> = HashMap::new();
    if !findings.is_empty() {
        for object in inventory.objects() {
            objects
                .entry((
                    object.file().as_ref(),
                    object.kind(),
                    object.namespace(),
                    object.name(),
                ))
                .or_insert(object);
        }
    }
    for finding in findings {
        if finding.suppression.is_some() {
            continue;
        }
        let object = objects
            .get(&(
                finding.location.file.as_ref(),
                finding.object.kind.as_str(),
                finding.object.namespace.as_deref(),
                finding.object.name.as_str(),
            ))
            .copied();
        let labels: Vec<(&str, &str)> = match object {
            Some(o) if !policy.exemptions.is_empty() => o.labels().collect(),
            _ => Vec::new(),
        };
        let subject = ExemptionSubject {
            check: finding.check,
            kind: &finding.object.kind,
            namespace: finding.object.namespace.as_deref(),
            name: &finding.object.name,
            labels: &labels,
        };
        for (i, exemption) in policy.exemptions.iter().enumerate() {
            if !exemption.matches(&subject) {
                continue;
            }
            if exemption.is_expired(policy.today) {
                expired_matches[i] += 1;
            } else if finding.suppression.is_none() {
                finding.suppression = Some(Suppression {
                    kind: SuppressionKind::Config,
                    reason: exemption.reason.clone(),
                    expires: exemption.expires_text(),
                });
            }
        }
        if finding.suppression.is_some() {
            continue;
        }
        let ignore = object
            .and_then(|o| inline.get(&o.id))
            .and_then(|ignores| ignores.iter().find(|i| i.covers(finding.check)));
        if let Some(ignore) = ignore {
            finding.suppression = Some(Suppression {
                kind: SuppressionKind::Inline,
                reason: ignore.reason.clone(),
                expires: None,
            });
        }
    }

    review.policy.ignores_without_reason = without_reason;
    review.policy.ignores_of_unknown_checks = unknown_checks;
    review.policy.expired_exemptions = policy
        .exemptions
        .iter()
        .zip(expired_matches)
        .filter(|(e, _)| e.is_expired(policy.today))
        .map(|(e, findings)| ExpiredExemption {
            file: e.file.clone(),
            line: e.line,
            column: e.column,
            checks: e.checks.clone(),
            reason: e.reason.clone(),
            expires: e.expires_text().unwrap_or_default(),
            findings,
        })
        .collect();
}

/// `"a, b"` → `[a, b]`; `"*"` (alone or in the list) → every check.
fn parse_ignore_list(value: &str) -> Option<Vec<String>> {
    let checks: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect();
    (!checks.iter().any(|c| c == "*")).then_some(checks)
}

fn object_ref(object: &Object) -> ObjectRef {
    ObjectRef {
        api_version: object.api_version().to_string(),
        kind: object.kind().to_string(),
        namespace: object.namespace().map(String::from),
        name: object.name().to_string(),
    }
}

/// The text report's sections on expired exemptions and ignores without a reason; `line`
/// gets each line and whether it is a heading that needs attention.
pub(crate) fn write_policy_notes(
    review: &Review,
    line: &mut dyn FnMut(&str, bool) -> io::Result<()>,
) -> io::Result<()> {
    let notes = &review.policy;
    if !notes.expired_exemptions.is_empty() {
        line("", false)?;
        line(
            "Expired exemptions (they suppress nothing any more: renew or remove them)",
            true,
        )?;
        for e in &notes.expired_exemptions {
            let checks = if e.checks.is_empty() {
                "*".to_string()
            } else {
                e.checks.join(", ")
            };
            line(
                &format!(
                    "  {}:{}:{}  expired {}  checks: {checks}  reason: {}  (findings it no longer suppresses: {})",
                    e.file, e.line, e.column, e.expires, e.reason, e.findings
                ),
                false,
            )?;
        }
    }
    let sections = [
        (
            &notes.ignores_of_unknown_checks,
            format!("Ignores naming no known check ({IGNORE_ANNOTATION}; `kwar rules` lists the ids)"),
            (|id: &str| format!("unknown check `{id}`")) as fn(&str) -> String,
        ),
        (
            &notes.ignores_without_reason,
            format!("Ignores without a reason ({IGNORE_ANNOTATION} needs {IGNORE_REASON_ANNOTATION}; they suppress nothing)"),
            |value: &str| format!("{IGNORE_ANNOTATION}: \"{value}\""),
        ),
    ];
    for (ignores, heading, describe) in sections {
        if ignores.is_empty() {
            continue;
        }
        line("", false)?;
        line(&heading, true)?;
        for i in ignores {
            let ns = i
                .object
                .namespace
                .as_deref()
                .map(|n| format!("{n}/"))
                .unwrap_or_default();
            line(
                &format!(
                    "  {}:{}  {} {ns}{}  {}",
                    i.file,
                    i.line,
                    i.object.kind,
                    i.object.name,
                    describe(&i.checks)
                ),
                false,
            )?;
        }
    }
    Ok(())
}

/// `3 suppressed (--show-suppressed lists them), 12 known from the baseline`, or nothing.
pub(crate) fn suppressed_summary(review: &Review, shown: bool) -> Option<String> {
    let mut parts = Vec::new();
    match review.suppressed_count() {
        0 => {}
        n if shown => parts.push(format!("{n} suppressed (listed above)")),
        n => parts.push(format!("{n} suppressed (--show-suppressed lists them)")),
    }
    if review.policy.baselined > 0 {
        parts.push(format!(
            "{} known from the baseline (not listed)",
            review.policy.baselined
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The JSON summary's `suppressed`, `baselined`, `expiredExemptions` and
/// `ignoresWithoutReason`.
pub(crate) fn add_policy_summary(review: &Review, summary: &mut serde_json::Value) {
    let notes = &review.policy;
    summary["suppressed"] = json!(review.suppressed_count());
    summary["baselined"] = json!(notes.baselined);
    summary["expiredExemptions"] = notes
        .expired_exemptions
        .iter()
        .map(|e| {
            json!({
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "checks": e.checks,
                "reason": e.reason,
                "expires": e.expires,
                "findings": e.findings,
            })
        })
        .collect();
    summary["ignoresOfUnknownChecks"] = ignores_json(&notes.ignores_of_unknown_checks, "check");
    summary["ignoresWithoutReason"] = ignores_json(&notes.ignores_without_reason, "checks");
}

/// Annotations that suppress nothing, for the JSON summary; `value_key` names the field that
/// holds the annotation's value (`checks`) or the unknown id (`check`).
fn ignores_json(ignores: &[IneffectiveIgnore], value_key: &str) -> serde_json::Value {
    ignores
        .iter()
        .map(|i| {
            let mut entry = json!({
                "object": {
                    "apiVersion": i.object.api_version,
                    "kind": i.object.kind,
                    "namespace": i.object.namespace,
                    "name": i.object.name,
                },
                "file": i.file.as_ref(),
                "line": i.line,
            });
            entry[value_key] = json!(i.checks);
            entry
        })
        .collect()
}

impl Review {
    /// Findings an exemption or an inline ignore covers.
    pub fn suppressed_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.suppression.is_some())
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_lists_are_split_and_star_means_every_check() {
        assert_eq!(
            parse_ignore_list(" non-root ,no-latest-tag,"),
            Some(vec!["non-root".to_string(), "no-latest-tag".to_string()])
        );
        assert_eq!(parse_ignore_list("*"), None);
        assert_eq!(parse_ignore_list("non-root, *"), None);
    }
}
