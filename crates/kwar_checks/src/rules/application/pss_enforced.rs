use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Namespace outside system namespaces (the `default` namespace only when a
    /// workload runs in it; namespaces being deleted are skipped), for Pod Security Admission
    /// labels and for equivalent policy-engine rules:
    /// - pass: `pod-security.kubernetes.io/enforce` is `baseline` or `restricted`; or, without
    ///   that label, a policy engine enforces Pod Security Standards rules covering the
    ///   namespace: a Kyverno `ClusterPolicy` (or a `Policy` in the namespace) in `Enforce`
    ///   mode with a `podSecurity` rule or in the "Pod Security Standards" category, or
    ///   gatekeeper-library `K8sPSP*` constraints in `deny` mode — minus the namespaces
    ///   those rules exclude;
    /// - warn: `enforce: privileged` (no restriction; acceptable only with a recorded
    ///   justification), or only the `audit`/`warn` labels (violations are reported, not
    ///   refused);
    /// - unknown: no PSA label, no recognised rule, but a policy engine runs (Kyverno,
    ///   Gatekeeper or ValidatingAdmissionPolicies, per the `policy-engines` detector): its
    ///   rules may be equivalent in ways kwar does not recognise;
    /// - fail: no PSA label and no policy engine at all.
    ///
    /// The unknown and fail verdicts rest on absence, so they are given only on a whole
    /// cluster (live, snapshot, or manifests declared `--complete`); on manifests alone,
    /// Namespace manifests with labels are judged and the others are not evaluated. The
    /// catalog prefers `restricted` for application namespaces; `baseline` passes, as the
    /// catalog's pass condition allows.
    ///
    /// ## Why it matters
    /// PodSecurityPolicy is gone since Kubernetes 1.25, and on EKS every namespace admits
    /// any pod by default: privileged containers, host namespaces, hostPath mounts of the
    /// node's filesystem. Anyone who can create a pod in such a namespace can take over its
    /// node, and from there the node's credentials.
    ///
    /// ## How to fix
    /// Label each application namespace, starting with `warn`/`audit` to find violations,
    /// then enforcing:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    ///     pod-security.kubernetes.io/warn: restricted
    /// ```
    /// or enforce the equivalent rules with Kyverno (`podSecurity` rules) or Gatekeeper.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-admission/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html#_pod_security_standards_pss_and_pod_security_admission_psa>
    "pss-enforced",
    run,
    needs = [
        "namespaces",
        "kyverno.io/clusterpolicies",
        "kyverno.io/policies",
        // Naming one constraint kind makes a snapshot collect the whole
        // constraints.gatekeeper.sh group, where every K8sPSP* kind lives.
        "constraints.gatekeeper.sh/k8spspprivilegedcontainer"
    ]
}

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const AUDIT: &str = "pod-security.kubernetes.io/audit";
const WARN: &str = "pod-security.kubernetes.io/warn";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let whole = cx.whole_cluster().is_some();
    let engine = cx.detections.get("policy-engines");
    let cluster_rules = pss_cluster_rules(cx);
    for ns in cx
        .inv
        .of_kind("Namespace")
        .filter(|o| o.api_group().is_empty())
    {
        let name = ns.name();
        if cx.is_system_namespace(Some(name)) || terminating(ns) {
            continue;
        }
        if name == "default" && !in_use(cx, name) {
            continue;
        }
        let labels_node = ns.root().at(&["metadata", "labels"]);
        let subject = || Subject::object(ns).at("metadata.labels", labels_node.or(ns.metadata()));
        match ns.label(ENFORCE) {
            Some("baseline" | "restricted") => {
                out.pass(ns);
                continue;
            }
            Some(level) => {
                let node = ns.root().at(&["metadata", "labels", ENFORCE]);
                out.warn(
                    Subject::object(ns).at(format!("metadata.labels.{ENFORCE}"), node),
                    format!(
                        "Namespace `{name}` sets {ENFORCE}={level}: any pod is admitted; \
                         expected baseline or restricted (privileged only with a recorded \
                         justification)"
                    ),
                );
                continue;
            }
            None => {}
        }
        if cluster_rules.iter().any(|r| r.covers(name)) {
            out.pass(ns);
            continue;
        }
        let reporting: Vec<String> = [AUDIT, WARN]
            .iter()
            .filter_map(|k| ns.label(k).map(|v| format!("{k}={v}")))
            .collect();
        if !reporting.is_empty() {
            out.warn(
                subject(),
                format!(
                    "Namespace `{name}` only reports Pod Security violations ({}): nothing is \
                     refused; expected {ENFORCE}=baseline or restricted",
                    reporting.join(", ")
                ),
            );
            continue;
        }
        if !whole {
            continue;
        }
        match engine {
            Some(engine) => out.unknown(
                subject(),
                format!(
                    "Namespace `{name}` has no Pod Security Admission label, and no Kyverno or \
                     Gatekeeper Pod Security rule kwar recognises covers it; {} runs, whose \
                     rules may be equivalent",
                    engine
                        .matches
                        .first()
                        .map_or(engine.what, |m| m.detail.as_str())
                ),
            ),
            None => out.fail(
                subject(),
                format!(
                    "Namespace `{name}` has no Pod Security Admission label and the cluster \
                     runs no policy engine: any pod, privileged included, is admitted; \
                     expected {ENFORCE}=baseline or restricted"
                ),
            ),
        }
    }
}

