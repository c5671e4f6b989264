//! `kwar lens export`: the review catalog's questions as an AWS Well-Architected Tool custom
//! lens, in the JSON format the WA Tool documents (schema 2021-11-01), within every documented
//! limit. Texts that are too long are shortened with an ellipsis and reported; a limit that
//! cannot be met by shortening (too many pillars or choices, an invalid id) is an error.
//! The mapping is described in docs/lens.md.

pub mod condition;
pub mod limits;
pub mod model;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use kwar_catalog::{Catalog, ChoiceRisk, Pillar as CatalogPillar};
use kwar_yaml::{parse_document, split_documents, Node};

use limits::*;
use model::*;

/// One catalog question, with what the lens needs from its item.
#[derive(Debug, Clone)]
pub struct SourceQuestion {
    pub item_id: String,
    pub pillar: CatalogPillar,
    pub area: String,
    pub agenda: String,
    pub text: String,
    pub choices: Vec<SourceChoice>,
    pub remediation: String,
    pub references: Vec<String>,
    /// The item's evidence signals, `mode: signal`.
    pub signals: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SourceChoice {
    pub id: String,
    pub text: String,
    pub risk: ChoiceRisk,
}

/// The lens and what was shortened or left out to fit the format's limits.
#[derive(Debug, Clone)]
pub struct Export {
    pub lens: Lens,
    pub notes: Vec<String>,
}

/// Hard limits the export would break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LensError(pub Vec<String>);

impl fmt::Display for LensError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the lens would break the AWS Well-Architected custom lens format: {}",
            self.0.join("; ")
        )
    }
}

impl std::error::Error for LensError {}

pub const LENS_NAME: &str = "Kubernetes / Amazon EKS Well-Architected Review (kwar)";

/// The pillar an item's question goes to: its first pillar, else its area's pillar.
pub fn pillar_of(pillars: &[CatalogPillar], area: &str) -> CatalogPillar {
    pillars.first().copied().unwrap_or(match area {
        "security" => CatalogPillar::Security,
        "reliability" | "application" | "cluster" => CatalogPillar::Reliability,
        "performance" => CatalogPillar::Performance,
        "cost" => CatalogPillar::Cost,
        _ => CatalogPillar::OperationalExcellence,
    })
}

/// The WA Framework pillar id (used as is when a pillar is not split) and display name.
pub fn framework_pillar(p: CatalogPillar) -> (&'static str, &'static str) {
    match p {
        CatalogPillar::Security => ("security", "Security"),
        CatalogPillar::Reliability => ("reliability", "Reliability"),
        CatalogPillar::Performance => ("performance", "Performance efficiency"),
        CatalogPillar::Cost => ("costOptimization", "Cost optimization"),
        CatalogPillar::OperationalExcellence => ("operationalExcellence", "Operational excellence"),
    }
}

fn area_label(area: &str, pillar: CatalogPillar) -> String {
    if area == pillar.id() {
        return "pillar topics".into();
    }
    match area {
        "application" => "application checklist".into(),
        "cluster" => "cluster-ready checklist".into(),
        "operational" => "operational considerations".into(),
        other => format!("{other} topics"),
    }
}

/// The catalog's questions, in catalog order.
pub fn source_questions(catalog: &Catalog, yaml: &str) -> Vec<SourceQuestion> {
    let signals = signals_by_item(yaml);
    catalog
        .items
        .iter()
        .filter_map(|item| {
            let q = item.question.as_ref()?;
            Some(SourceQuestion {
                item_id: item.id.clone(),
                pillar: pillar_of(&item.pillars, &item.area),
                area: item.area.clone(),
                agenda: item.agenda.clone(),
                text: q.text.clone(),
                choices: q
                    .choices
                    .iter()
                    .map(|c| SourceChoice {
                        id: c.id.clone(),
                        text: c.text.clone(),
                        risk: c.risk,
                    })
                    .collect(),
                remediation: item.remediation.clone(),
                references: item.references.clone(),
                signals: signals.get(&item.id).cloned().unwrap_or_default(),
            })
        })
        .collect()
}

