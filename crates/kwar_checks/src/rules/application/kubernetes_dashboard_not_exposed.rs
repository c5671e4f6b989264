use std::collections::{BTreeSet, HashMap};

use kwar_inventory::ObjectId;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// When the catalog's `kubernetes-dashboard` detector finds the Kubernetes Dashboard
    /// (its Deployments in the `kubernetes-dashboard` namespace, the Kong proxy of chart v7
    /// included), how it is reached and what it may do:
    /// - fail on a Service selecting its pods that is of type `LoadBalancer` or `NodePort`,
    ///   or has `externalIPs`;
    /// - fail on an Ingress, or a Gateway API HTTPRoute, that routes to such a Service;
    /// - fail on a ClusterRoleBinding that binds `cluster-admin` to its ServiceAccount
    ///   (`spec.serviceAccountName`, `default` when unset), or to the groups
    ///   `system:serviceaccounts` / `system:serviceaccounts:<namespace>` that include it;
    /// - pass on each dashboard Deployment otherwise — only on a whole cluster (live,
    ///   snapshot, or manifests declared `--complete`), since a binding absent from manifests
    ///   may exist in the cluster.
    ///
    /// Access through `kubectl port-forward` or `kubectl proxy` needs a ClusterIP Service
    /// only and is the intended way; authentication in front of an Ingress (OIDC proxy) is
    /// not recognised, so such an Ingress still fails: the dashboard should not be on a
    /// network path at all.
    ///
    /// ## Why it matters
    /// An exposed dashboard is an open door to the cluster: older versions allowed skipping
    /// login, and with a cluster-admin ServiceAccount anyone reaching the UI can read every
    /// Secret and run any workload — the path of the well-known cryptomining breaches of
    /// exposed dashboards.
    ///
    /// ## How to fix
    /// Keep the Service ClusterIP, remove Ingresses and routes to it, bind its ServiceAccount
    /// to a read-only role (users sign in with their own token), and reach it through the API
    /// server:
    /// ```sh
    /// kubectl -n kubernetes-dashboard patch svc kubernetes-dashboard -p '{"spec":{"type":"ClusterIP"}}'
    /// kubectl delete clusterrolebinding kubernetes-dashboard-admin
    /// kubectl -n kubernetes-dashboard port-forward svc/kubernetes-dashboard-kong-proxy 8443:443
    /// ```
    /// Better still, replace it with Grafana or the EKS console's resource view.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_workload_observability_create_dashboards.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-observe.html>
    "kubernetes-dashboard-not-exposed",
    run,
    needs = [
        "apps/deployments",
        "services",
        "networking.k8s.io/ingresses",
        "gateway.networking.k8s.io/httproutes",
        "rbac.authorization.k8s.io/clusterrolebindings"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("kubernetes-dashboard") else {
        return;
    };
    let whole = cx.whole_cluster().is_some();
    let mut reported = BTreeSet::new();
    // (namespace, Service name) of the dashboard's Services → the workloads behind them, for
    // routes.
    let mut services: HashMap<(String, String), Vec<ObjectId>> = HashMap::new();
    let admin_bindings: Vec<&Object> = cx
        .inv
        .of_kind("ClusterRoleBinding")
        .filter(|b| b.api_group() == "rbac.authorization.k8s.io")
        .filter(|b| {
            b.root().at(&["roleRef", "kind"]).and_then(Node::as_str) == Some("ClusterRole")
                && b.root().at(&["roleRef", "name"]).and_then(Node::as_str) == Some("cluster-admin")
        })
        .collect();
    let mut deployments = Vec::new();
    for id in detection.objects() {
        let object = cx.inv.object(id);
        let Some(w) = cx.inv.workload_of(id) else {
            continue;
        };
        let mut exposed = false;
        for svc in cx.inv.services_of(w) {
            services
                .entry((svc.namespace_key().to_string(), svc.name().to_string()))
                .or_default()
                .push(id);
            if let Some((path, node, how)) = service_exposure(svc) {
                exposed = true;
                if reported.insert(svc.id) {
                    out.fail(
                        Subject::object(svc).at(path, node),
                        format!(
                            "Service `{}` exposes the Kubernetes Dashboard ({how}); expected a \
                             ClusterIP Service reached through kubectl port-forward",
                            qualified(svc)
                        ),
                    );
                }
            }
        }
        for ingress in cx.inv.ingresses_of(w) {
            exposed = true;
            if reported.insert(ingress.id) {
                out.fail(
                    Subject::object(ingress),
                    format!(
                        "Ingress `{}` routes to the Kubernetes Dashboard: it is reachable over \
                         the network; expected no route to it",
                        qualified(ingress)
                    ),
                );
            }
        }
        let namespace = object.namespace_key();
        let sa = w
            .pod_field(object, "serviceAccountName")
            .or_else(|| w.pod_field(object, "serviceAccount"))
            .and_then(Node::as_str)
            .unwrap_or("default");
        for binding in &admin_bindings {
            let subjects = binding
                .root()
                .get("subjects")
                .map(Node::items)
                .unwrap_or_default();
            let Some((i, subject)) = subjects
                .iter()
                .enumerate()
                .find(|(_, s)| binds(s, namespace, sa))
            else {
                continue;
            };
            exposed = true;
            if reported.insert(binding.id) {
                out.fail(
                    Subject::object(binding).at(format!("subjects[{i}]"), Some(subject)),
                    format!(
                        "ClusterRoleBinding `{}` grants cluster-admin to the Kubernetes \
                         Dashboard's ServiceAccount `{namespace}/{sa}`: whoever reaches the UI \
                         controls the cluster; expected a read-only role",
                        binding.name()
                    ),
                );
            }
        }
        if !exposed {
            deployments.push(object);
        }
    }
    // Gateway API routes to a dashboard Service.
    for route in cx
        .inv
        .of_kind("HTTPRoute")
        .filter(|r| r.api_group() == "gateway.networking.k8s.io")
    {
        let rules = route
            .root()
            .at(&["spec", "rules"])
            .map(Node::items)
            .unwrap_or_default();
        let behind: Vec<ObjectId> = rules
            .iter()
            .flat_map(|rule| rule.get("backendRefs").map(Node::items).unwrap_or_default())
            .filter(|b| b.get("kind").and_then(Node::as_str).unwrap_or("Service") == "Service")
            .filter_map(|b| {
                let name = b.get("name").and_then(Node::as_str)?;
                let ns = b
                    .get("namespace")
                    .and_then(Node::as_str)
                    .unwrap_or(route.namespace_key());
                services.get(&(ns.to_string(), name.to_string()))
            })
            .flatten()
            .copied()
            .collect();
        if behind.is_empty() {
            continue;
        }
        deployments.retain(|d| !behind.contains(&d.id));
        if reported.insert(route.id) {
            out.fail(
                Subject::object(route).at("spec.rules", route.root().at(&["spec", "rules"])),
                format!(
                    "HTTPRoute `{}` routes to the Kubernetes Dashboard: it is reachable over the \
                     network; expected no route to it",
                    qualified(route)
                ),
            );
        }
    }
    if whole {
        for object in deployments {
            out.pass(object);
        }
    }
}

/// How a Service exposes its pods outside the cluster, if it does: the field's path, node
/// and a description.
fn service_exposure(svc: &Object) -> Option<(&'static str, Option<&Node>, String)> {
    let spec = svc.spec()?;
    if let Some(kind) = spec.get("type").and_then(Node::as_str) {
        if matches!(kind, "LoadBalancer" | "NodePort") {
            return Some(("spec.type", spec.get("type"), format!("type {kind}")));
        }
    }
    let external = spec.get("externalIPs").map(Node::items).unwrap_or_default();
    (!external.is_empty()).then(|| {
        (
            "spec.externalIPs",
            spec.get("externalIPs"),
            "externalIPs".to_string(),
        )
    })
}

/// Whether a binding subject covers the ServiceAccount `namespace/sa`.
fn binds(subject: &Node, namespace: &str, sa: &str) -> bool {
    let text = |k: &str| subject.get(k).and_then(Node::as_str).unwrap_or_default();
    match text("kind") {
        "ServiceAccount" => text("name") == sa && text("namespace") == namespace,
        "Group" => {
            let group = text("name");
            group == "system:serviceaccounts"
                || group.strip_prefix("system:serviceaccounts:") == Some(namespace)
        }
        _ => false,
    }
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
