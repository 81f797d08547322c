//! `creel produce`: values from stdin one per line (like kcat -P), from a
//! template N times, or the lines of a JSONL export; a summary on stderr
//! and a non-zero exit when any message failed.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use tokio_util::sync::CancellationToken;

use crate::app::produce::{Acks, Draft, TemplateFile, ValueMode};
use crate::config::Settings;
use crate::kafka::{client_config, jsonl_records, produce_blocking, producer_config};
use crate::model::ProduceStats;

pub struct ProduceArgs {
    pub topic: String,
    pub key: Option<String>,
    pub headers: Vec<(String, String)>,
    pub partition: Option<i32>,
    pub template: Option<PathBuf>,
    pub count: Option<u64>,
    pub rate: Option<f64>,
    pub jsonl: Option<PathBuf>,
    pub acks: String,
    pub compression: String,
    pub value_schema: Option<String>,
    pub key_schema: Option<String>,
}

fn usage(msg: String) -> anyhow::Result<ExitCode> {
    eprintln!("creel: {msg}");
    Ok(ExitCode::from(super::exit::USAGE))
}

pub fn run(settings: &Settings, args: ProduceArgs) -> anyhow::Result<ExitCode> {
    if settings.read_only {
        return usage("read-only mode: producing is a write; creel does not send it".into());
    }
    let acks = match args.acks.as_str() {
        "all" | "-1" => Acks::All,
        "1" => Acks::Leader,
        "0" => Acks::None,
        other => return usage(format!("--acks {other}: use all, 1 or 0")),
    };
    if !crate::protocol::produce::draft::COMPRESSIONS.contains(&args.compression.as_str()) {
        return usage(format!(
            "--compression {}: use {}",
            args.compression,
            crate::protocol::produce::draft::COMPRESSIONS.join(", ")
        ));
    }
    let (value, mode) = match &args.template {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => TemplateFile::from_file(&path.display().to_string(), &t).text,
                Err(e) => return usage(format!("--template {}: {e}", path.display())),
            };
            let json = path.extension().is_some_and(|e| e == "json");
            (
                text,
                if json {
                    ValueMode::Json
                } else {
                    ValueMode::Text
                },
            )
        }
        None => (String::new(), ValueMode::Text),
    };
    let (value, mode) = match (&args.value_schema, args.template.is_some()) {
        (None, _) => (value, mode),
        (Some(_), true) => (value, ValueMode::Schema),
        // Each line of stdin is the value: the draft's own is never sent,
        // only checked, so it is the smallest JSON.
        (Some(_), false) => ("{}".to_string(), ValueMode::Schema),
    };
    let draft = Draft {
        topic: args.topic.clone(),
        partition: args.partition.map(|p| p.to_string()).unwrap_or_default(),
        key: args.key.clone().unwrap_or_default(),
        headers: args
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        value,
        mode,
        timestamp: String::new(),
        acks,
        compression: args.compression.clone(),
        value_schema: args
            .value_schema
            .clone()
            .filter(|s| s != "auto")
            .unwrap_or_default(),
        key_schema: args.key_schema.clone().unwrap_or_default(),
    };
    let prepared = match draft.prepare() {
        Ok(p) => p,
        Err((field, e)) => return usage(format!("{}: {e}", field_name(field))),
    };
    if let Some(path) = &args.jsonl {
        if let Err(e) = crate::kafka::open_jsonl(path) {
            return usage(format!("--jsonl {e}"));
        }
    }
    // The schemas are fetched, and the first message checked against
    // them, before anything is sent.
    let decoders = match crate::schema::Decoders::for_settings(settings) {
        Ok(d) => d,
        Err(e) => return usage(format!("schema registry: {e}")),
    };
    let encoders = match prepared.encoders(decoders.as_deref()) {
        Ok(e) => e,
        Err((field, e)) => return usage(format!("{}: {e}", field_name(field))),
    };
    if args.template.is_some() {
        if let Err((field, e)) = prepared.record(0).and_then(|r| encoders.apply(r)) {
            return usage(format!("{}: {e}", field_name(field)));
        }
    }
    if let Err(code) = super::reach(settings) {
        return Ok(code);
    }
    let cfg = producer_config(&client_config(settings), acks.value(), &args.compression);
    let cancel = CancellationToken::new();
    let quitting = CancellationToken::new();
    let (stop, quit) = (cancel.clone(), quitting.clone());
    // A stop signal (Ctrl-C, `kill`, `timeout`) stops sending, and what is
    // in flight still gets its report; a second one shortens that wait.
    // Should listening fail, a signal ends the send as it always did.
    let signalled = crate::signals::StopSignals::on_thread(move |n| {
        stop.cancel();
        if n > 1 {
            quit.cancel();
        }
    })
    .ok();
    let line = super::print::Progress::stderr();
    let progress = |s: &ProduceStats| {
        if s.sent > 0 && s.sent % 10_000 == 0 {
            line.say(&format!(
                "creel: sent {}, acknowledged {}, failed {}",
                s.sent, s.acked, s.failed
            ));
        }
    };
    // One send, whichever source the records come from.
    type Records<'a> =
        Box<dyn Iterator<Item = Result<crate::protocol::produce::OutRecord, String>> + 'a>;
    let records: Records<'_> = if let Some(path) = &args.jsonl {
        let file = match crate::kafka::open_jsonl(path) {
            Ok(f) => f,
            Err(e) => return usage(format!("--jsonl {e}")),
        };
        Box::new(jsonl_records(std::io::BufReader::new(file)))
    } else if args.template.is_some() {
        let n = args.count.unwrap_or(1);
        Box::new((0..n).map(|seq| {
            prepared
                .record(seq)
                .and_then(|r| encoders.apply(r))
                .map_err(|(_, e)| e)
        }))
    } else {
        let limit = args.count.unwrap_or(u64::MAX) as usize;
        Box::new(
            stdin_lines(cancel.clone())
                .take(limit)
                .enumerate()
                // A read error ends the input (yielded once): it would repeat.
                .scan(false, |failed, (seq, line)| {
                    if *failed {
                        return None;
                    }
                    *failed = line.is_err();
                    Some((seq, line))
                })
                .map(|(seq, line)| {
                    let line = line.map_err(|e| format!("reading stdin: {e}"))?;
                    let mut r = prepared.record(seq as u64).map_err(|(_, e)| e)?;
                    // Bytes as they came: a value need not be UTF-8.
                    r.value = Some(line.strip_suffix(b"\r").unwrap_or(&line).to_vec());
                    encoders
                        .apply(r)
                        .map_err(|(_, e)| format!("line {}: {e}", seq + 1))
                }),
        )
    };
    let stats = produce_blocking(
        &cfg,
        &args.topic,
        records,
        args.rate,
        &cancel,
        Some(&quitting),
        progress,
    );
    line.clear();
    let stats = match stats {
        Ok(s) => s,
        Err(e) => {
            eprintln!("creel: {e}");
            return Ok(ExitCode::from(super::exit::CANNOT_TELL));
        }
    };
    summary(&stats);
    if let Some(code) = signalled.and_then(|s| s.exit_code()) {
        return Ok(code);
    }
    Ok(if stats.failed > 0 {
        ExitCode::from(super::exit::NO)
    } else {
        ExitCode::SUCCESS
    })
}

