//! The bundle's files in memory, and the one-item-per-line List documents they hold.

use std::path::Path;

use serde_json::Value;

use crate::{ClusterObject, SnapshotError, CLUSTER_FILE};

/// A snapshot's files, `cluster.json` first. The same value whether it was read from a
/// `.tar.gz` or collected from a live cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    pub files: Vec<BundleFile>,
}

/// One file of a bundle: its relative path (`/`-separated) and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl BundleFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        BundleFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

impl Bundle {
    /// The file at `path`, if the bundle has one.
    pub fn file(&self, path: &str) -> Option<&BundleFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The parsed Cluster header; `origin` names the bundle in the error.
    pub fn cluster(&self, origin: &Path) -> Result<ClusterObject, SnapshotError> {
        let file = self
            .file(CLUSTER_FILE)
            .ok_or_else(|| SnapshotError::NotASnapshot {
                path: origin.to_path_buf(),
            })?;
        parse_header(&file.bytes, origin)
    }
}

pub(crate) fn parse_header(bytes: &[u8], origin: &Path) -> Result<ClusterObject, SnapshotError> {
    let header_error = |message: String| SnapshotError::Header {
        path: origin.to_path_buf(),
        message,
    };
    let object: ClusterObject =
        serde_json::from_slice(bytes).map_err(|e| header_error(e.to_string()))?;
    if object.api_version != crate::API_VERSION || object.kind != crate::CLUSTER_KIND {
        return Err(header_error(format!(
            "it is {} {}",
            object.api_version, object.kind
        )));
    }
    Ok(object)
}

/// `resources/<group or "core">/<version>/<resource>.json`.
pub fn resource_file_path(group: &str, version: &str, resource: &str) -> String {
    let group = if group.is_empty() { "core" } else { group };
    format!("resources/{group}/{version}/{resource}.json")
}

/// A `v1` List of `items`, one item per line: line 1 opens the List, line N+1 holds item N
/// (so a finding's line number points at its object) and the last line closes it.
pub fn list_document(items: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + items.len() * 512);
    out.extend_from_slice(br#"{"apiVersion":"v1","kind":"List","items":["#);
    out.push(b'\n');
    for (i, item) in items.iter().enumerate() {
        // Compact JSON escapes every newline inside strings, so an item is exactly one line.
        serde_json::to_writer(&mut out, item).expect("writing JSON to a Vec cannot fail");
        if i + 1 < items.len() {
            out.push(b',');
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_document_has_one_item_per_line_and_parses_back() {
        let items = vec![
            json!({"kind": "ConfigMap", "data": {"script": "line one\nline two\n"}}),
            json!({"kind": "Pod", "metadata": {"name": "a"}}),
            json!({"kind": "Pod", "metadata": {"name": "b"}}),
        ];
        let doc = list_document(&items);
        let text = String::from_utf8(doc.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), items.len() + 2);
        for (i, item) in items.iter().enumerate() {
            let line = lines[i + 1].trim_end_matches(',');
            assert_eq!(&serde_json::from_str::<Value>(line).unwrap(), item);
        }
        let parsed: Value = serde_json::from_slice(&doc).unwrap();
        assert_eq!(parsed["apiVersion"], "v1");
        assert_eq!(parsed["kind"], "List");
        assert_eq!(parsed["items"], Value::Array(items));
    }

    #[test]
    fn empty_list_document_parses() {
        let parsed: Value = serde_json::from_slice(&list_document(&[])).unwrap();
        assert_eq!(parsed["items"], json!([]));
    }

    #[test]
    fn resource_paths_name_the_core_group() {
        assert_eq!(
            resource_file_path("", "v1", "pods"),
            "resources/core/v1/pods.json"
        );
        assert_eq!(
            resource_file_path("apps", "v1", "deployments"),
            "resources/apps/v1/deployments.json"
        );
    }
}
