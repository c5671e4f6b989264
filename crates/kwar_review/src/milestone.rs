//! Milestones (`kwar review --milestone NAME`): a review saved as its JSON report in the
//! workspace, `<workspace>/milestones/<NAME>.json`, and the reading side used by `kwar diff`,
//! which takes milestone names or paths to any kwar JSON report.
//!
//! Reports are read as documents, not through the review model: only the fields a diff needs
//! are read, extra fields are ignored, so milestones written by older (or newer) kwar versions
//! load as long as their `schemaVersion` is the one this kwar writes.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Value};

/// The workspace subdirectory that holds the milestones.
pub const MILESTONES_DIR: &str = "milestones";
/// The longest milestone name accepted.
pub const MAX_NAME_LEN: usize = 100;
/// The report `schemaVersion` this kwar reads and writes (a string in the report).
pub const SCHEMA_VERSION: &str = "1";

/// Everything that can go wrong saving or loading a milestone or report.
#[derive(Debug, thiserror::Error)]
pub enum MilestoneError {
    #[error("invalid milestone name `{name}`: {reason}\n  hint: use letters, digits, `-`, `_` and `.`, starting with a letter or digit (e.g. `2026-q4`, `before-hardening`)")]
    InvalidName { name: String, reason: &'static str },
    #[error("milestone `{name}` already exists ({})\n  hint: choose another name, or pass --force to replace it", path.display())]
    Exists { name: String, path: PathBuf },
    #[error("cannot write milestone {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("no milestone `{name}` in {}\n  hint: {}", dir.display(), available_hint(available))]
    Unknown {
        name: String,
        dir: PathBuf,
        available: Vec<String>,
    },
    #[error("{}", located(path, *line, *column, message, hint.as_deref()))]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
        hint: Option<String>,
    },
}

fn available_hint(available: &[String]) -> String {
    if available.is_empty() {
        "there are no milestones yet: save one with `kwar review … --milestone NAME` (a path \
         with `/` or ending in `.json` is read as a report file)"
            .to_string()
    } else {
        format!(
            "available milestones: {} (a path with `/` or ending in `.json` is read as a report file)",
            available.join(", ")
        )
    }
}

fn located(
    path: &Path,
    line: Option<usize>,
    column: Option<usize>,
    message: &str,
    hint: Option<&str>,
) -> String {
    let mut out = match (line, column) {
        (Some(l), Some(c)) => format!("{}:{l}:{c}: {message}", path.display()),
        (Some(l), None) => format!("{}:{l}: {message}", path.display()),
        _ => format!("{}: {message}", path.display()),
    };
    if let Some(hint) = hint {
        out.push_str("\n  hint: ");
        out.push_str(hint);
    }
    out
}

/// Checks a milestone name: 1 to [`MAX_NAME_LEN`] letters, digits, `-`, `_` and `.`, starting
/// with a letter or digit, and not ending in `.json` (which `kwar diff` reads as a file).
pub fn validate_name(name: &str) -> Result<(), MilestoneError> {
    let invalid = |reason| {
        Err(MilestoneError::InvalidName {
            name: name.to_string(),
            reason,
        })
    };
    if name.is_empty() {
        return invalid("it is empty");
    }
    if name.len() > MAX_NAME_LEN {
        return invalid("it is longer than 100 characters");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("it must start with a letter or a digit");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return invalid("only letters, digits, `-`, `_` and `.` are allowed");
    }
    if name.to_ascii_lowercase().ends_with(".json") {
        return invalid("it must not end in `.json` (kwar diff reads such arguments as files)");
    }
    Ok(())
}

/// Where milestone `name` lives in `workspace`.
pub fn milestone_path(workspace: &Path, name: &str) -> PathBuf {
    workspace.join(MILESTONES_DIR).join(format!("{name}.json"))
}

/// Validates `name` and, unless `force`, checks that no milestone of that name exists yet.
/// `kwar review` calls this before reading any evidence, so a bad name fails fast.
pub fn check_new(workspace: &Path, name: &str, force: bool) -> Result<PathBuf, MilestoneError> {
    validate_name(name)?;
    let path = milestone_path(workspace, name);
    if !force && path.exists() {
        return Err(MilestoneError::Exists {
            name: name.to_string(),
            path,
        });
    }
    Ok(path)
}

