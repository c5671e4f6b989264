//! The review model: every catalog item with a status and a risk, the evidence behind it,
//! pre-filled answers, scores per pillar and per area, and the improvement plan.
//! The rules are documented in docs/review.md; this file is their one implementation.

use std::collections::{BTreeMap, HashMap};

use kwar_catalog::{Assessment, Catalog, ChoiceRisk, Item, Pillar, Severity};
use kwar_checks::Verdict;
use kwar_report::Review;

use crate::answers::{Answers, NaReason, PersonAnswer, Workload};

/// An item's place in the coverage map: exactly one per item, nothing left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Decided by evidence (no question): every check that evaluated something passed.
    Pass,
    /// Decided by evidence: the worst check verdict is warn.
    Warn,
    /// Decided by evidence: at least one check failed.
    Fail,
    /// A person chose an answer.
    Answered,
    /// Nobody answered; evidence proposes a choice.
    Prefilled,
    /// A person declared the item not applicable, or its checks found nothing in scope.
    NotApplicable,
    /// Needs evidence kwar did not get (see `missing_evidence`); no question to ask instead.
    Unknown,
    /// Has a question, nobody answered it and no evidence speaks to it.
    Unanswered,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pass,
        Status::Warn,
        Status::Fail,
        Status::Answered,
        Status::Prefilled,
        Status::NotApplicable,
        Status::Unknown,
        Status::Unanswered,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Answered => "answered",
            Status::Prefilled => "prefilled",
            Status::NotApplicable => "not-applicable",
            Status::Unknown => "unknown",
            Status::Unanswered => "unanswered",
        }
    }
}

/// An item's risk, ordered from most to least urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    High,
    Medium,
    None,
    NotApplicable,
    Unanswered,
}

impl Risk {
    pub const ALL: [Risk; 5] = [
        Risk::High,
        Risk::Medium,
        Risk::None,
        Risk::NotApplicable,
        Risk::Unanswered,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Risk::High => "high",
            Risk::Medium => "medium",
            Risk::None => "none",
            Risk::NotApplicable => "not-applicable",
            Risk::Unanswered => "unanswered",
        }
    }

    pub fn from_choice(risk: ChoiceRisk) -> Risk {
        match risk {
            ChoiceRisk::High => Risk::High,
            ChoiceRisk::Medium => Risk::Medium,
            ChoiceRisk::None => Risk::None,
        }
    }

    /// The value an item adds to a score: none 1, medium ½, high 0; others do not count.
    pub fn score_value(self) -> Option<f64> {
        match self {
            Risk::None => Some(1.0),
            Risk::Medium => Some(0.5),
            Risk::High => Some(0.0),
            Risk::NotApplicable | Risk::Unanswered => None,
        }
    }
}

/// What one check's results say, suppressed findings left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceVerdict {
    Pass,
    Warn,
    Fail,
}

impl EvidenceVerdict {
    pub fn id(self) -> &'static str {
        match self {
            EvidenceVerdict::Pass => "pass",
            EvidenceVerdict::Warn => "warn",
            EvidenceVerdict::Fail => "fail",
        }
    }
}

/// One check that ran, with its counts. `warned` and `failed` leave suppressed (and
/// baselined) findings out: an accepted exemption is not evidence of a risk.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckEvidence {
    pub check: String,
    /// The item the check belongs to (differs from the reviewed item for rolled-up evidence).
    pub item: String,
    pub severity: Severity,
    pub passed: usize,
    pub warned: usize,
    pub failed: usize,
    pub unknown: usize,
}

impl CheckEvidence {
    pub fn evaluated(&self) -> usize {
        self.passed + self.warned + self.failed
    }

    /// None when the check found nothing in its scope.
    pub fn verdict(&self) -> Option<EvidenceVerdict> {
        if self.failed > 0 {
            Some(EvidenceVerdict::Fail)
        } else if self.warned > 0 {
            Some(EvidenceVerdict::Warn)
        } else if self.passed > 0 {
            Some(EvidenceVerdict::Pass)
        } else {
            None
        }
    }

