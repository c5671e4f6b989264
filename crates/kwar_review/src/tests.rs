//! The model's rules on a hand-checkable review.

use kwar_catalog::{Catalog, Pillar, Severity};

use crate::*;

fn check(item: &str, id: &str, severity: Severity, p: usize, w: usize, f: usize) -> CheckEvidence {
    CheckEvidence {
        check: id.into(),
        item: item.into(),
        severity,
        passed: p,
        warned: w,
        failed: f,
        unknown: 0,
    }
}

/// Readiness probes fail at high; requests pass; scrape coverage (a question item) warns.
fn evidence() -> ScanEvidence {
    let mut e = ScanEvidence {
        objects: 3,
        ..Default::default()
    };
    for c in [
        check(
            "app-readiness-probes",
            "readiness-probe-defined",
            Severity::High,
            2,
            0,
            1,
        ),
        check(
            "app-requests-limits",
            "requests-set",
            Severity::High,
            3,
            0,
            0,
        ),
        check(
            "app-requests-limits",
            "memory-limit-set",
            Severity::Medium,
            3,
            0,
            0,
        ),
        check(
            "app-metrics-instrumentation",
            "workload-scrape-coverage",
            Severity::Medium,
            1,
            2,
            0,
        ),
    ] {
        e.by_item.entry(c.item.clone()).or_default().push(c);
    }
    e.failing.insert(
        "readiness-probe-defined".into(),
        vec![(
            "apps/v1".into(),
            "Deployment".into(),
            Some("shop".into()),
            "web".into(),
        )],
    );
    e
}

fn answers(text: &str) -> Answers {
    Answers::parse(
        &format!(
            "workload: {{name: t, environment: test, owner: me, cluster: c}}\nanswers:\n{text}"
        ),
        "a.yaml",
        Catalog::embedded(),
    )
    .unwrap()
}

#[test]
fn every_item_gets_exactly_one_status() {
    let c = Catalog::embedded();
    let r = build_from_evidence(c, &ScanEvidence::default(), None);
    assert_eq!(r.items.len(), 186);
    assert_eq!(r.coverage().iter().map(|(_, n)| n).sum::<usize>(), 186);
    // Without any evidence: questions are unanswered, the rest unknown, and say why.
    assert_eq!(r.item("app-dashboards").unwrap().status, Status::Unanswered);
    let probes = r.item("app-readiness-probes").unwrap();
    assert_eq!(probes.status, Status::Unknown);
    let missing = probes.missing_evidence.as_deref().unwrap();
    assert!(
        missing.contains(MISSING_MANIFESTS) && missing.contains(MISSING_CLUSTER),
        "{missing}"
    );
    assert!(r.improvement_plan.is_empty());
    assert!(r.pillars.iter().all(|(_, g)| g.score.is_none()));
}

#[test]
fn evidence_decides_prefills_and_people_win() {
    let c = Catalog::embedded();
    let r = build_from_evidence(c, &evidence(), None);
    let probes = r.item("app-readiness-probes").unwrap();
    assert_eq!((probes.status, probes.risk), (Status::Fail, Risk::High));
    assert_eq!(probes.objects.len(), 1);
    let requests = r.item("app-requests-limits").unwrap();
    assert_eq!((requests.status, requests.risk), (Status::Pass, Risk::None));
    // A warn proposes the first medium-risk choice.
    let metrics = r.item("app-metrics-instrumentation").unwrap();
    assert_eq!(
        (metrics.status, metrics.risk),
        (Status::Prefilled, Risk::Medium)
    );
    let a = metrics.answer.as_ref().unwrap();
    assert_eq!(
        (a.choice.as_deref(), a.source),
        (Some("b"), AnswerSource::Evidence)
    );
    // A roll-up question takes the worst of its related items: probes fail at high.
    let healing = c
        .items
        .iter()
        .find(|i| {
            i.related_items
                .contains(&"app-readiness-probes".to_string())
                && i.rollup.is_some()
        })
        .unwrap();
    let h = r.item(&healing.id).unwrap();
    assert_eq!(
        (h.status, h.risk),
        (Status::Prefilled, Risk::High),
        "{}",
        h.id
    );
    assert!(h
        .evidence
        .as_ref()
        .unwrap()
        .via
        .contains(&"app-readiness-probes".to_string()));

    // The person's answer wins; the evidence's proposal stays and the disagreement shows.
    let r = build_from_evidence(
        c,
        &evidence(),
        Some(&answers(
            "  app-metrics-instrumentation: {choice: a, notes: all services}\n",
        )),
    );
    let metrics = r.item("app-metrics-instrumentation").unwrap();
    assert_eq!(
        (metrics.status, metrics.risk),
        (Status::Answered, Risk::None)
    );
    assert_eq!(
        metrics.answer.as_ref().unwrap().source,
        AnswerSource::Person
    );
    assert!(metrics.disagreement);
    assert_eq!(
        metrics
            .evidence
            .as_ref()
            .unwrap()
            .proposal
            .as_ref()
            .unwrap()
            .choice,
        "b"
    );
    // Agreeing answers are no disagreement.
    let r = build_from_evidence(
        c,
        &evidence(),
        Some(&answers("  app-metrics-instrumentation: {choice: b}\n")),
    );
    assert!(!r.item("app-metrics-instrumentation").unwrap().disagreement);
}

