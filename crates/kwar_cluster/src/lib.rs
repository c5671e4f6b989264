//! The live collector: reads a cluster's configuration over its API into the same snapshot
//! bundle that `kwar snapshot` writes (`kwar_snapshot`), so `kwar scan --cluster` and
//! `kwar scan FILE.tar.gz` review it through one path.
//!
//! It only ever sends GET requests (discovery and `list`), paced by a QPS limit, a few
//! resource types at a time, each request bounded by a timeout and retried on transient
//! failures. A resource type the credentials may not read is recorded in `cluster.json` with
//! the missing permission; it never fails the run. Secret values are removed from each
//! object as it arrives, before it is kept anywhere.

mod config;
mod discovery;
mod list;
mod transport;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kwar_snapshot::{
    list_document, resource_file_path, Bundle, BundleFile, ClusterObject, ClusterSpec, Collector,
    Redactions, ResourceEntry, Source, CLUSTER_FILE, README, README_FILE,
};
use tokio::sync::{mpsc, Semaphore};

use crate::discovery::{DiscoveryFailure, Target};
use crate::list::{ListSettings, Listed};
use crate::transport::{ConnectionKind, Failure, Requester};

/// The API groups always read (`""` is the core group). The caller adds, in
/// [`CollectOptions::extra_groups`], the groups of the custom resources its checks and
/// detectors look at.
pub const BUILTIN_GROUPS: [&str; 13] = [
    "",
    "apps",
    "batch",
    "policy",
    "autoscaling",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "node.k8s.io",
];

/// What to collect and how gently.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// A kubeconfig file; without it `KUBECONFIG`, `~/.kube/config`, then the pod's service
    /// account.
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context; without it the current context.
    pub context: Option<String>,
    /// Namespaces to read namespaced types in; empty for all (only then is the snapshot
    /// complete). Cluster-scoped types are read either way.
    pub namespaces: Vec<String>,
    /// API groups to read besides [`BUILTIN_GROUPS`].
    pub extra_groups: Vec<String>,
    /// Remove ConfigMap values too.
    pub redact_configmaps: bool,
    /// Resource types listed at the same time.
    pub concurrency: usize,
    /// Requests per second, across all of them; 0 for no limit.
    pub qps: f64,
    /// Bound on each request (including reading its answer).
    pub timeout: Duration,
    /// Further tries of a request after a 429, a 5xx, a timeout or a lost connection.
    pub retries: u32,
    /// Items per list page (`limit`); 0 for unpaginated lists.
    pub page_size: u32,
    /// First wait before a retry; doubled for each further one (a server's Retry-After takes
    /// precedence).
    pub backoff: Duration,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            kubeconfig: None,
            context: None,
            namespaces: Vec::new(),
            extra_groups: Vec::new(),
            redact_configmaps: false,
            concurrency: 4,
            qps: 20.0,
            timeout: Duration::from_secs(30),
            retries: 4,
            page_size: 500,
            backoff: Duration::from_millis(500),
        }
    }
}

/// Where the collection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading the kubeconfig and contacting the server.
    Connecting,
    /// Asking the server which resource types it serves.
    Discovering,
    /// Listing resource types: `done` of `total`.
    Listing,
    /// All resource types listed.
    Done,
}

/// A progress report, sent when each stage starts and each resource type starts and ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    /// Resource types listed so far.
    pub done: usize,
    /// Resource types to list (known once discovery is over).
    pub total: usize,
    /// The resource type just started or finished (`deployments.apps`, `pods`).
    pub current: Option<String>,
}

/// Why nothing could be collected. Each message says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no kubeconfig found (looked for {searched}) and not running in a pod ({in_cluster}); pass --kubeconfig or set KUBECONFIG")]
    NoKubeconfig {
        searched: String,
        in_cluster: String,
    },
    #[error("context `{context}` was asked for but no kubeconfig was found (looked for {searched}); pass --kubeconfig or set KUBECONFIG")]
    NoKubeconfigForContext { context: String, searched: String },
    #[error("cannot use kubeconfig {path}: {message}")]
    Kubeconfig { path: String, message: String },
    #[error(
        "context `{context}` not found in {path} (contexts: {})",
        names(available)
    )]
    UnknownContext {
        context: String,
        path: String,
        available: Vec<String>,
    },
    #[error(
        "{path} sets no current context; pass --context (contexts: {})",
        names(available)
    )]
    NoCurrentContext {
        path: String,
        available: Vec<String>,
    },
    #[error("cannot set up a client for {server}: {message}")]
    Client { server: String, message: String },
    #[error("cannot reach the API server at {server}: {message}; check that the cluster is up and reachable from here (VPN, firewall, private endpoint)")]
    Unreachable { server: String, message: String },
    #[error("TLS with the API server at {server} failed: {message}; the kubeconfig's certificate authority must be the one that signed the server's certificate")]
    Tls { server: String, message: String },
    #[error("the API server at {server} refused the credentials (401 Unauthorized{}); the token or client certificate is wrong or expired: refresh the kubeconfig's credentials", colon(message))]
    Unauthorized { server: String, message: String },
    #[error("cannot get credentials for {server}: {message}; check the kubeconfig's exec plugin or token file")]
    Credentials { server: String, message: String },
    #[error("API discovery at {server}{path} failed ({code} {reason}): {message}")]
    Discovery {
        server: String,
        path: String,
        code: u16,
        reason: String,
        message: String,
    },
    #[error("cannot start the collector: {0}")]
    Runtime(#[source] std::io::Error),
}

