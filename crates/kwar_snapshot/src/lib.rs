//! The kwar cluster snapshot: the `kwar.io/v1alpha1` `Cluster` header object that describes
//! how a cluster's evidence was collected, the bundle of files (`cluster.json`, one JSON List
//! per resource type, `README.md`) and its gzip'd tar form, and the redaction that keeps
//! Secret values out of it. `kwar snapshot` writes a bundle, `kwar scan FILE.tar.gz` reads
//! one, and `kwar scan --cluster` builds the same bundle in memory, so all three read the
//! cluster through one format.

mod archive;
mod bundle;
mod header;
mod redact;

use std::path::PathBuf;

pub use archive::{is_bundle_path, read_tar_gz, write_tar_gz};
pub use bundle::{list_document, resource_file_path, Bundle, BundleFile};
pub use header::{
    ClusterMetadata, ClusterObject, ClusterSpec, Collector, Redactions, ResourceEntry,
    ResourceError, ServerInfo, Source,
};
pub use redact::{redact_configmap, redact_secret};

/// `apiVersion` of the Cluster header object.
pub const API_VERSION: &str = "kwar.io/v1alpha1";
/// `kind` of the Cluster header object.
pub const CLUSTER_KIND: &str = "Cluster";
/// Path of the Cluster header object inside a bundle.
pub const CLUSTER_FILE: &str = "cluster.json";
/// Path of the customer-facing description inside a bundle.
pub const README_FILE: &str = "README.md";
/// Annotation set on every object whose values were removed.
pub const REDACTED_ANNOTATION: &str = "kwar.io/redacted";
/// Annotation in which `kubectl apply` keeps a full copy of the object, values included.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The `README.md` written into every bundle: what it holds and what it never holds, for the
/// customer to check before handing the bundle over.
pub const README: &str = include_str!("bundle_readme.md");

/// A bundle that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a gzip'd tar archive: {message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("{}: entry `{entry}` {problem}; a kwar snapshot holds only plain files under its own root", path.display())]
    UnsafeEntry {
        path: PathBuf,
        entry: String,
        problem: &'static str,
    },
    #[error("{} is not a kwar snapshot: it has no cluster.json (write one with `kwar snapshot -o FILE.tar.gz`)", path.display())]
    NotASnapshot { path: PathBuf },
    #[error("{}: cluster.json is not a {API_VERSION} {CLUSTER_KIND} object: {message}", path.display())]
    Header { path: PathBuf, message: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
