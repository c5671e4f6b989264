//! `--format json`: the contract in `design/report-schema.json` (schemaVersion 1). Findings
//! are written one at a time, so a large review is never held twice in memory.

use std::io::{self, Write};

use kwar_catalog::{Pillar, Severity};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::review::{Fingerprint, Review, ReviewFinding};

pub fn write_json(review: &Review, out: &mut dyn Write) -> io::Result<()> {
    let mut counts = Map::new();
    for s in Severity::ALL {
        counts.insert(s.id().into(), json!(review.count(s)));
    }
    counts.insert("unknown".into(), json!(review.unknown_count()));
    let mut pillars = Map::new();
    for p in Pillar::ALL {
        pillars.insert(
            p.id().into(),
            json!({ "score": review.scores.pillars.get(&p).copied().flatten() }),
        );
    }
    let mut summary = json!({
        "objects": review.objects,
        "findings": counts,
        "score": review.scores.overall,
        "pillars": pillars,
        "inputs": review.inputs,
        "bytes": review.bytes,
        "skippedFiles": review.skipped.iter().map(|s| s.as_ref()).collect::<Vec<_>>(),
        "errors": review.errors.len(),
        "checks": review.tallies.iter().map(|t| json!({
            "check": t.check,
            "passed": t.passed,
            "warned": t.warned,
            "failed": t.failed,
            "unknown": t.unknown,
        })).collect::<Vec<_>>(),
    });
    crate::suppress::add_policy_summary(review, &mut summary);
    let errors: Vec<Value> = review
        .errors
        .iter()
        .map(|e| json!({ "file": e.file.as_ref(), "line": e.line, "message": e.message }))
        .collect();
    write!(
        out,
        "{{\"schemaVersion\":\"1\",\"tool\":{},\"summary\":{},\"errors\":{},",
        json!({ "name": "kwar", "version": env!("CARGO_PKG_VERSION") }),
        summary,
        Value::Array(errors)
    )?;
    if let Some(cluster) = &review.cluster {
        write!(out, "\"cluster\":{},", cluster.to_json())?;
    }
    out.write_all(b"\"findings\":[")?;
    // Each finding is serialized into one reused buffer, then written in one call: serde_json
    // writes a value in many small pieces, each a dynamic call on `out`.
    let mut buf = Vec::with_capacity(4096);
    for (i, f) in review.findings.iter().enumerate() {
        buf.clear();
        if i > 0 {
            buf.push(b',');
        }
        buf.push(b'\n');
        serde_json::to_writer(&mut buf, &finding(f))?;
        out.write_all(&buf)?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()
}

/// One finding as the schema has it. The fields are in alphabetical order, the order the
/// report has always had (it was built from `serde_json` maps, which sort their keys); they
/// borrow from the finding, so writing one allocates nothing.
#[derive(Serialize)]
struct JsonFinding<'a> {
    area: &'a str,
    check: &'a str,
    container: Option<&'a str>,
    fingerprint: Fingerprint,
    item: &'a str,
    location: JsonLocation<'a>,
    message: &'a str,
    object: JsonObject<'a>,
    path: Option<&'a str>,
    pillars: JsonPillars<'a>,
    references: &'a [String],
    remediation: &'a str,
    result: &'static str,
    severity: &'static str,
    suppressed: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    column: u32,
    file: &'a str,
    line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    template: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonObject<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    expires: Option<&'a str>,
    kind: &'static str,
    reason: &'a str,
}

/// Pillars as their ids.
struct JsonPillars<'a>(&'a [Pillar]);

impl Serialize for JsonPillars<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|p| p.id()))
    }
}

fn finding(f: &ReviewFinding) -> JsonFinding<'_> {
    JsonFinding {
        area: f.area(),
        check: f.check,
        container: f.container.as_deref(),
        fingerprint: f.fingerprint,
        item: f.item(),
        location: JsonLocation {
            column: f.location.column,
            file: &f.location.file,
            line: f.location.line,
            template: f.location.template.as_deref(),
        },
        message: &f.message,
        object: JsonObject {
            api_version: &f.object.api_version,
            kind: &f.object.kind,
            name: &f.object.name,
            namespace: f.object.namespace.as_deref(),
        },
        path: f.path.as_deref(),
        pillars: JsonPillars(f.pillars()),
        references: f.references(),
        remediation: f.remediation(),
        result: f.verdict.id(),
        severity: f.severity.id(),
        suppressed: f.suppression.as_ref().map(|s| JsonSuppression {
            expires: s.expires.as_deref(),
            kind: s.kind.id(),
            reason: &s.reason,
        }),
    }
}
