//! Reading messages: resolve where to start, assign partitions directly
//! (never joining a group), and send batches to the UI, as a job of the
//! worker's runtime. A newer request or quitting cancels it.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message as _};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use super::client::reading_config;
use super::context::CreelContext;
use super::error::{code_error, op_error};
use super::jobs::Job;
use super::watermarks;
use crate::model::{Message, StartAt, TimestampKind, Watermarks};
use crate::protocol::{
    Covered, ErrorKind, Event, Op, OpError, PartitionSpan, ReadKind, ReadRequest, ReadStart,
};

const TIMEOUT: Duration = Duration::from_secs(10);
/// Send what was read at least this often, so the list moves while reading.
const FLUSH_EVERY: Duration = Duration::from_millis(100);
const FLUSH_AT: usize = 1_000;
/// Or this many bytes of keys and values: a batch of big messages (8 MiB
/// each) is sent one message at a time, so what waits between the reader
/// and its user stays small.
const FLUSH_BYTES: usize = 1 << 20;

/// Batches the user asked to skip: (partition, offset of the batch).
pub type SkipList = std::sync::Arc<std::sync::Mutex<Vec<(i32, i64)>>>;

/// A read, as a job: its messages, its end, or why it stopped.
pub fn read_job(job: &Job, base: &ClientConfig, req: ReadRequest, skips: &SkipList) -> bool {
    let (session, kind) = (req.session, req.kind);
    match read(job, base, req, skips) {
        Ok(()) => true,
        Err(error) => {
            job.send(Event::MessagesFailed {
                session,
                kind,
                error,
            });
            false
        }
    }
}

/// The consumer every read and search uses.
pub(super) type Reader = BaseConsumer<CreelContext>;

pub(super) fn consumer(op: Op, base: &ClientConfig) -> Result<Reader, OpError> {
    let c: Reader = reading_config(base)
        .create_with_context(CreelContext::new(None))
        .map_err(|e| {
            OpError::new(
                op,
                ErrorKind::Invalid,
                format!("cannot create a consumer: {e}"),
            )
        })?;
    super::msk_iam::authenticate(c.client());
    Ok(c)
}

/// A start that could not be honoured, what was taken instead, and why.
type FellBack = Option<(StartAt, String)>;

/// Where each partition starts: (partition, from, to) plus watermarks.
fn resolve(
    c: &Reader,
    topic: &str,
    req: &ReadRequest,
) -> Result<(Vec<PartitionSpan>, FellBack), OpError> {
    let mut fell_back = None;
    let op = Op::Read;
    let partitions: Vec<i32> = match &req.start {
        ReadStart::Ranges(r) => r.iter().map(|(p, _, _)| *p).collect(),
        ReadStart::At(_) => topic_partitions(op, c, topic, req.partitions.as_deref())?,
    };
    let wanted: Vec<(&str, i32)> = partitions.iter().map(|p| (topic, *p)).collect();
    let marks = watermarks::fetch(c, &wanted, TIMEOUT).map_err(|e| e.within(op))?;
    let mark = |p: i32| -> Result<Watermarks, OpError> { partition_marks(op, &marks, topic, p) };
    let mut spans = Vec::with_capacity(partitions.len());
    match &req.start {
        ReadStart::Ranges(r) => {
            for (p, from, to) in r {
                let w = mark(*p)?;
                spans.push(PartitionSpan {
                    partition: *p,
                    from: (*from).max(w.low),
                    to: *to,
                    marks: w,
                });
            }
        }
        ReadStart::At(at) => {
            let mut at = at;
            let times = match at {
                StartAt::Time(ms) => match offsets_at(op, c, topic, &partitions, *ms) {
                    Ok(t) => Some(t),
                    // Say so and start where nothing is missed, rather than
                    // show new messages under a title that claims a time.
                    Err(e) if e.kind == ErrorKind::Unsupported => {
                        at = &StartAt::Beginning;
                        fell_back = Some((
                            StartAt::Beginning,
                            format!("{}; reading from the beginning instead", e.message),
                        ));
                        None
                    }
                    Err(e) => return Err(e),
                },
                _ => None,
            };
            // A bounded first read takes an equal share from each partition
            // (a consumer would drain one partition before the next).
            let share =
                (req.max != usize::MAX).then(|| (req.max / partitions.len().max(1)).max(1) as i64);
            for p in &partitions {
                let w = mark(*p)?;
                let from = match at {
                    StartAt::Beginning => w.low,
                    StartAt::End => w.high,
                    StartAt::LastN(n) => (w.high - n).max(w.low),
                    StartAt::Offset(o) => (*o).clamp(w.low, w.high),
                    StartAt::Time(_) => times
                        .as_ref()
                        .and_then(|t| t.get(p).copied())
                        .unwrap_or(w.high),
                };
                let to = share.filter(|s| w.high - from > *s).map(|s| from + s);
                spans.push(PartitionSpan {
                    partition: *p,
                    from,
                    to,
                    marks: w,
                });
            }
        }
    }
    Ok((spans, fell_back))
}

