use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of every workload outside the
    /// system namespaces runs as a non-root user. The settings are read as they take effect:
    /// a container's `securityContext.runAsNonRoot` / `runAsUser` override the pod-level
    /// `securityContext` ones, which every container otherwise inherits.
    ///
    /// - Pass: `runAsNonRoot: true` with `runAsUser` unset or non-zero (the kubelet refuses to
    ///   start the container if the image would run as root), or an explicit non-zero
    ///   `runAsUser` (the process runs as that uid whatever the image says).
    /// - Fail: an effective `runAsUser: 0`, or `runAsNonRoot: false` with no non-zero
    ///   `runAsUser` (the container explicitly opts out and runs as the image's user, root for
    ///   most images).
    /// - Warn: neither field set: the image's `USER` decides, which the manifest cannot show.
    ///
    /// `runAsNonRoot: false` together with an explicit non-zero `runAsUser` passes: the field
    /// only disables the kubelet's verification, the process still runs as the given uid.
    ///
    /// ## Why it matters
    /// A process running as uid 0 in a container is root on the node's kernel: a container
    /// escape, a writable hostPath or a mounted socket then gives full control of the node.
    /// Running as an unprivileged uid is the cheapest layer of defence in depth and is required
    /// by the Pod Security Standards `restricted` profile.
    ///
    /// ## How to fix
    /// Build the image with a numeric non-root `USER` and enforce it in the pod:
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///     runAsGroup: 10001
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "non-root",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            let user = c.effective_security("runAsUser");
            let non_root = c.effective_security("runAsNonRoot");
            let uid = user.as_ref().and_then(|(n, _)| n.as_i64());
            let flag = non_root.as_ref().and_then(|(n, _)| n.as_bool());
            let subject = |field: &Option<(&Node, String)>| {
                let s = Subject::container(object, &c);
                match field {
                    Some((node, path)) => s.at(path.clone(), Some(*node)),
                    None => s.field("securityContext", c.get("securityContext")),
                }
            };
            match (uid, flag) {
                (Some(0), _) => out.fail(
                    subject(&user),
                    format!("container `{}` runs as root (runAsUser: 0)", c.name),
                ),
                (Some(_), _) | (None, Some(true)) => out.pass(object),
                (None, Some(false)) => out.fail(
                    subject(&non_root),
                    format!(
                        "container `{}` sets runAsNonRoot: false and no runAsUser: it runs as \
                         the image's user, usually root",
                        c.name
                    ),
                ),
                (None, None) => out.warn(
                    subject(&None),
                    format!(
                        "container `{}` sets neither runAsNonRoot nor runAsUser: whether it runs \
                         as root depends on the image's USER",
                        c.name
                    ),
                ),
            }
        }
    }
}
