use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every workload outside the system namespaces names an owner: one of the review's
    /// ownership labels (by default `team`, `owner`, `cost-center`) is set, with a non-empty
    /// value, on the workload itself, on its pod template, or on its Namespace object when that
    /// is part of the input. A prefixed key counts too (`example.com/team` matches `team`). It
    /// warns when none is found; when the Namespace object is not in the input, the message says
    /// so, since the label may be set there.
    ///
    /// ## Why it matters
    /// An alert on a workload nobody owns goes to nobody. Cost-allocation tools (Kubecost,
    /// OpenCost, EKS split cost allocation) attribute spend by pod and namespace labels; without
    /// an owner or cost-center label the spend lands in "unallocated".
    ///
    /// ## How to fix
    /// Label the namespace (it covers every workload in it) or the workload and its pods, and
    /// enforce the label with an admission policy:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: payments
    ///   labels: {team: payments, cost-center: cc-1234}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-awareness.html#_tagging_of_resources>
    "ownership-label",
    run
}

/// The first ownership label among `labels` with a non-empty value.
fn ownership_label<'a>(
    wanted: &[String],
    labels: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    labels
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, _)| k)
        .find(|k| {
            let name = k.rsplit_once('/').map_or(*k, |(_, name)| name);
            wanted.iter().any(|w| w == k || w == name)
        })
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let wanted = &cx.params.ownership_labels;
    for (w, object) in cx.app_workloads() {
        let namespace = cx.inv.find("Namespace", None, object.namespace_key());
        let found = ownership_label(wanted, object.labels())
            .or_else(|| ownership_label(wanted, w.pod_labels(object)))
            .or_else(|| namespace.and_then(|ns| ownership_label(wanted, ns.labels())));
        if found.is_some() {
            out.pass(object);
            continue;
        }
        let where_ = match namespace {
            Some(ns) => format!("nor on Namespace `{}`", ns.name()),
            None => format!(
                "and Namespace `{}` is not in the input",
                object.namespace_key()
            ),
        };
        out.warn(
            Subject::object(object)
                .at("metadata.labels", object.root().at(&["metadata", "labels"])),
            format!(
                "{} has no ownership label ({}) on the workload or its pods, {where_}",
                object.display_name(),
                wanted.join(", ")
            ),
        );
    }
}
