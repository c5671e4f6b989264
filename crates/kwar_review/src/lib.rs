//! The well-architected review (`kwar review`): every agenda item of the catalog with a
//! status and a risk, decided by evidence (a scan's findings and tallies), pre-filled from
//! evidence, or answered by a person in an answers file; scores per pillar and per area; an
//! improvement plan. docs/review.md documents the file format and every rule.
//!
//! Data flows one way: `kwar_report::Review` (the scan) + [`Answers`] → [`build`] →
//! [`WorkloadReview`] → [`review_json`] / [`write_review_text`] (and, later, Markdown, HTML,
//! milestones and diffs, all from the same model).

mod answers;
mod answers_writer;
mod diff;
mod json;
pub mod milestone;
mod model;
mod report;
mod text;

pub use answers::{Answers, AnswersError, ItemAnswer, NaReason, PersonAnswer, Workload};
pub use answers_writer::{
    answers_text, render_answers, save_answers, set_answer, workload_complete, SaveError,
};
pub use diff::{
    diff, diff_json, write_diff_markdown, write_diff_text, AnswerChange, ChangedFinding,
    GroupChange, ItemChange, ReviewDiff, ScoreChange, Side,
};
pub use json::review_json;
pub use model::{
    build, build_from_evidence, Answer, AnswerSource, CheckEvidence, Evidence, EvidenceVerdict,
    GroupScore, InvolvedObject, ItemReview, ObjectKey, PlanEntry, Proposal, Risk, ScanEvidence,
    Status, WorkloadReview, MISSING_AWS, MISSING_CLUSTER, MISSING_MANIFESTS,
};
pub use report::{
    render_report, template_context, EvidenceSummary, ReportError, ReportFormat, TemplateChoice,
    DEFAULT_HTML_TEMPLATE, DEFAULT_MARKDOWN_TEMPLATE,
};
pub use text::{write_review_text, PLAN_SHOWN};

#[cfg(test)]
mod tests;
