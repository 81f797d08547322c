//! The search engine: scan a topic's partitions in parallel with consumers
//! assigned directly (no group), test each message where librdkafka holds
//! it, and copy only the matches. A cancel token stops it; the final event
//! is sent after every consumer is closed.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Headers, Message as _};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::error::op_error;
use super::jobs::Job;
use super::reader::{
    consumer, offsets_at, owned, partition_marks, stuck_at, topic_partitions, Reader,
};
use super::refresh::SharedConsumer;
use super::watermarks;
use crate::model::StartAt;
use std::borrow::Cow;

use crate::protocol::search::{Matcher, SearchHit, SearchOutcome, SearchRequest};
use crate::protocol::{ErrorKind, Event, Op, OpError, PartitionSpan};
use crate::schema::{Decoders, Part};

const OP: Op = Op::Search;

const TIMEOUT: Duration = Duration::from_secs(10);
const REPORT_EVERY: Duration = Duration::from_millis(100);
const REPORT_AT_HITS: usize = 500;
/// Scanner threads: librdkafka decodes on its own threads too, so more than
/// the machine's cores only adds switching.
const MAX_SCANNERS: usize = 4;

static LIVE_CONSUMERS: AtomicUsize = AtomicUsize::new(0);

/// Search consumers open right now (a finished search leaves none).
pub fn live_search_consumers() -> usize {
    LIVE_CONSUMERS.load(Ordering::SeqCst)
}

/// A consumer counted while it lives, in the process and in its search.
struct Counted<'a>(Reader, &'a AtomicUsize);

impl<'a> Counted<'a> {
    fn new(base: &ClientConfig, search: &'a AtomicUsize) -> Result<Counted<'a>, OpError> {
        let c = consumer(OP, base)?;
        LIVE_CONSUMERS.fetch_add(1, Ordering::SeqCst);
        search.fetch_add(1, Ordering::SeqCst);
        Ok(Counted(c, search))
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        // rust-rdkafka's own drop polls in 100 ms steps until the consumer
        // is closed; closing here in short steps makes the search's final
        // report come that much sooner.
        if self.0.close_queue().is_ok() {
            let deadline = Instant::now() + Duration::from_secs(2);
            while !self.0.closed() && Instant::now() < deadline {
                let _ = self.0.poll(Duration::from_millis(2));
            }
        }
        LIVE_CONSUMERS.fetch_sub(1, Ordering::SeqCst);
        self.1.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A search, as a job. A cancelled search still reports what it found and
/// how far it got: its reports go out even after the job is cancelled.
pub fn search_job(
    job: &Job,
    meta: &SharedConsumer,
    base: &ClientConfig,
    req: SearchRequest,
    decoders: Option<&Decoders>,
) -> bool {
    let events = job.events();
    run(meta, base, &req, &events, &job.cancel, decoders)
}

/// What the scanners share.
struct Shared<'a> {
    req: &'a SearchRequest,
    matcher: Matcher,
    /// Set for a search on decoded JSON (`--decoded`).
    decoded: Option<&'a Decoders>,
    events: &'a mpsc::Sender<Event>,
    cancel: &'a CancellationToken,
    started: Instant,
    scanned: AtomicU64,
    matched: AtomicU64,
    /// Set when a limit is reached: every scanner stops.
    stop: AtomicBool,
    /// 1: match limit, 2: scan limit.
    stop_reason: AtomicU8,
    /// Partitions not yet taken by a scanner, biggest first.
    queue: Mutex<VecDeque<PartitionSpan>>,
    /// How many partitions a scanner reads at once.
    window: usize,
    /// This search's scanner consumers still open.
    open: &'a AtomicUsize,
}

/// When this search began, and how many of its scanner consumers are
/// still open (reported when it ends, to show none leaked).
struct Clock {
    started: Instant,
    open: AtomicUsize,
}

fn run(
    meta: &SharedConsumer,
    base: &ClientConfig,
    req: &SearchRequest,
    events: &mpsc::Sender<Event>,
    cancel: &CancellationToken,
    decoders: Option<&Decoders>,
) -> bool {
    let clock = Clock {
        started: Instant::now(),
        open: AtomicUsize::new(0),
    };
    let outcome = search(meta, base, req, events, cancel, &clock, decoders);
    let (outcome, scanned, matched) = match outcome {
        Ok(x) => x,
        Err(e) => (SearchOutcome::Failed(e), 0, 0),
    };
    let ok = !matches!(outcome, SearchOutcome::Failed(_));
    // Sent even when cancelled: the UI keeps the matches and final counts.
    let _ = events.blocking_send(Event::SearchDone {
        session: req.session,
        outcome,
        scanned,
        matched,
        elapsed_ms: clock.started.elapsed().as_millis() as u64,
        scanners_open: clock.open.load(Ordering::SeqCst),
    });
    ok
}

fn search(
    meta: &SharedConsumer,
    base: &ClientConfig,
    req: &SearchRequest,
    events: &mpsc::Sender<Event>,
    cancel: &CancellationToken,
    clock: &Clock,
    decoders: Option<&Decoders>,
) -> Result<(SearchOutcome, u64, u64), OpError> {
    let matcher = Matcher::new(&req.query)
        .map_err(|e| OpError::new(OP, ErrorKind::Invalid, format!("regex: {e}")))?;
    // The worker's consumer is connected already: the scope resolves
    // without a new connection.
    let spans = resolve(meta, req)?;
    if events
        .blocking_send(Event::SearchStarted {
            session: req.session,
            spans: spans.clone(),
        })
        .is_err()
    {
        return Ok((SearchOutcome::Cancelled, 0, 0));
    }
    let mut work: Vec<PartitionSpan> = spans
        .into_iter()
        .filter(|s| s.to.is_some_and(|to| to > s.from))
        .collect();
    work.sort_by_key(|s| std::cmp::Reverse(s.to.unwrap_or(s.from) - s.from));
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, MAX_SCANNERS)
        .min(work.len().max(1));
    // Each scanner holds a few partitions at a time and takes the next
    // from the queue as one ends, so no scanner idles while another still
    // has a long way to go.
    let window = work.len().div_ceil(threads).max(1);
    let shared = Shared {
        req,
        matcher,
        decoded: decoders.filter(|_| req.query.decoded),
        events,
        cancel,
        started: clock.started,
        scanned: AtomicU64::new(0),
        matched: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        stop_reason: AtomicU8::new(0),
        queue: Mutex::new(work.into()),
        window,
        open: &clock.open,
    };
    let errors: Vec<OpError> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let shared = &shared;
                std::thread::Builder::new()
                    .name("creel-scan".into())
                    .spawn_scoped(scope, move || scan(base, shared))
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| match h.map(|h| h.join()) {
                Err(e) => Some(OpError::new(
                    OP,
                    ErrorKind::Internal,
                    format!("cannot start a scanner thread: {e}"),
                )),
                Ok(h) => match h {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e),
                    Err(_) => Some(OpError::new(
                        OP,
                        ErrorKind::Internal,
                        "a scanner thread panicked",
                    )),
                },
            })
            .collect()
    });
    let scanned = shared.scanned.load(Ordering::SeqCst);
    let matched = shared
        .matched
        .load(Ordering::SeqCst)
        .min(req.max_matches.unwrap_or(u64::MAX));
    let outcome = if cancel.is_cancelled() {
        SearchOutcome::Cancelled
    } else if let Some(e) = errors.into_iter().next() {
        SearchOutcome::Failed(e)
    } else {
        match shared.stop_reason.load(Ordering::SeqCst) {
            1 => SearchOutcome::MaxMatches,
            2 => SearchOutcome::MaxScanned,
            _ => SearchOutcome::Completed,
        }
    };
    Ok((outcome, scanned, matched))
}

