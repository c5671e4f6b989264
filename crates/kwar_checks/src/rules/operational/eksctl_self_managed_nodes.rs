use std::collections::BTreeMap;

use crate::prelude::*;
use crate::worker_nodes::{self, EKSCTL_NODEGROUP_LABEL, MANAGED_NODEGROUP_LABEL};

declare_check! {
    /// ## What it checks
    /// Every Node: one labelled `alpha.eksctl.io/nodegroup-name` but not
    /// `eks.amazonaws.com/nodegroup` belongs to an eksctl *self-managed* node group (eksctl
    /// labels its managed node groups with both). The check warns once per such node group,
    /// on its first node, naming the group and how many nodes it has; every other node
    /// (managed node groups, Karpenter, Fargate, Auto Mode, other self-managed nodes —
    /// those are `manual-nodes`' concern) passes.
    ///
    /// ## Why it matters
    /// eksctl cannot upgrade a self-managed node group in place: each AMI or Kubernetes
    /// upgrade means creating a new group, draining and deleting the old one, by hand or from
    /// a pipeline someone has to maintain. Managed node groups (rolling updates that respect
    /// PodDisruptionBudgets) and Karpenter (drift and expiry) do that for you.
    ///
    /// ## How to fix
    /// Move the workloads to a managed node group, then delete the self-managed one:
    /// ```yaml
    /// # cluster.yaml (eksctl)
    /// managedNodeGroups:
    ///   - name: general-v2
    ///     instanceTypes: [m6i.xlarge, m6a.xlarge]
    ///     minSize: 3
    ///     maxSize: 12
    ///     availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
    /// ```
    /// ```sh
    /// eksctl create nodegroup --config-file cluster.yaml --include general-v2
    /// eksctl delete nodegroup --cluster prod --name general --drain
    /// ```
    /// Until then, run `eksctl create/delete nodegroup` from CI on every AMI release.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cluster-upgrades.html#_use_eksctl_to_automate_upgrades_for_self_managed_node_groups>
    /// - <https://eksctl.io/usage/nodegroup-upgrade/>
    "eksctl-self-managed-nodes",
    run,
    needs = ["nodes"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut groups: BTreeMap<&str, Vec<&Object>> = BTreeMap::new();
    for node in worker_nodes::nodes(cx.inv) {
        match node.label(EKSCTL_NODEGROUP_LABEL) {
            Some(group) if node.label(MANAGED_NODEGROUP_LABEL).is_none() => {
                groups.entry(group).or_default().push(node);
            }
            _ => out.pass(node),
        }
    }
    for (group, nodes) in groups {
        let first = nodes[0];
        out.warn(
            Subject::object(first).at(
                format!("metadata.labels.{EKSCTL_NODEGROUP_LABEL}"),
                first
                    .root()
                    .at(&["metadata", "labels", EKSCTL_NODEGROUP_LABEL]),
            ),
            format!(
                "eksctl node group `{group}` ({} node{}, e.g. `{}`) is self-managed: every \
                 upgrade means replacing it with `eksctl create/delete nodegroup`; expected a \
                 managed node group or Karpenter",
                nodes.len(),
                if nodes.len() == 1 { "" } else { "s" },
                first.name()
            ),
        );
    }
}
