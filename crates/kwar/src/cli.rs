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
        after_help = "Examples:\n  kwar scan examples/shop\n  helm template my-chart | kwar scan -\n  kubectl get deploy,svc,pdb,hpa -A -o yaml | kwar scan - --format json\n  kwar scan overlays/prod --kustomize --fail-on medium\n  kwar scan deploy/ --format sarif -o kwar.sarif\n  kwar scan deploy/ --format junit -o kwar-junit.xml"
    )]
    Scan(ScanArgs),
    /// Print what a check looks at, why it matters and how to fix it.
    Explain(ExplainArgs),
    /// List every check with its item, severity and pillars.
    Rules(RulesArgs),
    /// Baselines: accept today's findings so that a pipeline fails only on new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// The config file, kwar.yaml (docs/configuration.md).
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write the fingerprints of every finding (suppressed ones aside) to a baseline
    /// for `kwar scan --baseline FILE`. Exits 0, or 2 when an input could not be read.
    #[command(after_help = "Example:\n  kwar baseline create deploy/ -o kwar-baseline.json")]
    Create(BaselineCreateArgs),
}

#[derive(Debug, Args)]
pub struct BaselineCreateArgs {
    /// The scan to take the baseline from (`-o FILE` is where the baseline goes).
    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented default kwar.yaml, every key explained, to the current directory.
    Init(ConfigInitArgs),
}

#[derive(Debug, Args)]
pub struct ConfigInitArgs {
    /// Overwrite an existing kwar.yaml.
    #[arg(long)]
    pub force: bool,
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

    /// Also run the custom CEL rules of FILE, a YAML rule pack with a top-level `rules:`
    /// list (see docs/custom-rules.md). Repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,

    /// The config file (default: kwar.yaml or .kwar.yaml in the working directory or the
    /// nearest directory above it).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore `kwar.io/ignore` annotations: only the config file's exemptions suppress.
    #[arg(long)]
    pub no_inline_suppressions: bool,

    /// List suppressed findings in text output too, each with its reason.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Report and fail only on findings whose fingerprint is not in FILE (from `kwar baseline
    /// create`, or a previous `--format json` report).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write a baseline instead of a report (`kwar baseline create`).
    #[arg(skip)]
    pub write_baseline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings grouped by object, then a summary with pillar scores.
    Text,
    /// The stable JSON contract (schemaVersion 1).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one rule per check,
    /// fingerprinted results, suppressions kept (docs/output-formats.md).
    Sarif,
    /// JUnit XML for CI test reports (GitLab, Jenkins): a test suite per check, a failing
    /// test case per finding.
    Junit,
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
    /// Only the checks of items in this pillar (security, reliability, performance, cost,
    /// operational-excellence).
    #[arg(long, value_name = "PILLAR")]
    pub pillar: Option<String>,

    /// Only the checks of this agenda area (application, cluster, operational, security,
    /// reliability, cost).
    #[arg(long, value_name = "AREA")]
    pub area: Option<String>,

    /// Output format: a table, a JSON array, or the Markdown reference (docs/checks.md).
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per check: id, severity, area, pillars, item.
    Table,
    /// An array of {check, item, agenda, area, severity, pillars}.
    Json,
    /// Every check's full documentation with its failing example, grouped by area.
    Markdown,
}
