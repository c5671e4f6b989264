//! `--format junit`: JUnit XML, as GitLab, Jenkins, Azure DevOps and CircleCI show test
//! reports. See docs/output-formats.md.
//!
//! Layout: one `<testsuite>` per check that ran (named by check id), and in it
//! - one test case per finding, named after its object (`Kind/namespace/name`, plus the
//!   container): `fail` and `warn` are failures (type = the finding's severity, the text
//!   starts with `file:line:column`), `unknown` is skipped (undecided, never a failure), a
//!   suppressed finding is skipped with its reason;
//! - one passing test case `passing subjects` when the check passed any subject, its count in
//!   the case's output. The review keeps pass tallies, not a record per passing object
//!   (recording every pass would cost every format memory for JUnit's sake), and a stable
//!   name keeps CI test histories from seeing a new test whenever the count changes.
//!
//! Input errors form a last suite, `input-errors`, with one error test case each.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use kwar_checks::Verdict;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use crate::review::{Review, ReviewFinding};

/// The name of the suite that holds input errors.
pub const INPUT_ERRORS_SUITE: &str = "input-errors";

/// The name of a check's aggregate passing test case.
pub const PASSING_CASE: &str = "passing subjects";

pub fn write_junit(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    // Serialised into memory first: written straight to `out`, an I/O error (a closed pipe)
    // would come back wrapped in a serialisation error and lose its kind.
    let mut xml = Vec::new();
    junit_report(review)
        .serialize(&mut xml)
        .map_err(io::Error::other)?;
    xml.push(b'\n');
    out.write_all(&xml)?;
    out.flush()
}

