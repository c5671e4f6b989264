//! One pass over the inventory's objects, each dispatched by kind to the signals that can
//! match it, and one over its workloads, each reduced to the controller it stands for.
//!
//! A cluster dump holds a Deployment, its ReplicaSets and their Pods. Owned ReplicaSets and
//! Pods are not matched when their controller is in the input (it is matched instead); when
//! only the Pods are there (`kubectl get pods -A -o yaml`), a Pod stands for its controller,
//! whose kind and name come from the owner reference (the ReplicaSet's pod-template-hash
//! suffix removed), once per controller.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::sync::{Arc, LazyLock};

use kwar_inventory::{Inventory, Object, Workload, WorkloadKind};
use kwar_yaml::Node;
use regex::Regex;

use crate::engine::{Engine, Marker, ObjectRule, Ref, WebhookRule};
use crate::fasthash::{FxMap, FxSet};
use crate::images;
use crate::names::Strength;
use crate::{Detection, Detections, Match, Setting, Signal};

/// An Amazon Managed Service for Prometheus remote-write endpoint.
static AMP_ENDPOINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)aps-workspaces\.[a-z0-9-]+\.amazonaws\.com").expect("literal")
});

/// Environment variables and flags through which Karpenter is given its interruption queue
/// (`settings.interruptionQueue` in the Helm chart; older releases named it differently).
const INTERRUPTION_QUEUE_ENV: [&str; 3] = [
    "INTERRUPTION_QUEUE",
    "INTERRUPTION_QUEUE_NAME",
    "AWS_INTERRUPTION_QUEUE_NAME",
];

pub(crate) fn run(engine: &Engine, inv: &Inventory) -> Detections {
    let mut scan = Scan {
        engine,
        matches: vec![Vec::new(); engine.detectors.len()],
        settings: vec![Vec::new(); engine.detectors.len()],
        images: FxMap::default(),
        namespaces: FxMap::default(),
        derived: FxSet::default(),
        controllers: inv
            .workloads()
            .iter()
            .filter(|w| w.kind != WorkloadKind::Pod)
            .map(|w| {
                let o = inv.object(w.object);
                (w.kind, o.namespace_key(), o.name())
            })
            .collect(),
    };
    for object in inv.objects() {
        scan.object(object);
    }
    for w in inv.workloads() {
        scan.workload(inv.object(w.object), w);
    }
    scan.finish()
}

/// Image matches of one image reference, the most specific pattern per detector.
#[derive(Debug, Clone)]
struct ImageHit {
    signal: usize,
    detector: usize,
}

struct Scan<'a> {
    engine: &'a Engine,
    matches: Vec<Vec<Match>>,
    settings: Vec<Vec<Setting>>,
    /// Images seen so far (most clusters run few distinct images many times).
    images: FxMap<&'a str, Vec<ImageHit>>,
    /// Namespace names shared by the matches in them.
    namespaces: FxMap<String, Arc<str>>,
    /// Controllers already matched through one of their Pods.
    derived: FxSet<(WorkloadKind, &'a str, String)>,
    /// Every object that can own a workload, by kind, namespace and name.
    controllers: FxSet<(WorkloadKind, &'a str, &'a str)>,
}

/// The controller a workload object stands for.
struct Unit<'a> {
    kind: WorkloadKind,
    name: Cow<'a, str>,
    /// The Pod or ReplicaSet it was derived from, when the controller is not in the input.
    derived: bool,
}

/// One container of a pod template.
struct PodContainer<'a> {
    name: &'a str,
    node: &'a Node,
    app: bool,
}

/// An object's metadata maps, looked up once per object.
struct Meta<'a> {
    labels: Option<&'a Node>,
    annotations: Option<&'a Node>,
}

impl<'a> Meta<'a> {
    fn of(object: &'a Object) -> Meta<'a> {
        let m = object.metadata();
        Meta {
            labels: m.and_then(|m| m.get("labels")),
            annotations: m.and_then(|m| m.get("annotations")),
        }
    }

    fn labels(&self) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
        string_pairs(self.labels)
    }

