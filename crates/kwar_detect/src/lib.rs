//! Component detection: which well-known components (Prometheus, Karpenter, Argo CD, CSI
//! drivers, meshes, …) the input shows, from the catalog's `detectors:`.
//!
//! Every detector lists signals of several kinds; a detector is found when ANY of its signals
//! matches (catalog header). The catalog is compiled once into hash maps and two regex sets
//! (workload names, images), and the inventory is read in one pass over its objects plus one
//! over its workloads, so detection costs little next to parsing.
//!
//! How each signal kind is read (matching is case-insensitive, as the catalog says):
//!
//! | key | matches |
//! |---|---|
//! | `workloads` | controllers of the listed kinds, in the namespace (`*` or a name; `a\|*` is any), by name (see below) |
//! | `crds` | CustomResourceDefinitions by name (`*.group` by group suffix), and objects of the CRD's kind (a ServiceMonitor proves its CRD) |
//! | `images` | container images (app and init) of any workload — see below |
//! | `apiservices` | APIService by name; `Available=False` is said in the detail |
//! | `csidrivers` | CSIDriver by name, and StorageClasses provisioned by it |
//! | `provisioners`, `storage_provisioners` | StorageClass `provisioner` (and CSIDriver names); `<ns>` stands for one DNS label |
//! | `legacy` | `StorageClass provisioner X`: matches, marked obsolete |
//! | `webhooks` | Validating/MutatingWebhookConfiguration by name (or a Helm-prefixed name), of the kind named; `(name contains X)` by substring |
//! | `ingressclass_controllers`, `ingress_controllers` | IngressClass `spec.controller`; the map's label becomes [`Match::note`] |
//! | `gatewayclass_controllers` | GatewayClass `spec.controllerName` |
//! | `node_labels`, `namespace_labels`, `namespace_annotations` | `key`, `key=value`, `key=<placeholder>` (any value) on Nodes / Namespaces |
//! | `pod_annotations` | pod template annotations; a key-only signal ignores the value `false` |
//! | `annotations` | on the objects named: `… on Service/Ingress`, `(namespace or pod template)` |
//! | `env` | a container environment variable by name (case-sensitive, as programs read it) |
//! | `objects` | the prose forms, each interpreted in `engine.rs` (a named ConfigMap, a ConfigMap value, a ServiceAccount annotation, Secrets of a type, kinds of a group, a container argument or env value of a named workload, an AMP remote-write URL, Karpenter's interruption queue) |
//! | `managed_object_labels` | labels (annotations where the note says so) on workloads, Services, Ingresses and Namespaces; a signal the catalog calls ambiguous is not used |
//! | `companions` | not the component: a workload named like one (`prometheus-node-exporter`, `<release>-kube-state-metrics`) does not match the detector's `workloads` |
//! | `kinds` | restricts `images` to these workload kinds (data stores: StatefulSets) |
//! | `env_of_interest`, `args_of_interest` | read from matched workloads into [`Detection::settings`] |
//! | `eks_addons`, `aws` | need AWS evidence: not evaluated, see [`Detections::aws_evidence`] |
//! | `related` | a comment |
//!
//! Workload names: a plain name matches the whole name, or as a dash-separated part of it
//! (`kube-prometheus-stack-grafana`, `kyverno-admission-controller`); a regular expression is
//! used as written with its unanchored ends bounded at a dash; a workload that a detector
//! names exactly is not also claimed by another detector's partial or regex match
//! (`aws-node-termination-handler` is not `aws-node`). Image patterns: a repository path
//! matches that repository, below it, behind a mirror, or a `-variant` of it (not for obsolete
//! forms); `org/` and a registry host match everything under them; a bare name (`redis`)
//! matches a path segment of that name with `db` or an edition suffix. The most specific
//! image pattern of a detector decides (Flux v1's `fluxcd/flux` over `fluxcd/`).
//!
//! Owned ReplicaSets, Jobs and Pods are skipped when their controller is in the input; when
//! only Pods are (`kubectl get pods -A`), a Pod stands for its controller, once.

mod engine;
mod fasthash;
mod images;
mod names;
mod scan;

use std::fmt;
use std::sync::{Arc, LazyLock};

use kwar_catalog::detectors::DetectorSpec;
use kwar_catalog::Catalog;
use kwar_inventory::{Inventory, ObjectId};

