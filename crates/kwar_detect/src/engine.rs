//! The catalog's detectors compiled once into lookup tables: hash maps for exact names, one
//! regex set for every workload name and one for every image pattern. Each catalog signal is
//! interpreted here; a signal the engine cannot interpret is recorded in
//! [`Engine::unevaluated`] (and fails this crate's tests), never silently dropped.

use kwar_catalog::detectors::{DetectorSpec, SignalEntry};
use kwar_catalog::Catalog;
use kwar_inventory::WorkloadKind;
use regex::Regex;

use crate::fasthash::FxMap;
use crate::images::{ImageSet, ImageSetBuilder};
use crate::names::{NameSet, NameSetBuilder, NamespacePattern};

/// Why a catalog signal is not matched against the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// `eks_addons` and `aws`: decided from AWS API evidence, not from Kubernetes objects.
    NeedsAwsEvidence,
    /// Free text that names no matchable evidence (`related`, prose after a signal).
    Comment,
    /// The catalog itself calls the signal ambiguous (`app.kubernetes.io/instance` is set by
    /// every Helm chart, not only by Argo CD): matching it would detect the component
    /// everywhere.
    Ambiguous,
    /// The engine does not know how to read it. This crate's tests fail on any.
    Uninterpreted(String),
}

/// A catalog signal that detection does not evaluate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unevaluated {
    pub detector: &'static str,
    /// The catalog key (`aws`, `eks_addons`, `related`, …).
    pub key: &'static str,
    pub text: &'static str,
    pub reason: Reason,
}

/// Where a match came from in the catalog.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ref {
    pub detector: usize,
    /// The signal as the catalog writes it.
    pub pattern: &'static str,
    pub note: Option<&'static str>,
    pub obsolete: bool,
}

impl Ref {
    fn new(detector: usize, entry: &'static SignalEntry) -> Ref {
        Ref {
            detector,
            pattern: &entry.text,
            note: entry.note.as_deref(),
            obsolete: entry.is_obsolete(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct WorkloadRule {
    pub detector: usize,
    pub kinds: Vec<WorkloadKind>,
    pub namespace: NamespacePattern,
    pub pattern: &'static str,
}

/// A label or annotation condition: `key`, `key=value`, `key=<placeholder>` (any value), or a
/// key pattern (`instrumentation.opentelemetry.io/inject-(java|go)`).
#[derive(Debug)]
pub(crate) struct KeyValue {
    pub key: String,
    pub key_pattern: Option<Regex>,
    /// None: any value.
    pub value: Option<String>,
}

impl KeyValue {
    pub fn parse(text: &str) -> Result<KeyValue, String> {
        let (key, value) = match text.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim().trim_matches('"'))),
            None => (text.trim(), None),
        };
        if key.is_empty() || key.contains(' ') {
            return Err(format!("not a label or annotation key: `{text}`"));
        }
        let value = value
            .filter(|v| !(v.starts_with('<') && v.ends_with('>')))
            .map(str::to_string);
        let key_pattern = if key.contains(['(', '|', '*', '[']) {
            let source = format!("(?i)^{}$", key.replace('.', "\\."));
            Some(Regex::new(&source).map_err(|e| format!("key pattern `{key}`: {e}"))?)
        } else {
            None
        };
        Ok(KeyValue {
            key: key.to_string(),
            key_pattern,
            value,
        })
    }

    pub fn key_matches(&self, key: &str) -> bool {
        match &self.key_pattern {
            Some(re) => re.is_match(key),
            None => self.key.eq_ignore_ascii_case(key),
        }
    }

    pub fn value_matches(&self, value: &str) -> bool {
        match &self.value {
            Some(v) => v.eq_ignore_ascii_case(value.trim()),
            None => true,
        }
    }

    /// The first entry of a label or annotation map that satisfies the condition.
    pub fn find<'a>(
        &self,
        mut pairs: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<(&'a str, &'a str)> {
        pairs.find(|(k, v)| self.key_matches(k) && self.value_matches(v))
    }
}

/// Where an `annotations` signal is looked for.
#[derive(Debug, Default)]
pub(crate) struct AnnotationScope {
    pub namespace: bool,
    pub pod_template: bool,
    /// Kinds of objects whose own metadata carries the annotation.
    pub kinds: Vec<String>,
}

/// Managed-object markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    Label,
    Annotation,
}

/// Name patterns of CSI drivers and StorageClass provisioners.
#[derive(Debug)]
pub(crate) enum NamePat {
    Exact(String),
    Regex(Regex),
}

