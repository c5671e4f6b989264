use chrono::NaiveDate;
use kwar_catalog::Severity;

use crate::{default_config_file, Config, ConfigError, ExemptionSubject, Profile};

fn errors(text: &str) -> Vec<ConfigError> {
    Config::parse(text, "kwar.yaml").expect_err("the config is rejected")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[test]
fn a_full_config_is_read_into_its_types() {
    let config = Config::parse(
        r#"
profile: development
checks:
  disable: [read-only-root-fs]
  severity:
    no-latest-tag: critical
parameters:
  systemNamespaces: [kube-system, platform]
  ownershipLabels: [squad]
suppressions:
  inline: false
exemptions:
  - checks: [multiple-replicas]
    namespaces: ["batch-*"]
    kinds: [Deployment]
    names: ["/^report-(daily|weekly)$/"]
    labels: {tier: batch}
    reason: retried by the queue
    expires: 2027-06-30
"#,
        "kwar.yaml",
    )
    .unwrap();
    assert_eq!(config.profile, Profile::Development);
    assert_eq!(config.checks.disable, ["read-only-root-fs"]);
    assert!(!config.runs_check("read-only-root-fs"));
    assert!(config.runs_check("no-latest-tag"));
    assert!(!config.suppressions.inline);
    let params = config.params();
    assert_eq!(params.system_namespaces, ["kube-system", "platform"]);
    assert_eq!(params.ownership_labels, ["squad"]);

    let overrides = config.severity_overrides();
    assert_eq!(overrides["no-latest-tag"], Severity::Critical);
    // The development profile lowers the replica checks (high in the catalog) one level.
    assert_eq!(overrides["multiple-replicas"], Severity::Medium);
    assert_eq!(overrides["spread-across-zones"], Severity::Low);

    let exemption = &config.exemptions[0];
    assert_eq!((exemption.line, exemption.column), (13, 5));
    let labels = [("tier", "batch")];
    let subject = |check, ns, name| ExemptionSubject {
        check,
        kind: "Deployment",
        namespace: ns,
        name,
        labels: &labels,
    };
    assert!(exemption.matches(&subject(
        "multiple-replicas",
        Some("batch-eu"),
        "report-daily"
    )));
    assert!(!exemption.matches(&subject("multiple-replicas", Some("shop"), "report-daily")));
    assert!(!exemption.matches(&subject("multiple-replicas", None, "report-daily")));
    assert!(!exemption.matches(&subject(
        "multiple-replicas",
        Some("batch-eu"),
        "report-hourly"
    )));
    assert!(!exemption.matches(&subject("no-latest-tag", Some("batch-eu"), "report-daily")));
    assert!(!exemption.matches(&ExemptionSubject {
        labels: &[("tier", "web")],
        ..subject("multiple-replicas", Some("batch-eu"), "report-daily")
    }));
    assert!(!exemption.is_expired(date("2027-06-30")));
    assert!(exemption.is_expired(date("2027-07-01")));
}

#[test]
fn every_development_relaxed_check_exists_in_the_catalog() {
    let catalog = kwar_catalog::Catalog::embedded();
    for id in crate::DEVELOPMENT_RELAXED_CHECKS {
        assert!(catalog.check(id).is_some(), "{id} is not a catalog check");
        assert!(
            kwar_checks::find_check(id).is_some(),
            "{id} is not implemented"
        );
    }
}

#[test]
fn a_star_exemption_covers_every_check() {
    let config = Config::parse(
        "exemptions:\n  - checks: [\"*\"]\n    kinds: [Pod]\n    reason: debugging pod\n",
        "kwar.yaml",
    )
    .unwrap();
    let subject = ExemptionSubject {
        check: "not-privileged",
        kind: "Pod",
        namespace: None,
        name: "debug",
        labels: &[],
    };
    assert!(config.exemptions[0].matches(&subject));
    assert!(!config.exemptions[0].is_expired(date("2999-01-01")));
}

#[test]
fn an_empty_file_is_the_default_config() {
    let config = Config::parse("# nothing yet\n", "kwar.yaml").unwrap();
    assert_eq!(config.profile, Profile::Production);
    assert!(config.exemptions.is_empty());
    assert!(config.suppressions.inline);
    assert!(config.severity_overrides().is_empty());
}

#[test]
fn mistakes_are_reported_with_line_column_and_hint() {
    let errors = errors(
        r#"checks:
  disabel: [no-latest-tag]
  severity:
    no-latest-tags: high
    non-root: urgent
profile: staging
exemptions:
  - checks: [non-root]
    expires: 2027-02-30
  - checks: non-root
    reason: ok
"#,
    );
    let found: Vec<(u32, u32, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column, e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (2, 3, "unknown key `disabel` in `checks`"),
            (4, 5, "unknown check `no-latest-tags`"),
            (5, 15, "`urgent` is not a severity"),
            (6, 10, "`staging` is not a profile"),
            (8, 5, "an exemption must give a `reason`"),
            (9, 14, "`2027-02-30` is not a date"),
            (
                10,
                13,
                "`checks` of an exemption must be a list of strings, found a string"
            ),
        ]
    );
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("expected one of: disable, enable, severity")
    );
    assert_eq!(
        errors[1].hint.as_deref(),
        Some("did you mean no-latest-tag?")
    );
    assert_eq!(
        errors[1].to_string(),
        "kwar.yaml:4:5: unknown check `no-latest-tags`\n  hint: did you mean no-latest-tag?"
    );
}

