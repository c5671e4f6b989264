//! Scores, 0–100, per pillar and overall.
//!
//! Each check that evaluated at least one subject contributes its pass rate —
//! `(passed + ½·warned) / (passed + warned + failed)` — weighted by its catalog severity
//! (critical 10, high 6, medium 3, low 1, info 0). A pillar's score is the weighted mean over
//! the checks of its items; the overall score is the weighted mean over all checks. Checks
//! that evaluated nothing, and `unknown` results, do not count. A pillar with no evaluated
//! check has no score (null).

use std::collections::BTreeMap;

use kwar_catalog::{Pillar, Severity};
use kwar_checks::{Outcomes, Verdict};

pub fn severity_weight(severity: Severity) -> f64 {
    match severity {
        Severity::Critical => 10.0,
        Severity::High => 6.0,
        Severity::Medium => 3.0,
        Severity::Low => 1.0,
        Severity::Info => 0.0,
    }
}

/// How one check fared over all its subjects.
#[derive(Debug, Clone)]
pub struct CheckTally {
    pub check: String,
    pub severity: Severity,
    pub pillars: Vec<Pillar>,
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
    pub unknown: usize,
}

impl CheckTally {
    pub fn new(
        check: String,
        severity: Severity,
        pillars: Vec<Pillar>,
        outcome: &Outcomes,
    ) -> Self {
        CheckTally {
            check,
            severity,
            pillars,
            passed: outcome.count(Verdict::Pass),
            warned: outcome.count(Verdict::Warn),
            failed: outcome.count(Verdict::Fail),
            unknown: outcome.count(Verdict::Unknown),
        }
    }

    fn evaluated(&self) -> usize {
        self.passed + self.warned + self.failed
    }

    /// Pass rate in 0..=1, None when nothing was decided.
    pub fn rate(&self) -> Option<f64> {
        let n = self.evaluated();
        (n > 0).then(|| (self.passed as f64 + 0.5 * self.warned as f64) / n as f64)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub overall: f64,
    pub pillars: BTreeMap<Pillar, Option<f64>>,
}

impl Scores {
    pub fn compute(tallies: &[CheckTally]) -> Scores {
        let mean = |filter: &dyn Fn(&CheckTally) -> bool| -> Option<f64> {
            let (mut sum, mut weights) = (0.0, 0.0);
            for t in tallies.iter().filter(|t| filter(t)) {
                if let Some(rate) = t.rate() {
                    let w = severity_weight(t.severity);
                    sum += w * rate;
                    weights += w;
                }
            }
            (weights > 0.0).then(|| round1(100.0 * sum / weights))
        };
        let pillars = Pillar::ALL
            .into_iter()
            .map(|p| (p, mean(&|t: &CheckTally| t.pillars.contains(&p))))
            .collect();
        Scores {
            // Nothing evaluated means nothing wrong was found.
            overall: mean(&|_| true).unwrap_or(100.0),
            pillars,
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(severity: Severity, pillars: &[Pillar], p: usize, w: usize, f: usize) -> CheckTally {
        CheckTally {
            check: "x".into(),
            severity,
            pillars: pillars.to_vec(),
            passed: p,
            warned: w,
            failed: f,
            unknown: 0,
        }
    }

    #[test]
    fn weighted_by_severity_and_split_by_pillar() {
        let tallies = [
            tally(Severity::High, &[Pillar::Security], 1, 0, 1), // 0.5, weight 6
            tally(Severity::Low, &[Pillar::Security, Pillar::Cost], 0, 2, 0), // 0.5, weight 1
            tally(Severity::Critical, &[Pillar::Reliability], 0, 0, 0), // nothing evaluated
        ];
        let s = Scores::compute(&tallies);
        assert_eq!(s.pillars[&Pillar::Security], Some(50.0));
        assert_eq!(s.pillars[&Pillar::Cost], Some(50.0));
        assert_eq!(s.pillars[&Pillar::Reliability], None);
        assert_eq!(s.overall, 50.0);
        let s = Scores::compute(&[
            tally(Severity::Critical, &[Pillar::Security], 3, 0, 1),
            tally(Severity::Low, &[Pillar::Security], 0, 0, 1),
        ]);
        assert_eq!(s.overall, round1(100.0 * (10.0 * 0.75) / 11.0));
    }
}
