//! The config file, suppressions and baselines on the command line: `--config`,
//! `--no-inline-suppressions`, `--baseline`, `kwar config init` and `kwar baseline create`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kwar_cel::CustomRule;
use kwar_config::{default_config_file, Config, CONFIG_FILE_NAMES};
use kwar_inventory::Inventory;
use kwar_report::{apply_baseline, apply_suppressions, Baseline, Review, SuppressionPolicy};

use crate::cli::{BaselineCreateArgs, ConfigInitArgs, FailOn, ScanArgs};

/// The config named with `--config`, else the one found upwards from the working directory,
/// else the defaults. Every problem in the file is an error here, before anything is scanned.
pub fn load_config(explicit: Option<&Path>) -> Result<Config, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let path = match explicit {
        Some(path) => {
            if !path.is_file() {
                return Err(format!("config file {} not found", path.display()));
            }
            path.to_path_buf()
        }
        None => match Config::discover(&cwd) {
            // Named relative to where kwar runs, as the user would type it.
            Some(found) => found
                .strip_prefix(&cwd)
                .map(Path::to_path_buf)
                .unwrap_or(found),
            None => return Ok(Config::default()),
        },
    };
    Config::load(&path).map_err(|errors| {
        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "the config file {} has {} problem{}:\n{}",
            path.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            listed.join("\n")
        )
    })
}

/// What the scan applies after the review is built: suppressions, then the baseline.
pub struct ReviewPolicy {
    config: Config,
    inline: bool,
    baseline: Option<Baseline>,
    /// The config's `rules:`, compiled (kwar_config cannot compile them itself: kwar_cel
    /// depends on kwar_report, which depends on kwar_config).
    custom_rules: Vec<CustomRule>,
}

impl ReviewPolicy {
    pub fn new(config: Config, args: &ScanArgs) -> Result<ReviewPolicy, String> {
        let baseline = match &args.baseline {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
                Some(
                    Baseline::parse(&text)
                        .map_err(|e| format!("the baseline {} is unusable: {e}", path.display()))?,
                )
            }
            None => None,
        };
        let custom_rules = match (&config.rules, &config.source) {
            (Some(rules), Some(source)) => {
                crate::custom_rules::compile(rules, &source.display().to_string())?
                    .into_iter()
                    .filter(|rule| !config.checks.disable.contains(&rule.id))
                    .collect()
            }
            _ => Vec::new(),
        };
        Ok(ReviewPolicy {
            inline: config.suppressions.inline && !args.no_inline_suppressions,
            config,
            baseline,
            custom_rules,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The config's custom rules, minus those `checks.disable` names.
    pub fn take_custom_rules(&mut self) -> Vec<CustomRule> {
        std::mem::take(&mut self.custom_rules)
    }

    pub fn apply(&self, review: &mut Review, inventory: &Inventory) {
        apply_suppressions(
            review,
            inventory,
            &SuppressionPolicy {
                inline: self.inline,
                exemptions: &self.config.exemptions,
                today: chrono::Local::now().date_naive(),
            },
        );
        if let Some(baseline) = &self.baseline {
            apply_baseline(review, baseline);
        }
    }
}

/// `kwar config init`: writes the commented default config to the working directory.
pub fn config_init(args: ConfigInitArgs) -> Result<ExitCode, String> {
    let path = PathBuf::from(CONFIG_FILE_NAMES[0]);
    if path.exists() && !args.force {
        return Err(format!(
            "{} already exists (--force overwrites it)",
            path.display()
        ));
    }
    std::fs::write(&path, default_config_file())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `kwar baseline create`: a scan whose report is the baseline of its findings.
pub fn baseline_create(args: BaselineCreateArgs) -> Result<ExitCode, String> {
    let mut scan = args.scan;
    scan.write_baseline = true;
    scan.fail_on = FailOn::Never;
    crate::scan::run(scan)
}
