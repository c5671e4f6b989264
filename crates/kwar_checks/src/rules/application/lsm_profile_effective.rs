use std::collections::BTreeSet;

use crate::node_selection;
use crate::prelude::*;
use crate::running_pods;

declare_check! {
    /// ## What it checks
    /// On a cluster snapshot or live cluster, workloads outside system namespaces that ask
    /// for a Linux security module profile:
    /// - AppArmor: `securityContext.appArmorProfile.type` `RuntimeDefault` or `Localhost`
    ///   (pod or container level), or the beta annotation
    ///   `container.apparmor.security.beta.kubernetes.io/<container>` set to `runtime/default`
    ///   or `localhost/…` (`Unconfined` asks for nothing);
    /// - SELinux: `securityContext.seLinuxOptions` (pod or container level).
    ///
    /// The nodes judged are those its pods run on, or, when none runs, the nodes its pods
    /// could be scheduled to (node selector, required node affinity, taints; not cordoned).
    /// Each node's OS comes from `status.nodeInfo.osImage`:
    /// - AppArmor is enabled on Ubuntu, Debian, SUSE and Container-Optimized OS; absent on
    ///   Bottlerocket, Amazon Linux and the Red Hat family;
    /// - SELinux enforces on Bottlerocket and the Red Hat family (RHEL, CentOS, Rocky, Alma,
    ///   Fedora CoreOS); Amazon Linux 2023 ships it permissive; it is off on Amazon Linux 2
    ///   and absent on Ubuntu and Debian.
    ///
    /// Pass when every such node enforces the requested module; warn when one does not
    /// (naming the OS); unknown when an OS is not recognised or no node is known for the
    /// workload. Windows nodes are skipped. The OS default is what is judged: an AMI that
    /// changed it (AL2023 set to enforcing) shows as a warning to verify. Manifests alone show
    /// no nodes: nothing is evaluated.
    ///
    /// ## Why it matters
    /// A profile only protects where the kernel enforces it. SELinux labels on a permissive
    /// or disabled host are decoration: the container runs unconfined while the manifest
    /// suggests otherwise. An AppArmor request on a node without AppArmor is refused by the
    /// kubelet, so the pod does not start there at all.
    ///
    /// ## How to fix
    /// Run these workloads on nodes whose OS enforces the module, e.g. a Bottlerocket node
    /// pool for SELinux, or an Ubuntu one for AppArmor, and select it:
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       nodeSelector: {karpenter.sh/nodepool: bottlerocket}
    ///       securityContext:
    ///         seLinuxOptions: {type: container_t, level: "s0:c123,c456"}
    /// ```
    /// On Amazon Linux 2023, set SELinux to enforcing in the AMI (`/etc/selinux/config`) and
    /// check with `getenforce` on the node.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/runtime-security.html#_apparmor_and_selinux>
    /// - <https://kubernetes.io/docs/tutorials/security/apparmor/>
    "lsm-profile-effective",
    run,
    needs = ["nodes", "pods"]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Lsm {
    AppArmor,
    SeLinux,
}

impl Lsm {
    fn name(self) -> &'static str {
        match self {
            Lsm::AppArmor => "AppArmor",
            Lsm::SeLinux => "SELinux",
        }
    }
}

/// What a node's OS does with a module, by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Support {
    Enforcing,
    /// Present but not enforcing (SELinux permissive on Amazon Linux 2023).
    Permissive,
    Absent,
    Unknown,
}

