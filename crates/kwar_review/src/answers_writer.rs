//! Writing the answers file (`kwar review --interactive` saves after every answer).
//!
//! New answers are **appended** to the file as it was, so its comments, its order and the
//! existing answers stay exactly as written. That works when `answers:` is the last top-level
//! key and a block mapping (as in docs/review.md and every file kwar writes), or when the
//! file has no `answers:` yet. Otherwise (a flow mapping `answers: {…}`, `answers:` followed
//! by another key…) the file is **rewritten** from its content: same workload and answers,
//! comments dropped. Either way the new text is read back with [`Answers::parse`] and must
//! hold exactly the expected workload and answers before it replaces the file, by writing a
//! temporary file next to it and renaming it over the old one: an interrupted save leaves
//! the old file or the new one, never half of one.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::path::Path;

use kwar_catalog::Catalog;
use kwar_yaml::{parse_document, split_documents, Node};

use crate::answers::{Answers, ItemAnswer, PersonAnswer, Workload};

/// Why the answers file could not be saved.
#[derive(Debug)]
pub struct SaveError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot save the answers to {}: {}",
            self.file, self.message
        )
    }
}

impl std::error::Error for SaveError {}

/// The text of the answers file: `base` (the file as it was, `None` when there was none)
/// with the answers of `answers` that `base` does not hold added, comments of `base` kept
/// when possible. The result always reads back (with [`Answers::parse`]) as `answers`.
pub fn answers_text(base: Option<&str>, answers: &Answers, catalog: &Catalog) -> String {
    if let Some(base) = base {
        if let Some(text) = appended(base, answers, catalog) {
            if reads_back_as(&text, answers, catalog) {
                return text;
            }
        }
    }
    render_answers(answers)
}

/// Saves `answers` to `path` atomically (temporary file + rename), keeping the comments of
/// the file as it was (`base`) when possible, and checks that the saved text reads back.
pub fn save_answers(
    path: &Path,
    base: Option<&str>,
    answers: &Answers,
    catalog: &Catalog,
) -> Result<(), SaveError> {
    let file = path.display().to_string();
    let fail = |message: String| SaveError {
        file: file.clone(),
        message,
    };
    let text = answers_text(base, answers, catalog);
    if !reads_back_as(&text, answers, catalog) {
        // A bug, never bad input: the file on disk is left as it was.
        return Err(fail(
            "the new text does not read back as the answers given (the file was left as it was)"
                .into(),
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".kwar-answers-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            fail(format!(
                "cannot create a temporary file in {}: {e}",
                dir.display()
            ))
        })?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    // Keep the permissions of the file being replaced (a temporary file is private).
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(permissions) = permissions {
        std::fs::set_permissions(temp.path(), permissions).map_err(|e| fail(e.to_string()))?;
    }
    temp.persist(path).map_err(|e| fail(e.error.to_string()))?;
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// The whole file written from scratch (no comments but a header).
pub fn render_answers(answers: &Answers) -> String {
    let mut out = String::from(
        "# Answers for the well-architected review (docs/review.md), saved by\n\
         # `kwar review --interactive`.\n\nworkload:\n",
    );
    let w = &answers.workload;
    for (key, value) in [
        ("name", Some(&w.name)),
        ("environment", Some(&w.environment)),
        ("owner", Some(&w.owner)),
        ("cluster", Some(&w.cluster)),
        ("description", w.description.as_ref()),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "  {key}: {}", scalar(value));
        }
    }
    if !answers.answers.is_empty() {
        out.push_str("answers:\n");
        for answer in &answers.answers {
            out.push_str(&render_entry(answer, "  "));
        }
    }
    out
}

/// One entry of `answers:`, its key indented by `indent`.
fn render_entry(answer: &ItemAnswer, indent: &str) -> String {
    let mut out = format!("{indent}{}:\n", answer.item);
    match &answer.answer {
        PersonAnswer::Choice { choice } => {
            let _ = writeln!(out, "{indent}  choice: {}", scalar(choice));
            if let Some(notes) = &answer.notes {
                let _ = writeln!(out, "{indent}  notes: {}", scalar(notes));
            }
        }
        PersonAnswer::NotApplicable { reason } => {
            let _ = writeln!(out, "{indent}  notApplicable:");
            let _ = writeln!(out, "{indent}    reason: {}", reason.id());
            if let Some(notes) = &answer.notes {
                let _ = writeln!(out, "{indent}    notes: {}", scalar(notes));
            }
        }
    }
    out
}

