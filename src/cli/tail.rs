//! `creel tail`: messages to stdout, as text or JSON envelopes, through the
//! same reader the messages view uses.

use std::io::Write;
use std::process::ExitCode;

use crate::config::Settings;
use crate::kafka::read_headless;
use crate::model::{Message, StartAt};
use crate::protocol::{Event, ReadKind, ReadRequest, ReadStart};
use crate::schema::{Decoders, Decoding, Part};
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
            return Ok(ExitCode::from(super::exit::USAGE));
        }
    };
    if let Err(code) = super::reach(settings) {
        return Ok(code);
    }
    let decoders = match crate::schema::Decoders::for_settings(settings) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("creel: {e}");
            return Ok(ExitCode::from(super::exit::USAGE));
        }
    };
    // The read runs on a thread of its own (read_headless); this thread
    // only prints and waits for signals, so the runtime needs no workers
    // of its own (two more threads and their allocator arenas).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let code = rt.block_on(async {
        let mut stops = crate::signals::StopSignals::listen_or_never();
        let req = ReadRequest {
            session: 1,
            topic: args.topic.clone(),
            partitions: (!args.partitions.is_empty()).then(|| args.partitions.clone()),
            start: ReadStart::At(start),
            max: usize::MAX,
            tail: !args.exit_at_end,
            kind: ReadKind::Initial,
        };
        let mut read = read_headless(settings, req);
        let how = Output::new(args.json);
        // Rust's stdout writes each line at once (a system call per
        // message); a buffer flushed after each batch does one per batch.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let mut printed = 0usize;
        let limit = args.count.unwrap_or(usize::MAX);
        // While brokers are away every fetch fails, in a few words that
        // alternate: each is said once per outage (until messages flow).
        let mut said: Vec<String> = vec![];
        let events = &mut read.events;
        // A failed write (a reader that went away) ends the loop with its
        // error, and the read is still stopped below.
        // A stop signal (Ctrl-C, `kill`, `timeout`, a closed window) is
        // seen between batches, so the output ends after a whole line,
        // flushed, never partway through one.
        let ended = async {
            loop {
                let ev = tokio::select! {
                    ev = events.recv() => ev,
                    _ = stops.next() => return Ok(stops.exit_code()),
                };
                let Some(ev) = ev else { break };
                match ev {
                    Event::Messages { batch, .. } => {
                        said.clear();
                        for m in batch.iter().take(limit - printed) {
                            print(&mut out, &args.topic, m, how, decoders.as_deref())?;
                            printed += 1;
                        }
                        out.flush()?;
                        if printed >= limit {
                            break;
                        }
                    }
                    Event::MessagesFailed { error, .. } => {
                        let text = error.to_string();
                        if !said.contains(&text) {
                            eprintln!("creel: {text}");
                            said.push(text);
                        }
                        if printed == 0 {
                            return Ok::<_, anyhow::Error>(ExitCode::from(
                                super::exit::CANNOT_TELL,
                            ));
                        }
                    }
                    Event::MessagesFellBack { reason, .. } => eprintln!("creel: {reason}"),
                    Event::MessagesDone { .. } => break,
                    _ => {}
                }
            }
            Ok::<_, anyhow::Error>(ExitCode::SUCCESS)
        }
        .await;
        read.cancel.cancel();
        ended
    });
    // Whatever ended the read, librdkafka's blocking calls get their
    // bounded wait, never an unbounded one in the runtime's drop.
    rt.shutdown_timeout(std::time::Duration::from_millis(300));
    code
}

/// How messages are written: text or JSON, and whether stdout is a
/// terminal (then JSON's C1, bidi and format characters become \u escapes,
/// which read back the same; piped output is left byte for byte).
#[derive(Debug, Clone, Copy)]
pub(super) struct Output {
    pub json: bool,
    pub tty: bool,
}

impl Output {
    pub fn new(json: bool) -> Output {
        use std::io::IsTerminal;
        Output {
            json,
            tty: std::io::stdout().is_terminal(),
        }
    }
}

pub(super) fn print(
    out: &mut impl Write,
    topic: &str,
    m: &Message,
    how: Output,
    decoders: Option<&Decoders>,
) -> std::io::Result<()> {
    let decoded = decoders.map(|d| {
        (
            d.decode_blocking(topic, Part::Key, m.key.as_deref()),
            d.decode_blocking(topic, Part::Value, m.value.as_deref()),
        )
    });
    if how.json {
        let doc = crate::envelope::Envelope {
            topic,
            message: m,
            decoded: decoded.as_ref().map(|(k, v)| (k, v)),
        };
        if how.tty {
            let text = serde_json::to_string(&doc)?;
            return writeln!(out, "{}", crate::ui::text::tty_safe_json(&text));
        }
        serde_json::to_writer(&mut *out, &doc)?;
        return writeln!(out);
    }
    let show = |b: &Option<Vec<u8>>, d: Option<&Decoding>| match (b, d) {
        (None, _) => "null".to_string(),
        (Some(_), Some(Decoding::Decoded { json, .. })) => {
            escaped(json.to_string().as_bytes(), usize::MAX)
        }
        (Some(b), Some(Decoding::Failed { reason, .. })) => {
            format!("{} (not decoded: {reason})", escaped(b, usize::MAX))
        }
        (Some(b), _) => escaped(b, usize::MAX),
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
        show(&m.key, decoded.as_ref().map(|d| &d.0)),
        show(&m.value, decoded.as_ref().map(|d| &d.1))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(value: &str) -> Message {
        Message {
            partition: 0,
            offset: 7,
            timestamp: None,
            timestamp_kind: crate::model::TimestampKind::None,
            key: None,
            value: Some(value.as_bytes().to_vec()),
            headers: vec![],
        }
    }

    /// On a terminal, C1 and bidi controls in --json output are \u
    /// escapes (the same JSON once parsed); piped, bytes stay as they are.
    #[test]
    fn json_on_a_terminal_escapes_what_a_terminal_would_act_on() {
        let m = message("a\u{9b}31mred\u{202e}txt");
        let mut tty = vec![];
        print(
            &mut tty,
            "t",
            &m,
            Output {
                json: true,
                tty: true,
            },
            None,
        )
        .unwrap();
        let text = String::from_utf8(tty).unwrap();
        assert!(text.contains(r"a\u009b31mred\u202etxt"), "{text}");
        let mut piped = vec![];
        print(
            &mut piped,
            "t",
            &m,
            Output {
                json: true,
                tty: false,
            },
            None,
        )
        .unwrap();
        let a: serde_json::Value = serde_json::from_str(&text).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&piped).unwrap();
        assert_eq!(a, b);
        assert!(String::from_utf8(piped).unwrap().contains('\u{202e}'));
        let mut plain = vec![];
        print(
            &mut plain,
            "t",
            &m,
            Output {
                json: false,
                tty: true,
            },
            None,
        )
        .unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert!(
            !plain.contains('\u{9b}') && !plain.contains('\u{202e}'),
            "{plain:?}"
        );
    }
}
