//! The `kwar` command line: parses arguments and wires the crates together
//! (sources → inventory → checks → review → report). No review logic lives here.

mod cli;
mod explain;
mod scan;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(args),
        cli::Command::Explain(args) => explain::explain(args),
        cli::Command::Rules(args) => explain::rules(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("kwar: error: {err}");
            ExitCode::from(2)
        }
    }
}
