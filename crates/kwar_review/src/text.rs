//! The terminal summary of a review: coverage, pillar and area tables, high and medium risk
//! items, disagreements between people and evidence, and the top of the improvement plan.

use std::io::{self, Write};

use crate::model::{AnswerSource, GroupScore, ItemReview, Risk, Status, WorkloadReview};

/// How many improvement-plan entries the text summary shows (JSON has them all).
pub const PLAN_SHOWN: usize = 10;

pub fn write_review_text(review: &WorkloadReview, out: &mut dyn Write) -> io::Result<()> {
    match &review.workload {
        Some(w) => {
            writeln!(
                out,
                "Well-Architected review of {} ({}) · owner {} · cluster {}",
                w.name, w.environment, w.owner, w.cluster
            )?;
            if let Some(d) = &w.description {
                writeln!(out, "  {}", d.trim())?;
            }
        }
        None => writeln!(
            out,
            "Well-Architected review (no answers file: evidence only; see docs/review.md)"
        )?,
    }
    if let Some(file) = &review.answers_file {
        writeln!(out, "answers: {file}")?;
    }
    writeln!(out)?;

    let coverage: Vec<String> = review
        .coverage()
        .into_iter()
        .map(|(s, n)| format!("{} {n}", s.id()))
        .collect();
    writeln!(
        out,
        "Coverage ({} items): {}",
        review.items.len(),
        coverage.join(" · ")
    )?;
    writeln!(
        out,
        "Overall: score {} · {} high · {} medium · {} unanswered",
        score(&review.overall),
        review.overall.high_risk,
        review.overall.medium_risk,
        review.overall.unanswered
    )?;
    writeln!(out)?;

    table(
        out,
        "Pillar",
        review.pillars.iter().map(|(p, g)| (p.id().to_string(), g)),
    )?;
    writeln!(out)?;
    table(
        out,
        "Area",
        review.areas.iter().map(|(a, g)| (a.clone(), g)),
    )?;

    for risk in [Risk::High, Risk::Medium] {
        let items: Vec<&ItemReview> = review.items.iter().filter(|i| i.risk == risk).collect();
        writeln!(out)?;
        writeln!(out, "{} risk ({})", capitalised(risk.id()), items.len())?;
        for i in items {
            writeln!(out, "  {:<40} {:<10} {}", i.id, i.status.id(), basis(i))?;
        }
    }

    let disagreements: Vec<&ItemReview> = review.items.iter().filter(|i| i.disagreement).collect();
    if !disagreements.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Answers that disagree with the evidence ({})",
            disagreements.len()
        )?;
        for i in disagreements {
            let person = i.answer.as_ref();
            let said = match person {
                Some(a) if a.not_applicable.is_some() => "not applicable".to_string(),
                Some(a) => format!(
                    "{} ({} risk)",
                    a.choice.as_deref().unwrap_or("-"),
                    a.risk.map_or("-", |r| r.id())
                ),
                None => "-".into(),
            };
            let Some(e) = &i.evidence else { continue };
            let proposed = match &e.proposal {
                Some(p) => format!("{} ({} risk)", p.choice, p.risk),
                None => format!("{} ({} risk)", e.verdict.id(), e.risk),
            };
            writeln!(
                out,
                "  {}: answered {said}, evidence says {proposed}: {}",
                i.id,
                e.summary_of(3)
            )?;
        }
    }

    writeln!(out)?;
    writeln!(
        out,
        "Improvement plan (top {} of {})",
        PLAN_SHOWN.min(review.improvement_plan.len()),
        review.improvement_plan.len()
    )?;
    for (n, e) in review.improvement_plan.iter().take(PLAN_SHOWN).enumerate() {
        writeln!(
            out,
            "  {:>2}. [{}] {} — {}",
            n + 1,
            e.risk.id(),
            e.item,
            e.agenda
        )?;
        writeln!(out, "      fix: {}", e.remediation)?;
        if !e.checks.is_empty() {
            writeln!(out, "      checks: {}", e.checks.join(", "))?;
        }
        if !e.objects.is_empty() {
            let names: Vec<String> = e
                .objects
                .iter()
                .take(5)
                .map(|o| match &o.namespace {
                    Some(ns) => format!("{} {ns}/{}", o.kind, o.name),
                    None => format!("{} {}", o.kind, o.name),
                })
                .collect();
            let more = e.objects.len().saturating_sub(5);
            writeln!(
                out,
                "      objects: {}{}",
                names.join(", "),
                if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                }
            )?;
        }
        if let Some(r) = e.references.first() {
            writeln!(out, "      see: {r}")?;
        }
    }
    let unknown = review
        .items
        .iter()
        .filter(|i| i.status == Status::Unknown)
        .count();
    let unanswered = review
        .items
        .iter()
        .filter(|i| i.status == Status::Unanswered)
        .count();
    writeln!(out)?;
    writeln!(
        out,
        "{unanswered} questions unanswered; {unknown} items need evidence kwar did not get (see missingEvidence in --format json)."
    )?;
    out.flush()
}

fn table<'a>(
    out: &mut dyn Write,
    title: &str,
    rows: impl Iterator<Item = (String, &'a GroupScore)>,
) -> io::Result<()> {
    writeln!(
        out,
        "{title:<24} {:>6} {:>5} {:>7} {:>11} {:>5}",
        "score", "high", "medium", "unanswered", "items"
    )?;
    for (name, g) in rows {
        writeln!(
            out,
            "{name:<24} {:>6} {:>5} {:>7} {:>11} {:>5}",
            score(g),
            g.high_risk,
            g.medium_risk,
            g.unanswered,
            g.items
        )?;
    }
    Ok(())
}

fn score(g: &GroupScore) -> String {
    g.score.map_or_else(|| "-".into(), |s| format!("{s:.1}"))
}

/// Why the item has its risk, in a few words.
fn basis(i: &ItemReview) -> String {
    match (&i.answer, &i.evidence) {
        (Some(a), _) if a.source == AnswerSource::Person => format!(
            "answer {}{}",
            a.choice.as_deref().unwrap_or("-"),
            if i.disagreement {
                " (evidence disagrees)"
            } else {
                ""
            }
        ),
        (Some(a), Some(e)) => format!(
            "proposed {} from {}",
            a.choice.as_deref().unwrap_or("-"),
            e.summary_of(3)
        ),
        (_, Some(e)) => e.summary_of(3),
        _ => String::new(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
