use std::sync::Arc;

use kwar_yaml::{parse_document, parse_json, split_documents, Chunk, Node, Pos};
use rayon::prelude::*;

use crate::input::{Input, Origin, SourceText};
use crate::InputError;

/// One Kubernetes object as read, before indexing.
#[derive(Debug, Clone)]
pub struct RawObject {
    pub root: Node,
    pub file: Arc<str>,
    /// The Helm template it was rendered from (`# Source:` comment), if any.
    pub template: Option<Arc<str>>,
    /// Where inside a `List` document the object sits (`items[3]`), if it came from one.
    pub list_path: Option<String>,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct SourceSet {
    pub objects: Vec<RawObject>,
    pub errors: Vec<InputError>,
    /// Files met while walking a directory that hold no Kubernetes object (Helm values,
    /// CI configs, JSON data): skipped, not errors.
    pub skipped: Vec<Arc<str>>,
    /// Inputs read (files, stdin, rendered kustomizations).
    pub inputs: usize,
    /// Bytes read.
    pub bytes: usize,
}

/// Reads the objects of every input, in parallel (one task per input: read, parse, drop the
/// text), keeping the input order in the result.
pub fn read_objects(inputs: Vec<Input>, mut errors: Vec<InputError>) -> SourceSet {
    let count = inputs.len();
    let per_input: Vec<(usize, FileResult)> = inputs
        .into_par_iter()
        .map(|input| match input.load() {
            Ok(text) => (text.text.len(), read_text(&text)),
            Err(e) => (
                0,
                FileResult {
                    errors: vec![e],
                    ..FileResult::default()
                },
            ),
        })
        .collect();
    let mut set = SourceSet {
        inputs: count,
        ..SourceSet::default()
    };
    for (bytes, result) in per_input {
        set.bytes += bytes;
        set.objects.extend(result.objects);
        errors.extend(result.errors);
        if let Some(name) = result.skipped {
            set.skipped.push(name);
        }
    }
    set.errors = errors;
    set
}

#[derive(Default)]
struct FileResult {
    objects: Vec<RawObject>,
    errors: Vec<InputError>,
    skipped: Option<Arc<str>>,
}

/// The opening line of a snapshot's resource file (`kwar_snapshot::list_document`).
const COLLECTED_LIST_HEAD: &str = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n";

/// A snapshot's resource file holds one List item per line: its items are read in parallel,
/// a line each. (A cluster's Pods are one file; read whole, one thread would read them all.)
/// `None` when the file is not in that layout or a line does not read: the caller then reads
/// the file whole, and reports what is wrong with it.
fn read_collected_list(source: &SourceText) -> Option<FileResult> {
    let body = source.text.strip_prefix(COLLECTED_LIST_HEAD)?;
    let body = body.trim_end().strip_suffix("]}")?;
    let lines: Vec<(u32, &str)> = body
        .lines()
        .enumerate()
        .map(|(i, line)| (i as u32 + 2, line.trim_end().trim_end_matches(',')))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    let parsed: Vec<_> = lines
        .par_iter()
        .map(|&(line_no, line)| parse_json(line, line_no).map(|p| (line_no, p)))
        .collect::<Result<_, _>>()
        .ok()?;
    let mut result = FileResult::default();
    let mut plain = Vec::new();
    for (n, (line_no, doc)) in parsed.into_iter().enumerate() {
        for e in doc.errors {
            result.errors.push(InputError::new(
                source.name.clone(),
                Some(e.line),
                format!("{} (column {})", e.message, e.col),
            ));
        }
        for item in doc.documents {
            let before = result.objects.len();
            classify(item, &source.name, None, &mut result, &mut plain);
            for object in &mut result.objects[before..] {
                object
                    .list_path
                    .get_or_insert_with(|| format!("items[{n}]"));
            }
        }
        if let Some(&(_, what)) = plain.last() {
            result.errors.push(InputError::new(
                source.name.clone(),
                Some(line_no),
                format!("List item: {what}"),
            ));
            plain.clear();
        }
    }
    Some(result)
}

fn read_text(source: &SourceText) -> FileResult {
    if source.origin == Origin::Collected {
        if let Some(result) = read_collected_list(source) {
            return result;
        }
    }
    let name = &source.name;
    let mut result = FileResult::default();
    let trimmed = source.text.trim_start();
    let is_json = trimmed.starts_with('{') || trimmed.starts_with('[');
    let chunks = if is_json {
        vec![Chunk {
            text: &source.text,
            first_line: 1,
        }]
    } else {
        split_documents(&source.text)
    };
    // Documents that are maps without apiVersion and kind; an error only if the file turns
    // out to hold manifests.
    let mut plain_documents: Vec<(u32, &'static str)> = Vec::new();
    let mut syntax_errors = 0;
    for chunk in &chunks {
        // JSON (cluster dumps, snapshots) goes through the JSON reader, several times faster
        // than the YAML one; what is not strict JSON is left to the YAML reader to judge.
        let parsed = match is_json.then(|| parse_json(chunk.text, chunk.first_line)) {
            Some(Ok(parsed)) => parsed,
            _ => parse_document(chunk),
        };
        let mut documents = parsed.documents;
        let mut chunk_errors = parsed.errors;
        if is_json && documents.is_empty() && !chunk_errors.is_empty() {
            // saphyr is stricter than JSON in a few corners (tabs); JSON without spans is
            // better than no review.
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(chunk.text) {
                documents.push(Node::from_json(&value, Pos { line: 1, col: 1 }));
                chunk_errors.clear();
            }
        }
        let holds_object = documents.iter().any(is_object_like);
        for err in chunk_errors {
            let is_duplicate = err.message.starts_with("duplicate key");
            if is_duplicate && !holds_object {
                continue;
            }
            if !is_duplicate {
                syntax_errors += 1;
            }
            result.errors.push(InputError::new(
                name.clone(),
                Some(err.line),
                format!("{} (column {})", err.message, err.col),
            ));
        }
        let template = helm_source(chunk.text);
        for doc in documents {
            classify(
                doc,
                name,
                template.as_ref(),
                &mut result,
                &mut plain_documents,
            );
        }
    }
    if result.objects.is_empty() {
        match source.origin {
            Origin::Walked => {
                if result.errors.is_empty() {
                    result.skipped = Some(name.clone());
                }
            }
            Origin::Collected => {}
            Origin::Named | Origin::Rendered => {
                if syntax_errors == 0 && result.errors.is_empty() {
                    result.errors.push(InputError::new(
                        name.clone(),
                        None,
                        "holds no Kubernetes manifest (no document with apiVersion and kind)",
                    ));
                }
            }
        }
    } else {
        for (line, what) in plain_documents {
            result.errors.push(InputError::new(
                name.clone(),
                Some(line),
                format!(
                    "{what}, in a file that holds Kubernetes manifests (Kubernetes needs both)"
                ),
            ));
        }
    }
    result
}

fn is_object_like(doc: &Node) -> bool {
    doc.get("apiVersion").is_some() || doc.get("kind").is_some()
}

fn classify(
    doc: Node,
    file: &Arc<str>,
    template: Option<&Arc<str>>,
    result: &mut FileResult,
    plain: &mut Vec<(u32, &'static str)>,
) {
    if !doc.is_map() {
        return;
    }
    let api_version = doc
        .get("apiVersion")
        .and_then(Node::as_str)
        .map(str::to_owned);
    let kind = doc.get("kind").and_then(Node::as_str).map(str::to_owned);
    match (api_version, kind) {
        (Some(api_version), Some(kind)) => {
            if let Some(served) = misplaced_builtin(&api_version, &kind) {
                result.errors.push(InputError::new(
                    file.clone(),
                    Some(doc.pos.line),
                    format!(
                        "{kind} in apiVersion `{api_version}`: Kubernetes serves {kind} only in {served}, \
                         so the API server would reject it; the object is not reviewed"
                    ),
                ));
                return;
            }
            if kind.ends_with("List")
                && doc
                    .get("items")
                    .is_some_and(|i| matches!(i.value, kwar_yaml::Value::Seq(_)))
            {
                unpack_list(doc, &kind, file, template, result);
            } else {
                result.objects.push(RawObject {
                    root: doc,
                    file: file.clone(),
                    template: template.cloned(),
                    list_path: None,
                });
            }
        }
        (api_version, kind) => {
            // Chart.yaml (apiVersion only), CI configs and values files have one or neither;
            // whether that is an error depends on whether the file holds manifests.
            let what = match (api_version.is_some(), kind.is_some()) {
                (true, false) => "document has apiVersion but no kind",
                (false, true) => "document has kind but no apiVersion",
                _ => "document has neither apiVersion nor kind",
            };
            plain.push((doc.pos.line, what));
        }
    }
}

/// Built-in kinds written with a built-in API group that does not serve them (`apiVersion:
/// v1` on a Deployment). Custom resources that reuse a built-in kind name in their own group
/// are left alone.
fn misplaced_builtin(api_version: &str, kind: &str) -> Option<&'static str> {
    const BUILTIN_GROUPS: [&str; 5] = ["", "apps", "batch", "extensions", "policy"];
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    if !BUILTIN_GROUPS.contains(&group) {
        return None;
    }
    let (served, groups): (&str, &[&str]) = match kind {
        "Deployment" | "DaemonSet" | "ReplicaSet" => ("apps/v1", &["apps", "extensions"]),
        "StatefulSet" | "ControllerRevision" => ("apps/v1", &["apps"]),
        "Job" | "CronJob" => ("batch/v1", &["batch"]),
        "Pod" | "Service" | "ConfigMap" | "Secret" | "ServiceAccount" | "Namespace" => {
            ("v1", &[""])
        }
        _ => return None,
    };
    (!groups.contains(&group)).then_some(served)
}

fn unpack_list(
    doc: Node,
    kind: &str,
    file: &Arc<str>,
    template: Option<&Arc<str>>,
    result: &mut FileResult,
) {
    let kwar_yaml::Value::Map(entries) = doc.value else {
        return;
    };
    for (key, value) in entries {
        if key.as_str() != Some("items") {
            continue;
        }
        let kwar_yaml::Value::Seq(items) = value.value else {
            continue;
        };
        for (index, item) in items.into_iter().enumerate() {
            let complete = item.get("apiVersion").and_then(Node::as_str).is_some()
                && item.get("kind").and_then(Node::as_str).is_some();
            if complete {
                result.objects.push(RawObject {
                    root: item,
                    file: file.clone(),
                    template: template.cloned(),
                    list_path: Some(format!("items[{index}]")),
                });
            } else if !item.is_null() {
                result.errors.push(InputError::new(
                    file.clone(),
                    Some(item.pos.line),
                    format!("item {index} of {kind} has no apiVersion or kind"),
                ));
            }
        }
    }
}

/// The `# Source: chart/templates/x.yaml` comment `helm template` writes above each document.
fn helm_source(text: &str) -> Option<Arc<str>> {
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("---") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# Source:") {
            return Some(rest.trim().into());
        }
        if !line.starts_with('#') {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, origin: Origin) -> FileResult {
        read_text(&SourceText {
            name: "in.yaml".into(),
            text: text.into(),
            origin,
        })
    }

    #[test]
    fn snapshot_lists_are_read_a_line_per_item_like_a_whole_list() {
        let text = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}},\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\",\"name\":\"c\"}}\n]}\n";
        let collected = read(text, Origin::Collected);
        let whole = read(text, Origin::Named);
        let summary = |r: &FileResult| {
            r.objects
                .iter()
                .map(|o| (o.root.clone(), o.list_path.clone(), o.root.pos))
                .collect::<Vec<_>>()
        };
        assert_eq!(summary(&collected), summary(&whole));
        assert_eq!(collected.objects[1].list_path.as_deref(), Some("items[1]"));
        assert_eq!(collected.objects[1].root.pos.line, 3);
        // The duplicate key is reported either way, on the item's line.
        assert_eq!(collected.errors.len(), 1, "{:?}", collected.errors);
        assert_eq!(collected.errors[0].line, Some(3));
        assert_eq!(whole.errors[0].line, Some(3));
        // An empty List is evidence of nothing, not an error; a broken line falls back to the
        // whole-file reader, which reports it.
        let empty = read(
            "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n]}\n",
            Origin::Collected,
        );
        assert!(empty.errors.is_empty() && empty.objects.is_empty());
        let broken = read(
            "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n{\"a\": }\n]}\n",
            Origin::Collected,
        );
        assert_eq!(broken.errors.len(), 1, "{:?}", broken.errors);
        assert_eq!(broken.errors[0].line, Some(2));
    }

    #[test]
    fn lists_are_unpacked_and_helm_sources_kept() {
        let text = "---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n";
        let r = read(text, Origin::Named);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.objects.len(), 2);
        assert_eq!(r.objects[1].list_path.as_deref(), Some("items[1]"));
        assert_eq!(
            r.objects[0].template.as_deref(),
            Some("shop/templates/cm.yaml")
        );
        assert_eq!(r.objects[1].root.pos.line, 9);
    }

    #[test]
    fn non_manifest_files_are_skipped_when_walked_and_errors_when_named() {
        let values = "replicaCount: 1\nimage:\n  tag: latest\n";
        let walked = read(values, Origin::Walked);
        assert!(walked.errors.is_empty());
        assert!(walked.skipped.is_some());
        let named = read(values, Origin::Named);
        assert_eq!(named.errors.len(), 1);
        assert!(named.errors[0].message.contains("no Kubernetes manifest"));
    }

    #[test]
    fn bad_documents_are_reported_and_the_rest_kept() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nkind: Pod\n---\nfoo: bar\n---\nmetadata: [oops\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n";
        let r = read(text, Origin::Walked);
        assert_eq!(r.objects.len(), 2);
        let lines: Vec<_> = r.errors.iter().map(|e| e.line).collect();
        assert_eq!(r.errors.len(), 3, "{:?}", r.errors);
        assert!(lines.contains(&Some(5)));
        assert!(lines.contains(&Some(7)));
    }

    #[test]
    fn builtin_kinds_in_the_wrong_api_group_are_reported() {
        let text = "apiVersion: v1\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: crd}\n---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: old}\n";
        let r = read(text, Origin::Named);
        assert_eq!(r.objects.len(), 2);
        assert_eq!(r.errors.len(), 1);
        assert!(
            r.errors[0].message.contains("only in apps/v1"),
            "{:?}",
            r.errors
        );
        assert_eq!(r.errors[0].line, Some(1));
    }

    #[test]
    fn json_manifests_are_read() {
        let r = read("{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"x\"}\n}\n", Origin::Named);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.objects.len(), 1);
    }
}
