//! The resource types the stand-in serves: the built-in ones of a Kubernetes 1.31 server and
//! those defined by the CustomResourceDefinition objects it was given, and the discovery
//! documents (legacy and aggregated) that describe them.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

/// Every verb a regular built-in resource accepts, in the order the server lists them.
const FULL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Namespaces cannot be deleted as a collection.
const NO_COLLECTION: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const CREATE: &[&str] = &["create"];
const GET_LIST: &[&str] = &["get", "list"];
/// The verbs the apiextensions server lists for a custom resource (its own order).
const CUSTOM: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

/// A subresource (`pods/log`, `deployments/scale`).
#[derive(Debug, Clone)]
pub struct Subresource {
    pub name: String,
    /// The kind the subresource answers with, and its group and version when they differ
    /// from the parent's (`scale` answers with `autoscaling/v1` `Scale`).
    pub kind: String,
    pub group_version: Option<(String, String)>,
    pub verbs: Vec<String>,
}

/// A served resource type.
#[derive(Debug, Clone)]
pub struct Resource {
    pub group: String,
    /// Served versions, the preferred one first.
    pub versions: Vec<String>,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub kind: String,
    pub verbs: Vec<String>,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub subresources: Vec<Subresource>,
    /// Defined by a CustomResourceDefinition: list items keep `apiVersion` and `kind`, as
    /// the apiextensions server returns them.
    pub custom: bool,
}

impl Resource {
    pub fn is_listable(&self) -> bool {
        self.verbs.iter().any(|v| v == "list")
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }
}

/// One built-in resource: group, versions (preferred first, comma-separated), plural,
/// singular, namespaced, kind, verbs, short names, categories, subresources.
type Builtin = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
);

