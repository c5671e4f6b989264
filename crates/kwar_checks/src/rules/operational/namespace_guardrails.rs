use std::collections::{BTreeMap, HashSet};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live, snapshot, or manifests declared `--complete`), every
    /// team or application namespace — a namespace outside the system namespaces that runs at
    /// least one workload — has the namespace-level guardrails:
    /// - a ResourceQuota;
    /// - a LimitRange;
    /// - a default-deny NetworkPolicy: one selecting all pods (`podSelector: {}`) that isolates
    ///   ingress. Cilium or Calico policies in the namespace, or cluster-wide ones, count as
    ///   present (kwar does not evaluate them; `default-deny` judges the policies in detail);
    /// - a Pod Security Admission label `pod-security.kubernetes.io/enforce` at `baseline` or
    ///   `restricted`.
    ///
    /// The namespace passes with all four and warns naming the missing ones. Each
    /// ClusterRoleBinding (other than `system:`/`eks:` ones) that grants the `admin` or `edit`
    /// ClusterRole to users or groups binds a team in every namespace at once: it fails when
    /// some application namespace also has no ResourceQuota (nothing contains the team), and
    /// warns otherwise.
    ///
    /// Namespace-scoped RoleBindings are not required: EKS access entries with
    /// namespace-scoped access policies grant the same access without any in-cluster object,
    /// so their absence proves nothing. Platform namespaces that are not in the system list
    /// (e.g. `monitoring`, `ingress-nginx`) are judged like team namespaces; add them to the
    /// system namespaces to leave them out. Manifests alone cannot show that a guardrail is
    /// missing, so without a whole cluster the check is not evaluated.
    ///
    /// ## Why it matters
    /// A namespace is only an isolation boundary when something is enforced at it. Without a
    /// quota one team's runaway deployment takes the cluster's capacity; without a LimitRange
    /// pods without requests are scheduled blind; without a default-deny policy every pod can
    /// reach every other team's pods; without Pod Security Admission any pod may run
    /// privileged. A team bound to `edit` cluster-wide can change every other team's
    /// workloads and read their Secrets.
    ///
    /// ## How to fix
    /// Create the guardrails with the namespace (a namespace template, Kyverno generate rules,
    /// or Capsule/HNC do it for every new namespace):
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels: {team: shop, pod-security.kubernetes.io/enforce: restricted}
    /// ---
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata: {name: compute, namespace: shop}
    /// spec:
    ///   hard: {requests.cpu: "20", requests.memory: 40Gi, limits.memory: 60Gi, pods: "200"}
    /// ---
    /// apiVersion: v1
    /// kind: LimitRange
    /// metadata: {name: defaults, namespace: shop}
    /// spec:
    ///   limits:
    ///     - type: Container
    ///       defaultRequest: {cpu: 100m, memory: 128Mi}
    ///       default: {memory: 256Mi}
    /// ---
    /// apiVersion: networking.k8s.io/v1
    /// kind: NetworkPolicy
    /// metadata: {name: default-deny, namespace: shop}
    /// spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
    /// ---
    /// apiVersion: rbac.authorization.k8s.io/v1
    /// kind: RoleBinding            # not a ClusterRoleBinding
    /// metadata: {name: shop-developers, namespace: shop}
    /// roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
    /// subjects: [{kind: Group, name: shop-developers, apiGroup: rbac.authorization.k8s.io}]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/tenant-isolation.html>
    /// - <https://kubernetes.io/docs/concepts/security/multi-tenancy/>
    "namespace-guardrails",
    run,
    needs = [
        "namespaces",
        "resourcequotas",
        "limitranges",
        "networking.k8s.io/networkpolicies",
        "rbac.authorization.k8s.io/clusterrolebindings"
    ]
}

const PSA_ENFORCE: &str = "pod-security.kubernetes.io/enforce";

/// Namespaces holding at least one object of `kind` (any API group matching `group`).
fn namespaces_with<'a>(cx: &Context<'a>, kind: &str, group: &str) -> HashSet<&'a str> {
    cx.inv
        .of_kind(kind)
        .filter(|o| o.api_group() == group)
        .filter_map(Object::namespace)
        .collect()
}

/// A NetworkPolicy that selects every pod of its namespace and isolates ingress.
fn is_default_deny(policy: &Object) -> bool {
    let spec = policy.spec();
    let all_pods = spec
        .and_then(|s| s.get("podSelector"))
        .is_none_or(|s| s.is_null() || LabelSelector::from_label_selector(s).is_empty());
    let types = spec
        .and_then(|s| s.get("policyTypes"))
        .map(Node::items)
        .unwrap_or_default();
    let ingress = types.is_empty() || types.iter().any(|t| t.as_str() == Some("Ingress"));
    all_pods && ingress
}

