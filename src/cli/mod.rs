//! Start-up: resolve settings, set up logging, then run the TUI or a
//! headless subcommand.

mod admin;
mod args;
pub mod exit;
mod lag;
mod logging;
mod print;
mod produce;
mod search;
mod tail;

pub use args::{Cli, Cmd, GlobalArgs, GroupArgs, TopicArgs};

use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::config;

/// Reach the cluster before a headless command starts its work, so a
/// refusal (a wrong password, an untrusted certificate) is said at once.
pub(crate) fn reach(settings: &crate::config::Settings) -> Result<(), ExitCode> {
    crate::kafka::check_connection(settings, std::time::Duration::from_secs(10)).map_err(|e| {
        if e.kind == crate::protocol::ErrorKind::Invalid {
            eprintln!(
                "creel: a client property (the profile's or -X) is not valid: {}",
                e.message
            );
            return ExitCode::from(exit::CONFIG);
        }
        eprintln!(
            "creel: cannot read the cluster at {}: {}",
            settings.bootstrap_servers, e.message
        );
        ExitCode::from(exit::CANNOT_TELL)
    })
}

pub fn run(cli: Cli, started: Instant) -> anyhow::Result<ExitCode> {
    // Listing profiles needs no profile chosen, nor a bootstrap address.
    if let Some(Cmd::Profiles { json }) = &cli.command {
        return print::profiles(cli.global.config.as_deref(), *json);
    }
    let mut overrides = cli.global.overrides();
    overrides.groups = cli.groups.clone();
    let settings = config::resolve(cli.global.config.as_deref(), &overrides)?;
    let log_path = match &cli.global.log {
        Some(level) => Some(logging::init(level)?),
        None => None,
    };
    let tui_options = crate::tui::TuiOptions {
        started,
        exit_when_loaded: cli.global.exit_when_loaded.clone(),
        exit_after_first_frame: cli.global.exit_after_first_frame.clone(),
        key_log: cli.global.key_log.clone(),
        refresh_when: None,
        config: cli.global.config.clone(),
        overrides: overrides.clone(),
    };
    let code = match cli.command {
        None => crate::tui::run(settings, tui_options)?,
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
                samples: samples.map_or(settings.lag_window, |n| n as usize),
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
            decoded,
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
                decoded,
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
            value_schema,
            key_schema,
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
                value_schema,
                key_schema,
            },
        )?,
        Some(Cmd::Topic { cmd }) => admin::topic(
            &settings,
            match cmd {
                TopicArgs::Create {
                    name,
                    partitions,
                    replication_factor,
                    configs,
                } => admin::TopicCmd::Create {
                    name,
                    partitions,
                    replication: replication_factor,
                    configs,
                },
                TopicArgs::Delete { name } => admin::TopicCmd::Delete { name },
                TopicArgs::Alter { name, set, delete } => {
                    admin::TopicCmd::Alter { name, set, delete }
                }
                TopicArgs::AddPartitions { name, total } => {
                    admin::TopicCmd::AddPartitions { name, total }
                }
            },
        )?,
        Some(Cmd::Group { cmd }) => match cmd {
            GroupArgs::Delete { group } => {
                admin::group(&settings, admin::GroupCmd::Delete { group })?
            }
            GroupArgs::DeleteOffsets { group, topic } => {
                admin::group(&settings, admin::GroupCmd::DeleteOffsets { group, topic })?
            }
            GroupArgs::ResetOffsets {
                group,
                to_earliest,
                to_latest,
                to_datetime,
                to_offset,
                shift_by,
                topic,
                execute,
                dry_run: _,
            } => {
                let now = chrono::Utc::now().timestamp_millis();
                let target = if to_earliest {
                    Some(crate::protocol::admin::ResetTarget::Earliest)
                } else if to_latest {
                    Some(crate::protocol::admin::ResetTarget::Latest)
                } else if let Some(o) = to_offset {
                    Some(crate::protocol::admin::ResetTarget::Offset(o))
                } else if let Some(n) = shift_by {
                    Some(crate::protocol::admin::ResetTarget::Shift(n))
                } else if let Some(t) = to_datetime {
                    match crate::protocol::admin::ResetTarget::parse(&format!("time={t}"), now) {
                        Ok(t) => Some(t),
                        Err(e) => {
                            eprintln!("creel: --to-datetime: {e}");
                            return Ok(ExitCode::from(exit::USAGE));
                        }
                    }
                } else {
                    None
                };
                match target {
                    Some(target) => admin::group(
                        &settings,
                        admin::GroupCmd::ResetOffsets {
                            group,
                            target,
                            topic,
                            execute,
                        },
                    )?,
                    None => {
                        eprintln!("creel: say where: --to-earliest, --to-latest, --to-datetime, --to-offset or --shift-by");
                        ExitCode::from(exit::USAGE)
                    }
                }
            }
        },
        Some(Cmd::Demo {
            print_bootstrap,
            screenshots,
        }) => demo(settings, print_bootstrap, screenshots, tui_options)?,
        Some(Cmd::Profiles { .. }) => unreachable!("answered before the settings"),
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
    screenshots: Option<std::path::PathBuf>,
    opts: crate::tui::TuiOptions,
) -> anyhow::Result<ExitCode> {
    // The TUI draws at once; the other uses want the history written first.
    let mut opts = opts;
    let mut demo = if screenshots.is_none() && !print_bootstrap {
        crate::demo::Demo::start_in_background()?
    } else {
        crate::demo::Demo::start()?
    };
    opts.refresh_when = demo.take_ready();
    settings.profile_name = "demo".into();
    settings.bootstrap_servers = demo.bootstrap.clone();
    settings.schema_registry = Some(crate::schema::RegistrySettings {
        url: demo.registry_url.clone(),
        ..Default::default()
    });
    // The mock cluster cannot list groups: name the demo's own.
    settings.watched_groups = crate::demo::GROUPS.iter().map(|g| g.to_string()).collect();
    if let Some(dir) = screenshots {
        let written = crate::demo::screenshots::capture(&settings, &dir);
        let took = demo.stop();
        tracing::info!("demo cluster stopped in {took:?}");
        for p in written? {
            println!("{}", p.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let code = if print_bootstrap {
        println!("{}", demo.bootstrap);
        eprintln!(
            "creel: demo cluster running; try `creel -b {} -r {}` in another terminal (-r: its schema registry). Ctrl-C stops it.",
            demo.bootstrap, demo.registry_url
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(tokio::signal::ctrl_c())?;
        ExitCode::SUCCESS
    } else {
        crate::tui::run(settings, opts)?
    };
    let took = demo.stop();
    tracing::info!("demo cluster stopped in {took:?}");
    Ok(code)
}
