//! Sending messages: one, or many at a target rate, with every message
//! ending either acknowledged by the broker or counted as failed with the
//! reason. Runs on a thread of its own (or the CLI's); stops on a token.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Message as _, OwnedHeaders};
use rdkafka::producer::{
    BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext, PurgeConfig,
};
use rdkafka::ClientConfig;
use tokio_util::sync::CancellationToken;

use super::jobs::Job;
use crate::model::{Delivered, ProduceStats};
use crate::protocol::produce::OutRecord;
use crate::protocol::{ErrorKind, Op, OpError};

const REPORT_EVERY: Duration = Duration::from_millis(100);
/// How long a stopped bulk send waits for what is already in flight.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// The same when the app quits: it must be gone within a second, and what
/// is still unacknowledged then is purged and counted failed.
const QUIT_GRACE: Duration = Duration::from_millis(250);

struct Counting {
    stats: Arc<Mutex<ProduceStats>>,
}

impl ClientContext for Counting {
    const ENABLE_REFRESH_OAUTH_TOKEN: bool = true;

    fn generate_oauth_token(
        &self,
        _config: Option<&str>,
    ) -> Result<rdkafka::client::OAuthToken, Box<dyn std::error::Error>> {
        super::msk_iam::token().map_err(Into::into)
    }
}

/// A failed delivery report carries no timestamp: the record's own travels
/// in the opaque, as milliseconds + 1 (0: the producer's clock).
fn ts_opaque(ts: Option<i64>) -> usize {
    ts.and_then(|t| usize::try_from(t).ok())
        .map_or(0, |t| t.saturating_add(1))
}

impl ProducerContext for Counting {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, ts: usize) {
        let record_ts = ts.checked_sub(1).and_then(|t| i64::try_from(t).ok());
        let Ok(mut s) = self.stats.lock() else { return };
        match result {
            Ok(m) => {
                s.acked += 1;
                s.per_partition.entry(m.partition()).or_default().0 += 1;
                // librdkafka's mock cluster answers with a log-append time of
                // 1234 ms; no real broker stamps a message before 2001.
                let ts = m
                    .timestamp()
                    .to_millis()
                    .filter(|t| *t > 1_000_000_000_000)
                    .or_else(|| Some(chrono::Utc::now().timestamp_millis()));
                s.last = Some(Delivered {
                    partition: m.partition(),
                    offset: m.offset(),
                    timestamp: ts,
                });
            }
            Err((e, m)) => {
                s.failed += 1;
                s.per_partition.entry(m.partition()).or_default().1 += 1;
                let why = match timestamp_hint(e, record_ts.or(m.timestamp().to_millis())) {
                    Some(hint) => format!("{}: {hint}", reason(e)),
                    None => reason(e),
                };
                s.note_error(why);
            }
        }
    }
}

/// Kafka refuses a record whose timestamp is too far from its clock
/// (`log.message.timestamp.after.max.ms`, one hour ahead by default since
/// Kafka 4.0) with a bare "failed to validate record": say why when the
/// record's time is far off.
fn timestamp_hint(e: &KafkaError, ts: Option<i64>) -> Option<String> {
    use rdkafka::types::RDKafkaErrorCode::{InvalidRecord, InvalidTimestamp};
    let code = e.rdkafka_error_code()?;
    if !matches!(code, InvalidRecord | InvalidTimestamp) {
        return None;
    }
    let off_by = ts? - chrono::Utc::now().timestamp_millis();
    let hours = off_by.abs() as f64 / 3_600_000.0;
    (hours >= 1.0).then(|| {
        let way = if off_by > 0 { "ahead of" } else { "behind" };
        format!(
            "the record's timestamp is {hours:.1} h {way} now; the broker refuses timestamps \
             outside log.message.timestamp.after.max.ms / before.max.ms (Kafka 4: 1 h ahead at most)"
        )
    })
}

fn reason(e: &KafkaError) -> String {
    match e {
        KafkaError::MessageProduction(code) => super::diagnose::code_text(*code),
        other => other.to_string(),
    }
}