fn is_other_engine_policy(object: &Object) -> bool {
    matches!(
        (object.api_group(), object.kind()),
        (
            "cilium.io",
            "CiliumNetworkPolicy" | "CiliumClusterwideNetworkPolicy"
        ) | (
            "crd.projectcalico.org" | "projectcalico.org",
            "NetworkPolicy" | "GlobalNetworkPolicy"
        )
    )
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.whole_cluster().is_none() {
        return;
    }
    // Application namespaces and their first workload (where findings go without a
    // Namespace object).
    let mut app_namespaces: BTreeMap<&str, &Object> = BTreeMap::new();
    for (_, object) in cx.app_workloads() {
        if let Some(ns) = object.namespace() {
            app_namespaces.entry(ns).or_insert(object);
        }
    }
    let quotas = namespaces_with(cx, "ResourceQuota", "");
    let limits = namespaces_with(cx, "LimitRange", "");
    let mut deny: HashSet<&str> = cx
        .inv
        .of_kind("NetworkPolicy")
        .filter(|p| p.api_group() == "networking.k8s.io" && is_default_deny(p))
        .filter_map(Object::namespace)
        .collect();
    let mut cluster_wide_policy = false;
    for kind in [
        "CiliumNetworkPolicy",
        "CiliumClusterwideNetworkPolicy",
        "NetworkPolicy",
        "GlobalNetworkPolicy",
    ] {
        for policy in cx.inv.of_kind(kind).filter(|o| is_other_engine_policy(o)) {
            match policy.namespace() {
                Some(ns) => {
                    deny.insert(ns);
                }
                None => cluster_wide_policy = true,
            }
        }
    }

    let mut without_quota = Vec::new();
    for (&ns, &first) in &app_namespaces {
        let namespace = cx.inv.find("Namespace", None, ns);
        let mut missing = Vec::new();
        if !quotas.contains(ns) {
            missing.push("ResourceQuota");
            without_quota.push(ns);
        }
        if !limits.contains(ns) {
            missing.push("LimitRange");
        }
        if !cluster_wide_policy && !deny.contains(ns) {
            missing.push("default-deny NetworkPolicy");
        }
        let psa = namespace.and_then(|n| n.label(PSA_ENFORCE));
        if !matches!(psa, Some("baseline" | "restricted")) {
            missing.push("Pod Security Admission enforce label (baseline or restricted)");
        }
        let subject = namespace.unwrap_or(first);
        if missing.is_empty() {
            out.pass(subject);
        } else {
            let whose = if namespace.is_some() {
                String::new()
            } else {
                format!(" (reported on its first workload `{}`)", first.name())
            };
            out.warn(
                Subject::object(subject),
                format!("namespace `{ns}`{whose} lacks {}", missing.join(", ")),
            );
        }
    }

    for binding in cx
        .inv
        .of_kind("ClusterRoleBinding")
        .filter(|b| b.api_group() == "rbac.authorization.k8s.io")
        .filter(|b| !b.name().starts_with("system:") && !b.name().starts_with("eks:"))
    {
        let role_ref = binding.root().get("roleRef");
        let role = role_ref
            .and_then(|r| r.get("name"))
            .and_then(Node::as_str)
            .unwrap_or_default();
        if !matches!(role, "admin" | "edit") {
            continue;
        }
        let people: Vec<String> = binding
            .root()
            .get("subjects")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|s| matches!(s.get("kind").and_then(Node::as_str), Some("User" | "Group")))
            .filter_map(|s| s.get("name").and_then(Node::as_str))
            .filter(|name| !name.starts_with("system:"))
            .map(|name| format!("`{name}`"))
            .collect();
        if people.is_empty() {
            continue;
        }
        let subject =
            Subject::object(binding).at("roleRef.name", role_ref.and_then(|r| r.get("name")));
        if without_quota.is_empty() {
            out.warn(
                subject,
                format!(
                    "ClusterRoleBinding `{}` grants `{role}` to {} in every namespace: bind it \
                     per namespace with RoleBindings",
                    binding.name(),
                    people.join(", ")
                ),
            );
        } else {
            let shown: Vec<_> = without_quota
                .iter()
                .take(5)
                .map(|n| format!("`{n}`"))
                .collect();
            out.fail(
                subject,
                format!(
                    "ClusterRoleBinding `{}` grants `{role}` to {} in every namespace, and \
                     {} application namespace(s) have no ResourceQuota ({}{}): nothing \
                     contains them; bind per namespace with RoleBindings and add quotas",
                    binding.name(),
                    people.join(", "),
                    without_quota.len(),
                    shown.join(", "),
                    if without_quota.len() > shown.len() {
                        ", …"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
}
