use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every workload outside the system namespaces keeps its pods out of the node's
    /// namespaces and filesystem. Host namespaces and volumes are pod-level settings, so the
    /// check gives one verdict per workload (its worst finding), naming the container that
    /// mounts an offending volume. Init containers and native sidecars count like app
    /// containers.
    ///
    /// - Fail: `hostNetwork`, `hostPID` or `hostIPC` is true; a `hostPath` volume is mounted
    ///   writable (a mount without `readOnly: true`); or a container runtime socket is mounted
    ///   at all (`/var/run/docker.sock`, `/run/containerd/containerd.sock`,
    ///   `/var/run/crio/crio.sock`, …, or a directory that contains one such as `/var/run` or
    ///   `/`) — a socket is usable even through a read-only mount.
    /// - Warn: `hostPath` volumes that are only mounted `readOnly`, or declared but mounted by
    ///   no container.
    /// - Pass: no host namespaces and no `hostPath` volumes.
    ///
    /// ## Why it matters
    /// Sharing the node's network, PID or IPC namespace lets a container sniff or impersonate
    /// node traffic, signal or inspect every process on the node, and read other pods' shared
    /// memory. A writable hostPath lets it rewrite node files (kubelet credentials, binaries,
    /// cron); a runtime socket lets it start a privileged container on the node. Each of these
    /// turns an application compromise into a node compromise.
    ///
    /// ## How to fix
    /// Drop the host namespaces and replace hostPath volumes with `emptyDir`, a
    /// PersistentVolumeClaim, a ConfigMap/Secret or a CSI volume. When a node agent really needs
    /// a host file, mount the narrowest path read-only:
    /// ```yaml
    /// spec:
    ///   hostNetwork: false
    ///   containers:
    ///     - name: agent
    ///       volumeMounts:
    ///         - {name: varlog, mountPath: /var/log, readOnly: true}
    ///   volumes:
    ///     - name: varlog
    ///       hostPath: {path: /var/log, type: Directory}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/pod-security.html>
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    "host-namespaces-and-paths",
    run
}

/// Container runtime sockets: whoever can connect to one controls the node.
const RUNTIME_SOCKETS: [&str; 8] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
];

/// The runtime socket a host path exposes: the socket itself or a directory above it.
fn exposed_socket(path: &str) -> Option<&'static str> {
    let path = path.trim();
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    RUNTIME_SOCKETS.into_iter().find(|sock| {
        *sock == path || path == "/" || sock.strip_prefix(path).is_some_and(|r| r.starts_with('/'))
    })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        let Some(spec) = w.pod_spec(object) else {
            continue;
        };
        let pod_path = w.pod_path;
        // (verdict, subject, message), the worst one is reported.
        let mut issues: Vec<(Verdict, Subject, String)> = Vec::new();
        for field in ["hostNetwork", "hostPID", "hostIPC"] {
            if let Some(node) = spec.get(field).filter(|n| n.as_bool() == Some(true)) {
                issues.push((
                    Verdict::Fail,
                    Subject::object(object).at(format!("{pod_path}.{field}"), Some(node)),
                    format!("the pod shares the node's namespace ({field}: true)"),
                ));
            }
        }
        let containers = w.containers(object);
        for (index, volume) in spec
            .get("volumes")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(host_path) = volume.get("hostPath").filter(|n| !n.is_null()) else {
                continue;
            };
            let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
            let path = host_path.get("path").and_then(Node::as_str).unwrap_or("");
            let volume_subject = || {
                Subject::object(object).at(
                    format!("{pod_path}.volumes[{index}].hostPath"),
                    Some(host_path),
                )
            };
            let mut mounted = false;
            for c in &containers {
                for (mi, mount) in c
                    .get("volumeMounts")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                {
                    if mount.get("name").and_then(Node::as_str) != Some(name) {
                        continue;
                    }
                    mounted = true;
                    let read_only = mount.get("readOnly").and_then(Node::as_bool) == Some(true);
                    let subject = Subject::container(object, c)
                        .field(&format!("volumeMounts[{mi}]"), Some(mount));
                    if let Some(sock) = exposed_socket(path) {
                        issues.push((
                            Verdict::Fail,
                            subject,
                            format!(
                                "container `{}` mounts the container runtime socket {sock} \
                                 (hostPath `{path}`)",
                                c.name
                            ),
                        ));
                    } else if !read_only {
                        issues.push((
                            Verdict::Fail,
                            subject,
                            format!(
                                "container `{}` mounts hostPath `{path}` writable (volume `{name}`)",
                                c.name
                            ),
                        ));
                    } else {
                        issues.push((
                            Verdict::Warn,
                            subject,
                            format!(
                                "container `{}` mounts hostPath `{path}` read-only (volume `{name}`)",
                                c.name
                            ),
                        ));
                    }
                }
            }
            if !mounted {
                issues.push((
                    Verdict::Warn,
                    volume_subject(),
                    format!("the pod declares hostPath volume `{name}` (`{path}`), mounted by no container"),
                ));
            }
        }
        let worst = issues.iter().map(|(v, _, _)| *v).max();
        let Some(worst) = worst else {
            out.pass(object);
            continue;
        };
        let mut chosen = issues.into_iter().filter(|(v, _, _)| *v == worst);
        let (_, subject, first) = chosen.next().expect("worst exists");
        let others: Vec<String> = chosen.map(|(_, _, m)| m).collect();
        let message = if others.is_empty() {
            first
        } else {
            format!("{first}; also: {}", others.join("; "))
        };
        match worst {
            Verdict::Fail => out.fail(subject, message),
            _ => out.warn(subject, message),
        }
    }
}
