//! The cluster section of a report: what the evidence was (a live cluster, a snapshot, or
//! manifests declared complete), what could not be read, and the cluster-ready inventory —
//! for each line of the agenda's cluster-ready checklist, the components found — with the
//! retired tools still in use.

use kwar_catalog::Catalog;
use kwar_checks::Verdict;
use kwar_detect::Detections;
use kwar_inventory::{Inventory, Unreadable};
use serde_json::{json, Value};

use crate::review::ReviewFinding;

/// Checks whose findings mean "a retired or obsolete tool is in use": the inventory lists
/// them, so a reader sees at a glance what has to be replaced.
const RETIRED_TOOL_CHECKS: [&str; 7] = [
    "no-psp-objects",
    "obsolete-flux-v1",
    "app-mesh-eos",
    "no-kiam-kube2iam",
    "retired-ingress-nginx",
    "osb-catalog-retired",
    "no-aws-service-operator",
];

/// Checklist titles are cut to this many characters in text output, so the findings line up.
const TITLE_WIDTH: usize = 40;

/// The agenda section whose lines the inventory follows.
const CHECKLIST_SECTION: &str = "cluster-ready-checklist";

#[derive(Debug, Clone)]
pub struct ClusterSection {
    pub name: String,
    /// `live`, `snapshot` or `manifests`.
    pub source: String,
    /// The evidence is the whole cluster: "nothing found" means absent.
    pub complete: bool,
    pub server_version: Option<String>,
    pub unreadable: Vec<Unreadable>,
    pub absent_groups: Vec<String>,
    pub checklist: Vec<ChecklistLine>,
    pub retired: Vec<RetiredTool>,
}

/// One line of the cluster-ready checklist and what was found for it.
#[derive(Debug, Clone)]
pub struct ChecklistLine {
    pub item: String,
    pub agenda: String,
    pub components: Vec<Component>,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub detector: String,
    pub what: String,
    pub namespaces: Vec<String>,
    pub version: Option<String>,
    pub obsolete: bool,
    /// The first objects that revealed it (`Deployment monitoring/prometheus-operator`).
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RetiredTool {
    pub check: String,
    pub object: String,
    pub message: String,
}

impl ClusterSection {
    /// The section for an input that carries cluster evidence; `None` for manifests alone.
    pub fn new(
        inv: &Inventory,
        detections: &Detections,
        findings: &[ReviewFinding],
    ) -> Option<ClusterSection> {
        let evidence = inv.cluster()?;
        let object = inv.object(evidence.object);
        let catalog = Catalog::embedded();
        let checklist = catalog
            .items
            .iter()
            .filter(|i| i.section == CHECKLIST_SECTION && i.parent.is_none())
            .map(|item| {
                // The line's own detectors: its sub-items' lists also name context (Karpenter
                // for OpenEBS local volumes, Fargate for Twistlock) that is not what the line
                // asks about. A line without any (User and Pod Authorization) takes its
                // sub-items'.
                let mut detectors: Vec<&str> = item.detectors.iter().map(String::as_str).collect();
                if detectors.is_empty() {
                    for child in catalog
                        .items
                        .iter()
                        .filter(|c| c.parent.as_deref() == Some(&item.id))
                    {
                        for d in &child.detectors {
                            if !detectors.contains(&d.as_str()) {
                                detectors.push(d);
                            }
                        }
                    }
                }
                ChecklistLine {
                    item: item.id.clone(),
                    agenda: item.agenda.clone(),
                    components: detectors
                        .iter()
                        .filter_map(|d| detections.get(d))
                        .map(|d| Component {
                            detector: d.detector.to_string(),
                            what: d.what.to_string(),
                            namespaces: d.namespaces().into_iter().map(String::from).collect(),
                            version: d.version().map(String::from),
                            obsolete: d.is_obsolete(),
                            evidence: d.matches.iter().take(3).map(|m| m.detail.clone()).collect(),
                        })
                        .collect(),
                }
            })
            .collect();
        let retired = findings
            .iter()
            .filter(|f| RETIRED_TOOL_CHECKS.contains(&f.check))
            .filter(|f| matches!(f.verdict, Verdict::Fail | Verdict::Warn))
            .map(|f| RetiredTool {
                check: f.check.to_string(),
                object: match &f.object.namespace {
                    Some(ns) => format!("{} {ns}/{}", f.object.kind, f.object.name),
                    None => format!("{} {}", f.object.kind, f.object.name),
                },
                message: f.message.clone(),
            })
            .collect();
        Some(ClusterSection {
            name: object.name().to_string(),
            source: evidence.source.clone(),
            complete: evidence.complete,
            server_version: evidence.server_version.clone(),
            unreadable: evidence.unreadable.clone(),
            absent_groups: evidence.absent_groups.clone(),
            checklist,
            retired,
        })
    }

    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "source": self.source,
            "complete": self.complete,
            "serverVersion": self.server_version,
            "unreadable": self.unreadable.iter().map(|u| json!({
                "group": u.group,
                "resource": u.resource,
                "code": u.code,
                "permission": u.permission,
                "message": u.message,
            })).collect::<Vec<_>>(),
            "absentGroups": self.absent_groups,
            "inventory": self.checklist.iter().map(|l| json!({
                "item": l.item,
                "agenda": l.agenda,
                "found": l.components.iter().map(|c| json!({
                    "detector": c.detector,
                    "what": c.what,
                    "namespaces": c.namespaces,
                    "version": c.version,
                    "obsolete": c.obsolete,
                    "evidence": c.evidence,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "retiredTools": self.retired.iter().map(|r| json!({
                "check": r.check,
                "object": r.object,
                "message": r.message,
            })).collect::<Vec<_>>(),
        })
    }

    /// The section as text lines (the caller paints the heading).
    pub fn text_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let version = self
            .server_version
            .as_deref()
            .map(|v| format!(", Kubernetes {v}"))
            .unwrap_or_default();
        let scope = if self.complete {
            "whole cluster"
        } else {
            "partial: absence checks not evaluated"
        };
        lines.push(format!("{} ({}{version}; {scope})", self.name, self.source));
        for line in &self.checklist {
            let found = if line.components.is_empty() {
                if self.complete {
                    "nothing found".to_string()
                } else {
                    "nothing in the input".to_string()
                }
            } else {
                line.components
                    .iter()
                    .map(|c| {
                        let mut s = c.what.split(" (").next().unwrap_or(&c.what).to_string();
                        if let Some(v) = &c.version {
                            s.push_str(&format!(" {v}"));
                        }
                        if !c.namespaces.is_empty() {
                            s.push_str(&format!(" [{}]", c.namespaces.join(", ")));
                        }
                        if c.obsolete {
                            s.push_str(" (obsolete)");
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let title = line.agenda.split(" (").next().unwrap_or(&line.agenda);
            let title = match title.char_indices().nth(TITLE_WIDTH - 1) {
                Some((cut, _)) => format!("{}…", &title[..cut]),
                None => title.to_string(),
            };
            lines.push(format!("  {title:<TITLE_WIDTH$} {found}"));
        }
        for r in &self.retired {
            lines.push(format!("  retired: {} — {}", r.object, r.message));
        }
        for u in &self.unreadable {
            let code = u.code.map(|c| format!(" ({c})")).unwrap_or_default();
            lines.push(format!(
                "  not read{code}: {} — grant `{}`; the checks that need it are unknown",
                u.qualified_name(),
                u.permission
            ));
        }
        lines
    }
}
