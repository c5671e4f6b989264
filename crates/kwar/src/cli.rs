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
    /// The well-architected review: every agenda item with a status and a risk, decided by
    /// evidence, pre-filled from it, or answered in an answers file (docs/review.md).
    ///
    /// Exit codes: 0, or 1 when an item is at or above --fail-on (default never), 2 when the
    /// answers file or an input is wrong (answers errors stop the review; input errors are
    /// reported in the review, which is still written).
    #[command(
        after_help = "Examples:\n  kwar review examples/shop --answers examples/shop/review.yaml\n  kwar review deploy/ --answers review.yaml --format json -o review.json\n  kwar review --answers review.yaml            # questions only, no evidence"
    )]
    Review(ReviewArgs),
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
    /// The review's questions as an AWS Well-Architected Tool custom lens (docs/lens.md).
    #[command(subcommand)]
    Lens(LensCommand),
    /// Compare two reviews: resolved and new findings, item risk changes, score deltas and
    /// changed answers (docs/review.md, "Milestones and diff").
    ///
    /// A and B are milestone names (saved with `kwar review --milestone NAME`) or paths to
    /// JSON reports (an argument with `/` or ending in `.json`). Exit codes: 0, or 2 when a
    /// report cannot be found or read.
    #[command(
        after_help = "Examples:\n  kwar review deploy/ --answers review.yaml --milestone 2026-q3\n  kwar diff 2026-q3 2026-q4\n  kwar diff 2026-q4 review.json --format markdown -o diff.md"
    )]
    Diff(DiffArgs),
    /// Collect a portable evidence bundle from a cluster, for a review elsewhere: one JSON
    /// file per resource type, the cluster version, discovery, and what could not be read and
    /// why. Secret values are never collected (docs/cluster.md lists what the bundle holds).
    ///
    /// Read-only: kwar only gets and lists. Exit codes: 0, or 2 when the cluster cannot be
    /// reached or the file cannot be written (a resource it may not read is not an error:
    /// the bundle records it).
    #[command(
        after_help = "Examples:\n  kwar snapshot -o prod.tar.gz\n  kwar snapshot --context prod-eu --redact-configmaps -o prod-eu.tar.gz\n  kwar snapshot --print-clusterrole | kubectl apply -f -   # the read-only access it needs\n  kwar scan prod.tar.gz            # the reviewer, offline\n  tar -xzf prod.tar.gz -O cluster.json   # what was collected, and what not"
    )]
    Snapshot(SnapshotArgs),
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier review: a milestone name or a JSON report file.
    #[arg(value_name = "A")]
    pub from: String,

    /// The later review: a milestone name or a JSON report file.
    #[arg(value_name = "B")]
    pub to: String,

    /// The review workspace whose milestones/ holds the named milestones.
    #[arg(long, value_name = "DIR", default_value = ".kwar")]
    pub workspace: PathBuf,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// Write the diff to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A terminal summary.
    Text,
    /// GitHub-flavoured Markdown tables.
    Markdown,
    /// The diff as JSON (diffVersion 1).
    Json,
}

#[derive(Debug, Subcommand)]
pub enum LensCommand {
    /// Write the catalog's questions as an AWS Well-Architected custom lens (JSON, schema
    /// 2021-11-01) to import in the WA Tool. Texts shortened to fit the format are listed on
    /// stderr. Exits 2 when a hard limit of the format would be broken.
    #[command(after_help = "Example:\n  kwar lens export -o kwar-lens.json\n  \
        aws wellarchitected import-lens --json-string file://kwar-lens.json")]
    Export(LensExportArgs),
}

#[derive(Debug, Args)]
pub struct LensExportArgs {
    /// Write the lens to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// hidden entries, paths in .kwarignore and, inside a git repository, paths .gitignore
    /// ignores are skipped), cluster snapshots (*.tar.gz from `kwar snapshot`). `-` reads
    /// stdin.
    #[arg(value_name = "PATH", required_unless_present = "cluster")]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub evidence: EvidenceArgs,

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

/// Where cluster evidence comes from, besides files.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Cluster evidence")]
pub struct EvidenceArgs {
    /// Review the live cluster of the current kubeconfig context (read-only: get and list;
    /// docs/cluster.md has the ClusterRole it needs). Resources the identity may not read
    /// make the checks that need them `unknown`, naming the permission.
    #[arg(long)]
    pub cluster: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// The manifests given are the whole cluster (e.g. a GitOps repository of everything that
    /// runs there): checks that conclude from an absence ("no metrics pipeline") run on them.
    /// Without it, and without a cluster or snapshot, those checks are not evaluated.
    #[arg(long)]
    pub complete: bool,
}

/// How to reach a cluster.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionArgs {
    /// The kubeconfig context (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,

