use std::path::Path;

use kwar_catalog::{Pillar, Severity};
use kwar_checks::Verdict;
use kwar_inventory::Inventory;
use kwar_source::{collect_inputs, read_objects, InputOptions};
use kwar_yaml::{parse_document, split_documents, Node};

use super::*;

/// The `rules:` node of a YAML text, read the way kwar reads kwar.yaml.
fn rules_node(text: &str) -> Node {
    let chunks = split_documents(text);
    let parsed = parse_document(&chunks[0]);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    parsed.documents[0].get("rules").unwrap().clone()
}

fn rules(text: &str) -> Vec<CustomRule> {
    parse_rules(&rules_node(text), "kwar.yaml").unwrap_or_else(|e| panic!("{e:?}"))
}

fn errors(text: &str) -> Vec<RuleError> {
    parse_rules(&rules_node(text), "kwar.yaml").expect_err("the rules are refused")
}

fn inventory(path: &Path) -> Inventory {
    let (texts, errs) = collect_inputs(
        &[path.to_string_lossy().into_owned()],
        &InputOptions { kustomize: false },
    );
    Inventory::build(read_objects(texts, errs).objects)
}

fn shop() -> Inventory {
    inventory(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop"))
}

/// `Kind/name → verdict` of every object a rule evaluated, sorted.
fn verdicts(out: &Outcomes, inv: &Inventory) -> Vec<(String, Verdict)> {
    let mut v: Vec<_> = out
        .verdicts
        .iter()
        .map(|&(id, verdict)| {
            let o = inv.object(id);
            (format!("{}/{}", o.kind(), o.name()), verdict)
        })
        .collect();
    v.sort();
    v
}

const ECR_ONLY: &str = r#"
rules:
  - id: ecr-only
    match:
      kinds: [Deployment, StatefulSet]
      apiGroups: [apps]
    expression: >-
      object.spec.template.spec.containers.all(c,
        c.image.startsWith('123456789012.dkr.ecr.'))
    message: images must come from our ECR registry
    severity: high
    item: cluster-image-registry
"#;

#[test]
fn images_must_come_from_our_ecr() {
    let inv = shop();
    let rules = rules(ECR_ONLY);
    assert_eq!(rules[0].id, "custom:ecr-only");
    let out = run_rules(&rules, &inv);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].check, "custom:ecr-only");
    assert_eq!(
        verdicts(&out[0], &inv),
        vec![
            ("Deployment/cart".into(), Verdict::Pass),
            ("Deployment/frontend".into(), Verdict::Pass),
            ("Deployment/inventory-sync".into(), Verdict::Fail),
            ("Deployment/payments-api".into(), Verdict::Fail),
            ("Deployment/report-worker".into(), Verdict::Fail),
        ]
    );
    assert!(out[0]
        .findings
        .iter()
        .all(|f| f.message == "images must come from our ECR registry"));
}

#[test]
fn every_deployment_has_an_owner_label() {
    let inv = shop();
    let rules = rules(
        r#"
rules:
  - id: owner-label
    match: {kinds: [Deployment]}
    expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: every Deployment names its owning team in the `team` label
    pillars: [operational-excellence]
"#,
    );
    assert_eq!(rules[0].pillars, vec![Pillar::OperationalExcellence]);
    assert_eq!(rules[0].severity, Severity::Medium);
    let out = run_rules(&rules, &inv);
    let failing: Vec<_> = verdicts(&out[0], &inv)
        .into_iter()
        .filter(|(_, v)| *v != Verdict::Pass)
        .collect();
    assert_eq!(
        failing,
        vec![
            ("Deployment/payments-api".into(), Verdict::Fail),
            ("Deployment/report-worker".into(), Verdict::Fail),
        ]
    );
    assert_eq!(out[0].count(Verdict::Pass), 3);
}

