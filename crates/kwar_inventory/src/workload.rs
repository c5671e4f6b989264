use kwar_yaml::Node;

use crate::object::{string_pairs, Object, ObjectId};

pub type WorkloadId = usize;

/// Every kind that carries a pod template, with where the template sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    Pod,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
    /// Argo Rollout (argoproj.io).
    Rollout,
}

impl WorkloadKind {
    fn of(object: &Object) -> Option<WorkloadKind> {
        let group = object.api_group();
        Some(match (group, object.kind()) {
            ("", "Pod") => WorkloadKind::Pod,
            ("", "ReplicationController") => WorkloadKind::ReplicationController,
            ("apps" | "extensions", "Deployment") => WorkloadKind::Deployment,
            ("apps", "StatefulSet") => WorkloadKind::StatefulSet,
            ("apps" | "extensions", "DaemonSet") => WorkloadKind::DaemonSet,
            ("apps" | "extensions", "ReplicaSet") => WorkloadKind::ReplicaSet,
            ("batch", "Job") => WorkloadKind::Job,
            ("batch", "CronJob") => WorkloadKind::CronJob,
            ("argoproj.io", "Rollout") => WorkloadKind::Rollout,
            // Older API versions of the same kinds (apps/v1beta1, apps/v1beta2).
            (g, "Deployment") if g.starts_with("apps") => WorkloadKind::Deployment,
            (g, "StatefulSet") if g.starts_with("apps") => WorkloadKind::StatefulSet,
            _ => return None,
        })
    }

    /// Path of the pod template's metadata and spec inside the object.
    fn template_path(self) -> &'static [&'static str] {
        match self {
            WorkloadKind::Pod => &[],
            WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "template"],
            _ => &["spec", "template"],
        }
    }

    /// Long-running workloads in the catalog's sense: Deployment, StatefulSet, DaemonSet,
    /// Rollout (and the legacy ReplicationController, which behaves like one).
    pub fn is_long_running(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::DaemonSet
                | WorkloadKind::Rollout
                | WorkloadKind::ReplicationController
        )
    }

    /// Run-to-completion kinds: they need no readiness probe or replicas.
    pub fn is_batch(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }

    /// Kinds with a `spec.replicas` field.
    pub fn has_replicas(self) -> bool {
        matches!(
            self,
            WorkloadKind::Deployment
                | WorkloadKind::StatefulSet
                | WorkloadKind::ReplicaSet
                | WorkloadKind::ReplicationController
                | WorkloadKind::Rollout
        )
    }
}

/// The pod-template view of one workload object.
#[derive(Debug, Clone)]
pub struct Workload {
    pub id: WorkloadId,
    pub object: ObjectId,
    pub kind: WorkloadKind,
    /// Dotted path of the pod spec (`spec.template.spec`, `spec` for a Pod).
    pub pod_path: &'static str,
    /// Owned by another object (a controller's Pod or ReplicaSet in a cluster dump, a
    /// CronJob's Job): the owner is reviewed instead.
    pub owned: bool,
}

impl Workload {
    pub(crate) fn from_object(id: WorkloadId, object: &Object) -> Option<Workload> {
        let kind = WorkloadKind::of(object)?;
        let pod_path = match kind {
            WorkloadKind::Pod => "spec",
            WorkloadKind::CronJob => "spec.jobTemplate.spec.template.spec",
            _ => "spec.template.spec",
        };
        Some(Workload {
            id,
            object: object.id,
            kind,
            pod_path,
            owned: object.is_owned(),
        })
    }

    /// Whether the catalog's `all_workloads` set includes it (unowned Pods, ReplicaSets and
    /// Jobs; all controllers).
    pub fn is_reviewed_unit(&self) -> bool {
        !self.owned
    }

