use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The manifests contain no PodSecurityPolicy (`policy/v1beta1` or `extensions/v1beta1`).
    ///
    /// - Fail: each PodSecurityPolicy object.
    /// - Pass: each Namespace manifest that enforces a Pod Security Admission level (label
    ///   `pod-security.kubernetes.io/enforce`), the mechanism that replaces PSP; and, when the
    ///   input holds neither a PodSecurityPolicy nor such a Namespace, one pass for the input
    ///   as a whole (recorded against its first object), since "no PodSecurityPolicy objects"
    ///   is exactly the catalog's pass condition.
    ///
    /// ## Why it matters
    /// The PodSecurityPolicy API was removed in Kubernetes 1.25. On current clusters a
    /// committed PSP is either rejected at apply time (breaking the pipeline) or, if it was
    /// never applied, sits in the repository looking like a control that does not exist: the
    /// pods it claims to restrict are in fact unrestricted unless Pod Security Admission or a
    /// policy engine enforces something.
    ///
    /// ## How to fix
    /// Delete the PodSecurityPolicy (and the RBAC that grants `use` on it), and enforce the
    /// Pod Security Standards with Pod Security Admission labels — or with Kyverno, Gatekeeper
    /// or a ValidatingAdmissionPolicy:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: shop
    ///   labels:
    ///     pod-security.kubernetes.io/enforce: restricted
    ///     pod-security.kubernetes.io/enforce-version: latest
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-admission/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html#_pod_security_standards_pss_and_pod_security_admission_psa>
    "no-psp-objects",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut evaluated = false;
    for psp in cx
        .inv
        .of_kind("PodSecurityPolicy")
        .filter(|o| matches!(o.api_group(), "policy" | "extensions"))
    {
        evaluated = true;
        out.fail(
            Subject::object(psp),
            format!(
                "PodSecurityPolicy `{}` ({}) is committed, but the API was removed in \
                 Kubernetes 1.25: it enforces nothing on current clusters",
                psp.name(),
                psp.api_version()
            ),
        );
    }
    for ns in cx
        .inv
        .of_kind("Namespace")
        .filter(|o| o.api_group().is_empty())
        .filter(|o| o.label("pod-security.kubernetes.io/enforce").is_some())
    {
        evaluated = true;
        out.pass(ns);
    }
    if !evaluated {
        if let Some(first) = cx.inv.objects().first() {
            out.pass(first);
        }
    }
}