/// `signals` is not modelled by `Catalog`: read it from the catalog YAML.
fn signals_by_item(yaml: &str) -> HashMap<String, Vec<String>> {
    let mut out = HashMap::new();
    let Some(parsed) = split_documents(yaml)
        .iter()
        .map(parse_document)
        .find(|p| !p.documents.is_empty())
    else {
        return out;
    };
    for item in parsed.documents[0]
        .get("items")
        .map(Node::items)
        .unwrap_or_default()
    {
        let Some(id) = item.get("id").and_then(Node::scalar_text) else {
            continue;
        };
        let mut list = Vec::new();
        for (mode, signals) in item.get("signals").map(Node::entries).unwrap_or_default() {
            let mode = mode.scalar_text().unwrap_or_default();
            for s in signals.items().iter().filter_map(Node::scalar_text) {
                list.push(format!("{mode}: {s}"));
            }
        }
        out.insert(id, list);
    }
    out
}

/// The lens for the embedded catalog.
pub fn export_embedded() -> Result<Export, LensError> {
    let catalog = Catalog::embedded();
    let questions = source_questions(catalog, kwar_catalog::source_text());
    let description = format!(
        "The {n} questions of the kwar review catalog {version} ({title}): the parts of the \
         Kubernetes / Amazon EKS Well-Architected agenda that only a person can answer, with \
         their answers and risks. `kwar review` asks the same questions next to the evidence it \
         gathers from manifests, clusters and AWS; this lens records the same review in the AWS \
         Well-Architected Tool. Question ids are kwar item ids with `-` written `_`.",
        n = questions.len(),
        version = catalog.version,
        title = "k8s-eks-war",
    );
    build(&questions, LENS_NAME, &description, &catalog.areas)
}

/// Builds and validates the lens. `areas` orders questions inside a pillar (and names the parts
/// of a pillar split because it has more than 20 questions).
pub fn build(
    questions: &[SourceQuestion],
    name: &str,
    description: &str,
    areas: &[String],
) -> Result<Export, LensError> {
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    let area_rank = |a: &str| areas.iter().position(|x| x == a).unwrap_or(areas.len());

    let mut pillars = Vec::new();
    for pillar in CatalogPillar::ALL {
        let mut qs: Vec<&SourceQuestion> =
            questions.iter().filter(|q| q.pillar == pillar).collect();
        if qs.is_empty() {
            continue;
        }
        // Stable: catalog order within an area.
        qs.sort_by_key(|q| area_rank(&q.area));
        let (fw_id, fw_name) = framework_pillar(pillar);
        let parts = partition(&qs);
        let split = parts.len() > 1;
        for (n, (labels, part)) in parts.iter().enumerate() {
            let (id, pname) = if split {
                let labels: Vec<String> = labels
                    .iter()
                    .map(|(area, chunk)| {
                        let l = area_label(area, pillar);
                        match chunk {
                            Some((i, of)) => format!("{l} ({i}/{of})"),
                            None => l,
                        }
                    })
                    .collect();
                (
                    format!("{fw_id}_part{}", n + 1),
                    format!("{fw_name} — {}", labels.join(", ")),
                )
            } else {
                (fw_id.to_string(), fw_name.to_string())
            };
            let pname = fit(
                &pname,
                PILLAR_NAME_MAX,
                &format!("pillar {id}: name"),
                &mut notes,
            );
            let questions = part
                .iter()
                .map(|q| question(q, &mut notes, &mut errors))
                .collect();
            pillars.push(Pillar {
                id,
                name: pname,
                questions,
            });
        }
    }
    if pillars.len() > PILLARS_MAX {
        errors.push(format!(
            "{} pillars are needed to keep every pillar within {QUESTIONS_PER_PILLAR_MAX} \
             questions, more than the {PILLARS_MAX} a lens may have",
            pillars.len()
        ));
    }
    let lens = Lens {
        schema_version: SCHEMA_VERSION.into(),
        name: fit(name, LENS_NAME_MAX, "lens name", &mut notes),
        description: fit(
            description,
            LENS_DESCRIPTION_MAX,
            "lens description",
            &mut notes,
        ),
        pillars,
    };
    errors.extend(validate(&lens));
    if let Err(e) = to_json(&lens) {
        errors.push(e);
    }
    errors.dedup();
    if errors.is_empty() {
        Ok(Export { lens, notes })
    } else {
        Err(LensError(errors))
    }
}