/// The built-in resources of a Kubernetes 1.31 API server with its default feature gates
/// (alpha and off-by-default beta APIs are not served).
const BUILTINS: &[Builtin] = &[
    (
        "", "v1", "bindings", "binding", true, "Binding", CREATE, "", "", "",
    ),
    (
        "",
        "v1",
        "componentstatuses",
        "componentstatus",
        false,
        "ComponentStatus",
        GET_LIST,
        "cs",
        "",
        "",
    ),
    (
        "",
        "v1",
        "configmaps",
        "configmap",
        true,
        "ConfigMap",
        FULL,
        "cm",
        "",
        "",
    ),
    (
        "",
        "v1",
        "endpoints",
        "endpoints",
        true,
        "Endpoints",
        FULL,
        "ep",
        "",
        "",
    ),
    (
        "", "v1", "events", "event", true, "Event", FULL, "ev", "", "",
    ),
    (
        "",
        "v1",
        "limitranges",
        "limitrange",
        true,
        "LimitRange",
        FULL,
        "limits",
        "",
        "",
    ),
    (
        "",
        "v1",
        "namespaces",
        "namespace",
        false,
        "Namespace",
        NO_COLLECTION,
        "ns",
        "",
        "finalize,status",
    ),
    (
        "",
        "v1",
        "nodes",
        "node",
        false,
        "Node",
        FULL,
        "no",
        "",
        "proxy,status",
    ),
    (
        "",
        "v1",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        true,
        "PersistentVolumeClaim",
        FULL,
        "pvc",
        "",
        "status",
    ),
    (
        "",
        "v1",
        "persistentvolumes",
        "persistentvolume",
        false,
        "PersistentVolume",
        FULL,
        "pv",
        "",
        "status",
    ),
    (
        "",
        "v1",
        "pods",
        "pod",
        true,
        "Pod",
        FULL,
        "po",
        "all",
        "attach,binding,ephemeralcontainers,eviction,exec,log,portforward,proxy,status",
    ),
    (
        "",
        "v1",
        "podtemplates",
        "podtemplate",
        true,
        "PodTemplate",
        FULL,
        "",
        "",
        "",
    ),
    (
        "",
        "v1",
        "replicationcontrollers",
        "replicationcontroller",
        true,
        "ReplicationController",
        FULL,
        "rc",
        "all",
        "scale,status",
    ),
    (
        "",
        "v1",
        "resourcequotas",
        "resourcequota",
        true,
        "ResourceQuota",
        FULL,
        "quota",
        "",
        "status",
    ),
    (
        "", "v1", "secrets", "secret", true, "Secret", FULL, "", "", "",
    ),
    (
        "",
        "v1",
        "serviceaccounts",
        "serviceaccount",
        true,
        "ServiceAccount",
        FULL,
        "sa",
        "",
        "token",
    ),
    (
        "",
        "v1",
        "services",
        "service",
        true,
        "Service",
        FULL,
        "svc",
        "all",
        "proxy,status",
    ),
    (
        "apiregistration.k8s.io",
        "v1",
        "apiservices",
        "apiservice",
        false,
        "APIService",
        FULL,
        "",
        "api-extensions",
        "status",
    ),
    (
        "apps",
        "v1",
        "controllerrevisions",
        "controllerrevision",
        true,
        "ControllerRevision",
        FULL,
        "",
        "",
        "",
    ),
    (
        "apps",
        "v1",
        "daemonsets",
        "daemonset",
        true,
        "DaemonSet",
        FULL,
        "ds",
        "all",
        "status",
    ),
    (
        "apps",
        "v1",
        "deployments",
        "deployment",
        true,
        "Deployment",
        FULL,
        "deploy",
        "all",
        "scale,status",
    ),
    (
        "apps",
        "v1",
        "replicasets",
        "replicaset",
        true,
        "ReplicaSet",
        FULL,
        "rs",
        "all",
        "scale,status",
    ),
    (
        "apps",
        "v1",
        "statefulsets",
        "statefulset",
        true,
        "StatefulSet",
        FULL,
        "sts",
        "all",
        "scale,status",
    ),
    (
        "events.k8s.io",
        "v1",
        "events",
        "event",
        true,
        "Event",
        FULL,
        "ev",
        "",
        "",
    ),
    (
        "authentication.k8s.io",
        "v1",
        "selfsubjectreviews",
        "selfsubjectreview",
        false,
        "SelfSubjectReview",
        CREATE,
        "",
        "",
        "",
    ),
    (
        "authentication.k8s.io",
        "v1",
        "tokenreviews",
        "tokenreview",
        false,
        "TokenReview",
        CREATE,
        "",
        "",
        "",
    ),
    (
        "authorization.k8s.io",
        "v1",
        "localsubjectaccessreviews",
        "localsubjectaccessreview",
        true,
        "LocalSubjectAccessReview",
        CREATE,
        "",
        "",
        "",
    ),
    (
        "authorization.k8s.io",
        "v1",
        "selfsubjectaccessreviews",
        "selfsubjectaccessreview",
        false,
        "SelfSubjectAccessReview",
        CREATE,
        "",
        "",
        "",
    ),
    (
        "authorization.k8s.io",
        "v1",
        "selfsubjectrulesreviews",
        "selfsubjectrulesreview",
        false,
        "SelfSubjectRulesReview",
        CREATE,
        "",
        "",
        "",
    ),
    (
        "authorization.k8s.io",
        "v1",
        "subjectaccessreviews",
        "subjectaccessreview",
        false,
        "SubjectAccessReview",
        CREATE,
        "",
        "",
        "",
    ),
    (
        "autoscaling",
        "v2,v1",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        true,
        "HorizontalPodAutoscaler",
        FULL,
        "hpa",
        "all",
        "status",
    ),
    (
        "batch", "v1", "cronjobs", "cronjob", true, "CronJob", FULL, "cj", "all", "status",
    ),
    (
        "batch", "v1", "jobs", "job", true, "Job", FULL, "", "all", "status",
    ),
    (
        "certificates.k8s.io",
        "v1",
        "certificatesigningrequests",
        "certificatesigningrequest",
        false,
        "CertificateSigningRequest",
        FULL,
        "csr",
        "",
        "approval,status",
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "ingressclass",
        false,
        "IngressClass",
        FULL,
        "",
        "",
        "",
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingresses",
        "ingress",
        true,
        "Ingress",
        FULL,
        "ing",
        "",
        "status",
    ),
    (
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "networkpolicy",
        true,
        "NetworkPolicy",
        FULL,
        "netpol",
        "",
        "",
    ),
    (
        "policy",
        "v1",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        true,
        "PodDisruptionBudget",
        FULL,
        "pdb",
        "",
        "status",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "clusterrolebinding",
        false,
        "ClusterRoleBinding",
        FULL,
        "",
        "",
        "",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "clusterrole",
        false,
        "ClusterRole",
        FULL,
        "",
        "",
        "",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "rolebinding",
        true,
        "RoleBinding",
        FULL,
        "",
        "",
        "",
    ),
    (
        "rbac.authorization.k8s.io",
        "v1",
        "roles",
        "role",
        true,
        "Role",
        FULL,
        "",
        "",
        "",
    ),
    (
        "storage.k8s.io",
        "v1",
        "csidrivers",
        "csidriver",
        false,
        "CSIDriver",
        FULL,
        "",
        "",
        "",
    ),
    (
        "storage.k8s.io",
        "v1",
        "csinodes",
        "csinode",
        false,
        "CSINode",
        FULL,
        "",
        "",
        "",
    ),
    (
        "storage.k8s.io",
        "v1",
        "csistoragecapacities",
        "csistoragecapacity",
        true,
        "CSIStorageCapacity",
        FULL,
        "",
        "",
        "",
    ),
    (
        "storage.k8s.io",
        "v1",
        "storageclasses",
        "storageclass",
        false,
        "StorageClass",
        FULL,
        "sc",
        "",
        "",
    ),
    (
        "storage.k8s.io",
        "v1",
        "volumeattachments",
        "volumeattachment",
        false,
        "VolumeAttachment",
        FULL,
        "",
        "",
        "status",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "mutatingwebhookconfiguration",
        false,
        "MutatingWebhookConfiguration",
        FULL,
        "",
        "api-extensions",
        "",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicies",
        "validatingadmissionpolicy",
        false,
        "ValidatingAdmissionPolicy",
        FULL,
        "",
        "api-extensions",
        "status",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingadmissionpolicybindings",
        "validatingadmissionpolicybinding",
        false,
        "ValidatingAdmissionPolicyBinding",
        FULL,
        "",
        "api-extensions",
        "",
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        false,
        "ValidatingWebhookConfiguration",
        FULL,
        "",
        "api-extensions",
        "",
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "customresourcedefinition",
        false,
        "CustomResourceDefinition",
        FULL,
        "crd,crds",
        "api-extensions",
        "status",
    ),
    (
        "scheduling.k8s.io",
        "v1",
        "priorityclasses",
        "priorityclass",
        false,
        "PriorityClass",
        FULL,
        "pc",
        "",
        "",
    ),
    (
        "coordination.k8s.io",
        "v1",
        "leases",
        "lease",
        true,
        "Lease",
        FULL,
        "",
        "",
        "",
    ),
    (
        "node.k8s.io",
        "v1",
        "runtimeclasses",
        "runtimeclass",
        false,
        "RuntimeClass",
        FULL,
        "",
        "",
        "",
    ),
    (
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "endpointslice",
        true,
        "EndpointSlice",
        FULL,
        "",
        "",
        "",
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        "v1,v1beta3",
        "flowschemas",
        "flowschema",
        false,
        "FlowSchema",
        FULL,
        "",
        "",
        "status",
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        "v1,v1beta3",
        "prioritylevelconfigurations",
        "prioritylevelconfiguration",
        false,
        "PriorityLevelConfiguration",
        FULL,
        "",
        "",
        "status",
    ),
];

