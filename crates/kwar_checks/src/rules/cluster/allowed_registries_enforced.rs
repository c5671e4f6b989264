use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether an admission policy of the input restricts container images to approved
    /// registries. Each such policy object is evaluated:
    ///
    /// - **Kyverno** `ClusterPolicy` / `Policy` with a `validate` rule about image registries
    ///   (an `image` pattern naming a registry or path such as `"111122223333.dkr.ecr.*/*"`, a
    ///   condition on `images.*.registry`, or a CEL/JMESPath `image...startsWith(...)`
    ///   expression). It passes when such a rule enforces (`validate.failureAction`, or the
    ///   policy's `validationFailureAction`, is `Enforce`) and warns when it only audits —
    ///   Kyverno's default.
    /// - **Gatekeeper** `K8sAllowedRepos` / `K8sAllowedReposv2` constraints: pass, or warn when
    ///   `enforcementAction` is `dryrun` or `warn`.
    /// - **ValidatingAdmissionPolicy** whose CEL validations test an image's registry or
    ///   prefix: pass when a ValidatingAdmissionPolicyBinding of the input binds it with the
    ///   `Deny` action, warn when it is unbound or bound with `Warn`/`Audit` only.
    ///
    /// Policies about something else (for example a Kyverno policy that only forbids the
    /// `latest` tag) are not evaluated. When the input holds no registry policy at all, the
    /// check warns once, on the first workload outside the system namespaces; when the input
    /// has no such workload either, nothing is evaluated.
    ///
    /// ## Why it matters
    /// Without an allow-list anyone who can create a pod can run any image from any registry:
    /// typo-squatted or malicious public images, images that bypass the organisation's
    /// scanning and signing, and pulls that depend on third-party availability and rate
    /// limits. An admission policy makes the registry rule hold for every team and every
    /// tool, not only for the manifests a reviewer sees.
    ///
    /// ## How to fix
    /// Enforce an allow-list with your policy engine, for example Kyverno:
    /// ```yaml
    /// apiVersion: kyverno.io/v1
    /// kind: ClusterPolicy
    /// metadata:
    ///   name: restrict-image-registries
    /// spec:
    ///   rules:
    ///     - name: approved-registries
    ///       match:
    ///         any:
    ///           - resources: {kinds: [Pod]}
    ///       validate:
    ///         failureAction: Enforce
    ///         message: "Images must come from the approved ECR registry."
    ///         pattern:
    ///           spec:
    ///             =(initContainers):
    ///               - image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/*"
    ///             containers:
    ///               - image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/*"
    /// ```
    /// Roll it out in `Audit` first, read the policy reports, then switch to `Enforce`.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html>
    /// - <https://kubernetes.io/docs/concepts/containers/images/>
    /// - <https://kyverno.io/policies/best-practices/restrict-image-registries/restrict-image-registries/>
    /// - <https://open-policy-agent.github.io/gatekeeper-library/website/validation/allowedrepos/>
    "allowed-registries-enforced",
    run
}

/// Whether a subtree of a policy restricts image registries (see the doc comment).
fn restricts_registries(node: &Node, key: Option<&str>) -> bool {
    match &node.value {
        Value::Map(entries) => entries.iter().any(|(k, v)| {
            let k = k.as_str().unwrap_or_default();
            k != "message" && restricts_registries(v, Some(k))
        }),
        Value::Seq(items) => items.iter().any(|i| restricts_registries(i, key)),
        Value::Str(s) => {
            let key_is_image = key.is_some_and(|k| k.to_ascii_lowercase().contains("image"));
            let lower = s.to_ascii_lowercase();
            (key_is_image && s.contains('/'))
                || lower.contains("registry")
                || lower.contains("registries")
                || (lower.contains("image") && lower.contains("startswith("))
        }
        _ => false,
    }
}

fn text(node: Option<&Node>) -> Option<&str> {
    node.and_then(Node::as_str)
}

