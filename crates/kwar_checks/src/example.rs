//! Failing examples for the documentation, cut out of each check's own fixture.
//!
//! A fixture (`fixtures/<check-id>.yaml`) marks what the check must conclude about each object
//! with the `kwar.test/expect` annotation; documents without it are supporting objects (the
//! Service that selects a Deployment, the PDB that covers it). The example is the first object
//! expected to `fail` (else `warn`), with the test annotation removed, plus the fewest
//! supporting documents it needs to get that verdict. Every candidate is run through the
//! check itself, so a printed example is one kwar really flags.

use kwar_inventory::{Inventory, CLUSTER_API_VERSION, CLUSTER_KIND};
use kwar_source::{read_objects, Origin, SourceText};
use kwar_yaml::{parse_document, split_documents, Chunk, Node, Pos};

use crate::{CheckDef, Context, Outcomes, Params, Verdict};

/// The annotation with which a fixture states the verdict expected for an object.
pub const EXPECT_ANNOTATION: &str = "kwar.test/expect";

/// A fixture object the check flags, ready to show to a user.
#[derive(Debug, Clone, PartialEq)]
pub struct FailingExample {
    /// The object followed by the supporting documents it needs, as a YAML stream.
    pub yaml: String,
    /// What the check concludes about the object (`Fail`, or `Warn` for warn-only checks).
    pub verdict: Verdict,
    /// The messages of the findings the check reports on the object.
    pub messages: Vec<String>,
}

/// The YAML of the check's failing example (see [`find_failing_example`]).
pub fn failing_example(check: &CheckDef) -> Option<String> {
    find_failing_example(check).map(|example| example.yaml)
}

/// The first fixture object expected to fail (else warn) whose annotation-free text, alone or
/// with supporting documents of the fixture, gets that verdict from the check; `None` when the
/// fixture has no such object.
pub fn find_failing_example(check: &CheckDef) -> Option<FailingExample> {
    let documents = fixture_documents(check.fixture);
    for wanted in [Verdict::Fail, Verdict::Warn] {
        for candidate in documents
            .iter()
            .filter(|d| d.expect == Some(wanted.id().to_string()))
        {
            // Only documents of the candidate's own case (see `testing`): its Cluster document,
            // when it has one, always comes along — it is what makes the input a cluster.
            let case: Vec<&FixtureDocument> = documents
                .iter()
                .filter(|d| d.case == candidate.case && !std::ptr::eq(*d, candidate))
                .collect();
            let cluster = case.iter().find(|d| d.is_cluster).map(|d| d.text.as_str());
            // Objects with expectations of their own can be needed too (the other Nodes of a
            // node group the candidate differs from); the smallest set is kept.
            let supporting: Vec<&str> = case
                .iter()
                .filter(|d| !d.is_cluster)
                .map(|d| d.text.as_str())
                .collect();
            if let Some(example) = smallest_example(check, candidate, cluster, &supporting, wanted)
            {
                return Some(example);
            }
        }
    }
    None
}

/// One document of a fixture: its text without the `---` separator and without the test
/// annotation, and the verdict the annotation expected.
#[derive(Debug)]
struct FixtureDocument {
    text: String,
    expect: Option<String>,
    identity: Identity,
    /// The fixture case it belongs to: a new case starts at each Cluster document.
    case: usize,
    is_cluster: bool,
}

/// kind, namespace and name: how a document is found again among the inventory's objects.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    kind: String,
    namespace: Option<String>,
    name: String,
}

impl Identity {
    fn of(root: &Node) -> Identity {
        let text = |path: &[&str]| root.at(path).and_then(Node::scalar_text);
        Identity {
            kind: text(&["kind"]).unwrap_or_default(),
            namespace: text(&["metadata", "namespace"]).filter(|ns| !ns.is_empty()),
            name: text(&["metadata", "name"]).unwrap_or_default(),
        }
    }
}