/// Each partition's scope: `from` and an exclusive `to`, within what
/// exists when the search starts.
fn resolve<C: ConsumerContext>(
    c: &BaseConsumer<C>,
    req: &SearchRequest,
) -> Result<Vec<PartitionSpan>, OpError> {
    let topic = req.topic.as_str();
    let partitions = topic_partitions(OP, c, topic, req.partitions.as_deref())?;
    let wanted: Vec<(&str, i32)> = partitions.iter().map(|p| (topic, *p)).collect();
    let marks = watermarks::fetch(c, &wanted, TIMEOUT).map_err(|e| e.within(OP))?;
    let at_time = |ms: i64| offsets_at(OP, c, topic, &partitions, ms);
    let from_times = match req.from {
        StartAt::Time(ms) => Some(at_time(ms)?),
        _ => None,
    };
    let to_times = match req.to {
        Some(StartAt::Time(ms)) => Some(at_time(ms)?),
        _ => None,
    };
    let mut spans = vec![];
    for p in partitions {
        let w = partition_marks(OP, &marks, topic, p)?;
        let time = |t: &Option<BTreeMap<i32, i64>>| {
            t.as_ref()
                .and_then(|t| t.get(&p).copied())
                .unwrap_or(w.high)
        };
        let from = match req.from {
            StartAt::Beginning => w.low,
            StartAt::End => w.high,
            StartAt::LastN(n) => (w.high - n).max(w.low),
            StartAt::Offset(o) => o.clamp(w.low, w.high),
            StartAt::Time(_) => time(&from_times),
        };
        let to = match req.to {
            None | Some(StartAt::End) | Some(StartAt::LastN(_)) => w.high,
            Some(StartAt::Beginning) => w.low,
            Some(StartAt::Offset(o)) => o.saturating_add(1).clamp(w.low, w.high),
            Some(StartAt::Time(_)) => time(&to_times),
        };
        spans.push(PartitionSpan {
            partition: p,
            from,
            to: Some(to.max(from)),
            marks: w,
        });
    }
    Ok(spans)
}

