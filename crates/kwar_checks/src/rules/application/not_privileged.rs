use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// No container, init container or native sidecar of a workload outside the system
    /// namespaces runs privileged. It fails on `securityContext.privileged: true` (a
    /// container-only field: the pod-level securityContext has no such setting) and on the
    /// Windows equivalent `securityContext.windowsOptions.hostProcess: true` (container or
    /// pod level); every other container passes.
    ///
    /// ## Why it matters
    /// A privileged container has every capability, sees every device of the node and runs
    /// without seccomp or AppArmor confinement: it is root on the node. Any compromise of the
    /// application is a compromise of the node and of every other pod scheduled on it.
    ///
    /// ## How to fix
    /// Remove `privileged: true`; grant only the specific capability the process needs, or
    /// move node-level tasks into a vetted system DaemonSet:
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       privileged: false
    ///       allowPrivilegeEscalation: false
    ///       capabilities: {drop: [ALL]}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "not-privileged",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            let privileged = c
                .get("securityContext")
                .and_then(|s| s.get("privileged"))
                .filter(|n| n.as_bool() == Some(true));
            let host_process = c
                .effective_security("windowsOptions")
                .and_then(|(n, path)| Some((n.get("hostProcess")?, path)))
                .filter(|(n, _)| n.as_bool() == Some(true));
            if let Some(node) = privileged {
                out.fail(
                    Subject::container(object, &c).field("securityContext.privileged", Some(node)),
                    format!(
                        "container `{}` runs privileged (securityContext.privileged: true)",
                        c.name
                    ),
                );
            } else if let Some((node, path)) = host_process {
                out.fail(
                    Subject::container(object, &c).at(format!("{path}.hostProcess"), Some(node)),
                    format!(
                        "container `{}` runs as a Windows HostProcess container \
                         (windowsOptions.hostProcess: true)",
                        c.name
                    ),
                );
            } else {
                out.pass(object);
            }
        }
    }
}
