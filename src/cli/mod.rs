//! Start-up: resolve settings, set up logging, then run the TUI or a
//! headless subcommand.

mod args;
mod lag;
mod logging;
mod print;
mod produce;
mod search;
mod tail;

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
    let tui_options = crate::tui::TuiOptions {
        started,
        exit_when_loaded: cli.global.exit_when_loaded.clone(),
        exit_after_first_frame: cli.global.exit_after_first_frame.clone(),
    };
    let code = match cli.command {
        None => {
            crate::tui::run(settings, tui_options)?;
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
        Some(Cmd::Tail {
            topic,
            partitions,
            offset,
            count,
            exit_at_end,
            json,
        }) => tail::run(
            &settings,
            tail::TailArgs {
                topic,
                partitions,
                offset,
                count,
                exit_at_end,
                json,
            },
        )?,
        Some(Cmd::Search {
            topic,
            pattern,
            target,
            ignore_case,
            invert,
            partitions,
            from,
            to,
            max_matches,
            max_scanned,
            json,
        }) => search::run(
            &settings,
            search::SearchArgs {
                topic,
                pattern,
                target,
                ignore_case,
                invert,
                partitions,
                from,
                to,
                max_matches,
                max_scanned,
                json,
            },
        )?,
        Some(Cmd::Produce {
            topic,
            key,
            headers,
            partition,
            template,
            count,
            rate,
            jsonl,
            acks,
            compression,
        }) => produce::run(
            &settings,
            produce::ProduceArgs {
                topic,
                key,
                headers,
                partition,
                template,
                count,
                rate,
                jsonl,
                acks,
                compression,
            },
        )?,
        Some(Cmd::Demo { print_bootstrap }) => demo(settings, print_bootstrap, tui_options)?,
        Some(Cmd::Brokers { json }) => print::brokers(&settings, json, Duration::from_secs(15))?,
    };
    if let Some(path) = log_path {
        eprintln!("creel: log written to {}", path.display());
    }
    Ok(code)
}

/// `creel demo`: the mock cluster lives as long as this function.
fn demo(
    mut settings: config::Settings,
    print_bootstrap: bool,
    opts: crate::tui::TuiOptions,
) -> anyhow::Result<ExitCode> {
    let demo = crate::demo::Demo::start()?;
    settings.profile_name = "demo".into();
    settings.bootstrap_servers = demo.bootstrap.clone();
    // The mock cluster cannot list groups: name the demo's own.
    settings.watched_groups = crate::demo::GROUPS.iter().map(|g| g.to_string()).collect();
    if print_bootstrap {
        println!("{}", demo.bootstrap);
        eprintln!(
            "creel: demo cluster running; try `creel -b {}` in another terminal. Ctrl-C stops it.",
            demo.bootstrap
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(tokio::signal::ctrl_c())?;
    } else {
        crate::tui::run(settings, opts)?;
    }
    let took = demo.stop();
    tracing::info!("demo cluster stopped in {took:?}");
    Ok(ExitCode::SUCCESS)
}
