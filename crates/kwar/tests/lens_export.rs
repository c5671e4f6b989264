//! `kwar lens export`: the written file is checked against every rule of the AWS
//! Well-Architected custom lens format (User Guide, "Lens format specification", schema
//! 2021-11-01; ImportLens: at most 500 KB) that the export implements, read back as plain JSON.

mod common;

use std::collections::{HashMap, HashSet};

use common::kwar;
use kwar_catalog::{Catalog, ChoiceRisk};
use serde_json::Value;

fn export() -> (Value, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kwar-lens.json");
    let out = kwar(&["lens", "export", "-o", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    let lens: Value = serde_json::from_str(&text).expect("the lens is JSON");
    (lens, text, stderr)
}

fn chars(v: &Value) -> usize {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .chars()
        .count()
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("not an array: {v}"))
}

fn valid_id(id: &str) -> bool {
    (3..=128).contains(&id.chars().count())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// helpfulResource / improvementPlan: displayText 1..=2048, url (optional) https://.
fn check_resource(r: &Value, at: &str) {
    let keys: HashSet<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert!(
        keys.is_subset(&HashSet::from(["displayText", "url"])),
        "{at}: {keys:?}"
    );
    let n = chars(&r["displayText"]);
    assert!(
        (1..=2048).contains(&n),
        "{at}: displayText has {n} characters"
    );
    if let Some(url) = r.get("url") {
        let url = url.as_str().unwrap();
        assert!(url.starts_with("https://"), "{at}: url {url}");
        assert!(
            url.len() <= 2048 && !url.contains(char::is_whitespace),
            "{at}"
        );
    }
}

/// A small, independent evaluator of the condition syntax (`&&`, `||`, `!`, parentheses,
/// choice ids), which also checks that every identifier is a choice id of the question.
struct Cond<'a> {
    toks: Vec<String>,
    at: usize,
    ids: &'a HashSet<String>,
    selected: &'a HashSet<String>,
}

impl Cond<'_> {
    fn tokens(text: &str) -> Vec<String> {
        let spaced = text
            .replace("&&", " && ")
            .replace("||", " || ")
            .replace('!', " ! ")
            .replace('(', " ( ")
            .replace(')', " ) ");
        spaced.split_whitespace().map(String::from).collect()
    }

    fn peek(&self) -> Option<&str> {
        self.toks.get(self.at).map(String::as_str)
    }

    fn or(&mut self) -> bool {
        let mut v = self.and();
        while self.peek() == Some("||") {
            self.at += 1;
            let r = self.and();
            v = v || r;
        }
        v
    }

    fn and(&mut self) -> bool {
        let mut v = self.not();
        while self.peek() == Some("&&") {
            self.at += 1;
            let r = self.not();
            v = v && r;
        }
        v
    }

    fn not(&mut self) -> bool {
        let tok = self.peek().expect("expression ends early").to_string();
        self.at += 1;
        match tok.as_str() {
            "!" => !self.not(),
            "(" => {
                let v = self.or();
                assert_eq!(self.peek(), Some(")"), "unbalanced parentheses");
                self.at += 1;
                v
            }
            id => {
                assert!(
                    self.ids.contains(id),
                    "`{id}` is not a choice id of the question"
                );
                self.selected.contains(id)
            }
        }
    }
}

fn eval(condition: &str, ids: &HashSet<String>, selected: &HashSet<String>) -> bool {
    let mut c = Cond {
        toks: Cond::tokens(condition),
        at: 0,
        ids,
        selected,
    };
    let v = c.or();
    assert_eq!(c.at, c.toks.len(), "trailing tokens in `{condition}`");
    v
}

