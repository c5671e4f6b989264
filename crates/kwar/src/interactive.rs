//! `kwar review --interactive`: asks each question nobody answered yet, in the terminal, and
//! saves the answers file after every answer (docs/review.md, "Interactive answering").
//!
//! Prompts are plain lines: kwar prints the question to stderr and reads one line of stdin.
//! No raw mode, so there is no terminal state to restore when the session is interrupted,
//! line editing is the terminal's own, and the session is easy to drive through a
//! pseudo-terminal in tests. Ctrl-C ends the process at once: every answer given before it
//! is already on disk, because each one is saved (atomically) as soon as it is given.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

use kwar_catalog::{Catalog, Question};
use kwar_review::{
    save_answers, set_answer, Answers, EvidenceVerdict, ItemAnswer, ItemReview, NaReason,
    PersonAnswer, Status, Workload, WorkloadReview,
};

/// How many of an item's evidence checks are listed under its question.
const CHECKS_SHOWN: usize = 6;

/// `--interactive` needs a person at a terminal: never prompt a pipe or a file.
pub fn require_terminal() -> Result<(), String> {
    if io::stdin().is_terminal() {
        Ok(())
    } else {
        Err(
            "--interactive needs a terminal on stdin, and stdin is not one (a pipe, a file or \
             CI): nothing was asked and nothing was saved\n  hint: run it in a terminal, or \
             write the answers in the answers file (docs/review.md)"
                .into(),
        )
    }
}

/// What the session did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The answers file as saved; None when nothing was saved (no workload given).
    pub answers: Option<Answers>,
    pub answered: usize,
    pub not_applicable: usize,
    pub skipped: usize,
    pub quit: bool,
}

/// The items to ask, in the order asked: first those the evidence pre-fills (their
/// proposal is the default, one key confirms it, and a correction shows up as a
/// disagreement), then those nothing speaks to; catalog (agenda) order within each group.
pub fn questions<'r>(review: &'r WorkloadReview, catalog: &Catalog) -> Vec<&'r ItemReview> {
    let has_question = |i: &&ItemReview| catalog.item(&i.id).is_some_and(|c| c.question.is_some());
    let of = |status: Status| {
        review
            .items
            .iter()
            .filter(move |i| i.status == status)
            .filter(has_question)
    };
    of(Status::Prefilled)
        .chain(of(Status::Unanswered))
        .collect()
}

