//! `creel search`: the search screen's engine, headless. Matches go to
//! stdout (the explorer's JSON envelope with --json), a summary to stderr;
//! the exit code says whether anything matched, like grep.

use std::io::Write;
use std::process::ExitCode;

use crate::app::search::{check_pattern, Query, SearchIn, SearchOutcome, SearchRequest};
use crate::config::Settings;
use crate::kafka::spawn_worker;
use crate::model::StartAt;
use crate::protocol::{Command, Event};

pub struct SearchArgs {
    pub topic: String,
    pub pattern: String,
    pub target: String,
    pub ignore_case: bool,
    pub invert: bool,
    pub partitions: Vec<i32>,
    pub from: String,
    pub to: Option<String>,
    pub max_matches: Option<u64>,
    pub max_scanned: Option<u64>,
    pub json: bool,
    pub decoded: bool,
}

fn request(args: &SearchArgs) -> Result<SearchRequest, String> {
    let target = SearchIn::parse(&args.target).map_err(|e| format!("--in: {e}"))?;
    check_pattern(&args.pattern, args.ignore_case)
        .map_err(|e| format!("invalid regex {:?}, {e}", args.pattern))?;
    let now = chrono::Utc::now().timestamp_millis();
    let from = StartAt::parse(&args.from, now).map_err(|e| format!("--from: {e}"))?;
    let to = match &args.to {
        Some(t) => crate::app::search::parse_to(t, now).map_err(|e| format!("--to: {e}"))?,
        None => None,
    };
    Ok(SearchRequest {
        session: 1,
        topic: args.topic.clone(),
        query: Query {
            pattern: args.pattern.clone(),
            target,
            case_insensitive: args.ignore_case,
            invert: args.invert,
            decoded: args.decoded,
        },
        partitions: (!args.partitions.is_empty()).then(|| args.partitions.clone()),
        from,
        to,
        max_scanned: args.max_scanned,
        max_matches: args.max_matches,
        preview: None,
    })
}

pub fn run(settings: &Settings, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let req = match request(&args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("creel: {e}");
            return Ok(ExitCode::from(super::exit::USAGE));
        }
    };
    if args.decoded && settings.schema_registry.is_none() && settings.topic_schemas.is_empty() {
        eprintln!(
            "creel: --decoded needs a schema registry (-r URL, or schema_registry in the profile) or schema files (topic_schemas in the profile)"
        );
        return Ok(ExitCode::from(super::exit::USAGE));
    }
    if let Err(code) = super::reach(settings) {
        return Ok(code);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let code = rt.block_on(async {
        let mut stops = crate::signals::StopSignals::listen_or_never();
        let mut signalled = false;
        let mut worker = spawn_worker(settings)?;
        let decoders = worker.decoders.clone();
        worker.commands.send(Command::Search(req)).await?;
        let how = super::tail::Output::new(args.json);
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let mut code = ExitCode::from(super::exit::NO);
        let events = &mut worker.events;
        let commands = &worker.commands;
        // A failed write (a reader that went away) ends the loop with its
        // error, and the worker is still stopped below.
        let ended = async {
        loop {
            let ev = tokio::select! {
                ev = events.recv() => ev,
                _ = stops.next() => {
                    // The first stop signal stops the scan, and its final
                    // report still comes; a second ends creel at once.
                    if signalled {
                        break;
                    }
                    signalled = true;
                    let _ = commands.send(Command::CancelSearch).await;
                    continue;
                }
            };
            let Some(ev) = ev else { break };
            match ev {
                Event::SearchProgress { hits, error, .. } => {
                    for h in &hits {
                        super::tail::print(&mut out, &args.topic, &h.message, how, decoders.as_deref())?;
                    }
                    out.flush()?;
                    if let Some(e) = error {
                        eprintln!("creel: read error, skipped: {e}");
                    }
                }
                Event::SearchDone {
                    outcome,
                    scanned,
                    matched,
                    elapsed_ms,
                    ..
                } => {
                    let secs = elapsed_ms as f64 / 1000.0;
                    let rate = if secs > 0.0 { scanned as f64 / secs } else { 0.0 };
                    if let (SearchOutcome::Failed(e), 0) = (&outcome, scanned) {
                        eprintln!("creel: {e}");
                        code = ExitCode::from(super::exit::CANNOT_TELL);
                        break;
                    }
                    eprintln!(
                        "creel: scanned {scanned} messages, matched {matched}, {secs:.2} s ({rate:.0} msg/s){}",
                        match &outcome {
                            SearchOutcome::Completed => String::new(),
                            o => format!("; {}", o.label()),
                        }
                    );
                    code = match outcome {
                        SearchOutcome::Failed(_) => ExitCode::from(super::exit::CANNOT_TELL),
                        _ if matched > 0 => ExitCode::SUCCESS,
                        _ => ExitCode::from(super::exit::NO),
                    };
                    break;
                }
                _ => {}
            }
        }
        // An interrupted scan answers neither yes nor no: the exit code
        // says it was ended by a signal, as for any command.
        Ok::<_, anyhow::Error>(if signalled { stops.exit_code() } else { code })
        }
        .await;
        worker.shutdown();
        ended
    });
    // Whatever ended the search, the scanners' blocking calls get a
    // bounded wait, never an unbounded one in the runtime's drop.
    rt.shutdown_timeout(std::time::Duration::from_millis(300));
    code
}