#[test]
fn memory_limits_stay_under_two_gibibytes_and_missing_limits_are_unknown() {
    let inv = shop();
    let rules = rules(
        r#"
rules:
  - id: memory-under-2gi
    match: {kinds: [Deployment]}
    expression: >-
      object.spec.template.spec.containers.all(c,
        quantity(c.resources.limits.memory).isLessThan(quantity('2Gi')))
    message: containers get less than 2Gi of memory
    pillars: [cost, performance]
"#,
    );
    let out = run_rules(&rules, &inv);
    assert_eq!(
        verdicts(&out[0], &inv),
        vec![
            ("Deployment/cart".into(), Verdict::Pass),
            ("Deployment/frontend".into(), Verdict::Pass),
            ("Deployment/inventory-sync".into(), Verdict::Fail),
            ("Deployment/payments-api".into(), Verdict::Pass),
            // No `limits` at all: CEL cannot answer, kwar says so instead of guessing.
            ("Deployment/report-worker".into(), Verdict::Unknown),
        ]
    );
    let unknown = out[0]
        .findings
        .iter()
        .find(|f| f.verdict == Verdict::Unknown)
        .unwrap();
    assert!(
        unknown
            .message
            .starts_with("custom:memory-under-2gi could not be evaluated")
            && unknown.message.contains("limits"),
        "{}",
        unknown.message
    );
}

#[test]
fn namespace_object_is_the_namespace_manifest_when_the_input_has_it() {
    let inv = shop();
    let rules = rules(
        r#"
rules:
  - id: namespace-has-owner
    match:
      kinds: [Deployment, CronJob, Pod]
      excludeNamespaces: [kube-*]
    expression: >-
      namespaceObject != null && has(namespaceObject.metadata.labels) &&
      'team' in namespaceObject.metadata.labels
    message: workloads run in a namespace that names its owning team
"#,
    );
    assert_eq!(rules[0].pillars, DEFAULT_PILLARS.to_vec());
    let out = run_rules(&rules, &inv);
    assert_eq!(
        verdicts(&out[0], &inv),
        vec![
            ("CronJob/payments-reconciliation".into(), Verdict::Pass),
            ("Deployment/cart".into(), Verdict::Pass),
            ("Deployment/frontend".into(), Verdict::Pass),
            ("Deployment/inventory-sync".into(), Verdict::Fail),
            ("Deployment/payments-api".into(), Verdict::Pass),
            ("Deployment/report-worker".into(), Verdict::Fail),
            ("Pod/edge-proxy".into(), Verdict::Fail),
        ]
    );
}

#[test]
fn namespace_object_is_null_when_the_namespace_manifest_is_absent() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: elsewhere}\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n\
         apiVersion: v1\nkind: Namespace\nmetadata: {name: default, labels: {team: core}}\n",
    )
    .unwrap();
    let inv = inventory(dir.path());
    let rules = rules(
        r#"
rules:
  - id: namespace-known
    match: {kinds: [ConfigMap, Namespace]}
    expression: namespaceObject != null
"#,
    );
    let out = run_rules(&rules, &inv);
    assert_eq!(
        verdicts(&out[0], &inv),
        vec![
            ("ConfigMap/a".into(), Verdict::Fail),
            // No namespace named: `default`, as kubectl would apply it.
            ("ConfigMap/b".into(), Verdict::Pass),
            // Cluster-scoped: no namespace object, as in an admission request.
            ("Namespace/default".into(), Verdict::Fail),
        ]
    );
    assert!(out[0].findings[0]
        .message
        .contains("namespaceObject != null"));
}

#[test]
fn match_filters_by_namespace_glob_and_label_selector() {
    let inv = shop();
    let rules = rules(
        r#"
rules:
  - id: selected
    match:
      kinds: [Deployment]
      namespaces: ["store*", payments]
      excludeNamespaces: [payments]
      labelSelector:
        matchLabels: {team: web}
        matchExpressions:
          - {key: app.kubernetes.io/name, operator: In, values: [cart]}
    expression: "true"
"#,
    );
    let out = run_rules(&rules, &inv);
    assert_eq!(
        verdicts(&out[0], &inv),
        vec![("Deployment/cart".into(), Verdict::Pass)]
    );
}

