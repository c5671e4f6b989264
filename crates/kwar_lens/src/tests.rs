use std::collections::HashSet;

use super::*;

fn choice(id: &str, risk: ChoiceRisk) -> SourceChoice {
    SourceChoice {
        id: id.into(),
        text: format!("answer {id}"),
        risk,
    }
}

fn q(id: &str, pillar: CatalogPillar, area: &str) -> SourceQuestion {
    SourceQuestion {
        item_id: id.into(),
        pillar,
        area: area.into(),
        agenda: "An agenda line".into(),
        text: "How do you do it?".into(),
        choices: vec![
            choice("a", ChoiceRisk::None),
            choice("b", ChoiceRisk::Medium),
            choice("c", ChoiceRisk::High),
        ],
        remediation: "Do it well.".into(),
        references: vec!["https://example.com/a".into()],
        signals: vec!["cluster: something".into()],
    }
}

fn areas() -> Vec<String> {
    [
        "application",
        "cluster",
        "operational",
        "security",
        "reliability",
    ]
    .map(String::from)
    .to_vec()
}

fn lens_of(qs: &[SourceQuestion]) -> Export {
    build(qs, "Test lens", "A test lens.", &areas()).expect("valid lens")
}

fn risk_for(question: &Question, selected: &[&str]) -> String {
    let ids: HashSet<&str> = question.choices.iter().map(|c| c.id.as_str()).collect();
    let selected: HashSet<&str> = selected.iter().copied().collect();
    for rule in &question.risk_rules {
        if rule.condition == DEFAULT_CONDITION
            || condition::parse(&rule.condition, &ids)
                .unwrap()
                .eval(&selected)
        {
            return rule.risk.clone();
        }
    }
    panic!("no rule applies")
}

#[test]
fn embedded_catalog_exports_a_valid_lens() {
    let export = export_embedded().unwrap();
    let lens = &export.lens;
    assert!(validate(lens).is_empty());
    let questions: usize = lens.pillars.iter().map(|p| p.questions.len()).sum();
    assert_eq!(questions, 88);
    assert!(lens.pillars.len() <= PILLARS_MAX);
    assert!(lens
        .pillars
        .iter()
        .all(|p| p.questions.len() <= QUESTIONS_PER_PILLAR_MAX));
    // Every single answer gets the risk the catalog gives it.
    let catalog = Catalog::embedded();
    for p in &lens.pillars {
        for question in &p.questions {
            let item = catalog.item(&question.id.replace('_', "-")).unwrap();
            let src = item.question.as_ref().unwrap();
            for (c, lc) in src.choices.iter().zip(&question.choices) {
                let want = match c.risk {
                    ChoiceRisk::None => NO_RISK,
                    ChoiceRisk::Medium => MEDIUM_RISK,
                    ChoiceRisk::High => HIGH_RISK,
                };
                assert_eq!(risk_for(question, &[&lc.id]), want, "{}", question.id);
            }
        }
    }
}

#[test]
fn limit_lens_name_and_description_are_shortened() {
    let long = "n".repeat(LENS_NAME_MAX + 10);
    let desc = "word ".repeat(600);
    let e = build(
        &[q("x-1", CatalogPillar::Cost, "cost")],
        &long,
        &desc,
        &areas(),
    )
    .unwrap();
    assert_eq!(e.lens.name.chars().count(), LENS_NAME_MAX);
    assert!(e.lens.name.ends_with('…'));
    assert!(e.lens.description.chars().count() <= LENS_DESCRIPTION_MAX);
    assert!(e.lens.description.ends_with('…'));
    assert!(e.notes.iter().any(|n| n.starts_with("lens name")));
    assert!(e.notes.iter().any(|n| n.starts_with("lens description")));
}

