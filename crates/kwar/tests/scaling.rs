//! Guards the scaling design (issue 3): relationships are resolved through indexes, never by
//! comparing every object with every other. A synthetic input with a few namespaces that are
//! each dense with Deployments, Services, PodDisruptionBudgets, HorizontalPodAutoscalers and
//! NetworkPolicies must complete and come out right. With pairwise matching this input costs
//! tens of millions of selector comparisons per relation (minutes in a debug build); with
//! label indexes it is linear. Not a timed test: the benchmark (`bench/run.sh`,
//! `docs/performance.md`) measures speed; this one proves the design holds and that the
//! relationships resolve at scale.

use std::fmt::Write as _;
use std::process::{Command, Stdio};

const APPS_PER_NAMESPACE: usize = 1_250;
const APPS_PER_FILE: usize = 125;
/// Every `SELECTED_EVERY`-th app also gets its own NetworkPolicy.
const SELECTED_EVERY: usize = 5;

/// Objects per app: Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler.
const PER_APP: usize = 4;
/// Objects per namespace besides the apps: the Namespace, a default-deny NetworkPolicy, a
/// DNS egress policy, and a policy and a PDB that select through `matchExpressions` only (so
/// they are matched by scanning their own namespace, not through the label index).
const PER_NAMESPACE: usize = 5;

/// Which label of a two-label selector comes first in the manifest.
#[derive(Clone, Copy)]
enum LabelOrder {
    /// `{app.kubernetes.io/name: app-0042, app.kubernetes.io/part-of: shop}`
    DistinctFirst,
    /// `{app.kubernetes.io/part-of: shop, app.kubernetes.io/name: app-0042}`: the first pair
    /// is shared by every pod of the namespace (as `app.kubernetes.io/instance` is for the
    /// many workloads of one Helm release).
    SharedFirst,
}

fn app_documents(ns: &str, i: usize, order: LabelOrder, out: &mut String) {
    let app = format!("app-{i:04}");
    let selector = match order {
        LabelOrder::DistinctFirst => {
            format!("{{app.kubernetes.io/name: {app}, app.kubernetes.io/part-of: shop}}")
        }
        LabelOrder::SharedFirst => {
            format!("{{app.kubernetes.io/part-of: shop, app.kubernetes.io/name: {app}}}")
        }
    };
    write!(
        out,
        "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: {app}, app.kubernetes.io/part-of: shop, team: payments}}
spec:
  replicas: 3
  selector:
    matchLabels: {selector}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: {app}, app.kubernetes.io/part-of: shop, tier: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/{app}:1.4.2
          ports: [{{containerPort: 8080, name: http}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{memory: 128Mi}}
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
          livenessProbe: {{httpGet: {{path: /live, port: http}}}}
---
apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
spec:
  selector: {selector}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {app}
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {selector}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {app}
  namespace: {ns}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {app}}}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
"
    )
    .unwrap();
    if matches!(i % SELECTED_EVERY, 0) {
        write!(
            out,
            "---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {app}-ingress
  namespace: {ns}
spec:
  podSelector:
    matchLabels: {{app.kubernetes.io/name: {app}}}
  policyTypes: [Ingress]
  ingress:
    - from: [{{podSelector: {{matchLabels: {{app.kubernetes.io/name: gateway}}}}}}]
      ports: [{{port: 8080}}]
"
        )
        .unwrap();
    }
}

fn namespace_documents(ns: &str) -> String {
    format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: {ns}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: {ns}
spec:
  podSelector: {{}}
  policyTypes: [Egress]
  egress:
    - ports: [{{port: 53, protocol: UDP}}, {{port: 53, protocol: TCP}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-gateway
  namespace: {ns}
spec:
  podSelector:
    matchExpressions: [{{key: tier, operator: In, values: [web]}}]
  policyTypes: [Ingress]
  ingress:
    - from: [{{namespaceSelector: {{matchLabels: {{kubernetes.io/metadata.name: gateway}}}}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: batch
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions: [{{key: tier, operator: In, values: [batch]}}]
"
    )
}

#[test]
fn twenty_thousand_objects_in_dense_namespaces_complete_with_relationships_resolved() {
    review_dense_namespaces(4, LabelOrder::DistinctFirst);
}

/// Half the input (10,260 objects) with the shared label first in every Service, PDB and
/// Deployment selector. Looking candidates up by the *first* `matchLabels` pair would make
/// every selector verify all 1,250 workloads of its namespace (~6 million comparisons here;
/// 2 namespaces × 5,000 apps took 32.6 s instead of 0.26 s in a release build, see
/// docs/performance.md); the inventory starts from the rarest pair instead.
#[test]
fn shared_first_selector_labels_do_not_make_matching_quadratic() {
    review_dense_namespaces(2, LabelOrder::SharedFirst);
}

fn review_dense_namespaces(namespaces: usize, order: LabelOrder) {
    let dir = tempfile::tempdir().unwrap();
    let mut expected_objects = 0;
    for n in 0..namespaces {
        let ns = format!("shop-{n}");
        let ns_dir = dir.path().join(&ns);
        std::fs::create_dir_all(&ns_dir).unwrap();
        std::fs::write(ns_dir.join("namespace.yaml"), namespace_documents(&ns)).unwrap();
        expected_objects += PER_NAMESPACE;
        for first in (0..APPS_PER_NAMESPACE).step_by(APPS_PER_FILE) {
            let mut text = String::new();
            for i in first..(first + APPS_PER_FILE).min(APPS_PER_NAMESPACE) {
                app_documents(&ns, i, order, &mut text);
                expected_objects += PER_APP + usize::from(matches!(i % SELECTED_EVERY, 0));
            }
            std::fs::write(ns_dir.join(format!("apps-{first:04}.yaml")), text).unwrap();
        }
    }
    assert!(expected_objects > 10_000, "{expected_objects}");

    let report_path = dir.path().join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(["scan", "--format", "json", "--fail-on", "never", "-o"])
        .arg(&report_path)
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("kwar runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "kwar failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report_path).unwrap()).expect("a JSON report");

    assert_eq!(
        report["errors"].as_array().unwrap().len(),
        0,
        "{}",
        report["errors"]
    );
    assert_eq!(report["summary"]["objects"], expected_objects);

    let deployments = namespaces * APPS_PER_NAMESPACE;
    let tally = |check: &str| {
        report["summary"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == check)
            .unwrap_or_else(|| panic!("no tally for {check}"))
            .clone()
    };
    let findings_of = |check: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == check)
            .count()
    };

    // PDB → workload: every Deployment has exactly one permissive PDB (the matchExpressions
    // PDB selects no web pod). A missing relation would warn, a doubled one would fail.
    assert_eq!(findings_of("pdb-present-and-permissive"), 0);
    assert_eq!(tally("pdb-present-and-permissive")["passed"], deployments);

    // HPA → workload (by scaleTargetRef): every Deployment is autoscaled.
    assert_eq!(findings_of("hpa-coverage"), 0);
    assert_eq!(tally("hpa-coverage")["passed"], deployments);

    // NetworkPolicy → namespace: each namespace denies by default and allows DNS.
    assert_eq!(findings_of("default-deny"), 0);
}
