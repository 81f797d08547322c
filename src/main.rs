use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use creel::cli::exit;

fn main() -> ExitCode {
    let started = Instant::now();
    creel::kafka::return_freed_memory();
    // A panic's message goes through the same redaction as every error: it
    // may quote a value that came from a secret.
    std::panic::set_hook(Box::new(|info| {
        let backtrace = std::backtrace::Backtrace::capture();
        eprintln!(
            "creel panicked: {}",
            creel::redact::redact(&info.to_string())
        );
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            eprintln!("{}", creel::redact::redact(&backtrace.to_string()));
        }
    }));
    let cli = match creel::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return exit::code(exit::of_clap(&e));
        }
    };
    match creel::cli::run(cli, started) {
        Ok(code) => code,
        Err(e) => {
            // The terminal is already restored here: tui::run restores it
            // before returning any error.
            eprintln!("creel: {}", creel::redact::redact(&format!("{e:#}")));
            exit::code(exit::of_error(&e))
        }
    }
}
