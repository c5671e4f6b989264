//! A JSON reader that builds the same spanned [`Node`] tree as the YAML reader, an order of
//! magnitude faster. Cluster snapshots and `kubectl get -o json` dumps are JSON with one large
//! flow document per file; a YAML parser reads them through its general flow-collection
//! machinery, which costs several times the time and memory of the tree itself.
//!
//! It accepts exactly RFC 8259 JSON. Anything else (comments, tabs inside strings, trailing
//! commas) is an error, and the caller falls back to the YAML reader, which then reports or
//! accepts it the way Kubernetes would.

use std::collections::HashMap;

use crate::{Node, ParseError, ParsedDocument, Pos, Text, Value};

/// Nesting deeper than this is refused (no manifest comes near it; the limit keeps a hostile
/// input from exhausting the stack).
const MAX_DEPTH: u32 = 256;

/// Maps with more entries than this find duplicate keys through a hash index.
const LINEAR_LOOKUP_LIMIT: usize = 16;

/// Reads one JSON document that starts at line `first_line` of its file. Duplicate keys are
/// reported in `errors` (the last value is kept, as Kubernetes' decoder does); a syntax error
/// is returned as `Err`.
pub fn parse_json(text: &str, first_line: u32) -> Result<ParsedDocument, ParseError> {
    let mut reader = JsonReader {
        bytes: text.as_bytes(),
        i: 0,
        line: first_line,
        line_start: 0,
        col_at: 0,
        col: 1,
        errors: Vec::new(),
    };
    reader.skip_space();
    let root = reader.value(0)?;
    reader.skip_space();
    if reader.i < reader.bytes.len() {
        return Err(reader.error("unexpected text after the JSON document"));
    }
    Ok(ParsedDocument {
        documents: vec![root],
        errors: reader.errors,
    })
}

struct JsonReader<'t> {
    bytes: &'t [u8],
    i: usize,
    line: u32,
    /// Byte offset where the current line starts.
    line_start: usize,
    /// The column of byte `col_at` on the current line: columns are counted in characters,
    /// incrementally, so that long one-line documents cost O(n) and not O(n²).
    col_at: usize,
    col: u32,
    errors: Vec<ParseError>,
}

/// The text between two offsets that sit on ASCII delimiters of valid UTF-8 input.
fn slice(bytes: &[u8], from: usize, to: usize) -> &str {
    std::str::from_utf8(&bytes[from..to]).expect("input is a str cut at ASCII bytes")
}

