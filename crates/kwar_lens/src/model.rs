//! The custom lens JSON as the AWS Well-Architected Tool documents it ("Lens format
//! specification", schema version 2021-11-01). Field names serialize in the format's camelCase.

use serde::Serialize;

pub const SCHEMA_VERSION: &str = "2021-11-01";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Lens {
    pub schema_version: String,
    pub name: String,
    pub description: String,
    pub pillars: Vec<Pillar>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pillar {
    pub id: String,
    pub name: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helpful_resource: Option<Resource>,
    pub choices: Vec<Choice>,
    pub risk_rules: Vec<RiskRule>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helpful_resource: Option<Resource>,
    /// Required for every choice but a "None of these" one (id ending in `_no`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub improvement_plan: Option<Resource>,
}

/// `helpfulResource` / `improvementPlan`: a text, and optionally a URL.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub display_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RiskRule {
    pub condition: String,
    pub risk: String,
}

pub const NO_RISK: &str = "NO_RISK";
pub const MEDIUM_RISK: &str = "MEDIUM_RISK";
pub const HIGH_RISK: &str = "HIGH_RISK";
pub const DEFAULT_CONDITION: &str = "default";
/// A choice whose id ends in this suffix acts as the question's "None of these" choice.
pub const NONE_SUFFIX: &str = "_no";
