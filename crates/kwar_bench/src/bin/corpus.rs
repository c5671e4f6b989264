//! `kwar-bench-corpus [--size=1k|10k|100k|N] [--out=DIR] [--source=DIR] [--tenants=N] [--force]`
//!
//! Generates a benchmark corpus deterministically from the real manifests of the shared
//! corpus (`../shared/corpus`, or `$KWAR_CORPUS`), laid out like a GitOps repository:
//!
//! ```text
//! crds/kube-prometheus/*.yaml                          the 10 CRDs, once
//! clusters/cNNN/namespaces/<ns>-cNNN/<app>/*.yaml      per cluster:
//!   monitoring-cNNN/kube-prometheus      kube-prometheus `manifests/` (no CRDs)
//!   ingress-nginx-cNNN/ingress-nginx     one provider variant (rotating)
//!   argocd-cNNN/argo-cd                  namespace-install.yaml (plain / HA, alternating)
//!   {carts,catalog,checkout,orders,ui,other}-cNNN/retail-store
//!                                        eks-workshop-v2 base application (+ HPA, Ingress)
//!   shop-tMM-cNNN/online-boutique        T microservices-demo tenants (manifests,
//!                                        NetworkPolicies, Istio objects)
//! ```
//!
//! Rewriting is textual and line-based: every `namespace:` value is mapped to its
//! per-cluster name (`monitoring` → `monitoring-c007`), objects without one get
//! `metadata.namespace` inserted, and cluster-scoped objects get a `-cNNN` suffix (with
//! ClusterRoleBinding `roleRef`s following the rename), so every object is distinct and no
//! selector reaches across clusters. The result is then read back with kwar's own reader,
//! which must find no error; the counts go to `<out>/.kwar-bench.json` (hidden, so scans skip
//! it). The number of clusters is chosen so the corpus holds about `--size` objects.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use kwar_source::{collect_inputs, read_objects, Input, InputOptions, Origin, SourceText};

const TENANTS_PER_CLUSTER: usize = 7;

/// Kinds that are not namespaced (the ones the sources use, and a few more).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "CSIDriver",
    "CustomResourceDefinition",
    "EC2NodeClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "NodePool",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
];

const INGRESS_NGINX_VARIANTS: &[&str] = &[
    "aws",
    "aws/nlb-with-tls-termination",
    "baremetal",
    "cloud",
    "do",
    "exoscale",
    "kind",
    "oracle",
    "scw",
];

const RETAIL_SERVICES: &[&str] = &["carts", "catalog", "checkout", "orders", "ui", "other"];

struct Options {
    target: usize,
    size_label: String,
    out: PathBuf,
    source: PathBuf,
    tenants: usize,
    force: bool,
}