    /// The risk this check's verdict carries: a fail at high or critical is high, any other
    /// fail or warn medium, a pass none. Info checks never carry a risk.
    pub fn risk(&self) -> Option<ChoiceRisk> {
        Some(match self.verdict()? {
            _ if self.severity == Severity::Info => ChoiceRisk::None,
            EvidenceVerdict::Fail if self.severity >= Severity::High => ChoiceRisk::High,
            EvidenceVerdict::Fail | EvidenceVerdict::Warn => ChoiceRisk::Medium,
            EvidenceVerdict::Pass => ChoiceRisk::None,
        })
    }
}

/// A choice the evidence proposes for an item's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub choice: String,
    pub text: String,
    pub risk: ChoiceRisk,
}

/// What the evidence says about an item: the checks it rests on (the item's own, and for
/// roll-up items those of its children and related items), their worst verdict and risk.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub verdict: EvidenceVerdict,
    pub risk: ChoiceRisk,
    /// Checks that evaluated something, worst first.
    pub checks: Vec<CheckEvidence>,
    /// Other items whose checks rolled up into this one.
    pub via: Vec<String>,
    /// The choice the evidence proposes, for items with a question.
    pub proposal: Option<Proposal>,
}

impl Evidence {
    /// One line: "2 checks: requests-set fail (3 failed, 5 passed), memory-limit-set warn …".
    pub fn summary(&self) -> String {
        self.summary_of(usize::MAX)
    }

    /// The summary of the `n` worst checks, and how many more there are.
    pub fn summary_of(&self, n: usize) -> String {
        let mut parts: Vec<String> = self
            .checks
            .iter()
            .take(n)
            .map(|c| {
                let mut counts = Vec::new();
                for (n, what) in [
                    (c.failed, "failed"),
                    (c.warned, "warned"),
                    (c.passed, "passed"),
                ] {
                    if n > 0 {
                        counts.push(format!("{n} {what}"));
                    }
                }
                format!(
                    "{} {} ({})",
                    c.check,
                    c.verdict().map_or("-", EvidenceVerdict::id),
                    counts.join(", ")
                )
            })
            .collect();
        if self.checks.len() > n {
            parts.push(format!("+{} more", self.checks.len() - n));
        }
        parts.join("; ")
    }
}

/// Who gave an item's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerSource {
    Person,
    Evidence,
}

impl AnswerSource {
    pub fn id(self) -> &'static str {
        match self {
            AnswerSource::Person => "person",
            AnswerSource::Evidence => "evidence",
        }
    }
}

/// The answer that counts for an item: a person's (always wins) or the evidence's proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// None for a not-applicable answer.
    pub choice: Option<String>,
    pub choice_text: Option<String>,
    /// The chosen choice's risk; None for not-applicable.
    pub risk: Option<ChoiceRisk>,
    pub source: AnswerSource,
    pub notes: Option<String>,
    pub not_applicable: Option<NaReason>,
}

/// An object that failed or warned one of the checks behind an item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InvolvedObject {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// The checks it failed or warned, sorted.
    pub checks: Vec<String>,
}

/// One catalog item in the review.
#[derive(Debug, Clone)]
pub struct ItemReview {
    pub id: String,
    pub agenda: String,
    pub area: String,
    pub section: String,
    pub kind: String,
    pub parent: Option<String>,
    pub pillars: Vec<Pillar>,
    pub status: Status,
    pub risk: Risk,
    /// Ids of the item's own checks that ran (whether or not they found anything in scope).
    pub checks: Vec<String>,
    /// What the evidence says; kept even when a person's answer overrides it.
    pub evidence: Option<Evidence>,
    /// The answer that counts (person, else evidence proposal).
    pub answer: Option<Answer>,
    /// A person's answer and the evidence disagree on the risk: reports show both.
    pub disagreement: bool,
    /// The evidence kwar did not get, when it would decide (or pre-fill) the item.
    pub missing_evidence: Option<String>,
    /// Objects that failed or warned the checks behind the item.
    pub objects: Vec<InvolvedObject>,
    pub remediation: String,
    pub references: Vec<String>,
}

/// Risk counts and score of a group of items (a pillar, an area, the whole review).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupScore {
    /// 0–100, one decimal; None when no item of the group has a risk level yet.
    pub score: Option<f64>,
    pub items: usize,
    pub high_risk: usize,
    pub medium_risk: usize,
    pub no_risk: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
}

