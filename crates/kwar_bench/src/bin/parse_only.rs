//! `kwar-parse-only [--json] PATH...`: reads the inputs with the reader `kwar scan` uses
//! (`kwar_source::collect_inputs`, then `read_objects`, which parses files in parallel) and
//! stops there: no inventory, no checks, no report. The objects are kept alive until the end
//! and then dropped, as a scan does, so wall time and peak RSS are comparable.
//!
//! Prints objects, bytes, time and throughput; `--json` prints one JSON object on stdout.

use kwar_bench::{args, read_like_scan, round3, Phases};

fn main() {
    let (paths, flags) = args();
    if paths.is_empty() || flags.iter().any(|f| f == "--help") {
        eprintln!("usage: kwar-parse-only [--json] PATH...");
        std::process::exit(2);
    }
    let json = flags.iter().any(|f| f == "--json");
    let mut phases = Phases::new();
    let set = read_like_scan(&paths, &mut phases);
    let seconds = phases.total_seconds();
    let (objects, errors, skipped, inputs, bytes) = (
        set.objects.len(),
        set.errors.len(),
        set.skipped.len(),
        set.inputs,
        set.bytes,
    );
    drop(set);
    phases.mark("drop");
    let mb = bytes as f64 / 1e6;
    let report = serde_json::json!({
        "inputs": inputs,
        "bytes": bytes,
        "objects": objects,
        "errors": errors,
        "skippedFiles": skipped,
        "seconds": round3(seconds),
        "mbPerSecond": round3(mb / seconds),
        "objectsPerSecond": (objects as f64 / seconds).round(),
        "phases": phases.to_json(),
    });
    if json {
        println!("{report}");
    } else {
        println!(
            "{} objects, {} inputs, {:.1} MB in {:.3} s: {:.1} MB/s, {:.0} objects/s ({} errors)",
            objects,
            inputs,
            mb,
            seconds,
            mb / seconds,
            objects as f64 / seconds,
            errors
        );
        phases.print();
    }
}