fn fixture_documents(fixture: &str) -> Vec<FixtureDocument> {
    let mut case = 0;
    split_documents(fixture)
        .iter()
        .filter_map(|chunk| {
            let text = without_separator(chunk.text);
            let root = parse_one(text)?;
            let is_cluster = root.get("kind").and_then(Node::as_str) == Some(CLUSTER_KIND)
                && root.get("apiVersion").and_then(Node::as_str) == Some(CLUSTER_API_VERSION);
            if is_cluster {
                case += 1;
            }
            let expect = root
                .at(&["metadata", "annotations", EXPECT_ANNOTATION])
                .and_then(Node::scalar_text);
            let text = match expect {
                Some(_) => strip_expect_annotation(text)?,
                None => text.to_string(),
            };
            Some(FixtureDocument {
                identity: Identity::of(&root),
                text,
                expect,
                case,
                is_cluster,
            })
        })
        .collect()
}

/// The document's text without its leading `---` line (the splitter keeps it with the chunk).
fn without_separator(chunk: &str) -> &str {
    match chunk.strip_prefix("---") {
        Some(rest) => rest.split_once('\n').map_or("", |(_, after)| after),
        None => chunk,
    }
}

/// The single mapping a document holds, when it parses cleanly.
fn parse_one(text: &str) -> Option<Node> {
    let parsed = parse_document(&Chunk {
        text,
        first_line: 1,
    });
    match <[Node; 1]>::try_from(parsed.documents) {
        Ok([root]) if parsed.errors.is_empty() && root.is_map() => Some(root),
        _ => None,
    }
}

/// Removes `metadata.annotations["kwar.test/expect"]`, and the `annotations` map when that
/// leaves it empty, keeping every other line, comment and style as written. Flow-style
/// entries (`annotations: {kwar.test/expect: fail, other: x}`) are cut out of their line;
/// block-style entries lose their line. `None` when the layout is one this cannot edit.
pub(crate) fn strip_expect_annotation(text: &str) -> Option<String> {
    let root = parse_one(text)?;
    let metadata = root.get("metadata")?;
    let annotations = metadata.get("annotations")?;
    let text = remove_entry(text, annotations, EXPECT_ANNOTATION)?;
    let root = parse_one(&text)?;
    let metadata = root.get("metadata")?;
    let now_empty = metadata
        .get("annotations")
        .is_some_and(|a| a.is_null() || a.entries().is_empty());
    if now_empty {
        remove_entry(&text, metadata, "annotations")
    } else {
        Some(text)
    }
}

/// Removes `key` and its value (which must start on the key's line) from `map`.
fn remove_entry(text: &str, map: &Node, key: &str) -> Option<String> {
    let key_node = map.key_node(key)?;
    let value = map.get(key)?;
    if value.pos.line != key_node.pos.line {
        return None;
    }
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    let index = key_node.pos.line.checked_sub(1)? as usize;
    if is_flow(&lines, map.pos) {
        let line = &lines[index];
        let start = byte_index(line, key_node.pos.col)?;
        lines[index] = cut_flow_entry(line, start)?;
    } else {
        lines.remove(index);
    }
    Some(lines.concat())
}

/// Whether the collection at `pos` is written in flow style (`{…}`).
fn is_flow(lines: &[String], pos: Pos) -> bool {
    let Some(line) = lines.get((pos.line as usize).wrapping_sub(1)) else {
        return false;
    };
    byte_index(line, pos.col).is_some_and(|i| line[i..].starts_with('{'))
}

/// The byte offset of a 1-based character column.
fn byte_index(line: &str, col: u32) -> Option<usize> {
    line.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(line.len()))
        .nth(col.checked_sub(1)? as usize)
}

/// Cuts the flow-mapping entry starting at byte `start` out of `line`, with the comma that
/// separates it from its neighbour. The entry must end on this line.
fn cut_flow_entry(line: &str, start: usize) -> Option<String> {
    let end = start + entry_length(&line[start..])?;
    let rest = &line[end..];
    if let Some(after_comma) = rest.strip_prefix(',') {
        // Not the last entry: drop it, the comma and the space before the next entry.
        let next = end + 1 + (after_comma.len() - after_comma.trim_start().len());
        Some(format!("{}{}", &line[..start], &line[next..]))
    } else {
        // The last entry: drop the comma before it (if any); the closing brace keeps the
        // spacing it had.
        let before = line[..start].trim_end();
        let before = before.strip_suffix(',').unwrap_or(before);
        Some(format!("{before}{rest}"))
    }
}

