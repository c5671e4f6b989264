use std::fmt;

/// Severity scale of the catalog, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn from_id(id: &str) -> Option<Severity> {
        Some(match id {
            "info" => Severity::Info,
            "low" => Severity::Low,
            "medium" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// A warn result is reported one level below the check's severity (floor: info).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::High,
            Severity::High => Severity::Medium,
            Severity::Medium => Severity::Low,
            Severity::Low | Severity::Info => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The five Well-Architected pillars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Pillar {
    #[serde(rename = "security")]
    Security,
    #[serde(rename = "reliability")]
    Reliability,
    #[serde(rename = "performance")]
    Performance,
    #[serde(rename = "cost")]
    Cost,
    #[serde(rename = "operational-excellence")]
    OperationalExcellence,
}

impl Pillar {
    pub const ALL: [Pillar; 5] = [
        Pillar::Security,
        Pillar::Reliability,
        Pillar::Performance,
        Pillar::Cost,
        Pillar::OperationalExcellence,
    ];

    pub fn from_id(id: &str) -> Option<Pillar> {
        Pillar::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn id(self) -> &'static str {
        match self {
            Pillar::Security => "security",
            Pillar::Reliability => "reliability",
            Pillar::Performance => "performance",
            Pillar::Cost => "cost",
            Pillar::OperationalExcellence => "operational-excellence",
        }
    }
}

impl fmt::Display for Pillar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a check's evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Manifest,
    Cluster,
    Aws,
}

impl Mode {
    pub fn from_id(id: &str) -> Option<Mode> {
        Some(match id {
            "manifest" => Mode::Manifest,
            "cluster" => Mode::Cluster,
            "aws" => Mode::Aws,
            _ => return None,
        })
    }
}
