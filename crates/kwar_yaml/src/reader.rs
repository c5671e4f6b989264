//! Builds spanned node trees from `saphyr-parser` events.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use crate::node::{Node, Pos, Text, Value};

/// Mappings up to this size look keys up by scanning; larger ones get a hash index.
const LINEAR_LOOKUP_LIMIT: usize = 32;
use crate::resolve::resolve_plain;
use crate::split::Chunk;

/// A problem found while reading a document, positioned in the whole input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// What one chunk held: usually one document; none for a chunk of only comments; errors for
/// syntax errors (fatal for that chunk) and duplicate keys (the last value is kept, as
/// go-yaml v2 does, and the duplicate is reported).
#[derive(Debug, Default)]
pub struct ParsedDocument {
    pub documents: Vec<Node>,
    pub errors: Vec<ParseError>,
}

/// Reads every document of one chunk.
pub fn parse_document(chunk: &Chunk<'_>) -> ParsedDocument {
    let mut parsed = parse_strict(chunk);
    // go-yaml (like libyaml) accepts continuation lines of a quoted scalar that are indented
    // less than YAML 1.2 requires; saphyr rejects them. Their leading white space is folded
    // away either way, so indenting them changes nothing but the parser's verdict.
    let mut repaired: Option<String> = None;
    for _ in 0..16 {
        let Some(err) = parsed
            .errors
            .iter()
            .find(|e| e.message.contains("invalid indentation in quoted scalar"))
        else {
            break;
        };
        let text = repaired.as_deref().unwrap_or(chunk.text);
        let line = (err.line - chunk.first_line) as usize;
        let Some(fixed) = indent_quoted_scalar(text, line, err.col.saturating_sub(1) as usize)
        else {
            break;
        };
        let retry = parse_strict(&Chunk {
            text: &fixed,
            first_line: chunk.first_line,
        });
        repaired = Some(fixed);
        parsed = retry;
    }
    parsed
}

/// Re-indents the continuation lines of the quoted scalar starting at `line`/`col` (0-based,
/// chunk-relative) so that they are indented one column past the opening quote.
fn indent_quoted_scalar(text: &str, line: usize, col: usize) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let first = lines.get(line)?;
    let start = first.char_indices().nth(col).map(|(i, _)| i)?;
    let quote_at = first[start..].find(['"', '\''])? + start;
    let quote = first.as_bytes()[quote_at];
    let pad = first[..quote_at].chars().count() + 1;
    let mut out = String::with_capacity(text.len() + 64);
    for l in &lines[..line] {
        out.push_str(l);
    }
    out.push_str(&first[..=quote_at]);
    let mut rest = &first[quote_at + 1..];
    let mut index = line;
    loop {
        out.push_str(rest);
        if closing_quote(rest, quote).is_some() {
            break;
        }
        index += 1;
        let next = lines.get(index)?;
        let trimmed = next.trim_start_matches([' ', '\t']);
        out.extend(std::iter::repeat_n(' ', pad));
        out.push_str(trimmed);
        rest = "";
        if closing_quote(trimmed, quote).is_some() {
            break;
        }
    }
    for l in &lines[index + 1..] {
        out.push_str(l);
    }
    Some(out)
}

/// Byte offset of the closing quote in `s`, honouring `\"` in double-quoted and `''` in
/// single-quoted scalars.
fn closing_quote(s: &str, quote: u8) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if quote == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

fn parse_strict(chunk: &Chunk<'_>) -> ParsedDocument {
    let mut builder = Builder {
        line_offset: chunk.first_line.saturating_sub(1),
        anchors: HashMap::new(),
        errors: Vec::new(),
    };
    let mut parser = Parser::new_from_str(chunk.text);
    let mut documents = Vec::new();
    loop {
        match builder.next_document(&mut parser) {
            Ok(Some(Some(doc))) => documents.push(doc),
            Ok(Some(None)) => {}
            Ok(None) => break,
            Err(mut err) => {
                // An error found at the end of input (an unclosed bracket) is reported on the
                // chunk's last line rather than on a line the file does not have.
                let last_line =
                    chunk.first_line + chunk.text.trim_end().lines().count().max(1) as u32 - 1;
                err.line = err.line.min(last_line);
                builder.errors.push(err);
                break;
            }
        }
    }
    ParsedDocument {
        documents,
        errors: builder.errors,
    }
}

