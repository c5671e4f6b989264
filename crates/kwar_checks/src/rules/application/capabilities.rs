use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The Linux capabilities of every container, init container and native sidecar of a
    /// workload outside the system namespaces (`securityContext.capabilities`, a container-only
    /// field). Capability names are compared without the `CAP_` prefix and case-insensitively.
    ///
    /// - Pass: `drop` includes `ALL` and `add` is empty or only `NET_BIND_SERVICE`.
    /// - Fail: the container adds a capability outside the container runtime's default set
    ///   (`AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE NET_RAW
    ///   SETFCAP SETGID SETPCAP SETUID SYS_CHROOT`), e.g. `SYS_ADMIN`, `NET_ADMIN`,
    ///   `SYS_PTRACE` or `ALL`, whether or not it drops ALL; or it runs `privileged: true`,
    ///   which grants every capability regardless of the lists.
    /// - Warn: no `drop: [ALL]` (the runtime's default set stays granted), or `drop: [ALL]`
    ///   followed by adding back default capabilities other than `NET_BIND_SERVICE`.
    ///
    /// Windows pods (`spec.os.name: windows`) are out of scope: Linux capabilities do not apply.
    ///
    /// ## Why it matters
    /// Capabilities split root's power into pieces; each one granted is attack surface.
    /// `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE` or `SYS_MODULE` are enough to escape a container
    /// or tamper with the node's network, and even the default set (`NET_RAW`, `DAC_OVERRIDE`,
    /// `SETUID`…) enables spoofing and privilege tricks that almost no application needs.
    ///
    /// ## How to fix
    /// Drop everything, and add back only `NET_BIND_SERVICE` when a process must bind a port
    /// below 1024:
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    ///         add: [NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "capabilities",
    run
}

/// The capabilities containerd and CRI-O grant by default.
const RUNTIME_DEFAULT: [&str; 14] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// `cap_net_admin` → `NET_ADMIN`.
fn normalise(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_string()
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        for c in w.containers(object) {
            if c.pod_spec.at(&["os", "name"]).and_then(Node::as_str) == Some("windows") {
                continue;
            }
            let sc = c.get("securityContext");
            let caps = sc.and_then(|s| s.get("capabilities"));
            let list = |key: &str| -> Vec<(String, &Node)> {
                caps.and_then(|c| c.get(key))
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| Some((normalise(n.as_str()?), n)))
                    .collect()
            };
            let (add, drop) = (list("add"), list("drop"));
            let subject = || Subject::container(object, &c);
            if let Some(p) = sc
                .and_then(|s| s.get("privileged"))
                .filter(|n| n.as_bool() == Some(true))
            {
                out.fail(
                    subject().field("securityContext.privileged", Some(p)),
                    format!(
                        "container `{}` runs privileged, which grants every capability",
                        c.name
                    ),
                );
                continue;
            }
            let extra: Vec<&(String, &Node)> = add
                .iter()
                .filter(|(name, _)| !RUNTIME_DEFAULT.contains(&name.as_str()))
                .collect();
            if let Some((_, node)) = extra.first() {
                let names: Vec<&str> = extra.iter().map(|(n, _)| n.as_str()).collect();
                out.fail(
                    subject().field("securityContext.capabilities.add", Some(*node)),
                    format!(
                        "container `{}` adds capabilities beyond the runtime default set: {}",
                        c.name,
                        names.join(", ")
                    ),
                );
                continue;
            }
            if !drop.iter().any(|(name, _)| name == "ALL") {
                out.warn(
                    subject().field("securityContext.capabilities", caps.or(sc)),
                    format!(
                        "container `{}` does not drop ALL capabilities: the runtime default set \
                         (NET_RAW, DAC_OVERRIDE, SETUID…) stays granted",
                        c.name
                    ),
                );
                continue;
            }
            let added_back: Vec<&(String, &Node)> = add
                .iter()
                .filter(|(name, _)| name != "NET_BIND_SERVICE")
                .collect();
            match added_back.first() {
                Some((_, node)) => {
                    let names: Vec<&str> = added_back.iter().map(|(n, _)| n.as_str()).collect();
                    out.warn(
                        subject().field("securityContext.capabilities.add", Some(*node)),
                        format!(
                            "container `{}` drops ALL but adds back {}",
                            c.name,
                            names.join(", ")
                        ),
                    );
                }
                None => out.pass(object),
            }
        }
    }
}
