//! Start-up: resolve settings, set up logging, then run the TUI or a
//! headless subcommand.

mod args;
mod lag;
mod logging;
mod print;

pub use args::{Cli, Cmd, GlobalArgs};

use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::config;

/// Exit code for "could not reach or use the cluster".
pub const EXIT_CONNECTION: u8 = 2;

pub fn run(cli: Cli, started: Instant) -> anyhow::Result<ExitCode> {
    let settings = config::resolve(cli.global.config.as_deref(), &cli.global.overrides())?;
    let log_path = match &cli.global.log {
        Some(level) => Some(logging::init(level)?),
        None => None,
    };
    let code = match cli.command {
        None => {
            let opts = crate::tui::TuiOptions {
                started,
                exit_when_loaded: cli.global.exit_when_loaded.clone(),
                exit_after_first_frame: cli.global.exit_after_first_frame.clone(),
            };
            crate::tui::run(settings, opts)?;
            ExitCode::SUCCESS
        }
        Some(Cmd::Topics { json, internal }) => {
            print::topics(&settings, json, internal, Duration::from_secs(15))?
        }
        Some(Cmd::Lag {
            groups,
            json,
            watch,
            samples,
            interval,
        }) => lag::run(
            &settings,
            lag::LagArgs {
                groups,
                json,
                watch,
                samples: samples as usize,
                interval: Duration::from_secs(interval),
            },
        )?,
        Some(Cmd::Brokers { json }) => print::brokers(&settings, json, Duration::from_secs(15))?,
    };
    if let Some(path) = log_path {
        eprintln!("creel: log written to {}", path.display());
    }
    Ok(code)
}