impl NamePat {
    pub fn matches(&self, name: &str) -> bool {
        match self {
            NamePat::Exact(n) => n.eq_ignore_ascii_case(name),
            NamePat::Regex(re) => re.is_match(name),
        }
    }
}

#[derive(Debug)]
pub(crate) struct DriverRule {
    pub name: NamePat,
    /// Matches CSIDriver objects by name.
    pub csi_driver: bool,
    /// Matches StorageClasses by provisioner.
    pub storage_class: bool,
    pub at: Ref,
}

#[derive(Debug)]
pub(crate) enum WebhookRule {
    /// A configuration of the given kind (None: either) with this name, or a name ending in
    /// `-<name>` (a Helm release prefix).
    Named {
        kind: Option<&'static str>,
        name: String,
    },
    /// A configuration of either kind whose name contains the text.
    Contains(String),
}

/// Objects the catalog describes in words, as interpreted here.
#[derive(Debug)]
pub(crate) enum ObjectRule {
    Named {
        kind: String,
        namespace: String,
        name: String,
    },
    /// A ConfigMap key with a value (None: any non-empty value).
    ConfigMapData {
        namespace: String,
        name: String,
        key: String,
        value: Option<String>,
    },
    Annotated {
        kind: String,
        key: String,
    },
    Labelled {
        kind: String,
        key: String,
    },
    SecretType(String),
    KindsInGroup {
        group: String,
        kinds: Vec<String>,
    },
    /// A container of a named workload running with an argument.
    ContainerArg {
        kind: WorkloadKind,
        workload: String,
        container: String,
        arg: String,
    },
    /// A container of a named workload with an environment variable set to a value.
    ContainerEnv {
        workload: String,
        env: String,
        value: String,
    },
    /// Prometheus remote write into Amazon Managed Service for Prometheus.
    AmpRemoteWrite,
    /// Karpenter's interruption queue configured.
    InterruptionQueue,
}

#[derive(Debug)]
pub(crate) struct DetectorInfo {
    pub id: &'static str,
    pub what: &'static str,
    pub spec: &'static DetectorSpec,
    pub companions: Vec<String>,
    /// Kinds the image signals are restricted to (empty: any).
    pub image_kinds: Vec<WorkloadKind>,
    pub env_of_interest: Vec<&'static str>,
    pub args_of_interest: Vec<&'static str>,
}

#[derive(Debug)]
pub(crate) struct Engine {
    pub detectors: Vec<DetectorInfo>,
    pub workload_rules: Vec<WorkloadRule>,
    pub names: NameSet,
    pub image_refs: Vec<Ref>,
    pub images: ImageSet,
    /// CRD name (lowercase) → signals.
    pub crds: FxMap<String, Vec<Ref>>,
    /// `*.group` wildcards: the group suffix.
    pub crd_groups: Vec<(String, Ref)>,
    /// API group → (resource plural, signal), for custom resources of a listed CRD.
    pub cr_kinds: FxMap<String, Vec<(String, Ref)>>,
    pub apiservices: FxMap<String, Vec<Ref>>,
    pub drivers: Vec<DriverRule>,
    pub ingress_classes: FxMap<String, Vec<Ref>>,
    pub gateway_classes: FxMap<String, Vec<Ref>>,
    pub node_labels: Vec<(KeyValue, Ref)>,
    pub namespace_labels: Vec<(KeyValue, Ref)>,
    pub namespace_annotations: Vec<(KeyValue, Ref)>,
    pub pod_annotations: Vec<(KeyValue, Ref)>,
    pub annotations: Vec<(AnnotationScope, KeyValue, Ref)>,
    pub env: FxMap<String, Vec<Ref>>,
    pub managed: Vec<(Marker, KeyValue, Ref)>,
    pub objects: Vec<(ObjectRule, Ref)>,
    pub webhooks: Vec<(WebhookRule, Ref)>,
    pub unevaluated: Vec<Unevaluated>,
}

pub(crate) fn workload_kind(name: &str) -> Option<WorkloadKind> {
    Some(match name {
        "Deployment" => WorkloadKind::Deployment,
        "StatefulSet" => WorkloadKind::StatefulSet,
        "DaemonSet" => WorkloadKind::DaemonSet,
        "Job" => WorkloadKind::Job,
        "CronJob" => WorkloadKind::CronJob,
        "ReplicaSet" => WorkloadKind::ReplicaSet,
        "Pod" => WorkloadKind::Pod,
        "Rollout" => WorkloadKind::Rollout,
        _ => return None,
    })
}

