use std::collections::HashSet;

use kwar_inventory::ObjectId;

use crate::daemonset_coverage::{detected_daemonsets, report_each};
use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// In a cluster snapshot, when Aqua Security or the open-source Trivy operator is
    /// detected:
    /// - **Aqua enforcers** (`aqua-enforcer`/`aqua-agent` DaemonSets): each passes when
    ///   ready on every EC2 node (EKS Auto Mode included) and warns otherwise, naming the
    ///   nodes it cannot run on and why (untolerated taints, nodeSelector or affinity) and
    ///   how many pods are not ready. On a whole cluster, Aqua found without any enforcer
    ///   DaemonSet, or without the KubeEnforcer admission webhook (a Validating- or
    ///   MutatingWebhookConfiguration named like `kube-enforcer` or `aqua`), warns on the
    ///   Cluster; both present passes it.
    /// - **Trivy operator**: its VulnerabilityReports (`aquasecurity.github.io`) are
    ///   matched to the running workloads outside system namespaces (Deployments through the
    ///   ReplicaSets the reports name, StatefulSets, DaemonSets, Rollouts, unowned Pods).
    ///   Warn on the Cluster when some workloads have no report, when no report exists at
    ///   all on a whole cluster, or when reports are more than 7 days older than the
    ///   snapshot (`report.updateTimestamp`); pass otherwise.
    ///
    /// DaemonSets without status are `unknown`; manifests alone cannot show coverage: no
    /// verdict. Which Aqua policies are enforced is configured in the Aqua console and not
    /// visible in the cluster.
    ///
    /// ## Why it matters
    /// A scanner or enforcer protects only what it sees: a node pool whose taint the
    /// enforcer does not tolerate runs unprotected, and workloads without a current
    /// vulnerability report are blind spots when the next critical CVE lands. Without the
    /// KubeEnforcer, findings are reported but nothing stops a vulnerable image from being
    /// deployed.
    ///
    /// ## How to fix
    /// Let the enforcer tolerate every taint, register the KubeEnforcer, and keep the Trivy
    /// operator scanning (its reports are refreshed when they expire, 24 h by default):
    /// ```yaml
    /// # aqua-enforcer DaemonSet, spec.template.spec
    /// tolerations:
    ///   - operator: Exists
    /// ```
    /// ```sh
    /// kubectl get vulnerabilityreports -A -o wide
    /// helm upgrade trivy-operator aqua/trivy-operator -n trivy-system \
    ///   --set operator.scannerReportTTL=24h
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_optionally_use_a_3rd_party_solution_for_runtime_monitoring>
    /// - <https://aquasecurity.github.io/trivy-operator/latest/docs/crds/vulnerability-report/>
    "aqua-coverage",
    run,
    needs = [
        "apps/daemonsets",
        "apps/replicasets",
        "nodes",
        "admissionregistration.k8s.io/validatingwebhookconfigurations",
        "aquasecurity.github.io/vulnerabilityreports"
    ]
}

const ROLE: &str = "the Aqua enforcer";
/// Reports older than this (relative to the snapshot) are stale.
const STALE_AFTER: i64 = 7 * 86_400;
/// How many names a message lists.
const LISTED: usize = 5;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.cluster_object() else {
        return;
    };
    if let Some(aqua) = cx.detections.get("aqua") {
        let enforcers = detected_daemonsets(cx.inv, aqua);
        report_each(cx.inv, out, &enforcers, ROLE);
        if cx.whole_cluster().is_some() {
            judge_aqua_cluster(cx, cluster, enforcers.is_empty(), out);
        }
    }
    if cx.detections.is_present("trivy-operator") {
        judge_reports(cx, cluster, out);
    }
}