/// One application deployed into one namespace of a cluster.
struct Unit {
    app: &'static str,
    /// Namespace name before the cluster suffix (`monitoring`, `shop-t03`).
    namespace: String,
    /// The namespace the source files use for it (mapped to `namespace`); `None` when they
    /// name none (kustomize sets it).
    source_namespace: Option<&'static str>,
    /// Source files, relative to the shared corpus.
    files: Vec<String>,
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("kwar-bench-corpus: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kwar-bench-corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args() -> Result<Options, String> {
    let mut size = "1k".to_string();
    let mut out = None;
    let mut source = std::env::var_os("KWAR_CORPUS").map(PathBuf::from);
    let mut tenants = TENANTS_PER_CLUSTER;
    let mut force = false;
    for arg in std::env::args().skip(1) {
        let (key, value) = arg.split_once('=').unwrap_or((arg.as_str(), ""));
        match key {
            "--size" => size = value.to_string(),
            "--out" => out = Some(PathBuf::from(value)),
            "--source" => source = Some(PathBuf::from(value)),
            "--tenants" => tenants = value.parse().map_err(|_| "--tenants=N".to_string())?,
            "--force" => force = true,
            _ => {
                return Err(format!(
                    "unknown argument `{arg}`\nusage: kwar-bench-corpus [--size=1k|10k|100k|N] \
                     [--out=DIR] [--source=SHARED_CORPUS] [--tenants=N] [--force]"
                ))
            }
        }
    }
    let target = match size.strip_suffix('k') {
        Some(k) => k.parse::<usize>().map(|k| k * 1000),
        None => size.parse::<usize>(),
    }
    .map_err(|_| format!("bad --size `{size}` (1k, 10k, 100k or a number)"))?;
    let source = source.unwrap_or_else(|| {
        let beside_workspace = kwar_bench::workspace_root().join("../shared/corpus");
        if beside_workspace.is_dir() {
            beside_workspace
        } else {
            PathBuf::from("../shared/corpus")
        }
    });
    if !source.join("kube-prometheus").is_dir() {
        return Err(format!(
            "the shared corpus is not at {} (set KWAR_CORPUS or --source)",
            source.display()
        ));
    }
    Ok(Options {
        target,
        out: out.unwrap_or_else(|| PathBuf::from(format!("bench-out/corpus-{size}"))),
        size_label: size,
        source,
        tenants,
        force,
    })
}

fn run(o: &Options) -> Result<(), String> {
    if o.out.exists() && !o.force {
        eprintln!(
            "{} exists; keeping it (--force regenerates)",
            o.out.display()
        );
        return Ok(());
    }
    let mut sources = Sources {
        root: o.source.clone(),
        cache: HashMap::new(),
    };

    // Size the corpus: objects in the shared CRDs plus objects per cluster.
    let crds = crd_files(&mut sources)?;
    let crd_objects = count_objects(&crds);
    let probe = render_cluster(&mut sources, 0, o.tenants)?;
    let per_cluster = count_objects(&probe);
    let mut probe = Some(probe);
    let base = count_objects(&render_cluster(&mut sources, 0, 0)?);
    let per_tenant = (per_cluster - base) as f64 / o.tenants.max(1) as f64;
    // Whole clusters, then one smaller cluster (fewer tenants) for the remainder.
    let wanted = o.target.saturating_sub(crd_objects);
    let mut clusters = wanted / per_cluster;
    let remainder = wanted - clusters * per_cluster;
    let mut last_tenants = o.tenants;
    if clusters == 0 || remainder * 2 >= base {
        clusters += 1;
        if remainder > 0 {
            last_tenants = ((remainder.saturating_sub(base) as f64 / per_tenant).round() as usize)
                .min(o.tenants);
        }
    }
    eprintln!(
        "generating {}: {clusters} clusters of {per_cluster} objects ({} tenants; the last one \
         {last_tenants} tenants) + {crd_objects} CRD objects",
        o.out.display(),
        o.tenants
    );

    // Write into a scratch directory renamed at the end, so an interrupted run never leaves
    // something that looks like a finished corpus.
    let partial = o.out.with_extension("partial");
    if partial.exists() {
        fs::remove_dir_all(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    }
    let mut files = 0usize;
    let mut bytes = 0usize;
    let mut write = |rel: &str, text: &str| -> Result<(), String> {
        let path = partial.join(rel);
        fs::create_dir_all(path.parent().unwrap())
            .and_then(|()| fs::write(&path, text))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        files += 1;
        bytes += text.len();
        Ok(())
    };
    for (rel, text) in &crds {
        write(rel, text)?;
    }
    for c in 0..clusters {
        let tenants = if c + 1 == clusters {
            last_tenants
        } else {
            o.tenants
        };
        let rendered = match probe.take() {
            Some(first) if tenants == o.tenants => first,
            _ => render_cluster(&mut sources, c, tenants)?,
        };
        for (rel, text) in &rendered {
            write(rel, text)?;
        }
    }

    // Read it back with kwar's reader: it must parse cleanly and hold distinct objects.
    let (texts, errors) =
        collect_inputs(&[partial.display().to_string()], &InputOptions::default());
    let set = read_objects(texts, errors);
    let mut identities = HashSet::new();
    let mut duplicates = 0usize;
    let mut kinds: HashMap<String, usize> = HashMap::new();
    for obj in &set.objects {
        let text = |path: &[&str]| {
            obj.root
                .at(path)
                .and_then(|n| n.scalar_text())
                .unwrap_or_default()
        };
        let id = (
            text(&["apiVersion"]),
            text(&["kind"]),
            text(&["metadata", "namespace"]),
            text(&["metadata", "name"]),
        );
        *kinds.entry(id.1.clone()).or_default() += 1;
        if !identities.insert(id) {
            duplicates += 1;
        }
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let info = serde_json::json!({
        "size": o.size_label,
        "clusters": clusters,
        "tenantsPerCluster": o.tenants,
        "tenantsInLastCluster": last_tenants,
        "objectsPerCluster": per_cluster,
        "files": files,
        "bytes": bytes,
        "objects": set.objects.len(),
        "errors": set.errors.len(),
        "duplicateIdentities": duplicates,
        "kinds": kinds.iter().take(25).map(|(k, n)| serde_json::json!([k, n])).collect::<Vec<_>>(),
    });
    fs::write(
        partial.join(".kwar-bench.json"),
        serde_json::to_string_pretty(&info).unwrap(),
    )
    .map_err(|e| e.to_string())?;
    if !set.errors.is_empty() {
        for e in set.errors.iter().take(10) {
            eprintln!("  {e}");
        }
        return Err(format!(
            "the generated corpus has {} input errors (left in {})",
            set.errors.len(),
            partial.display()
        ));
    }
    if o.out.exists() {
        fs::remove_dir_all(&o.out).map_err(|e| format!("{}: {e}", o.out.display()))?;
    }
    fs::rename(&partial, &o.out).map_err(|e| format!("{}: {e}", o.out.display()))?;
    eprintln!(
        "{}: {} objects ({duplicates} duplicate identities), {files} files, {:.1} MB",
        o.out.display(),
        set.objects.len(),
        bytes as f64 / 1e6
    );
    Ok(())
}

struct Sources {
    root: PathBuf,
    cache: HashMap<String, Arc<str>>,
}

impl Sources {
    fn read(&mut self, rel: &str) -> Result<Arc<str>, String> {
        if let Some(text) = self.cache.get(rel) {
            return Ok(text.clone());
        }
        let path = self.root.join(rel);
        let text: Arc<str> = fs::read_to_string(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .into();
        self.cache.insert(rel.to_string(), text.clone());
        Ok(text)
    }

    /// `*.yaml` files of a directory, sorted, without kustomization files.
    fn yaml_files(&self, dir: &str) -> Result<Vec<String>, String> {
        let path = self.root.join(dir);
        let mut names: Vec<String> = fs::read_dir(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml")
            .collect();
        names.sort();
        Ok(names.into_iter().map(|n| format!("{dir}/{n}")).collect())
    }
}

fn crd_files(sources: &mut Sources) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for rel in sources.yaml_files("kube-prometheus/manifests/setup")? {
        if rel.ends_with("CustomResourceDefinition.yaml") {
            let name = Path::new(&rel).file_name().unwrap().to_string_lossy();
            out.push((
                format!("crds/kube-prometheus/{name}"),
                sources.read(&rel)?.to_string(),
            ));
        }
    }
    Ok(out)
}

fn units(sources: &Sources, cluster: usize, tenants: usize) -> Result<Vec<Unit>, String> {
    let mut units = vec![
        Unit {
            app: "kube-prometheus",
            namespace: "monitoring".into(),
            source_namespace: Some("monitoring"),
            files: sources.yaml_files("kube-prometheus/manifests")?,
        },
        Unit {
            app: "ingress-nginx",
            namespace: "ingress-nginx".into(),
            source_namespace: Some("ingress-nginx"),
            files: vec![format!(
                "ingress-nginx/deploy/static/provider/{}/deploy.yaml",
                INGRESS_NGINX_VARIANTS[cluster % INGRESS_NGINX_VARIANTS.len()]
            )],
        },
        Unit {
            app: "argo-cd",
            namespace: "argocd".into(),
            source_namespace: Some("argocd"),
            files: vec![[
                "argo-cd/manifests/namespace-install.yaml",
                "argo-cd/manifests/ha/namespace-install.yaml",
            ][cluster % 2]
                .to_string()],
        },
    ];
    for svc in RETAIL_SERVICES {
        let mut files =
            sources.yaml_files(&format!("eks-workshop-v2/manifests/base-application/{svc}"))?;
        if *svc == "ui" {
            files.push(
                "eks-workshop-v2/manifests/modules/autoscaling/workloads/hpa/hpa.yaml".into(),
            );
            files.push(
                "eks-workshop-v2/manifests/modules/exposing/ingress/creating-ingress/ingress.yaml"
                    .into(),
            );
        }
        units.push(Unit {
            app: "retail-store",
            namespace: svc.to_string(),
            source_namespace: Some(svc),
            files,
        });
    }
    for t in 0..tenants {
        let mut files = sources.yaml_files("microservices-demo/kubernetes-manifests")?;
        files.extend(
            sources.yaml_files("microservices-demo/kustomize/components/network-policies")?,
        );
        files.extend(sources.yaml_files("microservices-demo/istio-manifests")?);
        units.push(Unit {
            app: "online-boutique",
            namespace: format!("shop-t{t:02}"),
            source_namespace: None,
            files,
        });
    }
    Ok(units)
}

/// The files of cluster `cluster`, as (path relative to the corpus root, text).
fn render_cluster(
    sources: &mut Sources,
    cluster: usize,
    tenants: usize,
) -> Result<Vec<(String, String)>, String> {
    let suffix = format!("c{:03}", cluster + 1);
    let mut out = Vec::new();
    for unit in units(sources, cluster, tenants)? {
        let target_ns = format!("{}-{suffix}", unit.namespace);
        let dir = format!("clusters/{suffix}/namespaces/{target_ns}/{}", unit.app);
        let texts: Vec<(String, Arc<str>)> = unit
            .files
            .iter()
            .map(|f| sources.read(f).map(|t| (f.clone(), t)))
            .collect::<Result<_, _>>()?;
        let renamer = Renamer {
            suffix: &suffix,
            target_ns: &target_ns,
            source_ns: unit.source_namespace,
            cluster_scoped_names: texts
                .iter()
                .flat_map(|(_, t)| documents(t))
                .filter_map(|d| {
                    let info = DocInfo::scan(&d);
                    let kind = info.kind?;
                    (CLUSTER_SCOPED.contains(&kind) && kind != "Namespace")
                        .then(|| info.name.map(|(_, n)| n.to_string()))
                        .flatten()
                })
                .collect(),
        };
        let mut used = BTreeSet::new();
        let mut has_namespace_object = false;
        for (rel, text) in &texts {
            let path = Path::new(rel);
            let mut name = path.file_name().unwrap().to_string_lossy().to_string();
            if !used.insert(name.clone()) {
                let parent = path
                    .parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy();
                name = format!("{parent}-{name}");
                used.insert(name.clone());
            }
            let mut rendered = String::with_capacity(text.len() + 256);
            for doc in documents(text) {
                has_namespace_object |= DocInfo::scan(&doc).kind == Some("Namespace");
                renamer.rewrite(&doc, &mut rendered);
            }
            out.push((format!("{dir}/{name}"), rendered));
        }
        if !has_namespace_object {
            out.push((
                format!("clusters/{suffix}/namespaces/{target_ns}/namespace.yaml"),
                format!(
                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {target_ns}\n  labels:\n    \
                     kwar.bench/cluster: {suffix}\n"
                ),
            ));
        }
    }
    Ok(out)
}

/// Documents of a stream, each with its leading `---` line (if any), so that concatenating
/// them gives back the text.
fn documents(text: &str) -> Vec<Vec<&str>> {
    let mut docs = vec![Vec::new()];
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") && !docs.last().unwrap().is_empty() {
            docs.push(Vec::new());
        }
        docs.last_mut().unwrap().push(line);
    }
    docs
}

/// Where the identity of one document sits, found line by line.
#[derive(Default)]
struct DocInfo<'a> {
    kind: Option<&'a str>,
    /// Index of the top-level `metadata:` line and the indentation of its children.
    metadata: Option<(usize, usize)>,
    /// Index and value of `metadata.name`.
    name: Option<(usize, &'a str)>,
    /// Index of `metadata.namespace`.
    namespace: Option<usize>,
}

impl<'a> DocInfo<'a> {
    fn scan(lines: &[&'a str]) -> DocInfo<'a> {
        let mut info = DocInfo::default();
        let mut in_metadata = false;
        for (i, line) in lines.iter().enumerate() {
            let body = line.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let indent = body.len() - trimmed.len();
            if indent == 0 {
                in_metadata = false;
                if let Some(v) = body.strip_prefix("kind:") {
                    info.kind = Some(scalar(v));
                } else if body.trim_end() == "metadata:" {
                    in_metadata = true;
                    info.metadata = Some((i, 0));
                }
                continue;
            }
            if !in_metadata {
                continue;
            }
            let (line_no, child_indent) = info.metadata.unwrap();
            let child_indent = if child_indent == 0 {
                info.metadata = Some((line_no, indent));
                indent
            } else {
                child_indent
            };
            if indent != child_indent {
                continue;
            }
            if let Some(v) = trimmed.strip_prefix("name:") {
                info.name = Some((i, scalar(v)));
            } else if trimmed.starts_with("namespace:") {
                info.namespace = Some(i);
            }
        }
        info
    }
}

/// A plain or quoted scalar value after `key:`, without a trailing comment.
fn scalar(v: &str) -> &str {
    let v = v.trim();
    let v = match v.find(" #") {
        Some(i) => v[..i].trim_end(),
        None => v,
    };
    v.trim_matches(|c| c == '"' || c == '\'')
}

struct Renamer<'a> {
    suffix: &'a str,
    target_ns: &'a str,
    source_ns: Option<&'a str>,
    cluster_scoped_names: HashSet<String>,
}

impl Renamer<'_> {
    fn namespace(&self, ns: &str) -> String {
        if Some(ns) == self.source_ns {
            self.target_ns.to_string()
        } else {
            format!("{ns}-{}", self.suffix)
        }
    }

    fn rewrite(&self, lines: &[&str], out: &mut String) {
        let info = DocInfo::scan(lines);
        let Some(kind) = info.kind else {
            lines.iter().for_each(|l| out.push_str(l));
            return;
        };
        let is_list = kind.ends_with("List");
        let cluster_scoped = CLUSTER_SCOPED.contains(&kind);
        // A binding's roleRef follows the rename when it names a ClusterRole of this unit.
        let is_binding = (kind == "ClusterRoleBinding" || kind == "RoleBinding")
            && role_ref_kind(lines) == Some("ClusterRole");
        let mut in_role_ref = false;
        for (i, line) in lines.iter().enumerate() {
            let eol = &line[line.trim_end_matches(['\n', '\r']).len()..];
            let body = &line[..line.len() - eol.len()];
            let trimmed = body.trim_start();
            let indent = &body[..body.len() - trimmed.len()];
            if indent.is_empty() && !trimmed.is_empty() && !trimmed.starts_with('#') {
                in_role_ref = trimmed.trim_end() == "roleRef:";
            }
            if info.name.is_some_and(|(n, _)| n == i) && cluster_scoped && !is_list {
                let name = info.name.unwrap().1;
                let new = if kind == "Namespace" {
                    self.namespace(name)
                } else {
                    format!("{name}-{}", self.suffix)
                };
                out.push_str(&format!("{indent}name: {new}{eol}"));
            } else if let Some((key, value)) = namespace_line(trimmed) {
                out.push_str(&format!("{indent}{key}{}{eol}", self.namespace(value)));
            } else if is_binding && in_role_ref && self.renames_role(trimmed) {
                let name = scalar(trimmed.trim_start_matches("name:"));
                out.push_str(&format!("{indent}name: {name}-{}{eol}", self.suffix));
            } else {
                out.push_str(line);
            }
            let insert_namespace = !cluster_scoped && !is_list && info.namespace.is_none();
            if insert_namespace && info.metadata.is_some_and(|(m, _)| m == i) {
                let child = info.metadata.unwrap().1.max(2);
                let eol = if eol.is_empty() { "\n" } else { eol };
                out.push_str(&format!("{:child$}namespace: {}{eol}", "", self.target_ns));
            }
        }
        if !lines.last().is_some_and(|l| l.ends_with('\n')) {
            out.push('\n');
        }
    }

    /// `name: X` inside a binding, where X is a ClusterRole renamed with this unit.
    fn renames_role(&self, trimmed: &str) -> bool {
        trimmed
            .strip_prefix("name:")
            .is_some_and(|v| self.cluster_scoped_names.contains(scalar(v)))
    }
}

/// The `kind:` of a binding's top-level `roleRef:` block.
fn role_ref_kind<'a>(lines: &[&'a str]) -> Option<&'a str> {
    let mut in_role_ref = false;
    for line in lines {
        let trimmed = line.trim_start();
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.len() == line.len() {
            in_role_ref = trimmed.trim_end() == "roleRef:";
        } else if in_role_ref {
            if let Some(v) = trimmed.strip_prefix("kind:") {
                return Some(scalar(v));
            }
        }
    }
    None
}

/// `namespace: value` or `- namespace: value` with a plain scalar value: (key part, value).
fn namespace_line(trimmed: &str) -> Option<(&str, &str)> {
    let key = if trimmed.starts_with("- namespace:") {
        "- namespace: "
    } else if trimmed.starts_with("namespace:") {
        "namespace: "
    } else {
        return None;
    };
    let value = scalar(&trimmed[key.len() - 1..]);
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    plain.then_some((key, value))
}

fn count_objects(files: &[(String, String)]) -> usize {
    let texts = files
        .iter()
        .map(|(name, text)| {
            Input::from(SourceText {
                name: name.as_str().into(),
                text: text.clone(),
                origin: Origin::Walked,
            })
        })
        .collect();
    read_objects(texts, Vec::new()).objects.len()
}
