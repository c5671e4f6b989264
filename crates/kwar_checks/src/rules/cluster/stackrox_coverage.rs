use crate::daemonset_coverage::{detected_daemonsets, report_each};
use crate::prelude::*;
use crate::worker_nodes;

declare_check! {
    /// ## What it checks
    /// In a cluster snapshot where StackRox / Red Hat Advanced Cluster Security is detected
    /// (namespace `stackrox`):
    /// - the `sensor` and `admission-control` Deployments: pass when every replica is ready
    ///   (`status.readyReplicas` equals `spec.replicas`, at least one); warn otherwise;
    /// - the `collector` DaemonSet: pass when ready on every EC2 node (EKS Auto Mode
    ///   included); warn naming the nodes it cannot run on (untolerated taints, nodeSelector
    ///   or affinity) and how many pods are not ready;
    /// - on a whole cluster, warn on the Cluster when the sensor, the collector or admission
    ///   control is not deployed, or when the `stackrox` ValidatingWebhookConfiguration is
    ///   not registered (deployments are then never checked at admission: audit only).
    ///
    /// Whether admission control *enforces* policies on create and update is set in Central
    /// per cluster and is not visible in the cluster's objects; only its registration is
    /// judged. A Central-only install (no secured-cluster services) is judged the same way:
    /// it protects no node of this cluster. Objects without status are `unknown`; manifests
    /// alone cannot show health or coverage: no verdict.
    ///
    /// ## Why it matters
    /// The sensor feeds Central with deployments and network flows, the collector sees the
    /// processes and connections of each node, and admission control stops policy-violating
    /// deployments. Each missing or unhealthy piece silently removes one of these controls
    /// while Central still shows the cluster as secured.
    ///
    /// ## How to fix
    /// Install the secured-cluster services with admission control listening and enforcing,
    /// and let the collector tolerate every taint:
    /// ```sh
    /// helm upgrade -n stackrox stackrox-secured-cluster-services rhacs/secured-cluster-services \
    ///   --reuse-values --set admissionControl.listenOnCreates=true \
    ///   --set admissionControl.listenOnUpdates=true \
    ///   --set admissionControl.dynamic.enforceOnCreates=true \
    ///   --set collector.tolerations[0].operator=Exists
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_optionally_use_a_3rd_party_solution_for_runtime_monitoring>
    /// - <https://docs.redhat.com/en/documentation/red_hat_advanced_cluster_security_for_kubernetes/4.6/html/operating/use-admission-controller-enforcement>
    "stackrox-coverage",
    run,
    needs = [
        "apps/deployments",
        "apps/daemonsets",
        "nodes",
        "admissionregistration.k8s.io/validatingwebhookconfigurations"
    ]
}

const NAMESPACE: &str = "stackrox";
const DEPLOYMENTS: [&str; 2] = ["sensor", "admission-control"];
const ROLE: &str = "the StackRox collector";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("stackrox") else {
        return;
    };
    if cx.cluster_object().is_none() {
        return;
    }
    let mut missing: Vec<&str> = Vec::new();
    for name in DEPLOYMENTS {
        match cx
            .inv
            .find("Deployment", Some(NAMESPACE), name)
            .filter(|d| d.api_group() == "apps")
        {
            Some(deployment) => judge_deployment(deployment, out),
            None => missing.push(name),
        }
    }
    let collectors = detected_daemonsets(cx.inv, detection);
    report_each(cx.inv, out, &collectors, ROLE);
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let mut gaps: Vec<String> = Vec::new();
    if !missing.is_empty() {
        gaps.push(format!(
            "the {} Deployment(s) are not deployed in `{NAMESPACE}`",
            missing.join(" and ")
        ));
    }
    if collectors.is_empty() && worker_nodes::ec2_nodes(cx.inv).next().is_some() {
        gaps.push("no collector DaemonSet runs, so no node's runtime activity is seen".into());
    }
    if !missing.contains(&"admission-control") && !webhook_registered(cx) {
        gaps.push(
            "admission control is deployed but the `stackrox` ValidatingWebhookConfiguration is \
             not registered, so deployments are not checked at admission (audit only)"
                .into(),
        );
    }
    if gaps.is_empty() {
        out.pass(cluster);
    } else {
        out.warn(
            Subject::object(cluster),
            format!(
                "StackRox covers this cluster partially: {}",
                gaps.join("; ")
            ),
        );
    }
}

fn judge_deployment(deployment: &Object, out: &mut Outcomes) {
    let name = format!("{NAMESPACE}/{}", deployment.name());
    let Some(status) = deployment.root().get("status").filter(|s| s.is_map()) else {
        out.unknown(
            Subject::object(deployment).at("status", None),
            format!("cannot judge Deployment `{name}`: its status was not collected"),
        );
        return;
    };
    let wanted = deployment
        .root()
        .at(&["spec", "replicas"])
        .and_then(Node::as_i64)
        .unwrap_or(1);
    // The API server omits readyReplicas when it is 0.
    let ready = status
        .get("readyReplicas")
        .and_then(Node::as_i64)
        .unwrap_or(0);
    if wanted >= 1 && ready >= wanted {
        out.pass(deployment);
    } else {
        out.warn(
            Subject::object(deployment).at("status.readyReplicas", status.get("readyReplicas")),
            format!(
                "StackRox Deployment `{name}` has {ready} of {wanted} replica(s) ready: its \
                 part of the protection is down"
            ),
        );
    }
}

fn webhook_registered(cx: &Context<'_>) -> bool {
    cx.inv
        .of_kind("ValidatingWebhookConfiguration")
        .any(|w| w.api_group() == "admissionregistration.k8s.io" && w.name().contains("stackrox"))
}