fn names(list: &[String]) -> String {
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

fn colon(message: &str) -> String {
    if message.is_empty() || message == "Unauthorized" {
        String::new()
    } else {
        format!(": {message}")
    }
}

impl CollectError {
    /// The run-stopping error for a failure that reached every request.
    fn from_failure(server: &str, path: &str, failure: Failure) -> CollectError {
        let server = server.to_string();
        match failure {
            Failure::Status {
                code: 401, message, ..
            } => CollectError::Unauthorized { server, message },
            Failure::Connection {
                kind: ConnectionKind::Tls,
                message,
            } => CollectError::Tls { server, message },
            Failure::Credentials { message } => CollectError::Credentials { server, message },
            Failure::Connection { message, .. } => CollectError::Unreachable { server, message },
            Failure::Timeout { .. } => CollectError::Unreachable {
                message: failure.message(),
                server,
            },
            Failure::Status { .. } | Failure::Invalid { .. } => CollectError::Discovery {
                server,
                path: path.to_string(),
                code: failure.code(),
                reason: failure.reason(),
                message: failure.message(),
            },
        }
    }
}

/// Collects the cluster into a bundle: `cluster.json`, one List per resource type, and
/// `README.md`. Blocks; it runs its own tokio runtime, so it must not be called from
/// inside one.
pub fn collect(
    options: &CollectOptions,
    progress: &dyn Fn(Progress),
) -> Result<Bundle, CollectError> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name("kwar-collect")
        .enable_all()
        .build()
        .map_err(CollectError::Runtime)?;
    runtime.block_on(collect_async(options, progress))
}

enum Event {
    Started(usize),
    Finished(usize, Listed),
}

async fn collect_async(
    options: &CollectOptions,
    progress: &dyn Fn(Progress),
) -> Result<Bundle, CollectError> {
    let report = |stage, done, total, current: Option<String>| {
        progress(Progress {
            stage,
            done,
            total,
            current,
        })
    };
    report(Stage::Connecting, 0, 0, None);
    let loaded = config::load(options).await?;
    let mut config = loaded.config;
    let server = config.cluster_url.to_string();
    // Retries are ours (counted, with Retry-After), so kube's own layer would only double them.
    config.default_retry = false;
    let client = kube::Client::try_from(config).map_err(|e| CollectError::Client {
        server: server.clone(),
        message: e.to_string(),
    })?;
    let requester = Arc::new(Requester::new(
        client,
        options.qps,
        options.timeout,
        options.retries,
        options.backoff,
    ));

    report(Stage::Discovering, 0, 0, None);
    let mut groups: Vec<String> = BUILTIN_GROUPS.iter().map(|g| g.to_string()).collect();
    for group in &options.extra_groups {
        if !groups.contains(group) {
            groups.push(group.clone());
        }
    }
    let discovered = discovery::discover(&requester, &groups).await.map_err(
        |DiscoveryFailure { path, failure }| CollectError::from_failure(&server, &path, failure),
    )?;

    let mut namespaces: Vec<String> = Vec::new();
    for namespace in &options.namespaces {
        if !namespaces.contains(namespace) {
            namespaces.push(namespace.clone());
        }
    }
    let settings = ListSettings {
        namespaces: namespaces.clone().into(),
        page_size: options.page_size,
        redact_configmaps: options.redact_configmaps,
    };
    let targets: Arc<[Target]> = discovered.targets.clone().into();
    let total = targets.len();
    report(Stage::Listing, 0, total, None);

    let (sender, mut events) = mpsc::unbounded_channel();
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    for index in 0..total {
        let (sender, permits, requester, targets, settings) = (
            sender.clone(),
            Arc::clone(&permits),
            Arc::clone(&requester),
            Arc::clone(&targets),
            settings.clone(),
        );
        tokio::spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let _ = sender.send(Event::Started(index));
            let listed = list::list(&requester, &targets[index], &settings).await;
            let _ = sender.send(Event::Finished(index, listed));
        });
    }
    // The loop below ends when every task has dropped its sender.
    drop(sender);
    let mut results: Vec<Option<Listed>> = (0..total).map(|_| None).collect();
    let mut done = 0;
    while let Some(event) = events.recv().await {
        match event {
            Event::Started(index) => report(
                Stage::Listing,
                done,
                total,
                Some(targets[index].display_name()),
            ),
            Event::Finished(index, listed) => {
                done += 1;
                report(
                    Stage::Listing,
                    done,
                    total,
                    Some(targets[index].display_name()),
                );
                results[index] = Some(listed);
            }
        }
    }
    report(Stage::Done, done, total, None);

    // Discovery worked, so a server that then fails every list the same fatal way (the
    // credentials expired, the connection dropped) has given nothing to review.
    if total > 0
        && results
            .iter()
            .all(|r| r.as_ref().is_some_and(|l| l.fatal.is_some()))
    {
        if let Some(failure) = results
            .iter_mut()
            .find_map(|r| r.as_mut().and_then(|l| l.fatal.take()))
        {
            return Err(CollectError::from_failure(&server, "", failure));
        }
    }

    let mut spec = ClusterSpec::new(Source::Live, namespaces.is_empty());
    spec.collected_at = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    spec.collector = Some(Collector {
        name: "kwar".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    });
    spec.server = discovered.server;
    spec.redactions = Redactions {
        secret_values: true,
        config_map_values: options.redact_configmaps,
    };
    spec.namespaces = namespaces;
    spec.absent_groups = discovered.absent_groups;
    Ok(assemble(
        loaded.name,
        spec,
        &targets,
        results,
        discovered.group_errors,
    ))
}