/// Kyverno: Some(enforced) when the policy has a registry rule.
fn kyverno(policy: &Object) -> Option<(bool, Option<&Node>)> {
    let spec = policy.root().get("spec")?;
    let policy_action = spec.get("validationFailureAction");
    let mut found = None;
    for rule in spec.get("rules").map(Node::items).unwrap_or_default() {
        let Some(validate) = rule.get("validate") else {
            continue;
        };
        if !restricts_registries(validate, None) {
            continue;
        }
        let action = validate.get("failureAction").or(policy_action);
        let enforced = text(action).is_some_and(|a| a.eq_ignore_ascii_case("enforce"));
        if enforced {
            return Some((true, action));
        }
        found.get_or_insert((false, action));
    }
    found
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut found = false;

    for policy in cx
        .inv
        .of_kind("ClusterPolicy")
        .chain(cx.inv.of_kind("Policy"))
        .filter(|o| o.api_group() == "kyverno.io")
    {
        let Some((enforced, action)) = kyverno(policy) else {
            continue;
        };
        found = true;
        if enforced {
            out.pass(policy);
        } else {
            let shown = text(action).unwrap_or("unset, so Audit");
            out.warn(
                Subject::object(policy).at("spec.validationFailureAction", action),
                format!(
                    "Kyverno {} `{}` restricts image registries but only audits \
                     (validationFailureAction: {shown})",
                    policy.kind(),
                    policy.name()
                ),
            );
        }
    }

    for kind in ["K8sAllowedRepos", "K8sAllowedReposv2"] {
        for constraint in cx
            .inv
            .of_kind(kind)
            .filter(|o| o.api_group() == "constraints.gatekeeper.sh")
        {
            found = true;
            let action = constraint.root().at(&["spec", "enforcementAction"]);
            match text(action) {
                Some(a @ ("dryrun" | "warn")) => out.warn(
                    Subject::object(constraint).at("spec.enforcementAction", action),
                    format!(
                        "Gatekeeper {kind} `{}` does not block images from other registries \
                         (enforcementAction: {a})",
                        constraint.name()
                    ),
                ),
                _ => out.pass(constraint),
            }
        }
    }

    for policy in cx
        .inv
        .of_kind("ValidatingAdmissionPolicy")
        .filter(|o| o.api_group() == "admissionregistration.k8s.io")
    {
        let validations = policy.root().at(&["spec", "validations"]);
        if !validations.is_some_and(|v| restricts_registries(v, None)) {
            continue;
        }
        found = true;
        let bindings: Vec<&Object> = cx
            .inv
            .of_kind("ValidatingAdmissionPolicyBinding")
            .filter(|b| text(b.root().at(&["spec", "policyName"])) == Some(policy.name()))
            .collect();
        let denies = bindings.iter().any(|b| {
            b.root()
                .at(&["spec", "validationActions"])
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|a| a.as_str() == Some("Deny"))
        });
        if denies {
            out.pass(policy);
        } else if bindings.is_empty() {
            out.warn(
                Subject::object(policy),
                format!(
                    "ValidatingAdmissionPolicy `{}` restricts image registries but no \
                     ValidatingAdmissionPolicyBinding in the input binds it, so it is not applied",
                    policy.name()
                ),
            );
        } else {
            out.warn(
                Subject::object(policy),
                format!(
                    "ValidatingAdmissionPolicy `{}` restricts image registries but its bindings \
                     do not use the Deny action, so images from other registries are admitted",
                    policy.name()
                ),
            );
        }
    }

    if found {
        return;
    }
    if let Some((_, first)) = cx.app_workloads().next() {
        out.warn(
            Subject::object(first),
            format!(
                "no admission policy restricting images to approved registries (Kyverno, \
                 Gatekeeper K8sAllowedRepos or ValidatingAdmissionPolicy) was found in the input; \
                 reported once, on {} `{}`",
                first.kind(),
                first.name()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{load, run_one};
    use crate::Verdict;

    /// Without any registry policy the check warns once, on the first non-system workload;
    /// without workloads it evaluates nothing.
    #[test]
    fn warns_once_without_policy() {
        let dir = std::env::temp_dir().join(format!("kwar-are-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("no-policy.yaml");
        std::fs::write(
            &path,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: coredns, namespace: kube-system}\n\
             spec: {template: {spec: {containers: [{name: c, image: coredns:1.11.1}]}}}\n---\n\
             apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n\
             spec: {template: {spec: {containers: [{name: c, image: web:1.0.0}]}}}\n---\n\
             apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n\
             spec: {template: {spec: {containers: [{name: c, image: api:1.0.0}]}}}\n",
        )
        .unwrap();
        let inv = load(&path);
        let out = run_one(&super::CHECK, &inv);
        assert_eq!(out.verdicts.len(), 1);
        assert_eq!(out.findings[0].verdict, Verdict::Warn);
        assert_eq!(inv.object(out.findings[0].subject.object).name(), "web");

        std::fs::write(
            &path,
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\n",
        )
        .unwrap();
        let inv = load(&path);
        assert!(run_one(&super::CHECK, &inv).verdicts.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
