use crate::node_selection::NodeConstraints;
use crate::prelude::*;
use crate::running_pods;
use crate::worker_nodes::{self, Compute};

declare_check! {
    /// ## What it checks
    /// Every Karpenter controller the `karpenter` detector finds (the `karpenter` Deployment
    /// in `karpenter` or `kube-system`): where its pods run.
    /// - In a cluster snapshot, its scheduled pods and their nodes: a pod on a node Karpenter
    ///   launched (`karpenter.sh/nodepool`, or the pre-v1 `karpenter.sh/provisioner-name`)
    ///   fails; pods on Fargate, managed node groups or any other node Karpenter does not
    ///   manage are placed well.
    /// - Without scheduled pods (manifests), its pod template: a nodeSelector or required
    ///   node affinity that only matches nodes Karpenter does not launch
    ///   (`karpenter.sh/nodepool DoesNotExist`, as the Helm chart sets by default, or an
    ///   `eks.amazonaws.com/nodegroup` / Fargate selector) is placed well; a template that
    ///   does not say is `unknown` (a Fargate profile may still place it).
    /// - Placed well with `spec.replicas` of 2 or more: pass. Placed well with a single
    ///   replica: warn — the catalog's pass asks for 2 replicas, and with one, no node is
    ///   launched while it restarts.
    ///
    /// ## Why it matters
    /// A controller running on a node it manages can consolidate, drift or expire that node
    /// away from under itself; if its pods are then Pending, nothing is left to launch the
    /// node they need, and the cluster stops scaling until someone intervenes.
    ///
    /// ## How to fix
    /// Run Karpenter on a small managed node group (or Fargate), with two replicas:
    /// ```yaml
    /// # Helm values
    /// replicas: 2
    /// affinity:
    ///   nodeAffinity:
    ///     requiredDuringSchedulingIgnoredDuringExecution:
    ///       nodeSelectorTerms:
    ///         - matchExpressions:
    ///             - {key: karpenter.sh/nodepool, operator: DoesNotExist}
    ///             - {key: eks.amazonaws.com/nodegroup, operator: In, values: [system]}
    /// ```
    /// or create a Fargate profile for the `karpenter` namespace.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html>
    /// - <https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/>
    "karpenter-controller-placement",
    run,
    needs = ["nodes", "pods", "apps/deployments"]
}

/// Where a controller's pods run.
enum Placement {
    /// On nodes Karpenter launched (their names).
    OnOwnNodes(Vec<String>),
    /// Away from them (how we know).
    Elsewhere(String),
    Unknown(String),
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("karpenter") else {
        return;
    };
    for id in detection.workloads() {
        let object = cx.inv.object(id);
        let Some(workload) = cx.inv.workload_of(object.id) else {
            continue;
        };
        let label = format!(
            "{} `{}/{}`",
            object.kind(),
            object.namespace_key(),
            object.name()
        );
        match placement(cx, workload, object) {
            Placement::OnOwnNodes(nodes) => out.fail(
                Subject::object(object),
                format!(
                    "Karpenter controller {label} runs on nodes it launched ({}): it can \
                     disrupt the node it runs on; expected Fargate or a managed node group",
                    worker_nodes::name_list(nodes.iter().map(String::as_str), 3)
                ),
            ),
            Placement::Unknown(why) => out.unknown(
                Subject::object(object).at(workload.pod_path, workload.pod_spec(object)),
                format!("Karpenter controller {label}: {why}"),
            ),
            Placement::Elsewhere(how) => {
                let replicas = workload.replicas(object).unwrap_or(1);
                if replicas >= 2 {
                    out.pass(object);
                } else {
                    out.warn(
                        Subject::object(object)
                            .at("spec.replicas", object.root().at(&["spec", "replicas"])),
                        format!(
                            "Karpenter controller {label} runs {how} but with {replicas} \
                             replica{}: no node is launched while it restarts; expected 2 replicas",
                            if replicas == 1 { "" } else { "s" }
                        ),
                    );
                }
            }
        }
    }
}

