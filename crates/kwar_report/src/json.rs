//! `--format json`: the contract in `design/report-schema.json` (schemaVersion 1). Findings
//! are written one at a time, so a large review is never held twice in memory.

use std::io::{self, Write};

use kwar_catalog::{Pillar, Severity};
use serde_json::{json, Map, Value};

use crate::review::{Review, ReviewFinding};

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
        "{{\"schemaVersion\":\"1\",\"tool\":{},\"summary\":{},\"errors\":{},\"findings\":[",
        json!({ "name": "kwar", "version": env!("CARGO_PKG_VERSION") }),
        summary,
        Value::Array(errors)
    )?;
    for (i, f) in review.findings.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &finding(f))?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()
}

fn finding(f: &ReviewFinding) -> Value {
    let mut location = json!({
        "file": f.location.file.as_ref(),
        "line": f.location.line,
        "column": f.location.column,
    });
    if let Some(template) = &f.location.template {
        location["template"] = json!(template.as_ref());
    }
    json!({
        "check": f.check,
        "item": f.item,
        "area": f.area,
        "result": f.verdict.id(),
        "severity": f.severity.id(),
        "pillars": f.pillars.iter().map(|p| p.id()).collect::<Vec<_>>(),
        "object": {
            "apiVersion": f.object.api_version,
            "kind": f.object.kind,
            "namespace": f.object.namespace,
            "name": f.object.name,
        },
        "container": f.container,
        "path": f.path,
        "location": location,
        "message": f.message,
        "remediation": f.remediation,
        "references": f.references,
        "fingerprint": f.fingerprint,
        "suppressed": f.suppression.as_ref().map(|s| json!({
            "kind": s.kind.id(),
            "reason": s.reason,
            "expires": s.expires,
        })),
    })
}
