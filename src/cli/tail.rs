//! `creel tail`: messages to stdout, as text or JSON envelopes, through the
//! same reader the messages view uses.

use std::io::Write;
use std::process::ExitCode;

use super::EXIT_CONNECTION;
use crate::config::Settings;
use crate::kafka::spawn_worker;
use crate::model::{Message, StartAt};
use crate::protocol::{Command, Event, ReadKind, ReadRequest, ReadStart};
use crate::ui::bytes::escaped;

pub struct TailArgs {
    pub topic: String,
    pub partitions: Vec<i32>,
    pub offset: String,
    pub count: Option<usize>,
    pub exit_at_end: bool,
    pub json: bool,
}

pub fn run(settings: &Settings, args: TailArgs) -> anyhow::Result<ExitCode> {
    let start = match StartAt::parse(&args.offset, chrono::Utc::now().timestamp_millis()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("creel: -o {}: {e}", args.offset);
            return Ok(ExitCode::from(64));
        }
    };
    if let Err(code) = super::reach(settings) {
        return Ok(code);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let code = rt.block_on(async {
        let mut worker = spawn_worker(settings)?;
        let req = ReadRequest {
            session: 1,
            topic: args.topic.clone(),
            partitions: (!args.partitions.is_empty()).then(|| args.partitions.clone()),
            start: ReadStart::At(start),
            max: usize::MAX,
            tail: !args.exit_at_end,
            kind: ReadKind::Initial,
        };
        worker.commands.send(Command::ReadMessages(req)).await?;
        let mut out = std::io::stdout().lock();
        let mut printed = 0usize;
        let limit = args.count.unwrap_or(usize::MAX);
        while let Some(ev) = worker.events.recv().await {
            match ev {
                Event::Messages { batch, .. } => {
                    for m in batch.iter().take(limit - printed) {
                        print(&mut out, &args.topic, m, args.json)?;
                        printed += 1;
                    }
                    out.flush()?;
                    if printed >= limit {
                        break;
                    }
                }
                Event::MessagesFailed { error, .. } => {
                    eprintln!("creel: {error}");
                    if printed == 0 {
                        return Ok::<_, anyhow::Error>(ExitCode::from(EXIT_CONNECTION));
                    }
                }
                Event::MessagesDone { .. } => break,
                _ => {}
            }
        }
        worker.shutdown();
        Ok(ExitCode::SUCCESS)
    })?;
    rt.shutdown_timeout(std::time::Duration::from_millis(300));
    Ok(code)
}

pub(super) fn print(
    out: &mut impl Write,
    topic: &str,
    m: &Message,
    json: bool,
) -> std::io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, &crate::envelope::to_json(topic, m))?;
        return writeln!(out);
    }
    let show = |b: &Option<Vec<u8>>| match b {
        None => "null".to_string(),
        Some(b) => escaped(b, usize::MAX),
    };
    let ts = m
        .timestamp
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "{}/{}\t{ts}\t{}\t{}",
        m.partition,
        m.offset,
        show(&m.key),
        show(&m.value)
    )
}
