use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the reviewed cluster is a management cluster that creates other clusters, and
    /// how those clusters are doing. Every cluster object of a cluster factory is reported:
    /// - Cluster API `Cluster` (`cluster.x-k8s.io`);
    /// - ACK `Cluster` (`eks.services.k8s.aws`);
    /// - Crossplane EKS `Cluster` (`eks.aws.upbound.io`, `eks.aws.m.upbound.io`,
    ///   `eks.aws.crossplane.io`).
    ///
    /// Each one passes (it is listed in the review), unless the factory records that it
    /// cannot reconcile it, which warns: a Cluster API cluster in phase `Failed`, with a
    /// `failureReason`/`failureMessage`, or provisioned but `Ready=False`; an ACK cluster with
    /// `ACK.Terminal=True` or status `FAILED`; a Crossplane cluster with `Synced=False`, or
    /// `Ready=False` for a reason other than creating or deleting. Objects without status
    /// (manifests) pass. Without such objects the check has nothing to report (the cluster is
    /// not a management cluster) and gives no verdict. This is an inventory check: the catalog
    /// defines no failure, and its warning is reported at the lowest severity.
    ///
    /// ## Why it matters
    /// A cluster factory is itself critical infrastructure: if the management cluster is lost
    /// or its definitions drift, the clusters it manages can neither be changed nor rebuilt.
    /// Knowing which tool manages which clusters, and whether it still reconciles them, is
    /// the starting point for its own backup, upgrade and recovery plans.
    ///
    /// ## How to fix
    /// Keep the factory's definitions in Git, reconciled by GitOps, and fix clusters it cannot
    /// reconcile:
    /// ```sh
    /// clusterctl describe cluster prod-eu -n clusters      # Cluster API
    /// kubectl describe clusters.eks.services.k8s.aws prod-eu -n clusters   # ACK
    /// kubectl get managed -l crossplane.io/claim-name=prod-eu              # Crossplane
    /// ```
    /// ```yaml
    /// apiVersion: cluster.x-k8s.io/v1beta1
    /// kind: Cluster
    /// metadata: {name: prod-eu, namespace: clusters}
    /// spec:
    ///   controlPlaneRef: {apiVersion: controlplane.cluster.x-k8s.io/v1beta2, kind: AWSManagedControlPlane, name: prod-eu-cp}
    ///   infrastructureRef: {apiVersion: infrastructure.cluster.x-k8s.io/v1beta2, kind: AWSManagedCluster, name: prod-eu}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_dev_integ_conf_mgmt_sys.html>
    /// - <https://cluster-api.sigs.k8s.io/>
    /// - <https://aws-controllers-k8s.github.io/community/docs/community/overview/>
    "cluster-factory-inventory",
    run,
    needs = [
        "cluster.x-k8s.io/clusters",
        "eks.services.k8s.aws/clusters",
        "eks.aws.upbound.io/clusters",
        "eks.aws.m.upbound.io/clusters",
        "eks.aws.crossplane.io/clusters"
    ]
}

#[derive(Clone, Copy)]
enum Factory {
    ClusterApi,
    Ack,
    Crossplane,
}

impl Factory {
    fn of(object: &Object) -> Option<Factory> {
        if object.kind() != "Cluster" {
            return None;
        }
        match object.api_group() {
            "cluster.x-k8s.io" => Some(Factory::ClusterApi),
            "eks.services.k8s.aws" => Some(Factory::Ack),
            "eks.aws.upbound.io" | "eks.aws.m.upbound.io" | "eks.aws.crossplane.io" => {
                Some(Factory::Crossplane)
            }
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Factory::ClusterApi => "Cluster API",
            Factory::Ack => "ACK",
            Factory::Crossplane => "Crossplane",
        }
    }
}

/// A status condition's (status, reason, message), by type.
fn condition<'a>(object: &'a Object, kind: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let text = |c: &'a Node, key: &str| c.get(key).and_then(Node::as_str).unwrap_or_default();
    object
        .root()
        .at(&["status", "conditions"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|c| c.get("type").and_then(Node::as_str) == Some(kind))
        .map(|c| (text(c, "status"), text(c, "reason"), text(c, "message")))
}

/// Why the factory cannot reconcile the cluster, if it says so.
fn trouble(factory: Factory, object: &Object) -> Option<String> {
    let status = |path: &[&str]| {
        object
            .root()
            .get("status")
            .and_then(|s| s.at(path))
            .and_then(Node::as_str)
    };
    match factory {
        Factory::ClusterApi => {
            if let Some(reason) = status(&["failureReason"]).or(status(&["failureMessage"])) {
                return Some(format!("failed: {reason}"));
            }
            let phase = status(&["phase"]);
            if phase == Some("Failed") {
                return Some("phase Failed".into());
            }
            match condition(object, "Ready") {
                Some(("False", reason, message)) if phase == Some("Provisioned") => {
                    Some(format!("provisioned but not Ready ({reason}: {message})"))
                }
                _ => None,
            }
        }
        Factory::Ack => {
            if let Some(("True", _, message)) = condition(object, "ACK.Terminal") {
                return Some(format!("terminal error: {message}"));
            }
            (status(&["status"]) == Some("FAILED")).then(|| "status FAILED".into())
        }
        Factory::Crossplane => {
            if let Some(("False", reason, message)) = condition(object, "Synced") {
                return Some(format!("not synced ({reason}: {message})"));
            }
            match condition(object, "Ready") {
                Some(("False", reason, message)) if !matches!(reason, "Creating" | "Deleting") => {
                    Some(format!("not ready ({reason}: {message})"))
                }
                _ => None,
            }
        }
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for object in cx.inv.of_kind("Cluster") {
        let Some(factory) = Factory::of(object) else {
            continue;
        };
        match trouble(factory, object) {
            None => out.pass(object),
            Some(problem) => out.warn(
                Subject::object(object).at("status", object.root().get("status")),
                format!(
                    "{} cluster `{}` is not reconciled by its factory: {problem}",
                    factory.name(),
                    object.display_name()
                ),
            ),
        }
    }
}
