use std::collections::HashMap;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Namespace outside system namespaces, for two guardrails in it:
    /// - a LimitRange that gives containers default requests or limits (a `type: Container`
    ///   limit with `default` or `defaultRequest`; one that only sets `min`/`max` gives no
    ///   defaults and does not count);
    /// - a ResourceQuota.
    ///
    /// Pass when both are present, warn when one is missing, fail when neither is. The
    /// `default` namespace is judged only when a workload runs in it (it exists in every
    /// cluster, usually empty); namespaces being deleted are skipped.
    ///
    /// Absence is evidence only on a whole cluster (live, snapshot, or manifests declared
    /// `--complete`). On manifests alone a Namespace that has both passes, and nothing else
    /// is concluded.
    ///
    /// ## Why it matters
    /// Without a LimitRange, a container that declares no resources runs BestEffort: the
    /// scheduler packs it anywhere, it is the first evicted under pressure, and it can take
    /// all the node's memory. Without a ResourceQuota, one team's runaway Deployment or HPA
    /// can consume the cluster's capacity (and budget) at the expense of every other
    /// namespace.
    ///
    /// ## How to fix
    /// Give each application namespace both (a policy engine or the namespace-provisioning
    /// pipeline can create them):
    /// ```yaml
    /// apiVersion: v1
    /// kind: LimitRange
    /// metadata: {name: defaults, namespace: shop}
    /// spec:
    ///   limits:
    ///     - type: Container
    ///       defaultRequest: {cpu: 100m, memory: 128Mi}
    ///       default: {memory: 128Mi}
    /// ---
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata: {name: quota, namespace: shop}
    /// spec:
    ///   hard: {requests.cpu: "20", requests.memory: 40Gi, limits.memory: 40Gi, pods: "200"}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/policy/limit-range/>
    /// - <https://kubernetes.io/docs/concepts/policy/resource-quotas/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_configure_and_size_resource_requestslimits_for_all_workloads>
    /// - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    "namespace-defaults",
    run,
    needs = ["namespaces", "limitranges", "resourcequotas"]
}

#[derive(Default)]
struct Guardrails {
    defaults: bool,
    /// A LimitRange exists but sets no container defaults.
    limits_only: bool,
    quota: bool,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut found: HashMap<&str, Guardrails> = HashMap::new();
    for lr in cx
        .inv
        .of_kind("LimitRange")
        .filter(|o| o.api_group().is_empty())
    {
        let entry = found.entry(lr.namespace_key()).or_default();
        if gives_defaults(lr) {
            entry.defaults = true;
        } else {
            entry.limits_only = true;
        }
    }
    for rq in cx
        .inv
        .of_kind("ResourceQuota")
        .filter(|o| o.api_group().is_empty())
    {
        found.entry(rq.namespace_key()).or_default().quota = true;
    }
    let whole = cx.whole_cluster().is_some();
    let none = Guardrails::default();
    for ns in cx
        .inv
        .of_kind("Namespace")
        .filter(|o| o.api_group().is_empty())
    {
        let name = ns.name();
        if cx.is_system_namespace(Some(name)) || terminating(ns) {
            continue;
        }
        let unused = || {
            !cx.inv
                .workloads()
                .iter()
                .any(|w| cx.inv.object(w.object).namespace_key() == "default")
        };
        if name == "default" && unused() {
            continue;
        }
        let g = found.get(name).unwrap_or(&none);
        if g.defaults && g.quota {
            out.pass(ns);
            continue;
        }
        if !whole {
            continue;
        }
        let limit_range = if g.limits_only {
            "LimitRange with container defaults (its LimitRange only sets min/max)"
        } else {
            "LimitRange with container defaults"
        };
        let subject = Subject::object(ns);
        match (g.defaults, g.quota) {
            (false, false) => out.fail(
                subject,
                format!(
                    "Namespace `{name}` has neither a {limit_range} nor a ResourceQuota: \
                     containers without resources run BestEffort and nothing caps the \
                     namespace's consumption"
                ),
            ),
            (false, true) => out.warn(
                subject,
                format!(
                    "Namespace `{name}` has a ResourceQuota but no {limit_range}: containers \
                     without resources run BestEffort"
                ),
            ),
            _ => out.warn(
                subject,
                format!(
                    "Namespace `{name}` has a LimitRange with defaults but no ResourceQuota: \
                     nothing caps the namespace's consumption"
                ),
            ),
        }
    }
}

/// Whether a LimitRange gives containers default requests or limits.
fn gives_defaults(lr: &Object) -> bool {
    lr.root()
        .at(&["spec", "limits"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|l| {
            l.get("type").and_then(Node::as_str) == Some("Container")
                && (l.get("default").is_some_and(|d| !d.entries().is_empty())
                    || l.get("defaultRequest")
                        .is_some_and(|d| !d.entries().is_empty()))
        })
}

fn terminating(ns: &Object) -> bool {
    ns.root().at(&["status", "phase"]).and_then(Node::as_str) == Some("Terminating")
        || ns.root().at(&["metadata", "deletionTimestamp"]).is_some()
}
