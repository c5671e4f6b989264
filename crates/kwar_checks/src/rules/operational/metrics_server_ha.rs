use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// Every Deployment named `metrics-server` (the EKS add-on and the Helm chart both use
    /// that name; usually in `kube-system`):
    /// - fewer than 2 replicas (`spec.replicas`, or an HPA's `minReplicas`): warn;
    /// - in a cluster snapshot, fewer than 2 ready replicas: warn;
    /// - on a whole cluster, no PodDisruptionBudget selecting its pods: warn;
    /// - the metrics-server container requests no CPU or no memory: warn; with the nodes of
    ///   a cluster snapshot, requests below metrics-server's sizing guidance of 1 millicore
    ///   of CPU and 2 MiB of memory per node: warn;
    /// - otherwise pass.
    ///
    /// A PodDisruptionBudget may live in another file of a manifest set, so its absence
    /// counts only on a whole cluster. Without a metrics-server Deployment there is no
    /// verdict here (`metrics-api-available` reports a missing metrics API).
    ///
    /// ## Why it matters
    /// With one replica, every node drain, upgrade or OOM kill of metrics-server leaves HPAs
    /// without CPU and memory metrics — they stop scaling until it is back. Its memory grows
    /// with the number of nodes and pods it scrapes: sized for a small cluster, it is
    /// OOM-killed or throttled as the cluster grows, and the metrics go stale.
    ///
    /// ## How to fix
    /// Run two replicas with a PDB, and size the requests to the cluster (or scale them with
    /// the addon-resizer):
    /// ```sh
    /// aws eks update-addon --cluster-name prod --addon-name metrics-server \
    ///   --configuration-values '{"replicas":2,"podDisruptionBudget":{"enabled":true,"maxUnavailable":1},
    ///     "resources":{"requests":{"cpu":"200m","memory":"400Mi"}}}'
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/scale-cluster-services.html#_scale_kubernetes_metrics_server_vertically>
    /// - <https://github.com/kubernetes-sigs/metrics-server#scaling>
    "metrics-server-ha",
    run,
    needs = [
        "apps/deployments",
        "policy/poddisruptionbudgets",
        "nodes",
        "autoscaling/horizontalpodautoscalers"
    ]
}

const NAME: &str = "metrics-server";
/// metrics-server's sizing guidance per node: 1 millicore and 2 MiB.
const CPU_PER_NODE: f64 = 0.001;
const MEMORY_PER_NODE: f64 = 2.0 * 1024.0 * 1024.0;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let nodes = worker_nodes::nodes(cx.inv).count();
    for deployment in cx
        .inv
        .of_kind("Deployment")
        .filter(|d| d.name() == NAME && d.api_group().starts_with("apps"))
    {
        let Some(workload) = cx.inv.workload_of(deployment.id) else {
            continue;
        };
        let name = format!("{}/{}", deployment.namespace_key(), deployment.name());
        let mut healthy = true;
        let replicas = cx.inv.effective_min_replicas(workload).unwrap_or(1);
        if replicas < 2 {
            healthy = false;
            out.warn(
                Subject::object(deployment)
                    .at("spec.replicas", deployment.root().at(&["spec", "replicas"])),
                format!(
                    "Deployment `{name}` runs a single metrics-server replica: HPAs lose their \
                     CPU/memory metrics whenever it restarts or its node drains; run 2"
                ),
            );
        } else if let Some(status) = deployment.root().get("status").filter(|s| s.is_map()) {
            let ready = status
                .get("readyReplicas")
                .and_then(Node::as_i64)
                .unwrap_or(0);
            if ready < 2 {
                healthy = false;
                out.warn(
                    Subject::object(deployment)
                        .at("status.readyReplicas", status.get("readyReplicas")),
                    format!(
                        "Deployment `{name}` has {ready} ready metrics-server replica(s) of \
                         {replicas}: the metrics API has no redundancy"
                    ),
                );
            }
        }
        if cx.whole_cluster().is_some() && cx.inv.pdbs_of(workload).next().is_none() {
            healthy = false;
            out.warn(
                Subject::object(deployment),
                format!(
                    "no PodDisruptionBudget selects the pods of Deployment `{name}`: a drain can \
                     stop every replica at once; add one with maxUnavailable: 1"
                ),
            );
        }
        let containers = workload.app_containers(deployment);
        let container = containers.iter().find(|c| c.name == NAME).or_else(|| {
            containers
                .iter()
                .find(|c| c.image().is_some_and(|i| i.contains(NAME)))
        });
        if let Some(container) = container {
            if let Some(message) = sizing(container, nodes) {
                healthy = false;
                let requests = container.get("resources").and_then(|r| r.get("requests"));
                out.warn(
                    Subject::container(deployment, container).field("resources.requests", requests),
                    format!(
                        "container `{}` of Deployment `{name}` {message}",
                        container.name
                    ),
                );
            }
        }
        if healthy {
            out.pass(deployment);
        }
    }
}

/// What is wrong with the container's requests for a cluster of `nodes` nodes, if anything.
fn sizing(container: &Container<'_>, nodes: usize) -> Option<String> {
    let request = |resource: &str| {
        container
            .get("resources")
            .and_then(|r| r.at(&["requests", resource]))
            .and_then(crate::quantity::quantity)
    };
    let (Some(cpu), Some(memory)) = (request("cpu"), request("memory")) else {
        return Some(
            "requests no CPU or no memory: it is throttled or evicted first under node \
             pressure; set requests sized to the cluster"
                .to_string(),
        );
    };
    let needed_cpu = nodes as f64 * CPU_PER_NODE;
    let needed_memory = nodes as f64 * MEMORY_PER_NODE;
    (cpu < needed_cpu || memory < needed_memory).then(|| {
        format!(
            "requests {}m CPU and {}Mi memory, below the {}m and {}Mi metrics-server needs for \
             {nodes} nodes (1m and 2Mi per node)",
            (cpu * 1000.0).round(),
            (memory / 1024.0 / 1024.0).round(),
            (needed_cpu * 1000.0).round(),
            (needed_memory / 1024.0 / 1024.0).round()
        )
    })
}
