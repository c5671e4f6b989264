//! `kwar explain` and `kwar rules`: the documentation of the checks, from their doc comments,
//! the catalog and their fixtures. `kwar rules --format markdown` is `docs/checks.md`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use kwar_catalog::{Catalog, CheckSpec, Item, Pillar};
use kwar_checks::example::find_failing_example;
use kwar_checks::{all_checks, find_check, CheckDef};

use crate::cli::{ExplainArgs, RulesArgs, RulesFormat};

/// A registered check with its catalog entry and item.
struct Documented {
    check: &'static CheckDef,
    spec: &'static CheckSpec,
    item: &'static Item,
}

impl Documented {
    fn of(check: &'static CheckDef) -> Documented {
        let catalog = Catalog::embedded();
        let spec = catalog
            .check(check.id)
            .expect("registered checks are catalog checks");
        let item = catalog
            .item(&spec.item)
            .expect("catalog checks belong to items");
        Documented { check, spec, item }
    }

    fn pillars(&self) -> Vec<&'static str> {
        self.item.pillars.iter().map(|p| p.id()).collect()
    }

    fn metadata_line(&self) -> String {
        format!(
            "item: {} ({})  ·  area: {}  ·  severity: {} (warn: {})  ·  pillars: {}",
            self.item.id,
            self.item.agenda,
            self.item.area,
            self.spec.severity,
            self.spec.severity.lowered(),
            self.pillars().join(", ")
        )
    }

    /// The doc comment with the failing example inserted before "How to fix", so the text
    /// reads: what it checks, why it matters, failing example, how to fix, references.
    fn body(&self) -> String {
        let doc = self.check.documentation();
        let doc = doc.trim_end();
        let example = self.failing_example_section();
        match doc.find("## How to fix") {
            Some(at) => format!("{}{example}\n{}\n", &doc[..at], &doc[at..]),
            None => format!("{doc}\n\n{example}"),
        }
    }

    fn failing_example_section(&self) -> String {
        let Some(example) = find_failing_example(self.check) else {
            return String::new();
        };
        let mut out = String::from("## Failing example\n");
        let _ = writeln!(out, "```yaml\n{}\n```", example.yaml.trim_end());
        let _ = writeln!(out, "kwar reports `{}`:", example.verdict.id());
        for message in &example.messages {
            let _ = writeln!(out, "- {message}");
        }
        out
    }
}

pub fn explain(args: ExplainArgs) -> Result<ExitCode, String> {
    let catalog = Catalog::embedded();
    if find_check(&args.check).is_none() {
        if let Some(entry) = detector_entry(&args.check) {
            return emit(&format!(
                "# detector {}\n\nWhat kwar looks for to find this component (the catalog's entry;\n\
                 `eks_addons` and `aws` signals need AWS account evidence):\n\n```yaml\n{entry}```\n",
                args.check
            ));
        }
    }
    let check = find_check(&args.check).ok_or_else(|| match catalog.check(&args.check) {
        Some(spec) => format!(
            "`{}` is a catalog check of mode {:?} that kwar does not run yet",
            spec.id, spec.mode
        ),
        None => format!(
            "unknown check or detector `{}` (`kwar rules` lists the checks)",
            args.check
        ),
    })?;
    let documented = Documented::of(check);
    emit(&format!(
        "# {}\n\n{}\n\n{}",
        check.id,
        documented.metadata_line(),
        documented.body()
    ))
}

/// A detector's entry as the embedded catalog writes it, under `detectors:`.
fn detector_entry(id: &str) -> Option<String> {
    let source = kwar_catalog::source_text();
    let start = source.find("\ndetectors:\n")? + "\ndetectors:\n".len();
    let heading = format!("  {id}:\n");
    let mut lines = source[start..].lines();
    let mut entry = String::new();
    let mut inside = false;
    for line in lines.by_ref() {
        // The section ends at the next top-level key.
        if !line.is_empty() && !line.starts_with(' ') && !line.starts_with('#') {
            break;
        }
        let opens_entry = line.starts_with("  ") && !line.starts_with("   ") && line.ends_with(':');
        if opens_entry {
            if inside {
                break;
            }
            inside = format!("{line}\n") == heading;
        }
        if inside {
            entry.push_str(line);
            entry.push('\n');
        }
    }
    // Comment lines after the entry belong to what follows it.
    while let Some(last) = entry.trim_end_matches('\n').rsplit('\n').next() {
        if !(last.trim().is_empty() || last.starts_with('#')) || entry.is_empty() {
            break;
        }
        let cut = entry.trim_end_matches('\n').len() - last.len();
        entry.truncate(cut);
    }
    let entry = entry.trim_end();
    (!entry.is_empty()).then(|| format!("{entry}\n"))
}

