//! The inventory: every object indexed by kind, namespace, name and labels, one pod-template
//! view over all workload kinds, and relationships (Service→pods, PDB→workload, HPA→target,
//! NetworkPolicy→pods) resolved once through label indexes — never by comparing every object
//! with every other.

mod cluster;
mod object;
mod relations;
mod selector;
mod workload;

pub use cluster::{ClusterEvidence, Unreadable, CLUSTER_API_VERSION, CLUSTER_KIND};
pub use object::{Object, ObjectId};
pub use selector::LabelSelector;
pub use workload::{
    required_node_affinity, Container, ContainerKind, Workload, WorkloadId, WorkloadKind,
};

use std::collections::{BTreeSet, HashMap};

use kwar_source::RawObject;

use relations::Relations;

/// Namespace used for matching objects that do not name one (what `kubectl apply` would do
/// with a default context).
pub const UNSPECIFIED_NAMESPACE: &str = "default";

#[derive(Debug, Default)]
pub struct Inventory {
    objects: Vec<Object>,
    workloads: Vec<Workload>,
    by_kind: HashMap<String, Vec<ObjectId>>,
    by_name: HashMap<(String, String, String), ObjectId>,
    workloads_by_namespace: HashMap<String, Vec<WorkloadId>>,
    /// (namespace, label key, label value) → workloads whose pod template carries the label.
    pod_label_index: HashMap<(String, String, String), Vec<WorkloadId>>,
    workload_of_object: HashMap<ObjectId, WorkloadId>,
    namespaces: BTreeSet<String>,
    relations: Relations,
    cluster: Option<ClusterEvidence>,
}

impl Inventory {
    pub fn build(raw: Vec<RawObject>) -> Inventory {
        let mut inv = Inventory::default();
        for raw in raw {
            let id = inv.objects.len();
            let object = Object::new(id, raw);
            if let Some(ns) = object.namespace() {
                inv.namespaces.insert(ns.to_string());
            }
            if object.kind() == "Namespace" && object.api_group().is_empty() {
                inv.namespaces.insert(object.name().to_string());
            }
            inv.by_kind
                .entry(object.kind().to_string())
                .or_default()
                .push(id);
            inv.by_name.insert(
                (
                    object.kind().to_string(),
                    object.namespace_key().to_string(),
                    object.name().to_string(),
                ),
                id,
            );
            if inv.cluster.is_none() && ClusterEvidence::is_cluster_object(&object) {
                inv.cluster = Some(ClusterEvidence::from_object(&object));
            }
            inv.objects.push(object);
        }
        for object in &inv.objects {
            if let Some(w) = Workload::from_object(inv.workloads.len(), object) {
                let ns = object.namespace_key().to_string();
                for (k, v) in w.pod_labels(object) {
                    inv.pod_label_index
                        .entry((ns.clone(), k.to_string(), v.to_string()))
                        .or_default()
                        .push(w.id);
                }
                inv.workloads_by_namespace.entry(ns).or_default().push(w.id);
                inv.workload_of_object.insert(object.id, w.id);
                inv.workloads.push(w);
            }
        }
        inv.relations = Relations::resolve(&inv);
        inv
    }

    /// The input as cluster evidence, when it carries a `kwar.io/v1alpha1 Cluster` object (a
    /// snapshot, a live collection, or manifests declared complete).
    pub fn cluster(&self) -> Option<&ClusterEvidence> {
        self.cluster.as_ref()
    }

    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    pub fn object(&self, id: ObjectId) -> &Object {
        &self.objects[id]
    }

