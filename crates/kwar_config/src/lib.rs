//! kwar's configuration file, `kwar.yaml`: which checks run and how severe they are, the
//! environment profile, the catalog's parameters, exemptions with a reason and an expiry, and
//! custom rules.
//!
//! The file is read with `kwar_yaml`, so every problem — an unknown key, a wrong type, an
//! unknown check id, a bad date, an exemption without a reason — is a [`ConfigError`] naming
//! `file:line:column` with a hint, reported before anything is scanned.

mod exemption;
mod parse;
mod template;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use kwar_catalog::Severity;
use kwar_checks::Params;
use kwar_yaml::Node;

pub use exemption::{Exemption, ExemptionSubject, Pattern};
pub use template::default_config_file;

/// The names a config file is found under, in order of preference.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["kwar.yaml", ".kwar.yaml"];

/// Checks whose severity the `development` profile lowers by one level: the reliability
/// checks about replicas, disruption budgets, zone spread, autoscaling and Spot, which the
/// catalog notes ("Severity by environment") call fine to relax outside production.
pub const DEVELOPMENT_RELAXED_CHECKS: [&str; 9] = [
    "no-singleton-pods",
    "multiple-replicas",
    "pdb-present-and-permissive",
    "pdbs-for-replicated",
    "spread-across-zones",
    "not-pinned-to-single-zone",
    "hpa-coverage",
    "hpa-min-max-sane",
    "critical-off-spot",
];

/// A problem in the config file, with where it is and, when one helps, what to write instead.
pub type ConfigError = kwar_yaml::LocatedError;

/// The environment a review is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    #[default]
    Production,
    /// Lowers the severity of [`DEVELOPMENT_RELAXED_CHECKS`] by one level.
    Development,
}

impl Profile {
    pub fn id(self) -> &'static str {
        match self {
            Profile::Production => "production",
            Profile::Development => "development",
        }
    }
}

/// `checks:` — which checks run and at which severity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckSelection {
    /// Checks that do not run.
    pub disable: Vec<String>,
    /// When not empty, only these checks run (custom rules always run).
    pub enable: Vec<String>,
    /// Severity per check id, replacing the catalog's (and the profile's).
    pub severity: BTreeMap<String, Severity>,
}

/// `parameters:` — the catalog's parameters; `None` keeps the catalog default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parameters {
    pub system_namespaces: Option<Vec<String>>,
    pub ownership_labels: Option<Vec<String>>,
}

/// `suppressions:` — what may suppress a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressionSettings {
    /// Whether `kwar.io/ignore` annotations on objects count (a platform team may forbid
    /// teams exempting their own workloads).
    pub inline: bool,
}

impl Default for SuppressionSettings {
    fn default() -> Self {
        SuppressionSettings { inline: true }
    }
}

/// A loaded `kwar.yaml`. `Config::default()` is what kwar does without a file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file this was read from.
    pub source: Option<PathBuf>,
    pub checks: CheckSelection,
    pub profile: Profile,
    pub parameters: Parameters,
    pub suppressions: SuppressionSettings,
    pub exemptions: Vec<Exemption>,
    /// The `rules:` list as written: custom CEL rules, compiled by the CLI.
    pub rules: Option<Node>,
}

impl Config {
    /// The config file for a run started in `dir`: `kwar.yaml` or `.kwar.yaml` in `dir` or the
    /// nearest directory above it. The search stops at the root of the Git repository (a
    /// directory holding `.git`), so a checkout never picks up a stray file above it.
    pub fn discover(dir: &Path) -> Option<PathBuf> {
        for d in dir.ancestors() {
            let found = CONFIG_FILE_NAMES
                .iter()
                .map(|name| d.join(name))
                .find(|p| p.is_file());
            if found.is_some() {
                return found;
            }
            if d.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, Vec<ConfigError>> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![ConfigError {
                file: file.clone(),
                line: 1,
                column: 1,
                message: format!("cannot read the config file: {e}"),
                hint: None,
            }]
        })?;
        let mut config = Config::parse(&text, &file)?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses config text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config, Vec<ConfigError>> {
        parse::parse_config(text, file)
    }

    /// The check parameters, catalog defaults where the file says nothing.
    pub fn params(&self) -> Params {
        let mut params = Params::default();
        if let Some(ns) = &self.parameters.system_namespaces {
            params.system_namespaces = ns.clone();
        }
        if let Some(labels) = &self.parameters.ownership_labels {
            params.ownership_labels = labels.clone();
        }
        params
    }

    /// Severity per check that differs from the catalog: the profile's relaxations, then the
    /// explicit `checks.severity` entries (which win).
    pub fn severity_overrides(&self) -> HashMap<String, Severity> {
        let mut overrides = HashMap::new();
        if self.profile == Profile::Development {
            let catalog = kwar_catalog::Catalog::embedded();
            for id in DEVELOPMENT_RELAXED_CHECKS {
                if let Some(spec) = catalog.check(id) {
                    overrides.insert(id.to_string(), spec.severity.lowered());
                }
            }
        }
        for (id, &severity) in &self.checks.severity {
            overrides.insert(id.clone(), severity);
        }
        overrides
    }

    /// Whether a built-in check runs under this config.
    pub fn runs_check(&self, id: &str) -> bool {
        (self.checks.enable.is_empty() || self.checks.enable.iter().any(|e| e == id))
            && !self.checks.disable.iter().any(|d| d == id)
    }
}

#[cfg(test)]
mod tests;