/// `prometheuses` from `Prometheus`, the way CRD names are formed (lowercase kind, English
/// plural as kubebuilder forms it).
pub(crate) fn plural(kind_lower: &str) -> String {
    let k = kind_lower;
    if k.ends_with('s')
        || k.ends_with('x')
        || k.ends_with('z')
        || k.ends_with("ch")
        || k.ends_with("sh")
    {
        format!("{k}es")
    } else if let Some(stem) = k.strip_suffix('y') {
        if stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            format!("{k}s")
        } else {
            format!("{stem}ies")
        }
    } else {
        format!("{k}s")
    }
}

impl Engine {
    pub fn compile(catalog: &'static Catalog) -> Engine {
        let mut c = Compiler::default();
        for (index, spec) in catalog.detectors.iter().enumerate() {
            c.detector(index, spec);
        }
        Engine {
            detectors: c.detectors,
            workload_rules: c.workload_rules,
            names: c.names.build(),
            image_refs: c.image_refs,
            images: c.images.build(),
            crds: c.crds,
            crd_groups: c.crd_groups,
            cr_kinds: c.cr_kinds,
            apiservices: c.apiservices,
            drivers: c.drivers,
            ingress_classes: c.ingress_classes,
            gateway_classes: c.gateway_classes,
            node_labels: c.node_labels,
            namespace_labels: c.namespace_labels,
            namespace_annotations: c.namespace_annotations,
            pod_annotations: c.pod_annotations,
            annotations: c.annotations,
            env: c.env,
            managed: c.managed,
            objects: c.objects,
            webhooks: c.webhooks,
            unevaluated: c.unevaluated,
        }
    }
}

#[derive(Default)]
struct Compiler {
    detectors: Vec<DetectorInfo>,
    workload_rules: Vec<WorkloadRule>,
    names: NameSetBuilder,
    image_refs: Vec<Ref>,
    images: ImageSetBuilder,
    crds: FxMap<String, Vec<Ref>>,
    crd_groups: Vec<(String, Ref)>,
    cr_kinds: FxMap<String, Vec<(String, Ref)>>,
    apiservices: FxMap<String, Vec<Ref>>,
    drivers: Vec<DriverRule>,
    ingress_classes: FxMap<String, Vec<Ref>>,
    gateway_classes: FxMap<String, Vec<Ref>>,
    node_labels: Vec<(KeyValue, Ref)>,
    namespace_labels: Vec<(KeyValue, Ref)>,
    namespace_annotations: Vec<(KeyValue, Ref)>,
    pod_annotations: Vec<(KeyValue, Ref)>,
    annotations: Vec<(AnnotationScope, KeyValue, Ref)>,
    env: FxMap<String, Vec<Ref>>,
    managed: Vec<(Marker, KeyValue, Ref)>,
    objects: Vec<(ObjectRule, Ref)>,
    webhooks: Vec<(WebhookRule, Ref)>,
    unevaluated: Vec<Unevaluated>,
}

impl Compiler {
    fn skip(
        &mut self,
        spec: &'static DetectorSpec,
        key: &'static str,
        text: &'static str,
        reason: Reason,
    ) {
        self.unevaluated.push(Unevaluated {
            detector: &spec.id,
            key,
            text,
            reason,
        });
    }

    fn fail(
        &mut self,
        spec: &'static DetectorSpec,
        key: &'static str,
        text: &'static str,
        why: String,
    ) {
        self.skip(spec, key, text, Reason::Uninterpreted(why));
    }

