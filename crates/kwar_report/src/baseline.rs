//! Baselines: the fingerprints of findings a team has accepted for now, so that a pipeline
//! reports and fails only on new ones. A finding's fingerprint names its check, object,
//! container and field path but not its line, so moving or reformatting a manifest keeps it.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{json, Value};

use crate::review::Review;

/// The fingerprints of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
}

impl Baseline {
    /// The findings of a review that are not suppressed (a suppression carries its own
    /// reason and expiry; the baseline does not replace it).
    pub fn from_review(review: &Review) -> Baseline {
        Baseline {
            fingerprints: review
                .findings
                .iter()
                .filter(|f| f.suppression.is_none())
                .map(|f| f.fingerprint.to_string())
                .collect(),
        }
    }

    /// Reads a baseline file (`kwar baseline create`) or a kwar JSON report (its findings
    /// that were not suppressed).
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e} (line {})", e.line()))?;
        if let Some(list) = value.get("fingerprints").and_then(Value::as_array) {
            let fingerprints = list
                .iter()
                .map(|f| f.as_str().map(String::from))
                .collect::<Option<_>>()
                .ok_or("`fingerprints` must be a list of strings")?;
            return Ok(Baseline { fingerprints });
        }
        if let Some(findings) = value.get("findings").and_then(Value::as_array) {
            let mut fingerprints = BTreeSet::new();
            for finding in findings {
                if finding.get("suppressed").is_some_and(|s| !s.is_null()) {
                    continue;
                }
                let fingerprint = finding.get("fingerprint").and_then(Value::as_str).ok_or(
                    "a finding of the report has no `fingerprint` (a report of an older kwar?)",
                )?;
                fingerprints.insert(fingerprint.to_string());
            }
            return Ok(Baseline { fingerprints });
        }
        Err("neither a kwar baseline (`fingerprints`) nor a kwar JSON report (`findings`)".into())
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    /// `{"schemaVersion": "1", "tool": {...}, "fingerprints": [...]}`, sorted, one per line
    /// so that a baseline diffs well in review.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\"schemaVersion\":\"1\",\"tool\":{},\"fingerprints\":[",
            json!({ "name": "kwar", "version": env!("CARGO_PKG_VERSION") })
        )?;
        for (i, fingerprint) in self.fingerprints.iter().enumerate() {
            let separator = if i == 0 { "" } else { "," };
            write!(out, "{separator}\n  {}", json!(fingerprint))?;
        }
        out.write_all(b"\n]}\n")?;
        out.flush()
    }
}

/// Leaves out the findings the baseline knows (suppressed findings stay: they are shown with
/// their reason) and counts them in `review.policy.baselined`.
pub fn apply_baseline(review: &mut Review, baseline: &Baseline) {
    let before = review.findings.len();
    review
        .findings
        .retain(|f| f.suppression.is_some() || !baseline.contains(&f.fingerprint.hex()));
    review.policy.baselined = before - review.findings.len();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_reads_back_what_it_wrote() {
        let baseline = Baseline::parse(r#"{"fingerprints":["b","a"]}"#).unwrap();
        let mut written = Vec::new();
        baseline.write(&mut written).unwrap();
        let again = Baseline::parse(std::str::from_utf8(&written).unwrap()).unwrap();
        assert_eq!(again, baseline);
        assert!(again.contains("a") && again.contains("b") && again.len() == 2);
    }

    #[test]
    fn a_report_gives_its_unsuppressed_findings() {
        let baseline = Baseline::parse(
            r#"{"findings":[{"fingerprint":"a","suppressed":null},
                            {"fingerprint":"b","suppressed":{"kind":"inline","reason":"x"}}]}"#,
        )
        .unwrap();
        assert!(baseline.contains("a"));
        assert!(!baseline.contains("b"));
        assert!(Baseline::parse("{}").is_err());
        assert!(Baseline::parse("not json").is_err());
    }
}
