use std::fmt;

use crate::node::{Node, Pos};

/// A problem in a YAML file kwar reads for itself (its config, an answers file), with where it
/// is and, when one helps, what to write instead. Rendered as `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedError {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub hint: Option<String>,
}

impl LocatedError {
    /// An error at a node's position (line and column at least 1).
    pub fn at(file: &str, pos: Pos, message: String, hint: Option<String>) -> LocatedError {
        LocatedError {
            file: file.to_string(),
            line: pos.line.max(1),
            column: pos.col.max(1),
            message,
            hint,
        }
    }
}

/// The entries of a mapping whose keys are in `allowed`. Every other key is an error
/// ("unknown key `x` in {what}", the allowed keys as hint): kwar's own files reject what they
/// do not understand instead of ignoring a misspelt setting.
pub fn allowed_entries<'n>(
    node: &'n Node,
    what: &str,
    allowed: &[&str],
    file: &str,
    errors: &mut Vec<LocatedError>,
) -> Vec<(&'n Node, &'n Node)> {
    let mut entries = Vec::new();
    for (key, value) in node.entries() {
        let name = key.as_str().unwrap_or_default();
        if allowed.contains(&name) {
            entries.push((key, value));
        } else {
            errors.push(LocatedError::at(
                file,
                key.pos,
                format!("unknown key `{name}` in {what}"),
                Some(format!("expected one of: {}", allowed.join(", "))),
            ));
        }
    }
    entries
}

impl fmt::Display for LocatedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LocatedError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_document, split_documents};

    #[test]
    fn unknown_keys_are_errors_with_positions_and_the_rest_is_kept() {
        let chunks = split_documents("name: a\nnmae: b\nlabels: {}\n");
        let doc = &parse_document(&chunks[0]).documents[0];
        let mut errors = Vec::new();
        let kept = allowed_entries(
            doc,
            "the rule",
            &["name", "labels"],
            "rules.yaml",
            &mut errors,
        );
        let names: Vec<_> = kept.iter().map(|(k, _)| k.as_str().unwrap()).collect();
        assert_eq!(names, ["name", "labels"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "rules.yaml:2:1: unknown key `nmae` in the rule\n  hint: expected one of: name, labels"
        );
    }
}