/// After a message error (rust-rdkafka drops its partition and offset):
/// the partitions whose position is still the offset they should deliver
/// next, among those `reading` says are not finished. When there is one,
/// it is stuck on a batch it cannot decode, which librdkafka retries
/// forever; with several, the others have not moved on yet.
pub(super) fn stuck_at<C: ConsumerContext>(
    op: Op,
    c: &BaseConsumer<C>,
    next: &BTreeMap<i32, i64>,
    reading: impl Fn(i32, i64) -> bool,
) -> Result<Vec<(i32, i64)>, OpError> {
    let positions = c.position().map_err(|e| op_error(op, &e))?;
    Ok(positions
        .elements()
        .iter()
        .filter_map(|el| match el.offset() {
            Offset::Offset(o) => Some((el.partition(), o)),
            _ => None,
        })
        .filter(|(p, o)| next.get(p) == Some(o) && reading(*p, *o))
        .collect())
}

/// One partition's watermarks out of a batch, or why there are none.
pub(super) fn partition_marks(
    op: Op,
    marks: &watermarks::WatermarkMap,
    topic: &str,
    p: i32,
) -> Result<Watermarks, OpError> {
    match marks.get(&(topic.to_string(), p)) {
        Some(Ok(w)) => Ok(*w),
        Some(Err(e)) => Err(OpError {
            message: format!("partition {p}: {}", e.message),
            ..e.clone()
        }
        .within(op)),
        None => Err(OpError::new(
            op,
            ErrorKind::Internal,
            format!("partition {p}: no watermarks"),
        )),
    }
}

/// The partitions of `topic` (only those of `only` when given), sorted.
pub(super) fn topic_partitions<C: ConsumerContext>(
    op: Op,
    c: &BaseConsumer<C>,
    topic: &str,
    only: Option<&[i32]>,
) -> Result<Vec<i32>, OpError> {
    let md = c
        .fetch_metadata(Some(topic), TIMEOUT)
        .map_err(|e| op_error(Op::Metadata, &e).within(op))?;
    let t = md
        .topics()
        .first()
        .ok_or_else(|| OpError::new(op, ErrorKind::NotFound, format!("topic {topic} not found")))?;
    if let Some(err) = t.error() {
        let e = code_error(op, rdkafka::types::RDKafkaErrorCode::from(err));
        let message = if e.kind == ErrorKind::NotFound {
            format!("topic {topic} does not exist")
        } else {
            format!("topic {topic}: {}", e.message)
        };
        return Err(OpError { message, ..e });
    }
    let mut ps: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
    ps.sort_unstable();
    if let Some(only) = only {
        let missing: Vec<String> = only
            .iter()
            .filter(|p| !ps.contains(p))
            .map(i32::to_string)
            .collect();
        if !missing.is_empty() {
            return Err(OpError::new(
                op,
                ErrorKind::NotFound,
                format!(
                    "topic {topic} has no partition {} (it has {})",
                    missing.join(", "),
                    match (ps.first(), ps.last()) {
                        (Some(a), Some(b)) if ps.len() as i32 == b - a + 1 => format!("{a}-{b}"),
                        _ => ps.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
                    }
                ),
            ));
        }
        ps.retain(|p| only.contains(p));
    }
    Ok(ps)
}