#[test]
fn a_non_boolean_result_is_unknown() {
    let inv = shop();
    let out = run_rules(
        &rules("rules:\n  - id: name\n    match: {kinds: [Namespace]}\n    expression: object.metadata.name\n"),
        &inv,
    );
    assert_eq!(out[0].count(Verdict::Unknown), 3);
    assert!(out[0].findings[0]
        .message
        .contains("returned a string, not a bool"));
}

#[test]
fn syntax_errors_point_at_the_expression_line() {
    let errs = errors(
        "rules:\n  - id: ok\n    expression: \"true\"\n  - id: broken\n    expression: \"object.spec.replicas >\"\n",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].line, errs[0].column), (5, 17));
    assert!(
        errs[0]
            .message
            .starts_with("CEL syntax error at 1:23 of the expression"),
        "{}",
        errs[0].message
    );
}

#[test]
fn undeclared_variables_and_unsupported_macros_are_refused_at_load() {
    let errs = errors(
        r#"
rules:
  - id: typo
    expression: "objct.spec.replicas > 1"
  - id: admission
    expression: "request.operation == 'CREATE'"
  - id: bind
    expression: "cel.bind(x, object.spec, x.replicas > 1)"
  - id: pairs
    expression: "object.metadata.labels.all(k, v, v != '')"
  - id: fine
    expression: >-
      object.spec.template.spec.containers.all(c, c.name.size() > 0) &&
      !format.dns1123Label().validate(object.metadata.name).hasValue() &&
      math.ceil(1.5) == 2.0 && sets.contains([1, 2], [1]) &&
      [1, 2].map(x, x * 2).exists(y, y == 4)
"#,
    );
    let messages: Vec<_> = errs.iter().map(|e| (e.line, e.message.as_str())).collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages[0].1.contains("undeclared reference to `objct`"));
    assert_eq!(messages[0].0, 4);
    assert!(messages[1]
        .1
        .contains("`request` is an admission-time variable"));
    assert!(messages[2].1.contains("`cel.bind` is not supported"));
    assert!(messages[3].1.contains("two-variable form of `all`"));
}

#[test]
fn rule_fields_are_validated_with_their_position() {
    let errs = errors(
        r#"
rules:
  - id: Has Spaces
    expression: "true"
    severity: urgent
    pillars: [security, speed]
    item: no-such-item
    match: {kinds: [Deployment], namespace: [a]}
    colour: red
  - expression: "true"
"#,
    );
    let got: Vec<_> = errs.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(
        got,
        vec![(9, 5), (3, 9), (7, 11), (5, 15), (6, 25), (8, 34), (10, 5)],
        "{errs:#?}"
    );
    assert!(errs[1]
        .message
        .contains("lowercase letters, digits and dashes"));
    assert!(errs[6].message.contains("needs `id`"));
}

#[test]
fn ids_accept_the_custom_prefix_and_must_be_unique() {
    let errs = errors(
        "rules:\n  - id: custom:a\n    expression: \"true\"\n  - id: a\n    expression: \"false\"\n",
    );
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 4);
    assert!(errs[0]
        .message
        .contains("declared twice (first at kwar.yaml:2:5)"));
}

#[test]
fn check_meta_takes_item_area_and_references_from_the_catalog() {
    let meta = check_meta(&rules(ECR_ONLY)[0]);
    assert_eq!(meta.id, "custom:ecr-only");
    assert_eq!(meta.item, "cluster-image-registry");
    assert_eq!(meta.area, "cluster");
    assert_eq!(meta.severity, Severity::High);
    // Pillars default to the item's.
    assert_eq!(meta.pillars.len(), 4);
    assert_eq!(meta.title, "images must come from our ECR registry");
    assert!(!meta.remediation.is_empty());

    let bare = check_meta(&rules("rules:\n  - id: x\n    expression: \"true\"\n")[0]);
    assert_eq!(
        (bare.item.as_str(), bare.area.as_str()),
        ("custom", "custom")
    );
    assert_eq!(bare.pillars, vec![Pillar::Security]);
}