/// Runs the session over the questions of `review`. `existing` is the answers file as
/// loaded (None when `path` does not exist yet: the workload is asked first).
pub fn run(
    review: &WorkloadReview,
    catalog: &Catalog,
    path: &Path,
    existing: Option<Answers>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Outcome, String> {
    let io_err = |e: io::Error| format!("the interactive session failed: {e}");
    let base = match existing {
        Some(_) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let mut session = Session {
        catalog,
        path,
        base,
        answers: existing,
        input,
        out,
    };
    let queue = questions(review, catalog);
    let mut outcome = Outcome::default();
    if queue.is_empty() {
        writeln!(session.out, "Every question is answered: nothing to ask.").map_err(io_err)?;
        outcome.answers = session.answers;
        return Ok(outcome);
    }
    writeln!(
        session.out,
        "{} question{} to answer, saved to {} after each answer.\n\
         Keys: a choice id, Enter for the proposed choice, n notes, s skip, \
         x not applicable, q quit (Ctrl-C loses nothing already answered).",
        queue.len(),
        if queue.len() == 1 { "" } else { "s" },
        path.display()
    )
    .map_err(io_err)?;
    if session.answers.is_none() {
        match session.ask_workload().map_err(io_err)? {
            Some(workload) => {
                let answers = Answers {
                    file: path.display().to_string(),
                    workload,
                    answers: Vec::new(),
                };
                session.save(answers)?;
            }
            None => {
                outcome.quit = true;
                return Ok(outcome);
            }
        }
    }
    for (n, item) in queue.iter().enumerate() {
        let Some(question) = catalog.item(&item.id).and_then(|c| c.question.as_ref()) else {
            continue;
        };
        session
            .show(item, question, n + 1, queue.len())
            .map_err(io_err)?;
        match session.ask(item, question).map_err(io_err)? {
            Step::Answer(answer) => {
                let na = matches!(answer.answer, PersonAnswer::NotApplicable { .. });
                let mut answers = session.answers.clone().unwrap_or_default();
                set_answer(&mut answers, answer);
                session.save(answers)?;
                if na {
                    outcome.not_applicable += 1;
                } else {
                    outcome.answered += 1;
                }
                writeln!(session.out, "  saved to {}", path.display()).map_err(io_err)?;
            }
            Step::Skip => outcome.skipped += 1,
            Step::Quit => {
                outcome.quit = true;
                break;
            }
        }
    }
    writeln!(
        session.out,
        "\n{} answered, {} not applicable, {} skipped{}; the answers are in {}.\n",
        outcome.answered,
        outcome.not_applicable,
        outcome.skipped,
        if outcome.quit { " (quit)" } else { "" },
        path.display()
    )
    .map_err(io_err)?;
    outcome.answers = session.answers;
    Ok(outcome)
}

enum Step {
    Answer(ItemAnswer),
    Skip,
    Quit,
}

struct Session<'a> {
    catalog: &'a Catalog,
    path: &'a Path,
    /// The file's text when the session started: new answers are appended to it.
    base: Option<String>,
    answers: Option<Answers>,
    input: &'a mut dyn BufRead,
    out: &'a mut dyn Write,
}

impl Session<'_> {
    /// One line of input, trimmed; None at the end of input (Ctrl-D).
    fn line(&mut self, prompt: &str) -> io::Result<Option<String>> {
        write!(self.out, "{prompt}")?;
        self.out.flush()?;
        let mut buf = String::new();
        if self.input.read_line(&mut buf)? == 0 {
            writeln!(self.out)?;
            return Ok(None);
        }
        Ok(Some(buf.trim().to_string()))
    }

    fn save(&mut self, answers: Answers) -> Result<(), String> {
        save_answers(self.path, self.base.as_deref(), &answers, self.catalog)
            .map_err(|e| e.to_string())?;
        self.answers = Some(answers);
        Ok(())
    }

    fn ask_workload(&mut self) -> io::Result<Option<Workload>> {
        writeln!(
            self.out,
            "There is no answers file at {} yet: it will be created. The workload under review:",
            self.path.display()
        )?;
        let mut fields = Vec::new();
        for (label, required) in [
            ("name", true),
            ("environment (production, staging…)", true),
            ("owner (a team or an address)", true),
            ("cluster", true),
            ("description (Enter for none)", false),
        ] {
            loop {
                let Some(value) = self.line(&format!("  {label}: "))? else {
                    return Ok(None);
                };
                if value.is_empty() && required {
                    writeln!(self.out, "  it is required")?;
                    continue;
                }
                fields.push(value);
                break;
            }
        }
        let description = fields.pop().filter(|d| !d.is_empty());
        let [name, environment, owner, cluster] = <[String; 4]>::try_from(fields)
            .map_err(|_| io::Error::other("the workload has four required fields"))?;
        Ok(Some(Workload {
            name,
            environment,
            owner,
            cluster,
            description,
        }))
    }

    /// The item, its question with the choices and their risk, and the evidence.
    fn show(
        &mut self,
        item: &ItemReview,
        question: &Question,
        n: usize,
        total: usize,
    ) -> io::Result<()> {
        let pillars: Vec<&str> = item.pillars.iter().map(|p| p.id()).collect();
        writeln!(self.out, "\n[{n}/{total}] {}", item.id)?;
        writeln!(self.out, "  {}", item.agenda)?;
        writeln!(
            self.out,
            "  area: {} · pillars: {}",
            item.area,
            pillars.join(", ")
        )?;
        writeln!(self.out, "  Q: {}", question.text)?;
        let proposed = item
            .evidence
            .as_ref()
            .and_then(|e| e.proposal.as_ref())
            .map(|p| p.choice.as_str());
        for c in &question.choices {
            let mark = if proposed == Some(c.id.as_str()) {
                "   <- proposed by the evidence"
            } else {
                ""
            };
            writeln!(self.out, "    {}) {} [{} risk]{mark}", c.id, c.text, c.risk)?;
        }
        match &item.evidence {
            Some(e) => {
                writeln!(
                    self.out,
                    "  Evidence: {} -> {} risk{}",
                    e.verdict.id(),
                    e.risk,
                    e.proposal
                        .as_ref()
                        .map(|p| format!(", proposes {}", p.choice))
                        .unwrap_or_default()
                )?;
                for c in e.checks.iter().take(CHECKS_SHOWN) {
                    let mut counts = Vec::new();
                    for (k, what) in [
                        (c.failed, "failed"),
                        (c.warned, "warned"),
                        (c.passed, "passed"),
                    ] {
                        if k > 0 {
                            counts.push(format!("{k} {what}"));
                        }
                    }
                    let from = if c.item == item.id {
                        String::new()
                    } else {
                        format!(", item {}", c.item)
                    };
                    writeln!(
                        self.out,
                        "    {} says {} ({}; {} severity{from})",
                        c.check,
                        c.verdict().map_or("-", EvidenceVerdict::id),
                        counts.join(", "),
                        c.severity.id()
                    )?;
                }
                if e.checks.len() > CHECKS_SHOWN {
                    writeln!(
                        self.out,
                        "    … and {} more checks (kwar review -f json lists them)",
                        e.checks.len() - CHECKS_SHOWN
                    )?;
                }
                if !e.via.is_empty() {
                    writeln!(self.out, "    rolled up from: {}", e.via.join(", "))?;
                }
            }
            None => writeln!(self.out, "  Evidence: none speaks to this question")?,
        }
        if let Some(missing) = &item.missing_evidence {
            writeln!(self.out, "  Missing evidence: {missing}")?;
        }
        Ok(())
    }

    fn ask(&mut self, item: &ItemReview, question: &Question) -> io::Result<Step> {
        let ids: Vec<&str> = question.choices.iter().map(|c| c.id.as_str()).collect();
        let proposed = item
            .evidence
            .as_ref()
            .and_then(|e| e.proposal.as_ref())
            .map(|p| p.choice.clone());
        let prompt = format!(
            "Answer [{}{}, n notes, s skip, x not applicable, q quit]: ",
            ids.join("/"),
            proposed
                .as_ref()
                .map(|p| format!(", Enter = {p}"))
                .unwrap_or_default()
        );
        let mut notes: Option<String> = None;
        loop {
            let Some(line) = self.line(&prompt)? else {
                return Ok(Step::Quit);
            };
            let key = line.to_ascii_lowercase();
            let choice = match key.as_str() {
                "" => match &proposed {
                    Some(p) => p.clone(),
                    None => {
                        writeln!(
                            self.out,
                            "  type a choice ({}), or s to skip",
                            ids.join(", ")
                        )?;
                        continue;
                    }
                },
                k if ids.contains(&k) => k.to_string(),
                "s" => {
                    if notes.is_some() {
                        writeln!(self.out, "  skipped: the notes were not saved")?;
                    }
                    return Ok(Step::Skip);
                }
                "q" => return Ok(Step::Quit),
                "n" => {
                    let Some(text) = self.line("  Notes (one line): ")? else {
                        return Ok(Step::Quit);
                    };
                    if !text.is_empty() {
                        notes = Some(match notes.take() {
                            Some(old) => format!("{old} {text}"),
                            None => text,
                        });
                        writeln!(self.out, "  the notes go with the answer you give next")?;
                    }
                    continue;
                }
                "x" => match self.ask_not_applicable(&mut notes)? {
                    NaStep::Reason(reason) => {
                        return Ok(Step::Answer(ItemAnswer {
                            item: item.id.clone(),
                            answer: PersonAnswer::NotApplicable { reason },
                            notes,
                            line: 0,
                        }))
                    }
                    NaStep::Back => continue,
                    NaStep::Quit => return Ok(Step::Quit),
                },
                _ => {
                    writeln!(
                        self.out,
                        "  `{line}` is not an answer: type a choice ({}), n, s, x or q",
                        ids.join(", ")
                    )?;
                    continue;
                }
            };
            return Ok(Step::Answer(ItemAnswer {
                item: item.id.clone(),
                answer: PersonAnswer::Choice { choice },
                notes,
                line: 0,
            }));
        }
    }

    fn ask_not_applicable(&mut self, notes: &mut Option<String>) -> io::Result<NaStep> {
        let listed: Vec<String> = NaReason::ALL
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{}) {}", i + 1, r.id()))
            .collect();
        writeln!(self.out, "  Not applicable because: {}", listed.join("  "))?;
        let reason = loop {
            let Some(line) = self.line("  Reason [1-4, or Enter to go back]: ")? else {
                return Ok(NaStep::Quit);
            };
            if line.is_empty() {
                return Ok(NaStep::Back);
            }
            let by_number = line
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| NaReason::ALL.get(i).copied());
            match by_number.or_else(|| NaReason::from_id(&line)) {
                Some(r) => break r,
                None => writeln!(self.out, "  `{line}` is not a reason")?,
            }
        };
        if notes.is_none() {
            let Some(text) = self.line("  Notes (Enter for none): ")? else {
                return Ok(NaStep::Quit);
            };
            *notes = Some(text).filter(|t| !t.is_empty());
        }
        Ok(NaStep::Reason(reason))
    }
}

