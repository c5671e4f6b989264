//! `kwar diff A B`: what changed between two reviews (milestones or JSON reports). Findings
//! are matched by their fingerprint (check, object, container and field path without list
//! indices), so a finding that only moved lines is unchanged. Items are compared by id,
//! answers are the person's answers, scores are the review's (overall, per pillar, per area).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::milestone::{AnswerDoc, FindingDoc, GroupDoc, ItemDoc, LoadedReport, Origin, ReviewDoc};

/// One side of a diff, as reports describe it.
#[derive(Debug, Clone)]
pub struct Side {
    pub label: String,
    pub milestone: Option<String>,
    pub path: String,
    pub created: Option<String>,
    pub kwar_version: Option<String>,
    /// Active findings (not suppressed).
    pub findings: usize,
    /// Input errors of that review: findings of an unreadable file are missing from it.
    pub errors: usize,
    pub has_review: bool,
}

/// A finding whose fingerprint is on both sides but whose result or severity changed.
#[derive(Debug, Clone)]
pub struct ChangedFinding {
    pub from: FindingDoc,
    pub to: FindingDoc,
}

/// An item whose risk or status changed (`None`: the item is missing on that side).
#[derive(Debug, Clone)]
pub struct ItemChange {
    pub id: String,
    pub agenda: Option<String>,
    pub area: Option<String>,
    pub risk: (Option<String>, Option<String>),
    pub status: (Option<String>, Option<String>),
}

impl ItemChange {
    /// `better` or `worse` when the risk moved between high, medium and none; `changed`
    /// otherwise (for example to or from not-applicable or unanswered, or only the status).
    pub fn direction(&self) -> &'static str {
        let rank = |r: &Option<String>| match r.as_deref() {
            Some("high") => Some(0),
            Some("medium") => Some(1),
            Some("none") => Some(2),
            _ => None,
        };
        match (rank(&self.risk.0), rank(&self.risk.1)) {
            (Some(a), Some(b)) if b > a => "better",
            (Some(a), Some(b)) if b < a => "worse",
            _ => "changed",
        }
    }
}

/// A person's answer that was added, removed or changed (choice, not-applicable reason or
/// notes).
#[derive(Debug, Clone)]
pub struct AnswerChange {
    pub item: String,
    pub agenda: Option<String>,
    pub from: Option<AnswerDoc>,
    pub to: Option<AnswerDoc>,
}

/// A score on both sides; `delta` is `to - from` with one decimal, when both exist.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreChange {
    pub from: Option<f64>,
    pub to: Option<f64>,
}

impl ScoreChange {
    pub fn delta(&self) -> Option<f64> {
        Some(((self.to? - self.from?) * 10.0).round() / 10.0)
    }
}

/// A pillar's or an area's changes.
#[derive(Debug, Clone)]
pub struct GroupChange {
    pub score: ScoreChange,
    pub high_risk: (Option<u64>, Option<u64>),
    pub medium_risk: (Option<u64>, Option<u64>),
    pub unanswered: (Option<u64>, Option<u64>),
}

impl GroupChange {
    pub fn is_unchanged(&self) -> bool {
        self.score.from == self.score.to
            && self.high_risk.0 == self.high_risk.1
            && self.medium_risk.0 == self.medium_risk.1
            && self.unanswered.0 == self.unanswered.1
    }
}

/// Everything `kwar diff` reports.
#[derive(Debug, Clone)]
pub struct ReviewDiff {
    pub from: Side,
    pub to: Side,
    pub resolved: Vec<FindingDoc>,
    pub new: Vec<FindingDoc>,
    pub changed: Vec<ChangedFinding>,
    pub unchanged: usize,
    pub items: Vec<ItemChange>,
    pub answers: Vec<AnswerChange>,
    pub overall: ScoreChange,
    pub pillars: Vec<(String, GroupChange)>,
    pub areas: Vec<(String, GroupChange)>,
    pub notes: Vec<String>,
}

fn side(report: &LoadedReport) -> Side {
    let m = report.doc.milestone.as_ref();
    Side {
        label: report.label(),
        milestone: match &report.origin {
            Origin::Milestone(name) => Some(name.clone()),
            Origin::File => m.map(|m| m.name.clone()),
        },
        path: report.path.display().to_string(),
        created: m.and_then(|m| m.created.clone()),
        kwar_version: m
            .and_then(|m| m.kwar_version.clone())
            .or_else(|| report.doc.tool.as_ref().and_then(|t| t.version.clone())),
        findings: active(&report.doc.findings).count(),
        errors: report.doc.errors.len(),
        has_review: report.doc.review.is_some(),
    }
}