/// The first offset at or after `ms` in each partition (the end when none).
pub(super) fn offsets_at<C: ConsumerContext>(
    op: Op,
    c: &BaseConsumer<C>,
    topic: &str,
    partitions: &[i32],
    ms: i64,
) -> Result<BTreeMap<i32, i64>, OpError> {
    let lookup = |ms: i64| -> Result<BTreeMap<i32, i64>, OpError> {
        let mut tpl = TopicPartitionList::new();
        for p in partitions {
            tpl.add_partition_offset(topic, *p, Offset::Offset(ms))
                .map_err(|e| op_error(op, &e))?;
        }
        let r = c
            .offsets_for_times(tpl, TIMEOUT)
            .map_err(|e| op_error(Op::OffsetsForTimes, &e).within(op))?;
        Ok(r.elements()
            .iter()
            .filter_map(|e| match e.offset() {
                Offset::Offset(o) => Some((e.partition(), o)),
                _ => None,
            })
            .collect())
    };
    let found = lookup(ms)?;
    // "The end" for every partition is also what a cluster that cannot
    // look up by time answers (librdkafka's mock cluster): ask again for
    // 1970, which any message is after. A non-empty partition still
    // answering "the end" means the lookup does not work, and a start (or
    // an offset reset) taken from it would silently be the end.
    if !found.is_empty() || ms == 0 || !lookup(0)?.is_empty() {
        return Ok(found);
    }
    let non_empty = partitions.iter().any(|p| {
        c.fetch_watermarks(topic, *p, TIMEOUT)
            .is_ok_and(|(low, high)| high > low)
    });
    if non_empty {
        return Err(OpError::new(
            Op::OffsetsForTimes,
            ErrorKind::Unsupported,
            "this cluster cannot look offsets up by time (it answers \"the end\" even for 1970)",
        )
        .within(op));
    }
    Ok(found)
}

pub(super) fn owned(m: &rdkafka::message::BorrowedMessage<'_>) -> Message {
    let (timestamp, timestamp_kind) = match m.timestamp() {
        rdkafka::Timestamp::CreateTime(t) => (Some(t), TimestampKind::Create),
        rdkafka::Timestamp::LogAppendTime(t) => (Some(t), TimestampKind::LogAppend),
        rdkafka::Timestamp::NotAvailable => (None, TimestampKind::None),
    };
    let headers = m
        .headers()
        .map(|h| {
            h.iter()
                .map(|h| (h.key.to_string(), h.value.map(<[u8]>::to_vec)))
                .collect()
        })
        .unwrap_or_default();
    Message {
        partition: m.partition(),
        offset: m.offset(),
        timestamp,
        timestamp_kind,
        key: m.key().map(<[u8]>::to_vec),
        value: m.payload().map(<[u8]>::to_vec),
        headers,
    }
}