/// The length of a flow entry: up to the first `,` or closing bracket at its own depth,
/// outside quotes, without trailing spaces.
fn entry_length(entry: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, ch) in entry.char_indices() {
        match (quote, ch) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') if depth == 0 => return Some(entry[..i].trim_end().len()),
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => return Some(entry[..i].trim_end().len()),
            (None, '\n') => return None,
            _ => {}
        }
    }
    None
}

/// The candidate alone if it gets the wanted verdict, else with the fewest supporting
/// documents: start from all of them and drop each one the verdict does not need.
fn smallest_example(
    check: &CheckDef,
    candidate: &FixtureDocument,
    cluster: Option<&str>,
    supporting: &[&str],
    wanted: Verdict,
) -> Option<FailingExample> {
    let attempt = |support: &[&str]| -> Option<FailingExample> {
        let mut yaml = candidate.text.clone();
        for document in cluster.iter().chain(support) {
            if !yaml.ends_with('\n') {
                yaml.push('\n');
            }
            yaml.push_str("---\n");
            yaml.push_str(document);
        }
        let (verdict, messages) = verdict_of(check, &yaml, &candidate.identity)?;
        (verdict == wanted).then_some(FailingExample {
            yaml,
            verdict,
            messages,
        })
    };
    if let Some(example) = attempt(&[]) {
        return Some(example);
    }
    let mut needed: Vec<&str> = supporting.to_vec();
    let mut example = attempt(&needed)?;
    let mut i = 0;
    while i < needed.len() {
        let mut fewer = needed.clone();
        fewer.remove(i);
        match attempt(&fewer) {
            Some(smaller) => {
                needed = fewer;
                example = smaller;
            }
            None => i += 1,
        }
    }
    Some(example)
}

