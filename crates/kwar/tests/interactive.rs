//! `kwar review --interactive` driven through a real pseudo-terminal (rexpect): the real
//! binary, the example's evidence, an answers file on disk.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::workspace_root;
use kwar_catalog::Catalog;
use kwar_review::{Answers, NaReason, PersonAnswer};
use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{spawn_command, PtySession};

const WORKLOAD: &str = "# the team's answers\nworkload:\n  name: shop\n  environment: production\n  owner: team-shop@example.com\n  cluster: eks-prod-eu-west-1\n";
const TIMEOUT_MS: u64 = 60_000;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of examples/shop (without its answers) and an answers file holding the workload.
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let shop = dir.path().join("shop");
    copy_dir(&workspace_root().join("examples/shop"), &shop);
    std::fs::remove_file(shop.join("review.yaml")).unwrap();
    let answers = dir.path().join("answers.yaml");
    std::fs::write(&answers, WORKLOAD).unwrap();
    (dir, shop, answers)
}

fn spawn(shop: &Path, answers: &Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kwar"));
    // A test runner started in the background of a non-interactive shell inherits SIGINT as
    // ignored, and so would kwar: give it the default disposition a terminal user has.
    // SAFETY: signal() is async-signal-safe, as pre_exec requires.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    command
        .args(["review", "--interactive", "--answers"])
        .arg(answers)
        .arg(shop)
        .env("NO_COLOR", "1")
        .current_dir(shop.parent().unwrap());
    spawn_command(command, Some(TIMEOUT_MS)).expect("kwar starts in a pty")
}

/// Waits for the next question; its item id and choice ids.
fn next_question(s: &mut PtySession) -> (String, Vec<String>) {
    let (_, header) = s.exp_regex(r"\[\d+/\d+\] [a-z0-9-]+").unwrap();
    let item = header.rsplit(' ').next().unwrap().to_string();
    let (_, prompt) = s.exp_regex(r"Answer \[[a-z/]+").unwrap();
    let choices = prompt
        .trim_start_matches("Answer [")
        .split('/')
        .map(String::from)
        .collect();
    (item, choices)
}

fn load(path: &Path) -> Answers {
    let text = std::fs::read_to_string(path).unwrap();
    Answers::parse(&text, "answers.yaml", Catalog::embedded())
        .unwrap_or_else(|e| panic!("the saved file does not load: {e:?}\n{text}"))
}

#[test]
fn answers_choices_notes_not_applicable_and_skip_then_quits() {
    let (_dir, shop, answers) = setup();
    let mut s = spawn(&shop, &answers);

    // 1: notes, then the last choice.
    let (first, choices) = next_question(&mut s);
    let last = choices.last().unwrap().clone();
    s.send_line("n").unwrap();
    s.exp_string("Notes (one line): ").unwrap();
    s.send_line("only the checkout: is covered # for now")
        .unwrap();
    s.exp_string("Answer [").unwrap();
    s.send_line(&last).unwrap();
    s.exp_string("saved to").unwrap();
    // 2: the first choice.
    let (second, _) = next_question(&mut s);
    s.send_line("a").unwrap();
    s.exp_string("saved to").unwrap();
    // 3: not applicable, reason 3 (architecture-constraints), with notes.
    let (third, _) = next_question(&mut s);
    s.send_line("x").unwrap();
    s.exp_string("Reason [1-4").unwrap();
    s.send_line("3").unwrap();
    s.exp_string("Notes (Enter for none): ").unwrap();
    s.send_line("the platform team owns it").unwrap();
    s.exp_string("saved to").unwrap();
    // 4: skipped; 5: quit.
    let (fourth, _) = next_question(&mut s);
    s.send_line("s").unwrap();
    let (fifth, _) = next_question(&mut s);
    s.send_line("q").unwrap();
    s.exp_string("2 answered, 1 not applicable, 1 skipped (quit)")
        .unwrap();
    // Then the review itself, as without --interactive.
    let rest = s.exp_eof().unwrap();
    assert!(rest.contains("Evidence:"), "{rest}");
    assert!(
        matches!(s.process().wait().unwrap(), WaitStatus::Exited(_, 0)),
        "kwar exits 0"
    );

    // The file on disk holds exactly those answers, after the workload and its comment.
    let text = std::fs::read_to_string(&answers).unwrap();
    assert!(text.starts_with(WORKLOAD), "{text}");
    let saved = load(&answers);
    assert_eq!(saved.workload.name, "shop");
    let ids: Vec<&str> = saved.answers.iter().map(|a| a.item.as_str()).collect();
    assert_eq!(ids, [first.as_str(), second.as_str(), third.as_str()]);
    let a = saved.get(&first).unwrap();
    assert_eq!(a.answer, PersonAnswer::Choice { choice: last });
    assert_eq!(
        a.notes.as_deref(),
        Some("only the checkout: is covered # for now")
    );
    let b = saved.get(&second).unwrap();
    assert_eq!(b.answer, PersonAnswer::Choice { choice: "a".into() });
    assert_eq!(b.notes, None);
    let c = saved.get(&third).unwrap();
    assert_eq!(
        c.answer,
        PersonAnswer::NotApplicable {
            reason: NaReason::ArchitectureConstraints
        }
    );
    assert_eq!(c.notes.as_deref(), Some("the platform team owns it"));

    // A second, ordinary review shows them as answered.
    let out = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(["review", "--format", "json", "--answers"])
        .arg(&answers)
        .arg(&shop)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let status = |id: &str| {
        report["review"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| (i["status"].clone(), i["answer"]["source"].clone()))
            .unwrap()
    };
    for id in [&first, &second] {
        assert_eq!(status(id), ("answered".into(), "person".into()), "{id}");
    }
    assert_eq!(status(&third).0, "not-applicable");
    for id in [&fourth, &fifth] {
        assert_ne!(status(id).0, "answered", "{id}");
    }
}

