//! `--format sarif`: SARIF 2.1.0 (OASIS), as GitHub code scanning, GitLab and IDE viewers
//! read it. One rule per check that ran, one result per finding; see docs/output-formats.md.
//!
//! Mapping decisions:
//! - `fail` and `warn` findings are results of kind `fail` at the level of their severity
//!   (a warn's severity is already one level lower): critical/high → `error`, medium →
//!   `warning`, low/info → `note`.
//! - `unknown` findings are results of kind `review` with level `none`: SARIF §3.27.9 defines
//!   `review` as "requires review by a human user to decide if it represents a problem", and
//!   §3.27.10 requires level `none` for any kind other than `fail`.
//! - Suppressed findings stay in the log with `suppressions` (`inSource` for the object's
//!   `kwar.io/ignore` annotation, `external` for a config exemption), so nothing disappears
//!   without a trace.
//! - Input errors are `toolExecutionNotifications` of the one invocation, which is
//!   `executionSuccessful: false` when there are any.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use kwar_catalog::{Catalog, Severity};
use kwar_checks::{find_check, Verdict};
use serde_json::json;
use serde_sarif::sarif;

use crate::review::{CheckMeta, Review, ReviewFinding, SuppressionKind};

/// Where the SARIF schema of the version written here lives.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where each check's documentation is published; `#<check-id>` is its `## <check-id>` heading.
pub const CHECK_DOCS_URI: &str = "https://github.com/kwar-dev/kwar/blob/main/docs/checks.md";

/// The base every artifact URI is relative to: the directory kwar ran in (for code scanning,
/// the checkout root).
pub const SOURCE_ROOT: &str = "%SRCROOT%";

/// The key of kwar's fingerprint in `partialFingerprints`; bumped if the fingerprint's
/// definition ever changes, so consumers do not match old and new ones.
pub const FINGERPRINT_KEY: &str = "kwar/v1";

pub fn write_sarif(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif_log(review))?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The whole log, for callers that want to inspect it rather than write it.
pub fn sarif_log(review: &Review) -> sarif::Sarif {
    let rules: Vec<sarif::ReportingDescriptor> = review.checks.iter().map(|c| rule(c)).collect();
    let rule_index: HashMap<&str, usize> = review
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let results: Vec<sarif::Result> = review
        .findings
        .iter()
        .map(|f| result(f, rule_index.get(f.check).copied()))
        .collect();
    let notifications: Vec<sarif::Notification> = review
        .errors
        .iter()
        .map(|e| {
            let mut notification = sarif::Notification::builder()
                .level(json!("error"))
                .message(text_message(&e.message))
                .build();
            notification.locations =
                physical_location(&e.file, e.line.map(|line| (line.max(1), None))).map(
                    |physical| {
                        vec![sarif::Location::builder()
                            .physical_location(physical)
                            .build()]
                    },
                );
            notification
        })
        .collect();
    let invocation = sarif::Invocation::builder()
        .execution_successful(review.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let driver = sarif::ToolComponent::builder()
        .name("kwar")
        .full_name("kwar — Kubernetes Well-Architected Review")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri("https://github.com/kwar-dev/kwar")
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        // kwar_yaml counts columns in characters, not UTF-16 code units.
        .column_kind(json!("unicodeCodePoints"))
        .results(results)
        .build();
    sarif::Sarif::builder()
        .schema(SARIF_SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn rule(meta: &CheckMeta) -> sarif::ReportingDescriptor {
    let spec = Catalog::embedded().check(&meta.id);
    let full_description = match spec {
        Some(spec) => {
            let mut text = format!("Applies to {}.", spec.scope);
            for (verb, condition) in [
                ("Passes when", &spec.pass),
                ("Warns when", &spec.warn),
                ("Fails when", &spec.fail),
            ] {
                if let Some(condition) = condition {
                    text.push_str(&format!(" {verb} {condition}."));
                }
            }
            text
        }
        None => meta.title.clone(),
    };
    let documentation = find_check(&meta.id).map(|c| c.documentation());
    let help_text = if meta.remediation.trim().is_empty() {
        meta.title.clone()
    } else {
        meta.remediation.clone()
    };
    let mut help = sarif::MultiformatMessageString::builder()
        .text(help_text)
        .build();
    help.markdown = documentation.map(|d| d.trim_end().to_string());

    let mut tags: Vec<String> = meta.pillars.iter().map(|p| p.id().to_string()).collect();
    // Areas share names with pillars (`security`, `reliability`, `cost`), and GitHub reads a
    // plain `security` tag as "a security rule": the area gets a prefix like the item.
    tags.push(format!("area:{}", meta.area));
    tags.push(format!("item:{}", meta.item));
    let mut extra = BTreeMap::new();
    if let Some(score) = security_severity(meta.severity) {
        extra.insert("security-severity".to_string(), json!(score));
    }
    extra.insert("severity".to_string(), json!(meta.severity.id()));
    extra.insert("item".to_string(), json!(meta.item));
    let properties = sarif::PropertyBag::builder()
        .tags(tags)
        .additional_properties(extra)
        .build();

    let mut rule = sarif::ReportingDescriptor::builder()
        .id(meta.id.as_str())
        .name(pascal_case(&meta.id))
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(meta.title.as_str())
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(full_description)
                .build(),
        )
        .help(help)
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(meta.severity)))
                .build(),
        )
        .properties(properties)
        .build();
    // Custom rules have no page in docs/checks.md.
    if spec.is_some() {
        rule.help_uri = Some(format!("{CHECK_DOCS_URI}#{}", meta.id));
    }
    rule
}

