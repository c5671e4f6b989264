//! `--format text`: findings grouped by object, with `file:line`, then a summary with counts
//! and pillar scores.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use kwar_catalog::{Pillar, Severity};
use kwar_checks::Verdict;

use crate::review::Review;

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub color: bool,
    /// List skipped files (inputs without Kubernetes objects).
    pub verbose: bool,
    /// List suppressed findings too, each with its reason (`--show-suppressed`).
    pub show_suppressed: bool,
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => AnsiColor::Red.on_default().effects(Effects::BOLD),
        Severity::High => AnsiColor::Red.on_default(),
        Severity::Medium => AnsiColor::Yellow.on_default(),
        Severity::Low => AnsiColor::Cyan.on_default(),
        Severity::Info => AnsiColor::BrightBlack.on_default(),
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

pub fn write_text(review: &Review, options: TextOptions, out: &mut dyn Write) -> io::Result<()> {
    let p = Painter {
        color: options.color,
    };
    let bold = Style::new().effects(Effects::BOLD);
    let dim = AnsiColor::BrightBlack.on_default();
    let mut current: Option<(&str, &crate::ObjectRef)> = None;
    // Check ids padded to the longest one shown, so that messages line up.
    let check_width = review
        .findings
        .iter()
        .filter(|f| options.show_suppressed || f.suppression.is_none())
        .map(|f| f.check.len())
        .max()
        .unwrap_or(0);
    let shown = review
        .findings
        .iter()
        .filter(|f| options.show_suppressed || f.suppression.is_none());
    for f in shown {
        let key = (f.location.file.as_ref(), &*f.object);
        if current != Some(key) {
            current = Some(key);
            let ns = f
                .object
                .namespace
                .as_deref()
                .map(|n| format!("{n}/"))
                .unwrap_or_default();
            let template = f
                .location
                .template
                .as_deref()
                .map(|t| format!("  (template {t})"))
                .unwrap_or_default();
            writeln!(out)?;
            writeln!(
                out,
                "{} {}{}",
                p.paint(bold, &format!("{} {ns}{}", f.object.kind, f.object.name)),
                p.paint(dim, &f.location.file),
                p.paint(dim, &template)
            )?;
        }
        let label = match f.verdict {
            Verdict::Unknown => "unknown".to_string(),
            _ => f.severity.id().to_string(),
        };
        writeln!(
            out,
            "  {:>5}  {}  {}  {}",
            format!("{}:{}", f.location.line, f.location.column),
            p.paint(severity_style(f.severity), &format!("{label:<8}")),
            p.paint(bold, &format!("{:<check_width$}", f.check)),
            f.message
        )?;
        if let Some(s) = &f.suppression {
            let expires = s
                .expires
                .as_deref()
                .map(|e| format!(", until {e}"))
                .unwrap_or_default();
            writeln!(
                out,
                "         {}",
                p.paint(
                    dim,
                    &format!("suppressed ({}{expires}): {}", s.kind.id(), s.reason)
                )
            )?;
        }
    }
    crate::suppress::write_policy_notes(review, &mut |line, alert| {
        let style = if alert {
            AnsiColor::Yellow.on_default().effects(Effects::BOLD)
        } else {
            dim
        };
        writeln!(out, "{}", p.paint(style, line))
    })?;
    if let Some(cluster) = &review.cluster {
        writeln!(out)?;
        writeln!(out, "{}", p.paint(bold, "Cluster-ready inventory"))?;
        for line in cluster.text_lines() {
            writeln!(out, "{line}")?;
        }
    }
    if !review.errors.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.paint(
                AnsiColor::Red.on_default().effects(Effects::BOLD),
                "Input errors"
            )
        )?;
        for e in &review.errors {
            let line = e.line.map(|l| format!(":{l}")).unwrap_or_default();
            writeln!(out, "  {}{line}: {}", e.file, e.message)?;
        }
    }
    if options.verbose && !review.skipped.is_empty() {
        writeln!(out)?;
        writeln!(out, "Skipped (no Kubernetes objects):")?;
        for s in &review.skipped {
            writeln!(out, "  {s}")?;
        }
    }
    writeln!(out)?;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .map(|&s| {
            p.paint(
                severity_style(s),
                &format!("{} {}", review.count(s), s.id()),
            )
        })
        .collect();
    let total: usize = Severity::ALL.iter().map(|&s| review.count(s)).sum();
    writeln!(
        out,
        "{} objects from {} inputs{}, {} findings: {}{}",
        review.objects,
        review.inputs,
        if review.skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} files without objects skipped)", review.skipped.len())
        },
        total,
        counts.join(", "),
        match review.unknown_count() {
            0 => String::new(),
            n => format!(", {n} undecided"),
        }
    )?;
    if let Some(line) = crate::suppress::suppressed_summary(review, options.show_suppressed) {
        writeln!(out, "{line}")?;
    }
    let pillars: Vec<String> = Pillar::ALL
        .iter()
        .map(
            |pl| match review.scores.pillars.get(pl).copied().flatten() {
                Some(s) => format!("{} {s:.0}", pl.id()),
                None => format!("{} -", pl.id()),
            },
        )
        .collect();
    writeln!(
        out,
        "{} {}/100  ({})",
        p.paint(bold, "Score"),
        p.paint(bold, &format!("{:.0}", review.scores.overall)),
        pillars.join(" · ")
    )?;
    if !review.errors.is_empty() {
        writeln!(
            out,
            "{} inputs could not be read completely (see above)",
            review.errors.len()
        )?;
    }
    Ok(())
}