#[test]
fn limit_twenty_questions_per_pillar_splits_by_area() {
    let mut qs: Vec<_> = (0..8)
        .map(|i| q(&format!("cl-{i}"), CatalogPillar::Security, "cluster"))
        .collect();
    qs.extend((0..15).map(|i| q(&format!("sec-{i}"), CatalogPillar::Security, "security")));
    let lens = lens_of(&qs).lens;
    assert_eq!(lens.pillars.len(), 2);
    assert_eq!(lens.pillars[0].id, "security_part1");
    assert_eq!(lens.pillars[0].name, "Security — cluster-ready checklist");
    assert_eq!(lens.pillars[1].name, "Security — pillar topics");
    assert_eq!(lens.pillars[0].questions.len(), 8);
    assert_eq!(lens.pillars[1].questions.len(), 15);
    // Twenty fit in one framework pillar, unsplit.
    let lens = lens_of(&qs[..20]).lens;
    assert_eq!(lens.pillars.len(), 1);
    assert_eq!(lens.pillars[0].id, "security");
    // One area larger than twenty is cut into numbered chunks.
    let many: Vec<_> = (0..45)
        .map(|i| {
            q(
                &format!("rel-{i}"),
                CatalogPillar::Reliability,
                "reliability",
            )
        })
        .collect();
    let lens = lens_of(&many).lens;
    let sizes: Vec<_> = lens.pillars.iter().map(|p| p.questions.len()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    assert_eq!(lens.pillars[2].name, "Reliability — pillar topics (3/3)");
    // The validator rejects a pillar with 21 questions.
    let mut bad = lens.clone();
    let extra = bad.pillars[1].questions[0..1].to_vec();
    bad.pillars[0].questions.extend(extra);
    assert!(validate(&bad).iter().any(|e| e.contains("21 questions")));
}

#[test]
fn limit_ten_pillars_is_a_hard_error() {
    let qs: Vec<_> = (0..(PILLARS_MAX * QUESTIONS_PER_PILLAR_MAX + 1))
        .map(|i| {
            q(
                &format!("opex-{i}"),
                CatalogPillar::OperationalExcellence,
                "cost",
            )
        })
        .collect();
    let err = build(&qs, "L", "D", &areas()).unwrap_err();
    assert!(err.0.iter().any(|e| e.contains("11 pillars")), "{err}");
}

#[test]
fn limit_fifteen_choices_is_a_hard_error() {
    let mut big = q("many-choices", CatalogPillar::Cost, "cost");
    big.choices = (0..14)
        .map(|i| choice(&format!("c{i}"), ChoiceRisk::Medium))
        .collect();
    // 14 + "None of these" = 15: allowed.
    let lens = lens_of(std::slice::from_ref(&big)).lens;
    assert_eq!(lens.pillars[0].questions[0].choices.len(), 15);
    big.choices.push(choice("c14", ChoiceRisk::High));
    let err = build(&[big], "L", "D", &areas()).unwrap_err();
    assert!(err.0.iter().any(|e| e.contains("16 choices")), "{err}");
}

#[test]
fn limit_question_title_is_shortened_and_kept_in_the_description() {
    let mut long = q("long-title", CatalogPillar::Cost, "cost");
    long.text = format!("How {}?", "very ".repeat(40));
    let e = lens_of(&[long.clone()]);
    let question = &e.lens.pillars[0].questions[0];
    assert!(question.title.chars().count() <= QUESTION_TITLE_MAX);
    assert!(question.title.ends_with('…'));
    assert!(question.description.starts_with(long.text.trim()));
    assert!(e.notes.iter().any(|n| n.contains("long_title: title")));
}

#[test]
fn limit_question_description_leaves_out_signals_that_do_not_fit() {
    let mut noisy = q("noisy", CatalogPillar::Cost, "cost");
    noisy.signals = (0..100)
        .map(|i| format!("cluster: signal number {i} {}", "x".repeat(40)))
        .collect();
    let e = lens_of(&[noisy]);
    let d = &e.lens.pillars[0].questions[0].description;
    assert!(d.chars().count() <= QUESTION_DESCRIPTION_MAX);
    assert!(d.contains("more signals"));
    assert!(e
        .notes
        .iter()
        .any(|n| n.contains("evidence signals left out")));
}

#[test]
fn limit_choice_title_is_shortened_and_kept_in_the_helpful_resource() {
    let mut long = q("long-choice", CatalogPillar::Cost, "cost");
    long.choices[1].text = "b".repeat(CHOICE_TITLE_MAX + 1);
    let e = lens_of(&[long]);
    let c = &e.lens.pillars[0].questions[0].choices[1];
    assert_eq!(c.title.chars().count(), CHOICE_TITLE_MAX);
    assert!(c.title.ends_with('…'));
    let help = &c.helpful_resource.as_ref().unwrap().display_text;
    assert!(help.starts_with(&"b".repeat(CHOICE_TITLE_MAX + 1)));
}

#[test]
fn limit_display_text_is_shortened() {
    let mut long = q("long-fix", CatalogPillar::Cost, "cost");
    long.remediation = "fix ".repeat(1000);
    let e = lens_of(&[long]);
    let question = &e.lens.pillars[0].questions[0];
    let help = &question.helpful_resource.as_ref().unwrap().display_text;
    assert!(help.chars().count() <= DISPLAY_TEXT_MAX && help.ends_with('…'));
    for c in &question.choices {
        if let Some(plan) = &c.improvement_plan {
            assert!(plan.display_text.chars().count() <= DISPLAY_TEXT_MAX);
        }
    }
}

#[test]
fn limit_ids_are_format_valid_and_unique() {
    assert_eq!(
        lens_id("app-metrics-instrumentation"),
        "app_metrics_instrumentation"
    );
    assert_eq!(lens_id("--a..b--"), "a_b");
    assert!(id_problem("app_metrics").is_none());
    assert!(id_problem("ab").is_some());
    assert!(id_problem(&"a".repeat(ID_MAX + 1)).is_some());
    assert!(id_problem("a-b-c").is_some());
    // Catalog choice ids become `choice_<id>`, unique, never a `_no` (None of these) id.
    let mut odd = q("odd-choices", CatalogPillar::Cost, "cost");
    odd.choices = vec![
        choice("a-b", ChoiceRisk::None),
        choice("a_b", ChoiceRisk::Medium),
        choice("no", ChoiceRisk::High),
    ];
    let lens = lens_of(&[odd]).lens;
    let ids: Vec<_> = lens.pillars[0].questions[0]
        .choices
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "choice_a_b",
            "choice_a_b_2",
            "choice_no_answer",
            NONE_CHOICE_ID
        ]
    );
    // A question id that cannot be made valid is a hard error.
    let err = build(&[q("x", CatalogPillar::Cost, "cost")], "L", "D", &areas()).unwrap_err();
    assert!(err.0.iter().any(|e| e.contains("id `x`")), "{err}");
    // Two items whose ids collide once written with `_`.
    let err = build(
        &[
            q("a-b-c", CatalogPillar::Cost, "cost"),
            q("a_b_c", CatalogPillar::Cost, "cost"),
        ],
        "L",
        "D",
        &areas(),
    )
    .unwrap_err();
    assert!(err.0.iter().any(|e| e.contains("duplicate question id")));
}

