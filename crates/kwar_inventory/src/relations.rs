//! Relationships resolved once when the inventory is built. Every lookup goes through an
//! index (labels, or kind/namespace/name), so the cost grows with the number of matches, not
//! with the product of object counts.

use std::collections::HashMap;

use kwar_yaml::Node;

use crate::object::ObjectId;
use crate::selector::LabelSelector;
use crate::workload::WorkloadId;
use crate::Inventory;

/// Per workload (indexed by WorkloadId): the objects related to it.
#[derive(Debug, Default)]
pub(crate) struct Relations {
    pub services: Vec<Vec<ObjectId>>,
    pub pdbs: Vec<Vec<ObjectId>>,
    pub autoscalers: Vec<Vec<ObjectId>>,
    pub vpas: Vec<Vec<ObjectId>>,
    pub network_policies: Vec<Vec<ObjectId>>,
    pub ingresses: Vec<Vec<ObjectId>>,
}

impl Relations {
    pub fn resolve(inv: &Inventory) -> Relations {
        let n = inv.workloads.len();
        let mut r = Relations {
            services: vec![Vec::new(); n],
            pdbs: vec![Vec::new(); n],
            autoscalers: vec![Vec::new(); n],
            vpas: vec![Vec::new(); n],
            network_policies: vec![Vec::new(); n],
            ingresses: vec![Vec::new(); n],
        };
        // Service → pods
        let mut workloads_of_service: HashMap<ObjectId, Vec<WorkloadId>> = HashMap::new();
        for svc in inv.of_kind("Service").filter(|o| o.api_group().is_empty()) {
            let Some(selector) = LabelSelector::from_map(svc.root().at(&["spec", "selector"]))
            else {
                continue;
            };
            for w in inv.workloads_selected(svc.namespace_key(), &selector) {
                r.services[w.id].push(svc.id);
                workloads_of_service.entry(svc.id).or_default().push(w.id);
            }
        }
        // PDB → pods
        for pdb in inv.of_kind("PodDisruptionBudget") {
            let Some(sel) = pdb.root().at(&["spec", "selector"]) else {
                continue;
            };
            let selector = LabelSelector::from_label_selector(sel);
            for w in inv.workloads_selected(pdb.namespace_key(), &selector) {
                r.pdbs[w.id].push(pdb.id);
            }
        }
        // NetworkPolicy → pods of its own namespace
        for np in inv
            .of_kind("NetworkPolicy")
            .filter(|o| o.api_group() == "networking.k8s.io")
        {
            let selector = np
                .root()
                .at(&["spec", "podSelector"])
                .map(LabelSelector::from_label_selector)
                .unwrap_or_default();
            for w in inv.workloads_selected(np.namespace_key(), &selector) {
                r.network_policies[w.id].push(np.id);
            }
        }
        // HPA / KEDA ScaledObject / VPA → target by kind and name
        let target_index: HashMap<(&str, &str, &str), WorkloadId> = inv
            .workloads
            .iter()
            .map(|w| {
                let o = inv.object(w.object);
                ((o.kind(), o.namespace_key(), o.name()), w.id)
            })
            .collect();
        let target = |ns: &str, node: Option<&Node>, default_kind: &str| -> Option<WorkloadId> {
            let node = node?;
            let kind = node
                .get("kind")
                .and_then(Node::as_str)
                .unwrap_or(default_kind);
            let name = node.get("name").and_then(Node::as_str)?;
            target_index.get(&(kind, ns, name)).copied()
        };
        for hpa in inv.of_kind("HorizontalPodAutoscaler") {
            if let Some(w) = target(
                hpa.namespace_key(),
                hpa.root().at(&["spec", "scaleTargetRef"]),
                "",
            ) {
                r.autoscalers[w].push(hpa.id);
            }
        }
        for so in inv
            .of_kind("ScaledObject")
            .filter(|o| o.api_group() == "keda.sh")
        {
            if let Some(w) = target(
                so.namespace_key(),
                so.root().at(&["spec", "scaleTargetRef"]),
                "Deployment",
            ) {
                r.autoscalers[w].push(so.id);
            }
        }
        for vpa in inv.of_kind("VerticalPodAutoscaler") {
            if let Some(w) = target(
                vpa.namespace_key(),
                vpa.root().at(&["spec", "targetRef"]),
                "",
            ) {
                r.vpas[w].push(vpa.id);
            }
        }
        // Ingress → Service → pods
        for ing in inv.of_kind("Ingress") {
            let mut names: Vec<&str> = Vec::new();
            let spec = ing.root().get("spec");
            let backend_service = |b: &'_ Node| -> Option<String> {
                b.at(&["service", "name"])
                    .or_else(|| b.get("serviceName"))
                    .and_then(Node::scalar_text)
            };
            let mut owned: Vec<String> = Vec::new();
            if let Some(spec) = spec {
                for key in ["defaultBackend", "backend"] {
                    if let Some(name) = spec.get(key).and_then(backend_service) {
                        owned.push(name);
                    }
                }
                for rule in spec.get("rules").map(Node::items).unwrap_or_default() {
                    for path in rule
                        .at(&["http", "paths"])
                        .map(Node::items)
                        .unwrap_or_default()
                    {
                        if let Some(name) = path.get("backend").and_then(backend_service) {
                            owned.push(name);
                        }
                    }
                }
            }
            names.extend(owned.iter().map(String::as_str));
            names.sort_unstable();
            names.dedup();
            for name in names {
                let Some(svc) = inv.find("Service", Some(ing.namespace_key()), name) else {
                    continue;
                };
                for &w in workloads_of_service
                    .get(&svc.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    if !r.ingresses[w].contains(&ing.id) {
                        r.ingresses[w].push(ing.id);
                    }
                }
            }
        }
        r
    }
}
