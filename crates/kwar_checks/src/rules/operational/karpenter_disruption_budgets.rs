use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Karpenter NodePool (`karpenter.sh` `NodePool`, including those of EKS Auto
    /// Mode), its `spec.disruption.budgets`:
    /// - at least one budget that limits voluntary disruptions (a `nodes` count or a
    ///   percentage under 100%, possibly on a `schedule` or for some `reasons`) other than
    ///   Karpenter's default: pass;
    /// - no budgets, or only the default `{nodes: "10%"}` (which the API server fills in
    ///   when none is written, so a snapshot cannot tell the two apart), or only budgets
    ///   allowing 100% of the nodes: warn.
    ///
    /// The NodePools EKS Auto Mode creates and manages (`general-purpose`, `system`,
    /// labelled `app.kubernetes.io/managed-by: eks`) are not evaluated: they cannot be
    /// edited. Pre-v1 `Provisioner` objects have no budgets and are not evaluated.
    ///
    /// ## Why it matters
    /// Consolidation, drift and expiry replace nodes on their own. With the default budget,
    /// Karpenter may drain 10% of a pool's nodes at once — at any hour, including peak
    /// traffic or a release. Budgets cap that churn (e.g. one node at a time) and can freeze
    /// disruption during business hours, while PodDisruptionBudgets only protect individual
    /// workloads.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: karpenter.sh/v1
    /// kind: NodePool
    /// metadata:
    ///   name: default
    /// spec:
    ///   disruption:
    ///     consolidationPolicy: WhenEmptyOrUnderutilized
    ///     consolidateAfter: 5m
    ///     budgets:
    ///       - nodes: "1"                       # at most one node at a time
    ///       - nodes: "0"                       # no voluntary disruption on weekday peaks
    ///         schedule: "0 8 * * mon-fri"
    ///         duration: 10h
    ///         reasons: [Underutilized, Drifted]
    /// ```
    ///
    /// ## References
    /// - <https://karpenter.sh/docs/concepts/disruption/#nodepool-disruption-budgets>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/karpenter.html>
    /// - <https://kubernetes.io/docs/concepts/workloads/pods/disruptions/>
    "karpenter-disruption-budgets",
    run,
    needs = ["karpenter.sh/nodepools"]
}

/// What Karpenter (and its CRD's defaulting) uses when no budget is written.
const DEFAULT_BUDGET: &str = "10%";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for pool in cx
        .inv
        .of_kind("NodePool")
        .filter(|p| p.api_group() == "karpenter.sh")
    {
        if pool.label("app.kubernetes.io/managed-by") == Some("eks") {
            continue;
        }
        let disruption = pool.root().at(&["spec", "disruption"]);
        let budgets_node = disruption.and_then(|d| d.get("budgets"));
        let budgets = budgets_node.map(Node::items).unwrap_or_default();
        let (path, at) = match budgets_node {
            Some(node) => ("spec.disruption.budgets", Some(node)),
            None => ("spec.disruption", disruption),
        };
        let problem = if budgets.is_empty() {
            Some(format!(
                "sets no disruption budgets (Karpenter then allows {DEFAULT_BUDGET} of its nodes \
                 to be disrupted at once, at any time)"
            ))
        } else if budgets.len() == 1 && is_default(&budgets[0]) {
            Some(format!(
                "has only Karpenter's default disruption budget ({DEFAULT_BUDGET} of its nodes at \
                 once, at any time)"
            ))
        } else if budgets.iter().all(allows_everything) {
            Some(
                "has disruption budgets that allow 100% of its nodes to be disrupted at once"
                    .into(),
            )
        } else {
            None
        };
        match problem {
            None => out.pass(pool),
            Some(problem) => out.warn(
                Subject::object(pool).at(path, at),
                format!(
                    "NodePool `{}` {problem}: expected budgets that limit concurrent voluntary \
                     disruptions (e.g. `nodes: \"1\"`, or `nodes: \"0\"` during business hours)",
                    pool.name()
                ),
            ),
        }
    }
}

fn nodes_of(budget: &Node) -> Option<String> {
    budget.get("nodes").and_then(Node::scalar_text)
}

/// `{nodes: "10%"}` and nothing else.
fn is_default(budget: &Node) -> bool {
    nodes_of(budget).as_deref() == Some(DEFAULT_BUDGET)
        && budget
            .entries()
            .iter()
            .all(|(k, _)| k.as_str() == Some("nodes"))
}

/// A budget of 100% or more of the nodes, at all times.
fn allows_everything(budget: &Node) -> bool {
    budget.get("schedule").is_none()
        && nodes_of(budget)
            .and_then(|n| {
                n.strip_suffix('%')
                    .and_then(|p| p.trim().parse::<f64>().ok())
            })
            .is_some_and(|p| p >= 100.0)
}