    /// The pod template node (`metadata` + `spec`), the object itself for a Pod.
    pub fn template<'a>(&self, object: &'a Object) -> Option<&'a Node> {
        object.root().at(self.kind.template_path())
    }

    /// The pod spec.
    pub fn pod_spec<'a>(&self, object: &'a Object) -> Option<&'a Node> {
        self.template(object).and_then(|t| t.get("spec"))
    }

    /// Pod template metadata (`Pod.metadata` for a Pod).
    pub fn pod_metadata<'a>(&self, object: &'a Object) -> Option<&'a Node> {
        self.template(object).and_then(|t| t.get("metadata"))
    }

    pub fn pod_labels<'a>(
        &self,
        object: &'a Object,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
        string_pairs(self.pod_metadata(object).and_then(|m| m.get("labels")))
    }

    pub fn pod_annotation<'a>(&self, object: &'a Object, key: &str) -> Option<&'a str> {
        self.pod_metadata(object)
            .and_then(|m| m.at(&["annotations", key]))
            .and_then(Node::as_str)
    }

    /// A field of the pod spec.
    pub fn pod_field<'a>(&self, object: &'a Object, key: &str) -> Option<&'a Node> {
        self.pod_spec(object).and_then(|s| s.get(key))
    }

    /// The PersistentVolumeClaims the pod template mounts by name (`volumes[].persistentVolumeClaim`);
    /// a StatefulSet's `volumeClaimTemplates` are not among them.
    pub fn claim_names<'a>(&self, object: &'a Object) -> impl Iterator<Item = &'a str> + 'a {
        self.pod_field(object, "volumes")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| {
                v.at(&["persistentVolumeClaim", "claimName"])
                    .and_then(Node::as_str)
            })
    }

    /// `spec.replicas` (default 1) for kinds that have it; 1 for a Pod.
    pub fn replicas(&self, object: &Object) -> Option<i64> {
        if self.kind == WorkloadKind::Pod {
            return Some(1);
        }
        self.kind.has_replicas().then(|| {
            object
                .root()
                .at(&["spec", "replicas"])
                .and_then(Node::as_i64)
                .unwrap_or(1)
        })
    }

    /// App containers then init containers (and ephemeral containers are ignored: they are
    /// never in manifests).
    pub fn containers<'a>(&self, object: &'a Object) -> Vec<Container<'a>> {
        let mut out = Vec::new();
        let Some(spec) = self.pod_spec(object) else {
            return out;
        };
        for (field, kind) in [
            ("containers", ContainerKind::App),
            ("initContainers", ContainerKind::Init),
        ] {
            for (index, node) in spec
                .get(field)
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let restart_always =
                    node.get("restartPolicy").and_then(Node::as_str) == Some("Always");
                let kind = if kind == ContainerKind::Init && restart_always {
                    ContainerKind::Sidecar
                } else {
                    kind
                };
                out.push(Container {
                    node,
                    pod_spec: spec,
                    name: node.get("name").and_then(Node::as_str).unwrap_or(""),
                    kind,
                    path: format!("{}.{}[{}]", self.pod_path, field, index),
                });
            }
        }
        out
    }

    /// App containers only (`$containers` in the catalog).
    pub fn app_containers<'a>(&self, object: &'a Object) -> Vec<Container<'a>> {
        let mut all = self.containers(object);
        all.retain(|c| c.kind == ContainerKind::App);
        all
    }
}

/// A pod spec's required node affinity
/// (`affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`) and its node
/// selector terms, which the scheduler ORs (the expressions inside a term are ANDed).
pub fn required_node_affinity(pod_spec: &Node) -> Option<(&Node, &[Node])> {
    let required = pod_spec.at(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
    ])?;
    let terms = required
        .get("nodeSelectorTerms")
        .map(Node::items)
        .unwrap_or_default();
    Some((required, terms))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    App,
    Init,
    /// An init container with `restartPolicy: Always` (native sidecar, Kubernetes 1.29+):
    /// it runs for the pod's lifetime like an app container.
    Sidecar,
}

/// One container of a pod template, with its path for findings.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub pod_spec: &'a Node,
    pub name: &'a str,
    pub kind: ContainerKind,
    /// `spec.template.spec.containers[0]`
    pub path: String,
}

impl<'a> Container<'a> {
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key)
    }

    pub fn is_init(&self) -> bool {
        self.kind == ContainerKind::Init
    }

    pub fn image(&self) -> Option<&'a str> {
        self.node.get("image").and_then(Node::as_str)
    }

    /// A securityContext field as it takes effect: the container's own value, else the
    /// pod-level value for the fields PodSecurityContext also has (runAsUser, runAsGroup,
    /// runAsNonRoot, seccompProfile, seLinuxOptions, appArmorProfile, windowsOptions).
    /// Returns the node and its dotted path.
    pub fn effective_security(&self, field: &str) -> Option<(&'a Node, String)> {
        if let Some(n) = self.node.at(&["securityContext", field]) {
            if !n.is_null() {
                return Some((n, format!("{}.securityContext.{field}", self.path)));
            }
        }
        const INHERITED: [&str; 7] = [
            "runAsUser",
            "runAsGroup",
            "runAsNonRoot",
            "seccompProfile",
            "seLinuxOptions",
            "appArmorProfile",
            "windowsOptions",
        ];
        if INHERITED.contains(&field) {
            if let Some(n) = self.pod_spec.at(&["securityContext", field]) {
                if !n.is_null() {
                    let pod_path = self.path.rsplit_once('.').map_or("", |(p, _)| p);
                    return Some((n, format!("{pod_path}.securityContext.{field}")));
                }
            }
        }
        None
    }

    /// Dotted path of a field of this container.
    pub fn field_path(&self, field: &str) -> String {
        format!("{}.{field}", self.path)
    }
}