fn result(f: &ReviewFinding, rule_index: Option<usize>) -> sarif::Result {
    let (kind, level) = match f.verdict {
        Verdict::Unknown | Verdict::Pass => (sarif::ResultKind::Review, sarif::ResultLevel::None),
        Verdict::Fail | Verdict::Warn => (sarif::ResultKind::Fail, level(f.severity)),
    };
    let object = object_name(f);
    let mut logical = sarif::LogicalLocation::builder()
        .name(f.object.name.as_str())
        .fully_qualified_name(object.as_str())
        .kind("object")
        .build();
    if let Some(path) = &f.path {
        logical.decorated_name = Some(format!("{object}:{path}"));
    }
    // A Helm template named in a `# Source:` comment stands in for stdin; the rendered line
    // is not a line of the template, so no region is given then.
    let physical = if f.location.file.as_ref() == "<stdin>" {
        f.location
            .template
            .as_deref()
            .and_then(|template| physical_location(template, None))
    } else {
        physical_location(
            &f.location.file,
            Some((f.location.line, Some(f.location.column))),
        )
    };
    let mut location = sarif::Location::builder()
        .logical_locations(vec![logical])
        .build();
    location.physical_location = physical;

    let mut properties = BTreeMap::new();
    properties.insert("verdict".to_string(), json!(f.verdict.id()));
    properties.insert("severity".to_string(), json!(f.severity.id()));
    properties.insert("item".to_string(), json!(f.item()));
    if let Some(container) = &f.container {
        properties.insert("container".to_string(), json!(container));
    }
    if let Some(path) = &f.path {
        properties.insert("path".to_string(), json!(path));
    }
    if let Some(template) = &f.location.template {
        properties.insert("template".to_string(), json!(template.as_ref()));
    }

    let mut result = sarif::Result::builder()
        .rule_id(f.check)
        .kind(kind)
        .level(level)
        .message(text_message(&f.message))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([(
            FINGERPRINT_KEY.to_string(),
            f.fingerprint.to_string(),
        )]))
        .properties(
            sarif::PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build();
    result.rule_index = rule_index.map(|i| i as i64);
    result.suppressions = f.suppression.as_ref().map(|s| {
        let kind = match s.kind {
            SuppressionKind::Inline => "inSource",
            SuppressionKind::Config => "external",
        };
        let mut suppression = sarif::Suppression::builder()
            .kind(json!(kind))
            .status(json!("accepted"))
            .justification(s.reason.as_str())
            .build();
        if let Some(expires) = &s.expires {
            suppression.properties = Some(
                sarif::PropertyBag::builder()
                    .additional_properties(BTreeMap::from([(
                        "expires".to_string(),
                        json!(expires),
                    )]))
                    .build(),
            );
        }
        vec![suppression]
    });
    result
}

/// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects.
fn object_name(f: &ReviewFinding) -> String {
    match &f.object.namespace {
        Some(ns) => format!("{}/{ns}/{}", f.object.kind, f.object.name),
        None => format!("{}/{}", f.object.kind, f.object.name),
    }
}

fn text_message(text: &str) -> sarif::Message {
    sarif::Message::builder().text(text).build()
}

