//! Shared by kwar's benchmark binaries (see `docs/performance.md`):
//!
//! - `kwar-bench-corpus` generates the benchmark corpora from the shared real-world corpus;
//! - `kwar-parse-only` reads a corpus with the reader `kwar scan` uses and stops there, so
//!   the cost of inventory + checks + report is a measured ratio;
//! - `kwar-bench-phases` runs the whole pipeline in one process and times every phase, to
//!   say where the time and memory of a scan go.

use std::path::PathBuf;
use std::time::Instant;

use kwar_source::{collect_inputs, read_objects, InputOptions, SourceSet};

/// The kernel's view of this process's memory, in KiB: (current RSS, peak RSS). Zero where
/// `/proc` is unavailable.
pub fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// One timed step of a pipeline.
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: &'static str,
    pub seconds: f64,
    /// RSS when the phase ended and the peak so far, in KiB.
    pub rss_kib: u64,
    pub peak_rss_kib: u64,
}

/// Records phases as a pipeline runs.
pub struct Phases {
    last: Instant,
    pub start: Instant,
    pub phases: Vec<Phase>,
}

impl Default for Phases {
    fn default() -> Self {
        Self::new()
    }
}

impl Phases {
    pub fn new() -> Phases {
        let now = Instant::now();
        Phases {
            last: now,
            start: now,
            phases: Vec::new(),
        }
    }

    pub fn mark(&mut self, name: &'static str) {
        let now = Instant::now();
        let (rss, peak) = rss_kib();
        self.phases.push(Phase {
            name,
            seconds: (now - self.last).as_secs_f64(),
            rss_kib: rss,
            peak_rss_kib: peak,
        });
        self.last = now;
    }

    pub fn total_seconds(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.phases
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "phase": p.name,
                        "seconds": round3(p.seconds),
                        "rssKiB": p.rss_kib,
                        "peakRssKiB": p.peak_rss_kib,
                    })
                })
                .collect(),
        )
    }

    pub fn print(&self) {
        for p in &self.phases {
            eprintln!(
                "  {:<22} {:>8.3} s   rss {:>8.1} MiB   peak {:>8.1} MiB",
                p.name,
                p.seconds,
                p.rss_kib as f64 / 1024.0,
                p.peak_rss_kib as f64 / 1024.0
            );
        }
    }
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Reads `paths` exactly as `kwar scan` does (directory walk, then parallel parsing).
pub fn read_like_scan(paths: &[String], phases: &mut Phases) -> SourceSet {
    let (texts, errors) = collect_inputs(paths, &InputOptions::default());
    phases.mark("collect_inputs");
    let set = read_objects(texts, errors);
    phases.mark("read_objects");
    set
}

/// Splits the command line into paths and `--flag`s.
pub fn args() -> (Vec<String>, Vec<String>) {
    std::env::args()
        .skip(1)
        .partition(|a| !a.starts_with("--") || a == "-")
}

/// The workspace root, from where this crate was compiled.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