/// Findings that count: fail and warn, not suppressed.
fn active(findings: &[FindingDoc]) -> impl Iterator<Item = &FindingDoc> {
    findings
        .iter()
        .filter(|f| f.suppressed.as_ref().is_none_or(Value::is_null))
        .filter(|f| f.result == "fail" || f.result == "warn")
}

/// Compares review `a` (before) with review `b` (after).
pub fn diff(a: &LoadedReport, b: &LoadedReport) -> ReviewDiff {
    let (from, to) = (side(a), side(b));
    let mut notes = Vec::new();
    for s in [&from, &to] {
        if s.errors > 0 {
            notes.push(format!(
                "{} had {} input error{}: findings of unreadable inputs are missing from it and \
                 may show as resolved or new",
                s.label,
                s.errors,
                if s.errors == 1 { "" } else { "s" }
            ));
        }
        if !s.has_review {
            notes.push(format!(
                "{} has no review section (a `kwar scan` report?): only findings are compared",
                s.label
            ));
        }
    }

    let (resolved, new, changed, unchanged) = match_findings(&a.doc.findings, &b.doc.findings);
    let empty = ReviewDoc {
        score: None,
        items: Vec::new(),
        pillars: BTreeMap::new(),
        areas: BTreeMap::new(),
    };
    let (ra, rb) = match (&a.doc.review, &b.doc.review) {
        (Some(ra), Some(rb)) => (ra, rb),
        _ => (&empty, &empty),
    };
    let (items, answers) = compare_items(&ra.items, &rb.items);
    let catalog = kwar_catalog::Catalog::embedded();
    let pillar_order: Vec<String> = kwar_catalog::Pillar::ALL
        .iter()
        .map(|p| p.id().to_string())
        .collect();
    ReviewDiff {
        from,
        to,
        resolved,
        new,
        changed,
        unchanged,
        items,
        answers,
        overall: ScoreChange {
            from: ra.score,
            to: rb.score,
        },
        pillars: compare_groups(&ra.pillars, &rb.pillars, &pillar_order),
        areas: compare_groups(&ra.areas, &rb.areas, &catalog.areas),
        notes,
    }
}

type Matched = (Vec<FindingDoc>, Vec<FindingDoc>, Vec<ChangedFinding>, usize);

/// Matches findings by fingerprint. A fingerprint can stand for several findings (two env
/// entries of one container): within one, findings with the same message pair first, the
/// rest in order; what is left over is resolved (before) or new (after).
fn match_findings(a: &[FindingDoc], b: &[FindingDoc]) -> Matched {
    let mut after: HashMap<String, Vec<Option<&FindingDoc>>> = HashMap::new();
    for f in active(b) {
        after.entry(f.key()).or_default().push(Some(f));
    }
    let mut before: Vec<(String, &FindingDoc)> = active(a).map(|f| (f.key(), f)).collect();
    let mut pairs: Vec<(&FindingDoc, &FindingDoc)> = Vec::new();
    // First pass: same fingerprint and message.
    before.retain(|(key, f)| {
        let Some(slot) = after.get_mut(key).and_then(|v| {
            v.iter_mut()
                .find(|g| g.is_some_and(|g| g.message == f.message))
        }) else {
            return true;
        };
        pairs.push((f, slot.take().expect("found Some")));
        false
    });
    // Second pass: same fingerprint.
    let mut resolved = Vec::new();
    for (key, f) in before {
        match after
            .get_mut(&key)
            .and_then(|v| v.iter_mut().find(|g| g.is_some()))
        {
            Some(slot) => pairs.push((f, slot.take().expect("found Some"))),
            None => resolved.push(f.clone()),
        }
    }
    let mut new: Vec<FindingDoc> = active(b)
        .filter(|f| {
            after
                .get(&f.key())
                .is_some_and(|v| v.iter().flatten().any(|g| std::ptr::eq(*g, *f)))
        })
        .cloned()
        .collect();
    let unchanged = pairs
        .iter()
        .filter(|(x, y)| x.result == y.result && x.severity == y.severity)
        .count();
    let mut changed: Vec<ChangedFinding> = pairs
        .into_iter()
        .filter(|(x, y)| x.result != y.result || x.severity != y.severity)
        .map(|(x, y)| ChangedFinding {
            from: x.clone(),
            to: y.clone(),
        })
        .collect();
    resolved.sort_by(finding_order);
    new.sort_by(finding_order);
    changed.sort_by(|x, y| finding_order(&x.to, &y.to));
    (resolved, new, changed, unchanged)
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        "info" => 4,
        _ => 5,
    }
}