pub use engine::{Reason, Unevaluated};

use engine::Engine;

/// The embedded catalog's detectors, compiled once per process.
static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::compile(Catalog::embedded()));

/// The components found in one inventory, in catalog order.
#[derive(Debug, Default)]
pub struct Detections {
    found: Vec<Detection>,
}

impl Detections {
    /// Runs every detector of the embedded catalog over the inventory.
    pub fn detect(inv: &Inventory) -> Detections {
        scan::run(&ENGINE, inv)
    }

    /// The detection of `detector` (a catalog detector id), when it was found.
    pub fn get(&self, detector: &str) -> Option<&Detection> {
        self.found.iter().find(|d| d.detector == detector)
    }

    pub fn is_present(&self, detector: &str) -> bool {
        self.get(detector).is_some()
    }

    /// The first of `detectors`, in the order given, that was found.
    pub fn first_of<'a>(&'a self, detectors: &[&str]) -> Option<&'a Detection> {
        detectors.iter().find_map(|d| self.get(d))
    }

    /// Found detections, in catalog order.
    pub fn iter(&self) -> impl Iterator<Item = &Detection> {
        self.found.iter()
    }

    pub fn len(&self) -> usize {
        self.found.len()
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// What the catalog says about a detector (found or not).
    pub fn spec(&self, detector: &str) -> Option<&'static DetectorSpec> {
        ENGINE
            .detectors
            .iter()
            .find(|d| d.id == detector)
            .map(|d| d.spec)
    }

    /// The evidence for `detector` that only AWS APIs can give (`eks_addons`, `aws`): when
    /// not empty and the detector is absent, the report should say the component may still
    /// be present as an EKS add-on or AWS-side feature.
    pub fn aws_evidence(&self, detector: &str) -> AwsEvidence {
        match self.spec(detector) {
            Some(spec) => AwsEvidence {
                eks_addons: &spec.eks_addons,
                aws: &spec.aws,
            },
            None => AwsEvidence::default(),
        }
    }
}

/// Signals of one detector that need AWS evidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwsEvidence {
    /// EKS add-on names (`eks:ListAddons`).
    pub eks_addons: &'static [String],
    /// AWS API calls, as the catalog writes them.
    pub aws: &'static [String],
}

impl AwsEvidence {
    pub fn is_empty(&self) -> bool {
        self.eks_addons.is_empty() && self.aws.is_empty()
    }
}

/// Catalog signals that detection does not evaluate (AWS evidence, comments, ambiguous
/// markers), each with the reason.
pub fn unevaluated() -> &'static [Unevaluated] {
    &ENGINE.unevaluated
}

/// Ids of every detector the engine knows, in catalog order.
pub fn detector_ids() -> impl Iterator<Item = &'static str> {
    ENGINE.detectors.iter().map(|d| d.id)
}

/// One component found.
#[derive(Debug, Clone)]
pub struct Detection {
    /// The catalog detector id.
    pub detector: &'static str,
    /// The catalog's description of the component.
    pub what: &'static str,
    /// Every signal that matched, by object (input order), then signal.
    pub matches: Vec<Match>,
    /// Configuration of the matched workloads that the catalog names as of interest
    /// (`env_of_interest`, `args_of_interest`).
    pub settings: Vec<Setting>,
}