/// The order a 1.31 server lists its built-in groups in (by group priority).
const GROUP_ORDER: &[&str] = &[
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
];

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// What a built-in subresource answers with and accepts.
fn builtin_subresource(parent_kind: &str, name: &str) -> Subresource {
    let (kind, group_version, verbs): (String, Option<(&str, &str)>, &[&str]) = match name {
        "status" | "ephemeralcontainers" | "approval" => {
            (parent_kind.to_string(), None, &["get", "patch", "update"])
        }
        "scale" => (
            "Scale".into(),
            Some(("autoscaling", "v1")),
            &["get", "patch", "update"],
        ),
        "log" => (parent_kind.to_string(), None, &["get"]),
        "finalize" => (parent_kind.to_string(), None, &["update"]),
        "binding" => ("Binding".into(), None, &["create"]),
        "eviction" => ("Eviction".into(), Some(("policy", "v1")), &["create"]),
        "token" => (
            "TokenRequest".into(),
            Some(("authentication.k8s.io", "v1")),
            &["create"],
        ),
        "proxy" => (
            format!("{parent_kind}ProxyOptions"),
            None,
            &["create", "delete", "get", "patch", "update"],
        ),
        "exec" => ("PodExecOptions".into(), None, &["create", "get"]),
        "attach" => ("PodAttachOptions".into(), None, &["create", "get"]),
        "portforward" => ("PodPortForwardOptions".into(), None, &["create", "get"]),
        _ => (parent_kind.to_string(), None, &["get"]),
    };
    Subresource {
        name: name.to_string(),
        kind,
        group_version: group_version.map(|(g, v)| (g.to_string(), v.to_string())),
        verbs: strings(verbs),
    }
}

