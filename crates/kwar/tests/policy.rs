//! Config file, suppressions (inline, config, expiry, the no-inline switch) and baselines,
//! end to end on manifests of the example shop copied into a scratch directory (the config
//! file is found from the working directory, so each test runs kwar in its own directory).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use common::{assert_schema_valid, workspace_root};

/// Runs kwar in `dir`.
fn kwar_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("kwar runs")
}

/// `kwar scan --format json ARGS` in `dir`: the report and the exit code.
fn scan_json(dir: &Path, args: &[&str]) -> (Value, Option<i32>) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let out = kwar_in(dir, &all);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_schema_valid(&report);
    (report, out.status.code())
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A scratch directory holding one manifest of the example shop, edited by `edit`. It is
/// made the root of a (bare) Git checkout so that no config file above it is found.
fn shop_file(relative: &str, edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let original =
        std::fs::read_to_string(workspace_root().join("examples/shop").join(relative)).unwrap();
    let name = Path::new(relative).file_name().unwrap();
    std::fs::write(dir.path().join(name), edit(original)).unwrap();
    dir
}

fn replace_once(text: String, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` is not unique");
    text.replacen(from, to, 1)
}

/// The cart Deployment's own metadata, to add annotations after.
const CART_METADATA: &str = "kind: Deployment\nmetadata:\n  name: cart\n  namespace: storefront\n";

fn cart_with_annotations(annotations: &str) -> tempfile::TempDir {
    shop_file("storefront/cart.yaml", |text| {
        replace_once(
            text,
            CART_METADATA,
            &format!("{CART_METADATA}  annotations:\n{annotations}"),
        )
    })
}

fn findings_of<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

// The cart alone fails `default-deny` (high: no NetworkPolicy in the input), so it fails the
// default gate; suppressing that finding is what lets it pass.

#[test]
fn an_inline_ignore_with_a_reason_suppresses_and_stays_visible() {
    let dir = cart_with_annotations(
        "    kwar.io/ignore: \"default-deny, hpa-coverage\"\n    kwar.io/ignore-reason: \"policies live in the platform repo\"\n",
    );
    let (report, code) = scan_json(dir.path(), &["cart.yaml"]);
    assert_eq!(code, Some(0), "the only high finding is suppressed");
    let deny = findings_of(&report, "default-deny");
    assert_eq!(deny.len(), 1, "suppressed findings stay in the JSON");
    assert_eq!(deny[0]["suppressed"]["kind"], "inline");
    assert_eq!(
        deny[0]["suppressed"]["reason"],
        "policies live in the platform repo"
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["summary"]["findings"]["high"], 0);
    // Checks the annotation does not name are untouched.
    assert!(findings_of(&report, "pdbs-for-replicated")[0]["suppressed"].is_null());

    let out = kwar_in(dir.path(), &["scan", "cart.yaml"]);
    let listing = text(&out);
    assert!(!listing.contains("default-deny"), "{listing}");
    assert!(
        listing.contains("2 suppressed (--show-suppressed lists them)"),
        "{listing}"
    );
    let out = kwar_in(dir.path(), &["scan", "cart.yaml", "--show-suppressed"]);
    let listing = text(&out);
    assert!(listing.contains("default-deny"), "{listing}");
    assert!(
        listing.contains("suppressed (inline): policies live in the platform repo"),
        "{listing}"
    );
}

#[test]
fn an_inline_ignore_on_the_pod_template_suppresses_its_checks() {
    let dir = shop_file("legacy/inventory-sync.yaml", |text| {
        replace_once(
            text,
            "      annotations:\n        cluster-autoscaler",
            "      annotations:\n        kwar.io/ignore: \"*\"\n        kwar.io/ignore-reason: \"being replaced by the new sync service\"\n        cluster-autoscaler",
        )
    });
    let (report, code) = scan_json(dir.path(), &["inventory-sync.yaml"]);
    assert_eq!(code, Some(0));
    for f in report["findings"].as_array().unwrap() {
        let suppressed = !f["suppressed"].is_null();
        // `*` on the Deployment's pod template covers every finding of the Deployment, none
        // of the Service next to it.
        assert_eq!(
            suppressed,
            f["object"]["kind"] == "Deployment",
            "{}",
            f["check"]
        );
    }
}

#[test]
fn an_inline_ignore_without_a_reason_suppresses_nothing_and_is_listed() {
    let dir = cart_with_annotations("    kwar.io/ignore: default-deny\n");
    let (report, code) = scan_json(dir.path(), &["cart.yaml"]);
    assert_eq!(code, Some(1));
    assert!(findings_of(&report, "default-deny")[0]["suppressed"].is_null());
    let listed = &report["summary"]["ignoresWithoutReason"];
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["object"]["name"], "cart");
    assert_eq!(listed[0]["checks"], "default-deny");
    assert_eq!(listed[0]["line"], 20, "the line of the annotation");
    let listing = text(&kwar_in(dir.path(), &["scan", "cart.yaml"]));
    assert!(listing.contains("Ignores without a reason"), "{listing}");
}

#[test]
fn an_inline_ignore_naming_an_unknown_check_is_listed() {
    // A typo (`default-deny` misspelt) must not pass silently: the valid id still suppresses,
    // the unknown one is listed with its line.
    let dir = cart_with_annotations(
        "    kwar.io/ignore: \"defualt-deny, hpa-coverage\"\n    kwar.io/ignore-reason: \"platform repo\"\n",
    );
    let (report, _) = scan_json(dir.path(), &["cart.yaml"]);
    assert!(findings_of(&report, "default-deny")[0]["suppressed"].is_null());
    assert!(!findings_of(&report, "hpa-coverage")[0]["suppressed"].is_null());
    let listed = report["summary"]["ignoresOfUnknownChecks"]
        .as_array()
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["check"], "defualt-deny");
    assert_eq!(listed[0]["object"]["name"], "cart");
    assert_eq!(listed[0]["line"], 20, "the line of the annotation");
    let listing = text(&kwar_in(dir.path(), &["scan", "cart.yaml"]));
    assert!(
        listing.contains("unknown check `defualt-deny`"),
        "{listing}"
    );
}

#[test]
fn inline_suppressions_can_be_forbidden_by_flag_or_config() {
    let dir = cart_with_annotations(
        "    kwar.io/ignore: default-deny\n    kwar.io/ignore-reason: \"we said so\"\n",
    );
    let (report, code) = scan_json(dir.path(), &["cart.yaml", "--no-inline-suppressions"]);
    assert_eq!(code, Some(1));
    assert!(findings_of(&report, "default-deny")[0]["suppressed"].is_null());
    assert_eq!(report["summary"]["suppressed"], 0);

    std::fs::write(
        dir.path().join("kwar.yaml"),
        "suppressions:\n  inline: false\n",
    )
    .unwrap();
    let (report, code) = scan_json(dir.path(), &["cart.yaml"]);
    assert_eq!(code, Some(1));
    assert!(findings_of(&report, "default-deny")[0]["suppressed"].is_null());
}

#[test]
fn a_config_exemption_suppresses_what_it_matches() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    std::fs::write(
        dir.path().join("kwar.yaml"),
        r#"exemptions:
  - checks: [default-deny]
    namespaces: ["store*"]
    kinds: [Deployment]
    names: ["/^ca.t$/"]
    labels: {team: web}
    reason: "network policies are applied by the platform team"
    expires: 2999-12-31
  - checks: ["*"]
    labels: {team: payments}
    reason: "does not match the cart"
"#,
    )
    .unwrap();
    let (report, code) = scan_json(dir.path(), &["cart.yaml"]);
    assert_eq!(code, Some(0));
    let deny = findings_of(&report, "default-deny");
    assert_eq!(
        deny[0]["suppressed"],
        serde_json::json!({
            "kind": "config",
            "reason": "network policies are applied by the platform team",
            "expires": "2999-12-31",
        })
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(
        report["summary"]["expiredExemptions"],
        serde_json::json!([])
    );
}

#[test]
fn an_expired_exemption_stops_suppressing_and_is_reported() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    std::fs::write(
        dir.path().join("kwar.yaml"),
        r#"exemptions:
  - checks: [default-deny]
    namespaces: [storefront]
    reason: "until the platform policies land"
    expires: 2020-01-31
"#,
    )
    .unwrap();
    let (report, code) = scan_json(dir.path(), &["cart.yaml"]);
    assert_eq!(code, Some(1), "the finding gates again");
    assert!(findings_of(&report, "default-deny")[0]["suppressed"].is_null());
    let expired = &report["summary"]["expiredExemptions"];
    assert_eq!(
        expired,
        &serde_json::json!([{
            "file": "kwar.yaml",
            "line": 2,
            "column": 5,
            "checks": ["default-deny"],
            "reason": "until the platform policies land",
            "expires": "2020-01-31",
            "findings": 1,
        }])
    );
    let listing = text(&kwar_in(dir.path(), &["scan", "cart.yaml"]));
    assert!(listing.contains("Expired exemptions"), "{listing}");
    assert!(
        listing.contains("kwar.yaml:2:5  expired 2020-01-31"),
        "{listing}"
    );
}

#[test]
fn an_expired_exemption_alone_does_not_fail_the_build() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    std::fs::write(
        dir.path().join("kwar.yaml"),
        r#"exemptions:
  - checks: [default-deny]
    reason: "policies are applied by the platform team"
  - checks: [not-privileged]
    reason: "an old debugging exemption"
    expires: 2021-06-30
"#,
    )
    .unwrap();
    let (report, code) = scan_json(dir.path(), &["cart.yaml"]);
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["expiredExemptions"][0]["findings"], 0);
}

#[test]
fn config_mistakes_stop_kwar_before_scanning_with_file_line_and_hint() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    std::fs::write(
        dir.path().join("strict.yaml"),
        "checks:\n  disable: [no-latest-tags]\nexemptions:\n  - checks: [non-root]\n    expires: 2027-02-30\nprofiel: development\n",
    )
    .unwrap();
    let out = kwar_in(
        dir.path(),
        &[
            "scan",
            "cart.yaml",
            "--format",
            "json",
            "--config",
            "strict.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing is scanned");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "the config file strict.yaml has 4 problems",
        "strict.yaml:2:13: unknown check `no-latest-tags`\n  hint: did you mean no-latest-tag?",
        "strict.yaml:4:5: an exemption must give a `reason`",
        "strict.yaml:5:14: `2027-02-30` is not a date",
        "strict.yaml:6:1: unknown key `profiel` in the config file",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }

    let out = kwar_in(
        dir.path(),
        &["scan", "cart.yaml", "--config", "missing.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.yaml not found"));
}

#[test]
fn the_config_is_found_in_a_parent_directory_and_selects_checks() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    std::fs::write(
        dir.path().join(".kwar.yaml"),
        r#"profile: development
checks:
  disable: [default-deny]
  severity:
    read-only-root-fs: medium
parameters:
  ownershipLabels: [squad]
"#,
    )
    .unwrap();
    let nested = dir.path().join("ci/job");
    std::fs::create_dir_all(&nested).unwrap();
    let (report, code) = scan_json(&nested, &["../../cart.yaml"]);
    assert_eq!(
        code,
        Some(0),
        "default-deny, the only high finding, is disabled"
    );
    assert!(findings_of(&report, "default-deny").is_empty());
    assert_eq!(
        findings_of(&report, "read-only-root-fs")[0]["severity"],
        "low",
        "a warn is one level below the configured medium"
    );
    // The cart has a `team` label but not the configured `squad`.
    assert_eq!(findings_of(&report, "ownership-label").len(), 1);
    // development lowers spread-across-zones (medium; its warn is low) one more level.
    assert_eq!(
        findings_of(&report, "spread-across-zones")[0]["severity"],
        "info"
    );
}

#[test]
fn config_init_writes_a_default_that_loads_and_is_not_overwritten() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    let out = kwar_in(dir.path(), &["config", "init"]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("kwar.yaml")).unwrap();
    assert!(written.contains("exemptions:") && written.contains("- kube-system"));

    let (with_default, code) = scan_json(dir.path(), &["cart.yaml"]);
    std::fs::write(dir.path().join("empty.yaml"), "").unwrap();
    let (without, code_without) = scan_json(dir.path(), &["cart.yaml", "--config", "empty.yaml"]);
    assert_eq!(code, code_without);
    assert_eq!(
        with_default["summary"]["findings"],
        without["summary"]["findings"]
    );

    let again = kwar_in(dir.path(), &["config", "init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = kwar_in(dir.path(), &["config", "init", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn a_baseline_lets_only_new_findings_through_after_moves_and_reformatting() {
    let dir = shop_file("legacy/inventory-sync.yaml", |t| t);
    let out = kwar_in(
        dir.path(),
        &[
            "baseline",
            "create",
            "inventory-sync.yaml",
            "-o",
            "baseline.json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let fingerprints = baseline["fingerprints"].as_array().unwrap().len();
    assert!(fingerprints > 30, "{baseline}");

    // Move the manifest to another file, put the Service first, shift every line, and add one
    // new problem: a `latest` image on the main container.
    let original = std::fs::read_to_string(dir.path().join("inventory-sync.yaml")).unwrap();
    let documents: Vec<&str> = original.split("\n---\n").collect();
    assert_eq!(documents.len(), 3);
    let moved = format!(
        "# moved and reordered\n\n\n---\n{}\n---\n{}\n---\n{}",
        documents[1],
        replace_once(
            documents[0].to_string(),
            "image: acmeshop/inventory-sync:1.9.4",
            "image: acmeshop/inventory-sync:latest"
        ),
        documents[2]
    );
    std::fs::remove_file(dir.path().join("inventory-sync.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("deploy")).unwrap();
    std::fs::write(dir.path().join("deploy/sync.yaml"), moved).unwrap();

    let (report, code) = scan_json(dir.path(), &["deploy", "--baseline", "baseline.json"]);
    // Only the new problem is reported: the `latest` tag, which both no-latest-tag and
    // traceable-tag flag on the edited field; everything known before is baselined.
    let new: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["check"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    let image = "spec.template.spec.containers[0].image";
    assert_eq!(new, [("no-latest-tag", image), ("traceable-tag", image)]);
    assert_eq!(code, Some(1), "no-latest-tag is high");
    assert_eq!(report["summary"]["baselined"], fingerprints);
    assert_eq!(report["summary"]["findings"]["high"], 1);

    // A previous JSON report works as a baseline too.
    let previous = kwar_in(
        dir.path(),
        &["scan", "deploy", "--format", "json", "-o", "previous.json"],
    );
    assert_eq!(previous.status.code(), Some(1));
    let (report, code) = scan_json(dir.path(), &["deploy", "--baseline", "previous.json"]);
    assert_eq!(code, Some(0));
    assert!(report["findings"].as_array().unwrap().is_empty());

    let listing = text(&kwar_in(
        dir.path(),
        &["scan", "deploy", "--baseline", "baseline.json"],
    ));
    assert!(
        listing.contains(&format!(
            "{fingerprints} known from the baseline (not listed)"
        )),
        "{listing}"
    );

    let bad = kwar_in(
        dir.path(),
        &["scan", "deploy", "--baseline", "deploy/sync.yaml"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("baseline deploy/sync.yaml is unusable"));
}

#[test]
fn the_configs_custom_rules_run_with_its_severities_and_exemptions() {
    let dir = shop_file("storefront/cart.yaml", |t| t);
    std::fs::write(
        dir.path().join("kwar.yaml"),
        r#"checks:
  severity: {custom:owner-label: low}
exemptions:
  - checks: [custom:owner-label]
    kinds: [Service]
    reason: "services belong to their workload's owner"
rules:
  - id: owner-label
    severity: high
    message: every workload names its owner
    expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
    match: {kinds: [Deployment, Service]}
"#,
    )
    .unwrap();
    let (report, _) = scan_json(dir.path(), &["cart.yaml"]);
    let owner = findings_of(&report, "custom:owner-label");
    assert_eq!(owner.len(), 2, "{owner:?}");
    for f in owner {
        assert_eq!(f["severity"], "low");
        assert_eq!(
            f["suppressed"].is_null(),
            f["object"]["kind"] == "Deployment"
        );
    }

    // A rule that does not compile stops kwar with its position in kwar.yaml.
    let config = std::fs::read_to_string(dir.path().join("kwar.yaml")).unwrap();
    std::fs::write(
        dir.path().join("kwar.yaml"),
        config.replace("\"has(object", "\"has((object"),
    )
    .unwrap();
    let out = kwar_in(dir.path(), &["scan", "cart.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("kwar.yaml:11:17:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