    fn annotations(&self) -> impl Iterator<Item = (&'a str, &'a str)> + Clone {
        string_pairs(self.annotations)
    }
}

fn describe(object: &Object) -> String {
    match object.namespace() {
        Some(ns) => format!("{} {ns}/{}", object.kind(), object.name()),
        None => format!("{} {}", object.kind(), object.name()),
    }
}

fn kind_name(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Pod => "Pod",
        WorkloadKind::Deployment => "Deployment",
        WorkloadKind::StatefulSet => "StatefulSet",
        WorkloadKind::DaemonSet => "DaemonSet",
        WorkloadKind::ReplicaSet => "ReplicaSet",
        WorkloadKind::ReplicationController => "ReplicationController",
        WorkloadKind::Job => "Job",
        WorkloadKind::CronJob => "CronJob",
        WorkloadKind::Rollout => "Rollout",
    }
}

fn string_pairs(node: Option<&Node>) -> impl Iterator<Item = (&str, &str)> + Clone {
    node.map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
}

/// The controlling owner reference (or the first one).
fn owner(object: &Object) -> Option<(&str, &str)> {
    let refs = object.root().at(&["metadata", "ownerReferences"])?.items();
    let chosen = refs
        .iter()
        .find(|r| r.get("controller").and_then(Node::as_bool) == Some(true))
        .or_else(|| refs.first())?;
    Some((
        chosen.get("kind").and_then(Node::as_str)?,
        chosen.get("name").and_then(Node::as_str)?,
    ))
}

fn controller_kind(kind: &str) -> Option<WorkloadKind> {
    Some(match kind {
        "Deployment" => WorkloadKind::Deployment,
        "StatefulSet" => WorkloadKind::StatefulSet,
        "DaemonSet" => WorkloadKind::DaemonSet,
        "ReplicaSet" => WorkloadKind::ReplicaSet,
        "ReplicationController" => WorkloadKind::ReplicationController,
        "Job" => WorkloadKind::Job,
        "CronJob" => WorkloadKind::CronJob,
        "Rollout" => WorkloadKind::Rollout,
        _ => return None,
    })
}

/// `web-5d8f7c9b4` → `web`: a ReplicaSet of a Deployment is named after it plus the
/// pod-template-hash.
fn strip_hash<'a>(replicaset: &'a str, hash: Option<&str>) -> &'a str {
    if let Some(h) = hash {
        if let Some(base) = replicaset.strip_suffix(h).and_then(|b| b.strip_suffix('-')) {
            return base;
        }
    }
    replicaset
        .rsplit_once('-')
        .map_or(replicaset, |(base, _)| base)
}

fn containers<'a>(w: &Workload, object: &'a Object) -> Vec<PodContainer<'a>> {
    let Some(spec) = w.pod_spec(object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (field, app) in [("containers", true), ("initContainers", false)] {
        for node in spec.get(field).map(Node::items).unwrap_or_default() {
            out.push(PodContainer {
                name: node.get("name").and_then(Node::as_str).unwrap_or_default(),
                node,
                app,
            });
        }
    }
    out
}

/// `command` and `args` of a container, as strings.
fn arguments<'a>(c: &PodContainer<'a>) -> impl Iterator<Item = &'a str> {
    ["command", "args"]
        .into_iter()
        .flat_map(|f| c.node.get(f).map(Node::items).unwrap_or_default())
        .filter_map(Node::as_str)
}

/// `env` entries: name and literal value (None when taken from a reference).
fn env_vars<'a>(c: &PodContainer<'a>) -> impl Iterator<Item = (&'a str, Option<&'a str>)> {
    c.node
        .get("env")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            Some((
                e.get("name").and_then(Node::as_str)?,
                e.get("value").and_then(Node::as_str),
            ))
        })
}

impl<'a> Scan<'a> {
    fn namespace_name(&mut self, ns: &str) -> Arc<str> {
        if let Some(shared) = self.namespaces.get(ns) {
            return shared.clone();
        }
        let shared: Arc<str> = ns.into();
        self.namespaces.insert(ns.to_string(), shared.clone());
        shared
    }