fn builtins() -> Vec<Resource> {
    BUILTINS
        .iter()
        .map(
            |&(group, versions, plural, singular, namespaced, kind, verbs, short, cats, subs)| {
                Resource {
                    group: group.into(),
                    versions: split_list(versions),
                    plural: plural.into(),
                    singular: singular.into(),
                    namespaced,
                    kind: kind.into(),
                    verbs: strings(verbs),
                    short_names: split_list(short),
                    categories: split_list(cats),
                    subresources: split_list(subs)
                        .iter()
                        .map(|s| builtin_subresource(kind, s))
                        .collect(),
                    custom: false,
                }
            },
        )
        .collect()
}

/// The resource a CustomResourceDefinition object defines, if it is well formed enough to
/// serve (a group, a plural, a kind and at least one served version).
fn from_crd(crd: &Value) -> Option<Resource> {
    let spec = crd.get("spec")?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    let list = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let group = text(spec.get("group"))?;
    let names = spec.get("names")?;
    let plural = text(names.get("plural"))?;
    let kind = text(names.get("kind"))?;
    let singular = text(names.get("singular")).unwrap_or_else(|| kind.to_lowercase());
    let mut versions = Vec::new();
    let mut status = false;
    let mut scale = false;
    for v in spec.get("versions").and_then(Value::as_array)? {
        if v.get("served").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let Some(name) = text(v.get("name")) else {
            continue;
        };
        status |= v.pointer("/subresources/status").is_some();
        scale |= v.pointer("/subresources/scale").is_some();
        versions.push(name);
    }
    if versions.is_empty() {
        return None;
    }
    versions.sort_by(|a, b| compare_versions(b, a));
    let mut subresources = Vec::new();
    if scale {
        subresources.push(builtin_subresource(&kind, "scale"));
    }
    if status {
        subresources.push(builtin_subresource(&kind, "status"));
    }
    Some(Resource {
        group,
        versions,
        plural,
        singular,
        namespaced: spec.get("scope").and_then(Value::as_str) != Some("Cluster"),
        kind,
        verbs: strings(CUSTOM),
        short_names: list(names.get("shortNames")),
        categories: list(names.get("categories")),
        subresources,
        custom: true,
    })
}

/// Orders versions the way Kubernetes does ("kube-aware" version priority): GA before beta
/// before alpha before anything else, higher numbers first within each; `Greater` means
/// `a` is preferred.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn parse(v: &str) -> Option<(u8, u64, u64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let major: u64 = rest[..digits].parse().ok()?;
        let tail = &rest[digits..];
        if tail.is_empty() {
            return Some((3, major, 0));
        }
        let (level, minor) = if let Some(m) = tail.strip_prefix("beta") {
            (2, m)
        } else if let Some(m) = tail.strip_prefix("alpha") {
            (1, m)
        } else {
            return None;
        };
        Some((level, major, minor.parse().ok()?))
    }
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => b.cmp(a),
    }
}

/// The API groups served: a name and versions, preferred first.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub versions: Vec<String>,
}

/// Every served resource type and group.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub resources: Vec<Resource>,
    pub groups: Vec<Group>,
}