/// Saves `report` (the review's full JSON report) as milestone `name`, adding a top-level
/// `milestone` object: `{name, created, kwarVersion}`. `created` is an RFC 3339 UTC time.
/// The file is written next to its final place and renamed, so a milestone is never half
/// written. Returns the path written.
pub fn save(
    workspace: &Path,
    name: &str,
    created: &str,
    kwar_version: &str,
    mut report: Value,
    force: bool,
) -> Result<PathBuf, MilestoneError> {
    let path = check_new(workspace, name, force)?;
    if let Value::Object(map) = &mut report {
        map.insert(
            "milestone".into(),
            json!({"name": name, "created": created, "kwarVersion": kwar_version}),
        );
    }
    let dir = workspace.join(MILESTONES_DIR);
    let write_err = |source| MilestoneError::Write {
        path: path.clone(),
        source,
    };
    fs::create_dir_all(&dir).map_err(write_err)?;
    let temporary = dir.join(format!(".{name}.json.tmp"));
    let written = (|| {
        let mut file = io::BufWriter::new(fs::File::create(&temporary)?);
        serde_json::to_writer_pretty(&mut file, &report)?;
        file.write_all(b"\n")?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    if let Err(e) = written.and_then(|()| fs::rename(&temporary, &path)) {
        let _ = fs::remove_file(&temporary);
        return Err(write_err(e));
    }
    Ok(path)
}

/// The names of the milestones in `workspace`, sorted.
pub fn list(workspace: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(workspace.join(MILESTONES_DIR)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| {
            let file = e.file_name().into_string().ok()?;
            let name = file.strip_suffix(".json")?.to_string();
            validate_name(&name).is_ok().then_some(name)
        })
        .collect();
    names.sort();
    names
}

/// Where a report argument of `kwar diff` came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Milestone(String),
    File,
}

/// A report read for a diff: where it came from and what it says.
#[derive(Debug, Clone)]
pub struct LoadedReport {
    pub origin: Origin,
    pub path: PathBuf,
    pub doc: ReportDoc,
}

impl LoadedReport {
    /// How reports name this one: the milestone's name, or the file's path.
    pub fn label(&self) -> String {
        match &self.origin {
            Origin::Milestone(name) => name.clone(),
            Origin::File => self.path.display().to_string(),
        }
    }
}

/// Resolves a `kwar diff` argument. An argument with a path separator or ending in `.json` is
/// a file; anything else is a milestone name in `workspace` (or, when there is no such
/// milestone but a file of that name exists, that file).
pub fn resolve(workspace: &Path, spec: &str) -> Result<LoadedReport, MilestoneError> {
    let looks_like_path = spec.contains('/')
        || spec.contains(std::path::MAIN_SEPARATOR)
        || spec.to_ascii_lowercase().ends_with(".json");
    if !looks_like_path && validate_name(spec).is_ok() {
        let path = milestone_path(workspace, spec);
        if path.is_file() {
            let doc = load_report(&path)?;
            return Ok(LoadedReport {
                origin: Origin::Milestone(spec.to_string()),
                path,
                doc,
            });
        }
        if !Path::new(spec).is_file() {
            return Err(MilestoneError::Unknown {
                name: spec.to_string(),
                dir: workspace.join(MILESTONES_DIR),
                available: list(workspace),
            });
        }
    }
    let path = PathBuf::from(spec);
    if !looks_like_path && !path.is_file() {
        // Not a valid name and not a file either.
        return Err(MilestoneError::Unknown {
            name: spec.to_string(),
            dir: workspace.join(MILESTONES_DIR),
            available: list(workspace),
        });
    }
    let doc = load_report(&path)?;
    Ok(LoadedReport {
        origin: Origin::File,
        path,
        doc,
    })
}

/// Reads a kwar JSON report (a milestone, `kwar review --format json` or `kwar scan
/// --format json`). Syntax and shape errors carry serde_json's line and column; a report of
/// another `schemaVersion` is refused with the version that wrote it.
pub fn load_report(path: &Path) -> Result<ReportDoc, MilestoneError> {
    let text = fs::read_to_string(path).map_err(|source| MilestoneError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_report(path, &text)
}

/// [`load_report`] on text already read; `path` names it in errors.
pub fn parse_report(path: &Path, text: &str) -> Result<ReportDoc, MilestoneError> {
    const HINT: &str = "kwar diff reads milestones and the JSON reports of `kwar review \
                        --format json` (or `kwar scan --format json`)";
    let invalid = |e: serde_json::Error, what: &str| MilestoneError::Invalid {
        path: path.to_path_buf(),
        line: (e.line() > 0).then_some(e.line()),
        column: (e.column() > 0).then_some(e.column()),
        message: format!("{what}: {e}")
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
        hint: Some(HINT.to_string()),
    };
    let probe: Probe =
        serde_json::from_str(text).map_err(|e| invalid(e, "not a kwar JSON report"))?;
    match probe.schema_version {
        Some(Value::String(v)) if v == SCHEMA_VERSION => {}
        Some(found) => {
            let found = found
                .as_str()
                .map_or_else(|| found.to_string(), str::to_string);
            let writer = probe
                .tool
                .and_then(|t| t.version)
                .map_or_else(String::new, |v| format!(", written by kwar {v}"));
            return Err(MilestoneError::Invalid {
                path: path.to_path_buf(),
                line: None,
                column: None,
                message: format!(
                    "schemaVersion {found}{writer} is not supported: this kwar ({}) reads schemaVersion {SCHEMA_VERSION}",
                    env!("CARGO_PKG_VERSION")
                ),
                hint: Some(
                    "compare it with the kwar version that wrote it, or review again with this one"
                        .to_string(),
                ),
            });
        }
        None => {
            return Err(MilestoneError::Invalid {
                path: path.to_path_buf(),
                line: None,
                column: None,
                message: "no `schemaVersion`: not a kwar JSON report".to_string(),
                hint: Some(HINT.to_string()),
            })
        }
    }
    serde_json::from_str(text).map_err(|e| invalid(e, "not a valid kwar JSON report"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Probe {
    #[serde(default)]
    schema_version: Option<Value>,
    #[serde(default)]
    tool: Option<ToolDoc>,
}

/// The parts of a JSON report a diff reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a kwar JSON report (an object)")]
pub struct ReportDoc {
    #[serde(default)]
    pub tool: Option<ToolDoc>,
    #[serde(default)]
    pub milestone: Option<MilestoneDoc>,
    #[serde(default)]
    pub findings: Vec<FindingDoc>,
    #[serde(default)]
    pub errors: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    pub review: Option<ReviewDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "a tool (an object)")]
pub struct ToolDoc {
    #[serde(default)]
    pub version: Option<String>,
}

/// The `milestone` object kwar adds when it saves a milestone.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a milestone (an object with name)")]
pub struct MilestoneDoc {
    pub name: String,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub kwar_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a finding (an object with check, item, result, severity, object, message)")]
pub struct FindingDoc {
    pub check: String,
    pub item: String,
    pub result: String,
    pub severity: String,
    pub object: ObjectDoc,
    #[serde(default)]
    pub container: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub location: Option<LocationDoc>,
    pub message: String,
    #[serde(default)]
    pub fingerprint: Option<String>,
    #[serde(default)]
    pub suppressed: Option<Value>,
}

impl FindingDoc {
    /// The finding's fingerprint, computed as kwar does when an older report lacks it.
    pub fn key(&self) -> String {
        self.fingerprint.clone().unwrap_or_else(|| {
            kwar_report::fingerprint(
                &self.check,
                &kwar_report::ObjectRef {
                    api_version: self.object.api_version.clone().unwrap_or_default(),
                    kind: self.object.kind.clone(),
                    namespace: self.object.namespace.clone(),
                    name: self.object.name.clone(),
                },
                self.container.as_deref(),
                self.path.as_deref(),
            )
            .to_string()
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "an object reference (kind, name)")]
pub struct ObjectDoc {
    #[serde(default)]
    pub api_version: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjectDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(expecting = "a location (file, line)")]
pub struct LocationDoc {
    pub file: String,
    pub line: u64,
    #[serde(default)]
    pub column: Option<u64>,
}

/// The `review` section's parts a diff reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a review section (an object)")]
pub struct ReviewDoc {
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub items: Vec<ItemDoc>,
    #[serde(default)]
    pub pillars: BTreeMap<String, GroupDoc>,
    #[serde(default)]
    pub areas: BTreeMap<String, GroupDoc>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(expecting = "a review item (an object with id, status, risk)")]
pub struct ItemDoc {
    pub id: String,
    #[serde(default)]
    pub agenda: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    pub status: String,
    pub risk: String,
    #[serde(default)]
    pub answer: Option<AnswerDoc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "an answer (an object)")]
pub struct AnswerDoc {
    #[serde(default)]
    pub choice: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub risk: Option<String>,
    #[serde(default)]
    pub not_applicable: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(expecting = "a score group (an object)")]
pub struct GroupDoc {
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub high_risk: Option<u64>,
    #[serde(default)]
    pub medium_risk: Option<u64>,
    #[serde(default)]
    pub unanswered: Option<u64>,
}