type Labels = Vec<(String, Option<(usize, usize)>)>;

/// Splits a pillar's questions (sorted by area) into parts of at most 20 questions: whole area
/// groups packed in order; an area group larger than 20 is cut into numbered chunks.
fn partition<'a>(qs: &[&'a SourceQuestion]) -> Vec<(Labels, Vec<&'a SourceQuestion>)> {
    if qs.len() <= QUESTIONS_PER_PILLAR_MAX {
        return vec![(Vec::new(), qs.to_vec())];
    }
    let mut groups: Vec<(String, Vec<&SourceQuestion>)> = Vec::new();
    for q in qs {
        match groups.last_mut() {
            Some((area, list)) if *area == q.area => list.push(q),
            _ => groups.push((q.area.clone(), vec![q])),
        }
    }
    let mut parts: Vec<(Labels, Vec<&SourceQuestion>)> = Vec::new();
    for (area, list) in groups {
        let chunks: Vec<&[&SourceQuestion]> = list.chunks(QUESTIONS_PER_PILLAR_MAX).collect();
        let of = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let label = (area.clone(), (of > 1).then_some((i + 1, of)));
            match parts.last_mut() {
                Some((labels, part)) if part.len() + chunk.len() <= QUESTIONS_PER_PILLAR_MAX => {
                    labels.push(label);
                    part.extend_from_slice(chunk);
                }
                _ => parts.push((vec![label], chunk.to_vec())),
            }
        }
    }
    parts
}

/// A lens id from a catalog id: `-` and other characters become `_`.
pub fn lens_id(raw: &str) -> String {
    let mut id = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if !(c == '_' && id.ends_with('_')) {
            id.push(c);
        }
    }
    id.trim_matches('_').to_string()
}

/// The choice ids of a question: `choice_<catalog id>`, unique, never ending in `_no` (which
/// would make the choice a "None of these" one).
fn choice_ids(choices: &[SourceChoice]) -> Vec<String> {
    let mut seen = HashSet::new();
    choices
        .iter()
        .map(|c| {
            let mut base = format!("choice_{}", lens_id(&c.id));
            if base.ends_with(NONE_SUFFIX) {
                base.push_str("_answer");
            }
            let mut id = base.clone();
            let mut n = 2;
            while !seen.insert(id.clone()) {
                id = format!("{base}_{n}");
                n += 1;
            }
            id
        })
        .collect()
}

pub const NONE_CHOICE_ID: &str = "none_of_these_no";

fn https(url: &str) -> Option<String> {
    url_problem(url).is_none().then(|| url.to_string())
}