fn risk_of(q: &Value, ids: &HashSet<String>, selected: &[&str]) -> String {
    let selected: HashSet<String> = selected.iter().map(|s| s.to_string()).collect();
    for rule in arr(&q["riskRules"]) {
        let cond = rule["condition"].as_str().unwrap();
        if cond == "default" || eval(cond, ids, &selected) {
            return rule["risk"].as_str().unwrap().to_string();
        }
    }
    panic!("no risk rule applies to {}", q["id"]);
}

#[test]
fn lens_follows_every_rule_of_the_format() {
    let (lens, text, _) = export();

    // Lens section.
    let top: HashSet<&str> = lens
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        top,
        HashSet::from(["schemaVersion", "name", "description", "pillars"])
    );
    assert_eq!(lens["schemaVersion"], "2021-11-01");
    assert!((1..=128).contains(&chars(&lens["name"])));
    assert!(chars(&lens["description"]) <= 2048);
    assert!(text.len() <= 500_000, "{} bytes", text.len());

    // Pillars: 1 to 10, unique valid ids, names up to 128.
    let pillars = arr(&lens["pillars"]);
    assert!(
        (1..=10).contains(&pillars.len()),
        "{} pillars",
        pillars.len()
    );
    let mut pillar_ids = HashSet::new();
    let mut question_ids = HashSet::new();
    let mut total_questions = 0;
    for p in pillars {
        let id = p["id"].as_str().expect("pillar id");
        assert!(valid_id(id), "pillar id {id}");
        assert!(pillar_ids.insert(id), "duplicate pillar id {id}");
        assert!((1..=128).contains(&chars(&p["name"])), "pillar {id} name");
        let questions = arr(&p["questions"]);
        assert!(
            (1..=20).contains(&questions.len()),
            "pillar {id}: {} questions",
            questions.len()
        );
        total_questions += questions.len();

        for q in questions {
            let qid = q["id"].as_str().expect("question id");
            assert!(valid_id(qid), "question id {qid}");
            assert!(question_ids.insert(qid), "duplicate question id {qid}");
            for key in ["title", "description", "choices", "riskRules"] {
                assert!(q.get(key).is_some(), "question {qid}: no {key}");
            }
            assert!((1..=128).contains(&chars(&q["title"])), "{qid}: title");
            assert!(chars(&q["description"]) <= 2048, "{qid}: description");
            if let Some(r) = q.get("helpfulResource") {
                check_resource(r, &format!("{qid}: helpfulResource"));
            }

            // Choices: 1 to 15, unique valid ids, titles up to 128, an improvement plan for
            // every choice but `None of these` (id ending in `_no`, at most one).
            let choices = arr(&q["choices"]);
            assert!((1..=15).contains(&choices.len()), "{qid}: choices");
            let mut ids = HashSet::new();
            let mut nones = 0;
            for c in choices {
                let cid = c["id"].as_str().expect("choice id");
                let at = format!("{qid}/{cid}");
                assert!(valid_id(cid), "choice id {at}");
                assert!(ids.insert(cid.to_string()), "duplicate choice id {at}");
                assert!((1..=128).contains(&chars(&c["title"])), "{at}: title");
                if let Some(r) = c.get("helpfulResource") {
                    check_resource(r, &format!("{at}: helpfulResource"));
                }
                if cid.ends_with("_no") {
                    nones += 1;
                    assert_eq!(c["title"], "None of these");
                } else {
                    check_resource(&c["improvementPlan"], &format!("{at}: improvementPlan"));
                }
            }
            assert_eq!(nones, 1, "{qid}: one `None of these` choice");

            // Risk rules: at most three, one per level, known risks, a `default` rule last,
            // conditions over this question's choice ids only.
            let rules = arr(&q["riskRules"]);
            assert!((1..=3).contains(&rules.len()), "{qid}: risk rules");
            let mut risks = HashSet::new();
            for (i, rule) in rules.iter().enumerate() {
                let risk = rule["risk"].as_str().unwrap();
                assert!(
                    ["NO_RISK", "MEDIUM_RISK", "HIGH_RISK"].contains(&risk),
                    "{qid}: {risk}"
                );
                assert!(risks.insert(risk), "{qid}: two rules for {risk}");
                let cond = rule["condition"].as_str().unwrap();
                assert_eq!(
                    cond == "default",
                    i + 1 == rules.len(),
                    "{qid}: default last"
                );
                if cond != "default" {
                    // Parses, and names only choice ids of this question.
                    eval(cond, &ids, &HashSet::new());
                }
            }
        }
    }
    assert_eq!(total_questions, 88);
}