/// A YAML scalar for `text`: plain when that reads back as the same string under YAML 1.1
/// rules, else double-quoted (a JSON string is a valid YAML double-quoted scalar).
fn scalar(text: &str) -> String {
    let first_ok = text.chars().next().is_some_and(|c| c.is_alphabetic());
    let chars_ok = text
        .chars()
        .all(|c| c.is_alphanumeric() || " -_.,/@()+;!?'".contains(c));
    let special = matches!(
        text.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
    );
    if first_ok && chars_ok && !special && text.trim_end() == text {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

/// `base` with the entries it lacks appended, when its shape allows that.
fn appended(base: &str, answers: &Answers, catalog: &Catalog) -> Option<String> {
    let old = Answers::parse(base, &answers.file, catalog).ok()?;
    if old.workload != answers.workload {
        return None;
    }
    // Every old answer must still be there, unchanged: appending never edits an entry.
    for a in &old.answers {
        let now = answers.get(&a.item)?;
        if now.answer != a.answer || now.notes != a.notes {
            return None;
        }
    }
    let added: Vec<&ItemAnswer> = answers
        .answers
        .iter()
        .filter(|a| old.get(&a.item).is_none())
        .collect();
    let chunks = split_documents(base);
    let [chunk] = chunks.as_slice() else {
        return None;
    };
    let parsed = parse_document(chunk);
    let root = parsed.documents.first()?;
    let entries = root.entries();
    let mut text = base.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let indent = match entries
        .iter()
        .position(|(k, _)| k.as_str() == Some("answers"))
    {
        None => {
            if added.is_empty() {
                return Some(text);
            }
            text.push_str("answers:\n");
            "  ".to_string()
        }
        Some(i) if i + 1 == entries.len() => {
            let (key, value) = &entries[i];
            block_indent(base, key, value)?
        }
        Some(_) => return None,
    };
    for answer in added {
        text.push_str(&render_entry(answer, &indent));
    }
    Some(text)
}

/// The indentation of the entries of `answers:` when it is a block mapping (or empty, with
/// nothing after the colon but a comment); None for anything else.
fn block_indent(base: &str, key: &Node, value: &Node) -> Option<String> {
    if value.is_null() {
        let line = base.lines().nth(key.pos.line.checked_sub(1)? as usize)?;
        let after = line.trim_start().strip_prefix("answers")?.trim_start();
        let after = after.strip_prefix(':')?.trim_start();
        return (after.is_empty() || after.starts_with('#')).then(|| "  ".to_string());
    }
    let (first, _) = value.entries().first()?;
    (value.is_map() && first.pos.line > key.pos.line && first.pos.col > key.pos.col)
        .then(|| " ".repeat(first.pos.col.saturating_sub(1) as usize))
}

/// `text` reads back as exactly the workload and answers of `answers`.
fn reads_back_as(text: &str, answers: &Answers, catalog: &Catalog) -> bool {
    let Ok(read) = Answers::parse(text, &answers.file, catalog) else {
        return false;
    };
    read.workload == answers.workload
        && read.answers.len() == answers.answers.len()
        && read.answers.iter().all(|r| {
            answers
                .get(&r.item)
                .is_some_and(|a| a.answer == r.answer && a.notes == r.notes)
        })
}

/// Adds or replaces `answer` in `answers` (keeping file order for a replaced one).
pub fn set_answer(answers: &mut Answers, answer: ItemAnswer) {
    match answers.answers.iter_mut().find(|a| a.item == answer.item) {
        Some(slot) => *slot = answer,
        None => answers.answers.push(answer),
    }
}

/// A workload with every required field set (for a file created from scratch).
pub fn workload_complete(w: &Workload) -> bool {
    [&w.name, &w.environment, &w.owner, &w.cluster]
        .iter()
        .all(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::NaReason;

    const BASE: &str = "# my comment\nworkload:\n  name: shop\n  environment: prod\n  owner: me\n  cluster: eks-1\nanswers:\n    # existing\n    app-dashboards:\n        choice: b\n";

    fn catalog() -> &'static Catalog {
        Catalog::embedded()
    }

    fn answer(item: &str, answer: PersonAnswer, notes: Option<&str>) -> ItemAnswer {
        ItemAnswer {
            item: item.into(),
            answer,
            notes: notes.map(Into::into),
            line: 0,
        }
    }

    fn with_new(base: &str, new: Vec<ItemAnswer>) -> Answers {
        let mut a = Answers::parse(base, "review.yaml", catalog()).unwrap();
        for n in new {
            set_answer(&mut a, n);
        }
        a
    }

    #[test]
    fn appending_keeps_comments_and_indentation() {
        let answers = with_new(
            BASE,
            vec![
                answer(
                    "app-alerting",
                    PersonAnswer::Choice { choice: "c".into() },
                    Some("noisy: CPU alerts # page at night\nsecond line"),
                ),
                answer(
                    "sec-pen-tests",
                    PersonAnswer::NotApplicable {
                        reason: NaReason::Other,
                    },
                    None,
                ),
            ],
        );
        let text = answers_text(Some(BASE), &answers, catalog());
        assert!(text.starts_with(BASE), "{text}");
        assert!(text.contains("    app-alerting:\n      choice: c\n      notes: \"noisy: CPU alerts # page at night\\nsecond line\"\n"), "{text}");
        assert!(
            text.contains("    sec-pen-tests:\n      notApplicable:\n        reason: other\n"),
            "{text}"
        );
        assert!(reads_back_as(&text, &answers, catalog()));
    }

    #[test]
    fn a_file_without_answers_gets_the_section() {
        let base = "workload: {name: shop, environment: prod, owner: me, cluster: eks-1}";
        let answers = with_new(
            base,
            vec![answer(
                "app-dashboards",
                PersonAnswer::Choice { choice: "a".into() },
                Some("yes"),
            )],
        );
        let text = answers_text(Some(base), &answers, catalog());
        assert!(text.starts_with(base), "{text}");
        assert!(
            text.ends_with("answers:\n  app-dashboards:\n    choice: a\n    notes: \"yes\"\n"),
            "{text}"
        );
    }

    #[test]
    fn other_shapes_are_rewritten_whole() {
        // `answers:` not last, and a flow mapping: appending would not read back.
        for base in [
            "answers:\n  app-dashboards:\n    choice: b\nworkload:\n  name: shop\n  environment: prod\n  owner: me\n  cluster: eks-1\n",
            "workload:\n  name: shop\n  environment: prod\n  owner: me\n  cluster: eks-1\nanswers: {app-dashboards: {choice: b}}\n",
        ] {
            let answers = with_new(
                base,
                vec![answer(
                    "app-alerting",
                    PersonAnswer::Choice { choice: "a".into() },
                    None,
                )],
            );
            let text = answers_text(Some(base), &answers, catalog());
            assert!(text.starts_with("# Answers for the well-architected review"), "{text}");
            assert!(reads_back_as(&text, &answers, catalog()), "{text}");
        }
    }

    #[test]
    fn saving_is_atomic_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("review.yaml");
        let mut answers = Answers {
            file: path.display().to_string(),
            workload: Workload {
                name: "shop".into(),
                environment: "prod".into(),
                owner: "team@example.com".into(),
                cluster: "eks 1: eu".into(),
                description: None,
            },
            answers: Vec::new(),
        };
        assert!(workload_complete(&answers.workload));
        save_answers(&path, None, &answers, catalog()).unwrap();
        let base = std::fs::read_to_string(&path).unwrap();
        set_answer(
            &mut answers,
            answer(
                "app-dashboards",
                PersonAnswer::Choice { choice: "d".into() },
                None,
            ),
        );
        save_answers(&path, Some(&base), &answers, catalog()).unwrap();
        let loaded = Answers::load(&path).unwrap();
        assert_eq!(loaded.workload, answers.workload);
        assert_eq!(loaded.answers.len(), 1);
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("review.yaml")]);
    }

    #[test]
    fn scalars_quote_what_yaml_would_misread() {
        assert_eq!(scalar("shop"), "shop");
        assert_eq!(
            scalar("Runbooks for payments, checkout only."),
            "Runbooks for payments, checkout only."
        );
        for tricky in [
            "yes",
            "off",
            "0644",
            "a: b",
            "x # y",
            "-dash",
            "",
            " lead",
            "tab\there",
            "é ok",
        ] {
            let quoted = scalar(tricky);
            let text = format!("v: {quoted}\n");
            let chunks = split_documents(&text);
            let node = &parse_document(&chunks[0]).documents[0];
            assert_eq!(
                node.get("v").and_then(Node::scalar_text).as_deref(),
                Some(tricky),
                "{quoted}"
            );
        }
    }
}