fn finding_order(x: &FindingDoc, y: &FindingDoc) -> std::cmp::Ordering {
    let key = |f: &FindingDoc| {
        (
            severity_rank(&f.severity),
            f.check.clone(),
            f.object.namespace.clone(),
            f.object.kind.clone(),
            f.object.name.clone(),
            f.container.clone(),
            f.path.clone(),
        )
    };
    key(x).cmp(&key(y))
}

fn compare_items(a: &[ItemDoc], b: &[ItemDoc]) -> (Vec<ItemChange>, Vec<AnswerChange>) {
    let before: HashMap<&str, &ItemDoc> = a.iter().map(|i| (i.id.as_str(), i)).collect();
    let after: HashMap<&str, &ItemDoc> = b.iter().map(|i| (i.id.as_str(), i)).collect();
    // The after side's order (the catalog's), then items only the before side has.
    let ids: Vec<&str> = b
        .iter()
        .map(|i| i.id.as_str())
        .chain(
            a.iter()
                .map(|i| i.id.as_str())
                .filter(|id| !after.contains_key(id)),
        )
        .collect();
    let mut items = Vec::new();
    let mut answers = Vec::new();
    for id in ids {
        let (x, y) = (before.get(id).copied(), after.get(id).copied());
        let either = y.or(x).expect("id from one side");
        let risk = (x.map(|i| i.risk.clone()), y.map(|i| i.risk.clone()));
        let status = (x.map(|i| i.status.clone()), y.map(|i| i.status.clone()));
        if risk.0 != risk.1 || status.0 != status.1 {
            items.push(ItemChange {
                id: id.to_string(),
                agenda: either.agenda.clone(),
                area: either.area.clone(),
                risk,
                status,
            });
        }
        let person = |i: Option<&ItemDoc>| {
            i.and_then(|i| i.answer.clone())
                .filter(|a| a.source.as_deref() == Some("person"))
        };
        let (pa, pb) = (person(x), person(y));
        let same = match (&pa, &pb) {
            (Some(p), Some(q)) => {
                p.choice == q.choice && p.not_applicable == q.not_applicable && p.notes == q.notes
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            answers.push(AnswerChange {
                item: id.to_string(),
                agenda: either.agenda.clone(),
                from: pa,
                to: pb,
            });
        }
    }
    (items, answers)
}

fn compare_groups(
    a: &BTreeMap<String, GroupDoc>,
    b: &BTreeMap<String, GroupDoc>,
    order: &[String],
) -> Vec<(String, GroupChange)> {
    let mut ids: Vec<&String> = order
        .iter()
        .filter(|id| a.contains_key(*id) || b.contains_key(*id))
        .collect();
    for id in a.keys().chain(b.keys()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let none = GroupDoc::default();
    ids.into_iter()
        .map(|id| {
            let (x, y) = (a.get(id).unwrap_or(&none), b.get(id).unwrap_or(&none));
            (
                id.clone(),
                GroupChange {
                    score: ScoreChange {
                        from: x.score,
                        to: y.score,
                    },
                    high_risk: (x.high_risk, y.high_risk),
                    medium_risk: (x.medium_risk, y.medium_risk),
                    unanswered: (x.unanswered, y.unanswered),
                },
            )
        })
        .collect()
}

// ---- JSON -------------------------------------------------------------------------------

/// The diff as JSON (`kwar diff --format json`, documented in docs/review.md).
pub fn diff_json(d: &ReviewDiff) -> Value {
    json!({
        "diffVersion": 1,
        "from": side_json(&d.from),
        "to": side_json(&d.to),
        "findings": {
            "resolved": d.resolved.iter().map(finding_json).collect::<Vec<_>>(),
            "new": d.new.iter().map(finding_json).collect::<Vec<_>>(),
            "changed": d.changed.iter().map(|c| {
                let mut v = finding_json(&c.to);
                v["from"] = json!({"result": c.from.result, "severity": c.from.severity});
                v["to"] = json!({"result": c.to.result, "severity": c.to.severity});
                v
            }).collect::<Vec<_>>(),
            "unchanged": d.unchanged,
        },
        "items": d.items.iter().map(|i| json!({
            "id": i.id,
            "agenda": i.agenda,
            "area": i.area,
            "risk": {"from": i.risk.0, "to": i.risk.1},
            "status": {"from": i.status.0, "to": i.status.1},
            "change": i.direction(),
        })).collect::<Vec<_>>(),
        "answers": d.answers.iter().map(|a| json!({
            "item": a.item,
            "agenda": a.agenda,
            "from": a.from.as_ref().map(answer_json),
            "to": a.to.as_ref().map(answer_json),
        })).collect::<Vec<_>>(),
        "scores": {
            "overall": score_json(&d.overall),
            "pillars": groups_json(&d.pillars),
            "areas": groups_json(&d.areas),
        },
        "notes": d.notes,
    })
}

fn side_json(s: &Side) -> Value {
    json!({
        "label": s.label,
        "milestone": s.milestone,
        "path": s.path,
        "created": s.created,
        "kwarVersion": s.kwar_version,
        "findings": s.findings,
        "errors": s.errors,
    })
}

fn finding_json(f: &FindingDoc) -> Value {
    json!({
        "fingerprint": f.key(),
        "check": f.check,
        "item": f.item,
        "severity": f.severity,
        "result": f.result,
        "message": f.message,
        "object": {
            "apiVersion": f.object.api_version,
            "kind": f.object.kind,
            "namespace": f.object.namespace,
            "name": f.object.name,
        },
        "container": f.container,
        "location": f.location.as_ref().map(|l| json!({"file": l.file, "line": l.line, "column": l.column})),
    })
}

fn answer_json(a: &AnswerDoc) -> Value {
    json!({
        "choice": a.choice,
        "text": a.text,
        "risk": a.risk,
        "notApplicable": a.not_applicable,
        "notes": a.notes,
    })
}

fn score_json(s: &ScoreChange) -> Value {
    json!({"from": s.from, "to": s.to, "delta": s.delta()})
}

fn groups_json(groups: &[(String, GroupChange)]) -> Value {
    Value::Object(
        groups
            .iter()
            .map(|(id, g)| {
                (
                    id.clone(),
                    json!({
                        "score": score_json(&g.score),
                        "highRisk": {"from": g.high_risk.0, "to": g.high_risk.1},
                        "mediumRisk": {"from": g.medium_risk.0, "to": g.medium_risk.1},
                        "unanswered": {"from": g.unanswered.0, "to": g.unanswered.1},
                    }),
                )
            })
            .collect::<Map<_, _>>(),
    )
}

// ---- text and Markdown ------------------------------------------------------------------

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "-".to_string(), ToString::to_string)
}