impl Catalog {
    /// The built-in resources plus those of the CRDs among `objects`, plus
    /// `metrics.k8s.io` when its APIService is registered (as metrics-server does).
    pub fn new(objects: &[Value]) -> Catalog {
        let mut resources = builtins();
        for object in objects {
            if object.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
                && api_group(object) == "apiextensions.k8s.io"
            {
                if let Some(r) = from_crd(object) {
                    // A CRD cannot redefine a built-in or an earlier CRD's resource.
                    if !resources
                        .iter()
                        .any(|x| x.group == r.group && x.plural == r.plural)
                    {
                        resources.push(r);
                    }
                }
            }
        }
        let metrics = objects.iter().any(|o| {
            o.get("kind").and_then(Value::as_str) == Some("APIService")
                && o.pointer("/spec/group").and_then(Value::as_str) == Some("metrics.k8s.io")
        });
        if metrics {
            for (plural, singular, namespaced, kind) in [
                ("nodes", "", false, "NodeMetrics"),
                ("pods", "", true, "PodMetrics"),
            ] {
                resources.push(Resource {
                    group: "metrics.k8s.io".into(),
                    versions: vec!["v1beta1".into()],
                    plural: plural.into(),
                    singular: singular.into(),
                    namespaced,
                    kind: kind.into(),
                    verbs: strings(GET_LIST),
                    short_names: Vec::new(),
                    categories: Vec::new(),
                    subresources: Vec::new(),
                    custom: false,
                });
            }
        }
        let mut groups: Vec<Group> = Vec::new();
        for r in &resources {
            match groups.iter_mut().find(|g| g.name == r.group) {
                Some(g) => {
                    for v in &r.versions {
                        if !g.versions.contains(v) {
                            g.versions.push(v.clone());
                        }
                    }
                }
                None => groups.push(Group {
                    name: r.group.clone(),
                    versions: r.versions.clone(),
                }),
            }
        }
        for g in &mut groups {
            g.versions.sort_by(|a, b| compare_versions(b, a));
        }
        // Built-in groups by their fixed priority; the others (CRDs, aggregated APIs) after
        // them, by name, as their APIServices share one priority.
        let rank = |name: &str| {
            GROUP_ORDER
                .iter()
                .position(|g| *g == name)
                .unwrap_or(GROUP_ORDER.len())
        };
        groups.sort_by(|a, b| {
            rank(&a.name)
                .cmp(&rank(&b.name))
                .then_with(|| a.name.cmp(&b.name))
        });
        Catalog { resources, groups }
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The resource `plural` served at `group`/`version`.
    pub fn resource(&self, group: &str, version: &str, plural: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| {
            r.group == group && r.plural == plural && r.versions.iter().any(|v| v == version)
        })
    }