/// Settings for a producer: the user's client settings, then what this
/// send asked for. A failed delivery is reported after 30 s (not
/// librdkafka's 5 min) unless the user set `message.timeout.ms`.
pub fn producer_config(base: &ClientConfig, acks: &str, compression: &str) -> ClientConfig {
    let mut cfg = base.clone();
    cfg.set("acks", acks)
        .set("compression.type", compression)
        .set("statistics.interval.ms", "0");
    if cfg.get("message.timeout.ms").is_none() {
        cfg.set("message.timeout.ms", "30000");
    }
    cfg
}

/// Send `records` to `topic`; `report` sees the counts every 100 ms and
/// once at the end. Errors only when the producer cannot be created.
/// `cancel` stops sending; `quitting`, when cancelled too, shortens the
/// wait for the reports of what is in flight.
pub fn produce_blocking(
    cfg: &ClientConfig,
    topic: &str,
    records: impl Iterator<Item = Result<OutRecord, String>>,
    rate: Option<f64>,
    cancel: &CancellationToken,
    quitting: Option<&CancellationToken>,
    mut report: impl FnMut(&ProduceStats),
) -> Result<ProduceStats, OpError> {
    let stats = Arc::new(Mutex::new(ProduceStats::default()));
    let producer: BaseProducer<Counting> = cfg
        .create_with_context(Counting {
            stats: stats.clone(),
        })
        .map_err(|e| {
            OpError::new(
                Op::Produce,
                ErrorKind::Invalid,
                format!("cannot create a producer: {e}"),
            )
        })?;
    super::msk_iam::authenticate(producer.client());
    let started = Instant::now();
    // A topic that does not exist would only fail after the message
    // timeout, as "timed out": ask first, and say so at once. (Asking
    // also creates it where the broker creates topics on demand.)
    if let Err(why) = topic_exists(&producer, topic) {
        if let Ok(mut s) = stats.lock() {
            for _ in records {
                s.sent += 1;
                s.failed += 1;
                s.per_partition.entry(-1).or_default().1 += 1;
                s.note_error(why.clone());
                if cancel.is_cancelled() {
                    break;
                }
            }
            s.elapsed_ms = started.elapsed().as_millis() as u64;
        }
        let last = stats.lock().map(|s| s.clone()).unwrap_or_default();
        report(&last);
        return Ok(last);
    }
    let mut last_report = Instant::now();
    let snapshot = |stats: &Arc<Mutex<ProduceStats>>| {
        stats
            .lock()
            .map(|mut s| {
                s.elapsed_ms = started.elapsed().as_millis() as u64;
                s.clone()
            })
            .unwrap_or_default()
    };
    for (seq, rec) in records.enumerate() {
        if cancel.is_cancelled() {
            break;
        }
        if let Some(rate) = rate.filter(|r| r.is_finite() && *r > 0.0) {
            let rate = rate.max(crate::protocol::produce::MIN_RATE);
            let due = started + Duration::from_secs_f64(seq as f64 / rate);
            while Instant::now() < due && !cancel.is_cancelled() {
                producer.poll(
                    due.saturating_duration_since(Instant::now())
                        .min(REPORT_EVERY),
                );
            }
        }
        match rec {
            Ok(r) => send(&producer, topic, &r, &stats, cancel),
            Err(e) => {
                if let Ok(mut s) = stats.lock() {
                    s.sent += 1;
                    s.failed += 1;
                    s.note_error(e);
                }
            }
        }
        producer.poll(Duration::ZERO);
        if last_report.elapsed() >= REPORT_EVERY {
            report(&snapshot(&stats));
            last_report = Instant::now();
        }
    }
    // Wait for every delivery report; what is still queued after that is
    // purged, and its purge is its (failed) report.
    let wait = if cancel.is_cancelled() {
        STOP_GRACE
    } else {
        let timeout_ms = cfg
            .get("message.timeout.ms")
            .and_then(|v| v.parse().ok())
            .unwrap_or(30_000u64);
        Duration::from_millis(timeout_ms + 5_000)
    };
    let mut deadline = Instant::now() + wait;
    while outstanding(&stats) > 0 && Instant::now() < deadline {
        // A quit, before the wait or during it (a second Ctrl-C), leaves
        // at most QUIT_GRACE from when it is first seen (later passes
        // cannot move the deadline out).
        if quitting.is_some_and(CancellationToken::is_cancelled) {
            deadline = deadline.min(Instant::now() + QUIT_GRACE);
        }
        producer.poll(Duration::from_millis(50));
        if last_report.elapsed() >= REPORT_EVERY {
            report(&snapshot(&stats));
            last_report = Instant::now();
        }
    }
    if outstanding(&stats) > 0 {
        producer.purge(PurgeConfig::default().queue().inflight());
        let deadline = Instant::now() + Duration::from_secs(2);
        while outstanding(&stats) > 0 && Instant::now() < deadline {
            producer.poll(Duration::from_millis(20));
        }
    }
    if let Ok(mut s) = stats.lock() {
        let lost = s.sent.saturating_sub(s.acked + s.failed);
        if lost > 0 {
            s.failed += lost;
            s.note_error("no delivery report from librdkafka".into());
        }
    }
    let last = snapshot(&stats);
    report(&last);
    Ok(last)
}

