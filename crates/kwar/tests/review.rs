//! `kwar review`: the example's full review, the JSON contract, the answers file's errors.

mod common;

use common::{assert_schema_valid, kwar};

const EXAMPLE: &[&str] = &[
    "review",
    "examples/shop",
    "--answers",
    "examples/shop/review.yaml",
];

fn review_json(args: &[&str]) -> (serde_json::Value, Option<i32>) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = kwar(&all);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code())
}

fn item<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["review"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn the_example_review_covers_every_item_and_validates() {
    let (report, code) = review_json(EXAMPLE);
    assert_eq!(code, Some(0));
    assert_schema_valid(&report);
    let items = report["review"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 186);
    let mut ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 186);
    let coverage = &report["review"]["coverage"];
    let total: u64 = coverage
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 186);
    for status in [
        "fail",
        "answered",
        "prefilled",
        "not-applicable",
        "unknown",
        "unanswered",
    ] {
        assert!(coverage[status].as_u64().unwrap() > 0, "no {status} item");
    }
    // Unknown items say what evidence is missing.
    for i in items.iter().filter(|i| i["status"] == "unknown") {
        assert!(i["missingEvidence"].is_string(), "{}", i["id"]);
    }
    assert_eq!(report["review"]["workload"]["name"], "shop");
    for pillar in [
        "security",
        "reliability",
        "performance",
        "cost",
        "operational-excellence",
    ] {
        assert!(
            report["review"]["pillars"][pillar]["score"].is_number(),
            "{pillar}"
        );
    }
    let plan = report["review"]["improvementPlan"].as_array().unwrap();
    assert!(!plan.is_empty());
    assert_eq!(plan[0]["risk"], "high");
    let first_medium = plan.iter().position(|e| e["risk"] == "medium").unwrap();
    assert!(plan[first_medium..].iter().all(|e| e["risk"] == "medium"));
    // The findings of the scan are still there.
    assert!(!report["findings"].as_array().unwrap().is_empty());
}

#[test]
fn a_persons_answer_wins_and_the_disagreement_is_kept() {
    let (report, _) = review_json(EXAMPLE);
    let recover = item(&report, "rel-dp-auto-recover");
    assert_eq!(recover["status"], "answered");
    assert_eq!(recover["risk"], "medium");
    assert_eq!(recover["answer"]["source"], "person");
    assert_eq!(recover["answer"]["choice"], "b");
    assert_eq!(recover["disagreement"], true);
    assert_eq!(recover["evidence"]["proposal"]["choice"], "c");
    assert_eq!(recover["evidence"]["risk"], "high");
    // Not applicable, with its reason.
    let pen = item(&report, "sec-pen-tests");
    assert_eq!(pen["status"], "not-applicable");
    assert_eq!(pen["risk"], "not-applicable");
    assert_eq!(pen["answer"]["notApplicable"], "business-priorities");
    // Evidence alone decides items without a question.
    let probes = item(&report, "app-readiness-probes");
    assert_eq!(probes["status"], "fail");
    assert_eq!(probes["risk"], "high");
    assert!(!probes["objects"].as_array().unwrap().is_empty());
}

#[test]
fn the_text_review_has_every_part() {
    let out = kwar(EXAMPLE);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "Well-Architected review of shop (production)",
        "Coverage (186 items)",
        "Pillar",
        "Area",
        "High risk",
        "Medium risk",
        "Answers that disagree with the evidence",
        "Improvement plan",
        "rel-dp-auto-recover",
    ] {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

#[test]
fn fail_on_gates_on_risky_items() {
    let mut args = EXAMPLE.to_vec();
    args.extend(["--fail-on", "high"]);
    assert_eq!(kwar(&args).status.code(), Some(1));
}

fn answers_errors(body: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.yaml");
    std::fs::write(
        &path,
        format!("workload:\n  name: t\n  environment: test\n  owner: me\n  cluster: c\nanswers:\n{body}"),
    )
    .unwrap();
    let out = kwar(&["review", "--answers", path.to_str().unwrap()]);
    assert!(
        out.stdout.is_empty(),
        "nothing is reviewed when the answers are wrong"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).replace(path.to_str().unwrap(), "review.yaml"),
    )
}

#[test]
fn answers_file_errors_have_positions_and_exit_2() {
    let cases = [
        (
            "  app-dashbords:\n    choice: a\n",
            "review.yaml:7:3: unknown item `app-dashbords`",
        ),
        (
            "  app-dashboards:\n    choice: x\n",
            "review.yaml:8:13: unknown choice `x` for `app-dashboards`",
        ),
        (
            "  app-dashboards:\n    choice: a\n  app-dashboards:\n    choice: b\n",
            "review.yaml:9:3: duplicate key `app-dashboards`",
        ),
        (
            "  app-dashboards:\n    notApplicable:\n      reason: bored\n",
            "review.yaml:9:15: unknown not-applicable reason `bored`",
        ),
        (
            "  app-readiness-probes:\n    choice: a\n",
            "review.yaml:8:5: item `app-readiness-probes` has no question",
        ),
    ];
    for (body, expected) in cases {
        let (code, stderr) = answers_errors(body);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn a_small_answers_file_scores_as_documented() {
    // No evidence: only these answers carry a risk. In the application area:
    // app-dashboards b (medium, ½), app-playbooks-runbooks a (none, 1),
    // app-alerting d (high, 0): (0.5 + 1 + 0) / 3 = 50.0.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.yaml");
    std::fs::write(
        &path,
        "workload: {name: t, environment: test, owner: me, cluster: c}\nanswers:\n  app-dashboards: {choice: b}\n  app-playbooks-runbooks: {choice: a}\n  app-alerting: {choice: d}\n",
    )
    .unwrap();
    let (report, code) = review_json(&["review", "--answers", path.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert_schema_valid(&report);
    let app = &report["review"]["areas"]["application"];
    assert_eq!(app["score"], 50.0);
    assert_eq!(
        (app["highRisk"].as_u64(), app["mediumRisk"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(app["unanswered"], 22 - 3);
    let plan = report["review"]["improvementPlan"].as_array().unwrap();
    let order: Vec<&str> = plan.iter().map(|e| e["item"].as_str().unwrap()).collect();
    assert_eq!(order, ["app-alerting", "app-dashboards"]);
    // Without manifests, items decided by evidence are unknown and say so.
    let probes = item(&report, "app-readiness-probes");
    assert_eq!(probes["status"], "unknown");
    assert!(probes["missingEvidence"]
        .as_str()
        .unwrap()
        .contains("manifests"));
}
