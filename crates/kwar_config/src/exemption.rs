//! Config exemptions: which findings they cover, and whether they still apply.

use chrono::NaiveDate;
use globset::GlobMatcher;
use regex::Regex;

/// A name or namespace pattern: a glob (`shop-*`) or, between slashes, a regular expression
/// (`/^legacy-(a|b)$/`).
#[derive(Debug, Clone)]
pub enum Pattern {
    Glob(GlobMatcher),
    Regex(Regex),
}

impl Pattern {
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Glob(glob) => glob.is_match(text),
            Pattern::Regex(re) => re.is_match(text),
        }
    }

    /// The pattern as written in the config file.
    pub fn as_written(&self) -> String {
        match self {
            Pattern::Glob(glob) => glob.glob().glob().to_string(),
            Pattern::Regex(re) => format!("/{}/", re.as_str()),
        }
    }
}

/// One entry of `exemptions:`. Every criterion given must match (a list matches when any of
/// its entries does); a criterion left out matches everything.
#[derive(Debug, Clone)]
pub struct Exemption {
    /// Check ids, or empty for `"*"` (every check).
    pub checks: Vec<String>,
    pub namespaces: Vec<Pattern>,
    pub kinds: Vec<String>,
    pub names: Vec<Pattern>,
    pub labels: Vec<(String, String)>,
    pub reason: String,
    pub expires: Option<NaiveDate>,
    /// Where the entry starts in the config file.
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// What an exemption is matched against: a finding's check and object.
#[derive(Debug, Clone, Copy)]
pub struct ExemptionSubject<'a> {
    pub check: &'a str,
    pub kind: &'a str,
    /// `None` for cluster-scoped objects and objects that name no namespace.
    pub namespace: Option<&'a str>,
    pub name: &'a str,
    /// The object's `metadata.labels`.
    pub labels: &'a [(&'a str, &'a str)],
}

impl Exemption {
    /// Whether the exemption covers the subject, expiry aside.
    pub fn matches(&self, subject: &ExemptionSubject<'_>) -> bool {
        (self.checks.is_empty() || self.checks.iter().any(|c| c == subject.check))
            && (self.kinds.is_empty() || self.kinds.iter().any(|k| k == subject.kind))
            // An exemption by namespace never covers an object without one.
            && (self.namespaces.is_empty()
                || subject
                    .namespace
                    .is_some_and(|ns| self.namespaces.iter().any(|p| p.matches(ns))))
            && (self.names.is_empty() || self.names.iter().any(|p| p.matches(subject.name)))
            && self.labels.iter().all(|(key, value)| {
                subject
                    .labels
                    .iter()
                    .any(|(k, v)| k == key && v == value)
            })
    }

    /// An exemption is valid through its `expires` day and stops applying the day after.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|expires| today > expires)
    }

    /// The `expires` date as written (`YYYY-MM-DD`).
    pub fn expires_text(&self) -> Option<String> {
        self.expires.map(|d| d.format("%Y-%m-%d").to_string())
    }
}