enum NaStep {
    Reason(NaReason),
    Back,
    Quit,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The session driven by scripted input (the pseudo-terminal tests in
    /// tests/interactive.rs drive the real binary).
    #[test]
    fn a_scripted_session_saves_every_answer() {
        let catalog = Catalog::embedded();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("review.yaml");
        let review =
            kwar_review::build_from_evidence(catalog, &kwar_review::ScanEvidence::default(), None);
        let queue = questions(&review, catalog);
        assert!(queue.len() > 3);
        // Workload, then: a choice with notes, not applicable with notes, skip, bad key, quit.
        let script =
            "shop\nprod\nme\neks-1\n\nn\nonly defaults\nb\nx\n9\n2\ngroup test\ns\nzz\nq\n";
        let mut input = io::Cursor::new(script.as_bytes());
        let mut out = Vec::new();
        let outcome = run(&review, catalog, &path, None, &mut input, &mut out).unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert!(printed.contains("`zz` is not an answer"), "{printed}");
        assert!(printed.contains("`9` is not a reason"), "{printed}");
        assert_eq!(
            (outcome.answered, outcome.not_applicable, outcome.skipped),
            (1, 1, 1)
        );
        let saved = Answers::load(&path).unwrap();
        assert_eq!(saved.workload.cluster, "eks-1");
        assert_eq!(saved.answers.len(), 2);
        let first = saved.get(&queue[0].id).unwrap();
        assert_eq!(first.answer, PersonAnswer::Choice { choice: "b".into() });
        assert_eq!(first.notes.as_deref(), Some("only defaults"));
        let second = saved.get(&queue[1].id).unwrap();
        assert_eq!(
            second.answer,
            PersonAnswer::NotApplicable {
                reason: NaReason::BusinessPriorities
            }
        );
        assert_eq!(second.notes.as_deref(), Some("group test"));
    }
}