    fn push(&mut self, at: &Ref, object: &Object, signal: Signal, detail: String) {
        self.push_versioned(at, object, signal, detail, None);
    }

    fn push_versioned(
        &mut self,
        at: &Ref,
        object: &Object,
        signal: Signal,
        detail: String,
        version: Option<String>,
    ) {
        let namespace = object.namespace().map(|ns| self.namespace_name(ns));
        self.matches[at.detector].push(Match {
            object: object.id,
            signal,
            detail,
            obsolete: at.obsolete,
            pattern: at.pattern,
            note: at.note,
            namespace,
            version,
        });
    }

    fn object(&mut self, object: &'a Object) {
        let engine = self.engine;
        let group = object.api_group();
        match (group, object.kind()) {
            ("apiextensions.k8s.io", "CustomResourceDefinition") => self.crd(object),
            ("apiregistration.k8s.io", "APIService") => {
                let name = object.name().to_ascii_lowercase();
                if let Some(refs) = engine.apiservices.get(&name) {
                    let unavailable = object
                        .root()
                        .at(&["status", "conditions"])
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .any(|c| {
                            c.get("type").and_then(Node::as_str) == Some("Available")
                                && c.get("status").and_then(Node::as_str) == Some("False")
                        });
                    let detail = format!(
                        "APIService {}{}",
                        object.name(),
                        if unavailable {
                            " (Available=False)"
                        } else {
                            ""
                        }
                    );
                    for at in refs {
                        self.push(at, object, Signal::ApiService, detail.clone());
                    }
                }
            }
            ("storage.k8s.io", "CSIDriver") => {
                for rule in &engine.drivers {
                    if rule.csi_driver && rule.name.matches(object.name()) {
                        let detail = format!("CSIDriver {}", object.name());
                        self.push(&rule.at, object, Signal::CsiDriver, detail);
                    }
                }
            }
            ("storage.k8s.io", "StorageClass") => {
                let provisioner = object
                    .root()
                    .get("provisioner")
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                for rule in &engine.drivers {
                    if rule.storage_class && rule.name.matches(provisioner) {
                        let detail =
                            format!("StorageClass {} provisioner {provisioner}", object.name());
                        self.push(&rule.at, object, Signal::Provisioner, detail);
                    }
                }
            }
            (
                "admissionregistration.k8s.io",
                kind @ ("ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration"),
            ) => {
                let name = object.name().to_ascii_lowercase();
                for (rule, at) in &engine.webhooks {
                    let hit = match rule {
                        WebhookRule::Named { kind: k, name: n } => {
                            k.is_none_or(|k| k == kind)
                                && (name == *n
                                    || name
                                        .strip_suffix(n.as_str())
                                        .is_some_and(|p| p.ends_with('-')))
                        }
                        WebhookRule::Contains(text) => name.contains(text.as_str()),
                    };
                    if hit {
                        self.push(at, object, Signal::Webhook, describe(object));
                    }
                }
            }
            ("networking.k8s.io", "IngressClass") => {
                let controller = object
                    .root()
                    .at(&["spec", "controller"])
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                if let Some(refs) = engine.ingress_classes.get(&controller.to_ascii_lowercase()) {
                    let detail = format!("IngressClass {} controller {controller}", object.name());
                    for at in refs {
                        self.push(at, object, Signal::IngressClass, detail.clone());
                    }
                }
            }
            ("gateway.networking.k8s.io", "GatewayClass") => {
                let controller = object
                    .root()
                    .at(&["spec", "controllerName"])
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                if let Some(refs) = engine.gateway_classes.get(&controller.to_ascii_lowercase()) {
                    let detail = format!("GatewayClass {} controller {controller}", object.name());
                    for at in refs {
                        self.push(at, object, Signal::GatewayClass, detail.clone());
                    }
                }
            }
            ("", "Node") => {
                for (kv, at) in &engine.node_labels {
                    if let Some((k, v)) = kv.find(object.labels()) {
                        let detail = format!("Node {} label {k}={v}", object.name());
                        self.push(at, object, Signal::NodeLabel, detail);
                    }
                }
            }
            ("", "Namespace") => self.namespace(object),
            _ => {}
        }
        if !group.is_empty() {
            self.custom_resource(object, group);
        }
        let kind = object.kind();
        // Managed-object markers are read on workloads (in `workload`) and on the few kinds
        // delivered next to them, not on every ConfigMap and Secret of a dump.
        let delivered = (group.is_empty() && matches!(kind, "Service" | "Namespace"))
            || (group == "networking.k8s.io" && kind == "Ingress");
        if delivered && !object.is_owned() {
            self.managed(object, &|| describe(object));
        }
        for (scope, kv, at) in &engine.annotations {
            if scope.kinds.iter().any(|k| k == kind) {
                if let Some((k, v)) = kv.find(object.annotations()) {
                    let detail = format!("annotation {k}={v} on {}", describe(object));
                    self.push(at, object, Signal::Annotation, detail);
                }
            }
        }
        for (rule, at) in &engine.objects {
            if let Some(detail) = object_rule(rule, object, group) {
                self.push(at, object, Signal::Object, detail);
            }
        }
    }

