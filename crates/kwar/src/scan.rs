use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use kwar_catalog::Severity;
use kwar_checks::{all_checks, run_checks, CheckDef};
use kwar_detect::Detections;
use kwar_inventory::Inventory;
use kwar_report::{
    write_json, write_junit, write_sarif, write_text, Review, ReviewInputs, ReviewOptions,
    TextOptions,
};
use kwar_source::{collect_inputs, read_objects, InputOptions};

use crate::cli::{ColorChoice, FailOn, Format, ScanArgs};

pub fn run(args: ScanArgs) -> Result<ExitCode, String> {
    let Scanned { review, inventory } = scan(&args)?;

    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    // Reports of large inputs run to hundreds of MB: a larger buffer means fewer write calls.
    const BUFFER: usize = 1 << 16;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::with_capacity(
            BUFFER,
            File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(BUFFER, io::stdout().lock())),
    };
    let written = match args.format {
        _ if args.write_baseline => kwar_report::Baseline::from_review(&review).write(&mut out),
        Format::Text => write_text(
            &review,
            TextOptions {
                color,
                verbose: args.verbose,
                show_suppressed: args.show_suppressed,
            },
            &mut out,
        ),
        Format::Json => write_json(&review, &mut out),
        Format::Sarif => write_sarif(&review, &mut out),
        Format::Junit => write_junit(&review, &mut out),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => {}
        // A closed pipe (`kwar scan . | head`) is the reader's choice, not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("cannot write the report: {e}")),
    }

    drop(out);
    // The process exits right after this: freeing the inventory (millions of tree nodes) and
    // the review one allocation at a time would only delay the exit (≈ 1 s at 100k objects),
    // and the OS reclaims the memory at once. Only the CLI may do this, never a library.
    std::mem::forget(inventory);
    if !review.errors.is_empty() {
        std::mem::forget(review);
        return Ok(ExitCode::from(2));
    }
    let threshold = match args.fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::High => Some(Severity::High),
        FailOn::Medium => Some(Severity::Medium),
        FailOn::Low => Some(Severity::Low),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = matches!((threshold, review.worst_severity()), (Some(t), Some(w)) if w >= t);
    std::mem::forget(review);
    Ok(ExitCode::from(u8::from(failed)))
}

/// What a scan produced: the review (findings, tallies, scores, suppressions applied) and
/// the inventory it was made from.
pub struct Scanned {
    pub review: Review,
    pub inventory: Inventory,
}

/// The scan pipeline without any output: config and custom rules, inputs, inventory, checks,
/// review, suppressions and baseline. Used by `kwar scan` and `kwar review`.
pub fn scan(args: &ScanArgs) -> Result<Scanned, String> {
    // The config (and its custom rules) is read before any input: a mistake stops the run.
    let mut policy = crate::policy::ReviewPolicy::new(
        crate::policy::load_config(args.config.as_deref())?,
        args,
    )?;
    // Custom rules are compiled before any input is read: a broken rule stops the run.
    let mut custom_rules = policy.take_custom_rules();
    for pack in &args.rule_packs {
        custom_rules.extend(crate::custom_rules::load_pack(pack)?);
    }
    let custom_ids: Vec<&str> = custom_rules.iter().map(|r| r.id.as_str()).collect();
    let checks: Vec<_> = select_checks(&args.checks, &args.skip_checks, &custom_ids)?
        .into_iter()
        // `--check` names exactly what runs; otherwise the config's enable/disable apply.
        .filter(|c| !args.checks.is_empty() || policy.config().runs_check(c.id))
        .collect();
    // `--check` and `--skip-check` select custom rules by their `custom:` id too.
    custom_rules.retain(|r| {
        (args.checks.is_empty() || args.checks.contains(&r.id)) && !args.skip_checks.contains(&r.id)
    });
    let (mut texts, errors) = collect_inputs(
        &args.paths,
        &InputOptions {
            kustomize: args.kustomize,
        },
    );
    texts.extend(crate::evidence::inputs(&args.evidence)?);
    let progress = Progress::start(texts.len());
    let set = read_objects(texts, errors);
    progress.step(&format!("indexing {} objects", set.objects.len()));
    let inventory = Inventory::build(set.objects);
    let detections = Detections::detect(&inventory);
    progress.step(&format!("running {} checks", checks.len()));
    let mut outcomes = run_checks(&inventory, &detections, &policy.config().params(), &checks);
    progress.finish();
    outcomes.extend(kwar_cel::run_rules(&custom_rules, &inventory));
    let options = ReviewOptions {
        custom_checks: custom_rules.iter().map(kwar_cel::check_meta).collect(),
        severity_overrides: policy.config().severity_overrides(),
    };
    let mut review = Review::new(
        ReviewInputs {
            inventory: &inventory,
            detections: &detections,
            errors: set.errors,
            skipped: set.skipped,
            inputs: set.inputs,
            bytes: set.bytes,
        },
        outcomes,
        &options,
    );
    policy.apply(&mut review, &inventory);
    Ok(Scanned { review, inventory })
}

fn select_checks(
    only: &[String],
    skip: &[String],
    custom_ids: &[&str],
) -> Result<Vec<&'static CheckDef>, String> {
    let all = all_checks();
    for id in only.iter().chain(skip) {
        if !all.iter().any(|c| c.id == id) && !custom_ids.contains(&id.as_str()) {
            let hint = all
                .iter()
                .map(|c| c.id)
                .filter(|c| c.contains(id.as_str()) || id.contains(c))
                .collect::<Vec<_>>();
            return Err(if hint.is_empty() {
                format!("unknown check `{id}` (`kwar rules` lists them)")
            } else {
                format!("unknown check `{id}`; did you mean {}?", hint.join(", "))
            });
        }
    }
    Ok(all
        .into_iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o == c.id))
        .filter(|c| !skip.iter().any(|s| s == c.id))
        .collect())
}

/// One status line on stderr while a large input is reviewed, so a long run shows that it
/// works. Only on a terminal (never in pipes, CI logs or tests) and only for inputs large
/// enough to take a noticeable time; cleared before the report is written.
struct Progress {
    shown: bool,
}

impl Progress {
    const MIN_INPUTS: usize = 500;

    fn start(inputs: usize) -> Progress {
        let shown = inputs >= Self::MIN_INPUTS && io::stderr().is_terminal();
        let progress = Progress { shown };
        progress.step(&format!("reading {inputs} files"));
        progress
    }

    fn step(&self, what: &str) {
        if self.shown {
            eprint!("\r\x1b[Kkwar: {what}…");
        }
    }

    fn finish(&self) {
        if self.shown {
            eprint!("\r\x1b[K");
        }
    }
}
