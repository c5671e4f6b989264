//! The answers file: the workload under review and a person's answer per catalog item.
//!
//! ```yaml
//! workload:
//!   name: shop
//!   environment: production
//!   owner: team-shop@example.com
//!   cluster: eks-prod-eu-west-1
//!   description: optional free text
//! answers:
//!   app-dashboards:
//!     choice: b
//!     notes: Container Insights defaults only
//!   sec-pen-testing:
//!     notApplicable:
//!       reason: business-priorities   # out-of-scope | business-priorities | architecture-constraints | other
//!       notes: covered by the group's yearly test
//! ```
//!
//! Read with `kwar_yaml`: every problem (a YAML error, a duplicate key, an unknown key, item
//! or choice, a wrong type) is collected with its file, line and column.

use kwar_catalog::Catalog;
use kwar_yaml::{allowed_entries, parse_document, split_documents, Node, Pos};

const TOP_LEVEL_KEYS: &[&str] = &["workload", "answers"];
const WORKLOAD_KEYS: &[&str] = &["name", "environment", "owner", "cluster", "description"];
const WORKLOAD_REQUIRED: &[&str] = &["name", "environment", "owner", "cluster"];
const ANSWER_KEYS: &[&str] = &["choice", "notes", "notApplicable"];
const NA_KEYS: &[&str] = &["reason", "notes"];

/// The workload under review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    pub name: String,
    pub environment: String,
    pub owner: String,
    pub cluster: String,
    pub description: Option<String>,
}

/// Why a person declared an item not applicable (the AWS Well-Architected Tool's reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NaReason {
    OutOfScope,
    BusinessPriorities,
    ArchitectureConstraints,
    Other,
}

impl NaReason {
    pub const ALL: [NaReason; 4] = [
        NaReason::OutOfScope,
        NaReason::BusinessPriorities,
        NaReason::ArchitectureConstraints,
        NaReason::Other,
    ];

    pub fn id(self) -> &'static str {
        match self {
            NaReason::OutOfScope => "out-of-scope",
            NaReason::BusinessPriorities => "business-priorities",
            NaReason::ArchitectureConstraints => "architecture-constraints",
            NaReason::Other => "other",
        }
    }

    pub fn from_id(id: &str) -> Option<NaReason> {
        NaReason::ALL.into_iter().find(|r| r.id() == id)
    }
}

/// What a person said about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonAnswer {
    /// One of the item's question choices.
    Choice { choice: String },
    /// The item does not apply to this workload.
    NotApplicable { reason: NaReason },
}

/// One entry of `answers:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemAnswer {
    pub item: String,
    pub answer: PersonAnswer,
    pub notes: Option<String>,
    /// Where the entry's key is, for messages.
    pub line: u32,
}

/// A validated answers file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// The file as named on the command line.
    pub file: String,
    pub workload: Workload,
    /// In file order; every item at most once.
    pub answers: Vec<ItemAnswer>,
}

impl Answers {
    pub fn get(&self, item: &str) -> Option<&ItemAnswer> {
        self.answers.iter().find(|a| a.item == item)
    }

