use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The health Portworx reports, from two sources:
    /// - every `StorageCluster` (`core.libopenstorage.org`, installed by the Portworx
    ///   Operator), by `status.phase`: `Online` (or `Running`, older operators) passes;
    ///   `Degraded`, `Offline`, `NotInQuorum` and `Failed` fail; a phase that is still moving
    ///   (`Initializing`, an upgrade or uninstall in progress) or missing (a manifest) is
    ///   `unknown`;
    /// - every DaemonSet named `portworx` in the `portworx` or `kube-system` namespace (installs
    ///   without the Operator): it passes when `status.numberReady` equals
    ///   `status.desiredNumberScheduled`, and fails when fewer are ready; without status it is
    ///   `unknown`.
    ///
    /// With the Operator, Portworx pods are created by the Operator, not by a DaemonSet: the
    /// StorageCluster phase is then the whole evidence.
    ///
    /// ## Why it matters
    /// A degraded Portworx cluster has lost nodes or quorum: replicas are missing, volumes may
    /// be read-only or unavailable, and one more failure can lose data. Pods on a node whose
    /// Portworx pod is not ready cannot mount their volumes.
    ///
    /// ## How to fix
    /// Find the failing nodes and bring them back, or decommission them so that Portworx
    /// re-replicates:
    /// ```sh
    /// kubectl -n portworx get storagecluster,storagenodes
    /// kubectl -n portworx get pods -l name=portworx -o wide
    /// kubectl -n portworx exec <portworx-pod> -c portworx -- /opt/pwx/bin/pxctl status
    /// ```
    /// Alert on Portworx's cluster and node status metrics so that the next degradation is
    /// seen when it happens.
    ///
    /// ## References
    /// - <https://docs.portworx.com/reference/cli/status>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "portworx-healthy",
    run,
    needs = ["core.libopenstorage.org/storageclusters", "apps/daemonsets"]
}

const HEALTHY: [&str; 2] = ["Online", "Running"];
const DEGRADED: [&str; 4] = ["Degraded", "Offline", "NotInQuorum", "Failed"];

fn storage_clusters(cx: &Context<'_>, out: &mut Outcomes) {
    for cluster in cx
        .inv
        .of_kind("StorageCluster")
        .filter(|o| o.api_group() == "core.libopenstorage.org")
    {
        let phase_node = cluster.root().at(&["status", "phase"]);
        let subject = || Subject::object(cluster).at("status.phase", phase_node);
        let name = cluster.display_name();
        match phase_node.and_then(Node::as_str) {
            Some(phase) if HEALTHY.contains(&phase) => out.pass(cluster),
            Some(phase) if DEGRADED.contains(&phase) => out.fail(
                subject(),
                format!(
                    "Portworx {name} is `{phase}`: volumes may be unavailable and redundancy is \
                     reduced; expected Online"
                ),
            ),
            Some(phase) => out.unknown(
                subject(),
                format!("Portworx {name} is `{phase}`: its health cannot be judged yet"),
            ),
            None => out.unknown(
                subject(),
                format!("Portworx {name} has no status.phase: its status was not collected"),
            ),
        }
    }
}

fn daemon_sets(cx: &Context<'_>, out: &mut Outcomes) {
    for ds in cx.inv.of_kind("DaemonSet").filter(|o| {
        o.api_group() == "apps"
            && o.name() == "portworx"
            && matches!(o.namespace(), Some("portworx" | "kube-system"))
    }) {
        let status = ds.root().get("status");
        let count = |field: &str| status.and_then(|s| s.get(field)).and_then(Node::as_i64);
        let name = ds.display_name();
        match (count("desiredNumberScheduled"), count("numberReady")) {
            (Some(desired), ready) if ready.unwrap_or(0) >= desired => out.pass(ds),
            (Some(desired), ready) => out.fail(
                Subject::object(ds).at(
                    "status.numberReady",
                    status.and_then(|s| s.get("numberReady")),
                ),
                format!(
                    "{name} has {} of {desired} Portworx pods ready: the other nodes cannot \
                     serve or mount Portworx volumes; expected all ready",
                    ready.unwrap_or(0)
                ),
            ),
            (None, _) => out.unknown(
                Subject::object(ds).at("status", status),
                format!("{name} has no status: its readiness was not collected"),
            ),
        }
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    storage_clusters(cx, out);
    daemon_sets(cx, out);
}