fn placement(cx: &Context<'_>, workload: &Workload, object: &Object) -> Placement {
    let pods: Vec<&Object> = if workload.kind == WorkloadKind::Pod {
        vec![object]
    } else {
        match object
            .root()
            .at(&["spec", "selector"])
            .map(LabelSelector::from_label_selector)
        {
            Some(selector) if !selector.is_empty() => cx
                .inv
                .workloads_selected(object.namespace_key(), &selector)
                .into_iter()
                .filter(|w| w.kind == WorkloadKind::Pod)
                .map(|w| cx.inv.object(w.object))
                .collect(),
            _ => Vec::new(),
        }
    };
    let scheduled: Vec<(&Object, &str)> = pods
        .iter()
        .filter_map(|p| running_pods::node_name(p).map(|n| (*p, n)))
        .collect();
    if !scheduled.is_empty() {
        let mut own = Vec::new();
        let mut unseen = Vec::new();
        for (_, name) in &scheduled {
            match running_pods::node(cx.inv, name) {
                Some(node) if worker_nodes::is_karpenter_node(node) => own.push(name.to_string()),
                Some(_) => {}
                None if name.starts_with("fargate-") => {}
                None => unseen.push(name.to_string()),
            }
        }
        if !own.is_empty() {
            return Placement::OnOwnNodes(own);
        }
        if !unseen.is_empty() {
            return Placement::Unknown(format!(
                "its pods run on nodes that were not collected ({}): who launched them cannot \
                 be told",
                worker_nodes::name_list(unseen.iter().map(String::as_str), 3)
            ));
        }
        let on_fargate = scheduled.iter().all(|(_, name)| {
            running_pods::node(cx.inv, name).map_or(name.starts_with("fargate-"), |n| {
                worker_nodes::compute(n) == Compute::Fargate
            })
        });
        return Placement::Elsewhere(
            if on_fargate {
                "on Fargate"
            } else {
                "on nodes Karpenter does not manage"
            }
            .to_string(),
        );
    }
    let Some(spec) = workload.pod_spec(object) else {
        return Placement::Unknown("its pod template could not be read".into());
    };
    if keeps_off_karpenter_nodes(spec) {
        return Placement::Elsewhere("away from Karpenter's nodes (its node affinity)".into());
    }
    Placement::Unknown(
        "no scheduled pod was collected and its pod template does not keep it off the nodes \
         Karpenter launches (e.g. `karpenter.sh/nodepool DoesNotExist`); a Fargate profile may \
         still place it"
            .into(),
    )
}

/// Whether the template's hard node constraints exclude every Karpenter-launched node: each
/// required affinity term demands that `karpenter.sh/nodepool` be absent or selects managed
/// node groups or Fargate, or the nodeSelector does.
fn keeps_off_karpenter_nodes(spec: &Node) -> bool {
    let Some(constraints) = NodeConstraints::of(spec) else {
        return false;
    };
    let selects_unmanaged_by_karpenter = |key: &str, value: Option<&str>| {
        key == worker_nodes::MANAGED_NODEGROUP_LABEL
            || (key == worker_nodes::COMPUTE_TYPE_LABEL && value == Some("fargate"))
    };
    if constraints
        .selector
        .iter()
        .any(|(k, v)| selects_unmanaged_by_karpenter(k, Some(v)))
    {
        return true;
    }
    let Some(terms) = constraints.terms else {
        return false;
    };
    !terms.is_empty()
        && terms.iter().all(|term| {
            term.get("matchExpressions")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|e| {
                    let key = e.get("key").and_then(Node::as_str).unwrap_or_default();
                    let op = e.get("operator").and_then(Node::as_str).unwrap_or_default();
                    let first = e
                        .get("values")
                        .map(Node::items)
                        .unwrap_or_default()
                        .first()
                        .and_then(Node::as_str);
                    (key == worker_nodes::KARPENTER_NODEPOOL_LABEL && op == "DoesNotExist")
                        || (selects_unmanaged_by_karpenter(key, first)
                            && matches!(op, "In" | "Exists"))
                })
        })
}
