//! The interactive loop: terminal in, actions to `App`, commands to the
//! worker, events back, frames out. Nothing here waits on Kafka.

mod effects;
mod terminal;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{Event as TermEvent, EventStream, MouseEventKind};
use futures::StreamExt;

use crate::app::{Action, App, Effect, Input, Mode, Output, Status};
use crate::config::Settings;
use crate::kafka::{spawn_worker, WorkerHandle};
use crate::protocol::Command;
use crate::signals;

pub use terminal::TerminalGuard;

pub struct TuiOptions {
    pub started: Instant,
    pub exit_when_loaded: Option<PathBuf>,
    pub exit_after_first_frame: Option<PathBuf>,
    /// Benchmark hook: key read and answering frame drawn, per key.
    pub key_log: Option<PathBuf>,
    /// `creel demo`: fires when its topics exist, and the view refreshes
    /// then instead of at the next period.
    pub refresh_when: Option<std::sync::mpsc::Receiver<()>>,
    /// Where `:profile` finds the other profiles, and what of the command
    /// line still holds after a switch.
    pub config: Option<PathBuf>,
    pub overrides: crate::config::Overrides,
}

/// Ends with success on a quit, or 128 + the signal that stopped it.
pub fn run(settings: Settings, mut opts: TuiOptions) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // Every Kafka call runs on the blocking pool; bound it.
        .max_blocking_threads(64)
        .enable_all()
        .thread_name("creel-worker")
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async {
        // Clients are created before the terminal is touched, so a bad -X
        // property is a plain error on stderr.
        let worker = spawn_worker(&settings)?;
        let mut stops = signals::StopSignals::listen().context("cannot listen for signals")?;
        let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
        // For the end-to-end test of the panic hook: a panic on a worker
        // thread, as a bug would cause, must still end creel cleanly.
        if std::env::var_os("CREEL_PANIC_FOR_TEST").is_some() {
            tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(500)).await;
                panic!("CREEL_PANIC_FOR_TEST");
            });
        }
        // Held here, not in the loop, so that a loop ending in an error
        // (the terminal cannot be read) still lets each file be finished.
        let mut exports = Vec::new();
        let r = event_loop(
            &mut guard,
            &settings,
            worker,
            &mut opts,
            &mut exports,
            &mut stops,
        )
        .await;
        guard.restore();
        // What a quit interrupted is said where the user can read it.
        if let Ok(Some(farewell)) = &r {
            tell(farewell);
        }
        finish_exports(exports, &mut stops).await;
        r.map(|_| stops.exit_code())
    });
    // librdkafka calls still running on blocking threads are abandoned, so
    // quitting never waits on a slow or dead broker: the only blocking work
    // whose end matters, an export, was waited for above.
    runtime.shutdown_background();
    result
}

/// How long quit waits for exports still writing, after the terminal is
/// back: a file the user asked for is worth a few seconds, not a hang on a
/// schema registry that stopped answering.
const EXPORT_WAIT: Duration = Duration::from_secs(10);

/// A signal during the wait (Ctrl-C on the shell's terminal, now that it
/// is back) gives up on what is still writing.
async fn finish_exports(exports: Vec<effects::PendingExport>, stops: &mut signals::StopSignals) {
    let deadline = tokio::time::Instant::now() + EXPORT_WAIT;
    for e in exports {
        if !e.handle.is_finished() {
            tell(&format!(
                "creel: finishing the export to {}",
                e.path.display()
            ));
        }
        let cut_short = |why: &str| {
            format!(
                "creel: the export to {} {why}; the file holds only its first messages",
                e.path.display()
            )
        };
        // The screen that would have said how it went is gone.
        tokio::select! {
            done = tokio::time::timeout_at(deadline, e.handle) => match done {
                Ok(Ok(said)) => tell(&format!("creel: {said}")),
                Ok(Err(err)) => tell(&format!("creel: an export stopped: {err}")),
                Err(_) => tell(&cut_short(&format!(
                    "did not finish within {} s",
                    EXPORT_WAIT.as_secs()
                ))),
            },
            _ = stops.next() => {
                tell(&cut_short("was stopped"));
                return;
            }
        }
    }
}