    /// Objects of one kind (any API group), in input order.
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(move |&id| &self.objects[id])
    }

    /// Looks an object up by kind, namespace and name. Cluster-scoped objects and objects that
    /// name no namespace are found with `None` (or `Some("default")`).
    pub fn find(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        let ns = namespace.unwrap_or(UNSPECIFIED_NAMESPACE);
        self.by_name
            .get(&(kind.to_string(), ns.to_string(), name.to_string()))
            .map(|&id| &self.objects[id])
    }

    /// Every pod-producing object (see [`WorkloadKind`]), including owned ones.
    pub fn workloads(&self) -> &[Workload] {
        &self.workloads
    }

    pub fn workload(&self, id: WorkloadId) -> &Workload {
        &self.workloads[id]
    }

    pub fn workload_of(&self, object: ObjectId) -> Option<&Workload> {
        self.workload_of_object
            .get(&object)
            .map(|&w| &self.workloads[w])
    }

    /// Namespaces that objects live in or that are declared, even without a Namespace manifest.
    pub fn namespaces(&self) -> &BTreeSet<String> {
        &self.namespaces
    }

    /// Workloads in `namespace` whose pod template matches `selector`, found through the
    /// label index (candidates for the rarest matchLabels pair, then verified).
    pub fn workloads_selected<'a>(
        &'a self,
        namespace: &str,
        selector: &LabelSelector,
    ) -> Vec<&'a Workload> {
        // Start from the rarest matchLabels pair: a selector's first pair is often shared by
        // every workload (`team: shop`), which would make the lookup quadratic.
        let indexed = |k: &String, v: &String| {
            self.pod_label_index
                .get(&(namespace.to_string(), k.clone(), v.clone()))
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let candidates: &[WorkloadId] = match selector
            .match_labels
            .iter()
            .map(|(k, v)| indexed(k, v))
            .min_by_key(|c| c.len())
        {
            Some(rarest) => rarest,
            None => self
                .workloads_by_namespace
                .get(namespace)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        };
        candidates
            .iter()
            .map(|&w| &self.workloads[w])
            .filter(|w| selector.matches(w.pod_labels(&self.objects[w.object])))
            .collect()
    }

    /// Services whose selector matches the workload's pods.
    pub fn services_of(&self, w: &Workload) -> impl Iterator<Item = &Object> + '_ {
        self.relations.services[w.id]
            .iter()
            .map(|&id| &self.objects[id])
    }

    /// PodDisruptionBudgets whose selector matches the workload's pods.
    pub fn pdbs_of(&self, w: &Workload) -> impl Iterator<Item = &Object> + '_ {
        self.relations.pdbs[w.id]
            .iter()
            .map(|&id| &self.objects[id])
    }

    /// HorizontalPodAutoscalers and KEDA ScaledObjects whose scaleTargetRef names the workload.
    pub fn autoscalers_of(&self, w: &Workload) -> impl Iterator<Item = &Object> + '_ {
        self.relations.autoscalers[w.id]
            .iter()
            .map(|&id| &self.objects[id])
    }

    /// NetworkPolicies of the workload's own namespace whose podSelector matches its pods.
    pub fn network_policies_of(&self, w: &Workload) -> impl Iterator<Item = &Object> + '_ {
        self.relations.network_policies[w.id]
            .iter()
            .map(|&id| &self.objects[id])
    }

    /// Ingresses that route to a Service selecting the workload.
    pub fn ingresses_of(&self, w: &Workload) -> impl Iterator<Item = &Object> + '_ {
        self.relations.ingresses[w.id]
            .iter()
            .map(|&id| &self.objects[id])
    }

    /// VerticalPodAutoscalers whose targetRef names the workload.
    pub fn vpas_of(&self, w: &Workload) -> impl Iterator<Item = &Object> + '_ {
        self.relations.vpas[w.id]
            .iter()
            .map(|&id| &self.objects[id])
    }

    /// The lowest replica count the workload runs with: an HPA's minReplicas (default 1)
    /// overrides `spec.replicas`, since the HPA owns the replica count. None for kinds
    /// without a replica count (DaemonSet, Job, CronJob).
    pub fn effective_min_replicas(&self, w: &Workload) -> Option<i64> {
        let hpa_min = self
            .autoscalers_of(w)
            .filter(|a| a.kind() == "HorizontalPodAutoscaler")
            .map(|a| {
                a.root()
                    .at(&["spec", "minReplicas"])
                    .and_then(|n| n.as_i64())
                    .unwrap_or(1)
            })
            .min();
        hpa_min.or_else(|| w.replicas(&self.objects[w.object]))
    }
}

#[cfg(test)]
mod tests;
