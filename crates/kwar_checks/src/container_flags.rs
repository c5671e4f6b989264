//! Command-line flags of a container as its program reads them: the words of `command` then
//! `args` (a shell string such as `sh -c "cluster-autoscaler --nodes=…"` split on blanks),
//! each `--flag=value` or `--flag value`.

use kwar_inventory::Container;
use kwar_yaml::Node;

/// One flag as written.
pub(crate) struct Flag<'a> {
    /// The name without its dashes: `node-group-auto-discovery`.
    pub name: String,
    /// The value after `=` or the next word; None for a bare flag.
    pub value: Option<String>,
    /// Where it is written (`spec.template.spec.containers[0].command[3]`).
    pub path: String,
    pub node: &'a Node,
}

/// Every flag of the container, in order.
pub(crate) fn flags<'a>(container: &Container<'a>) -> Vec<Flag<'a>> {
    let mut words: Vec<(String, String, &'a Node)> = Vec::new();
    for field in ["command", "args"] {
        let items = container.get(field).map(Node::items).unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let Some(text) = item.scalar_text() else {
                continue;
            };
            let path = container.field_path(&format!("{field}[{i}]"));
            for word in text.split_whitespace() {
                let word = word.trim_matches(|c| c == '"' || c == '\'');
                words.push((word.to_string(), path.clone(), item));
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (word, path, node) = &words[i];
        i += 1;
        let Some(flag) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) else {
            continue;
        };
        if flag.is_empty() {
            continue;
        }
        let (name, value) = match flag.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => {
                let next = words.get(i).map(|(w, _, _)| w.as_str());
                match next {
                    Some(next) if !next.starts_with('-') => {
                        i += 1;
                        (flag.to_string(), Some(next.to_string()))
                    }
                    _ => (flag.to_string(), None),
                }
            }
        };
        out.push(Flag {
            name,
            value,
            path: path.clone(),
            node,
        });
    }
    out
}

/// The flags named `name` (a flag may be repeated: `--domain-filter=a --domain-filter=b`).
pub(crate) fn named<'f, 'a>(
    flags: &'f [Flag<'a>],
    name: &'f str,
) -> impl Iterator<Item = &'f Flag<'a>> {
    flags.iter().filter(move |f| f.name == name)
}