    /// Labels and annotations a component puts on what it manages, read on workloads,
    /// Services, Ingresses and Namespaces: every GitOps tool and Helm mark what they deliver,
    /// and reading them there spares a walk through the metadata of every ConfigMap and
    /// Secret of a cluster dump (a tenth of the scan).
    fn managed(&mut self, object: &Object, unit_label: &dyn Fn() -> String) {
        let meta = Meta::of(object);
        for (marker, kv, at) in &self.engine.managed {
            let found = match marker {
                Marker::Label => kv.find(meta.labels()),
                Marker::Annotation => kv.find(meta.annotations()),
            };
            if let Some((k, v)) = found {
                let what = if *marker == Marker::Label {
                    "label"
                } else {
                    "annotation"
                };
                let detail = format!("{what} {k}={v} on {}", unit_label());
                self.push(at, object, Signal::ManagedLabel, detail);
            }
        }
    }

    fn crd(&mut self, object: &Object) {
        let engine = self.engine;
        let name = object.name().to_ascii_lowercase();
        if let Some(refs) = engine.crds.get(&name) {
            for at in refs {
                let detail = format!("CustomResourceDefinition {}", object.name());
                self.push(at, object, Signal::Crd, detail);
            }
        }
        for (group, at) in &engine.crd_groups {
            if name
                .strip_suffix(group.as_str())
                .is_some_and(|p| p.ends_with('.'))
            {
                let detail = format!("CustomResourceDefinition {}", object.name());
                self.push(at, object, Signal::Crd, detail);
            }
        }
    }

    /// An object of a kind whose CRD the catalog lists: the CRD exists where it was applied.
    fn custom_resource(&mut self, object: &Object, group: &str) {
        let engine = self.engine;
        let exact = engine.cr_kinds.get(group);
        let wildcard = engine.crd_groups.iter().any(|(g, _)| {
            group == g
                || group
                    .strip_suffix(g.as_str())
                    .is_some_and(|p| p.ends_with('.'))
        });
        if exact.is_none() && !wildcard {
            return;
        }
        let kind = object.kind().to_ascii_lowercase();
        let plural = crate::engine::plural(&kind);
        let detail = || format!("{} ({})", describe(object), group);
        for (p, at) in exact.map(Vec::as_slice).unwrap_or_default() {
            if *p == plural || *p == kind {
                self.push(at, object, Signal::CustomResource, detail());
            }
        }
        if wildcard {
            for (g, at) in &engine.crd_groups {
                if group == g
                    || group
                        .strip_suffix(g.as_str())
                        .is_some_and(|p| p.ends_with('.'))
                {
                    self.push(at, object, Signal::CustomResource, detail());
                }
            }
        }
    }

