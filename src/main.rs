use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

fn main() -> ExitCode {
    let started = Instant::now();
    let cli = creel::cli::Cli::parse();
    match creel::cli::run(cli, started) {
        Ok(code) => code,
        Err(e) => {
            // The terminal is already restored here: tui::run restores it
            // before returning any error.
            eprintln!("creel: {e:#}");
            ExitCode::FAILURE
        }
    }
}