impl Detection {
    /// The objects that matched, each once.
    pub fn objects(&self) -> impl Iterator<Item = ObjectId> + '_ {
        let mut last = None;
        self.matches.iter().filter_map(move |m| {
            let new = last != Some(m.object);
            last = Some(m.object);
            new.then_some(m.object)
        })
    }

    /// Namespaces of the matched objects, sorted, deduplicated.
    pub fn namespaces(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .matches
            .iter()
            .filter_map(|m| m.namespace.as_deref())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The component's version as its image tag says (`v0.7.2`, as written): from the main
    /// container of a matched controller, else from a matched image.
    pub fn version(&self) -> Option<&str> {
        let of = |signal: Signal| {
            self.matches
                .iter()
                .filter(move |m| m.signal == signal)
                .find_map(|m| m.version.as_deref())
        };
        of(Signal::Workload)
            .or_else(|| of(Signal::Image))
            .or_else(|| self.matches.iter().find_map(|m| m.version.as_deref()))
    }

    /// True when every match is through a signal the catalog marks obsolete or legacy (Flux
    /// v1 only, in-tree EBS provisioner only, …).
    pub fn is_obsolete(&self) -> bool {
        !self.matches.is_empty() && self.matches.iter().all(|m| m.obsolete)
    }

    /// Matches through one kind of signal.
    pub fn matches_of(&self, signal: Signal) -> impl Iterator<Item = &Match> + '_ {
        self.matches.iter().filter(move |m| m.signal == signal)
    }

    /// The workloads that revealed the component, each once, in match order (a workload
    /// can match through its name and its image).
    pub fn workloads(&self) -> impl Iterator<Item = ObjectId> + '_ {
        let mut seen = Vec::new();
        self.matches_of(Signal::Workload)
            .map(|m| m.object)
            .filter(move |id| {
                if seen.contains(id) {
                    return false;
                }
                seen.push(*id);
                true
            })
    }

    /// The value of a setting of interest (first found), e.g. `ENABLE_PREFIX_DELEGATION`.
    pub fn setting(&self, name: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.name == name)
    }
}

/// What kind of evidence matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// A controller by kind, namespace and name (or a Pod of one, when only Pods exist).
    Workload,
    /// A container image of a workload.
    Image,
    /// A CustomResourceDefinition.
    Crd,
    /// An object of a listed CRD's kind (the CRD itself may be absent from manifests).
    CustomResource,
    ApiService,
    CsiDriver,
    /// A StorageClass provisioner.
    Provisioner,
    /// A Validating- or MutatingWebhookConfiguration.
    Webhook,
    IngressClass,
    GatewayClass,
    NodeLabel,
    NamespaceLabel,
    NamespaceAnnotation,
    PodAnnotation,
    /// An annotation on the objects the catalog names (Service, Ingress, Namespace, …).
    Annotation,
    /// A container environment variable.
    Env,
    /// An object the catalog describes (a ConfigMap, a ServiceAccount annotation, …).
    Object,
    /// A label or annotation the component puts on what it manages.
    ManagedLabel,
}

impl Signal {
    pub fn id(self) -> &'static str {
        match self {
            Signal::Workload => "workload",
            Signal::Image => "image",
            Signal::Crd => "crd",
            Signal::CustomResource => "custom-resource",
            Signal::ApiService => "apiservice",
            Signal::CsiDriver => "csidriver",
            Signal::Provisioner => "provisioner",
            Signal::Webhook => "webhook",
            Signal::IngressClass => "ingressclass",
            Signal::GatewayClass => "gatewayclass",
            Signal::NodeLabel => "node-label",
            Signal::NamespaceLabel => "namespace-label",
            Signal::NamespaceAnnotation => "namespace-annotation",
            Signal::PodAnnotation => "pod-annotation",
            Signal::Annotation => "annotation",
            Signal::Env => "env",
            Signal::Object => "object",
            Signal::ManagedLabel => "managed-label",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub object: ObjectId,
    pub signal: Signal,
    /// For people: `Deployment kube-system/metrics-server`,
    /// `image quay.io/prometheus/prometheus:v2.54.1 in StatefulSet monitoring/prometheus-k8s`.
    pub detail: String,
    /// The catalog marks the matched form obsolete or legacy.
    pub obsolete: bool,
    /// The catalog signal that matched, as written.
    pub pattern: &'static str,
    /// The catalog's note on that signal (an IngressClass controller's label such as
    /// `community ingress-nginx (RETIRED March 2026)`, `v1alpha5, obsolete`, …).
    pub note: Option<&'static str>,
    /// The matched object's namespace, if it names one.
    pub namespace: Option<Arc<str>>,
    /// The image tag of the matched image, or of the matched controller's main container.
    pub version: Option<String>,
}

/// A setting of interest read from a matched workload's container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub object: ObjectId,
    pub container: String,
    /// The environment variable or flag as the catalog names it (`WARM_IP_TARGET`,
    /// `--expander`).
    pub name: &'static str,
    /// Its value: the env value (None when taken from a ConfigMap/Secret reference), or the
    /// flag's value (None for a bare flag).
    pub value: Option<String>,
}

#[cfg(test)]
mod tests;