    /// Reads and validates an answers file against the embedded catalog.
    pub fn load(path: &std::path::Path) -> Result<Answers, Vec<AnswersError>> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![AnswersError {
                file: file.clone(),
                line: 1,
                column: 1,
                message: format!("cannot read the answers file: {e}"),
                hint: None,
            }]
        })?;
        Answers::parse(&text, &file, Catalog::embedded())
    }

    /// Validates answers text; `file` names it in errors.
    pub fn parse(text: &str, file: &str, catalog: &Catalog) -> Result<Answers, Vec<AnswersError>> {
        let mut reader = Reader {
            file,
            catalog,
            errors: Vec::new(),
        };
        let mut documents = Vec::new();
        for chunk in split_documents(text) {
            let parsed = parse_document(&chunk);
            for e in parsed.errors {
                // Duplicate keys are only a warning for manifests; here a question answered
                // twice is ambiguous, so every YAML problem is an error.
                let hint = e
                    .message
                    .starts_with("duplicate key")
                    .then(|| "answer each item once: remove one of the two entries".to_string());
                reader.error_at(
                    Pos {
                        line: e.line,
                        col: e.col,
                    },
                    e.message,
                    hint,
                );
            }
            documents.extend(parsed.documents);
        }
        if documents.len() > 1 {
            reader.error_at(
                documents[1].pos,
                "the answers file holds more than one YAML document".into(),
                Some("keep everything in one document (remove the `---` line)".into()),
            );
        }
        let mut answers = Answers {
            file: file.to_string(),
            ..Answers::default()
        };
        match documents.first().filter(|d| !d.is_null()) {
            Some(root) => reader.read_root(root, &mut answers),
            None => reader.error_at(
                Pos { line: 1, col: 1 },
                "the answers file is empty".into(),
                Some("it needs at least `workload:` (see docs/review.md)".into()),
            ),
        }
        reader.errors.sort_by_key(|e| (e.line, e.column));
        if reader.errors.is_empty() {
            Ok(answers)
        } else {
            Err(reader.errors)
        }
    }
}

/// A problem in the answers file, with its position.
pub type AnswersError = kwar_yaml::LocatedError;

struct Reader<'a> {
    file: &'a str,
    catalog: &'a Catalog,
    errors: Vec<AnswersError>,
}