    fn namespace(&mut self, object: &Object) {
        let engine = self.engine;
        let name = object.name();
        let meta = Meta::of(object);
        for (kv, at) in &engine.namespace_labels {
            if let Some((k, v)) = kv.find(meta.labels()) {
                let detail = format!("Namespace {name} label {k}={v}");
                self.push(at, object, Signal::NamespaceLabel, detail);
            }
        }
        for (kv, at) in &engine.namespace_annotations {
            if let Some((k, v)) = kv.find(meta.annotations()) {
                let detail = format!("Namespace {name} annotation {k}={v}");
                self.push(at, object, Signal::NamespaceAnnotation, detail);
            }
        }
        for (scope, kv, at) in &engine.annotations {
            if scope.namespace {
                if let Some((k, v)) = kv.find(meta.annotations()) {
                    let detail = format!("Namespace {name} annotation {k}={v}");
                    self.push(at, object, Signal::Annotation, detail);
                }
            }
        }
    }

    /// The controller a workload object stands for, or None when its controller is in the
    /// input (and is matched itself) or was already matched through another Pod.
    fn unit(&mut self, object: &'a Object, w: &Workload) -> Option<Unit<'a>> {
        let own = |kind| {
            Some(Unit {
                kind,
                name: Cow::Borrowed(object.name()),
                derived: false,
            })
        };
        let ns = object.namespace_key();
        let present = |kind: WorkloadKind, name: &str| self.controllers.contains(&(kind, ns, name));
        let (kind, name): (WorkloadKind, Cow<'a, str>) = match (w.kind, owner(object)) {
            (WorkloadKind::Pod, Some(("ReplicaSet", rs))) => {
                if present(WorkloadKind::ReplicaSet, rs) {
                    return None;
                }
                let deployment = strip_hash(rs, object.label("pod-template-hash"));
                if present(WorkloadKind::Deployment, deployment) {
                    return None;
                }
                (WorkloadKind::Deployment, Cow::Borrowed(deployment))
            }
            (WorkloadKind::Pod | WorkloadKind::ReplicaSet | WorkloadKind::Job, Some((k, n))) => {
                match controller_kind(k) {
                    Some(kind) if present(kind, n) => return None,
                    Some(kind) => (kind, Cow::Borrowed(n)),
                    // Owned by a Node (a static Pod) or by a custom controller (a
                    // StrimziPodSet, a CloneSet) that is no workload kind: the object itself.
                    None => return own(w.kind),
                }
            }
            (kind, _) => return own(kind),
        };
        let key = (kind, object.namespace_key(), name.to_string());
        if !self.derived.insert(key) {
            return None;
        }
        Some(Unit {
            kind,
            name,
            derived: true,
        })
    }

    fn workload(&mut self, object: &'a Object, w: &Workload) {
        let Some(unit) = self.unit(object, w) else {
            return;
        };
        let engine = self.engine;
        let boxes = containers(w, object);
        // Formatted only when something matches: most workloads match nothing.
        let label_cell = OnceCell::new();
        let unit_label = || -> &str {
            label_cell.get_or_init(|| {
                if unit.derived {
                    format!(
                        "{} {}/{} (from {} {})",
                        kind_name(unit.kind),
                        object.namespace_key(),
                        unit.name,
                        object.kind(),
                        object.name()
                    )
                } else {
                    describe(object)
                }
            })
        };

        // Images first: a controller's main container is the one its detector's image names.
        let mut image_container: FxMap<usize, usize> = FxMap::default();
        for (index, c) in boxes.iter().enumerate() {
            let Some(image) = c.node.get("image").and_then(Node::as_str) else {
                continue;
            };
            let hits = self.image_hits(image);
            for hit in hits {
                let info = &engine.detectors[hit.detector];
                if !info.image_kinds.is_empty() && !info.image_kinds.contains(&unit.kind) {
                    continue;
                }
                image_container.entry(hit.detector).or_insert(index);
                let at = engine.image_refs[hit.signal];
                let detail = format!("image {image} in {}", unit_label());
                let version = images::parse(image).tag.map(String::from);
                self.push_versioned(&at, object, Signal::Image, detail, version);
            }
        }

        // Names.
        let mut named: Vec<(usize, Strength, &'static str)> = Vec::new();
        let hits = engine.names.hits(&unit.name);
        // Detectors naming this workload exactly, whatever its kind and namespace: a name is
        // the component's identity (`grafana-agent` is not Grafana, even as a StatefulSet).
        let exact: Vec<usize> = hits
            .iter()
            .filter(|h| h.strength == Strength::Exact)
            .map(|h| engine.workload_rules[h.signal].detector)
            .collect();
        for hit in hits {
            let rule = &engine.workload_rules[hit.signal];
            let in_namespace = object
                .namespace()
                .is_none_or(|ns| rule.namespace.matches(ns));
            if !rule.kinds.contains(&unit.kind) || !in_namespace {
                continue;
            }
            match named.iter_mut().find(|(d, _, _)| *d == rule.detector) {
                Some(best) if best.1 >= hit.strength => {}
                Some(best) => *best = (rule.detector, hit.strength, rule.pattern),
                None => named.push((rule.detector, hit.strength, rule.pattern)),
            }
        }
        named.retain(|(d, s, _)| *s == Strength::Exact || exact.iter().all(|e| e == d));
        let lower = unit.name.to_ascii_lowercase();
        named.retain(|(d, _, _)| {
            !engine.detectors[*d].companions.iter().any(|c| {
                lower == *c
                    || lower
                        .strip_suffix(c.as_str())
                        .is_some_and(|p| p.ends_with('-'))
            })
        });
        for &(d, _, pattern) in &named {
            let main = image_container.get(&d).copied().or_else(|| {
                boxes
                    .iter()
                    .position(|c| {
                        c.app && (c.name == unit.name || lower.ends_with(&format!("-{}", c.name)))
                    })
                    .or_else(|| boxes.iter().position(|c| c.app))
            });
            let version = main
                .and_then(|i| boxes[i].node.get("image").and_then(Node::as_str))
                .and_then(|image| images::parse(image).tag.map(String::from));
            let at = Ref {
                detector: d,
                pattern,
                note: None,
                obsolete: false,
            };
            self.push_versioned(
                &at,
                object,
                Signal::Workload,
                unit_label().to_string(),
                version,
            );
        }

        self.managed(object, &|| unit_label().to_string());

        // Environment, settings of interest, and container-level object signals.
        for c in &boxes {
            for (name, _) in env_vars(c) {
                if let Some(refs) = engine.env.get(name) {
                    for at in refs {
                        let detail = format!("env {name} in {} container {}", unit_label(), c.name);
                        self.push(at, object, Signal::Env, detail);
                    }
                }
            }
        }
        let found: Vec<usize> = named
            .iter()
            .map(|(d, _, _)| *d)
            .chain(image_container.keys().copied())
            .collect();
        for d in found {
            self.settings_of(d, object, &boxes);
        }
        for (rule, at) in &engine.objects {
            if let Some(detail) = container_rule(rule, &unit, &boxes, &unit_label) {
                self.push(at, object, Signal::Object, detail);
            }
        }

        // Pod template annotations.
        let annotations = w.pod_metadata(object).and_then(|m| m.get("annotations"));
        if annotations.is_some() {
            for (kv, at) in &engine.pod_annotations {
                let found = kv.find(
                    string_pairs(annotations)
                        .filter(|(_, v)| kv.value.is_some() || !v.eq_ignore_ascii_case("false")),
                );
                if let Some((k, v)) = found {
                    let detail = format!("pod annotation {k}={v} in {}", unit_label());
                    self.push(at, object, Signal::PodAnnotation, detail);
                }
            }
            for (scope, kv, at) in &engine.annotations {
                if scope.pod_template {
                    if let Some((k, v)) = kv.find(string_pairs(annotations)) {
                        let detail = format!("pod annotation {k}={v} in {}", unit_label());
                        self.push(at, object, Signal::Annotation, detail);
                    }
                }
            }
        }
    }

    fn image_hits(&mut self, image: &'a str) -> Vec<ImageHit> {
        if let Some(hits) = self.images.get(image) {
            return hits.clone();
        }
        let engine = self.engine;
        let reference = images::parse(image);
        let mut best: Vec<(ImageHit, usize)> = Vec::new();
        for p in engine.images.hits(&reference.repository) {
            let detector = engine.image_refs[p.signal].detector;
            let hit = ImageHit {
                signal: p.signal,
                detector,
            };
            match best.iter_mut().find(|(h, _)| h.detector == detector) {
                Some(slot) if slot.1 >= p.specificity => {}
                Some(slot) => *slot = (hit, p.specificity),
                None => best.push((hit, p.specificity)),
            }
        }
        let hits: Vec<ImageHit> = best.into_iter().map(|(h, _)| h).collect();
        self.images.insert(image, hits.clone());
        hits
    }

    fn settings_of(&mut self, d: usize, object: &Object, boxes: &[PodContainer<'_>]) {
        let info = &self.engine.detectors[d];
        if info.env_of_interest.is_empty() && info.args_of_interest.is_empty() {
            return;
        }
        for c in boxes {
            for (name, value) in env_vars(c) {
                if let Some(wanted) = info.env_of_interest.iter().find(|w| **w == name) {
                    self.settings[d].push(Setting {
                        object: object.id,
                        container: c.name.to_string(),
                        name: wanted,
                        value: value.map(String::from),
                    });
                }
            }
            let args: Vec<&str> = arguments(c).collect();
            for (i, arg) in args.iter().enumerate() {
                for flag in &info.args_of_interest {
                    let value = if arg == flag {
                        // `--expander least-waste`: the value may be the next argument.
                        Some(
                            args.get(i + 1)
                                .filter(|n| !n.starts_with('-'))
                                .map(|n| n.to_string()),
                        )
                    } else {
                        arg.strip_prefix(flag)
                            .and_then(|rest| rest.strip_prefix('='))
                            .map(|v| Some(v.to_string()))
                    };
                    if let Some(value) = value {
                        self.settings[d].push(Setting {
                            object: object.id,
                            container: c.name.to_string(),
                            name: flag,
                            value,
                        });
                    }
                }
            }
        }
    }

    fn finish(self) -> Detections {
        let mut found = Vec::new();
        for ((info, mut matches), settings) in self
            .engine
            .detectors
            .iter()
            .zip(self.matches)
            .zip(self.settings)
        {
            if matches.is_empty() {
                continue;
            }
            matches.sort_by_key(|m| (m.object, m.signal));
            found.push(Detection {
                detector: info.id,
                what: info.what,
                matches,
                settings,
            });
        }
        Detections { found }
    }
}

/// Object signals decided by one object's own fields.
fn object_rule(rule: &ObjectRule, object: &Object, group: &str) -> Option<String> {
    let kind = object.kind();
    match rule {
        ObjectRule::Named {
            kind: k,
            namespace,
            name,
        } => (kind == k && object.name() == name && object.namespace() == Some(namespace))
            .then(|| describe(object)),
        ObjectRule::ConfigMapData {
            namespace,
            name,
            key,
            value,
        } => {
            if kind != "ConfigMap" || object.name() != name || object.namespace() != Some(namespace)
            {
                return None;
            }
            let found = object
                .root()
                .at(&["data", key])
                .and_then(Node::scalar_text)?;
            let ok = match value {
                Some(v) => found.trim().eq_ignore_ascii_case(v),
                None => !found.trim().is_empty(),
            };
            ok.then(|| format!("{} data.{key}={found}", describe(object)))
        }
        ObjectRule::Annotated { kind: k, key } => {
            let v = (kind == k).then(|| object.annotation(key)).flatten()?;
            (!v.trim().is_empty()).then(|| format!("{} annotation {key}={v}", describe(object)))
        }
        ObjectRule::Labelled { kind: k, key } => {
            let v = (kind == k).then(|| object.label(key)).flatten()?;
            Some(format!("{} label {key}={v}", describe(object)))
        }
        ObjectRule::SecretType(t) => (kind == "Secret"
            && object.root().get("type").and_then(Node::as_str) == Some(t))
        .then(|| format!("{} type {t}", describe(object))),
        ObjectRule::KindsInGroup { group: g, kinds } => {
            (kinds.iter().any(|k| k == kind) && group == g).then(|| describe(object))
        }
        ObjectRule::AmpRemoteWrite => amp_remote_write(object, group),
        ObjectRule::InterruptionQueue => {
            // Karpenter before v0.32 read its settings from this ConfigMap.
            if kind != "ConfigMap" || object.name() != "karpenter-global-settings" {
                return None;
            }
            let q = object
                .root()
                .at(&["data", "aws.interruptionQueueName"])
                .and_then(Node::as_str)?;
            (!q.trim().is_empty())
                .then(|| format!("{} data.aws.interruptionQueueName={q}", describe(object)))
        }
        ObjectRule::ContainerArg { .. } | ObjectRule::ContainerEnv { .. } => None,
    }
}

/// The first Amazon Managed Prometheus endpoint among the strings under `node`.
fn amp_endpoint(node: &Node) -> Option<String> {
    if let Some(s) = node.as_str() {
        // A cheap substring test first: ConfigMaps can hold megabytes of dashboards.
        return s
            .contains("aps-workspaces.")
            .then(|| AMP_ENDPOINT.find(s).map(|m| m.as_str().to_string()))
            .flatten();
    }
    node.items()
        .iter()
        .find_map(amp_endpoint)
        .or_else(|| node.entries().iter().find_map(|(_, v)| amp_endpoint(v)))
}

fn amp_remote_write(object: &Object, group: &str) -> Option<String> {
    let at = match (object.kind(), group) {
        ("ConfigMap", "") => object.root().get("data"),
        ("Prometheus" | "PrometheusAgent", "monitoring.coreos.com") => {
            object.root().at(&["spec", "remoteWrite"])
        }
        ("OpenTelemetryCollector", "opentelemetry.io") => object.root().at(&["spec", "config"]),
        _ => None,
    }?;
    let endpoint = amp_endpoint(at)?;
    Some(format!("{} remote write to {endpoint}", describe(object)))
}

/// Object signals decided by a workload's containers.
fn container_rule<'l>(
    rule: &ObjectRule,
    unit: &Unit<'_>,
    boxes: &[PodContainer<'_>],
    label: &impl Fn() -> &'l str,
) -> Option<String> {
    match rule {
        ObjectRule::ContainerArg {
            kind,
            workload,
            container,
            arg,
        } => {
            if unit.kind != *kind || unit.name != workload.as_str() {
                return None;
            }
            // The catalog names the container after its image: EKS's VPC CNI add-on runs the
            // `aws-network-policy-agent` image in a container named `aws-eks-nodeagent`.
            let c = boxes.iter().find(|c| {
                c.name == container
                    || c.node
                        .get("image")
                        .and_then(Node::as_str)
                        .and_then(|image| image.rsplit('/').next())
                        .and_then(|last| last.split([':', '@']).next())
                        == Some(container.as_str())
            })?;
            let (flag, want) = arg.split_once('=').unwrap_or((arg, ""));
            arguments(c)
                .find(|a| match a.split_once('=') {
                    Some((f, v)) => f == flag && v.eq_ignore_ascii_case(want),
                    None => *a == flag && want.is_empty(),
                })
                .map(|a| format!("{} container {container} arg {a}", label()))
        }
        ObjectRule::ContainerEnv {
            workload,
            env,
            value,
        } => {
            if unit.name != workload.as_str() {
                return None;
            }
            boxes.iter().find_map(|c| {
                env_vars(c)
                    .find(|(n, v)| {
                        n == env && v.is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
                    })
                    .map(|(n, v)| {
                        format!(
                            "{} container {} env {n}={}",
                            label(),
                            c.name,
                            v.unwrap_or_default()
                        )
                    })
            })
        }
        ObjectRule::InterruptionQueue => boxes.iter().find_map(|c| {
            let from_env = env_vars(c).find(|(n, v)| {
                INTERRUPTION_QUEUE_ENV.contains(n) && v.is_some_and(|v| !v.trim().is_empty())
            });
            if let Some((n, v)) = from_env {
                return Some(format!(
                    "{} container {} env {n}={}",
                    label(),
                    c.name,
                    v.unwrap_or_default()
                ));
            }
            arguments(c)
                .find(|a| a.starts_with("--interruption-queue"))
                .map(|a| format!("{} container {} arg {a}", label(), c.name))
        }),
        _ => None,
    }
}