/// A file and optional `(line, column)` as a SARIF physical location; `None` for inputs that
/// are no file (stdin without a template).
fn physical_location(
    file: &str,
    position: Option<(u32, Option<u32>)>,
) -> Option<sarif::PhysicalLocation> {
    if file == "<stdin>" {
        return None;
    }
    let mut artifact = sarif::ArtifactLocation::builder()
        .uri(artifact_uri(file))
        .build();
    if !is_absolute(file) {
        artifact.uri_base_id = Some(SOURCE_ROOT.to_string());
    }
    let mut physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact)
        .build();
    physical.region = position.map(|(line, column)| {
        let mut region = sarif::Region::builder()
            .start_line(i64::from(line.max(1)))
            .build();
        region.start_column = column.map(|c| i64::from(c.max(1)));
        region
    });
    Some(physical)
}

fn is_absolute(file: &str) -> bool {
    let bytes = file.as_bytes();
    let drive_letter = bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'/' | b'\\');
    file.starts_with('/') || drive_letter
}

/// A path as a URI reference: `/` separators, and every byte a URI may not hold as is
/// percent-encoded; absolute paths become `file://` URIs.
fn artifact_uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut uri = String::with_capacity(path.len());
    if is_absolute(path) {
        uri.push_str("file://");
        if !path.starts_with('/') {
            uri.push('/');
        }
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => uri.push(char::from(byte)),
            // A drive letter's colon is kept; elsewhere it could read as a scheme.
            b':' if uri.starts_with("file://") => uri.push(':'),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// The SARIF level a result of this severity has (and a rule's default level).
pub fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium => sarif::ResultLevel::Warning,
        Severity::Low | Severity::Info => sarif::ResultLevel::Note,
    }
}

/// GitHub code scanning's `security-severity` (a CVSS-like score as a string): over 9.0 is
/// critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. Info has none.
fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

