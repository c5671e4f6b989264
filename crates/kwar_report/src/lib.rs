//! The review: check outcomes joined with the catalog (item, severity, pillars, remediation),
//! scored per pillar, and rendered as text or JSON.

mod json;
mod review;
mod score;
mod text;

pub use json::write_json;
pub use review::{
    fingerprint, CheckMeta, Location, ObjectRef, Review, ReviewFinding, ReviewInputs,
    ReviewOptions, Suppression, SuppressionKind,
};
pub use score::{severity_weight, CheckTally, Scores};
pub use text::{write_text, TextOptions};
