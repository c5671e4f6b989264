//! The documented limits of a custom lens, and a validator that checks a lens against every one
//! of them. Source: AWS Well-Architected Tool User Guide, "Lens format specification", and the
//! ImportLens API reference (a lens is at most 500 KB).

use std::collections::HashSet;

use crate::model::{
    Lens, Question, Resource, DEFAULT_CONDITION, HIGH_RISK, MEDIUM_RISK, NONE_SUFFIX, NO_RISK,
    SCHEMA_VERSION,
};

pub const LENS_NAME_MAX: usize = 128;
pub const LENS_DESCRIPTION_MAX: usize = 2048;
pub const PILLARS_MAX: usize = 10;
pub const PILLAR_NAME_MAX: usize = 128;
pub const QUESTIONS_PER_PILLAR_MAX: usize = 20;
pub const QUESTION_TITLE_MAX: usize = 128;
pub const QUESTION_DESCRIPTION_MAX: usize = 2048;
pub const CHOICES_PER_QUESTION_MAX: usize = 15;
pub const CHOICE_TITLE_MAX: usize = 128;
/// helpfulResource / improvementPlan displayText.
pub const DISPLAY_TEXT_MAX: usize = 2048;
/// Pillar, question and choice ids: 3 to 128 characters, alphanumeric and `_`.
pub const ID_MIN: usize = 3;
pub const ID_MAX: usize = 128;
/// One rule per risk level at most.
pub const RISK_RULES_MAX: usize = 3;
/// URL length (ChoiceContent / ImprovementPlanUrl in the API reference).
pub const URL_MAX: usize = 2048;
/// ImportLens: "A custom lens cannot exceed 500 KB in size" (CloudFormation's JSONString: at
/// most 500000 characters); the stricter reading is used.
pub const LENS_SIZE_MAX: usize = 500_000;

/// Why an id is not a valid lens id, if it is not.
pub fn id_problem(id: &str) -> Option<String> {
    let n = id.chars().count();
    if !(ID_MIN..=ID_MAX).contains(&n) {
        return Some(format!(
            "id `{id}` has {n} characters (allowed: {ID_MIN} to {ID_MAX})"
        ));
    }
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(format!(
            "id `{id}` may only contain ASCII letters, digits and `_`"
        ));
    }
    None
}

/// Why a URL is not acceptable, if it is not. The format allows http:// and https://; kwar
/// only emits https:// links.
pub fn url_problem(url: &str) -> Option<String> {
    if !url.starts_with("https://") {
        return Some(format!("url `{url}` does not start with https://"));
    }
    if url.len() > URL_MAX {
        return Some(format!("url has {} characters (max {URL_MAX})", url.len()));
    }
    if url.chars().any(char::is_whitespace) {
        return Some(format!("url `{url}` contains whitespace"));
    }
    None
}

/// Every rule of the format this lens breaks; empty when it is valid.
pub fn validate(lens: &Lens) -> Vec<String> {
    let mut errs = Vec::new();
    let mut err = |s: String| errs.push(s);
    if lens.schema_version != SCHEMA_VERSION {
        err(format!(
            "schemaVersion is `{}`, not {SCHEMA_VERSION}",
            lens.schema_version
        ));
    }
    text_rule(&mut err, "lens name", &lens.name, 1, LENS_NAME_MAX);
    text_rule(
        &mut err,
        "lens description",
        &lens.description,
        0,
        LENS_DESCRIPTION_MAX,
    );
    if lens.pillars.is_empty() || lens.pillars.len() > PILLARS_MAX {
        err(format!(
            "{} pillars (allowed: 1 to {PILLARS_MAX})",
            lens.pillars.len()
        ));
    }
    let mut pillar_ids = HashSet::new();
    let mut question_ids = HashSet::new();
    for pillar in &lens.pillars {
        let at = format!("pillar {}", pillar.id);
        if let Some(p) = id_problem(&pillar.id) {
            err(format!("{at}: {p}"));
        }
        if !pillar_ids.insert(pillar.id.as_str()) {
            err(format!("{at}: duplicate pillar id"));
        }
        text_rule(
            &mut err,
            &format!("{at}: name"),
            &pillar.name,
            1,
            PILLAR_NAME_MAX,
        );
        if pillar.questions.is_empty() || pillar.questions.len() > QUESTIONS_PER_PILLAR_MAX {
            err(format!(
                "{at}: {} questions (allowed: 1 to {QUESTIONS_PER_PILLAR_MAX})",
                pillar.questions.len()
            ));
        }
        for q in &pillar.questions {
            if !question_ids.insert(q.id.as_str()) {
                err(format!("question {}: duplicate question id", q.id));
            }
            validate_question(&mut err, q);
        }
    }
    errs
}

