use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// kwar — Kubernetes Well-Architected Review.
///
/// Reviews Kubernetes manifests (files, directories, stdin, rendered Helm charts and
/// kustomizations) against the Kubernetes / Amazon EKS well-architected agenda. Every finding
/// carries the catalog check id and agenda item id it comes from.
#[derive(Debug, Parser)]
#[command(name = "kwar", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Review manifests and report findings with pillar scores.
    ///
    /// Exit codes: 0 when nothing is at or above --fail-on, 1 when findings are, 2 when an
    /// input could not be read or parsed (the report is still written) or the usage is wrong.
    #[command(
        after_help = "Examples:\n  kwar scan examples/shop\n  helm template my-chart | kwar scan -\n  kubectl get deploy,svc,pdb,hpa -A -o yaml | kwar scan - --format json\n  kwar scan overlays/prod --kustomize --fail-on medium"
    )]
    Scan(ScanArgs),
    /// Print what a check looks at, why it matters and how to fix it.
    Explain(ExplainArgs),
    /// List every check with its item, severity and pillars.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to review (directories recursively: *.yaml, *.yml, *.json;
    /// hidden entries and paths in .kwarignore are skipped). `-` reads stdin.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,

    /// Render directories that hold a kustomization.yaml with `kubectl kustomize` (or
    /// `kustomize build`) instead of reading their files one by one.
    #[arg(long)]
    pub kustomize: bool,

    /// Run only these checks (comma-separated catalog check ids; repeatable).
    #[arg(long = "check", value_name = "ID", value_delimiter = ',')]
    pub checks: Vec<String>,

    /// Do not run these checks (comma-separated catalog check ids; repeatable).
    #[arg(long = "skip-check", value_name = "ID", value_delimiter = ',')]
    pub skip_checks: Vec<String>,

    /// Also list the files that were skipped because they hold no Kubernetes object.
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// When to colour text output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings grouped by object, then a summary with pillar scores.
    Text,
    /// The stable JSON contract (schemaVersion 1).
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail on findings (input errors still exit 2).
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A catalog check id, e.g. readiness-probe-defined.
    pub check: String,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