impl Reader<'_> {
    fn error_at(&mut self, pos: Pos, message: String, hint: Option<String>) {
        self.errors
            .push(AnswersError::at(self.file, pos, message, hint));
    }

    /// The entries of a mapping whose keys are all in `allowed`; others are reported.
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&str],
    ) -> Vec<(&'n Node, &'n Node)> {
        if !node.is_map() {
            self.error_at(node.pos, format!("{what} must be a mapping"), None);
            return Vec::new();
        }
        allowed_entries(node, what, allowed, self.file, &mut self.errors)
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match node.scalar_text() {
            Some(text) if !node.is_map() => Some(text),
            _ => {
                self.error_at(node.pos, format!("{what} must be a string"), None);
                None
            }
        }
    }

    fn read_root(&mut self, root: &Node, answers: &mut Answers) {
        let entries = self.mapping(root, "the answers file", TOP_LEVEL_KEYS);
        let mut saw_workload = false;
        for (key, value) in entries {
            match key.as_str().unwrap_or_default() {
                "workload" => {
                    saw_workload = true;
                    answers.workload = self.read_workload(key, value);
                }
                "answers" if value.is_null() => {}
                "answers" if !value.is_map() => {
                    self.error_at(
                        value.pos,
                        "`answers` must be a mapping of item id to answer".into(),
                        None,
                    );
                }
                "answers" => {
                    for (key, value) in value.entries() {
                        if let Some(answer) = self.read_answer(key, value) {
                            answers.answers.push(answer);
                        }
                    }
                }
                _ => {}
            }
        }
        if !saw_workload && root.is_map() {
            self.error_at(
                root.pos,
                "missing `workload` (name, environment, owner, cluster)".into(),
                None,
            );
        }
    }

    fn read_workload(&mut self, key: &Node, node: &Node) -> Workload {
        let mut w = Workload::default();
        if node.is_null() {
            self.error_at(
                key.pos,
                "`workload` needs name, environment, owner and cluster".into(),
                None,
            );
            return w;
        }
        let entries = self.mapping(node, "`workload`", WORKLOAD_KEYS);
        for (k, v) in &entries {
            let name = k.as_str().unwrap_or_default();
            let Some(text) = self.string(v, &format!("`workload.{name}`")) else {
                continue;
            };
            match name {
                "name" => w.name = text,
                "environment" => w.environment = text,
                "owner" => w.owner = text,
                "cluster" => w.cluster = text,
                "description" => w.description = Some(text),
                _ => {}
            }
        }
        if node.is_map() {
            for required in WORKLOAD_REQUIRED {
                if node.get(required).is_none_or(Node::is_null) {
                    self.error_at(key.pos, format!("`workload` needs `{required}`"), None);
                }
            }
        }
        w
    }

    fn read_answer(&mut self, key: &Node, node: &Node) -> Option<ItemAnswer> {
        let id = key.as_str().unwrap_or_default().to_string();
        let Some(item) = self.catalog.item(&id) else {
            let close: Vec<&str> = self
                .catalog
                .items
                .iter()
                .map(|i| i.id.as_str())
                .filter(|c| c.contains(id.as_str()) || (id.len() > 4 && id.contains(c)))
                .take(5)
                .collect();
            self.error_at(
                key.pos,
                format!("unknown item `{id}`"),
                Some(if close.is_empty() {
                    "item ids are the catalog's (`kwar review --format json` lists them all)".into()
                } else {
                    format!("did you mean {}?", close.join(", "))
                }),
            );
            return None;
        };
        let what = format!("the answer to `{id}`");
        let entries = self.mapping(node, &what, ANSWER_KEYS);
        let mut notes = None;
        let mut choice: Option<(&Node, &Node)> = None;
        let mut na: Option<(&Node, &Node)> = None;
        for (k, v) in entries {
            match k.as_str().unwrap_or_default() {
                "notes" => notes = self.string(v, &format!("`{id}.notes`")),
                "choice" => choice = Some((k, v)),
                "notApplicable" => na = Some((k, v)),
                _ => {}
            }
        }
        let answer = match (choice, na) {
            (Some(_), Some((k, _))) => {
                self.error_at(
                    k.pos,
                    format!("`{id}` has both `choice` and `notApplicable`"),
                    Some("keep one of them".into()),
                );
                return None;
            }
            (None, None) => {
                if node.is_map() {
                    self.error_at(
                        key.pos,
                        format!("{what} needs `choice` or `notApplicable`"),
                        None,
                    );
                }
                return None;
            }
            (Some((k, v)), None) => {
                let chosen = self.string(v, &format!("`{id}.choice`"))?;
                let Some(question) = &item.question else {
                    self.error_at(
                        k.pos,
                        format!("item `{id}` has no question to answer: evidence decides it"),
                        Some("only `notApplicable` (with a reason) can be recorded for it".into()),
                    );
                    return None;
                };
                if question.choice(&chosen).is_none() {
                    let listed: Vec<String> = question
                        .choices
                        .iter()
                        .map(|c| format!("{} ({} risk)", c.id, c.risk))
                        .collect();
                    self.error_at(
                        v.pos,
                        format!("unknown choice `{chosen}` for `{id}`"),
                        Some(format!("its choices are {}", listed.join(", "))),
                    );
                    return None;
                }
                PersonAnswer::Choice { choice: chosen }
            }
            (None, Some((k, v))) => {
                let inner = self.mapping(v, &format!("`{id}.notApplicable`"), NA_KEYS);
                let mut reason = None;
                for (ik, iv) in inner {
                    match ik.as_str().unwrap_or_default() {
                        "notes" if notes.is_none() => {
                            notes = self.string(iv, &format!("`{id}.notApplicable.notes`"));
                        }
                        "reason" => {
                            let text = self.string(iv, &format!("`{id}.notApplicable.reason`"))?;
                            match NaReason::from_id(&text) {
                                Some(r) => reason = Some(r),
                                None => {
                                    self.error_at(
                                        iv.pos,
                                        format!("unknown not-applicable reason `{text}`"),
                                        Some(format!(
                                            "expected one of: {}",
                                            NaReason::ALL.map(NaReason::id).join(", ")
                                        )),
                                    );
                                    return None;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                let Some(reason) = reason else {
                    if v.is_map() {
                        self.error_at(
                            k.pos,
                            format!("`{id}.notApplicable` needs a `reason`"),
                            Some(format!(
                                "one of: {}",
                                NaReason::ALL.map(NaReason::id).join(", ")
                            )),
                        );
                    }
                    return None;
                };
                PersonAnswer::NotApplicable { reason }
            }
        };
        Some(ItemAnswer {
            item: id,
            answer,
            notes,
            line: key.pos.line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Answers, Vec<AnswersError>> {
        Answers::parse(text, "review.yaml", Catalog::embedded())
    }

    const WORKLOAD: &str =
        "workload:\n  name: shop\n  environment: prod\n  owner: me\n  cluster: eks-1\n";

    #[test]
    fn a_valid_file_reads_back() {
        let a = parse(&format!(
            "{WORKLOAD}answers:\n  app-dashboards:\n    choice: b\n    notes: defaults only\n  app-playbooks-runbooks:\n    notApplicable:\n      reason: out-of-scope\n      notes: platform team\n"
        ))
        .unwrap();
        assert_eq!(a.workload.name, "shop");
        assert_eq!(a.answers.len(), 2);
        assert_eq!(
            a.get("app-dashboards").unwrap().answer,
            PersonAnswer::Choice { choice: "b".into() }
        );
        let na = a.get("app-playbooks-runbooks").unwrap();
        assert_eq!(
            na.answer,
            PersonAnswer::NotApplicable {
                reason: NaReason::OutOfScope
            }
        );
        assert_eq!(na.notes.as_deref(), Some("platform team"));
        assert_eq!(na.line, 10);
    }

    fn errors(text: &str) -> Vec<String> {
        parse(&format!("{WORKLOAD}{text}"))
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn mistakes_are_errors_with_positions() {
        let e = errors("answers:\n  app-dashbords:\n    choice: b\n");
        assert!(
            e[0].starts_with("review.yaml:7:3: unknown item `app-dashbords`"),
            "{e:?}"
        );
        let e = errors("answers:\n  app-dashboards:\n    choice: z\n");
        assert!(
            e[0].starts_with("review.yaml:8:13: unknown choice `z`"),
            "{e:?}"
        );
        assert!(e[0].contains("its choices are a (none risk)"), "{e:?}");
        let e = errors(
            "answers:\n  app-dashboards:\n    choice: a\n  app-dashboards:\n    choice: d\n",
        );
        assert!(
            e[0].starts_with("review.yaml:9:3: duplicate key `app-dashboards` (first at line 7)"),
            "{e:?}"
        );
        let e = errors("answers:\n  app-dashboards:\n    notApplicable:\n      reason: lazy\n");
        assert!(
            e[0].starts_with("review.yaml:9:15: unknown not-applicable reason `lazy`"),
            "{e:?}"
        );
        // An item that evidence decides has no question: only not-applicable is allowed.
        let e = errors("answers:\n  app-readiness-probes:\n    choice: a\n");
        assert!(e[0].contains("has no question"), "{e:?}");
        let e = errors("answers:\n  app-dashboards:\n    choise: a\n");
        assert!(
            e.iter()
                .any(|m| m.starts_with("review.yaml:8:5: unknown key `choise`")),
            "{e:?}"
        );
        let e = parse("workload:\n  name: x\nextra: 1\n").unwrap_err();
        let listed: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(
            listed.iter().any(|m| m.contains("unknown key `extra`")),
            "{listed:?}"
        );
        assert!(
            listed.iter().any(|m| m.contains("needs `owner`")),
            "{listed:?}"
        );
    }

    #[test]
    fn not_applicable_is_allowed_without_a_question() {
        let a = parse(&format!(
            "{WORKLOAD}answers:\n  app-readiness-probes:\n    notApplicable: {{reason: other, notes: batch only}}\n"
        ))
        .unwrap();
        assert_eq!(a.answers.len(), 1);
    }
}