#[test]
fn ctrl_c_keeps_the_answers_given_so_far() {
    let (_dir, shop, answers) = setup();
    let mut s = spawn(&shop, &answers);
    let (first, choices) = next_question(&mut s);
    s.send_line(&choices[1]).unwrap();
    s.exp_string("saved to").unwrap();
    let (second, _) = next_question(&mut s);
    s.send_line("n").unwrap();
    s.exp_string("Notes (one line): ").unwrap();
    s.send_line("typed but never answered").unwrap();
    s.exp_string("Answer [").unwrap();
    // Ctrl-C through the terminal: SIGINT to the foreground process.
    s.send_control('c').unwrap();
    let deadline = Instant::now() + Duration::from_millis(TIMEOUT_MS);
    let status = loop {
        match s.process().status() {
            Some(WaitStatus::StillAlive) | None if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20))
            }
            Some(WaitStatus::StillAlive) | None => panic!("kwar did not end on Ctrl-C"),
            Some(status) => break status,
        }
    };
    assert!(
        matches!(status, WaitStatus::Signaled(_, Signal::SIGINT, _)),
        "{status:?}"
    );
    let saved = load(&answers);
    assert_eq!(saved.answers.len(), 1, "{saved:?}");
    assert_eq!(
        saved.get(&first).unwrap().answer,
        PersonAnswer::Choice {
            choice: choices[1].clone()
        }
    );
    assert!(saved.get(&second).is_none());
    // No temporary file is left next to the answers.
    let names: Vec<String> = std::fs::read_dir(answers.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn creates_the_workspace_answers_file_when_there_is_none() {
    let (dir, shop, _) = setup();
    let workspace = dir.path().join("ws");
    let mut command = Command::new(env!("CARGO_BIN_EXE_kwar"));
    command
        .args(["review", "-i", "--workspace"])
        .arg(&workspace)
        .arg(&shop)
        .env("NO_COLOR", "1");
    let mut s = spawn_command(command, Some(TIMEOUT_MS)).unwrap();
    s.exp_string("no answers file").unwrap();
    for value in ["shop", "staging", "me@example.com", "kind-1", ""] {
        s.exp_regex(r": $").unwrap();
        s.send_line(value).unwrap();
    }
    let (item, _) = next_question(&mut s);
    // Enter takes the evidence's proposal (the first questions are the pre-filled ones).
    s.send_line("").unwrap();
    s.exp_string("saved to").unwrap();
    next_question(&mut s);
    s.send_line("q").unwrap();
    s.exp_eof().unwrap();
    let saved = load(&workspace.join("review.yaml"));
    assert_eq!(saved.workload.environment, "staging");
    assert_eq!(saved.workload.description, None);
    assert!(matches!(
        saved.get(&item).unwrap().answer,
        PersonAnswer::Choice { .. }
    ));
}

#[test]
fn never_prompts_when_stdin_is_not_a_terminal() {
    let (_dir, shop, answers) = setup();
    let out = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(["review", "--interactive", "--answers"])
        .arg(&answers)
        .arg(&shop)
        .stdin(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--interactive needs a terminal on stdin"),
        "{stderr}"
    );
    assert!(!stderr.contains("Answer ["), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&answers).unwrap(), WORKLOAD);
}