/// The bundle: `cluster.json` (with one resource entry per type), the List files in path
/// order, `README.md`.
fn assemble(
    name: String,
    mut spec: ClusterSpec,
    targets: &[Target],
    results: Vec<Option<Listed>>,
    group_errors: Vec<ResourceEntry>,
) -> Bundle {
    let mut files = Vec::new();
    for (target, listed) in targets.iter().zip(results) {
        let listed = listed.unwrap_or_else(|| Listed {
            error: Some(kwar_snapshot::ResourceError {
                code: 0,
                reason: "InternalError".into(),
                message: "the list task stopped without a result".into(),
                permission: list::permission(&target.group, &target.resource, None),
            }),
            ..Listed::default()
        });
        let mut entry = ResourceEntry {
            group: target.group.clone(),
            version: target.version.clone(),
            resource: target.resource.clone(),
            kind: target.kind.clone(),
            namespaced: target.namespaced,
            file: None,
            items: None,
            error: listed.error,
        };
        if listed.read {
            let path = resource_file_path(&target.group, &target.version, &target.resource);
            entry.items = Some(listed.items.len());
            files.push(BundleFile::new(path.clone(), list_document(&listed.items)));
            entry.file = Some(path);
        }
        spec.resources.push(entry);
    }
    spec.resources.extend(group_errors);
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let header = ClusterObject::new(name, spec);
    let mut bundle = Bundle {
        files: vec![BundleFile::new(CLUSTER_FILE, header.to_json_pretty())],
    };
    bundle.files.extend(files);
    bundle.files.push(BundleFile::new(README_FILE, README));
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_are_the_documented_ones() {
        let options = CollectOptions::default();
        assert_eq!(options.concurrency, 4);
        assert_eq!(options.qps, 20.0);
        assert_eq!(options.timeout, Duration::from_secs(30));
        assert_eq!(options.retries, 4);
        assert_eq!(options.page_size, 500);
    }

    #[test]
    fn errors_give_hints() {
        let err = CollectError::UnknownContext {
            context: "x".into(),
            path: "/home/me/.kube/config".into(),
            available: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            err.to_string(),
            "context `x` not found in /home/me/.kube/config (contexts: a, b)"
        );
        let err = CollectError::from_failure(
            "https://k:6443/",
            "/version",
            Failure::Status {
                code: 401,
                reason: "Unauthorized".into(),
                message: "Unauthorized".into(),
            },
        );
        assert!(matches!(err, CollectError::Unauthorized { .. }));
        assert!(err.to_string().contains("401 Unauthorized)"), "{err}");
    }

    #[test]
    fn assembles_header_files_and_readme() {
        let targets = vec![
            Target {
                group: "".into(),
                version: "v1".into(),
                resource: "pods".into(),
                kind: "Pod".into(),
                namespaced: true,
            },
            Target {
                group: "networking.k8s.io".into(),
                version: "v1".into(),
                resource: "networkpolicies".into(),
                kind: "NetworkPolicy".into(),
                namespaced: true,
            },
        ];
        let results = vec![
            Some(Listed {
                items: vec![json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}})],
                read: true,
                ..Listed::default()
            }),
            Some(Listed {
                error: Some(kwar_snapshot::ResourceError {
                    code: 403,
                    reason: "Forbidden".into(),
                    message: "no".into(),
                    permission: "list networkpolicies.networking.k8s.io".into(),
                }),
                ..Listed::default()
            }),
        ];
        let bundle = assemble(
            "prod".into(),
            ClusterSpec::new(Source::Live, true),
            &targets,
            results,
            vec![],
        );
        let paths: Vec<&str> = bundle.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [CLUSTER_FILE, "resources/core/v1/pods.json", README_FILE]
        );
        let header = bundle.cluster(std::path::Path::new("<memory>")).unwrap();
        assert_eq!(header.metadata.name, "prod");
        assert_eq!(header.spec.resources[0].items, Some(1));
        assert_eq!(header.spec.resources[1].error.as_ref().unwrap().code, 403);
        assert!(header.spec.resources[1].file.is_none());
    }
}