impl JsonReader<'_> {
    fn pos(&mut self) -> Pos {
        if self.col_at < self.line_start {
            self.col_at = self.line_start;
            self.col = 1;
        }
        let counted = self.bytes[self.col_at..self.i]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.col += counted as u32;
        self.col_at = self.i;
        Pos {
            line: self.line,
            col: self.col,
        }
    }

    fn error(&mut self, message: &str) -> ParseError {
        let pos = self.pos();
        ParseError {
            line: pos.line,
            col: pos.col,
            message: message.to_string(),
        }
    }

    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes.get(self.i) {
            match b {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                }
                _ => break,
            }
        }
    }

    fn value(&mut self, depth: u32) -> Result<Node, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        let pos = self.pos();
        let value = match self.bytes.get(self.i) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("unexpected end of the JSON document")),
        };
        Ok(Node { value, pos })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self.bytes[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn object(&mut self, depth: u32) -> Result<Value, ParseError> {
        self.i += 1;
        let mut entries: Vec<(Node, Node)> = Vec::new();
        let mut index: Option<HashMap<Text, usize>> = None;
        self.skip_space();
        if self.bytes.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::Map(entries));
        }
        loop {
            self.skip_space();
            if self.bytes.get(self.i) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key_pos = self.pos();
            let key = self.string()?;
            self.skip_space();
            if self.bytes.get(self.i) != Some(&b':') {
                return Err(self.error("expected `:` after the key"));
            }
            self.i += 1;
            self.skip_space();
            let value = self.value(depth + 1)?;
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
                Some(map) => map.get(key.as_str()).copied(),
                None => entries
                    .iter()
                    .position(|(k, _)| k.as_str() == Some(key.as_str())),
            };
            let key_node = Node {
                value: Value::Str(key),
                pos: key_pos,
            };
            match found {
                Some(at) => {
                    let first = entries[at].0.pos.line;
                    self.errors.push(ParseError {
                        line: key_pos.line,
                        col: key_pos.col,
                        message: format!(
                            "duplicate key `{}` (first at line {first}); the last value is used",
                            key_node.as_str().unwrap_or_default()
                        ),
                    });
                    entries[at] = (key_node, value);
                }
                None => {
                    if let Some(map) = &mut index {
                        map.insert(
                            Text::from(key_node.as_str().unwrap_or_default()),
                            entries.len(),
                        );
                    }
                    entries.push((key_node, value));
                }
            }
            self.skip_space();
            match self.bytes.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Map(entries));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: u32) -> Result<Value, ParseError> {
        self.i += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.bytes.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::Seq(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.bytes.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Seq(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<Text, ParseError> {
        self.i += 1;
        let start = self.i;
        // Fast path: most strings hold no escape.
        while let Some(&b) = self.bytes.get(self.i) {
            match b {
                b'"' => {
                    let text = slice(self.bytes, start, self.i);
                    self.i += 1;
                    return Ok(Text::from(text));
                }
                b'\\' => break,
                0..=0x1F => return Err(self.error("control character in a string")),
                _ => self.i += 1,
            }
        }
        let mut out = String::from(slice(self.bytes, start, self.i));
        loop {
            match self.bytes.get(self.i) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Text::from(out));
                }
                Some(b'\\') => {
                    let escaped = self.bytes.get(self.i + 1).copied();
                    self.i += 2;
                    match escaped {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => return Err(self.error("invalid escape in a string")),
                    }
                }
                Some(0..=0x1F) => return Err(self.error("control character in a string")),
                Some(_) => {
                    let run = self.i;
                    while let Some(&b) = self.bytes.get(self.i) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.i += 1;
                    }
                    out.push_str(slice(self.bytes, run, self.i));
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .bytes
            .get(self.i..self.i + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match digits {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => Err(self.error("invalid \\u escape")),
        }
    }

    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            // A surrogate pair: the low half must follow.
            if self.bytes.get(self.i..self.i + 2) != Some(b"\\u") {
                return Err(self.error("unpaired surrogate in a \\u escape"));
            }
            self.i += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error("unpaired surrogate in a \\u escape"));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        let mut integral = true;
        if self.bytes.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let digits = |r: &mut Self| {
            let from = r.i;
            while r.bytes.get(r.i).is_some_and(u8::is_ascii_digit) {
                r.i += 1;
            }
            r.i > from
        };
        if !digits(self) {
            return Err(self.error("invalid number"));
        }
        if self.bytes.get(self.i) == Some(&b'.') {
            integral = false;
            self.i += 1;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.bytes.get(self.i), Some(b'e' | b'E')) {
            integral = false;
            self.i += 1;
            if matches!(self.bytes.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        let text = slice(self.bytes, start, self.i);
        if integral {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        }
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| self.error("invalid number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_document, Chunk};

    fn yaml(text: &str) -> Node {
        let mut parsed = parse_document(&Chunk {
            text,
            first_line: 1,
        });
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.documents.remove(0)
    }

    #[test]
    fn builds_the_same_tree_as_the_yaml_reader() {
        let text = "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n{\"a\": 1, \"b\": -2.5e3, \"c\": [true, false, null], \"d\": \"x\\\"y\\u00e9\", \"é\": {\"k\": \"v\"}},\n{\"n\": 9223372036854775808, \"empty\": {}, \"none\": []}\n]}\n";
        let parsed = parse_json(text, 1).unwrap();
        assert!(parsed.errors.is_empty());
        let json = &parsed.documents[0];
        let reference = yaml(text);
        assert!(json.same_content(&reference), "{json:?}\n{reference:?}");
        // Positions agree with the YAML reader's, key by key.
        let item = &json.get("items").unwrap().items()[0];
        let ref_item = &reference.get("items").unwrap().items()[0];
        for (k, v) in item.entries() {
            let (rk, rv) = ref_item
                .entries()
                .iter()
                .find(|(rk, _)| rk.as_str() == k.as_str())
                .unwrap();
            assert_eq!((k.pos, v.pos), (rk.pos, rv.pos), "{:?}", k.as_str());
        }
        assert_eq!(item.get("d").unwrap().as_str(), Some("x\"yé"));
        // Surrogate pairs, which saphyr does not decode.
        let parsed = parse_json("{\"e\": \"\\ud83d\\ude00\"}", 1).unwrap();
        assert_eq!(parsed.documents[0].get("e").unwrap().as_str(), Some("😀"));
    }

    #[test]
    fn reports_duplicate_keys_and_keeps_the_last() {
        let parsed = parse_json("{\"a\": 1,\n \"a\": 2}", 1).unwrap();
        assert_eq!(parsed.documents[0].get("a").unwrap().as_i64(), Some(2));
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!((parsed.errors[0].line, parsed.errors[0].col), (2, 2));
        assert!(parsed.errors[0]
            .message
            .starts_with("duplicate key `a` (first at line 1)"));
        let many: String = (0..40).map(|i| format!("\"k{i}\": {i}, ")).collect();
        let parsed = parse_json(&format!("{{{many}\"k3\": 0}}"), 1).unwrap();
        assert_eq!(parsed.errors.len(), 1);
    }

    #[test]
    fn refuses_what_is_not_json_with_a_position() {
        for (text, line, col) in [
            ("{\"a\": 1,}", 1, 9),
            ("{\"a\": [1 2]}", 1, 10),
            ("{\n  \"a\": tru}", 2, 8),
            ("{\"a\": \"x\ty\"}", 1, 9),
            ("{\"a\": 1} x", 1, 10),
            ("[1, 2", 1, 6),
        ] {
            let e = parse_json(text, 1).unwrap_err();
            assert_eq!((e.line, e.col), (line, col), "{text:?}: {}", e.message);
        }
        let deep = "[".repeat(300) + &"]".repeat(300);
        assert!(parse_json(&deep, 1).is_err());
    }
}
