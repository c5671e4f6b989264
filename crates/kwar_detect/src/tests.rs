use kwar_source::{read_objects, Origin, SourceText};

use super::*;

fn inventory(text: &str) -> Inventory {
    let set = read_objects(
        vec![SourceText {
            name: "t.yaml".into(),
            text: text.into(),
            origin: Origin::Named,
        }
        .into()],
        Vec::new(),
    );
    assert!(set.errors.is_empty(), "{:?}", set.errors);
    Inventory::build(set.objects)
}

const STACK: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: metrics-server, namespace: kube-system}
spec: {template: {spec: {containers: [{name: metrics-server, image: "registry.k8s.io/metrics-server/metrics-server:v0.7.2"}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  template:
    spec:
      containers:
      - {name: prometheus, image: "quay.io/prometheus/prometheus:v2.54.1"}
      - {name: thanos, image: "quay.io/prometheus/prometheus:v2.54.1"}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: shop}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servicemonitors.monitoring.coreos.com}
"#;

#[test]
fn detections_api() {
    let inv = inventory(STACK);
    let d = Detections::detect(&inv);
    let ids: Vec<_> = d.iter().map(|x| x.detector).collect();
    // Catalog order.
    assert_eq!(ids, ["metrics-server", "prometheus"]);
    assert!(d.is_present("prometheus"));
    assert!(!d.is_present("grafana"));
    assert!(d.get("no-such-detector").is_none());
    assert_eq!(
        d.first_of(&["grafana", "prometheus", "metrics-server"])
            .map(|x| x.detector),
        Some("prometheus")
    );

    let prom = d.get("prometheus").unwrap();
    assert_eq!(
        prom.what,
        "Prometheus (server or operator / kube-prometheus-stack)"
    );
    // The StatefulSet matches by name and twice by image, but is one object.
    let objects: Vec<_> = prom.objects().collect();
    assert_eq!(objects.len(), 3, "{:#?}", prom.matches);
    assert_eq!(prom.namespaces(), ["monitoring", "shop"]);
    assert_eq!(prom.version(), Some("v2.54.1"));
    assert!(!prom.is_obsolete());
    let workload = prom.matches_of(Signal::Workload).next().unwrap();
    assert_eq!(workload.detail, "StatefulSet monitoring/prometheus-k8s");
    assert_eq!(workload.namespace.as_deref(), Some("monitoring"));
    let image = prom.matches_of(Signal::Image).next().unwrap();
    assert_eq!(
        image.detail,
        "image quay.io/prometheus/prometheus:v2.54.1 in StatefulSet monitoring/prometheus-k8s"
    );
    assert_eq!(image.pattern, "quay.io/prometheus/prometheus");
    let crd = prom.matches_of(Signal::Crd).next().unwrap();
    assert_eq!(
        crd.detail,
        "CustomResourceDefinition servicemonitors.monitoring.coreos.com"
    );
    assert!(crd.namespace.is_none());
    let cr = prom.matches_of(Signal::CustomResource).next().unwrap();
    assert_eq!(cr.detail, "ServiceMonitor shop/web (monitoring.coreos.com)");

    let ms = d.get("metrics-server").unwrap();
    assert_eq!(ms.version(), Some("v0.7.2"));
    assert_eq!(Signal::ApiService.to_string(), "apiservice");
}

#[test]
fn aws_evidence_is_reported_not_evaluated() {
    let d = Detections::detect(&inventory(STACK));
    let ev = d.aws_evidence("metrics-server");
    assert_eq!(ev.eks_addons, ["metrics-server"]);
    assert!(ev.aws.is_empty());
    assert!(!ev.is_empty());
    assert!(d.aws_evidence("helm").is_empty());
    assert!(d.aws_evidence("nope").is_empty());
    assert!(unevaluated().iter().any(|u| u.detector == "fargate"
        && u.key == "aws"
        && u.reason == Reason::NeedsAwsEvidence));
    assert_eq!(d.spec("karpenter").unwrap().id, "karpenter");
}

#[test]
fn derived_controllers_of_every_kind() {
    let inv = inventory(
        r#"
apiVersion: v1
kind: Pod
metadata:
  name: aws-node-x1
  namespace: kube-system
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: aws-node, controller: true}]
spec: {containers: [{name: aws-node, image: "amazon-k8s-cni:v1.18.3"}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: aws-node-x2
  namespace: kube-system
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: aws-node, controller: true}]
spec: {containers: [{name: aws-node, image: "amazon-k8s-cni:v1.18.3"}]}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: descheduler-28801234
  namespace: kube-system
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: descheduler, controller: true}]
spec: {template: {spec: {containers: [{name: d, image: "registry.k8s.io/descheduler/descheduler:v0.31.0"}]}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: kube-proxy-ip-10-0-0-1
  namespace: kube-system
  ownerReferences: [{apiVersion: v1, kind: Node, name: ip-10-0-0-1, controller: true}]
spec: {containers: [{name: kube-proxy, image: "kube-proxy:v1.31.0"}]}
"#,
    );
    let d = Detections::detect(&inv);
    let cni = d.get("vpc-cni").unwrap();
    assert_eq!(cni.matches.len(), 1, "{:#?}", cni.matches);
    assert_eq!(
        cni.matches[0].detail,
        "DaemonSet kube-system/aws-node (from Pod aws-node-x1)"
    );
    let desched = d.get("descheduler").unwrap();
    assert!(desched.matches[0]
        .detail
        .starts_with("CronJob kube-system/descheduler"));
}