    fn detector(&mut self, d: usize, spec: &'static DetectorSpec) {
        for key in &spec.unknown_keys {
            self.fail(spec, "?", key, format!("unknown signal key `{key}`"));
        }
        let mut info = DetectorInfo {
            id: &spec.id,
            what: &spec.what,
            spec,
            companions: spec
                .companions
                .iter()
                .map(|e| e.value.to_ascii_lowercase())
                .collect(),
            image_kinds: Vec::new(),
            env_of_interest: spec
                .env_of_interest
                .iter()
                .map(|e| e.value.as_str())
                .collect(),
            args_of_interest: spec
                .args_of_interest
                .iter()
                .map(|e| {
                    e.value
                        .split_once('=')
                        .map_or(e.value.as_str(), |(flag, _)| flag)
                })
                .collect(),
        };
        for kind in &spec.kinds {
            match workload_kind(kind) {
                Some(k) => info.image_kinds.push(k),
                None => self.fail(
                    spec,
                    "kinds",
                    kind,
                    format!("unknown workload kind `{kind}`"),
                ),
            }
        }
        self.detectors.push(info);

        for w in &spec.workloads {
            let mut kinds = Vec::new();
            for k in &w.kinds {
                match workload_kind(k) {
                    Some(kind) => kinds.push(kind),
                    None => self.fail(
                        spec,
                        "workloads",
                        &w.name,
                        format!("unknown workload kind `{k}`"),
                    ),
                }
            }
            let namespace = match NamespacePattern::parse(&w.namespace) {
                Ok(n) => n,
                Err(e) => {
                    self.fail(spec, "workloads", &w.namespace, e);
                    continue;
                }
            };
            let signal = self.workload_rules.len();
            if let Err(e) = self.names.add(signal, &w.name) {
                self.fail(spec, "workloads", &w.name, e);
                continue;
            }
            self.workload_rules.push(WorkloadRule {
                detector: d,
                kinds,
                namespace,
                pattern: &w.name,
            });
        }

        for e in &spec.images {
            let signal = self.image_refs.len();
            match self.images.add(signal, &e.value, e.is_obsolete()) {
                Ok(()) => self.image_refs.push(Ref::new(d, e)),
                Err(why) => self.fail(spec, "images", &e.text, why),
            }
        }

        for e in &spec.crds {
            for part in e.value.split(" / ") {
                let part = part.trim().to_ascii_lowercase();
                let at = Ref::new(d, e);
                if let Some(group) = part.strip_prefix("*.") {
                    self.crd_groups.push((group.to_string(), at));
                } else if let Some((plural, group)) = part.split_once('.') {
                    self.cr_kinds
                        .entry(group.to_string())
                        .or_default()
                        .push((plural.to_string(), at));
                    self.crds.entry(part.clone()).or_default().push(at);
                } else {
                    self.fail(spec, "crds", &e.text, format!("not a CRD name: `{part}`"));
                }
            }
        }

        for e in &spec.apiservices {
            if e.value.contains(' ') {
                self.fail(
                    spec,
                    "apiservices",
                    &e.text,
                    "not an APIService name".into(),
                );
                continue;
            }
            self.apiservices
                .entry(e.value.to_ascii_lowercase())
                .or_default()
                .push(Ref::new(d, e));
        }

        for e in &spec.csidrivers {
            self.driver(spec, d, "csidrivers", e);
        }
        for e in &spec.provisioners {
            self.driver(spec, d, "provisioners", e);
        }
        for e in &spec.legacy {
            match e.value.strip_prefix("StorageClass provisioner ") {
                Some(provisioner) => {
                    let mut at = Ref::new(d, e);
                    at.obsolete = true;
                    self.drivers.push(DriverRule {
                        name: NamePat::Exact(provisioner.trim().to_string()),
                        csi_driver: false,
                        storage_class: true,
                        at,
                    });
                }
                None => self.fail(spec, "legacy", &e.text, "unknown legacy form".into()),
            }
        }

        for e in &spec.ingress_class_controllers {
            self.ingress_classes
                .entry(e.value.to_ascii_lowercase())
                .or_default()
                .push(Ref::new(d, e));
        }
        for e in &spec.gateway_class_controllers {
            self.gateway_classes
                .entry(e.value.to_ascii_lowercase())
                .or_default()
                .push(Ref::new(d, e));
        }

        for (key, list) in [
            ("node_labels", &spec.node_labels),
            ("namespace_labels", &spec.namespace_labels),
            ("namespace_annotations", &spec.namespace_annotations),
            ("pod_annotations", &spec.pod_annotations),
        ] {
            for e in list {
                match KeyValue::parse(&e.value) {
                    Ok(kv) => {
                        let at = Ref::new(d, e);
                        match key {
                            "node_labels" => self.node_labels.push((kv, at)),
                            "namespace_labels" => self.namespace_labels.push((kv, at)),
                            "namespace_annotations" => self.namespace_annotations.push((kv, at)),
                            _ => self.pod_annotations.push((kv, at)),
                        }
                    }
                    Err(why) => self.fail(spec, key, &e.text, why),
                }
            }
        }

        for e in &spec.annotations {
            match annotation(e) {
                Ok((scope, kv)) => self.annotations.push((scope, kv, Ref::new(d, e))),
                Err(why) => self.fail(spec, "annotations", &e.text, why),
            }
        }

        for e in &spec.env {
            let mut any = false;
            for part in e.value.split(" / ") {
                let part = part.trim();
                if is_env_name(part) {
                    any = true;
                    self.env
                        .entry(part.to_string())
                        .or_default()
                        .push(Ref::new(d, e));
                }
            }
            if !any {
                self.fail(spec, "env", &e.text, "no environment variable name".into());
            } else if e.value.contains(" / ") {
                // `SPLUNK_HEC_TOKEN / splunk_hec url in collector config`: the prose part.
                self.skip(spec, "env", &e.text, Reason::Comment);
            }
        }
        for e in spec.env_of_interest.iter() {
            if !is_env_name(&e.value) {
                self.fail(
                    spec,
                    "env_of_interest",
                    &e.text,
                    "not an environment variable name".into(),
                );
            }
        }
        for e in spec.args_of_interest.iter() {
            if !e.value.starts_with('-') {
                self.fail(
                    spec,
                    "args_of_interest",
                    &e.text,
                    "not a command-line flag".into(),
                );
            }
        }

        for e in &spec.managed_object_labels {
            let note = e.note.as_deref().unwrap_or_default().to_ascii_lowercase();
            if note.contains("ambiguous") {
                self.skip(spec, "managed_object_labels", &e.text, Reason::Ambiguous);
                continue;
            }
            let meta = if note.contains("annotation") {
                Marker::Annotation
            } else {
                Marker::Label
            };
            match KeyValue::parse(&e.value) {
                Ok(kv) => self.managed.push((meta, kv, Ref::new(d, e))),
                Err(why) => self.fail(spec, "managed_object_labels", &e.text, why),
            }
        }

        for e in &spec.objects {
            match object_rule(&e.value, e.note.as_deref()) {
                Ok(rule) => self.objects.push((rule, Ref::new(d, e))),
                Err(why) => self.fail(spec, "objects", &e.text, why),
            }
        }

        for e in &spec.webhooks {
            match webhook_rule(e) {
                Ok(rule) => self.webhooks.push((rule, Ref::new(d, e))),
                Err(why) => self.fail(spec, "webhooks", &e.text, why),
            }
        }

        for name in &spec.eks_addons {
            self.skip(spec, "eks_addons", name, Reason::NeedsAwsEvidence);
        }
        for text in &spec.aws {
            self.skip(spec, "aws", text, Reason::NeedsAwsEvidence);
        }
        if let Some(text) = &spec.related {
            self.skip(spec, "related", text, Reason::Comment);
        }
    }