/// A policy that enforces Pod Security rules, and the namespaces it leaves out.
struct PssRule<'a> {
    /// For a namespaced Kyverno Policy, the only namespace it covers.
    only: Option<&'a str>,
    /// For a Gatekeeper constraint limited to some namespaces.
    namespaces: Vec<String>,
    excluded: Vec<String>,
}

impl PssRule<'_> {
    fn covers(&self, namespace: &str) -> bool {
        self.only.is_none_or(|only| only == namespace)
            && (self.namespaces.is_empty() || self.namespaces.iter().any(|n| n == namespace))
            && !self.excluded.iter().any(|n| n == namespace)
    }
}

/// Enforced Pod Security rules of Kyverno and Gatekeeper.
fn pss_cluster_rules<'a>(cx: &Context<'a>) -> Vec<PssRule<'a>> {
    let mut rules = Vec::new();
    for policy in cx
        .inv
        .of_kind("ClusterPolicy")
        .chain(cx.inv.of_kind("Policy"))
        .filter(|p| p.api_group() == "kyverno.io")
    {
        if let Some(excluded) = kyverno_pss(policy) {
            rules.push(PssRule {
                only: (policy.kind() == "Policy").then(|| policy.namespace_key()),
                namespaces: Vec::new(),
                excluded,
            });
        }
    }
    for constraint in
        cx.inv.objects().iter().filter(|o| {
            o.api_group() == "constraints.gatekeeper.sh" && o.kind().starts_with("K8sPSP")
        })
    {
        let spec = constraint.spec();
        let action = spec
            .and_then(|s| s.get("enforcementAction"))
            .and_then(Node::as_str)
            .unwrap_or("deny");
        if action != "deny" {
            continue;
        }
        let list = |key: &str| -> Vec<String> {
            spec.and_then(|s| s.at(&["match", key]))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect()
        };
        rules.push(PssRule {
            only: None,
            namespaces: list("namespaces"),
            excluded: list("excludedNamespaces"),
        });
    }
    rules
}

/// For a Kyverno policy that enforces Pod Security rules, the namespaces its rules exclude.
fn kyverno_pss(policy: &Object) -> Option<Vec<String>> {
    let spec = policy.spec()?;
    let policy_enforces = spec
        .get("validationFailureAction")
        .and_then(Node::as_str)
        .is_some_and(|a| a.eq_ignore_ascii_case("enforce"));
    let category = policy
        .annotation("policies.kyverno.io/category")
        .is_some_and(|c| c.contains("Pod Security"));
    let mut found = false;
    let mut excluded = Vec::new();
    for rule in spec.get("rules").map(Node::items).unwrap_or_default() {
        let Some(validate) = rule.get("validate") else {
            continue;
        };
        let enforces = validate
            .get("failureAction")
            .and_then(Node::as_str)
            .map_or(policy_enforces, |a| a.eq_ignore_ascii_case("enforce"));
        if !enforces || !(validate.get("podSecurity").is_some() || category) {
            continue;
        }
        found = true;
        let exclude = rule.get("exclude");
        let blocks = exclude
            .into_iter()
            .flat_map(|e| {
                let mut v: Vec<&Node> = ["any", "all"]
                    .iter()
                    .flat_map(|k| e.get(k).map(Node::items).unwrap_or_default())
                    .collect();
                v.push(e);
                v
            })
            .collect::<Vec<_>>();
        for block in blocks {
            excluded.extend(
                block
                    .at(&["resources", "namespaces"])
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::scalar_text),
            );
        }
    }
    found.then_some(excluded)
}

fn in_use(cx: &Context<'_>, namespace: &str) -> bool {
    cx.inv
        .workloads()
        .iter()
        .any(|w| cx.inv.object(w.object).namespace_key() == namespace)
}

fn terminating(ns: &Object) -> bool {
    ns.root().at(&["status", "phase"]).and_then(Node::as_str) == Some("Terminating")
        || ns.root().at(&["metadata", "deletionTimestamp"]).is_some()
}
