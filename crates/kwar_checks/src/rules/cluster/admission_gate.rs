use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether admission control refuses images that are unsigned or fail a vulnerability
    /// policy. A gate is any of:
    /// - a Kyverno `ClusterPolicy`/`Policy` with a `verifyImages` rule (signatures, or
    ///   attestations such as a vulnerability scan), enforced when the rule's
    ///   `failureAction` — or, without it, the policy's `validationFailureAction` — is
    ///   `Enforce`; a Kyverno `ImageValidatingPolicy` whose `validationActions` include
    ///   `Deny`;
    /// - a Sigstore policy-controller `ClusterImagePolicy` (not in `mode: warn`);
    /// - Ratify or Connaisseur (a Deployment named after them);
    /// - a vendor image admission webhook: a Validating- or MutatingWebhookConfiguration
    ///   named for the Aqua KubeEnforcer, StackRox, Prisma Cloud (Twistlock), the Sysdig
    ///   admission controller, Portieris, Kritis, Connaisseur, Ratify or the Sigstore policy
    ///   controller. Which of their policies block is configured in the vendor's console and
    ///   is not visible in the cluster: their registration counts as the gate.
    ///
    /// Verdicts: a gate in `Audit`/`warn` mode warns on that policy (scan results are
    /// reported, not enforced); an enforcing gate passes — on the Cluster for a whole
    /// cluster, else on the gate itself; a whole cluster without any gate warns on the
    /// Cluster. Manifests without a gate give no verdict (the gate may be installed apart).
    ///
    /// ## Why it matters
    /// Scanning without enforcement produces reports that nobody is forced to read: an
    /// image with a critical CVE, or one pushed by someone who should not push, still runs.
    /// A signature or attestation check at admission makes the pipeline's verdict binding
    /// for every path into the cluster, `kubectl apply` by hand included.
    ///
    /// ## How to fix
    /// Verify signatures (AWS Signer/Notation or cosign) at admission, for example with
    /// Kyverno:
    /// ```yaml
    /// apiVersion: kyverno.io/v1
    /// kind: ClusterPolicy
    /// metadata: {name: verify-images}
    /// spec:
    ///   webhookTimeoutSeconds: 30
    ///   rules:
    ///     - name: signed-by-ci
    ///       match: {any: [{resources: {kinds: [Pod]}}]}
    ///       verifyImages:
    ///         - imageReferences: ["123456789012.dkr.ecr.*.amazonaws.com/*"]
    ///           failureAction: Enforce
    ///           attestors:
    ///             - entries:
    ///                 - keys: {kms: "awskms:///arn:aws:kms:eu-west-1:123456789012:alias/cosign"}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_scan_images_for_vulnerabilities_regularly>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html>
    /// - <https://kyverno.io/docs/writing-policies/verify-images/>
    "admission-gate",
    run,
    needs = [
        "admissionregistration.k8s.io/validatingwebhookconfigurations",
        "admissionregistration.k8s.io/mutatingwebhookconfigurations",
        "apps/deployments",
        "kyverno.io/clusterpolicies",
        "kyverno.io/policies"
    ]
}

/// Fragments of the webhook configuration names image admission controllers register.
const WEBHOOKS: [&str; 10] = [
    "kube-enforcer",
    "stackrox",
    "twistlock",
    "prisma",
    "sysdig-admission",
    "portieris",
    "kritis",
    "connaisseur",
    "ratify",
    "policy.sigstore.dev",
];
/// Deployments of image verification admission controllers.
const DEPLOYMENTS: [&str; 2] = ["ratify", "connaisseur"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut gate: Option<&Object> = None;
    for policy in ["ClusterPolicy", "Policy"]
        .iter()
        .flat_map(|kind| cx.inv.of_kind(kind))
        .filter(|p| p.api_group() == "kyverno.io")
    {
        match kyverno_verify_images(policy) {
            Some(true) => {
                gate.get_or_insert(policy);
            }
            Some(false) => out.warn(
                Subject::object(policy).at("spec", policy.spec()),
                format!(
                    "Kyverno {} `{}` verifies images in Audit mode: unverified images are \
                     reported, not refused; set `failureAction: Enforce`",
                    policy.kind(),
                    policy.name()
                ),
            ),
            None => {}
        }
    }
    for policy in cx
        .inv
        .of_kind("ImageValidatingPolicy")
        .filter(|p| p.api_group().ends_with("kyverno.io"))
    {
        let actions = policy.root().at(&["spec", "validationActions"]);
        let deny = actions
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|a| a.as_str() == Some("Deny"));
        if deny {
            gate.get_or_insert(policy);
        } else {
            out.warn(
                Subject::object(policy).at("spec.validationActions", actions),
                format!(
                    "Kyverno ImageValidatingPolicy `{}` does not deny (validationActions without \
                     `Deny`): unverified images are reported, not refused",
                    policy.name()
                ),
            );
        }
    }
    for policy in cx
        .inv
        .of_kind("ClusterImagePolicy")
        .filter(|p| p.api_group() == "policy.sigstore.dev")
    {
        let mode = policy.root().at(&["spec", "mode"]);
        if mode.and_then(Node::as_str) == Some("warn") {
            out.warn(
                Subject::object(policy).at("spec.mode", mode),
                format!(
                    "ClusterImagePolicy `{}` is in `mode: warn`: unverified images are admitted; \
                     use `mode: enforce`",
                    policy.name()
                ),
            );
        } else {
            gate.get_or_insert(policy);
        }
    }
    if gate.is_none() {
        gate = gate_controller(cx);
    }
    match (gate, cx.whole_cluster()) {
        (Some(_), Some(cluster)) => out.pass(cluster),
        (Some(gate), None) => out.pass(gate),
        (None, Some(cluster)) => out.warn(
            Subject::object(cluster),
            "no admission control verifies images (Kyverno verifyImages, Sigstore \
             policy-controller, Ratify, or a scanner's admission webhook): scan results and \
             signatures are not enforced",
        ),
        (None, None) => {}
    }
}

/// Whether a Kyverno policy verifies images: Some(true) when it enforces, Some(false) in
/// Audit mode, None without a `verifyImages` rule.
fn kyverno_verify_images(policy: &Object) -> Option<bool> {
    let spec = policy.spec()?;
    let policy_enforces = spec
        .get("validationFailureAction")
        .and_then(Node::as_str)
        .is_some_and(|a| a.eq_ignore_ascii_case("enforce"));
    let mut found = None;
    for rule in spec.get("rules").map(Node::items).unwrap_or_default() {
        for verify in rule
            .get("verifyImages")
            .map(Node::items)
            .unwrap_or_default()
        {
            let enforces = match verify.get("failureAction").and_then(Node::as_str) {
                Some(action) => action.eq_ignore_ascii_case("enforce"),
                None => policy_enforces,
            };
            if enforces {
                return Some(true);
            }
            found = Some(false);
        }
    }
    found
}

/// An image admission controller recognised by its webhook registration or Deployment.
fn gate_controller<'a>(cx: &Context<'a>) -> Option<&'a Object> {
    let webhook = cx.webhook_configurations().find(|w| {
        let name = w.name().to_ascii_lowercase();
        WEBHOOKS.iter().any(|f| name.contains(f))
    });
    webhook.or_else(|| {
        cx.inv
            .of_kind("Deployment")
            .filter(|d| d.api_group() == "apps")
            .find(|d| DEPLOYMENTS.iter().any(|n| d.name().contains(n)))
    })
}
