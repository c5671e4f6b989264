use crate::daemonset_coverage::{detected_daemonsets, report_each};
use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// In a cluster snapshot where Sysdig Secure or Falco is detected (`sysdig-agent`,
    /// `sysdig-host-shield`, `sysdig-shield` or `falco` DaemonSets, the
    /// `sysdig-admission-controller` Deployment):
    /// - each agent or Falco DaemonSet: pass when `numberReady` equals
    ///   `desiredNumberScheduled` and it is scheduled on every EC2 node (EKS Auto Mode
    ///   included); warn otherwise, naming the nodes it cannot run on and why (a taint it
    ///   does not tolerate, a nodeSelector or node affinity the node does not match) and how
    ///   many pods are not ready;
    /// - on a whole cluster with EC2 nodes, Sysdig found without any agent DaemonSet (only
    ///   the admission controller, say): warn on the Cluster.
    ///
    /// Whether the admission controller is needed depends on whether Sysdig's image
    /// policies are meant to gate deployments, which the cluster does not say: it is not
    /// judged here (`admission-gate` judges admission control of images). DaemonSets without
    /// status are `unknown`; manifests alone cannot show coverage: no verdict.
    ///
    /// ## Why it matters
    /// Falco rules and Sysdig runtime policies only see the system calls of nodes where the
    /// agent runs. Dedicated, GPU or system node pools whose taints the agent does not
    /// tolerate are exactly where an intrusion would go unnoticed.
    ///
    /// ## How to fix
    /// Let the agent tolerate every taint and route its alerts to the security team:
    /// ```sh
    /// helm upgrade sysdig-agent sysdig/shield -n sysdig-agent --reuse-values \
    ///   --set host.tolerations[0].operator=Exists
    /// kubectl -n sysdig-agent get ds   # DESIRED == READY == EC2 node count
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_optionally_use_a_3rd_party_solution_for_runtime_monitoring>
    /// - <https://falco.org/docs/setup/kubernetes/>
    "sysdig-coverage",
    run,
    needs = ["apps/daemonsets", "nodes"]
}

const ROLE: &str = "the Sysdig/Falco runtime agent";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("sysdig") else {
        return;
    };
    if cx.cluster_object().is_none() {
        return;
    }
    let agents = detected_daemonsets(cx.inv, detection);
    report_each(cx.inv, out, &agents, ROLE);
    if !agents.is_empty() {
        return;
    }
    if let Some(cluster) = cx.whole_cluster() {
        if worker_nodes::ec2_nodes(cx.inv).next().is_some() {
            out.warn(
                Subject::object(cluster),
                "Sysdig is installed but no agent or Falco DaemonSet runs: no node's runtime \
                 activity is watched; deploy the agent DaemonSet",
            );
        }
    }
}