/// `readiness-probe-defined` → `ReadinessProbeDefined`, SARIF's suggested rule name style;
/// `custom:` prefixes are kept as a word (`custom:ecr-only` → `CustomEcrOnly`).
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use kwar_catalog::Pillar;
    use kwar_source::InputError;

    use super::*;
    use crate::review::{Fingerprint, Location, ObjectRef, Suppression};
    use crate::score::Scores;

    fn to_value(review: &Review) -> serde_json::Value {
        serde_json::to_value(sarif_log(review)).expect("a SARIF log serialises")
    }

    fn finding(verdict: Verdict, severity: Severity) -> ReviewFinding {
        let meta = CheckMeta::from_catalog("readiness-probe-defined").unwrap();
        ReviewFinding {
            check: "readiness-probe-defined",
            meta: Arc::new(meta),
            verdict,
            severity,
            object: Arc::new(ObjectRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: Some("shop".into()),
                name: "web".into(),
            }),
            container: Some("web".into()),
            path: Some("spec.template.spec.containers[0]".into()),
            location: Location {
                file: Arc::from("deploy/my app/web.yaml"),
                line: 12,
                column: 9,
                template: None,
            },
            message: "container web has no readinessProbe".into(),
            fingerprint: Fingerprint(0x0123_4567_89ab_cdef),
            suppression: None,
        }
    }

    fn review(findings: Vec<ReviewFinding>, errors: Vec<InputError>) -> Review {
        Review {
            findings,
            errors,
            skipped: Vec::new(),
            objects: 1,
            inputs: 1,
            bytes: 100,
            tallies: Vec::new(),
            checks: vec![
                Arc::new(CheckMeta::from_catalog("readiness-probe-defined").unwrap()),
                Arc::new(CheckMeta {
                    id: "custom:owner-label".into(),
                    item: "app-labels".into(),
                    area: "application".into(),
                    severity: Severity::Info,
                    pillars: vec![Pillar::OperationalExcellence],
                    title: "Every Deployment has an owner label".into(),
                    remediation: String::new(),
                    references: Vec::new(),
                }),
            ],
            scores: Scores::compute(&[]),
            policy: Default::default(),
            cluster: None,
        }
    }

    #[test]
    fn rules_describe_checks_from_the_catalog_and_their_docs() {
        let log = to_value(&review(Vec::new(), Vec::new()));
        let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
        assert_eq!(rule["id"], "readiness-probe-defined");
        assert_eq!(rule["name"], "ReadinessProbeDefined");
        assert_eq!(rule["shortDescription"]["text"], "Pod readiness checks");
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(full.starts_with("Applies to serving containers"), "{full}");
        assert!(full.contains("Fails when a serving container has no readinessProbe."));
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .starts_with("## What it checks"));
        assert_eq!(
            rule["helpUri"],
            format!("{CHECK_DOCS_URI}#readiness-probe-defined")
        );
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        assert_eq!(rule["properties"]["security-severity"], "8.0");
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.contains(&json!("reliability")));
        assert!(tags.contains(&json!("area:application")));
        assert!(tags.contains(&json!("item:app-readiness-probes")));

        let custom = &log["runs"][0]["tool"]["driver"]["rules"][1];
        assert_eq!(custom["name"], "CustomOwnerLabel");
        assert_eq!(
            custom["help"]["text"],
            "Every Deployment has an owner label"
        );
        assert_eq!(custom["defaultConfiguration"]["level"], "note");
        assert!(custom.get("helpUri").is_none());
        assert!(custom["properties"].get("security-severity").is_none());
    }

    #[test]
    fn results_point_at_file_region_and_object() {
        let log = to_value(&review(
            vec![finding(Verdict::Warn, Severity::Medium)],
            Vec::new(),
        ));
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "readiness-probe-defined");
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(result["kind"], "fail");
        assert_eq!(result["level"], "warning");
        let location = &result["locations"][0];
        let physical = &location["physicalLocation"];
        assert_eq!(
            physical["artifactLocation"]["uri"],
            "deploy/my%20app/web.yaml"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"]["startLine"], 12);
        assert_eq!(physical["region"]["startColumn"], 9);
        let logical = &location["logicalLocations"][0];
        assert_eq!(logical["fullyQualifiedName"], "Deployment/shop/web");
        assert_eq!(logical["kind"], "object");
        assert_eq!(result["partialFingerprints"]["kwar/v1"], "0123456789abcdef");
        assert!(result.get("suppressions").is_none());
    }

    #[test]
    fn unknown_results_ask_for_review_without_a_level() {
        let log = to_value(&review(
            vec![finding(Verdict::Unknown, Severity::Info)],
            Vec::new(),
        ));
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["kind"], "review");
        assert_eq!(result["level"], "none");
    }

    #[test]
    fn suppressed_findings_carry_their_suppression() {
        let mut inline = finding(Verdict::Fail, Severity::High);
        inline.suppression = Some(Suppression {
            kind: SuppressionKind::Inline,
            reason: "batch pods never receive traffic".into(),
            expires: None,
        });
        let mut config = finding(Verdict::Fail, Severity::High);
        config.suppression = Some(Suppression {
            kind: SuppressionKind::Config,
            reason: "legacy app, migrating in Q3".into(),
            expires: Some("2027-09-30".into()),
        });
        let log = to_value(&review(vec![inline, config], Vec::new()));
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(
            results[0]["suppressions"],
            json!([{"kind": "inSource", "status": "accepted",
                    "justification": "batch pods never receive traffic"}])
        );
        assert_eq!(results[1]["suppressions"][0]["kind"], "external");
        assert_eq!(
            results[1]["suppressions"][0]["properties"]["expires"],
            "2027-09-30"
        );
        assert_eq!(results[1]["level"], "error");
    }

    #[test]
    fn input_errors_are_execution_notifications() {
        let log = to_value(&review(
            Vec::new(),
            vec![
                InputError::new("broken.yaml", Some(3), "did not find expected key"),
                InputError::new("<stdin>", None, "no manifest"),
            ],
        ));
        let invocation = &log["runs"][0]["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes[0]["level"], "error");
        assert_eq!(notes[0]["message"]["text"], "did not find expected key");
        let physical = &notes[0]["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "broken.yaml");
        assert_eq!(physical["region"]["startLine"], 3);
        assert!(physical["region"].get("startColumn").is_none());
        assert!(notes[1].get("locations").is_none());
    }

    #[test]
    fn uris_are_valid_references() {
        assert_eq!(artifact_uri("./a/b c#1.yaml"), "a/b%20c%231.yaml");
        assert_eq!(artifact_uri("/tmp/x.yaml"), "file:///tmp/x.yaml");
        assert_eq!(artifact_uri("C:\\m\\x.yaml"), "file:///C:/m/x.yaml");
        assert_eq!(artifact_uri("naïve.yaml"), "na%C3%AFve.yaml");
        assert_eq!(artifact_uri("a:b.yaml"), "a%3Ab.yaml");
    }
}