fn topic_exists(producer: &BaseProducer<Counting>, topic: &str) -> Result<(), String> {
    let md = producer
        .client()
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .map_err(|e| format!("cannot read the cluster's metadata: {e}"))?;
    match md.topics().iter().find(|t| t.name() == topic) {
        None => Err(format!("topic {topic} does not exist")),
        Some(t) => match t.error() {
            None if !t.partitions().is_empty() => Ok(()),
            None => Err(format!("topic {topic} has no partitions yet")),
            Some(e) => match RDKafkaErrorCode::from(e) {
                RDKafkaErrorCode::UnknownTopicOrPartition => Err(format!(
                    "topic {topic} does not exist (and the cluster does not create topics on demand)"
                )),
                code => Err(format!("topic {topic}: {}", super::diagnose::code_text(code))),
            },
        },
    }
}

fn outstanding(stats: &Arc<Mutex<ProduceStats>>) -> u64 {
    stats
        .lock()
        .map(|s| s.sent.saturating_sub(s.acked + s.failed))
        .unwrap_or(0)
}

fn send(
    producer: &BaseProducer<Counting>,
    topic: &str,
    r: &OutRecord,
    stats: &Arc<Mutex<ProduceStats>>,
    cancel: &CancellationToken,
) {
    let mut headers = OwnedHeaders::new_with_capacity(r.headers.len());
    for (k, v) in &r.headers {
        headers = headers.insert(Header {
            key: k,
            value: v.as_deref(),
        });
    }
    let mut rec: BaseRecord<'_, [u8], [u8], usize> =
        BaseRecord::with_opaque_to(topic, ts_opaque(r.timestamp)).headers(headers);
    rec.key = r.key.as_deref();
    rec.payload = r.value.as_deref();
    rec.partition = r.partition;
    rec.timestamp = r.timestamp;
    loop {
        match producer.send(rec) {
            Ok(()) => {
                if let Ok(mut s) = stats.lock() {
                    s.sent += 1;
                }
                return;
            }
            // librdkafka's queue is full: let deliveries drain, then retry.
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back))
                if !cancel.is_cancelled() =>
            {
                producer.poll(Duration::from_millis(10));
                rec = back;
            }
            Err((e, _)) => {
                if let Ok(mut s) = stats.lock() {
                    s.sent += 1;
                    s.failed += 1;
                    s.per_partition
                        .entry(r.partition.unwrap_or(-1))
                        .or_default()
                        .1 += 1;
                    s.note_error(reason(&e));
                }
                return;
            }
        }
    }
}

