use crate::prelude::*;
use crate::quantity::quantity;

declare_check! {
    /// ## What it checks
    /// Every container and init container (native sidecars included) of every workload outside
    /// the system namespaces has a memory limit equal to its memory request. A memory limit
    /// without a request passes, since Kubernetes then sets the request to the limit. Quantities
    /// are compared by value (`1Gi` equals `1024Mi`). A container without its own limit passes
    /// when the pod-level `spec.resources` (Kubernetes 1.32+) sets a memory limit equal to the
    /// pod-level request.
    ///
    /// It warns when the memory limit is missing, or when it is greater than the request
    /// (memory overcommit). CPU limits are deliberately not required. A quantity that cannot be
    /// parsed gives `unknown`. LimitRange defaults are applied at admission and cannot be seen in
    /// manifests; the check keeps to what the manifest declares.
    ///
    /// ## Why it matters
    /// Memory is not compressible: when the pods of a node use more memory than their requests
    /// reserved, the kernel's OOM killer or the kubelet's eviction picks victims, often pods that
    /// behaved well. A container without a memory limit can consume the whole node; a limit above
    /// the request lets every pod overcommit the node at once. With the limit equal to the
    /// request, a leaking container is OOM-killed on its own and its neighbours are unaffected.
    ///
    /// ## How to fix
    /// Set the memory limit to the memory request:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     resources:
    ///       requests: {cpu: 250m, memory: 512Mi}
    ///       limits: {memory: 512Mi}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_configure_and_size_resource_requestslimits_for_all_workloads>
    /// - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    "memory-limit-set",
    run
}

fn present<'a>(resources: Option<&'a Node>, kind: &str) -> Option<&'a Node> {
    resources?.at(&[kind, "memory"]).filter(|n| !n.is_null())
}

fn text(node: &Node) -> String {
    node.scalar_text().unwrap_or_default()
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        let pod_resources = w.pod_field(object, "resources");
        for c in w.containers(object) {
            let what = if c.is_init() {
                "init container"
            } else {
                "container"
            };
            let own = c.get("resources");
            let subject = || Subject::container(object, &c).field("resources", own);
            // The container's own limit, else the pod-level one.
            let (resources, scope) = if present(own, "limits").is_some() {
                (own, "")
            } else if present(pod_resources, "limits").is_some() {
                (pod_resources, "pod-level ")
            } else {
                out.warn(
                    subject(),
                    format!("{what} `{}` has no memory limit", c.name),
                );
                continue;
            };
            let limit = present(resources, "limits").expect("checked above");
            let Some(request) = present(resources, "requests") else {
                // The request defaults to the limit.
                out.pass(object);
                continue;
            };
            match (quantity(limit), quantity(request)) {
                (Some(l), Some(r)) if (l - r).abs() <= f64::EPSILON * l.abs().max(1.0) => {
                    out.pass(object)
                }
                (Some(l), Some(r)) if l > r => out.warn(
                    subject(),
                    format!(
                        "{what} `{}` has a {scope}memory limit ({}) greater than its memory request ({}): the node's memory is overcommitted",
                        c.name,
                        text(limit),
                        text(request)
                    ),
                ),
                (Some(_), Some(_)) => out.warn(
                    subject(),
                    format!(
                        "{what} `{}` has a {scope}memory limit ({}) lower than its memory request ({}), which the API server rejects",
                        c.name,
                        text(limit),
                        text(request)
                    ),
                ),
                _ => out.unknown(
                    subject(),
                    format!(
                        "{what} `{}` has a {scope}memory quantity that cannot be read (limit {}, request {})",
                        c.name,
                        text(limit),
                        text(request)
                    ),
                ),
            }
        }
    }
}