/// Each catalog answer, chosen alone, gets the risk the catalog gives it; "None of these" is
/// high risk; the worst of several chosen answers counts.
#[test]
fn risk_rules_give_each_answer_its_catalog_risk() {
    let (lens, _, _) = export();
    let catalog = Catalog::embedded();
    let mut seen = 0;
    for q in arr(&lens["pillars"])
        .iter()
        .flat_map(|p| arr(&p["questions"]))
    {
        let qid = q["id"].as_str().unwrap();
        let item = catalog
            .item(&qid.replace('_', "-"))
            .expect("a catalog item");
        let question = item.question.as_ref().expect("the item has a question");
        let ids: HashSet<String> = arr(&q["choices"])
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        let risk_name = |r: ChoiceRisk| match r {
            ChoiceRisk::None => "NO_RISK",
            ChoiceRisk::Medium => "MEDIUM_RISK",
            ChoiceRisk::High => "HIGH_RISK",
        };
        let by_catalog: HashMap<String, ChoiceRisk> = question
            .choices
            .iter()
            .map(|c| (format!("choice_{}", c.id.replace('-', "_")), c.risk))
            .collect();
        assert_eq!(by_catalog.len() + 1, ids.len(), "{qid}");
        for (cid, risk) in &by_catalog {
            assert!(ids.contains(cid), "{qid}: {cid}");
            assert_eq!(risk_of(q, &ids, &[cid]), risk_name(*risk), "{qid}/{cid}");
        }
        let worst = by_catalog.values().max().unwrap();
        let all: Vec<&str> = by_catalog.keys().map(String::as_str).collect();
        assert_eq!(risk_of(q, &ids, &all), risk_name(*worst), "{qid}: all");
        assert_eq!(risk_of(q, &ids, &["none_of_these_no"]), "HIGH_RISK");
        seen += 1;
    }
    assert_eq!(seen, 88);
}

/// Questions land in the pillar of their item's first pillar; a framework pillar keeps its
/// WA Framework id unless it had to be split into parts of at most 20 questions.
#[test]
fn questions_go_to_their_items_first_pillar() {
    let (lens, _, _) = export();
    let catalog = Catalog::embedded();
    let framework = |p: &str| match p {
        "security" => "security",
        "reliability" => "reliability",
        "performance" => "performance",
        "cost" => "costOptimization",
        _ => "operationalExcellence",
    };
    for p in arr(&lens["pillars"]) {
        let pid = p["id"].as_str().unwrap();
        for q in arr(&p["questions"]) {
            let item = catalog
                .item(&q["id"].as_str().unwrap().replace('_', "-"))
                .unwrap();
            let want = framework(item.pillars[0].id());
            assert!(
                pid == want || pid.starts_with(&format!("{want}_part")),
                "{} in {pid}, expected {want}",
                item.id
            );
        }
    }
}

#[test]
fn shortened_texts_are_reported_and_stdout_gets_the_same_lens() {
    let (lens, _, stderr) = export();
    assert!(stderr.contains("shortened from"), "{stderr}");
    assert!(stderr.contains("88 questions"), "{stderr}");
    let out = kwar(&["lens", "export"]);
    assert_eq!(out.status.code(), Some(0));
    let from_stdout: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_stdout, lens);
}

#[test]
fn an_unwritable_output_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("lens.json");
    let out = kwar(&["lens", "export", "-o", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
}
