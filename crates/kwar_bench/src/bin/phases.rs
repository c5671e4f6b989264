//! `kwar-bench-phases [--json] PATH...`: runs the first phases of `kwar scan` in one process
//! (the same library calls as `crates/kwar/src/scan.rs`: collect, read, `Inventory::build`,
//! `run_checks` with every check) and times each, with the RSS and peak RSS at its end. A
//! diagnostic for `docs/performance.md`: where the time and memory of a scan go. The report
//! phase (`Review::new`, `write_json`) is left out so this binary does not follow every
//! change of the report API; its cost is the end-to-end time minus these phases.
//! `--per-check` then runs every check alone, serially, and lists the slowest;
//! `--tree-stats` counts what the parsed node trees hold (a memory model of the inventory).

use std::time::Instant;

use kwar_bench::{args, read_like_scan, round3, Phases};
use kwar_checks::{all_checks, run_checks, Params};
use kwar_inventory::Inventory;
use kwar_source::RawObject;
use kwar_yaml::{Node, Value};

fn main() {
    let (paths, flags) = args();
    if paths.is_empty() || flags.iter().any(|f| f == "--help") {
        eprintln!("usage: kwar-bench-phases [--json] PATH...");
        std::process::exit(2);
    }
    let mut phases = Phases::new();
    let set = read_like_scan(&paths, &mut phases);
    let (objects, bytes, errors) = (set.objects.len(), set.bytes, set.errors.len());
    let tree = flags
        .iter()
        .any(|f| f == "--tree-stats")
        .then(|| tree_stats(&set.objects));
    let inventory = Inventory::build(set.objects);
    phases.mark("Inventory::build");
    let checks = all_checks();
    let detections = kwar_detect::Detections::detect(&inventory);
    phases.mark("Detections::detect");
    let outcomes = run_checks(&inventory, &detections, &Params::default(), &checks);
    phases.mark("run_checks");
    let findings: usize = outcomes.iter().map(|o| o.findings.len()).sum();
    drop(outcomes);
    // `--per-check`: every check again, alone and on one thread, slowest first.
    let mut per_check = Vec::new();
    if flags.iter().any(|f| f == "--per-check") {
        let params = Params::default();
        for check in &checks {
            let start = Instant::now();
            let out = run_checks(&inventory, &detections, &params, &[*check]);
            per_check.push((
                check.id,
                start.elapsed().as_secs_f64(),
                out[0].findings.len(),
            ));
        }
        per_check.sort_by(|a, b| b.1.total_cmp(&a.1));
        phases.mark("per-check (serial)");
    }
    drop(inventory);
    phases.mark("drop");
    let report = serde_json::json!({
        "objects": objects,
        "bytes": bytes,
        "findings": findings,
        "errors": errors,
        "seconds": phases.total_seconds(),
        "phases": phases.to_json(),
        "tree": tree,
        "perCheck": per_check.iter().map(|(id, secs, n)| serde_json::json!({
            "check": id, "seconds": round3(*secs), "findings": n,
        })).collect::<Vec<_>>(),
    });
    if let Some(tree) = &tree {
        eprintln!("  tree: {tree}");
    }
    if flags.iter().any(|f| f == "--json") {
        println!("{report}");
    } else {
        println!(
            "{objects} objects, {:.1} MB, {findings} findings in {:.3} s",
            bytes as f64 / 1e6,
            phases.total_seconds()
        );
        phases.print();
        let total: f64 = per_check.iter().map(|c| c.1).sum();
        for (id, secs, n) in per_check.iter().take(15) {
            eprintln!(
                "    {id:<34} {secs:>8.3} s  {:>5.1}%  {n} findings",
                100.0 * secs / total
            );
        }
    }
}

/// What the node trees of the objects hold: node counts, string bytes, and the bytes the
/// tree structure takes (node size × nodes, plus unused Vec capacity).
fn tree_stats(objects: &[RawObject]) -> serde_json::Value {
    #[derive(Default)]
    struct Stats {
        nodes: usize,
        scalars: usize,
        strings: usize,
        string_bytes: usize,
        key_strings: usize,
        key_string_bytes: usize,
        maps: usize,
        seqs: usize,
        spare_slots: usize,
        spare_pairs: usize,
    }
    fn walk(node: &Node, is_key: bool, s: &mut Stats) {
        s.nodes += 1;
        match &node.value {
            Value::Str(text) => {
                if is_key {
                    s.key_strings += 1;
                    s.key_string_bytes += text.len();
                } else {
                    s.strings += 1;
                    s.string_bytes += text.len();
                }
            }
            Value::Seq(items) => {
                s.seqs += 1;
                s.spare_slots += items.capacity() - items.len();
                items.iter().for_each(|n| walk(n, false, s));
            }
            Value::Map(entries) => {
                s.maps += 1;
                s.spare_pairs += entries.capacity() - entries.len();
                for (k, v) in entries {
                    walk(k, true, s);
                    walk(v, false, s);
                }
            }
            _ => s.scalars += 1,
        }
    }
    let mut s = Stats::default();
    for o in objects {
        walk(&o.root, false, &mut s);
    }
    let node = std::mem::size_of::<Node>();
    let mib = |b: usize| round3(b as f64 / (1024.0 * 1024.0));
    serde_json::json!({
        "nodeBytes": node,
        "nodes": s.nodes,
        "maps": s.maps,
        "seqs": s.seqs,
        "otherScalars": s.scalars,
        "valueStrings": s.strings,
        "valueStringMiB": mib(s.string_bytes),
        "keyStrings": s.key_strings,
        "keyStringMiB": mib(s.key_string_bytes),
        "nodeMiB": mib(s.nodes * node),
        "spareCapacityMiB": mib(s.spare_slots * node + s.spare_pairs * 2 * node),
        // Every Box<str> is one allocation: glibc rounds it up to 16 bytes plus an 8-byte header
        // (at least 32 bytes a chunk).
        "stringAllocationOverheadMiB (est.)": mib((s.strings + s.key_strings) * 20),
    })
}