impl GroupScore {
    fn compute<'a>(items: impl Iterator<Item = &'a ItemReview>) -> GroupScore {
        let mut g = GroupScore::default();
        let (mut sum, mut n) = (0.0, 0usize);
        for item in items {
            g.items += 1;
            match item.risk {
                Risk::High => g.high_risk += 1,
                Risk::Medium => g.medium_risk += 1,
                Risk::None => g.no_risk += 1,
                Risk::NotApplicable => g.not_applicable += 1,
                Risk::Unanswered => g.unanswered += 1,
            }
            if let Some(v) = item.risk.score_value() {
                sum += v;
                n += 1;
            }
        }
        g.score = (n > 0).then(|| (1000.0 * sum / n as f64).round() / 10.0);
        g
    }
}

/// One entry of the improvement plan.
#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub item: String,
    pub agenda: String,
    pub area: String,
    pub pillars: Vec<Pillar>,
    pub risk: Risk,
    pub source: Option<AnswerSource>,
    /// Checks behind the item that failed or warned.
    pub checks: Vec<String>,
    pub objects: Vec<InvolvedObject>,
    pub remediation: String,
    pub references: Vec<String>,
}

/// The whole review.
#[derive(Debug, Clone)]
pub struct WorkloadReview {
    pub workload: Option<Workload>,
    /// The answers file, as named on the command line.
    pub answers_file: Option<String>,
    /// Every catalog item, in catalog order.
    pub items: Vec<ItemReview>,
    pub overall: GroupScore,
    /// In `Pillar::ALL` order.
    pub pillars: Vec<(Pillar, GroupScore)>,
    /// In the catalog's `conventions.areas` order.
    pub areas: Vec<(String, GroupScore)>,
    pub improvement_plan: Vec<PlanEntry>,
}

impl WorkloadReview {
    pub fn item(&self, id: &str) -> Option<&ItemReview> {
        self.items.iter().find(|i| i.id == id)
    }

    /// Items per status, every status listed (zero included), in `Status::ALL` order.
    pub fn coverage(&self) -> Vec<(Status, usize)> {
        Status::ALL
            .into_iter()
            .map(|s| (s, self.items.iter().filter(|i| i.status == s).count()))
            .collect()
    }

    /// Items at high risk, or at medium risk and above when `medium` is set (for `--fail-on`).
    pub fn count_at_or_above(&self, risk: Risk) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.risk, Risk::High | Risk::Medium) && i.risk <= risk)
            .count()
    }
}

/// What is missing for evidence of each mode, as the report names it.
pub const MISSING_CLUSTER: &str =
    "cluster evidence (kwar review --cluster, a snapshot from kwar snapshot, or --complete manifests)";
pub const MISSING_AWS: &str = "AWS account evidence (not yet supported)";
pub const MISSING_MANIFESTS: &str = "manifests (kwar review PATH…)";

/// Builds the review from a scan's findings and tallies and, optionally, a person's answers.
pub fn build(catalog: &Catalog, scan: &Review, answers: Option<&Answers>) -> WorkloadReview {
    build_from_evidence(catalog, &ScanEvidence::from_review(scan), answers)
}

/// Builds the review from evidence already extracted from a scan (tests build it by hand).
pub fn build_from_evidence(
    catalog: &Catalog,
    index: &ScanEvidence,
    answers: Option<&Answers>,
) -> WorkloadReview {
    let mut items: Vec<ItemReview> = catalog
        .items
        .iter()
        .map(|item| review_item(catalog, item, index, answers))
        .collect();
    // Stable order for everything derived from items.
    items.sort_by_key(|i| catalog.items.iter().position(|c| c.id == i.id));
    let pillars = Pillar::ALL
        .into_iter()
        .map(|p| {
            (
                p,
                GroupScore::compute(items.iter().filter(|i| i.pillars.contains(&p))),
            )
        })
        .collect();
    let areas = catalog
        .areas
        .iter()
        .map(|a| {
            (
                a.clone(),
                GroupScore::compute(items.iter().filter(|i| &i.area == a)),
            )
        })
        .collect();
    let improvement_plan = plan(&items);
    WorkloadReview {
        workload: answers.map(|a| a.workload.clone()),
        answers_file: answers.map(|a| a.file.clone()),
        overall: GroupScore::compute(items.iter()),
        items,
        pillars,
        areas,
        improvement_plan,
    }
}