/// The report, for callers that want to inspect it rather than write it.
pub fn junit_report(review: &Review) -> Report {
    let mut report = Report::new("kwar");
    // The findings per check, in review order, gathered in one pass.
    let mut by_check: HashMap<&str, Vec<&ReviewFinding>> = HashMap::new();
    for finding in &review.findings {
        by_check.entry(finding.check).or_default().push(finding);
    }
    for (meta, tally) in review.checks.iter().zip(&review.tallies) {
        let mut suite = TestSuite::new(meta.id.as_str());
        suite.add_property(Property::new("item", meta.item.as_str()));
        suite.add_property(Property::new("severity", meta.severity.id()));
        for finding in by_check.get(meta.id.as_str()).into_iter().flatten() {
            suite.add_test_case(finding_case(finding));
        }
        if tally.passed > 0 {
            let mut case = TestCase::new(PASSING_CASE, TestCaseStatus::success());
            case.set_classname(meta.id.as_str());
            case.set_system_out(format!(
                "{} subject{} passed",
                tally.passed,
                if tally.passed == 1 { "" } else { "s" }
            ));
            case.add_property(Property::new("passed", tally.passed.to_string()));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    if !review.errors.is_empty() {
        let mut suite = TestSuite::new(INPUT_ERRORS_SUITE);
        for error in &review.errors {
            let place = match error.line {
                Some(line) => format!("{}:{line}", error.file),
                None => error.file.to_string(),
            };
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            status
                .set_message(error.message.as_str())
                .set_type("input-error")
                .set_description(format!("{place}: {}", error.message));
            let mut case = TestCase::new(place, status);
            case.set_classname(INPUT_ERRORS_SUITE);
            case.extra.insert("file".into(), error.file.as_ref().into());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report
}

fn finding_case(f: &ReviewFinding) -> TestCase {
    let place = format!(
        "{}:{}:{}",
        f.location.file, f.location.line, f.location.column
    );
    let object = match &f.object.namespace {
        Some(ns) => format!("{}/{ns}/{}", f.object.kind, f.object.name),
        None => format!("{}/{}", f.object.kind, f.object.name),
    };
    // Writing to a `String` cannot fail.
    let mut description = format!("{}\n{place}\n{object}", f.message);
    if let Some(path) = &f.path {
        let _ = write!(description, " at {path}");
    }
    if let Some(template) = &f.location.template {
        let _ = write!(description, "\nHelm template: {template}");
    }
    let _ = write!(
        description,
        "\n{} ({}), item {}\nHow to fix: {}\nfingerprint: {}",
        f.severity,
        f.verdict.id(),
        f.item(),
        f.remediation(),
        f.fingerprint
    );
    let name = match &f.container {
        Some(container) => format!("{object} (container {container})"),
        None => object,
    };

    let mut status = match (&f.suppression, f.verdict) {
        (Some(suppression), _) => {
            let mut status = TestCaseStatus::skipped();
            status
                .set_message(format!(
                    "suppressed ({}): {}",
                    suppression.kind.id(),
                    suppression.reason
                ))
                .set_type("suppressed");
            status
        }
        (None, Verdict::Unknown | Verdict::Pass) => {
            let mut status = TestCaseStatus::skipped();
            status
                .set_message(format!("undecided: {}", f.message))
                .set_type("unknown");
            status
        }
        (None, Verdict::Fail | Verdict::Warn) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(format!("{} ({place})", f.message))
                .set_type(f.severity.id());
            status
        }
    };
    status.set_description(description);

    let mut case = TestCase::new(name, status);
    case.set_classname(f.check);
    // GitLab links a test case to its file through this attribute.
    case.extra
        .insert("file".into(), f.location.file.as_ref().into());
    case.add_property(Property::new("fingerprint", f.fingerprint.to_string()));
    case
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kwar_catalog::Severity;
    use kwar_source::InputError;

    use super::*;
    use crate::review::{
        CheckMeta, Fingerprint, Location, ObjectRef, Suppression, SuppressionKind,
    };
    use crate::score::{CheckTally, Scores};

    fn finding(verdict: Verdict, container: &str) -> ReviewFinding {
        let meta = CheckMeta::from_catalog("readiness-probe-defined").unwrap();
        ReviewFinding {
            check: "readiness-probe-defined",
            meta: Arc::new(meta),
            verdict,
            severity: Severity::High,
            object: Arc::new(ObjectRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: Some("shop".into()),
                name: "web".into(),
            }),
            container: Some(container.into()),
            path: None,
            location: Location {
                file: Arc::from("deploy/web.yaml"),
                line: 21,
                column: 11,
                template: None,
            },
            message: format!("container {container} has no readinessProbe"),
            fingerprint: Fingerprint(0x0123_4567_89ab_cdef),
            suppression: None,
        }
    }

    fn review(findings: Vec<ReviewFinding>, passed: usize, errors: Vec<InputError>) -> Review {
        let meta = CheckMeta::from_catalog("readiness-probe-defined").unwrap();
        Review {
            findings,
            errors,
            skipped: Vec::new(),
            objects: 3,
            inputs: 1,
            bytes: 100,
            tallies: vec![CheckTally {
                check: meta.id.clone(),
                severity: meta.severity,
                pillars: meta.pillars.clone(),
                passed,
                warned: 0,
                failed: 1,
                unknown: 1,
            }],
            checks: vec![Arc::new(meta)],
            scores: Scores::compute(&[]),
            policy: Default::default(),
            cluster: None,
        }
    }

    fn xml(review: &Review) -> String {
        let mut out = Vec::new();
        write_junit(review, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn one_suite_per_check_with_a_case_per_finding() {
        let mut suppressed = finding(Verdict::Fail, "legacy");
        suppressed.suppression = Some(Suppression {
            kind: SuppressionKind::Inline,
            reason: "served through a sidecar".into(),
            expires: None,
        });
        let review = review(
            vec![
                finding(Verdict::Fail, "web"),
                finding(Verdict::Unknown, "api"),
                suppressed,
            ],
            4,
            Vec::new(),
        );
        let report = junit_report(&review);
        assert_eq!(report.test_suites.len(), 1);
        let suite = &report.test_suites[0];
        assert_eq!(suite.name.as_str(), "readiness-probe-defined");
        assert_eq!(
            (suite.tests, suite.failures, suite.skipped, suite.errors),
            (4, 1, 2, 0)
        );
        let text = xml(&review);
        assert!(text.contains(r#"<testcase name="Deployment/shop/web (container web)""#));
        assert!(text.contains(r#"type="high""#), "{text}");
        assert!(text.contains("(deploy/web.yaml:21:11)"));
        assert!(text.contains("suppressed (inline): served through a sidecar"));
        assert!(text.contains("undecided: container api has no readinessProbe"));
        assert!(text.contains("4 subjects passed"));
    }

    #[test]
    fn no_passing_case_without_passes() {
        let report = junit_report(&review(vec![finding(Verdict::Fail, "web")], 0, Vec::new()));
        assert_eq!(report.test_suites[0].tests, 1);
    }

    #[test]
    fn input_errors_are_error_cases() {
        let report = junit_report(&review(
            Vec::new(),
            0,
            vec![InputError::new(
                "broken.yaml",
                Some(3),
                "mapping values are not allowed",
            )],
        ));
        let suite = &report.test_suites[1];
        assert_eq!(suite.name.as_str(), INPUT_ERRORS_SUITE);
        assert_eq!((suite.tests, suite.errors), (1, 1));
        assert_eq!(suite.test_cases[0].name.as_str(), "broken.yaml:3");
        assert_eq!(report.errors, 1);
    }
}