/// A draft field as the command line names it.
fn field_name(f: crate::app::produce::DraftField) -> &'static str {
    use crate::app::produce::DraftField as F;
    match f {
        F::Topic => "--topic",
        F::Partition => "--partition",
        F::Key => "--key",
        F::Headers => "--header",
        F::Value => "the value",
        F::Timestamp => "the timestamp",
        F::ValueSchema => "--value-schema",
        F::KeySchema => "--key-schema",
    }
}

fn summary(s: &ProduceStats) {
    let secs = s.elapsed_ms as f64 / 1000.0;
    eprintln!(
        "creel: sent {}, acknowledged {}, failed {} in {secs:.2} s ({:.0} msg/s)",
        s.sent,
        s.acked,
        s.failed,
        if secs > 0.0 {
            s.acked as f64 / secs
        } else {
            0.0
        }
    );
    for (p, (ok, bad)) in &s.per_partition {
        let p = if *p < 0 {
            "unassigned".to_string()
        } else {
            format!("partition {p}")
        };
        eprintln!("  {p}: {ok} acknowledged, {bad} failed");
    }
    for (reason, n) in &s.errors {
        eprintln!("  failed {n}x: {reason}");
    }
    if let Some(d) = s.last {
        eprintln!("  last: partition {} offset {}", d.partition, d.offset);
    }
}

/// Lines of stdin, read on their own thread. Read in place, a stop signal
/// waited for the next line: Ctrl-C at a terminal did nothing until Enter.
/// Here the lines end when `cancel` fires, and the reader thread, blocked
/// in its read, ends with the process.
fn stdin_lines(cancel: CancellationToken) -> impl Iterator<Item = std::io::Result<Vec<u8>>> {
    use std::sync::mpsc::{sync_channel, RecvTimeoutError};
    use std::time::Duration;
    // Lines go over in batches, one per read: a line each at a terminal,
    // a buffer's worth from a pipe (a send per line cost a quarter of the
    // throughput of `creel produce < file`).
    let (tx, rx) = sync_channel::<Vec<std::io::Result<Vec<u8>>>>(8);
    let reader = std::thread::Builder::new()
        .name("creel-stdin".into())
        .spawn(move || {
            let mut input = std::io::stdin().lock();
            let mut partial = Vec::new();
            loop {
                let chunk = match input.fill_buf() {
                    Ok(c) => c,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.send(vec![Err(e)]);
                        return;
                    }
                };
                if chunk.is_empty() {
                    // As `split`: a last line without a newline still counts.
                    if !partial.is_empty() {
                        let _ = tx.send(vec![Ok(partial)]);
                    }
                    return;
                }
                let mut lines = Vec::new();
                let mut rest = chunk;
                while let Some(end) = rest.iter().position(|b| *b == b'\n') {
                    partial.extend_from_slice(&rest[..end]);
                    lines.push(Ok(std::mem::take(&mut partial)));
                    rest = &rest[end + 1..];
                }
                partial.extend_from_slice(rest);
                let read = chunk.len();
                input.consume(read);
                if !lines.is_empty() && tx.send(lines).is_err() {
                    return;
                }
            }
        });
    // Failing to start the reader is said once, as a read error.
    let mut not_started = reader.err();
    let mut batch = std::collections::VecDeque::new();
    std::iter::from_fn(move || loop {
        if let Some(e) = not_started.take() {
            return Some(Err(e));
        }
        if cancel.is_cancelled() {
            return None;
        }
        if let Some(line) = batch.pop_front() {
            return Some(line);
        }
        match rx.recv_timeout(Duration::from_millis(50)) {
            Ok(lines) => batch = lines.into(),
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    })
}
