//! Loading custom CEL rules (kwar_cel) for a scan: from a rule pack given with `--rules FILE`
//! (a YAML file whose `rules:` key holds the list, the same shape as in kwar.yaml), so teams
//! can share rules between repositories. Every mistake is reported with file:line:column
//! before any manifest is read.

use std::path::Path;

use kwar_cel::{parse_rules, CustomRule};
use kwar_yaml::{parse_document, split_documents, Node};

/// Compiles a `rules:` node read from `file`; the error lists every problem, one per line.
pub fn compile(node: &Node, file: &str) -> Result<Vec<CustomRule>, String> {
    parse_rules(node, file).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("{file}:{}:{}: {}", e.line, e.column, e.message))
            .collect();
        format!(
            "invalid custom rules (docs/custom-rules.md describes them):\n{}",
            lines.join("\n")
        )
    })
}

/// Reads a rule pack: a YAML file with a top-level `rules:` list.
pub fn load_pack(path: &Path) -> Result<Vec<CustomRule>, String> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {file}: {e}"))?;
    let chunks = split_documents(&text);
    let mut root = None;
    for chunk in &chunks {
        let parsed = parse_document(chunk);
        if let Some(err) = parsed.errors.first() {
            return Err(format!("{file}:{}:{}: {}", err.line, err.col, err.message));
        }
        if let Some(doc) = parsed.documents.into_iter().next() {
            if root.is_some() {
                return Err(format!("{file}: a rule pack is one YAML document"));
            }
            root = Some(doc);
        }
    }
    let rules = root
        .as_ref()
        .and_then(|doc| doc.get("rules"))
        .ok_or_else(|| format!("{file}: no top-level `rules:` list (see docs/custom-rules.md)"))?;
    compile(rules, &file)
}