fn score(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |s| format!("{s:.1}"))
}

fn delta(s: &ScoreChange) -> String {
    match s.delta() {
        Some(d) if d > 0.0 => format!("+{d:.1}"),
        Some(d) if d < 0.0 => format!("{d:.1}"),
        Some(_) => "±0".to_string(),
        None => String::new(),
    }
}

fn side_text(s: &Side) -> String {
    let mut out = s.label.clone();
    let details: Vec<String> = [
        s.created.clone(),
        s.kwar_version.as_ref().map(|v| format!("kwar {v}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !details.is_empty() {
        out.push_str(&format!(" ({})", details.join(", ")));
    }
    out
}

fn finding_where(f: &FindingDoc) -> String {
    let mut out = f.object.to_string();
    if let Some(c) = &f.container {
        out.push_str(&format!(" [{c}]"));
    }
    if let Some(l) = &f.location {
        out.push_str(&format!(" {}:{}", l.file, l.line));
    }
    out
}

fn answer_text(a: &Option<AnswerDoc>) -> String {
    match a {
        None => "(no answer)".to_string(),
        Some(a) => {
            let mut out = match (&a.choice, &a.not_applicable) {
                (Some(c), _) => format!("{c}: {}", a.text.as_deref().unwrap_or("")),
                (None, Some(r)) => format!("not applicable ({r})"),
                (None, None) => "-".to_string(),
            };
            if let Some(r) = &a.risk {
                out.push_str(&format!(" [{r}]"));
            }
            out
        }
    }
}

/// The diff as a terminal summary.
pub fn write_diff_text(d: &ReviewDiff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Review diff: {} → {}",
        side_text(&d.from),
        side_text(&d.to)
    )?;
    writeln!(out)?;
    writeln!(out, "Scores (risk counts: high, medium, unanswered)")?;
    writeln!(
        out,
        "  {:<32} {:>5} → {:<5} {:>6}",
        "overall",
        score(d.overall.from),
        score(d.overall.to),
        delta(&d.overall)
    )?;
    for (kind, groups) in [("pillar", &d.pillars), ("area", &d.areas)] {
        for (id, g) in groups {
            writeln!(
                out,
                "  {:<32} {:>5} → {:<5} {:>6}   {}/{}/{} → {}/{}/{}",
                format!("{kind} {id}"),
                score(g.score.from),
                score(g.score.to),
                delta(&g.score),
                opt(&g.high_risk.0),
                opt(&g.medium_risk.0),
                opt(&g.unanswered.0),
                opt(&g.high_risk.1),
                opt(&g.medium_risk.1),
                opt(&g.unanswered.1),
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "Findings: {} resolved, {} new, {} changed, {} unchanged",
        d.resolved.len(),
        d.new.len(),
        d.changed.len(),
        d.unchanged
    )?;
    for (mark, list) in [("-", &d.resolved), ("+", &d.new)] {
        for f in list {
            writeln!(
                out,
                "  {mark} {:<8} {}  {}: {}",
                f.severity,
                f.check,
                finding_where(f),
                f.message
            )?;
        }
    }
    for c in &d.changed {
        writeln!(
            out,
            "  ~ {} {} → {} {}  {}  {}: {}",
            c.from.result,
            c.from.severity,
            c.to.result,
            c.to.severity,
            c.to.check,
            finding_where(&c.to),
            c.to.message
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Item changes: {}", d.items.len())?;
    for i in &d.items {
        writeln!(
            out,
            "  {:<40} risk {} → {}, status {} → {} ({})",
            i.id,
            opt(&i.risk.0),
            opt(&i.risk.1),
            opt(&i.status.0),
            opt(&i.status.1),
            i.direction()
        )?;
    }
    writeln!(out)?;
    writeln!(out, "Answers changed: {}", d.answers.len())?;
    for a in &d.answers {
        writeln!(out, "  {}", a.item)?;
        writeln!(out, "    before: {}", answer_text(&a.from))?;
        writeln!(out, "    after:  {}", answer_text(&a.to))?;
    }
    for n in &d.notes {
        writeln!(out)?;
        writeln!(out, "Note: {n}")?;
    }
    Ok(())
}

/// A Markdown table cell: pipes escaped, on one line.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

/// The diff as Markdown (GitHub-flavoured tables), for a pull request or a wiki page.
pub fn write_diff_markdown(d: &ReviewDiff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "# Review diff: {} → {}\n",
        cell(&side_text(&d.from)),
        cell(&side_text(&d.to))
    )?;
    writeln!(out, "## Scores\n")?;
    writeln!(
        out,
        "| group | before | after | delta | high risk | medium risk | unanswered |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|")?;
    writeln!(
        out,
        "| **overall** | {} | {} | {} | | | |",
        score(d.overall.from),
        score(d.overall.to),
        delta(&d.overall)
    )?;
    for (kind, groups) in [("pillar", &d.pillars), ("area", &d.areas)] {
        for (id, g) in groups {
            writeln!(
                out,
                "| {kind} {} | {} | {} | {} | {} → {} | {} → {} | {} → {} |",
                cell(id),
                score(g.score.from),
                score(g.score.to),
                delta(&g.score),
                opt(&g.high_risk.0),
                opt(&g.high_risk.1),
                opt(&g.medium_risk.0),
                opt(&g.medium_risk.1),
                opt(&g.unanswered.0),
                opt(&g.unanswered.1),
            )?;
        }
    }
    writeln!(
        out,
        "\n## Findings\n\n{} resolved, {} new, {} changed, {} unchanged.\n",
        d.resolved.len(),
        d.new.len(),
        d.changed.len(),
        d.unchanged
    )?;
    if !(d.resolved.is_empty() && d.new.is_empty() && d.changed.is_empty()) {
        writeln!(out, "| change | severity | check | object | message |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for (label, list) in [("resolved", &d.resolved), ("new", &d.new)] {
            for f in list {
                writeln!(
                    out,
                    "| {label} | {} | {} | {} | {} |",
                    f.severity,
                    code(&f.check),
                    cell(&finding_where(f)),
                    cell(&f.message)
                )?;
            }
        }
        for c in &d.changed {
            writeln!(
                out,
                "| {} {} → {} {} | {} | {} | {} | {} |",
                c.from.result,
                c.from.severity,
                c.to.result,
                c.to.severity,
                c.to.severity,
                code(&c.to.check),
                cell(&finding_where(&c.to)),
                cell(&c.to.message)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "## Item changes\n")?;
    if d.items.is_empty() {
        writeln!(out, "No item changed its risk or status.\n")?;
    } else {
        writeln!(out, "| item | risk | status | change |")?;
        writeln!(out, "|---|---|---|---|")?;
        for i in &d.items {
            writeln!(
                out,
                "| {} | {} → {} | {} → {} | {} |",
                code(&i.id),
                opt(&i.risk.0),
                opt(&i.risk.1),
                opt(&i.status.0),
                opt(&i.status.1),
                i.direction()
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "## Answers changed\n")?;
    if d.answers.is_empty() {
        writeln!(out, "No answer changed.")?;
    } else {
        writeln!(out, "| item | before | after |")?;
        writeln!(out, "|---|---|---|")?;
        for a in &d.answers {
            writeln!(
                out,
                "| {} | {} | {} |",
                code(&a.item),
                cell(&answer_text(&a.from)),
                cell(&answer_text(&a.to))
            )?;
        }
    }
    for n in &d.notes {
        writeln!(out, "\n> **Note:** {}", cell(n))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::milestone::parse_report;

    fn report(findings: &str) -> LoadedReport {
        let text = format!(r#"{{"schemaVersion": "1", "findings": [{findings}]}}"#);
        LoadedReport {
            origin: Origin::File,
            path: "r.json".into(),
            doc: parse_report(Path::new("r.json"), &text).unwrap(),
        }
    }

    fn finding(fingerprint: Option<&str>, message: &str, result: &str) -> String {
        let fp = fingerprint.map_or_else(String::new, |f| format!(r#""fingerprint": "{f}","#));
        format!(
            r#"{{{fp} "check": "capabilities", "item": "app-runtime-context", "result": "{result}",
                "severity": "high", "message": "{message}", "container": "web",
                "path": "spec.template.spec.containers[0].securityContext",
                "object": {{"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"}}}}"#
        )
    }

    #[test]
    fn findings_sharing_a_fingerprint_are_matched_one_to_one() {
        let a = report(
            &[
                finding(Some("f1"), "one", "fail"),
                finding(Some("f1"), "two", "fail"),
            ]
            .join(","),
        );
        let b = report(&finding(Some("f1"), "two", "fail"));
        let d = diff(&a, &b);
        assert_eq!(d.resolved.len(), 1);
        assert_eq!(d.resolved[0].message, "one");
        assert!(d.new.is_empty());
        assert_eq!(d.unchanged, 1);
        let d = diff(&b, &a);
        assert_eq!(d.new.len(), 1);
        assert_eq!(d.new[0].message, "one");
    }

    #[test]
    fn a_report_without_fingerprints_matches_by_the_computed_one() {
        let computed = report(&finding(None, "m", "fail")).doc.findings[0].key();
        // An older report without `fingerprint` against a newer one that has it.
        let a = report(&finding(None, "m", "fail"));
        let b = report(&finding(Some(&computed), "m", "warn"));
        let d = diff(&a, &b);
        assert!(d.resolved.is_empty() && d.new.is_empty());
        assert_eq!(d.changed.len(), 1);
        assert_eq!(
            (
                d.changed[0].from.result.as_str(),
                d.changed[0].to.result.as_str()
            ),
            ("fail", "warn")
        );
        // Reports without a review section: findings only, with a note.
        assert_eq!(d.notes.len(), 2);
        assert!(d.items.is_empty() && d.overall.delta().is_none());
    }
}
