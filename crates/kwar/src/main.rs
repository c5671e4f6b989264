//! The `kwar` command line: parses arguments and wires the crates together
//! (sources → inventory → checks → review → report). No review logic lives here.

mod cli;
mod custom_rules;
mod diff;
mod evidence;
mod explain;
mod interactive;
mod policy;
mod review;
mod scan;
mod snapshot;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(args),
        cli::Command::Review(args) => review::run(args),
        cli::Command::Diff(args) => diff::run(args),
        cli::Command::Snapshot(args) => snapshot::run(args),
        cli::Command::Explain(args) => explain::explain(args),
        cli::Command::Rules(args) => explain::rules(args),
        cli::Command::Baseline(cli::BaselineCommand::Create(args)) => policy::baseline_create(args),
        cli::Command::Config(cli::ConfigCommand::Init(args)) => policy::config_init(args),
        cli::Command::Lens(cli::LensCommand::Export(args)) => {
            kwar_lens::run_export(args.output.as_deref()).map(|()| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kwar: error: {err}");
            ExitCode::from(2)
        }
    }
}