struct Builder {
    line_offset: u32,
    anchors: HashMap<usize, Node>,
    errors: Vec<ParseError>,
}

type Events<'p, 'i> = Parser<'i, saphyr_parser::StrInput<'i>>;

impl Builder {
    fn pos(&self, span: &Span) -> Pos {
        Pos {
            line: span.start.line() as u32 + self.line_offset,
            col: span.start.col() as u32 + 1,
        }
    }

    fn next_event<'i>(&self, parser: &mut Events<'_, 'i>) -> Result<(Event<'i>, Span), ParseError> {
        match parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(err)) => Err(ParseError {
                line: err.marker().line() as u32 + self.line_offset,
                col: err.marker().col() as u32 + 1,
                message: err.info().to_string(),
            }),
            None => Err(ParseError {
                line: self.line_offset + 1,
                col: 1,
                message: "unexpected end of input".into(),
            }),
        }
    }

    /// `Ok(None)` at the end of the stream; `Ok(Some(None))` for an empty document.
    fn next_document(
        &mut self,
        parser: &mut Events<'_, '_>,
    ) -> Result<Option<Option<Node>>, ParseError> {
        loop {
            let (event, _) = self.next_event(parser)?;
            match event {
                Event::StreamStart | Event::Nothing => continue,
                Event::StreamEnd => return Ok(None),
                Event::DocumentStart(_) => break,
                other => {
                    return Err(ParseError {
                        line: self.line_offset + 1,
                        col: 1,
                        message: format!("unexpected YAML event {other:?}"),
                    })
                }
            }
        }
        self.anchors.clear();
        let (event, span) = self.next_event(parser)?;
        if matches!(event, Event::DocumentEnd) {
            return Ok(Some(None));
        }
        let root = self.node(parser, event, span)?;
        let (end, _) = self.next_event(parser)?;
        debug_assert!(matches!(end, Event::DocumentEnd));
        // A document that is only a null scalar (comments, `---` alone) holds nothing.
        Ok(Some(if root.is_null() { None } else { Some(root) }))
    }

    fn node<'i>(
        &mut self,
        parser: &mut Events<'_, 'i>,
        event: Event<'i>,
        span: Span,
    ) -> Result<Node, ParseError> {
        let pos = self.pos(&span);
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => {
                (Node::new(scalar(text, style, tag.as_deref()), pos), anchor)
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, sp) = self.next_event(parser)?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(parser, ev, sp)?);
                }
                items.shrink_to_fit();
                (Node::new(Value::Seq(items), pos), anchor)
            }
            Event::MappingStart(anchor, _) => (self.mapping(parser, pos)?, anchor),
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| ParseError {
                    line: pos.line,
                    col: pos.col,
                    message: "alias refers to an unknown anchor".into(),
                })?;
                return Ok(node);
            }
            other => {
                return Err(ParseError {
                    line: pos.line,
                    col: pos.col,
                    message: format!("unexpected YAML event {other:?}"),
                })
            }
        };
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn mapping(&mut self, parser: &mut Events<'_, '_>, pos: Pos) -> Result<Node, ParseError> {
        let mut entries: Vec<(Node, Node)> = Vec::new();
        // Key → index, built only for large mappings (a ConfigMap with thousands of keys), so
        // that duplicate detection stays linear without costing small mappings anything.
        let mut index: Option<HashMap<Text, usize>> = None;
        let mut merged: Vec<(Node, Node)> = Vec::new();
        loop {
            let (ev, sp) = self.next_event(parser)?;
            if matches!(ev, Event::MappingEnd) {
                break;
            }
            let is_merge_key =
                matches!(&ev, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<");
            let key = self.node(parser, ev, sp)?;
            let (vev, vsp) = self.next_event(parser)?;
            let value = self.node(parser, vev, vsp)?;
            if is_merge_key {
                // go-yaml v2 merge keys: entries of the merged mapping(s) that the mapping
                // itself does not set.
                match value.value {
                    Value::Map(m) => merged.extend(m),
                    Value::Seq(items) => {
                        for item in items {
                            if let Value::Map(m) = item.value {
                                merged.extend(m);
                            }
                        }
                    }
                    _ => self.errors.push(ParseError {
                        line: key.pos.line,
                        col: key.pos.col,
                        message: "merge key `<<` must refer to a mapping".into(),
                    }),
                }
                continue;
            }
            if matches!(key.value, Value::Seq(_) | Value::Map(_)) {
                // go-yaml cannot decode such a key into a JSON object: Kubernetes rejects the
                // whole document. The usual cause is an unrendered template (`{{ x }}`).
                return Err(ParseError {
                    line: key.pos.line,
                    col: key.pos.col,
                    message: "a mapping or sequence is used as a key (an unrendered template such as `{{ value }}`?)".into(),
                });
            }
            let key = key_to_string(key);
            let name = key.as_str().unwrap_or_default();
            if index.is_none() && entries.len() >= LINEAR_LOOKUP_LIMIT {
                index = Some(
                    entries
                        .iter()
                        .enumerate()
                        .map(|(i, (k, _))| (Text::from(k.as_str().unwrap_or_default()), i))
                        .collect(),
                );
            }
            let found = match &index {
                Some(map) => map.get(name).copied(),
                None => entries.iter().position(|(k, _)| k.as_str() == Some(name)),
            };
            if let Some(at) = found {
                let existing = &mut entries[at];
                self.errors.push(ParseError {
                    line: key.pos.line,
                    col: key.pos.col,
                    message: format!(
                        "duplicate key `{name}` (first at line {}); the last value is used",
                        existing.0.pos.line
                    ),
                });
                *existing = (key, value);
            } else {
                if let Some(map) = &mut index {
                    map.insert(Text::from(name), entries.len());
                }
                entries.push((key, value));
            }
        }
        for (k, v) in merged {
            let k = key_to_string(k);
            if !entries.iter().any(|(e, _)| e.as_str() == k.as_str()) {
                entries.push((k, v));
            }
        }
        entries.shrink_to_fit();
        Ok(Node::new(Value::Map(entries), pos))
    }
}

fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" | "binary" | "timestamp" => return Value::Str(text.into()),
                "null" => return Value::Null,
                _ => {}
            }
        }
    }
    match style {
        ScalarStyle::Plain => resolve_plain(&text),
        _ => Value::Str(text.into()),
    }
}

/// JSON object keys are strings; go-yaml keys such as `yes` or `80` are converted the way
/// `sigs.k8s.io/yaml` prints them.
fn key_to_string(key: Node) -> Node {
    let text = match &key.value {
        Value::Str(_) => return key,
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Seq(_) | Value::Map(_) => "<complex key>".to_string(),
    };
    Node::new(Value::Str(text.into()), key.pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::split_documents;

    fn parse(text: &str) -> Vec<ParsedDocument> {
        split_documents(text).iter().map(parse_document).collect()
    }

    #[test]
    fn keeps_positions_across_documents() {
        let docs = parse("a: 1\n---\nkind: Pod\nspec:\n  x: yes\n");
        let pod = &docs[1].documents[0];
        let x = pod.at(&["spec", "x"]).unwrap();
        assert_eq!(x.pos, Pos { line: 5, col: 6 });
        assert_eq!(x.value, Value::Bool(true));
        assert_eq!(pod.get("kind").unwrap().as_str(), Some("Pod"));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let docs = parse("a: 'yes'\nb: \"0644\"\nc: 0644\nd: !!str 10\n");
        let d = &docs[0].documents[0];
        assert_eq!(d.get("a").unwrap().as_str(), Some("yes"));
        assert_eq!(d.get("b").unwrap().as_str(), Some("0644"));
        assert_eq!(d.get("c").unwrap().as_i64(), Some(420));
        assert_eq!(d.get("d").unwrap().as_str(), Some("10"));
    }

    #[test]
    fn duplicate_keys_are_reported_and_last_wins() {
        let docs = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(docs[0].errors.len(), 1);
        assert_eq!(docs[0].errors[0].line, 3);
        assert!(docs[0].errors[0].message.contains("first at line 1"));
        assert_eq!(docs[0].documents[0].get("a").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn duplicates_are_found_in_large_mappings_too() {
        let mut text: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k7: again\nk99: last\n");
        let docs = parse(&text);
        let lines: Vec<u32> = docs[0].errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [101, 102]);
        let d = &docs[0].documents[0];
        assert_eq!(d.entries().len(), 100);
        assert_eq!(d.get("k7").unwrap().as_str(), Some("again"));
        assert_eq!(
            d.entries()[7].0.as_str(),
            Some("k7"),
            "a duplicate keeps the first position"
        );
    }

    #[test]
    fn syntax_error_is_isolated_to_its_chunk() {
        let docs = parse("a: [1, 2\n---\nb: 2\n");
        assert!(!docs[0].errors.is_empty());
        assert!(docs[1].errors.is_empty());
        assert_eq!(docs[1].documents[0].get("b").unwrap().as_i64(), Some(2));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let docs = parse("base: &b\n  a: 1\n  b: 2\nother:\n  <<: *b\n  b: 3\nref: *b\n");
        let d = &docs[0].documents[0];
        assert_eq!(d.at(&["other", "a"]).unwrap().as_i64(), Some(1));
        assert_eq!(d.at(&["other", "b"]).unwrap().as_i64(), Some(3));
        assert_eq!(d.at(&["ref", "b"]).unwrap().as_i64(), Some(2));
    }

    #[test]
    fn yaml_1_1_keys_become_json_keys_as_go_yaml_prints_them() {
        // go-yaml v2 reads the key `y` as the boolean true; JSON gets "true".
        let docs = parse("y: 1\n80: http\n");
        let d = &docs[0].documents[0];
        assert_eq!(d.get("true").unwrap().as_i64(), Some(1));
        assert_eq!(d.get("80").unwrap().as_str(), Some("http"));
    }

    #[test]
    fn under_indented_quoted_continuations_are_accepted_like_go_yaml() {
        let text = "spec:\n  command:\n    - \"exec run --a \\\n  --b\n  --c\"\n    - x\n";
        let docs = parse(text);
        assert!(docs[0].errors.is_empty(), "{:?}", docs[0].errors);
        let cmd = docs[0].documents[0]
            .at(&["spec", "command"])
            .unwrap()
            .items();
        assert_eq!(cmd[0].as_str(), Some("exec run --a --b --c"));
        assert_eq!(cmd[1].pos.line, 6);
    }

    #[test]
    fn template_placeholders_as_keys_are_errors() {
        let docs = parse("data:\n  config: {{config_data}}\n");
        assert!(docs[0].documents.is_empty());
        assert_eq!(docs[0].errors[0].line, 2);
        assert!(docs[0].errors[0].message.contains("unrendered template"));
    }

    #[test]
    fn comment_only_and_json_documents() {
        let docs = parse("# nothing here\n---\n{\"kind\": \"List\", \"items\": [ {\"a\": 1} ]}\n");
        assert!(docs[0].documents.is_empty() && docs[0].errors.is_empty());
        let list = &docs[1].documents[0];
        assert_eq!(
            list.get("items").unwrap().items()[0]
                .get("a")
                .unwrap()
                .as_i64(),
            Some(1)
        );
        assert_eq!(list.pos.line, 3);
    }
}
