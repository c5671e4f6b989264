//! The report's `review` section (docs/report-schema.json), plus the fields kwar adds:
//! `areas`, `coverage`, `score`, per item `evidence`, `disagreement` and `objects`.

use serde_json::{json, Map, Value};

use crate::model::{
    Answer, CheckEvidence, Evidence, GroupScore, InvolvedObject, ItemReview, WorkloadReview,
};

/// The `review` object of the JSON report.
pub fn review_json(review: &WorkloadReview) -> Value {
    let mut out = Map::new();
    if let Some(w) = &review.workload {
        out.insert(
            "workload".into(),
            json!({
                "name": w.name,
                "environment": w.environment,
                "owner": w.owner,
                "cluster": w.cluster,
                "description": w.description,
            }),
        );
    }
    out.insert("answersFile".into(), json!(review.answers_file));
    out.insert("score".into(), json!(review.overall.score));
    out.insert(
        "coverage".into(),
        Value::Object(
            review
                .coverage()
                .into_iter()
                .map(|(s, n)| (s.id().to_string(), json!(n)))
                .collect(),
        ),
    );
    out.insert(
        "items".into(),
        Value::Array(review.items.iter().map(item).collect()),
    );
    out.insert(
        "pillars".into(),
        Value::Object(
            review
                .pillars
                .iter()
                .map(|(p, g)| (p.id().to_string(), group(g)))
                .collect(),
        ),
    );
    out.insert(
        "areas".into(),
        Value::Object(
            review
                .areas
                .iter()
                .map(|(a, g)| (a.clone(), group(g)))
                .collect(),
        ),
    );
    out.insert(
        "improvementPlan".into(),
        Value::Array(
            review
                .improvement_plan
                .iter()
                .map(|e| {
                    json!({
                        "item": e.item,
                        "agenda": e.agenda,
                        "area": e.area,
                        "pillars": e.pillars.iter().map(|p| p.id()).collect::<Vec<_>>(),
                        "risk": e.risk.id(),
                        "source": e.source.map(|s| s.id()),
                        "checks": e.checks,
                        "objects": e.objects.iter().map(object).collect::<Vec<_>>(),
                        "remediation": e.remediation,
                        "references": e.references,
                    })
                })
                .collect(),
        ),
    );
    Value::Object(out)
}

fn group(g: &GroupScore) -> Value {
    json!({
        "score": g.score,
        "highRisk": g.high_risk,
        "mediumRisk": g.medium_risk,
        "unanswered": g.unanswered,
        "noRisk": g.no_risk,
        "notApplicable": g.not_applicable,
        "items": g.items,
    })
}

fn item(i: &ItemReview) -> Value {
    json!({
        "id": i.id,
        "agenda": i.agenda,
        "area": i.area,
        "section": i.section,
        "kind": i.kind,
        "parent": i.parent,
        "pillars": i.pillars.iter().map(|p| p.id()).collect::<Vec<_>>(),
        "status": i.status.id(),
        "risk": i.risk.id(),
        "checks": i.checks,
        "answer": i.answer.as_ref().map(answer),
        "evidence": i.evidence.as_ref().map(evidence),
        "disagreement": i.disagreement,
        "missingEvidence": i.missing_evidence,
        "objects": i.objects.iter().map(object).collect::<Vec<_>>(),
    })
}

fn answer(a: &Answer) -> Value {
    json!({
        "choice": a.choice,
        "source": a.source.id(),
        "notes": a.notes,
        "text": a.choice_text,
        "risk": a.risk.map(|r| r.id()),
        "notApplicable": a.not_applicable.map(|r| r.id()),
    })
}

fn evidence(e: &Evidence) -> Value {
    json!({
        "verdict": e.verdict.id(),
        "risk": e.risk.id(),
        "checks": e.checks.iter().map(check).collect::<Vec<_>>(),
        "via": e.via,
        "proposal": e.proposal.as_ref().map(|p| json!({
            "choice": p.choice,
            "text": p.text,
            "risk": p.risk.id(),
        })),
    })
}

fn check(c: &CheckEvidence) -> Value {
    json!({
        "check": c.check,
        "item": c.item,
        "severity": c.severity.id(),
        "verdict": c.verdict().map(|v| v.id()),
        "passed": c.passed,
        "warned": c.warned,
        "failed": c.failed,
        "unknown": c.unknown,
    })
}

fn object(o: &InvolvedObject) -> Value {
    json!({
        "apiVersion": o.api_version,
        "kind": o.kind,
        "namespace": o.namespace,
        "name": o.name,
        "checks": o.checks,
    })
}