#[test]
fn limit_urls_are_https() {
    let mut plain = q("plain-http", CatalogPillar::Cost, "cost");
    plain.references = vec![
        "http://example.com/x".into(),
        "https://example.com/y".into(),
    ];
    let e = lens_of(&[plain]);
    let question = &e.lens.pillars[0].questions[0];
    assert_eq!(
        question.helpful_resource.as_ref().unwrap().url.as_deref(),
        Some("https://example.com/y")
    );
    assert!(e.notes.iter().any(|n| n.contains("http://example.com/x")));
    let mut bad = e.lens.clone();
    bad.pillars[0].questions[0].choices[0]
        .improvement_plan
        .as_mut()
        .unwrap()
        .url = Some("ftp://x".into());
    assert!(validate(&bad).iter().any(|e| e.contains("https://")));
}

#[test]
fn limit_risk_rules_one_per_level_default_last_known_choices() {
    let lens = lens_of(&[q("risky", CatalogPillar::Cost, "cost")]).lens;
    let question = &lens.pillars[0].questions[0];
    assert_eq!(question.risk_rules.len(), 3);
    assert_eq!(
        question.risk_rules[0].condition,
        "choice_a && !(choice_b || choice_c)"
    );
    assert_eq!(question.risk_rules[1].condition, "choice_b && !choice_c");
    assert_eq!(question.risk_rules[2].condition, "default");
    assert_eq!(risk_for(question, &["choice_a"]), NO_RISK);
    assert_eq!(risk_for(question, &["choice_b"]), MEDIUM_RISK);
    assert_eq!(risk_for(question, &["choice_a", "choice_b"]), MEDIUM_RISK);
    assert_eq!(risk_for(question, &["choice_a", "choice_c"]), HIGH_RISK);
    assert_eq!(risk_for(question, &[NONE_CHOICE_ID]), HIGH_RISK);
    // Only as many rules as there are levels.
    assert_eq!(risk_rules(&["x_a"], &[], &["x_c"]).len(), 2);
    assert_eq!(
        risk_rules(&["x_a", "x_b"], &[], &[])[0].condition,
        "x_a || x_b"
    );

    let mut bad = lens.clone();
    let rules = &mut bad.pillars[0].questions[0].risk_rules;
    rules[0].condition = "choice_a && choice_zz".into();
    rules.swap(1, 2);
    rules.push(RiskRule {
        condition: "choice_a".into(),
        risk: "LOW_RISK".into(),
    });
    let errs = validate(&bad).join("\n");
    assert!(errs.contains("not a choice id"), "{errs}");
    assert!(errs.contains("4 risk rules"), "{errs}");
    assert!(errs.contains("not the last one"), "{errs}");
    assert!(errs.contains("unknown risk"), "{errs}");
    let mut no_default = lens.clone();
    no_default.pillars[0].questions[0].risk_rules.pop();
    assert!(validate(&no_default)
        .iter()
        .any(|e| e.contains("no `default`")));
}

#[test]
fn limit_improvement_plan_required_except_none_of_these() {
    let lens = lens_of(&[q("plans", CatalogPillar::Cost, "cost")]).lens;
    let question = &lens.pillars[0].questions[0];
    let none = question.choices.last().unwrap();
    assert!(none.id.ends_with(NONE_SUFFIX) && none.improvement_plan.is_none());
    assert!(question.choices[..3]
        .iter()
        .all(|c| c.improvement_plan.is_some()));
    let mut bad = lens.clone();
    bad.pillars[0].questions[0].choices[0].improvement_plan = None;
    assert!(validate(&bad)
        .iter()
        .any(|e| e.contains("no improvementPlan")));
}

#[test]
fn limit_lens_size_is_500_kb() {
    let mut lens = lens_of(&[q("big", CatalogPillar::Cost, "cost")]).lens;
    assert!(to_json(&lens).is_ok());
    lens.description = "x".repeat(LENS_SIZE_MAX);
    assert!(to_json(&lens).unwrap_err().contains("more than the 500000"));
}

#[test]
fn limit_schema_version_is_fixed() {
    let mut lens = lens_of(&[q("schema", CatalogPillar::Cost, "cost")]).lens;
    assert_eq!(lens.schema_version, "2021-11-01");
    lens.schema_version = "2020-01-01".into();
    assert!(validate(&lens).iter().any(|e| e.contains("schemaVersion")));
}