fn question(q: &SourceQuestion, notes: &mut Vec<String>, errors: &mut Vec<String>) -> Question {
    let id = lens_id(&q.item_id);
    let at = format!("question {id}");
    let full_title = q.text.trim();
    let title = fit(
        full_title,
        QUESTION_TITLE_MAX,
        &format!("{at}: title"),
        notes,
    );

    let references: Vec<String> = q
        .references
        .iter()
        .filter_map(|r| {
            let ok = https(r);
            if ok.is_none() {
                notes.push(format!(
                    "{at}: reference `{r}` left out (not an https:// URL)"
                ));
            }
            ok
        })
        .collect();
    let first = references.first().cloned();
    let second = references.get(1).cloned().or_else(|| first.clone());

    // Description: the full question when the title was shortened, the agenda line, then as
    // many evidence signals as fit.
    let mut description = String::new();
    if title != full_title {
        description.push_str(full_title);
        description.push_str("\n\n");
    }
    description.push_str(&format!(
        "Agenda item: {} (kwar item {}, area {}).",
        q.agenda.trim(),
        q.item_id,
        q.area
    ));
    if !q.signals.is_empty() {
        let head = "\nEvidence kwar looks for:";
        let mut body = String::new();
        let mut left_out = 0;
        for s in &q.signals {
            let line = format!("\n- {}", s.trim());
            let reserve = 64; // room for the "… more" line
            if left_out == 0
                && (description.chars().count()
                    + head.chars().count()
                    + body.chars().count()
                    + line.chars().count()
                    + reserve)
                    <= QUESTION_DESCRIPTION_MAX
            {
                body.push_str(&line);
            } else {
                left_out += 1;
            }
        }
        if !body.is_empty() {
            description.push_str(head);
            description.push_str(&body);
        }
        if left_out > 0 {
            description.push_str(&format!(
                "\n(and {left_out} more signals: kwar explain / the kwar catalog)"
            ));
            notes.push(format!(
                "{at}: description: {left_out} of {} evidence signals left out to stay within {QUESTION_DESCRIPTION_MAX} characters",
                q.signals.len()
            ));
        }
    }
    let description = fit(
        &description,
        QUESTION_DESCRIPTION_MAX,
        &format!("{at}: description"),
        notes,
    );

    let remediation = if q.remediation.trim().is_empty() {
        format!("Review: {}", q.agenda.trim())
    } else {
        q.remediation.trim().to_string()
    };
    let helpful_resource = Some(Resource {
        display_text: fit(
            &remediation,
            DISPLAY_TEXT_MAX,
            &format!("{at}: helpfulResource"),
            notes,
        ),
        url: first.clone(),
    });

    if q.choices.len() + 1 > CHOICES_PER_QUESTION_MAX {
        errors.push(format!(
            "{at}: {} choices plus `None of these` is more than the {CHOICES_PER_QUESTION_MAX} a question may have",
            q.choices.len()
        ));
    }
    let ids = choice_ids(&q.choices);
    let mut choices = Vec::new();
    for (c, cid) in q.choices.iter().zip(&ids) {
        let cat = format!("{at}, choice {cid}");
        let full = c.text.trim();
        let title = fit(full, CHOICE_TITLE_MAX, &format!("{cat}: title"), notes);
        let risk_line = match c.risk {
            ChoiceRisk::None => "Risk when this describes the workload: none (best practice).",
            ChoiceRisk::Medium => {
                "Risk when this describes the workload: medium (medium risk issue)."
            }
            ChoiceRisk::High => "Risk when this describes the workload: high (high risk issue).",
        };
        let help = if title != full {
            format!("{full}\n\n{risk_line}")
        } else {
            risk_line.to_string()
        };
        let plan = match c.risk {
            ChoiceRisk::None => format!("Keep it that way. {remediation}"),
            _ => remediation.clone(),
        };
        choices.push(Choice {
            id: cid.clone(),
            title,
            helpful_resource: Some(Resource {
                display_text: fit(
                    &help,
                    DISPLAY_TEXT_MAX,
                    &format!("{cat}: helpfulResource"),
                    notes,
                ),
                url: second.clone(),
            }),
            improvement_plan: Some(Resource {
                display_text: fit(
                    &plan,
                    DISPLAY_TEXT_MAX,
                    &format!("{cat}: improvementPlan"),
                    notes,
                ),
                url: first.clone(),
            }),
        });
    }
    choices.push(Choice {
        id: NONE_CHOICE_ID.into(),
        title: "None of these".into(),
        helpful_resource: Some(Resource {
            display_text: "Choose this when no answer above describes the workload; the \
                           question is then rated high risk."
                .into(),
            url: None,
        }),
        improvement_plan: None,
    });

    let ids_by = |risk: ChoiceRisk| -> Vec<&str> {
        q.choices
            .iter()
            .zip(&ids)
            .filter(|(c, _)| c.risk == risk)
            .map(|(_, id)| id.as_str())
            .collect()
    };
    Question {
        id,
        title,
        description,
        helpful_resource,
        choices,
        risk_rules: risk_rules(
            &ids_by(ChoiceRisk::None),
            &ids_by(ChoiceRisk::Medium),
            &ids_by(ChoiceRisk::High),
        ),
    }
}

