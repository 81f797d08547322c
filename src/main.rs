use std::io::Write;
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
        // `creel topics | head -1`: the reader has what it wanted.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // The terminal is already restored here: tui::run restores it
            // before returning any error.
            // Not eprintln!: with the terminal closed (SIGHUP) the write
            // fails, and that must not turn into a panic.
            let _ = writeln!(
                std::io::stderr(),
                "creel: {}",
                creel::redact::redact(&format!("{e:#}"))
            );
            exit::code(exit::of_error(&e))
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