#[test]
fn scores_and_plan_follow_the_documented_model() {
    let c = Catalog::embedded();
    // Only question items, no evidence: app-dashboards b (medium), app-playbooks-runbooks a
    // (none), app-metrics-instrumentation d (high), and one not applicable.
    let a = answers(
        "  app-dashboards: {choice: b}\n  app-playbooks-runbooks: {choice: a}\n  app-metrics-instrumentation: {choice: d}\n  app-readiness-probes: {notApplicable: {reason: other}}\n",
    );
    let r = build_from_evidence(c, &ScanEvidence::default(), Some(&a));
    // application: 3 risk-bearing items: (0.5 + 1 + 0) / 3 = 50.0
    let (_, app) = r.areas.iter().find(|(a, _)| a == "application").unwrap();
    assert_eq!(app.score, Some(50.0));
    assert_eq!(
        (
            app.high_risk,
            app.medium_risk,
            app.no_risk,
            app.not_applicable
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(app.unanswered, app.items - 4);
    // operational-excellence holds all three answered items: same score.
    let (_, ops) = r
        .pillars
        .iter()
        .find(|(p, _)| *p == Pillar::OperationalExcellence)
        .unwrap();
    assert_eq!(ops.score, Some(50.0));
    // cost: none of them.
    let (_, cost) = r.pillars.iter().find(|(p, _)| *p == Pillar::Cost).unwrap();
    assert_eq!(cost.score, None);
    // Plan: the high one first, then the medium one.
    let plan: Vec<_> = r
        .improvement_plan
        .iter()
        .map(|e| (e.item.as_str(), e.risk))
        .collect();
    assert_eq!(
        plan,
        [
            ("app-metrics-instrumentation", Risk::High),
            ("app-dashboards", Risk::Medium)
        ]
    );
    assert_eq!(
        r.item("app-readiness-probes").unwrap().status,
        Status::NotApplicable
    );
    assert_eq!(r.count_at_or_above(Risk::High), 1);
    assert_eq!(r.count_at_or_above(Risk::Medium), 2);
}

#[test]
fn plan_orders_by_risk_then_reach() {
    let c = Catalog::embedded();
    let mut e = evidence();
    // Two high-risk items: the one touching more checks comes first.
    for ch in [
        check(
            "app-liveness-probes",
            "liveness-probe-defined",
            Severity::High,
            0,
            0,
            2,
        ),
        check(
            "app-liveness-probes",
            "liveness-probe-not-hair-trigger",
            Severity::Critical,
            0,
            0,
            1,
        ),
    ] {
        e.by_item.entry(ch.item.clone()).or_default().push(ch);
    }
    let r = build_from_evidence(c, &e, None);
    let at = |id: &str| {
        r.improvement_plan
            .iter()
            .position(|e| e.item == id)
            .unwrap()
    };
    assert!(at("app-liveness-probes") < at("app-readiness-probes"));
    // The self-healing question rolls both up (3 failing checks): it leads.
    assert_eq!(r.improvement_plan[0].item, "rel-dp-auto-recover");
    assert_eq!(r.improvement_plan[0].checks.len(), 3);
    let risks: Vec<Risk> = r.improvement_plan.iter().map(|e| e.risk).collect();
    let mut sorted = risks.clone();
    sorted.sort();
    assert_eq!(risks, sorted);
}

#[test]
fn json_has_the_schema_fields() {
    let c = Catalog::embedded();
    let r = build_from_evidence(
        c,
        &evidence(),
        Some(&answers("  app-dashboards: {choice: b}\n")),
    );
    let j = review_json(&r);
    assert_eq!(j["items"].as_array().unwrap().len(), 186);
    assert_eq!(j["workload"]["name"], "t");
    assert!(j["pillars"]["security"]["highRisk"].is_u64());
    let d = j["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "app-dashboards")
        .unwrap();
    assert_eq!(d["answer"]["source"], "person");
    assert_eq!(d["status"], "answered");
    let mut text = Vec::new();
    write_review_text(&r, &mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("Coverage (186 items)"), "{text}");
    assert!(text.contains("Improvement plan"), "{text}");
}