/// Runs the check over a YAML stream and returns its worst verdict about the object with the
/// given identity, and the messages of its findings on it.
fn verdict_of(check: &CheckDef, yaml: &str, identity: &Identity) -> Option<(Verdict, Vec<String>)> {
    let set = read_objects(
        vec![SourceText {
            name: format!("{}-example.yaml", check.id).into(),
            text: yaml.to_string(),
            origin: Origin::Named,
        }
        .into()],
        Vec::new(),
    );
    if !set.errors.is_empty() {
        return None;
    }
    let inventory = Inventory::build(set.objects);
    let object = inventory.objects().iter().find(|o| {
        o.kind() == identity.kind
            && o.namespace() == identity.namespace.as_deref()
            && o.name() == identity.name
    })?;
    let params = Params::default();
    let mut outcomes = Outcomes::new(check.id);
    let detections = kwar_detect::Detections::detect(&inventory);
    (check.run)(
        &Context::new(&inventory, &detections, &params),
        &mut outcomes,
    );
    let verdict = outcomes
        .verdicts
        .iter()
        .filter(|(id, _)| *id == object.id)
        .map(|(_, v)| *v)
        .max()?;
    let messages = outcomes
        .findings
        .iter()
        .filter(|f| f.subject.object == object.id && f.verdict == verdict)
        .map(|f| f.message.clone())
        .collect();
    Some((verdict, messages))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{all_checks, find_check};

    fn strip(text: &str) -> String {
        strip_expect_annotation(text).unwrap_or_else(|| panic!("cannot strip:\n{text}"))
    }

    #[test]
    fn a_flow_map_holding_only_the_annotation_goes_away() {
        let text =
            "kind: Pod\nmetadata:\n  name: a\n  annotations: {kwar.test/expect: fail}\nspec: {}\n";
        assert_eq!(strip(text), "kind: Pod\nmetadata:\n  name: a\nspec: {}\n");
    }

    #[test]
    fn other_flow_annotations_stay() {
        let first = "metadata:\n  annotations: {kwar.test/expect: fail, x.io/y: \"false\"}\n";
        assert_eq!(
            strip(first),
            "metadata:\n  annotations: {x.io/y: \"false\"}\n"
        );
        let last = "metadata:\n  annotations: {helm.sh/hook: test, kwar.test/expect: warn}\n";
        assert_eq!(
            strip(last),
            "metadata:\n  annotations: {helm.sh/hook: test}\n"
        );
        let spaced = "metadata:\n  annotations: { a: '1,}', kwar.test/expect: warn }\n";
        assert_eq!(strip(spaced), "metadata:\n  annotations: { a: '1,}' }\n");
    }

    #[test]
    fn block_annotations_lose_the_line_and_an_emptied_map() {
        let only = "metadata:\n  name: a\n  annotations:\n    kwar.test/expect: fail\nspec: {}\n";
        assert_eq!(strip(only), "metadata:\n  name: a\nspec: {}\n");
        let among =
            "metadata:\n  annotations:\n    a: b\n    kwar.test/expect: fail # test\n    c: d\n";
        assert_eq!(
            strip(among),
            "metadata:\n  annotations:\n    a: b\n    c: d\n"
        );
    }

    #[test]
    fn a_flow_metadata_map_is_edited_in_place() {
        let text = "kind: Pod\nmetadata: {name: a, annotations: {kwar.test/expect: fail}}\n";
        assert_eq!(strip(text), "kind: Pod\nmetadata: {name: a}\n");
    }

    /// The edit removes exactly the annotation, in every document of every fixture.
    #[test]
    fn stripping_changes_nothing_but_the_annotation_in_any_fixture() {
        for check in all_checks() {
            for chunk in split_documents(check.fixture) {
                let text = without_separator(chunk.text);
                let Some(original) = parse_one(text) else {
                    continue;
                };
                if original
                    .at(&["metadata", "annotations", EXPECT_ANNOTATION])
                    .is_none()
                {
                    continue;
                }
                let mut expected = original.to_json();
                let annotations = expected["metadata"]["annotations"].as_object_mut().unwrap();
                annotations.remove(EXPECT_ANNOTATION);
                if annotations.is_empty() {
                    expected["metadata"]
                        .as_object_mut()
                        .unwrap()
                        .remove("annotations");
                }
                let stripped = parse_one(&strip(text))
                    .unwrap_or_else(|| panic!("{}: stripped text does not parse", check.id));
                assert_eq!(stripped.to_json(), expected, "{}:\n{text}", check.id);
            }
        }
    }

    /// Every check has an example, and the example on its own — read the way `kwar scan`
    /// reads files — makes the check fail (or warn, for warn-only checks) on its first object.
    #[test]
    fn every_check_is_flagged_by_its_own_example() {
        let mut problems = Vec::new();
        for check in all_checks() {
            let Some(example) = find_failing_example(check) else {
                problems.push(format!("{}: no failing example in its fixture", check.id));
                continue;
            };
            if example.yaml.contains(EXPECT_ANNOTATION) {
                problems.push(format!(
                    "{}: the example keeps the test annotation",
                    check.id
                ));
            }
            if example.messages.is_empty() {
                problems.push(format!("{}: no finding on the example", check.id));
            }
            let first = split_documents(&example.yaml)
                .first()
                .and_then(|c| parse_one(without_separator(c.text)))
                .map(|root| Identity::of(&root));
            match first.and_then(|id| verdict_of(check, &example.yaml, &id)) {
                Some((Verdict::Fail | Verdict::Warn, _)) => {}
                other => problems.push(format!(
                    "{}: the example gets {other:?}:\n{}",
                    check.id, example.yaml
                )),
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn an_example_brings_the_objects_it_needs_and_no_others() {
        let readiness = failing_example(find_check("readiness-probe-defined").unwrap()).unwrap();
        assert!(readiness.starts_with("# No ports, but selected by a Service"));
        assert_eq!(readiness.matches("\n---\n").count(), 1, "{readiness}");
        assert!(readiness.contains("kind: Service"), "{readiness}");

        let pdb = failing_example(find_check("pdb-present-and-permissive").unwrap()).unwrap();
        assert!(pdb.contains("name: monolith"), "{pdb}");
        assert!(pdb.contains("maxUnavailable: 0"), "{pdb}");
        assert_eq!(pdb.matches("kind: PodDisruptionBudget").count(), 1, "{pdb}");
    }

    #[test]
    fn warn_only_checks_show_a_warning() {
        let check = find_check("gp3-over-gp2").unwrap();
        let example = find_failing_example(check).unwrap();
        assert_eq!(example.verdict, Verdict::Warn);
        assert!(example.yaml.contains("provisioner: kubernetes.io/aws-ebs"));
    }
}