/// Take partitions from the queue until the scanner holds its window.
fn take_more(
    c: &Reader,
    sh: &Shared<'_>,
    to: &mut BTreeMap<i32, i64>,
    positions: &mut BTreeMap<i32, i64>,
) -> Result<(), OpError> {
    let mut tpl = TopicPartitionList::new();
    if let Ok(mut queue) = sh.queue.lock() {
        while to.len() < sh.window {
            let Some(s) = queue.pop_front() else { break };
            tpl.add_partition_offset(&sh.req.topic, s.partition, Offset::Offset(s.from))
                .map_err(|e| op_error(OP, &e))?;
            to.insert(s.partition, s.to.unwrap_or(s.from));
            positions.insert(s.partition, s.from);
        }
    }
    if tpl.count() > 0 {
        c.incremental_assign(&tpl).map_err(|e| op_error(OP, &e))?;
    }
    Ok(())
}

/// A partition is read to its end: stop fetching it, take another.
fn finished(
    c: &Reader,
    sh: &Shared<'_>,
    p: i32,
    to: &mut BTreeMap<i32, i64>,
    positions: &mut BTreeMap<i32, i64>,
) -> Result<(), OpError> {
    let Some(end) = to.remove(&p) else {
        return Ok(());
    };
    positions.insert(p, end);
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition(&sh.req.topic, p);
    c.incremental_unassign(&tpl).map_err(|e| op_error(OP, &e))?;
    take_more(c, sh, to, positions)
}

/// One scanner: its own consumer, partitions taken from the shared queue.
fn scan(base: &ClientConfig, sh: &Shared<'_>) -> Result<(), OpError> {
    let c = Counted::new(base, sh.open)?;
    let mut to: BTreeMap<i32, i64> = BTreeMap::new();
    let mut positions: BTreeMap<i32, i64> = BTreeMap::new();
    take_more(&c.0, sh, &mut to, &mut positions)?;
    let limit_scanned = sh.req.max_scanned;
    let limit_matches = sh.req.max_matches.unwrap_or(u64::MAX);
    let mut hits: Vec<SearchHit> = vec![];
    let mut error: Option<OpError> = None;
    let mut local_scanned = 0u64;
    let mut last_report = Instant::now();
    let report = |hits: &mut Vec<SearchHit>,
                  error: &mut Option<OpError>,
                  local: &mut u64,
                  positions: &BTreeMap<i32, i64>| {
        let scanned = sh.scanned.fetch_add(*local, Ordering::SeqCst) + *local;
        *local = 0;
        sh.events
            .blocking_send(Event::SearchProgress {
                session: sh.req.session,
                positions: positions.iter().map(|(p, o)| (*p, *o)).collect(),
                scanned,
                elapsed_ms: sh.started.elapsed().as_millis() as u64,
                hits: std::mem::take(hits),
                error: error.take(),
            })
            .is_ok()
    };
    // Checks that cost a lock or a clock read run every few messages,
    // not on each: the loop is the search's hot path.
    let mut tick = 0u32;
    let mut cancelled = false;
    while !to.is_empty() && !cancelled && !sh.stop.load(Ordering::Relaxed) {
        let polled = c.0.poll(Duration::from_millis(50));
        tick = tick.wrapping_add(1);
        let idle = polled.is_none();
        match polled {
            Some(Ok(m)) => {
                let p = m.partition();
                let Some(&end) = to.get(&p) else { continue };
                if m.offset() >= end {
                    finished(&c.0, sh, p, &mut to, &mut positions)?;
                    continue;
                }
                if let Some(at) = positions.get_mut(&p) {
                    *at = m.offset() + 1;
                }
                if m.offset() + 1 >= end {
                    finished(&c.0, sh, p, &mut to, &mut positions)?;
                }
                if let Some(max) = limit_scanned {
                    // Exact across scanners: count each message as it goes.
                    if sh.scanned.fetch_add(1, Ordering::SeqCst) >= max {
                        sh.scanned.fetch_sub(1, Ordering::SeqCst);
                        sh.stop_reason.store(2, Ordering::SeqCst);
                        sh.stop.store(true, Ordering::SeqCst);
                        positions.insert(p, m.offset());
                        break;
                    }
                } else {
                    local_scanned += 1;
                }
                if let Some(span) = test(&sh.matcher, &m, sh.decoded) {
                    if sh.matched.fetch_add(1, Ordering::SeqCst) >= limit_matches {
                        sh.stop_reason.store(1, Ordering::SeqCst);
                        sh.stop.store(true, Ordering::SeqCst);
                        break;
                    }
                    hits.push(hit(&m, span, sh.req.preview));
                    if sh.matched.load(Ordering::SeqCst) >= limit_matches {
                        sh.stop_reason.store(1, Ordering::SeqCst);
                        sh.stop.store(true, Ordering::SeqCst);
                    }
                }
            }
            Some(Err(KafkaError::PartitionEOF(p))) => {
                // The end as it is now lies at or past `to`.
                finished(&c.0, sh, p, &mut to, &mut positions)?;
            }
            // The lookup of creel's throwaway group may be refused (no
            // group ACL); fetching assigned partitions goes on without it.
            Some(Err(KafkaError::MessageConsumption(
                rdkafka::types::RDKafkaErrorCode::GroupAuthorizationFailed,
            ))) => {}
            Some(Err(e @ KafkaError::MessageConsumption(_))) => {
                // A batch that cannot be decoded stops its partition for
                // good: a search reads past it and says so.
                if let Ok(stuck) = stuck_at(OP, &c.0, &positions, |p, _| to.contains_key(&p)) {
                    if let [(p, o)] = stuck.as_slice() {
                        let _ = c.0.seek(
                            &sh.req.topic,
                            *p,
                            Offset::Offset(o + 1),
                            Duration::from_secs(5),
                        );
                        positions.insert(*p, o + 1);
                        let cause = op_error(OP, &e);
                        error = Some(OpError {
                            message: format!(
                                "partition {p}: skipped the batch at offset {o} that cannot be decoded ({})",
                                cause.message
                            ),
                            ..cause
                        });
                        continue;
                    }
                }
                error = Some(op_error(OP, &e));
            }
            Some(Err(e)) => error = Some(op_error(OP, &e)),
            None => {}
        }
        if idle || tick % 64 == 0 {
            cancelled = sh.cancel.is_cancelled();
        }
        if hits.len() >= REPORT_AT_HITS
            || ((idle || tick % 64 == 0) && last_report.elapsed() >= REPORT_EVERY)
        {
            if !report(&mut hits, &mut error, &mut local_scanned, &positions) {
                return Ok(());
            }
            last_report = Instant::now();
        }
    }
    report(&mut hits, &mut error, &mut local_scanned, &positions);
    drop(c);
    Ok(())
}

