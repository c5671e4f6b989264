use crate::prelude::*;

declare_check! {
/// ## What it checks
/// Scope: all manifests.
///
/// Passes when no PodSecurityPolicy objects.
///
/// Fails when PodSecurityPolicy present (unsupported on Kubernetes >= 1.25; gives false assurance).
///
/// ## Why it matters
/// TODO
///
/// ## How to fix
/// Replace PSP with Pod Security Admission labels (enforce restricted/baseline) or a policy-as-code
/// engine (Kyverno, Gatekeeper, ValidatingAdmissionPolicy).
///
/// ## References
/// - <https://kubernetes.io/docs/concepts/security/pod-security-admission/>
/// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html#_pod_security_standards_pss_and_pod_security_admission_psa>
    "no-psp-objects",
    run
}

fn run(_cx: &Context<'_>, _out: &mut Outcomes) {
    // TODO: implement no-psp-objects
}