/// An object's identity: apiVersion, kind, namespace, name.
pub type ObjectKey = (String, String, Option<String>, String);

/// What the review takes from a scan: per item the checks that ran with their counts, per
/// check the objects that failed or warned it (suppressed findings left out), and how many
/// objects the scan read.
#[derive(Debug, Clone, Default)]
pub struct ScanEvidence {
    /// Per item id: its checks that ran.
    pub by_item: HashMap<String, Vec<CheckEvidence>>,
    /// Per check id: objects with an unsuppressed fail or warn.
    pub failing: HashMap<String, Vec<ObjectKey>>,
    /// Objects the scan read; 0 means no manifests were given.
    pub objects: usize,
    /// The scan had cluster evidence (a live cluster, a snapshot, or manifests declared
    /// complete): its cluster-mode checks ran on it.
    pub cluster: bool,
}

impl ScanEvidence {
    pub fn from_review(scan: &Review) -> ScanEvidence {
        let item_of: HashMap<&str, (&str, Severity)> = scan
            .checks
            .iter()
            .map(|c| (c.id.as_str(), (c.item.as_str(), c.severity)))
            .collect();
        let mut effective: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut objects: HashMap<String, Vec<_>> = HashMap::new();
        for f in &scan.findings {
            if f.suppression.is_some() {
                continue;
            }
            let slot = effective.entry(f.check).or_default();
            match f.verdict {
                Verdict::Fail => slot.0 += 1,
                Verdict::Warn => slot.1 += 1,
                Verdict::Pass | Verdict::Unknown => continue,
            }
            let o = &f.object;
            objects.entry(f.check.to_string()).or_default().push((
                o.api_version.clone(),
                o.kind.clone(),
                o.namespace.clone(),
                o.name.clone(),
            ));
        }
        let mut by_item: HashMap<String, Vec<CheckEvidence>> = HashMap::new();
        for t in &scan.tallies {
            let Some(&(item, severity)) = item_of.get(t.check.as_str()) else {
                continue;
            };
            let (failed, warned) = effective.get(t.check.as_str()).copied().unwrap_or_default();
            // Suppressed fails and warns count as neither: they are accepted, not passed.
            by_item
                .entry(item.to_string())
                .or_default()
                .push(CheckEvidence {
                    check: t.check.clone(),
                    item: item.to_string(),
                    severity,
                    passed: t.passed,
                    warned: warned.min(t.warned),
                    failed: failed.min(t.failed),
                    unknown: t.unknown,
                });
        }
        ScanEvidence {
            by_item,
            failing: objects,
            objects: scan.objects,
            cluster: scan.cluster.is_some(),
        }
    }

    fn checks(&self, item: &str) -> &[CheckEvidence] {
        self.by_item.get(item).map_or(&[], Vec::as_slice)
    }
}

