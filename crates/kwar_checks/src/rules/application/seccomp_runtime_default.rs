use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of a workload outside the system
    /// namespaces runs under a seccomp profile. The profile is read as it takes effect: the
    /// container's `securityContext.seccompProfile.type`, else the pod's (inherited by every
    /// container).
    ///
    /// - Pass: `RuntimeDefault` or `Localhost`.
    /// - Fail: `Unconfined` — in a field, or in the legacy annotations
    ///   (`seccomp.security.alpha.kubernetes.io/pod`,
    ///   `container.seccomp.security.alpha.kubernetes.io/<container>`) when no field is set.
    /// - Warn: nothing set (the kubelet then runs the container `Unconfined` unless the cluster
    ///   enables `--seccomp-default`, which the manifests cannot show), or a profile given only
    ///   by the legacy annotations: they were deprecated in Kubernetes 1.19 and the kubelet no
    ///   longer honours them (1.25+), so on every supported EKS version such a pod runs
    ///   unconfined. Checkov still counts the annotation as a pass; kwar deliberately does not.
    ///
    /// Windows pods (`spec.os.name: windows`) are out of scope: seccomp is Linux-only.
    ///
    /// ## Why it matters
    /// Seccomp filters the system calls a container can make. The runtime's default profile
    /// blocks about fifty rarely needed and historically exploitable calls (`keyctl`, `bpf`,
    /// `unshare`, `mount`…) at almost no cost; without it a kernel bug reachable from one of
    /// them is a container escape.
    ///
    /// ## How to fix
    /// Set the profile once at pod level:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     seccompProfile:
    ///       type: RuntimeDefault
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_apparmor_and_selinux>
    /// - <https://kubernetes.io/docs/tutorials/security/apparmor/>
    /// - <https://kubernetes.io/docs/tutorials/security/seccomp/>
    "seccomp-runtime-default",
    run
}

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

enum Profile {
    Confined,
    Unconfined,
    Other,
}

fn field_profile(node: &Node) -> Profile {
    match node.get("type").and_then(Node::as_str) {
        Some("RuntimeDefault" | "Localhost") => Profile::Confined,
        Some("Unconfined") => Profile::Unconfined,
        _ => Profile::Other,
    }
}

fn annotation_profile(value: &str) -> Profile {
    let value = value.trim();
    if value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/") {
        Profile::Confined
    } else if value == "unconfined" {
        Profile::Unconfined
    } else {
        Profile::Other
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        let meta = w.pod_metadata(object);
        let meta_path = match w.kind {
            WorkloadKind::Pod => "metadata".to_string(),
            _ => format!(
                "{}.metadata",
                w.pod_path.strip_suffix(".spec").unwrap_or(w.pod_path)
            ),
        };
        let annotation = |key: &str| -> Option<(&Node, String)> {
            let node = meta?.at(&["annotations", key])?;
            Some((node, format!("{meta_path}.annotations.{key}")))
        };
        for c in w.containers(object) {
            if c.pod_spec.at(&["os", "name"]).and_then(Node::as_str) == Some("windows") {
                continue;
            }
            let container_field = c
                .get("securityContext")
                .and_then(|s| s.get("seccompProfile"))
                .filter(|n| !n.is_null())
                .map(|n| (n, c.field_path("securityContext.seccompProfile")));
            let pod_field = c
                .pod_spec
                .at(&["securityContext", "seccompProfile"])
                .filter(|n| !n.is_null())
                .map(|n| (n, format!("{}.securityContext.seccompProfile", w.pod_path)));
            let field = container_field
                .map(|(n, p)| (field_profile(n), n, p))
                .filter(|(p, _, _)| !matches!(p, Profile::Other))
                .or_else(|| {
                    pod_field
                        .map(|(n, p)| (field_profile(n), n, p))
                        .filter(|(p, _, _)| !matches!(p, Profile::Other))
                });
            let legacy = [
                annotation(&format!("{CONTAINER_ANNOTATION}{}", c.name)),
                annotation(POD_ANNOTATION),
            ]
            .into_iter()
            .flatten()
            .map(|(n, p)| (annotation_profile(n.as_str().unwrap_or("")), n, p))
            .find(|(p, _, _)| !matches!(p, Profile::Other));
            match (field, legacy) {
                (Some((Profile::Confined, _, _)), _) => out.pass(object),
                (Some((_, node, path)), _) | (None, Some((Profile::Unconfined, node, path))) => out
                    .fail(
                        Subject::container(object, &c).at(path.clone(), Some(node)),
                        format!(
                            "container `{}` runs without seccomp ({path}: Unconfined)",
                            c.name
                        ),
                    ),
                (None, Some((_, node, path))) => out.warn(
                    Subject::container(object, &c).at(path.clone(), Some(node)),
                    format!(
                        "container `{}` asks for seccomp only through the legacy annotation \
                         {path}, which the kubelet ignores since Kubernetes 1.25: set \
                         securityContext.seccompProfile.type: RuntimeDefault",
                        c.name
                    ),
                ),
                (None, None) => out.warn(
                    Subject::container(object, &c)
                        .field("securityContext", c.get("securityContext")),
                    format!(
                        "container `{}` sets no seccomp profile (pod or container): it runs \
                         Unconfined unless the kubelet enables --seccomp-default",
                        c.name
                    ),
                ),
            }
        }
    }
}
