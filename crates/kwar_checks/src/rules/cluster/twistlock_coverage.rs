use crate::daemonset_coverage::{detected_daemonsets, report_each};
use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// When Prisma Cloud Compute (formerly Twistlock) is detected (the `twistlock-defender-ds`
    /// DaemonSet, the `twistlock-console` Deployment or `registry.twistlock.com` images), in a
    /// cluster snapshot:
    /// - each defender DaemonSet: pass when `numberReady` equals `desiredNumberScheduled` and
    ///   it is scheduled on every EC2 node (EKS Auto Mode included); warn otherwise, naming
    ///   the nodes it cannot run on and why (a taint it does not tolerate, a nodeSelector or
    ///   node affinity the node does not match) and how many pods are not ready;
    /// - on a whole cluster with EC2 nodes, Prisma Cloud found but no defender DaemonSet:
    ///   warn on the Cluster (no node is protected);
    /// - Fargate pods outside system namespaces without an App-Embedded defender (a
    ///   container or command from `twistlock`, or a container named like `*defender*`):
    ///   warn on the Cluster — a DaemonSet never runs on Fargate.
    ///
    /// A DaemonSet without status in a cluster input is `unknown`. Manifests alone cannot
    /// show coverage: no verdict.
    ///
    /// ## Why it matters
    /// Runtime protection only sees what runs next to a defender. A node whose taint the
    /// defender does not tolerate (GPU pools, dedicated pools, system pools) runs workloads
    /// without runtime detection or vulnerability data, and that gap does not show in the
    /// console unless someone counts nodes.
    ///
    /// ## How to fix
    /// Let the defender tolerate every taint, and embed the defender in Fargate workloads:
    /// ```yaml
    /// # twistlock-defender-ds, spec.template.spec
    /// tolerations:
    ///   - operator: Exists
    /// ```
    /// ```sh
    /// kubectl -n twistlock get ds twistlock-defender-ds   # DESIRED == READY == EC2 node count
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_optionally_use_a_3rd_party_solution_for_runtime_monitoring>
    /// - <https://docs.prismacloud.io/en/compute-edition/32/admin-guide/install/deploy-defender/app-embedded/app-embedded>
    "twistlock-coverage",
    run,
    needs = ["apps/daemonsets", "nodes", "pods"]
}

const ROLE: &str = "the Prisma Cloud defender";
/// How many Fargate pods a message names.
const LISTED: usize = 3;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("twistlock") else {
        return;
    };
    if cx.cluster_object().is_none() {
        return;
    }
    let daemonsets = detected_daemonsets(cx.inv, detection);
    report_each(cx.inv, out, &daemonsets, ROLE);
    if daemonsets.is_empty() {
        if let Some(cluster) = cx.whole_cluster() {
            if worker_nodes::ec2_nodes(cx.inv).next().is_some() {
                out.warn(
                    Subject::object(cluster),
                    "Prisma Cloud Compute is installed but no defender DaemonSet runs: no EC2 \
                     node is protected; deploy `twistlock-defender-ds`",
                );
            }
        }
    }
    judge_fargate(cx, out);
}

/// Fargate pods run no DaemonSet: each needs its App-Embedded defender.
fn judge_fargate(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.cluster_object() else {
        return;
    };
    let unprotected: Vec<&Object> = running_pods::pods(cx.inv)
        .filter(|pod| !cx.in_system_namespace(pod))
        .filter(|pod| {
            // A finished pod no longer runs anything to protect.
            !matches!(
                pod.root().at(&["status", "phase"]).and_then(Node::as_str),
                Some("Succeeded" | "Failed")
            )
        })
        .filter(|pod| {
            running_pods::node_name(pod)
                .and_then(|n| running_pods::node(cx.inv, n))
                .is_some_and(|n| worker_nodes::compute(n) == Compute::Fargate)
        })
        .filter(|pod| !has_embedded_defender(cx, pod))
        .collect();
    if unprotected.is_empty() {
        return;
    }
    out.warn(
        Subject::object(cluster),
        format!(
            "{} Fargate pod(s) run without an App-Embedded Prisma Cloud defender ({}): the \
             defender DaemonSet cannot run on Fargate",
            unprotected.len(),
            worker_nodes::name_list(unprotected.iter().map(|p| p.name()), LISTED)
        ),
    );
}

fn has_embedded_defender(cx: &Context<'_>, pod: &Object) -> bool {
    let Some(workload) = cx.inv.workload_of(pod.id) else {
        return false;
    };
    workload.containers(pod).iter().any(|c| {
        let command_mentions = ["command", "args"].iter().any(|field| {
            c.get(field)
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .any(|a| a.contains("twistlock"))
        });
        c.name.to_ascii_lowercase().contains("defender")
            || c.image().is_some_and(|i| i.contains("twistlock"))
            || command_mentions
    })
}
