use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of a workload outside the system
    /// namespaces sets `securityContext.allowPrivilegeEscalation: false` (a container-only
    /// field: the pod-level securityContext has none).
    ///
    /// - Pass: `allowPrivilegeEscalation: false`.
    /// - Fail: `allowPrivilegeEscalation: true`, or a container that escalates by construction:
    ///   `privileged: true` or a `capabilities.add` containing `SYS_ADMIN` (written with or
    ///   without the `CAP_` prefix, any case) — Kubernetes always allows escalation for those
    ///   and rejects `allowPrivilegeEscalation: false` alongside them.
    /// - Warn: unset — the runtime then allows escalation (the `no_new_privs` flag is not set).
    ///
    /// Windows pods (`spec.os.name: windows`) are out of scope: the setting does not exist
    /// there.
    ///
    /// ## Why it matters
    /// Without `no_new_privs`, a process can gain privileges through setuid/setgid binaries or
    /// file capabilities inside the image — a classic step from an application bug to root in
    /// the container, and from there towards the node.
    ///
    /// ## How to fix
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    ///       capabilities: {drop: [ALL]}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "no-privilege-escalation",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.pod_spec.at(&["os", "name"]).and_then(Node::as_str) == Some("windows") {
                continue;
            }
            let sc = c.get("securityContext");
            let field = |name: &str| sc.and_then(|s| s.get(name));
            let subject = || Subject::container(object, &c);
            if let Some(p) = field("privileged").filter(|n| n.as_bool() == Some(true)) {
                out.fail(
                    subject().field("securityContext.privileged", Some(p)),
                    format!(
                        "container `{}` runs privileged, which always allows privilege escalation",
                        c.name
                    ),
                );
                continue;
            }
            let sys_admin = sc
                .and_then(|s| s.at(&["capabilities", "add"]))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .find(|n| {
                    n.as_str().is_some_and(|s| {
                        let s = s.trim().to_ascii_uppercase();
                        s.strip_prefix("CAP_").unwrap_or(&s) == "SYS_ADMIN"
                    })
                });
            if let Some(cap) = sys_admin {
                out.fail(
                    subject().field("securityContext.capabilities.add", Some(cap)),
                    format!(
                        "container `{}` adds SYS_ADMIN, which always allows privilege escalation",
                        c.name
                    ),
                );
                continue;
            }
            let ape = field("allowPrivilegeEscalation").filter(|n| !n.is_null());
            match ape.and_then(Node::as_bool) {
                Some(false) => out.pass(object),
                Some(true) => out.fail(
                    subject().field("securityContext.allowPrivilegeEscalation", ape),
                    format!("container `{}` sets allowPrivilegeEscalation: true", c.name),
                ),
                None => out.warn(
                    subject().field("securityContext", sc),
                    format!(
                        "container `{}` does not set allowPrivilegeEscalation: false (escalation \
                         is allowed by default)",
                        c.name
                    ),
                ),
            }
        }
    }
}
