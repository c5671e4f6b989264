//! The review: check outcomes joined with the catalog (item, severity, pillars, remediation),
//! scored per pillar, and rendered as text, JSON, SARIF or JUnit XML.

mod baseline;
mod cluster;
mod json;
mod junit;
mod review;
mod sarif;
mod score;
mod suppress;
mod text;

pub use baseline::{apply_baseline, Baseline};
pub use cluster::{ChecklistLine, ClusterSection, Component, RetiredTool};
pub use json::write_json;
pub use junit::{junit_report, write_junit};
pub use review::{
    fingerprint, CheckMeta, Fingerprint, FingerprintHex, Location, ObjectRef, Review,
    ReviewFinding, ReviewInputs, ReviewOptions, Suppression, SuppressionKind,
};
pub use sarif::{sarif_log, write_sarif};
pub use score::{severity_weight, CheckTally, Scores};
pub use suppress::{
    apply_suppressions, ExpiredExemption, IneffectiveIgnore, PolicyNotes, SuppressionPolicy,
    IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION,
};
pub use text::{write_text, TextOptions};