/// The worst risk among the selected answers counts: NO_RISK when a no-risk answer and no worse
/// one is selected, MEDIUM_RISK when a medium one and no high one is, HIGH_RISK otherwise (a
/// high-risk answer, or only "None of these").
pub fn risk_rules(none: &[&str], medium: &[&str], high: &[&str]) -> Vec<RiskRule> {
    fn any(ids: &[&str]) -> String {
        match ids {
            [one] => one.to_string(),
            many => format!("({})", many.join(" || ")),
        }
    }
    let mut rules = Vec::new();
    if !none.is_empty() {
        let worse: Vec<&str> = medium.iter().chain(high).copied().collect();
        let condition = if worse.is_empty() {
            any(none).trim_matches(['(', ')']).to_string()
        } else {
            format!("{} && !{}", any(none), any(&worse))
        };
        rules.push(RiskRule {
            condition,
            risk: NO_RISK.into(),
        });
    }
    if !medium.is_empty() {
        let condition = if high.is_empty() {
            any(medium).trim_matches(['(', ')']).to_string()
        } else {
            format!("{} && !{}", any(medium), any(high))
        };
        rules.push(RiskRule {
            condition,
            risk: MEDIUM_RISK.into(),
        });
    }
    rules.push(RiskRule {
        condition: DEFAULT_CONDITION.into(),
        risk: HIGH_RISK.into(),
    });
    rules
}

/// Shortens `text` to `max` characters, ending in an ellipsis (at a word boundary when one is
/// close), and notes what was shortened.
pub fn fit(text: &str, max: usize, what: &str, notes: &mut Vec<String>) -> String {
    let text = text.trim();
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let window: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match window.rfind(' ') {
        Some(at) if window[..at].chars().count() * 4 >= max * 3 => &window[..at],
        _ => window.as_str(),
    };
    notes.push(format!("{what}: shortened from {n} to {max} characters"));
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '-']))
}

/// The lens as pretty JSON, or why it is too large to import.
pub fn to_json(lens: &Lens) -> Result<String, String> {
    let json = serde_json::to_string_pretty(lens).map_err(|e| e.to_string())?;
    if json.len() > LENS_SIZE_MAX {
        return Err(format!(
            "the lens is {} bytes, more than the {LENS_SIZE_MAX} a custom lens may have",
            json.len()
        ));
    }
    Ok(json + "\n")
}

pub use limits::validate;

/// `kwar lens export [-o FILE]`: writes the lens (stdout without a file) and reports on stderr
/// what was shortened to fit the format.
pub fn run_export(output: Option<&Path>) -> Result<(), String> {
    let export = export_embedded().map_err(|e| e.to_string())?;
    for note in &export.notes {
        eprintln!("kwar: lens: {note}");
    }
    let json = to_json(&export.lens)?;
    match output {
        Some(path) => std::fs::write(path, &json)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => print!("{json}"),
    }
    let lens = &export.lens;
    let questions: usize = lens.pillars.iter().map(|p| p.questions.len()).sum();
    let choices: usize = lens
        .pillars
        .iter()
        .flat_map(|p| &p.questions)
        .map(|q| q.choices.len())
        .sum();
    eprintln!(
        "kwar: lens: {}{} pillars, {questions} questions, {choices} choices, {} bytes ({} texts shortened or trimmed)",
        output
            .map(|p| format!("wrote {}: ", p.display()))
            .unwrap_or_default(),
        lens.pillars.len(),
        json.len(),
        export.notes.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests;
