//! `kwar review`: the scan pipeline for evidence, the answers file, and the review model of
//! `kwar_review` rendered as text, JSON, Markdown or HTML.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use kwar_catalog::Catalog;
use kwar_review::{
    build, render_report, review_json, write_review_text, Answers, EvidenceSummary, ReportFormat,
    Risk, TemplateChoice,
};

use crate::cli::{ColorChoice, FailOn, Format, ReviewArgs, ReviewFailOn, ReviewFormat, ScanArgs};

/// The answers file looked up in the workspace when `--answers` is not given.
pub const DEFAULT_ANSWERS: &str = "review.yaml";

pub fn run(args: ReviewArgs) -> Result<ExitCode, String> {
    if args.interactive {
        crate::interactive::require_terminal()?;
        if args.paths.iter().any(|p| p == "-") {
            return Err(
                "--interactive reads the answers from stdin: give the evidence as \
                        files or directories, not `-`"
                    .into(),
            );
        }
    }
    // A bad or taken milestone name fails before anything is read.
    if let Some(name) = &args.milestone {
        kwar_review::milestone::check_new(&args.workspace, name, args.force)
            .map_err(|e| e.to_string())?;
    }
    // The answers file is validated before any evidence is read: its errors come first.
    // --interactive creates it when it does not exist yet.
    let answers_path: Option<PathBuf> = match &args.answers {
        Some(path) => Some(path.clone()),
        None => {
            Some(args.workspace.join(DEFAULT_ANSWERS)).filter(|p| args.interactive || p.is_file())
        }
    };
    let answers = match &answers_path {
        Some(path) if args.interactive && !path.exists() => None,
        Some(path) => Some(Answers::load(path).map_err(|errors| {
            let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!(
                "the answers file {} has {} problem{}:\n{}",
                path.display(),
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                listed.join("\n")
            )
        })?),
        None => None,
    };

    let scan_args = ScanArgs {
        paths: args.paths.clone(),
        evidence: args.evidence.clone(),
        format: Format::Json,
        output: None,
        fail_on: FailOn::Never,
        kustomize: args.kustomize,
        checks: Vec::new(),
        skip_checks: Vec::new(),
        verbose: false,
        color: ColorChoice::Never,
        rule_packs: args.rule_packs.clone(),
        config: args.config.clone(),
        no_inline_suppressions: args.no_inline_suppressions,
        show_suppressed: false,
        baseline: None,
        write_baseline: false,
    };
    let scanned = crate::scan::scan(&scan_args)?;
    let scan = &scanned.review;
    let review = build(Catalog::embedded(), scan, answers.as_ref());
    let review = match &answers_path {
        Some(path) if args.interactive => {
            let outcome = crate::interactive::run(
                &review,
                Catalog::embedded(),
                path,
                answers,
                &mut io::stdin().lock(),
                &mut io::stderr().lock(),
            )?;
            build(Catalog::embedded(), scan, outcome.answers.as_ref())
        }
        _ => review,
    };

    // Templated reports are rendered before the output file is opened: a template error
    // leaves no half-written report behind.
    let rendered = render_templated(&args, scan, &review)?;

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let written = match args.format {
        ReviewFormat::Text => write_text(scan, &review, &mut out),
        ReviewFormat::Json => write_json(scan, &review, &mut out),
        ReviewFormat::Markdown | ReviewFormat::Html => out.write_all(rendered.as_bytes()),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("cannot write the report: {e}")),
    }
    if let Some(name) = &args.milestone {
        crate::diff::save_milestone(&args.workspace, name, args.force, scan, &review)?;
    }
    if !scan.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    let failed = match args.fail_on {
        ReviewFailOn::High => review.count_at_or_above(Risk::High) > 0,
        ReviewFailOn::Medium => review.count_at_or_above(Risk::Medium) > 0,
        ReviewFailOn::Never => false,
    };
    Ok(ExitCode::from(u8::from(failed)))
}

/// The Markdown or HTML report (empty for the other formats), with the built-in template or
/// the user's (`--template FILE`, `--templates DIR`).
fn render_templated(
    args: &ReviewArgs,
    scan: &kwar_report::Review,
    review: &kwar_review::WorkloadReview,
) -> Result<String, String> {
    let format = match args.format {
        ReviewFormat::Markdown => ReportFormat::Markdown,
        ReviewFormat::Html => ReportFormat::Html,
        ReviewFormat::Text | ReviewFormat::Json => {
            if args.template.is_some() || args.templates.is_some() {
                return Err(
                    "--template and --templates apply to --format markdown and --format html"
                        .into(),
                );
            }
            return Ok(String::new());
        }
    };
    let template = match (&args.template, &args.templates) {
        (Some(file), _) => TemplateChoice::File(file.clone()),
        (None, Some(dir)) => TemplateChoice::Dir(dir.clone()),
        (None, None) => TemplateChoice::Default,
    };
    render_report(
        review,
        Some(&EvidenceSummary::from_scan(scan)),
        format,
        &template,
    )
    .map_err(|e| format!("cannot render the {} report: {e}", format.id()))
}

/// The scan's JSON report with the `review` section added.
fn write_json(
    scan: &kwar_report::Review,
    review: &kwar_review::WorkloadReview,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut buffer = Vec::new();
    kwar_report::write_json(scan, &mut buffer)?;
    let mut report: serde_json::Value = serde_json::from_slice(&buffer)
        .map_err(|e| io::Error::other(format!("the scan's JSON does not read back: {e}")))?;
    report["review"] = review_json(review);
    serde_json::to_writer(&mut *out, &report)?;
    out.write_all(b"\n")
}

fn write_text(
    scan: &kwar_report::Review,
    review: &kwar_review::WorkloadReview,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_review_text(review, out)?;
    writeln!(
        out,
        "Evidence: {} objects from {} inputs; {} findings (`kwar scan` lists them).",
        scan.objects,
        scan.inputs,
        scan.findings.len()
    )?;
    if !scan.errors.is_empty() {
        writeln!(out, "Input errors ({}):", scan.errors.len())?;
        for e in &scan.errors {
            match e.line {
                Some(line) => writeln!(out, "  {}:{line}: {}", e.file, e.message)?,
                None => writeln!(out, "  {}: {}", e.file, e.message)?,
            }
        }
    }
    Ok(())
}
