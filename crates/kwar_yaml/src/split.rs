/// One document's text as `kubectl` cuts it out of a stream, with the line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub text: &'a str,
    /// 1-based line of the chunk's first line in the whole input.
    pub first_line: u32,
}

/// Splits a YAML stream at `---` separator lines, as `k8s.io/apimachinery`'s `YAMLReader` does:
/// a separator is a line starting with `---` followed by nothing but spaces or a comment.
/// Splitting textually (rather than with the parser) keeps one broken document from taking
/// the rest of the stream down with it.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut offset = 0usize;
    for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
        if is_separator(line) {
            chunks.push(Chunk {
                text: &text[start..offset],
                first_line: start_line,
            });
            // The separator line itself belongs to the next chunk, so that text between the
            // separator and the content (a comment such as Helm's `# Source:`) stays with it
            // and line numbers stay exact.
            start = offset;
            start_line = line_no;
        }
        offset += line.len();
    }
    chunks.push(Chunk {
        text: &text[start..],
        first_line: start_line,
    });
    chunks
}

fn is_separator(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("---") else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_separator_lines_only() {
        let text = "a: 1\n---\nb: 2\n--- # comment\nc: |\n  ---x\n---bad\n";
        let chunks = split_documents(text);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0].text, "a: 1\n");
        assert_eq!(chunks[0].first_line, 1);
        assert_eq!(chunks[1].text, "---\nb: 2\n");
        assert_eq!(chunks[1].first_line, 2);
        assert_eq!(chunks[2].first_line, 4);
        assert!(chunks[2].text.contains("---bad"));
    }
}