    /// The resource whose objects have this group and kind.
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.kind == kind)
    }

    fn in_version<'a>(
        &'a self,
        group: &'a str,
        version: &'a str,
    ) -> impl Iterator<Item = &'a Resource> {
        self.resources
            .iter()
            .filter(move |r| r.group == group && r.versions.iter().any(|v| v == version))
    }

    /// `/api` (legacy discovery).
    pub fn core_versions(&self) -> Value {
        json!({
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "10.0.1.110:443"}
            ]
        })
    }

    fn group_document(group: &Group) -> Value {
        let gv = |v: &String| json!({"groupVersion": format!("{}/{v}", group.name), "version": v});
        json!({
            "name": group.name,
            "versions": group.versions.iter().map(gv).collect::<Vec<_>>(),
            "preferredVersion": gv(&group.versions[0]),
        })
    }

    /// `/apis` (legacy discovery).
    pub fn group_list(&self) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .filter(|g| !g.name.is_empty())
            .map(Catalog::group_document)
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    /// `/apis/<group>`.
    pub fn group_info(&self, group: &Group) -> Value {
        let mut doc = Catalog::group_document(group);
        let map = doc.as_object_mut().expect("group document is an object");
        map.insert("kind".into(), "APIGroup".into());
        map.insert("apiVersion".into(), "v1".into());
        doc
    }

    /// `/api/v1` or `/apis/<group>/<version>`: resources then their subresources, as
    /// `name/subresource` entries.
    pub fn resource_list(&self, group: &str, version: &str) -> Value {
        let group_version = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        let mut entries = Vec::new();
        for r in self.in_version(group, version) {
            let mut entry = Map::new();
            entry.insert("name".into(), r.plural.clone().into());
            entry.insert("singularName".into(), r.singular.clone().into());
            entry.insert("namespaced".into(), r.namespaced.into());
            entry.insert("kind".into(), r.kind.clone().into());
            entry.insert("verbs".into(), json!(r.verbs));
            if !r.short_names.is_empty() {
                entry.insert("shortNames".into(), json!(r.short_names));
            }
            if !r.categories.is_empty() {
                entry.insert("categories".into(), json!(r.categories));
            }
            entries.push((r.plural.clone(), Value::Object(entry)));
            for s in &r.subresources {
                let mut entry = Map::new();
                entry.insert("name".into(), format!("{}/{}", r.plural, s.name).into());
                entry.insert("singularName".into(), "".into());
                entry.insert("namespaced".into(), r.namespaced.into());
                if let Some((g, v)) = &s.group_version {
                    entry.insert("group".into(), g.clone().into());
                    entry.insert("version".into(), v.clone().into());
                }
                entry.insert("kind".into(), s.kind.clone().into());
                entry.insert("verbs".into(), json!(s.verbs));
                entries.push((format!("{}/{}", r.plural, s.name), Value::Object(entry)));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let resources: Vec<Value> = entries.into_iter().map(|(_, e)| e).collect();
        let mut doc = Map::new();
        doc.insert("kind".into(), "APIResourceList".into());
        // The core group's list has no apiVersion; the others say v1.
        if !group.is_empty() {
            doc.insert("apiVersion".into(), "v1".into());
        }
        doc.insert("groupVersion".into(), group_version.into());
        doc.insert("resources".into(), resources.into());
        Value::Object(doc)
    }

    /// Aggregated discovery (`apidiscovery.k8s.io`) for the core group (`core == true`,
    /// `/api`) or for every other group (`/apis`).
    pub fn aggregated(&self, core: bool, api_version: &str) -> Value {
        let items: Vec<Value> = self
            .groups
            .iter()
            .filter(|g| g.name.is_empty() == core)
            .map(|g| {
                let versions: Vec<Value> = g
                    .versions
                    .iter()
                    .map(|v| {
                        let resources: Vec<Value> = self
                            .in_version(&g.name, v)
                            .map(|r| aggregated_resource(r, v))
                            .collect();
                        json!({"version": v, "resources": resources, "freshness": "Current"})
                    })
                    .collect();
                let mut metadata = Map::new();
                if !g.name.is_empty() {
                    metadata.insert("name".into(), g.name.clone().into());
                }
                metadata.insert("creationTimestamp".into(), Value::Null);
                json!({"metadata": metadata, "versions": versions})
            })
            .collect();
        json!({
            "kind": "APIGroupDiscoveryList",
            "apiVersion": api_version,
            "metadata": {},
            "items": items,
        })
    }
}

fn aggregated_resource(r: &Resource, version: &str) -> Value {
    let mut entry = Map::new();
    entry.insert("resource".into(), r.plural.clone().into());
    entry.insert(
        "responseKind".into(),
        json!({"group": r.group, "version": version, "kind": r.kind}),
    );
    entry.insert(
        "scope".into(),
        if r.namespaced {
            "Namespaced"
        } else {
            "Cluster"
        }
        .into(),
    );
    entry.insert("singularResource".into(), r.singular.clone().into());
    entry.insert("verbs".into(), json!(r.verbs));
    if !r.short_names.is_empty() {
        entry.insert("shortNames".into(), json!(r.short_names));
    }
    if !r.categories.is_empty() {
        entry.insert("categories".into(), json!(r.categories));
    }
    if !r.subresources.is_empty() {
        let subs: Vec<Value> = r
            .subresources
            .iter()
            .map(|s| {
                let (g, v) = s
                    .group_version
                    .clone()
                    .unwrap_or_else(|| (r.group.clone(), version.to_string()));
                json!({
                    "subresource": s.name,
                    "responseKind": {"group": g, "version": v, "kind": s.kind},
                    "verbs": s.verbs,
                })
            })
            .collect();
        entry.insert("subresources".into(), subs.into());
    }
    Value::Object(entry)
}

/// The group of an object's `apiVersion` (`""` for the core group).
pub fn api_group(object: &Value) -> &str {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match api_version.rsplit_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_by_kube_priority() {
        let mut v = vec!["v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "foo", "v10"];
        v.sort_by(|a, b| compare_versions(b, a));
        assert_eq!(
            v,
            ["v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"]
        );
    }

    #[test]
    fn crd_defines_a_resource() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "nodepools.karpenter.sh"},
            "spec": {
                "group": "karpenter.sh",
                "names": {"plural": "nodepools", "singular": "nodepool", "kind": "NodePool",
                          "listKind": "NodePoolList", "categories": ["karpenter"]},
                "scope": "Cluster",
                "versions": [
                    {"name": "v1beta1", "served": false, "storage": false},
                    {"name": "v1", "served": true, "storage": true,
                     "subresources": {"status": {}}}
                ]
            }
        });
        let catalog = Catalog::new(&[crd]);
        let r = catalog.resource("karpenter.sh", "v1", "nodepools").unwrap();
        assert!(!r.namespaced && r.custom);
        assert!(catalog
            .resource("karpenter.sh", "v1beta1", "nodepools")
            .is_none());
        let list = catalog.resource_list("karpenter.sh", "v1");
        assert_eq!(list["resources"][1]["name"], "nodepools/status");
    }
}