    fn driver(
        &mut self,
        spec: &'static DetectorSpec,
        d: usize,
        key: &'static str,
        e: &'static SignalEntry,
    ) {
        let value = e.value.trim();
        if value.is_empty() || value.contains(' ') {
            self.fail(
                spec,
                key,
                &e.text,
                "not a driver or provisioner name".into(),
            );
            return;
        }
        let name = if value.contains('<') {
            // `<ns>.rbd.csi.ceph.com`: a placeholder stands for one DNS label.
            let source = Regex::new(r"<[^>]*>")
                .expect("literal")
                .split(value)
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join("[a-z0-9-]+");
            match Regex::new(&format!("(?i)^{source}$")) {
                Ok(re) => NamePat::Regex(re),
                Err(why) => {
                    self.fail(spec, key, &e.text, why.to_string());
                    return;
                }
            }
        } else {
            NamePat::Exact(value.to_ascii_lowercase())
        };
        self.drivers.push(DriverRule {
            name,
            csi_driver: true,
            storage_class: true,
            at: Ref::new(d, e),
        });
    }
}

/// A C identifier, as environment variable names are (`ENABLE_IPv6` has a lowercase letter).
fn is_env_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `linkerd.io/inject=enabled (namespace or pod template)`,
/// `external-dns.alpha.kubernetes.io/hostname on Service/Ingress`.
fn annotation(e: &SignalEntry) -> Result<(AnnotationScope, KeyValue), String> {
    if let Some((key, kinds)) = e.value.split_once(" on ") {
        let scope = AnnotationScope {
            kinds: kinds.split('/').map(|k| k.trim().to_string()).collect(),
            ..AnnotationScope::default()
        };
        return Ok((scope, KeyValue::parse(key)?));
    }
    let note = e.note.as_deref().unwrap_or_default().to_ascii_lowercase();
    let scope = AnnotationScope {
        namespace: note.contains("namespace"),
        pod_template: note.contains("pod template"),
        kinds: Vec::new(),
    };
    if !scope.namespace && !scope.pod_template {
        return Err(format!("no objects named for annotation `{}`", e.value));
    }
    Ok((scope, KeyValue::parse(&e.value)?))
}