pub fn rules(args: RulesArgs) -> Result<ExitCode, String> {
    let catalog = Catalog::embedded();
    let pillar = match &args.pillar {
        Some(id) => Some(Pillar::from_id(id).ok_or_else(|| {
            let known: Vec<_> = Pillar::ALL.iter().map(|p| p.id()).collect();
            format!("unknown pillar `{id}` (one of: {})", known.join(", "))
        })?),
        None => None,
    };
    if let Some(area) = &args.area {
        if !catalog.items.iter().any(|item| &item.area == area) {
            let mut known: Vec<_> = catalog.items.iter().map(|i| i.area.as_str()).collect();
            known.dedup();
            return Err(format!(
                "unknown area `{area}` (one of: {})",
                known.join(", ")
            ));
        }
    }
    let checks: Vec<Documented> = all_checks()
        .into_iter()
        .map(Documented::of)
        .filter(|d| pillar.is_none_or(|p| d.item.pillars.contains(&p)))
        .filter(|d| args.area.as_ref().is_none_or(|a| &d.item.area == a))
        .collect();
    emit(&match args.format {
        RulesFormat::Table => table(&checks),
        RulesFormat::Json => json(&checks) + "\n",
        RulesFormat::Markdown => markdown(&checks),
    })
}

/// Writes to stdout; a reader that stops early (`kwar rules | head`) is not an error.
fn emit(text: &str) -> Result<ExitCode, String> {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

fn table(checks: &[Documented]) -> String {
    let rows: Vec<[String; 5]> = checks
        .iter()
        .map(|d| {
            [
                d.check.id.to_string(),
                d.spec.severity.id().to_string(),
                d.item.area.clone(),
                d.pillars().join(","),
                d.item.id.clone(),
            ]
        })
        .collect();
    let header = ["CHECK", "SEVERITY", "AREA", "PILLARS", "ITEM"].map(String::from);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn json(checks: &[Documented]) -> String {
    let list: Vec<serde_json::Value> = checks
        .iter()
        .map(|d| {
            serde_json::json!({
                "check": d.check.id,
                "item": d.item.id,
                "agenda": d.item.agenda,
                "area": d.item.area,
                "severity": d.spec.severity.id(),
                "pillars": d.pillars(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).expect("plain values serialise")
}

/// The Markdown reference: a table of contents by area, then one `## <check-id>` section per
/// check with its metadata line and its explain text (headings one level down).
fn markdown(checks: &[Documented]) -> String {
    let mut areas: Vec<(&str, Vec<&Documented>)> = Vec::new();
    for d in checks {
        match areas.iter_mut().find(|(area, _)| *area == d.item.area) {
            Some((_, list)) => list.push(d),
            None => areas.push((&d.item.area, vec![d])),
        }
    }
    let mut out = String::new();
    out.push_str("# kwar checks\n\n");
    out.push_str(
        "Every check kwar runs on manifests: what it checks, why it matters, a manifest it \
         flags (taken from the check's test fixture, so kwar really flags it), how to fix it \
         and references. The same text is printed by `kwar explain <check>`.\n\n",
    );
    out.push_str(
        "<!-- Generated by `cargo run -p kwar -- rules --format markdown > docs/checks.md`; \
         do not edit by hand (crates/kwar/tests/checks_doc.rs fails when it is stale). -->\n\n",
    );
    out.push_str("## Contents\n\n");
    for (area, list) in &areas {
        let links: Vec<String> = list
            .iter()
            .map(|d| format!("[{0}](#{0})", d.check.id))
            .collect();
        let _ = writeln!(
            out,
            "- [{}](#{}): {}",
            area_title(area),
            anchor(&area_title(area)),
            links.join(", ")
        );
    }
    for (area, list) in &areas {
        let _ = write!(out, "\n# {}\n", area_title(area));
        for d in list {
            let _ = write!(
                out,
                "\n## {}\n\n{}\n\n{}",
                d.check.id,
                d.metadata_line(),
                demote_headings(&d.body())
            );
        }
    }
    out
}

fn area_title(area: &str) -> String {
    let mut chars = area.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{} checks", first.unwrap_or_default(), chars.as_str())
}

/// GitHub's anchor for a heading made of words and spaces.
fn anchor(heading: &str) -> String {
    heading.to_lowercase().replace(' ', "-")
}

/// Moves every Markdown heading one level down, leaving fenced code (YAML comments) alone.
fn demote_headings(text: &str) -> String {
    let mut in_code = false;
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_move_down_but_yaml_comments_stay() {
        let text = "## What it checks\nx\n```yaml\n# a comment\nkind: Pod\n```\n## How to fix\n";
        assert_eq!(
            demote_headings(text),
            "### What it checks\nx\n```yaml\n# a comment\nkind: Pod\n```\n### How to fix\n"
        );
    }

    #[test]
    fn explain_sections_come_in_reading_order() {
        let body = Documented::of(find_check("readiness-probe-defined").unwrap()).body();
        let at = |heading: &str| body.find(heading).unwrap_or_else(|| panic!("no {heading}"));
        assert!(at("## What it checks") < at("## Why it matters"));
        assert!(at("## Why it matters") < at("## Failing example"));
        assert!(at("## Failing example") < at("## How to fix"));
        assert!(at("## How to fix") < at("## References"));
    }
}
