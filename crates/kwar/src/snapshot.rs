//! `kwar snapshot` and `kwar scan --cluster`: evidence collected from a cluster, either written
//! to a portable bundle or read at once through the same path as a bundle file.

use std::collections::BTreeSet;
use std::io::{self, IsTerminal};
use std::process::ExitCode;

use kwar_cluster::{CollectOptions, Progress, Stage};
use kwar_snapshot::Bundle;
use kwar_snapshot::ClusterObject;
use kwar_source::{bundle_inputs, Input};

use crate::cli::{ConnectionArgs, SnapshotArgs};

pub fn run(args: SnapshotArgs) -> Result<ExitCode, String> {
    let Some(output) = args.output.filter(|_| !args.print_clusterrole) else {
        print!("{}", cluster_role());
        return Ok(ExitCode::SUCCESS);
    };
    if output.exists() && !args.force {
        return Err(format!(
            "{} exists; pass --force to replace it",
            output.display()
        ));
    }
    let bundle = collect(&args.connection, args.redact_configmaps)?;
    kwar_snapshot::write_tar_gz(&bundle, &output).map_err(|e| e.to_string())?;
    eprintln!("kwar: {}", describe(&bundle, &output.display().to_string()));
    Ok(ExitCode::SUCCESS)
}

/// The least access that lets an identity collect what kwar reads: `get` and `list` on the
/// API groups it asks for, nothing else (no watch, no write, no subresources such as
/// `pods/log` or `pods/exec`).
fn cluster_role() -> String {
    let mut groups: Vec<String> = kwar_cluster::BUILTIN_GROUPS
        .iter()
        .map(|g| g.to_string())
        .chain(extra_groups())
        .collect();
    groups.sort();
    groups.dedup();
    let list: Vec<String> = groups.iter().map(|g| format!("\"{g}\"")).collect();
    format!(
        "# Read-only access for `kwar snapshot` and `kwar scan --cluster` (docs/cluster.md).\n\
         # Secrets are listed for their type and key names; kwar blanks their values as they arrive.\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: ClusterRole\n\
         metadata:\n  name: kwar-reader\n\
         rules:\n  - apiGroups: [{}]\n    resources: [\"*\"]\n    verbs: [\"get\", \"list\"]\n  \
         - nonResourceURLs: [\"/version\", \"/api\", \"/api/*\", \"/apis\", \"/apis/*\"]\n    verbs: [\"get\"]\n\
         ---\n\
         apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: ClusterRoleBinding\n\
         metadata:\n  name: kwar-reader\n\
         roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: kwar-reader\n\
         subjects:\n  - kind: Group\n    name: kwar-reviewers\n    apiGroup: rbac.authorization.k8s.io\n",
        list.join(", ")
    )
}

/// `kwar scan --cluster`: the bundle a snapshot would hold, read without a file in between,
/// so that a live scan and a scan of a snapshot of the same cluster agree.
pub fn collect_inputs(connection: &ConnectionArgs) -> Result<Vec<Input>, String> {
    let bundle = collect(connection, false)?;
    let name = format!("cluster/{}", cluster_name(&bundle));
    let (inputs, errors) = bundle_inputs(&name, bundle);
    match errors.first() {
        // The collector writes UTF-8 JSON; anything else is a bug worth stopping for.
        Some(e) => Err(format!("{}: {}", e.file, e.message)),
        None => Ok(inputs),
    }
}

fn collect(connection: &ConnectionArgs, redact_configmaps: bool) -> Result<Bundle, String> {
    let options = CollectOptions {
        kubeconfig: connection.kubeconfig.clone(),
        context: connection.context.clone(),
        namespaces: connection.namespaces.clone(),
        extra_groups: extra_groups(),
        redact_configmaps,
        ..CollectOptions::default()
    };
    let show = io::stderr().is_terminal();
    let progress = |p: Progress| {
        if !show {
            return;
        }
        match p.stage {
            Stage::Connecting => eprint!("\r\x1b[Kkwar: connecting…"),
            Stage::Discovering => eprint!("\r\x1b[Kkwar: discovering resource types…"),
            Stage::Listing => eprint!(
                "\r\x1b[Kkwar: reading {}/{} resource types ({})…",
                p.done,
                p.total,
                p.current.as_deref().unwrap_or("")
            ),
            Stage::Done => {}
        }
    };
    let bundle = kwar_cluster::collect(&options, &progress).map_err(|e| e.to_string());
    if show {
        eprint!("\r\x1b[K");
    }
    bundle
}

/// API groups beyond the built-in ones worth collecting: those of the custom resources the
/// checks read and of the CRDs the detectors look for.
fn extra_groups() -> Vec<String> {
    let mut groups = BTreeSet::new();
    for check in kwar_checks::all_checks() {
        for need in check.needs {
            if let Some((group, _)) = need.rsplit_once('/') {
                groups.insert(group.to_string());
            }
        }
    }
    // CRD names in the catalog read `plural.group`, sometimes followed by a note.
    for crd in detector_crds() {
        if let Some((_, group)) = crd
            .split_whitespace()
            .next()
            .and_then(|n| n.split_once('.'))
        {
            groups.insert(group.to_string());
        }
    }
    groups.into_iter().collect()
}

/// The `crds` of every detector of the embedded catalog.
fn detector_crds() -> Vec<String> {
    let chunk = kwar_yaml::Chunk {
        text: kwar_catalog::source_text(),
        first_line: 1,
    };
    let parsed = kwar_yaml::parse_document(&chunk);
    let Some(catalog) = parsed.documents.first() else {
        return Vec::new();
    };
    catalog
        .get("detectors")
        .map(kwar_yaml::Node::entries)
        .unwrap_or_default()
        .iter()
        .flat_map(|(_, d)| {
            d.get("crds")
                .map(kwar_yaml::Node::items)
                .unwrap_or_default()
        })
        .filter_map(|c| c.as_str().map(String::from))
        .collect()
}

fn header(bundle: &Bundle) -> Option<ClusterObject> {
    bundle.cluster(std::path::Path::new("cluster")).ok()
}

fn cluster_name(bundle: &Bundle) -> String {
    header(bundle).map_or_else(|| "live".to_string(), |h| h.metadata.name)
}

/// One line on what the bundle holds and what could not be read.
fn describe(bundle: &Bundle, path: &str) -> String {
    let Some(header) = header(bundle) else {
        return format!("wrote {path}");
    };
    let resources = &header.spec.resources;
    let read = resources.iter().filter(|r| r.error.is_none()).count();
    let objects: usize = resources.iter().filter_map(|r| r.items).sum();
    let refused: Vec<_> = resources
        .iter()
        .filter_map(|r| r.error.as_ref())
        .map(|e| format!("{} ({})", e.permission, e.code))
        .collect();
    let mut line = format!(
        "wrote {path}: {objects} objects of {read} resource types from `{}`",
        header.metadata.name
    );
    if !refused.is_empty() {
        line.push_str(&format!(
            "; {} could not be read, the checks that need them will be unknown: {}",
            refused.len(),
            refused.join(", ")
        ));
    }
    line
}
