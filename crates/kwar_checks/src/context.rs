use kwar_catalog::Catalog;
use kwar_detect::Detections;
use kwar_inventory::{Inventory, Object, Unreadable, Workload};

/// Review parameters the catalog leaves to the reviewer, with the catalog's defaults.
#[derive(Debug, Clone)]
pub struct Params {
    /// Namespaces excluded from workload checks (catalog `conventions.system_namespaces`).
    pub system_namespaces: Vec<String>,
    /// Labels that name an owner or cost centre (catalog `parameters.ownership_labels`).
    pub ownership_labels: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            system_namespaces: Catalog::embedded().system_namespaces.clone(),
            ownership_labels: ["team", "owner", "cost-center"].map(String::from).to_vec(),
        }
    }
}

/// What a check sees: the inventory, the components detected in it, and the parameters.
pub struct Context<'a> {
    pub inv: &'a Inventory,
    pub detections: &'a Detections,
    pub params: &'a Params,
}

impl<'a> Context<'a> {
    pub fn new(inv: &'a Inventory, detections: &'a Detections, params: &'a Params) -> Self {
        Context {
            inv,
            detections,
            params,
        }
    }

    /// The `kwar.io/v1alpha1 Cluster` object when the input is a whole cluster (live, snapshot,
    /// or manifests declared `--complete`). Checks that conclude from the absence of something
    /// return without a verdict when this is `None`: manifests alone cannot show absence.
    pub fn whole_cluster(&self) -> Option<&'a Object> {
        self.inv
            .cluster()
            .filter(|c| c.complete)
            .map(|c| self.inv.object(c.object))
    }

    /// The cluster evidence object, complete or not (`--namespace` collections are partial).
    pub fn cluster_object(&self) -> Option<&'a Object> {
        self.inv.cluster().map(|c| self.inv.object(c.object))
    }

    /// True when the evidence was read from a cluster (live or snapshot), so objects carry
    /// their status and the metadata controllers write (tracking labels, timestamps);
    /// manifests declared `--complete` carry neither.
    pub fn collected_from_cluster(&self) -> bool {
        self.inv.cluster().is_some_and(|c| c.source != "manifests")
    }

    /// The refusal for a resource type the collector could not read, if any.
    pub fn unreadable(&self, group: &str, resource: &str) -> Option<&'a Unreadable> {
        self.inv.cluster()?.unreadable(group, resource)
    }

    /// Every admission webhook registration (validating and mutating).
    pub fn webhook_configurations(&self) -> impl Iterator<Item = &'a Object> + 'a {
        self.inv
            .of_kind("ValidatingWebhookConfiguration")
            .chain(self.inv.of_kind("MutatingWebhookConfiguration"))
            .filter(|o| o.api_group() == "admissionregistration.k8s.io")
    }

    pub fn is_system_namespace(&self, namespace: Option<&str>) -> bool {
        namespace.is_some_and(|ns| self.params.system_namespaces.iter().any(|s| s == ns))
    }

    pub fn in_system_namespace(&self, object: &Object) -> bool {
        self.is_system_namespace(object.namespace())
    }

    /// The catalog's `all_workloads`: controllers plus unowned Pods, ReplicaSets and Jobs,
    /// with their objects (system namespaces included).
    pub fn all_workloads(&self) -> impl Iterator<Item = (&'a Workload, &'a Object)> + 'a {
        let inv = self.inv;
        inv.workloads()
            .iter()
            .filter(|w| w.is_reviewed_unit())
            .map(move |w| (w, inv.object(w.object)))
    }

    /// `all_workloads` outside system namespaces: what application checks review.
    pub fn app_workloads(&self) -> impl Iterator<Item = (&'a Workload, &'a Object)> + 'a {
        let system = self.params.system_namespaces.clone();
        self.all_workloads().filter(move |(_, o)| {
            !o.namespace()
                .is_some_and(|ns| system.iter().any(|s| s == ns))
        })
    }

    /// The catalog's `long_running` set (Deployment, StatefulSet, DaemonSet, Rollout) outside
    /// system namespaces.
    pub fn long_running_app_workloads(
        &self,
    ) -> impl Iterator<Item = (&'a Workload, &'a Object)> + 'a {
        self.app_workloads()
            .filter(|(w, _)| w.kind.is_long_running())
    }
}