/// The records of a JSONL export, one per non-blank line, read as they
/// are sent (a file of any size); a line that is not an envelope is a
/// failed record naming its line.
pub fn jsonl_records(r: impl std::io::BufRead) -> impl Iterator<Item = Result<OutRecord, String>> {
    let mut failed = false;
    r.lines()
        .enumerate()
        .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        // A read error ends the file: reading on would only repeat it (a
        // directory answers every read with the same error, forever).
        .map_while(move |(i, l)| {
            if failed {
                return None;
            }
            Some(match l {
                Ok(l) => crate::protocol::produce::draft::record_from_envelope(i + 1, &l),
                Err(e) => {
                    failed = true;
                    Err(format!("line {}: cannot read on: {e}", i + 1))
                }
            })
        })
}

/// A JSONL file to send, refused at once when it cannot be read as one.
pub fn open_jsonl(path: &std::path::Path) -> Result<std::fs::File, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match file.metadata() {
        Ok(m) if m.is_dir() => Err(format!(
            "{} is a directory; give a JSONL file (one message per line)",
            path.display()
        )),
        Ok(_) => Ok(file),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The worker's send, as a job: the draft checked again, its records made
/// one by one, progress and the end reported as events. The end is
/// reported even when the send was stopped: every message sent is then
/// acknowledged or counted failed.
pub(super) fn produce_job(
    job: &Job,
    base: &ClientConfig,
    req: crate::protocol::produce::ProduceRequest,
    decoders: Option<&crate::schema::Decoders>,
) -> bool {
    use crate::protocol::Event;
    let session = req.session;
    let events = job.events();
    let done = |stats: ProduceStats, error: Option<OpError>| {
        let ok = error.is_none();
        let _ = events.blocking_send(Event::ProduceDone {
            session,
            stats,
            error,
        });
        ok
    };
    let cfg = producer_config(base, req.draft.acks.value(), &req.draft.compression);
    let progress = |s: &ProduceStats| {
        let _ = events.try_send(Event::ProduceProgress {
            session,
            stats: s.clone(),
        });
    };
    let topic = req.draft.topic.as_str();
    let cancel = &job.cancel;
    let quitting = Some(&job.quitting);
    // One send, whichever source the records come from.
    type Records<'a> = Box<dyn Iterator<Item = Result<OutRecord, String>> + 'a>;
    let records: Records<'_> = match &req.import {
        Some(path) => {
            let file = match open_jsonl(path) {
                Ok(f) => f,
                Err(e) => {
                    return done(
                        ProduceStats::default(),
                        Some(OpError::new(Op::Produce, ErrorKind::Invalid, e)),
                    )
                }
            };
            Box::new(jsonl_records(std::io::BufReader::new(file)))
        }
        None => {
            let prepared = match req.draft.prepare() {
                Ok(p) => p,
                Err((_, e)) => {
                    return done(
                        ProduceStats::default(),
                        Some(OpError::new(Op::Produce, ErrorKind::Invalid, e)),
                    )
                }
            };
            // The schemas are fetched, and the first message checked
            // against them, before anything is sent.
            let encoders = match prepared
                .encoders(decoders)
                .and_then(|enc| prepared.record(0).and_then(|r| enc.apply(r)).map(|_| enc))
            {
                Ok(enc) => enc,
                Err((_, e)) => {
                    return done(
                        ProduceStats::default(),
                        Some(OpError::new(Op::Produce, ErrorKind::Invalid, e)),
                    )
                }
            };
            let exact = req.exact.clone();
            let records = (0..req.count).map(move |seq| {
                let r = prepared.record(seq);
                match &exact {
                    Some(bytes) => r.map(|r| OutRecord {
                        key: bytes.key.clone(),
                        value: bytes.value.clone(),
                        ..r
                    }),
                    None => r.and_then(|r| encoders.apply(r)),
                }
                .map_err(|(_, e)| e)
            });
            Box::new(records)
        }
    };
    let result = produce_blocking(&cfg, topic, records, req.rate, cancel, quitting, progress);
    match result {
        Ok(stats) => done(stats, None),
        Err(e) => done(ProduceStats::default(), Some(e)),
    }
}