fn validate_question(err: &mut impl FnMut(String), q: &Question) {
    let at = format!("question {}", q.id);
    if let Some(p) = id_problem(&q.id) {
        err(format!("{at}: {p}"));
    }
    text_rule(
        err,
        &format!("{at}: title"),
        &q.title,
        1,
        QUESTION_TITLE_MAX,
    );
    text_rule(
        err,
        &format!("{at}: description"),
        &q.description,
        0,
        QUESTION_DESCRIPTION_MAX,
    );
    if let Some(r) = &q.helpful_resource {
        resource_rule(err, &format!("{at}: helpfulResource"), r);
    }
    if q.choices.is_empty() || q.choices.len() > CHOICES_PER_QUESTION_MAX {
        err(format!(
            "{at}: {} choices (allowed: 1 to {CHOICES_PER_QUESTION_MAX})",
            q.choices.len()
        ));
    }
    let mut ids = HashSet::new();
    let mut nones = 0;
    for c in &q.choices {
        let at = format!("{at}, choice {}", c.id);
        if let Some(p) = id_problem(&c.id) {
            err(format!("{at}: {p}"));
        }
        if !ids.insert(c.id.as_str()) {
            err(format!("{at}: duplicate choice id in the question"));
        }
        let is_none = c.id.ends_with(NONE_SUFFIX);
        nones += usize::from(is_none);
        text_rule(err, &format!("{at}: title"), &c.title, 1, CHOICE_TITLE_MAX);
        if let Some(r) = &c.helpful_resource {
            resource_rule(err, &format!("{at}: helpfulResource"), r);
        }
        match &c.improvement_plan {
            Some(r) => resource_rule(err, &format!("{at}: improvementPlan"), r),
            None if !is_none => err(format!(
                "{at}: no improvementPlan (required for every choice but `None of these`)"
            )),
            None => {}
        }
    }
    if nones > 1 {
        err(format!(
            "{at}: {nones} `None of these` choices (ids ending in _no)"
        ));
    }
    if q.risk_rules.is_empty() || q.risk_rules.len() > RISK_RULES_MAX {
        err(format!(
            "{at}: {} risk rules (allowed: 1 to {RISK_RULES_MAX})",
            q.risk_rules.len()
        ));
    }
    let mut risks = HashSet::new();
    for (i, rule) in q.risk_rules.iter().enumerate() {
        if ![NO_RISK, MEDIUM_RISK, HIGH_RISK].contains(&rule.risk.as_str()) {
            err(format!("{at}: risk rule {i}: unknown risk `{}`", rule.risk));
        }
        if !risks.insert(rule.risk.as_str()) {
            err(format!("{at}: two risk rules for {}", rule.risk));
        }
        let last = i + 1 == q.risk_rules.len();
        if rule.condition == DEFAULT_CONDITION {
            if !last {
                err(format!(
                    "{at}: the `default` risk rule is not the last one (rules after it never apply)"
                ));
            }
        } else {
            if last {
                err(format!("{at}: no `default` risk rule"));
            }
            if let Err(e) = crate::condition::parse(&rule.condition, &ids) {
                err(format!("{at}: risk rule `{}`: {e}", rule.condition));
            }
        }
    }
}

fn text_rule(err: &mut impl FnMut(String), what: &str, text: &str, min: usize, max: usize) {
    let n = text.chars().count();
    if n < min || n > max {
        err(format!(
            "{what} has {n} characters (allowed: {min} to {max})"
        ));
    }
}

fn resource_rule(err: &mut impl FnMut(String), what: &str, r: &Resource) {
    text_rule(
        err,
        &format!("{what}: displayText"),
        &r.display_text,
        1,
        DISPLAY_TEXT_MAX,
    );
    if let Some(p) = r.url.as_deref().and_then(url_problem) {
        err(format!("{what}: {p}"));
    }
}
