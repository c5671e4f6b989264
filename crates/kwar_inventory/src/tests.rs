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

const APP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - name: main
        image: web:1
      initContainers:
      - name: init
        image: busybox:1
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: other-ns, namespace: elsewhere}
spec: {selector: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions: [{key: tier, operator: In, values: [front]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: elsewhere}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
"#;

#[test]
fn relationships_are_resolved_within_the_namespace() {
    let inv = inventory(APP);
    let w = &inv.workloads()[0];
    let names = |it: Vec<&Object>| it.iter().map(|o| o.display_name()).collect::<Vec<_>>();
    assert_eq!(names(inv.services_of(w).collect()), ["Service/shop/web"]);
    assert_eq!(
        names(inv.pdbs_of(w).collect()),
        ["PodDisruptionBudget/shop/web"]
    );
    assert_eq!(
        names(inv.autoscalers_of(w).collect()),
        ["HorizontalPodAutoscaler/shop/web"]
    );
    assert_eq!(
        names(inv.network_policies_of(w).collect()),
        ["NetworkPolicy/shop/deny"]
    );
    assert_eq!(names(inv.ingresses_of(w).collect()), ["Ingress/shop/web"]);
    assert_eq!(inv.effective_min_replicas(w), Some(2));
    assert!(inv.namespaces().contains("elsewhere"));
}

#[test]
fn containers_inherit_pod_security_context() {
    let inv = inventory(APP);
    let w = &inv.workloads()[0];
    let o = inv.object(w.object);
    let containers = w.containers(o);
    assert_eq!(containers.len(), 2);
    assert!(containers[1].is_init());
    let (node, path) = containers[0].effective_security("runAsNonRoot").unwrap();
    assert_eq!(node.as_bool(), Some(true));
    assert_eq!(path, "spec.template.spec.securityContext.runAsNonRoot");
    assert!(containers[0].effective_security("privileged").is_none());
    assert_eq!(containers[0].path, "spec.template.spec.containers[0]");
}