const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    if cx.cluster_object().is_none() {
        return;
    }
    let linux_nodes: Vec<&Object> = cx
        .inv
        .of_kind("Node")
        .filter(|n| n.api_group().is_empty())
        .filter(|n| n.label("kubernetes.io/os") != Some("windows"))
        .collect();
    let by_controller = running_pods::pods_by_controller(cx.inv);
    for (w, object) in cx.app_workloads() {
        let requested = requested_modules(w, object);
        let Some((first_path, first_node)) = requested.first().map(|(_, p, n)| (p.clone(), *n))
        else {
            continue;
        };
        let modules: BTreeSet<Lsm> = requested.iter().map(|(m, _, _)| *m).collect();
        let subject = Subject::object(object).at(first_path, first_node);
        let name = qualified(object);
        // Nodes the pods run on, else those they could be scheduled to.
        let mut nodes: Vec<&Object> = by_controller
            .get(&object.id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| running_pods::node_name(p))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|n| running_pods::node(cx.inv, n))
            .filter(|n| n.label("kubernetes.io/os") != Some("windows"))
            .collect();
        if nodes.is_empty() {
            if let Some(spec) = w.pod_spec(object) {
                nodes = linux_nodes
                    .iter()
                    .copied()
                    .filter(|n| node_selection::can_schedule(spec, n))
                    .collect();
            }
        }
        if nodes.is_empty() {
            out.unknown(
                subject,
                format!(
                    "{} `{name}` requests {}, but no node it runs on or can be scheduled to is in \
                     the evidence",
                    object.kind(),
                    names(&modules)
                ),
            );
            continue;
        }
        let mut lacking = BTreeSet::new();
        let mut unrecognised = BTreeSet::new();
        for node in &nodes {
            let os = node
                .root()
                .at(&["status", "nodeInfo", "osImage"])
                .and_then(Node::as_str)
                .unwrap_or("");
            for &module in &modules {
                match support(os, module) {
                    Support::Enforcing => {}
                    Support::Permissive => {
                        lacking.insert(format!("{} is permissive on {os}", module.name()));
                    }
                    Support::Absent => {
                        lacking.insert(format!("{} is not enforced on {os}", module.name()));
                    }
                    Support::Unknown => {
                        unrecognised.insert(if os.is_empty() {
                            format!("node `{}` (no osImage)", node.name())
                        } else {
                            os.to_string()
                        });
                    }
                }
            }
        }
        if !lacking.is_empty() {
            let consequence = if modules.contains(&Lsm::AppArmor) {
                " (the kubelet refuses pods that request AppArmor where it is not enabled; \
                 SELinux labels are not enforced where it is permissive or off)"
            } else {
                " (the labels are applied but nothing is enforced)"
            };
            out.warn(
                subject,
                format!(
                    "{} `{name}` requests {} but runs or can run on nodes where {}{consequence}; \
                     expected nodes whose OS enforces it",
                    object.kind(),
                    names(&modules),
                    lacking.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        } else if !unrecognised.is_empty() {
            out.unknown(
                subject,
                format!(
                    "{} `{name}` requests {}; kwar does not know whether {} enforces it",
                    object.kind(),
                    names(&modules),
                    unrecognised.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        } else {
            out.pass(object);
        }
    }
}

/// The modules a workload asks for, each with the path and node of the field that asks.
fn requested_modules<'a>(w: &Workload, object: &'a Object) -> Vec<(Lsm, String, Option<&'a Node>)> {
    let mut found = Vec::new();
    for c in w.containers(object) {
        if let Some((profile, path)) = c.effective_security("appArmorProfile") {
            let kind = profile.get("type").and_then(Node::as_str);
            if matches!(kind, Some("RuntimeDefault" | "Localhost")) {
                found.push((Lsm::AppArmor, path, Some(profile)));
            }
        }
        if let Some((options, path)) = c.effective_security("seLinuxOptions") {
            if !options.entries().is_empty() {
                found.push((Lsm::SeLinux, path, Some(options)));
            }
        }
    }
    if let Some(annotations) = w.pod_metadata(object).and_then(|m| m.get("annotations")) {
        for (key, value) in annotations.entries() {
            let (Some(key), Some(value)) = (key.as_str(), value.as_str()) else {
                continue;
            };
            if key.starts_with(APPARMOR_ANNOTATION)
                && (value == "runtime/default" || value.starts_with("localhost/"))
            {
                let meta = if w.kind == WorkloadKind::Pod {
                    "metadata".to_string()
                } else {
                    format!("{}.metadata", w.pod_path.trim_end_matches(".spec"))
                };
                found.push((
                    Lsm::AppArmor,
                    format!("{meta}.annotations.{key}"),
                    annotations.get(key),
                ));
            }
        }
    }
    found
}

/// What the node OS does with the module by default, from `status.nodeInfo.osImage`.
fn support(os_image: &str, module: Lsm) -> Support {
    let os = os_image.to_ascii_lowercase();
    let any = |names: &[&str]| names.iter().any(|n| os.contains(n));
    let red_hat = any(&["red hat", "rhel", "centos", "rocky", "almalinux", "fedora"]);
    match module {
        Lsm::AppArmor => {
            if any(&["ubuntu", "debian", "suse", "sles", "container-optimized os"]) {
                Support::Enforcing
            } else if any(&["bottlerocket", "amazon linux"]) || red_hat {
                Support::Absent
            } else {
                Support::Unknown
            }
        }
        Lsm::SeLinux => {
            if any(&["bottlerocket"]) || red_hat {
                Support::Enforcing
            } else if any(&["amazon linux 2023"]) {
                Support::Permissive
            } else if any(&["amazon linux", "ubuntu", "debian"]) {
                Support::Absent
            } else {
                Support::Unknown
            }
        }
    }
}

fn names(modules: &BTreeSet<Lsm>) -> String {
    modules
        .iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(" and ")
}

fn qualified(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{ns}/{}", object.name()),
        None => object.name().to_string(),
    }
}