/// A line on stderr after the screen is gone. The terminal may be gone
/// too (a closed window), and a failed write must not become a panic.
fn tell(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The app for `settings`, as at start: nothing of another cluster in it.
fn fresh_app(settings: &Settings) -> App {
    let mut app = App::new(
        &settings.profile_name,
        &settings.bootstrap_servers,
        chrono::Local::now(),
    );
    let shared = &mut app.shared;
    shared.keymap = settings.keymap.clone();
    shared.lag = crate::app::LagBook::new(settings.lag_window);
    shared.read_only = settings.read_only;
    shared.label.tag = settings.label.clone();
    shared.label.color = settings.color.clone();
    shared.label.tls_unverified = settings.tls_unverified;
    shared.templates.extend(
        crate::config::user_templates()
            .into_iter()
            .map(|(name, text)| crate::app::produce::TemplateFile::from_file(&name, &text)),
    );
    app
}

/// `:profile NAME`: the settings of that profile, as the config file says
/// it (without the -b and -X of the command line, which were for the
/// first cluster; --read-only and --group still hold).
fn switch_settings(opts: &TuiOptions, name: &str) -> Result<Settings, String> {
    let overrides = crate::config::Overrides {
        profile: Some(name.to_string()),
        read_only: opts.overrides.read_only,
        groups: opts.overrides.groups.clone(),
        refresh_secs: opts.overrides.refresh_secs,
        ..Default::default()
    };
    crate::config::resolve(opts.config.as_deref(), &overrides).map_err(|e| e.to_string())
}

/// `:profile` alone: the config's profiles on the status line.
fn profiles_status(opts: &TuiOptions, here: &str) -> Status {
    match crate::config::list_profiles(opts.config.as_deref()) {
        Ok((list, _)) if list.is_empty() => Status::error("the config file defines no profile"),
        Ok((list, _)) => Status::info(format!(
            "profiles: {} (* default) · :profile NAME switches",
            list.iter()
                .map(|p| format!(
                    "{}{}{}",
                    p.name,
                    if p.is_default { "*" } else { "" },
                    if p.name == here { " (here)" } else { "" }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Err(e) => Status::error(e.to_string()),
    }
}

/// How long quit waits for a stopped send's last report (its own wait
/// for deliveries is shorter): quit must be done within a second.
const QUIT_WAIT: Duration = Duration::from_millis(600);

/// Runs until quit; returns what to tell the user once the terminal is
/// back. Exports it starts are left in `exports`, to finish after that.
async fn event_loop(
    guard: &mut TerminalGuard,
    settings: &Settings,
    mut worker: WorkerHandle,
    opts: &mut TuiOptions,
    exports: &mut Vec<effects::PendingExport>,
    stops: &mut signals::StopSignals,
) -> anyhow::Result<Option<String>> {
    let mut app = fresh_app(settings);
    app.shared.decoders = worker.decoders.clone();
    let mut input = EventStream::new();
    // Effects (copy, export) report back here.
    let (notes_tx, mut notes_rx) = tokio::sync::mpsc::channel(16);
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut first_frame: Option<Duration> = None;
    let mut key_log = match &opts.key_log {
        Some(p) => Some(std::fs::File::create(p).context("the key log")?),
        None => None,
    };
    let mut key_read_at: Option<u128> = None;
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(1);
    if let Some(when) = opts.refresh_when.take() {
        tokio::task::spawn_blocking(move || {
            if when.recv().is_ok() {
                let _ = ready_tx.blocking_send(());
            }
        });
    }
    loop {
        // Every wake-up below changed something worth a frame.
        app.shared.now = chrono::Local::now();
        let size = guard.terminal.size()?;
        app.shared.page_size = crate::app::page_size(size.height);
        guard.terminal.draw(|f| app.draw(f))?;
        first_frame.get_or_insert_with(|| opts.started.elapsed());
        if let (Some(log), Some(read)) = (key_log.as_mut(), key_read_at.take()) {
            use std::io::Write;
            writeln!(log, "{read} {}", epoch_micros())?;
        }
        if let Some(path) = &opts.exit_after_first_frame {
            write_bench_report(path, &app, opts.started.elapsed(), first_frame)?;
            break;
        }
        if let Some(path) = &opts.exit_when_loaded {
            if app
                .shared
                .snapshot
                .as_ref()
                .is_some_and(|s| s.watermarks_complete)
            {
                write_bench_report(path, &app, opts.started.elapsed(), first_frame)?;
                break;
            }
        }
        if app.should_quit {
            break;
        }
        let work = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => {
                    if key_log.is_some() && matches!(ev, TermEvent::Key(_)) {
                        key_read_at.get_or_insert_with(epoch_micros);
                    }
                    on_terminal_event(&mut app, ev)
                }
                Some(Err(e)) => return Err(e).context("reading the terminal"),
                None => break,
            },
            ev = worker.events.recv() => match ev {
                Some(ev) => {
                    let mut work = app.apply(ev);
                    // Apply whatever else is queued before drawing once.
                    while let Ok(ev) = worker.events.try_recv() {
                        work.extend(app.apply(ev));
                    }
                    work
                }
                None => anyhow::bail!("the Kafka worker stopped unexpectedly"),
            },
            Some(note) = notes_rx.recv() => {
                app.shared.say(note);
                vec![]
            }
            Some(()) = ready_rx.recv() => app.refresh(),
            // Ends as `q` does: the send stopped and reported, the
            // terminal restored, the exports finished.
            _ = stops.next() => break,
            _ = tick.tick() => vec![],
        };
        for output in work {
            match output {
                Output::Command(cmd) => send(&mut app, &worker, cmd),
                Output::Effect(Effect::Redraw) => guard.terminal.clear()?,
                Output::Effect(Effect::ListProfiles) => {
                    let said = profiles_status(opts, &app.shared.label.profile);
                    app.shared.say(said);
                }
                Output::Effect(Effect::SwitchProfile(name)) => {
                    let next = switch_settings(opts, &name)
                        .and_then(|s| spawn_worker(&s).map(|w| (s, w)).map_err(|e| e.to_string()));
                    match next {
                        Ok((s, w)) => {
                            // The old cluster's worker stops; its late
                            // events die with its channel.
                            worker.shutdown();
                            worker = w;
                            app = fresh_app(&s);
                            app.shared.decoders = worker.decoders.clone();
                            app.shared.say(Status::info(format!(
                                "switched to profile {} ({})",
                                s.profile_name, s.bootstrap_servers
                            )));
                            guard.terminal.clear()?;
                        }
                        Err(e) => app.shared.say(Status::error(format!(
                            "cannot switch to profile {name}: {e}"
                        ))),
                    }
                }
                Output::Effect(effect) => {
                    exports.retain(|e| !e.handle.is_finished());
                    exports.extend(effects::run(effect, &notes_tx, worker.decoders.clone()));
                }
                // `App` says statuses and navigates itself.
                Output::Status(_) | Output::Nav(_) => {}
            }
        }
    }
    // Cancels every job; a send still running then waits less for its
    // deliveries.
    worker.shutdown();
    // Those that end from here on have no screen left to say so.
    exports.retain(|e| !e.handle.is_finished());
    Ok(stop_send_in_flight(&mut app, guard, &mut worker).await)
}

/// Quit with a send running (the worker already told to stop): wait
/// (bounded) for its last report, so the user learns how many messages
/// were acknowledged and how many failed instead of nothing at all.
async fn stop_send_in_flight(
    app: &mut App,
    guard: &mut TerminalGuard,
    worker: &mut WorkerHandle,
) -> Option<String> {
    app.screens.produce.in_flight()?;
    app.shared.say(Status::info(
        "quitting: stopping the send and waiting for its last delivery reports",
    ));
    let _ = guard.terminal.draw(|f| app.draw(f));
    let deadline = tokio::time::Instant::now() + QUIT_WAIT;
    while app.screens.produce.in_flight().is_some() {
        match tokio::time::timeout_at(deadline, worker.events.recv()).await {
            // Late answers of other jobs are applied and dropped alike.
            Ok(Some(ev)) => {
                let _ = app.apply(ev);
            }
            Ok(None) | Err(_) => break,
        }
    }
    app.screens.produce.last_run().map(|r| r.quit_summary())
}

fn on_terminal_event(app: &mut App, ev: TermEvent) -> Vec<Output> {
    match ev {
        TermEvent::Key(key) => app.key(key),
        TermEvent::Mouse(m) if app.mode() == Mode::Normal => match m.kind {
            MouseEventKind::ScrollDown => app.handle(Input::Action(Action::Down)),
            MouseEventKind::ScrollUp => app.handle(Input::Action(Action::Up)),
            _ => vec![],
        },
        _ => vec![],
    }
}

fn epoch_micros() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
}

fn send(app: &mut App, worker: &WorkerHandle, cmd: Command) {
    use tokio::sync::mpsc::error::TrySendError;
    match worker.commands.try_send(cmd) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => app.shared.say(Status::error(
            "busy: the worker has too many requests queued; try again",
        )),
        Err(TrySendError::Closed(_)) => app
            .shared
            .say(Status::error("the Kafka worker has stopped")),
    }
}

fn write_bench_report(
    path: &std::path::Path,
    app: &App,
    loaded: Duration,
    first_frame: Option<Duration>,
) -> anyhow::Result<()> {
    let topics = app.shared.topic_list();
    let report = serde_json::json!({
        "first_frame_ms": first_frame.map(|d| d.as_secs_f64() * 1000.0),
        "loaded_ms": loaded.as_secs_f64() * 1000.0,
        "topics": topics.len(),
        "partitions": topics.iter().map(|t| t.partitions.len()).sum::<usize>(),
        "messages": topics.iter().filter_map(|t| t.messages()).sum::<i64>(),
        "max_rss_kb": max_rss_kb(),
    });
    std::fs::write(path, report.to_string()).with_context(|| format!("writing {}", path.display()))
}

/// Peak resident memory of this process (Linux), in KiB.
pub fn max_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}