#[test]
fn an_exemption_without_checks_or_with_a_bad_pattern_is_rejected() {
    let errors = errors("exemptions:\n  - names: [\"/(/\"]\n    reason: x\n");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (2, 5));
    assert!(errors[0].message.contains("which checks"));
    assert!(errors[1].message.starts_with("bad regular expression"));
}

#[test]
fn custom_rule_ids_may_be_named() {
    let config = Config::parse(
        "checks:\n  disable: [custom:ecr-only]\nrules:\n  - id: custom:ecr-only\n",
        "kwar.yaml",
    )
    .unwrap();
    assert!(config.rules.is_some());
    assert_eq!(config.checks.disable, ["custom:ecr-only"]);
    // A rule declared without the prefix is still named with it.
    let errors = errors("checks:\n  disable: [ecr-only]\nrules:\n  - id: ecr-only\n");
    assert_eq!(
        errors[0].hint.as_deref(),
        Some("custom rules are named with their prefix: custom:ecr-only")
    );
}

#[test]
fn syntax_errors_and_a_second_document_are_reported() {
    let syntax = errors("checks:\n  disable: [a\n");
    assert_eq!(syntax[0].file, "kwar.yaml");
    assert!(syntax[0].line >= 2, "{syntax:?}");
    let two = errors("profile: production\n---\nprofile: development\n");
    assert_eq!(two[0].line, 3);
    assert!(two[0].message.contains("more than one YAML document"));
}

#[test]
fn the_default_file_loads_and_changes_nothing() {
    let text = default_config_file();
    let config = Config::parse(&text, "kwar.yaml").unwrap();
    assert_eq!(config.profile, Profile::Production);
    assert!(config.severity_overrides().is_empty());
    assert!(config.exemptions.is_empty());
    assert!(config.suppressions.inline);
    for ns in &kwar_catalog::Catalog::embedded().system_namespaces {
        assert!(text.contains(&format!("- {ns}\n")), "{ns} is not listed");
    }
}

#[test]
fn the_nearest_config_file_above_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    // The scratch directory is a checkout's root, so nothing above it is looked at.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    assert_eq!(Config::discover(&nested), None);
    std::fs::write(dir.path().join(".kwar.yaml"), "profile: development\n").unwrap();
    assert_eq!(
        Config::discover(&nested),
        Some(dir.path().join(".kwar.yaml"))
    );
    std::fs::write(dir.path().join("a/kwar.yaml"), "").unwrap();
    assert_eq!(
        Config::discover(&nested),
        Some(dir.path().join("a/kwar.yaml"))
    );
    let config = Config::load(&dir.path().join(".kwar.yaml")).unwrap();
    assert_eq!(config.profile, Profile::Development);

    // The root of a Git repository ends the search.
    std::fs::remove_file(dir.path().join("a/kwar.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("a/.git")).unwrap();
    assert_eq!(Config::discover(&nested), None);
}
