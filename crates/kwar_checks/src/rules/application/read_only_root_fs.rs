use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container, init container and native sidecar of a workload outside the system
    /// namespaces sets `securityContext.readOnlyRootFilesystem: true` (a container-only field:
    /// the pod-level securityContext has none). It passes when the field is true and warns
    /// when it is unset or false. Windows pods (`spec.os.name: windows`) are out of scope:
    /// the setting is not supported there.
    ///
    /// ## Why it matters
    /// A writable root filesystem lets an intruder drop tools, modify binaries or plant
    /// persistence inside the running container, and lets the application write state that
    /// silently disappears on restart. A read-only root makes the image the single source of
    /// truth; the few paths that must be writable are declared explicitly as volumes.
    ///
    /// ## How to fix
    /// Make the root filesystem read-only and mount `emptyDir` volumes where the process
    /// writes (temporary files, caches):
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       readOnlyRootFilesystem: true
    ///     volumeMounts:
    ///       - {name: tmp, mountPath: /tmp}
    /// volumes:
    ///   - name: tmp
    ///     emptyDir: {}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "read-only-root-fs",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.pod_spec.at(&["os", "name"]).and_then(Node::as_str) == Some("windows") {
                continue;
            }
            let sc = c.get("securityContext");
            let field = sc.and_then(|s| s.get("readOnlyRootFilesystem"));
            match field.and_then(Node::as_bool) {
                Some(true) => out.pass(object),
                Some(false) => out.warn(
                    Subject::container(object, &c)
                        .field("securityContext.readOnlyRootFilesystem", field),
                    format!(
                        "container `{}` has a writable root filesystem \
                         (readOnlyRootFilesystem: false)",
                        c.name
                    ),
                ),
                None => out.warn(
                    Subject::container(object, &c).field("securityContext", sc),
                    format!(
                        "container `{}` does not set readOnlyRootFilesystem: true",
                        c.name
                    ),
                ),
            }
        }
    }
}
