//! `kwar diff A B` and the saving half of `kwar review --milestone NAME`: thin wiring around
//! `kwar_review::milestone` (files) and `kwar_review::diff` (the comparison and its renderings).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::{SecondsFormat, Utc};
use kwar_review::{diff, diff_json, milestone, review_json, write_diff_markdown, write_diff_text};

use crate::cli::{DiffArgs, DiffFormat};

/// Saves the review as milestone `name` in `workspace` and says where on stderr.
pub fn save_milestone(
    workspace: &Path,
    name: &str,
    force: bool,
    scan: &kwar_report::Review,
    review: &kwar_review::WorkloadReview,
) -> Result<(), String> {
    let mut buffer = Vec::new();
    kwar_report::write_json(scan, &mut buffer)
        .map_err(|e| format!("cannot build the milestone's report: {e}"))?;
    let mut report: serde_json::Value = serde_json::from_slice(&buffer)
        .map_err(|e| format!("the scan's JSON does not read back: {e}"))?;
    report["review"] = review_json(review);
    let created = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let path = milestone::save(
        workspace,
        name,
        &created,
        env!("CARGO_PKG_VERSION"),
        report,
        force,
    )
    .map_err(|e| e.to_string())?;
    eprintln!("kwar: milestone `{name}` saved to {}", path.display());
    Ok(())
}

pub fn run(args: DiffArgs) -> Result<ExitCode, String> {
    let from = milestone::resolve(&args.workspace, &args.from).map_err(|e| e.to_string())?;
    let to = milestone::resolve(&args.workspace, &args.to).map_err(|e| e.to_string())?;
    let d = diff(&from, &to);

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let written = match args.format {
        DiffFormat::Text => write_diff_text(&d, &mut out),
        DiffFormat::Markdown => write_diff_markdown(&d, &mut out),
        DiffFormat::Json => serde_json::to_writer_pretty(&mut out, &diff_json(&d))
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n")),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(format!("cannot write the diff: {e}")),
    }
}