fn test(
    matcher: &Matcher,
    m: &BorrowedMessage<'_>,
    decoded: Option<&Decoders>,
) -> Option<Option<crate::protocol::search::MatchSpan>> {
    use crate::protocol::search::SearchIn;
    // Reading headers is a call into librdkafka: only when looked at.
    let headers = match matcher.target {
        SearchIn::Key | SearchIn::Value => None,
        _ => m.headers(),
    };
    let iter = headers
        .into_iter()
        .flat_map(|h| h.iter().map(|h| (h.key, h.value)));
    let Some(d) = decoded else {
        return matcher.test(m.key(), m.payload(), iter);
    };
    // The regex sees the JSON the user sees; only the fields it looks at
    // are decoded, and bytes not in the wire format are matched as they are.
    let t = matcher.target;
    let key = match t {
        SearchIn::All | SearchIn::Key => as_seen(d, m.topic(), Part::Key, m.key()),
        _ => m.key().map(Cow::Borrowed),
    };
    let value = match t {
        SearchIn::All | SearchIn::Value => as_seen(d, m.topic(), Part::Value, m.payload()),
        _ => m.payload().map(Cow::Borrowed),
    };
    matcher.test(key.as_deref(), value.as_deref(), iter)
}

/// A key or value as the list shows it: decoded JSON text, or its bytes.
fn as_seen<'a>(
    d: &Decoders,
    topic: &str,
    part: Part,
    bytes: Option<&'a [u8]>,
) -> Option<Cow<'a, [u8]>> {
    match d.decode_blocking(topic, part, bytes) {
        crate::schema::Decoding::Decoded { json, .. } => {
            Some(Cow::Owned(serde_json::to_vec(&json).unwrap_or_default()))
        }
        _ => bytes.map(Cow::Borrowed),
    }
}

fn hit(
    m: &BorrowedMessage<'_>,
    span: Option<crate::protocol::search::MatchSpan>,
    preview: Option<usize>,
) -> SearchHit {
    let mut message = owned(m);
    let value_size = message.value.as_ref().map_or(0, Vec::len);
    if let Some(n) = preview {
        for b in [&mut message.key, &mut message.value].into_iter().flatten() {
            b.truncate(n);
        }
    }
    SearchHit {
        message,
        value_size,
        span,
    }
}