#[test]
fn unavailable_apiservice_is_reported_as_such() {
    let inv = inventory(
        r#"
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
status: {conditions: [{type: Available, status: "False", reason: MissingEndpoints}]}
"#,
    );
    let d = Detections::detect(&inv);
    let m = &d.get("metrics-server").unwrap().matches[0];
    assert_eq!(
        m.detail,
        "APIService v1beta1.metrics.k8s.io (Available=False)"
    );
}

#[test]
fn plurals() {
    use engine::plural;
    assert_eq!(plural("prometheus"), "prometheuses");
    assert_eq!(plural("networkpolicy"), "networkpolicies");
    assert_eq!(plural("gateway"), "gateways");
    assert_eq!(plural("mesh"), "meshes");
    assert_eq!(plural("k6"), "k6s");
}

/// A 100k-object cluster dump costs little to scan (`cargo test --release -p kwar_detect
/// large_inventory -- --nocapture` prints the time). Debug builds scan a fifth of it, since
/// parsing it dominates; the bounds only catch quadratic mistakes.
#[test]
fn large_inventory_is_scanned_quickly() {
    let groups = if cfg!(debug_assertions) { 1_000 } else { 5_000 };
    let mut text = String::new();
    for i in 0..groups {
        let ns = format!("team-{}", i % 50);
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{i}, namespace: {ns}, labels: {{app.kubernetes.io/managed-by: Helm}}}}\nspec: {{template: {{spec: {{containers: [{{name: app, image: \"registry.example.com/app-{}:1.{i}\", env: [{{name: OTEL_SERVICE_NAME, value: app}}]}}]}}}}}}\n",
            i % 300
        ));
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {{name: app-{i}-5d8f7c9b4, namespace: {ns}, ownerReferences: [{{kind: Deployment, name: app-{i}, controller: true}}]}}\nspec: {{template: {{spec: {{containers: [{{name: app, image: \"registry.example.com/app:1\"}}]}}}}}}\n"
        ));
        for p in 0..3 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: app-{i}-5d8f7c9b4-{p}, namespace: {ns}, labels: {{pod-template-hash: 5d8f7c9b4}}, ownerReferences: [{{kind: ReplicaSet, name: app-{i}-5d8f7c9b4, controller: true}}]}}\nspec: {{containers: [{{name: app, image: \"registry.example.com/app:1\"}}]}}\n"
            ));
        }
        for c in 0..15 {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cfg-{i}-{c}, namespace: {ns}}}\ndata: {{k: v}}\n"
            ));
        }
    }
    let inv = inventory(&text);
    assert_eq!(inv.objects().len(), groups * 20);
    // Compile the engine outside the timing.
    let _ = Detections::detect(&inventory(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
    ));
    // The best of a few runs: the first one also pays for the allocator's first touch.
    let mut elapsed = std::time::Duration::MAX;
    let mut d = Detections::default();
    let runs = std::env::var("KWAR_DETECT_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    for _ in 0..runs {
        let start = std::time::Instant::now();
        d = Detections::detect(&inv);
        elapsed = elapsed.min(start.elapsed());
    }
    eprintln!("detect over {} objects: {elapsed:?}", groups * 20);
    assert!(d.is_present("helm") && d.is_present("otel"));
    assert_eq!(d.get("otel").unwrap().objects().count(), groups);
    let limit = if cfg!(debug_assertions) { 1_000 } else { 250 };
    assert!(elapsed.as_millis() < limit, "{elapsed:?}");
}