/// Items whose evidence rolls up into `item`: its children and related items, when the
/// catalog says the item rolls up (a `rollup` text or a check scoped "roll-up of …").
fn rollup_sources(item: &Item, catalog: &Catalog) -> Vec<String> {
    let rolls_up = item.rollup.is_some()
        || catalog
            .checks
            .iter()
            .any(|c| c.item == item.id && c.scope.contains("roll-up"));
    if !rolls_up {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for id in item.children.iter().chain(&item.related_items) {
        if !out.contains(id) && id != &item.id {
            out.push(id.clone());
        }
    }
    out
}

fn review_item(
    catalog: &Catalog,
    item: &Item,
    index: &ScanEvidence,
    answers: Option<&Answers>,
) -> ItemReview {
    let own = index.checks(&item.id);
    let mut basis: Vec<CheckEvidence> = own.iter().filter(|c| c.evaluated() > 0).cloned().collect();
    let mut via = Vec::new();
    for source in rollup_sources(item, catalog) {
        let evaluated: Vec<_> = index
            .checks(&source)
            .iter()
            .filter(|c| c.evaluated() > 0)
            .cloned()
            .collect();
        if !evaluated.is_empty() {
            via.push(source);
            basis.extend(evaluated);
        }
    }
    basis.sort_by(|a, b| {
        (b.risk(), b.verdict(), b.failed, b.warned, &a.check).cmp(&(
            a.risk(),
            a.verdict(),
            a.failed,
            a.warned,
            &b.check,
        ))
    });
    let evidence = basis.first().map(|worst| {
        let risk = basis
            .iter()
            .filter_map(CheckEvidence::risk)
            .max()
            .unwrap_or(ChoiceRisk::None);
        let proposal = item.question.as_ref().map(|q| {
            // The first choice (catalog order: best first) at the evidence's risk; failing
            // that, the nearest worse one, then the nearest better one.
            let pick = q
                .choices
                .iter()
                .find(|c| c.risk == risk)
                .or_else(|| {
                    q.choices
                        .iter()
                        .filter(|c| c.risk > risk)
                        .min_by_key(|c| c.risk)
                })
                .or_else(|| {
                    q.choices
                        .iter()
                        .filter(|c| c.risk < risk)
                        .max_by_key(|c| c.risk)
                })
                .expect("a catalog question has choices");
            Proposal {
                choice: pick.id.clone(),
                text: pick.text.clone(),
                risk: pick.risk,
            }
        });
        Evidence {
            verdict: worst.verdict().expect("evaluated"),
            risk,
            checks: basis.clone(),
            via: via.clone(),
            proposal,
        }
    });

    // Objects behind the evidence: those failing or warning any of its checks.
    let mut involved: BTreeMap<(String, String, Option<String>, String), Vec<String>> =
        BTreeMap::new();
    for c in evidence.iter().flat_map(|e| &e.checks) {
        for o in index.failing.get(&c.check).into_iter().flatten() {
            let checks = involved.entry(o.clone()).or_default();
            if !checks.contains(&c.check) {
                checks.push(c.check.clone());
            }
        }
    }
    let objects = involved
        .into_iter()
        .map(|((api_version, kind, namespace, name), mut checks)| {
            checks.sort();
            InvolvedObject {
                api_version,
                kind,
                namespace,
                name,
                checks,
            }
        })
        .collect();

    let missing_evidence = missing(item, catalog, own, index);
    let person = answers.and_then(|a| a.get(&item.id));
    let mut disagreement = false;
    let (status, risk, answer) = match (person, &evidence) {
        (Some(p), _) => {
            let (risk, answer) = match &p.answer {
                PersonAnswer::Choice { choice } => {
                    let c = item
                        .question
                        .as_ref()
                        .and_then(|q| q.choice(choice))
                        .expect("answers are validated against the catalog");
                    (
                        Risk::from_choice(c.risk),
                        Answer {
                            choice: Some(c.id.clone()),
                            choice_text: Some(c.text.clone()),
                            risk: Some(c.risk),
                            source: AnswerSource::Person,
                            notes: p.notes.clone(),
                            not_applicable: None,
                        },
                    )
                }
                PersonAnswer::NotApplicable { reason } => (
                    Risk::NotApplicable,
                    Answer {
                        choice: None,
                        choice_text: None,
                        risk: None,
                        source: AnswerSource::Person,
                        notes: p.notes.clone(),
                        not_applicable: Some(*reason),
                    },
                ),
            };
            if let Some(e) = &evidence {
                let person_risk = answer.risk;
                disagreement = match person_risk {
                    Some(r) => r != e.risk,
                    // Declared not applicable while the evidence found a risk.
                    None => e.risk != ChoiceRisk::None,
                };
            }
            let status = if p.answer_is_na() {
                Status::NotApplicable
            } else {
                Status::Answered
            };
            (status, risk, Some(answer))
        }
        (None, Some(e)) => match &e.proposal {
            Some(prop) => (
                Status::Prefilled,
                Risk::from_choice(prop.risk),
                Some(Answer {
                    choice: Some(prop.choice.clone()),
                    choice_text: Some(prop.text.clone()),
                    risk: Some(prop.risk),
                    source: AnswerSource::Evidence,
                    notes: Some(format!("proposed from evidence: {}", e.summary())),
                    not_applicable: None,
                }),
            ),
            None => (
                match e.verdict {
                    EvidenceVerdict::Pass => Status::Pass,
                    EvidenceVerdict::Warn => Status::Warn,
                    EvidenceVerdict::Fail => Status::Fail,
                },
                Risk::from_choice(e.risk),
                None,
            ),
        },
        (None, None) if item.question.is_some() => (Status::Unanswered, Risk::Unanswered, None),
        (None, None) if missing_evidence.is_none() && !own.is_empty() => {
            // Every check ran on manifests and found nothing in its scope (no StatefulSet,
            // no Ingress…): the item does not apply to what was reviewed.
            (Status::NotApplicable, Risk::NotApplicable, None)
        }
        (None, None) => (Status::Unknown, Risk::Unanswered, None),
    };
    // A person's answer needs no more evidence; everything else says what would help.
    let missing_evidence = match (status, missing_evidence) {
        (Status::Answered | Status::NotApplicable, _) => None,
        (Status::Unknown, None) => Some("evidence for its checks".to_string()),
        (_, m) => m,
    };
    ItemReview {
        id: item.id.clone(),
        agenda: item.agenda.clone(),
        area: item.area.clone(),
        section: item.section.clone(),
        kind: item.kind.clone(),
        parent: item.parent.clone(),
        pillars: item.pillars.clone(),
        status,
        risk,
        checks: own.iter().map(|c| c.check.clone()).collect(),
        evidence,
        answer,
        disagreement,
        missing_evidence,
        objects,
        remediation: item.remediation.clone(),
        references: item.references.clone(),
    }
}

impl crate::answers::ItemAnswer {
    fn answer_is_na(&self) -> bool {
        matches!(self.answer, PersonAnswer::NotApplicable { .. })
    }
}

/// The evidence an item needs that this review did not have, in words; None when nothing
/// is missing.
fn missing(
    item: &Item,
    catalog: &Catalog,
    ran: &[CheckEvidence],
    index: &ScanEvidence,
) -> Option<String> {
    let objects = index.objects;
    let mut out = Vec::new();
    let needs = |a: Assessment| item.assessment.contains(&a);
    if needs(Assessment::Manifest) {
        let manifest_checks: Vec<&str> = catalog
            .checks
            .iter()
            .filter(|c| c.item == item.id && c.mode == kwar_catalog::Mode::Manifest)
            .map(|c| c.id.as_str())
            .collect();
        let not_run: Vec<&str> = manifest_checks
            .iter()
            .copied()
            .filter(|id| !ran.iter().any(|r| r.check == *id))
            .collect();
        if objects == 0 {
            out.push(MISSING_MANIFESTS.to_string());
        } else if !not_run.is_empty() {
            out.push(format!(
                "results of checks that were not run: {}",
                not_run.join(", ")
            ));
        }
    }
    if needs(Assessment::Cluster) && !index.cluster {
        out.push(MISSING_CLUSTER.to_string());
    }
    if needs(Assessment::Aws) {
        out.push(MISSING_AWS.to_string());
    }
    (!out.is_empty()).then(|| out.join("; "))
}

/// High and medium risk items, high first, then those touching more checks and objects.
fn plan(items: &[ItemReview]) -> Vec<PlanEntry> {
    let mut entries: Vec<(usize, PlanEntry)> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| matches!(i.risk, Risk::High | Risk::Medium))
        .map(|(pos, i)| {
            let checks: Vec<String> = i
                .evidence
                .iter()
                .flat_map(|e| &e.checks)
                .filter(|c| {
                    matches!(
                        c.verdict(),
                        Some(EvidenceVerdict::Fail | EvidenceVerdict::Warn)
                    )
                })
                .map(|c| c.check.clone())
                .collect();
            (
                pos,
                PlanEntry {
                    item: i.id.clone(),
                    agenda: i.agenda.clone(),
                    area: i.area.clone(),
                    pillars: i.pillars.clone(),
                    risk: i.risk,
                    source: i.answer.as_ref().map(|a| a.source),
                    checks,
                    objects: i.objects.clone(),
                    remediation: i.remediation.clone(),
                    references: i.references.clone(),
                },
            )
        })
        .collect();
    entries.sort_by(|(pa, a), (pb, b)| {
        (
            a.risk,
            std::cmp::Reverse(a.checks.len()),
            std::cmp::Reverse(a.objects.len()),
            pa,
        )
            .cmp(&(
                b.risk,
                std::cmp::Reverse(b.checks.len()),
                std::cmp::Reverse(b.objects.len()),
                pb,
            ))
    });
    entries.into_iter().map(|(_, e)| e).collect()
}
