use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every container and init container (native sidecars included) of every workload outside
    /// the system namespaces has a CPU and a memory request. A resource with a limit but no
    /// request counts as requested, because Kubernetes then sets the request equal to the limit;
    /// pod-level `spec.resources` (Kubernetes 1.32+) counts for every container of the pod. It
    /// fails when the CPU or memory request is missing or zero.
    ///
    /// Defaults injected at admission by a namespace's LimitRange cannot be seen in manifests;
    /// the check keeps to what the manifest declares, so declare requests explicitly.
    ///
    /// ## Why it matters
    /// The scheduler places pods by their requests. A container without requests is scheduled as
    /// if it used nothing, so nodes get overcommitted, neighbours are starved, and a pod with no
    /// requests at all is BestEffort: the first to be evicted under memory pressure. The
    /// Horizontal Pod Autoscaler computes utilisation as a share of the request, so it cannot
    /// scale on a resource that has none, and cluster autoscalers size nodes from requests.
    ///
    /// ## How to fix
    /// Set CPU and memory requests on every container, from observed usage (VPA recommendations
    /// are a good start), and give the memory limit the value of the memory request:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     resources:
    ///       requests: {cpu: 250m, memory: 256Mi}
    ///       limits: {memory: 256Mi}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_configure_and_size_resource_requestslimits_for_all_workloads>
    /// - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>
    "requests-set",
    run
}

/// The quantity requested for `resource`: the request, else the limit (which Kubernetes copies
/// into a missing request).
fn requested<'a>(resources: Option<&'a Node>, resource: &str) -> Option<&'a Node> {
    let resources = resources?;
    ["requests", "limits"]
        .iter()
        .find_map(|kind| resources.at(&[kind, resource]).filter(|n| !n.is_null()))
}

/// Whether a quantity is zero (`0`, `0m`, `0Mi`, `0.0`).
fn is_zero(q: &Node) -> bool {
    match q.scalar_text() {
        Some(text) => {
            let digits: String = text
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '+' || *c == '-')
                .collect();
            digits.parse::<f64>().is_ok_and(|v| v == 0.0)
        }
        None => false,
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        let pod_resources = w.pod_field(object, "resources");
        for c in w.containers(object) {
            let resources = c.get("resources");
            let mut problems = Vec::new();
            for resource in ["cpu", "memory"] {
                match requested(resources, resource).or_else(|| requested(pod_resources, resource))
                {
                    None => problems.push(format!("no {resource} request")),
                    Some(q) if is_zero(q) => problems.push(format!(
                        "a zero {resource} request ({})",
                        q.scalar_text().unwrap_or_default()
                    )),
                    Some(_) => {}
                }
            }
            if problems.is_empty() {
                out.pass(object);
            } else {
                let what = if c.is_init() {
                    "init container"
                } else {
                    "container"
                };
                out.fail(
                    Subject::container(object, &c).field("resources", resources),
                    format!("{what} `{}` has {}", c.name, problems.join(" and ")),
                );
            }
        }
    }
}
