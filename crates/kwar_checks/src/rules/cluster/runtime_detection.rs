use crate::daemonset_coverage::{detected_daemonsets, joint_reach, Coverage, Reach};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether runtime threat detection watches the nodes: the node agents of GuardDuty EKS
    /// Runtime Monitoring (`aws-guardduty-agent`), Sysdig or Falco, the Aqua enforcer, the
    /// Prisma Cloud (Twistlock) defender or the StackRox collector — each a DaemonSet.
    /// - in a cluster snapshot, pass on the Cluster when one agent is ready on every EC2
    ///   node (EKS Auto Mode included), or when the agents together leave no EC2 node out
    ///   and all their pods are ready; warn on the Cluster otherwise, naming the nodes none
    ///   of them can run on and why;
    /// - on a whole cluster without any runtime agent: warn on the Cluster, saying whether
    ///   in-cluster scanning (Trivy operator) at least exists — static scanning alone finds
    ///   known vulnerabilities, not an attack in progress;
    /// - in manifests, an agent DaemonSet passes (presence); its absence says nothing.
    ///
    /// A vendor console or admission controller without its node agent is not runtime
    /// detection. GuardDuty Runtime Monitoring enabled with automated agent management shows
    /// as its DaemonSet; enabled without any agent it detects nothing on the nodes. An agent
    /// DaemonSet without status in a cluster input makes the verdict `unknown`. Fargate
    /// nodes run no DaemonSet and are not counted.
    ///
    /// ## Why it matters
    /// Image scanning tells which known vulnerabilities an image carries; it does not see a
    /// reverse shell, a crypto-miner or a container escape happening now. Runtime detection
    /// watches process, file and network activity on the nodes, and is what raises the alarm
    /// during an incident — but only on the nodes where its agent runs.
    ///
    /// ## How to fix
    /// Enable GuardDuty Runtime Monitoring for EKS with automated agent management (or run
    /// Falco or a vendor agent on every node):
    /// ```sh
    /// aws guardduty update-detector --detector-id DETECTOR \
    ///   --features '[{"Name":"RUNTIME_MONITORING","Status":"ENABLED",
    ///     "AdditionalConfiguration":[{"Name":"EKS_ADDON_MANAGEMENT","Status":"ENABLED"}]}]'
    /// kubectl -n amazon-guardduty get ds aws-guardduty-agent
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html>
    /// - <https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html#_scan_images_for_vulnerabilities_regularly>
    "runtime-detection",
    run,
    needs = ["apps/daemonsets", "nodes"]
}

const RUNTIME: [&str; 5] = [
    "guardduty-runtime",
    "sysdig",
    "aqua",
    "twistlock",
    "stackrox",
];
const STATIC: [&str; 1] = ["trivy-operator"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut agents: Vec<&Object> = Vec::new();
    for detection in RUNTIME.iter().filter_map(|id| cx.detections.get(id)) {
        for ds in detected_daemonsets(cx.inv, detection) {
            if !agents.iter().any(|a| a.id == ds.id) {
                agents.push(ds);
            }
        }
    }
    let Some(cluster) = cx.cluster_object() else {
        if let Some(first) = agents.first() {
            out.pass(first);
        }
        return;
    };
    if agents.is_empty() {
        if let Some(cluster) = cx.whole_cluster() {
            let message = if cx.detections.first_of(&STATIC).is_some() {
                "no runtime threat detection runs on the nodes (GuardDuty Runtime Monitoring, \
                 Falco/Sysdig, Aqua, Prisma Cloud, StackRox): only static image scanning \
                 (Trivy operator) is in place"
            } else {
                "no runtime threat detection runs on the nodes (GuardDuty Runtime Monitoring, \
                 Falco/Sysdig, Aqua, Prisma Cloud, StackRox): an attack in progress goes \
                 unnoticed"
            };
            out.warn(Subject::object(cluster), message);
        }
        return;
    }
    let names = agents
        .iter()
        .map(|s| format!("`{}/{}`", s.namespace_key(), s.name()))
        .collect::<Vec<_>>()
        .join(", ");
    let coverages: Option<Vec<Coverage>> =
        agents.iter().map(|ds| Coverage::of(cx.inv, ds)).collect();
    let Some(coverages) = coverages else {
        out.unknown(
            Subject::object(cluster),
            format!(
                "cannot judge runtime detection coverage: the status of {names} was not collected"
            ),
        );
        return;
    };
    match joint_reach(&coverages) {
        Reach::Full => out.pass(cluster),
        Reach::Partial(gap) => out.warn(
            Subject::object(cluster),
            format!("runtime detection agents ({names}) do not cover every EC2 node: {gap}"),
        ),
        Reach::Unknown(why) => out.unknown(
            Subject::object(cluster),
            format!("cannot judge runtime detection coverage of {names}: {why}"),
        ),
    }
}