fn webhook_rule(e: &SignalEntry) -> Result<WebhookRule, String> {
    if let Some(text) = e
        .note
        .as_deref()
        .and_then(|n| n.strip_prefix("name contains "))
    {
        return Ok(WebhookRule::Contains(text.trim().to_ascii_lowercase()));
    }
    let words: Vec<&str> = e.value.split_whitespace().collect();
    match words.as_slice() {
        [kind @ ("ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration"), name] => {
            Ok(WebhookRule::Named {
                kind: Some(if *kind == "ValidatingWebhookConfiguration" {
                    "ValidatingWebhookConfiguration"
                } else {
                    "MutatingWebhookConfiguration"
                }),
                name: name.to_ascii_lowercase(),
            })
        }
        [name] => Ok(WebhookRule::Named {
            kind: None,
            name: name.to_ascii_lowercase(),
        }),
        _ => Err("not a webhook configuration name".into()),
    }
}

/// The `objects` signals, read as an expert would read the catalog's words.
fn object_rule(value: &str, note: Option<&str>) -> Result<ObjectRule, String> {
    // `Fargate logging: ConfigMap aws-observability/aws-logging`: a label before the object.
    let value = match value.split_once(": ") {
        Some((_, rest)) if !value.contains('"') => rest,
        _ => value,
    };
    let words: Vec<&str> = value.split_whitespace().collect();
    let named = |kind: &str, path: &str| -> Option<ObjectRule> {
        let (namespace, name) = path.split_once('/')?;
        Some(ObjectRule::Named {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        })
    };
    match words.as_slice() {
        ["Prometheus", "CR", "or", "agent", "config", "with", "remoteWrite", ..]
            if value.contains("aps-workspaces") =>
        {
            Ok(ObjectRule::AmpRemoteWrite)
        }
        ["Karpenter", "settings", "interruptionQueue", ..] => Ok(ObjectRule::InterruptionQueue),
        [kind, path] if path.contains('/') => {
            named(kind, path).ok_or_else(|| format!("not an object: `{value}`"))
        }
        ["ConfigMap", path, data] if data.starts_with("data.") => {
            let (ns, name) = path
                .split_once('/')
                .ok_or_else(|| format!("not a ConfigMap: `{value}`"))?;
            let (key, v) = data["data.".len()..]
                .split_once('=')
                .ok_or_else(|| format!("no data value: `{value}`"))?;
            Ok(ObjectRule::ConfigMapData {
                namespace: ns.to_string(),
                name: name.to_string(),
                key: key.to_string(),
                value: Some(v.trim_matches('"').to_string()),
            })
        }
        [kind, "annotation", key] => Ok(ObjectRule::Annotated {
            kind: kind.to_string(),
            key: key.to_string(),
        }),
        ["ConfigMaps", "labelled", label] => Ok(ObjectRule::Labelled {
            kind: "ConfigMap".into(),
            // The Grafana sidecar's label value is configurable: the key decides.
            key: label.split_once('=').map_or(*label, |(k, _)| k).to_string(),
        }),
        ["Secrets", "of", "type", t] => Ok(ObjectRule::SecretType(t.to_string())),
        // `ValidatingAdmissionPolicy / ValidatingAdmissionPolicyBinding
        // (admissionregistration.k8s.io/v1)`: the note names the API version.
        [a, "/", b] => {
            let api = note.ok_or_else(|| format!("no API group for `{value}`"))?;
            Ok(ObjectRule::KindsInGroup {
                group: api.split_once('/').map_or(api, |(g, _)| g).to_string(),
                kinds: vec![a.to_string(), b.to_string()],
            })
        }
        [workload, kind, "container", container, "with", "arg", arg] => {
            Ok(ObjectRule::ContainerArg {
                kind: workload_kind(kind).ok_or_else(|| format!("unknown kind `{kind}`"))?,
                workload: workload.to_string(),
                container: container.to_string(),
                arg: arg.to_string(),
            })
        }
        [workload, "env", setting] if setting.contains('=') => {
            let (env, v) = setting.split_once('=').unwrap_or_default();
            Ok(ObjectRule::ContainerEnv {
                workload: workload.to_string(),
                env: env.to_string(),
                value: v.to_string(),
            })
        }
        _ => Err(format!("no interpretation for object signal `{value}`")),
    }
}