fn read(job: &Job, base: &ClientConfig, req: ReadRequest, skips: &SkipList) -> Result<(), OpError> {
    let op = Op::Read;
    let c = consumer(op, base)?;
    let (spans, fell_back) = resolve(&c, &req.topic, &req)?;
    let send = |ev: Event| job.send(ev);
    if let Some((start, reason)) = fell_back {
        if !send(Event::MessagesFellBack {
            session: req.session,
            start,
            reason,
        }) {
            return Ok(());
        }
    }
    if !send(Event::MessagesStarted {
        session: req.session,
        kind: req.kind,
        spans: spans.clone(),
    }) {
        return Ok(());
    }
    let mut tpl = TopicPartitionList::new();
    // A partition is done when it reached its `to`, or its end (EOF) when
    // the request does not tail.
    let mut done: HashSet<i32> = HashSet::new();
    let mut eof: HashSet<i32> = HashSet::new();
    // Every partition that reached its end at least once since the read
    // began. On a busy topic new messages keep arriving, so all partitions
    // are seldom at their end in the same instant; once each has been there
    // the read is live, which is what a person following it wants to know.
    let mut been_at_end: HashSet<i32> = HashSet::new();
    for s in &spans {
        let empty = s.to.is_some_and(|to| s.from >= to);
        if empty {
            done.insert(s.partition);
            continue;
        }
        if s.from >= s.marks.high {
            eof.insert(s.partition);
            been_at_end.insert(s.partition);
        }
        tpl.add_partition_offset(&req.topic, s.partition, Offset::Offset(s.from))
            .map_err(|e| op_error(op, &e))?;
    }
    let to: BTreeMap<i32, i64> = spans
        .iter()
        .filter_map(|s| s.to.map(|t| (s.partition, t)))
        .collect();
    let all = spans.len();
    if tpl.count() > 0 {
        c.assign(&tpl).map_err(|e| op_error(op, &e))?;
    }
    let mut batch: Vec<Message> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut delivered = 0usize;
    let mut last_flush = Instant::now();
    // Tail only when every partition was read to its end: a partition cut
    // short by `to` means the rest comes in pages.
    let finished = |done: &HashSet<i32>, eof: &HashSet<i32>| {
        done.len() == all || ((!req.tail || !done.is_empty()) && done.union(eof).count() == all)
    };
    let mut caught_up = false;
    // The next offset each partition should deliver: a partition whose
    // position stays there through read errors is stuck on a batch it
    // cannot decode (librdkafka retries it forever).
    let mut next: BTreeMap<i32, i64> = spans.iter().map(|s| (s.partition, s.from)).collect();
    // The first offset delivered and one past the last, per partition
    // (`next` also moves over messages read past `to` and dropped).
    let mut delivered_range: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    // A bounded page of older messages reads its range forward but keeps
    // only the last `max` (shared out per partition): the ones next to what
    // the view holds. A range that held more is covered from the first kept.
    let keep_last = req.kind == ReadKind::Older && req.max != usize::MAX;
    let share = (req.max / all.max(1)).max(1);
    let mut kept: BTreeMap<i32, VecDeque<Message>> = BTreeMap::new();
    let mut dropped: HashSet<i32> = HashSet::new();
    let mut reported: HashSet<(i32, i64)> = HashSet::new();
    let mut tick = 0u32;
    let mut idle = false;
    while !finished(&done, &eof) {
        // The cancel token and the skip list take a lock: looked at every
        // 64 messages, when idle, or when stuck.
        tick = tick.wrapping_add(1);
        if (tick % 64 == 0 || idle) && job.cancelled() {
            break;
        }
        if tick % 64 == 0 || !reported.is_empty() {
            if let Ok(mut list) = skips.lock() {
                for (p, o) in list.drain(..) {
                    if next.get(&p) == Some(&o) {
                        let _ =
                            c.seek(&req.topic, p, Offset::Offset(o + 1), Duration::from_secs(5));
                        next.insert(p, o + 1);
                    }
                }
            }
        }
        let tailing = done
            .union(if req.tail { &been_at_end } else { &eof })
            .count()
            == all;
        if tailing && !caught_up && batch.is_empty() {
            caught_up = true;
            let partitions = spans.iter().map(|s| s.partition).collect();
            if !send(Event::MessagesCaughtUp {
                session: req.session,
                kind: req.kind,
                partitions,
                covered: covered(&spans, &delivered_range, &done, &eof),
            }) {
                return Ok(());
            }
        }
        // The page stops at the window's size; once the read has caught up
        // it follows for good (the view evicts its oldest rows), even when
        // a busy topic never leaves every partition at its end at once.
        if !caught_up && !tailing && !keep_last && delivered + batch.len() >= req.max {
            break;
        }
        let polled = c.poll(Duration::from_millis(50));
        idle = polled.is_none();
        match polled {
            Some(Ok(m)) => {
                let p = m.partition();
                next.insert(p, m.offset() + 1);
                eof.remove(&p);
                if to.get(&p).is_some_and(|t| m.offset() >= *t) {
                    done.insert(p);
                } else if !done.contains(&p) && keep_last {
                    let q = kept.entry(p).or_default();
                    q.push_back(owned(&m));
                    if q.len() > share {
                        q.pop_front();
                        dropped.insert(p);
                    }
                    if to.get(&p).is_some_and(|t| m.offset() + 1 >= *t) {
                        done.insert(p);
                    }
                } else if !done.contains(&p) {
                    let o = m.offset();
                    delivered_range
                        .entry(p)
                        .and_modify(|d| *d = (d.0.min(o), d.1.max(o + 1)))
                        .or_insert((o, o + 1));
                    batch_bytes += m.payload_len() + m.key().map_or(0, <[u8]>::len);
                    batch.push(owned(&m));
                    if to.get(&p).is_some_and(|t| m.offset() + 1 >= *t) {
                        done.insert(p);
                    }
                }
            }
            Some(Err(KafkaError::PartitionEOF(p))) => {
                eof.insert(p);
                been_at_end.insert(p);
            }
            // The lookup of creel's throwaway group may be refused (no
            // group ACL); fetching assigned partitions goes on without it.
            Some(Err(KafkaError::MessageConsumption(
                rdkafka::types::RDKafkaErrorCode::GroupAuthorizationFailed,
            ))) => {}
            Some(Err(e @ KafkaError::MessageConsumption(_))) => {
                let stuck = stuck_at(op, &c, &next, |p, o| {
                    !done.contains(&p)
                        && !eof.contains(&p)
                        && spans.iter().any(|s| s.partition == p && o < s.marks.high)
                })?;
                let event = match stuck.as_slice() {
                    [(p, o)] if reported.insert((*p, *o)) => Event::MessagesStalled {
                        session: req.session,
                        partition: *p,
                        offset: *o,
                        error: op_error(op, &e),
                    },
                    [_] => continue,
                    _ => Event::MessagesFailed {
                        session: req.session,
                        kind: req.kind,
                        error: op_error(op, &e),
                    },
                };
                if !send(event) {
                    return Ok(());
                }
            }
            // A broker error: say so, keep reading.
            Some(Err(e))
                if !send(Event::MessagesFailed {
                    session: req.session,
                    kind: req.kind,
                    error: op_error(op, &e),
                }) =>
            {
                return Ok(());
            }
            Some(Err(_)) | None => {}
        }
        if batch.len() >= FLUSH_AT
            || batch_bytes >= FLUSH_BYTES
            || (!batch.is_empty() && last_flush.elapsed() >= FLUSH_EVERY)
        {
            batch_bytes = 0;
            delivered += batch.len();
            if !send(Event::Messages {
                session: req.session,
                kind: req.kind,
                batch: std::mem::take(&mut batch),
            }) {
                return Ok(());
            }
            last_flush = Instant::now();
        }
    }
    for (p, q) in kept {
        if let (Some(first), Some(last)) = (q.front(), q.back()) {
            delivered_range.insert(p, (first.offset, last.offset + 1));
        }
        batch.extend(q);
    }
    if !batch.is_empty() {
        send(Event::Messages {
            session: req.session,
            kind: req.kind,
            batch,
        });
    }
    let reached_end: Vec<i32> = eof.iter().copied().collect();
    let mut covered = covered(&spans, &delivered_range, &done, &eof);
    for c in covered
        .iter_mut()
        .filter(|c| dropped.contains(&c.partition))
    {
        c.from = c.delivered.map_or(c.from, |d| d.0);
    }
    send(Event::MessagesDone {
        session: req.session,
        kind: req.kind,
        reached_end,
        covered,
    });
    Ok(())
}

/// How far the read went in each partition. Delivered messages say where
/// the reader is only up to the last one; offsets past it that hold no
/// message (markers, aborted or compacted records) count as read when the
/// partition got to its `to` or its end.
fn covered(
    spans: &[PartitionSpan],
    delivered: &BTreeMap<i32, (i64, i64)>,
    done: &HashSet<i32>,
    eof: &HashSet<i32>,
) -> Vec<Covered> {
    spans
        .iter()
        .map(|s| {
            let d = delivered.get(&s.partition).copied();
            let reached = d.map_or(s.from, |d| d.1);
            let to = if done.contains(&s.partition) {
                s.to.unwrap_or(reached).max(reached)
            } else if eof.contains(&s.partition) {
                let end = reached.max(s.marks.high);
                s.to.map_or(end, |to| end.min(to))
            } else {
                reached
            };
            Covered {
                partition: s.partition,
                from: s.from,
                to,
                delivered: d,
            }
        })
        .collect()
}