    /// The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster
    /// service account).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// Read only these namespaces (repeatable; cluster-scoped resources are still read). The
    /// evidence is then partial: absence checks are not evaluated.
    #[arg(long = "namespace", short = 'n', value_name = "NS")]
    pub namespaces: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Where to write the bundle (a .tar.gz).
    #[arg(
        long,
        short = 'o',
        value_name = "FILE.tar.gz",
        required_unless_present = "print_clusterrole"
    )]
    pub output: Option<PathBuf>,

    /// Print the read-only ClusterRole (and a binding for the group `kwar-reviewers`) that lets
    /// an identity collect exactly what kwar reads, instead of collecting.
    #[arg(long, conflicts_with = "output")]
    pub print_clusterrole: bool,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Also blank the values of ConfigMaps (key names are kept). Checks that read
    /// configuration (CoreDNS Corefile, aws-auth, VPC CNI settings) then report `unknown`.
    #[arg(long)]
    pub redact_configmaps: bool,

    /// Overwrite FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Evidence: anything `kwar scan` takes (files, directories, `-` for stdin). Without
    /// any, the review holds the answers file and the questions only.
    #[arg(value_name = "EVIDENCE")]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub evidence: EvidenceArgs,

    /// The answers file (docs/review.md). Default: review.yaml in the workspace, if present.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The review workspace: where the default answers file (review.yaml) is looked up and
    /// milestones are saved (milestones/NAME.json).
    #[arg(long, value_name = "DIR", default_value = ".kwar")]
    pub workspace: PathBuf,

    /// Render `--format markdown|html` with this minijinja template instead of the built-in
    /// one (docs/review.md, "Reports").
    #[arg(long, value_name = "FILE", conflicts_with = "templates")]
    pub template: Option<PathBuf>,

    /// A directory holding review.md.j2 and/or review.html.j2 to use instead of the
    /// built-in templates (a missing one falls back to the built-in).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// Exit with 1 when an item's risk is at or above this level (high, or medium and
    /// high). A review is a report: by default it never fails.
    #[arg(long, value_enum, default_value_t = ReviewFailOn::Never)]
    pub fail_on: ReviewFailOn,

    /// Also save this review as milestone NAME: its JSON report, with the name, the time and
    /// the kwar version, in <workspace>/milestones/NAME.json (for `kwar diff`). NAME: letters,
    /// digits, `-`, `_`, `.`.
    #[arg(long, value_name = "NAME")]
    pub milestone: Option<String>,

    /// Replace an existing milestone of the same name (--milestone).
    #[arg(long, requires = "milestone")]
    pub force: bool,

    /// Render directories that hold a kustomization.yaml (as `kwar scan --kustomize`).
    #[arg(long)]
    pub kustomize: bool,

    /// The config file (as `kwar scan --config`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also run the custom CEL rules of FILE (as `kwar scan --rules`). Repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,

    /// Ignore `kwar.io/ignore` annotations (as `kwar scan`).
    #[arg(long)]
    pub no_inline_suppressions: bool,

    /// Ask each unanswered question in the terminal, saving the answers file (--answers, or
    /// review.yaml in the workspace) after every answer; then print the review. Needs a
    /// terminal on stdin: exits 2 without asking anything otherwise.
    #[arg(long, short = 'i')]
    pub interactive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// A terminal summary: coverage, pillar and area tables, risks, the improvement plan.
    Text,
    /// The JSON report (schemaVersion 1) with its `review` section filled.
    Json,
    /// A Markdown report: scores, coverage, risks, the improvement plan, the coverage map.
    Markdown,
    /// One self-contained HTML page (inline CSS and SVG charts), printable to PDF.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFailOn {
    /// Fail when an item is at high risk.
    High,
    /// Fail when an item is at medium or high risk.
    Medium,
    /// Never fail on risks (answers and input errors still exit 2).
    Never,
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
    /// A catalog check id, e.g. readiness-probe-defined, or a detector id, e.g. prometheus
    /// (what kwar looks for to find that component).
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