/// On a whole cluster: an enforcer DaemonSet and the KubeEnforcer webhook must both exist.
fn judge_aqua_cluster(cx: &Context<'_>, cluster: &Object, no_enforcer: bool, out: &mut Outcomes) {
    let mut gaps = Vec::new();
    if no_enforcer && worker_nodes::ec2_nodes(cx.inv).next().is_some() {
        gaps.push("no Aqua enforcer DaemonSet runs, so no node has runtime protection");
    }
    let webhook = cx.webhook_configurations().any(|w| {
        let name = w.name().to_ascii_lowercase();
        name.contains("kube-enforcer") || name.contains("aqua")
    });
    if !webhook {
        gaps.push(
            "the KubeEnforcer admission webhook is not registered, so images that fail Aqua's \
             assurance policies are still admitted",
        );
    }
    if gaps.is_empty() {
        out.pass(cluster);
    } else {
        out.warn(
            Subject::object(cluster),
            format!("Aqua Security is installed but {}", gaps.join("; and ")),
        );
    }
}

/// Trivy operator: every running workload has a VulnerabilityReport, none of them stale.
fn judge_reports(cx: &Context<'_>, cluster: &Object, out: &mut Outcomes) {
    let reports: Vec<&Object> = cx
        .inv
        .of_kind("VulnerabilityReport")
        .filter(|r| r.api_group() == "aquasecurity.github.io")
        .collect();
    if reports.is_empty() {
        if cx.whole_cluster().is_some() {
            out.warn(
                Subject::object(cluster),
                "the Trivy operator is installed but the cluster holds no VulnerabilityReport: \
                 no workload image has been scanned (check the operator's logs and scan jobs)",
            );
        }
        return;
    }
    let mut covered: HashSet<ObjectId> = HashSet::new();
    for report in &reports {
        if let Some(target) = report_target(cx, report) {
            covered.insert(target);
        }
    }
    let unscanned: Vec<&Object> = cx
        .app_workloads()
        .filter(|(w, _)| w.kind.is_long_running() || w.kind == WorkloadKind::Pod)
        .map(|(_, o)| o)
        .filter(|o| !covered.contains(&o.id))
        .collect();
    let stale: Vec<&Object> = match running_pods::collected_at(cx.inv) {
        Some(now) => reports
            .iter()
            .copied()
            .filter(|r| {
                r.root()
                    .at(&["report", "updateTimestamp"])
                    .and_then(Node::as_str)
                    .and_then(running_pods::epoch_seconds)
                    .is_some_and(|at| now - at > STALE_AFTER)
            })
            .collect(),
        None => Vec::new(),
    };
    let mut gaps = Vec::new();
    if !unscanned.is_empty() {
        gaps.push(format!(
            "{} running workload(s) have no VulnerabilityReport ({})",
            unscanned.len(),
            names(&unscanned)
        ));
    }
    if !stale.is_empty() {
        gaps.push(format!(
            "{} VulnerabilityReport(s) are more than 7 days old ({})",
            stale.len(),
            names(&stale)
        ));
    }
    if gaps.is_empty() {
        out.pass(cluster);
    } else {
        out.warn(
            Subject::object(cluster),
            format!("Trivy operator coverage is partial: {}", gaps.join("; ")),
        );
    }
}

/// The workload a report is about, as the reviewed unit: the Deployment of the ReplicaSet
/// the report names. When the ReplicaSet was not collected, the Deployment is found by the
/// name the ReplicaSet derives from it (`web-5d8f7c9b6` → `web`).
fn report_target(cx: &Context<'_>, report: &Object) -> Option<ObjectId> {
    let kind = report.label("trivy-operator.resource.kind")?;
    let name = report.label("trivy-operator.resource.name")?;
    let namespace = report
        .label("trivy-operator.resource.namespace")
        .or(report.namespace());
    if let Some(target) = cx.inv.find(kind, namespace, name) {
        return Some(running_pods::controller_of(cx.inv, target).id);
    }
    let (deployment, _hash) = name.rsplit_once('-')?;
    (kind == "ReplicaSet")
        .then(|| cx.inv.find("Deployment", namespace, deployment))
        .flatten()
        .map(|d| d.id)
}

fn names(objects: &[&Object]) -> String {
    let listed: Vec<String> = objects.iter().map(|o| o.display_name()).collect();
    worker_nodes::name_list(listed.iter().map(String::as_str), LISTED)
}
