//! Watermarks for many partitions at once, in batched ListOffsets requests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};

use super::error::{code_error, op_error, op_error_code};
use crate::model::Watermarks;
use crate::protocol::{ErrorKind, Op, OpError};

/// Partitions per offsets_for_times call. Some brokers answer one huge
/// request far slower than many small ones (tansu 0.6.0: 30,000 partitions
/// take 5.5 s in one request, 0.17 s as thirty concurrent requests of
/// 1,000), and librdkafka matches a call's answers to its partitions by
/// linear search, so a call's CPU cost grows with the square of its size:
/// at 10,000 topics x 3 on three Kafka brokers, calls of 500 put the table
/// on screen in 0.65 s against 0.80 s with 1,000; 250 is no faster.
/// With the vendored librdkafka's fix 3 (no more linear matching), calls of
/// 2,000 were faster on Kafka (median 0.61 s against 0.76 s, 2026-12-03)
/// but slower on tansu (1.05 s against 0.80 s, and 61 MB against 58 MB),
/// so 500 stays.
const CHUNK: usize = 500;
/// ListOffsets requests in flight at once.
const PARALLEL: usize = 8;
/// Requests one round of narrowing may send. A cluster where most leaders
/// refuse (moving leadership, an overloaded controller) would otherwise
/// cost two requests per partition; past this, a refused chunk's
/// partitions all get its error and the next refresh asks again.
const NARROWING_BUDGET: usize = 64;

/// (topic, partition) -> watermarks, or the broker's error for that partition.
pub type WatermarkMap = HashMap<(String, i32), Result<Watermarks, OpError>>;
/// One partition's offset at one end of its log, or its error.
type OffsetAnswer = Result<i64, OpError>;

/// One request: `len` partitions of the wanted list from `start`, at one
/// end of the log.
#[derive(Clone, Copy)]
struct Job {
    start: usize,
    len: usize,
    at: Offset,
}
/// A job and what the cluster answered to it, one offset per partition.
type Answer = (Job, Result<Vec<OffsetAnswer>, KafkaError>);

/// Low and high watermarks of `wanted`, keyed by partition (see
/// `fetch_in_order`).
pub fn fetch<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    wanted: &[(&str, i32)],
    timeout: Duration,
) -> Result<WatermarkMap, OpError> {
    let found = fetch_in_order(consumer, wanted, timeout)?;
    Ok(wanted
        .iter()
        .zip(found)
        .map(|((topic, partition), w)| ((topic.to_string(), *partition), w))
        .collect())
}

/// Low and high watermarks of `wanted`, in its order, as ListOffsets at
/// "earliest" and "latest" (offsets_for_times with the special -2/-1
/// timestamps), in chunks, librdkafka grouping each chunk by leader broker.
/// Blocking.
///
/// librdkafka fails a whole offsets_for_times call when one partition's
/// leader refuses it (NotLeaderForPartition right after topics are
/// created, or while leadership moves): such a chunk is asked again in
/// halves, down to the partitions that refuse, which get that error as
/// their own. The rest of the list keeps its counts. An error that is not
/// about a partition (no broker answers, a timeout) still fails the call.
pub fn fetch_in_order<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    wanted: &[(&str, i32)],
    timeout: Duration,
) -> Result<Vec<Result<Watermarks, OpError>>, OpError> {
    let n = wanted.len();
    let mut jobs: Vec<Job> = (0..n)
        .step_by(CHUNK)
        .flat_map(|start| {
            let len = CHUNK.min(n - start);
            [Offset::Beginning, Offset::End].map(|at| Job { start, len, at })
        })
        .collect();
    let mut low: Vec<Option<OffsetAnswer>> = vec![None; n];
    let mut high: Vec<Option<OffsetAnswer>> = vec![None; n];
    while !jobs.is_empty() {
        let mut again = Vec::new();
        let answers = run_round(consumer, wanted, &jobs, timeout)
            .map_err(|e| op_error(Op::Watermarks, &e))?;
        let refused = answers
            .iter()
            .filter(|(_, a)| a.as_ref().is_err_and(|e| partition_refusal(e).is_some()))
            .count();
        let narrow = refused * 2 <= NARROWING_BUDGET;
        for (job, answer) in answers {
            let into = if job.at == Offset::Beginning {
                &mut low[job.start..job.start + job.len]
            } else {
                &mut high[job.start..job.start + job.len]
            };
            match answer {
                Ok(offsets) => {
                    for (slot, o) in into.iter_mut().zip(offsets) {
                        *slot = Some(o);
                    }
                }
                Err(e) => match partition_refusal(&e) {
                    Some(code) if job.len == 1 || !narrow => {
                        for slot in into.iter_mut() {
                            *slot = Some(Err(code_error(Op::Watermarks, code)));
                        }
                    }
                    Some(_) => {
                        let half = job.len / 2;
                        again.push(Job { len: half, ..job });
                        again.push(Job {
                            start: job.start + half,
                            len: job.len - half,
                            at: job.at,
                        });
                    }
                    None => {
                        // A whole call that failed (a timeout, a broker
                        // gone) may be librdkafka asking a leader that is no
                        // more: only fresh metadata tells it otherwise, so
                        // the next call can answer.
                        let err = op_error(Op::Watermarks, &e);
                        if matches!(
                            err.kind,
                            ErrorKind::TimedOut | ErrorKind::Broker | ErrorKind::Internal
                        ) {
                            refresh_topics(
                                consumer,
                                wanted.iter().map(|(t, _)| *t),
                                REFRESH_AFTER_FAILURE,
                            );
                        }
                        return Err(err);
                    }
                },
            }
        }
        jobs = again;
    }
    refresh_moved_leaders(consumer, wanted, &low, &high, timeout);
    let no_answer = || {
        Err(OpError::new(
            Op::Watermarks,
            ErrorKind::Internal,
            "no answer",
        ))
    };
    Ok(low
        .into_iter()
        .zip(high)
        .map(
            |(l, h)| match (l.unwrap_or_else(no_answer), h.unwrap_or_else(no_answer)) {
                (Ok(low), Ok(high)) => Ok(Watermarks { low, high }),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
        )
        .collect())
}

/// Each job's answer, `PARALLEL` requests in flight at once; a thread that
/// panicked fails the round rather than leaving its jobs unanswered.
fn run_round<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    wanted: &[(&str, i32)],
    jobs: &[Job],
    timeout: Duration,
) -> Result<Vec<Answer>, KafkaError> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..PARALLEL.min(jobs.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(&job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let chunk = &wanted[job.start..job.start + job.len];
                        done.push((job, ask(consumer, chunk, job.at, timeout)));
                    }
                    done
                })
            })
            .collect();
        let mut answers = Vec::with_capacity(jobs.len());
        for h in handles {
            answers.extend(h.join().map_err(|_| KafkaError::Canceled)?);
        }
        Ok(answers)
    })
}

/// One chunk's offsets at `at`, in the chunk's order.
fn ask<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    chunk: &[(&str, i32)],
    at: Offset,
    timeout: Duration,
) -> Result<Vec<OffsetAnswer>, KafkaError> {
    let mut tpl = TopicPartitionList::with_capacity(chunk.len());
    for (topic, partition) in chunk {
        tpl.add_partition(topic, *partition);
    }
    // One pass: setting each offset by (topic, partition) looks the
    // partition up in the list, which made building a list quadratic.
    tpl.set_all_offsets(at)?;
    let answer = consumer.offsets_for_times(tpl, timeout)?;
    Ok(in_chunk_order(chunk, &answer))
}

/// Topics past this many with a moved leader are refreshed in one request
/// for all topics instead of one each.
const MOVED_TOPICS_ONE_BY_ONE: usize = 16;

/// How long the metadata refresh after a failed call may take, on top of
/// the call's own timeout.
const REFRESH_AFTER_FAILURE: Duration = Duration::from_secs(2);

/// Refresh librdkafka's metadata of the topics whose leader moved.
/// librdkafka keeps asking the leader it knows for offsets, and only a
/// metadata request tells it otherwise: a client that asks for nothing
/// else (`creel lag --watch`) went on without those partitions for good
/// after a failover. The next call then finds the new leaders.
fn refresh_moved_leaders<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    wanted: &[(&str, i32)],
    low: &[Option<OffsetAnswer>],
    high: &[Option<OffsetAnswer>],
    timeout: Duration,
) {
    let moved = |a: &Option<OffsetAnswer>| matches!(a, Some(Err(e)) if e.code.as_ref().is_some_and(|c| leader_moved(c.code)));
    let topics = wanted
        .iter()
        .zip(low.iter().zip(high))
        .filter(|(_, (l, h))| moved(l) || moved(h))
        .map(|((topic, _), _)| *topic);
    refresh_topics(consumer, topics, timeout);
}

/// Refresh librdkafka's metadata of `topics` (all topics when there are
/// many), within `timeout` for all of them: a slow broker must not hold
/// the call for a timeout per topic. Errors are not this call's to report:
/// the caller has its own, and the next call asks again.
fn refresh_topics<'a, C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topics: impl Iterator<Item = &'a str>,
    timeout: Duration,
) {
    let mut topics: Vec<&str> = topics.collect();
    topics.sort_unstable();
    topics.dedup();
    if topics.len() > MOVED_TOPICS_ONE_BY_ONE {
        let _ = consumer.fetch_metadata(None, timeout);
        return;
    }
    let deadline = Instant::now() + timeout;
    for topic in topics {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let _ = consumer.fetch_metadata(Some(topic), left);
    }
}

/// Codes that say a partition's leader is not where librdkafka thinks.
/// UnknownPartition is librdkafka's own word for a partition it saw with
/// no leader (a long-lived client kept it after the leader returned).
fn leader_moved(code: i32) -> bool {
    use RDKafkaErrorCode::*;
    [
        UnknownPartition,
        UnknownTopicOrPartition,
        NotLeaderForPartition,
        LeaderNotAvailable,
        FencedLeaderEpoch,
        UnknownLeaderEpoch,
        ReplicaNotAvailable,
        DestroyBroker,
    ]
    .iter()
    .any(|c| *c as i32 == code)
}

/// The code of a whole-call failure that one partition's leader caused, so
/// that asking for fewer partitions can tell which.
fn partition_refusal(e: &KafkaError) -> Option<RDKafkaErrorCode> {
    use RDKafkaErrorCode::*;
    let code = e.rdkafka_error_code()?;
    matches!(
        code,
        NotLeaderForPartition
            | LeaderNotAvailable
            | UnknownTopicOrPartition
            | UnknownTopic
            | UnknownPartition
            | ReplicaNotAvailable
            | FencedLeaderEpoch
            | UnknownLeaderEpoch
            | OffsetNotAvailable
            | KafkaStorageError
            | TopicAuthorizationFailed
            // The leader librdkafka knows is a broker that left the
            // metadata: the request to it fails the whole call, for as
            // long as librdkafka keeps that leader.
            | DestroyBroker
    )
    .then_some(code)
}

/// The answer's offsets in the order of `chunk`. librdkafka updates the
/// list it was given in place, so the order is the chunk's; a list in
/// another order is matched by partition instead.
fn in_chunk_order(chunk: &[(&str, i32)], tpl: &TopicPartitionList) -> Vec<OffsetAnswer> {
    let elems = tpl.elements();
    let same_order = elems.len() == chunk.len()
        && elems
            .iter()
            .zip(chunk)
            .all(|(e, (t, p))| e.partition() == *p && e.topic() == *t);
    let offset_of =
        |e: &rdkafka::topic_partition_list::TopicPartitionListElem| match (e.error(), e.offset()) {
            (Err(err), _) => Err(op_error_code(Op::Watermarks, &err)),
            (Ok(()), Offset::Offset(o)) => Ok(o),
            (Ok(()), other) => Err(OpError::new(
                Op::Watermarks,
                ErrorKind::Internal,
                format!("unexpected offset {other:?}"),
            )),
        };
    if same_order {
        return elems.iter().map(offset_of).collect();
    }
    let by_partition: HashMap<(&str, i32), OffsetAnswer> = elems
        .iter()
        .map(|e| ((e.topic(), e.partition()), offset_of(e)))
        .collect();
    chunk
        .iter()
        .map(|key| {
            by_partition.get(key).cloned().unwrap_or_else(|| {
                Err(OpError::new(
                    Op::Watermarks,
                    ErrorKind::Internal,
                    "no answer for the partition",
                ))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::mocking::MockCluster;
    use rdkafka::ClientConfig;

    /// A client that asks for nothing but offsets (as `creel lag --watch`
    /// does), after the broker leading one partition went down: librdkafka
    /// kept sending that partition's request to the broker it knew and
    /// timed out the whole call, every call, for minutes. The failed call
    /// refreshes the metadata, so the next one answers the partitions that
    /// have a leader and names the one without.
    #[test]
    fn a_call_after_a_leader_went_down_answers_the_other_partitions() {
        let mock = MockCluster::new(3).unwrap();
        mock.create_topic("events", 3, 3).unwrap();
        for p in 0..3 {
            mock.partition_leader("events", p, Some(p + 1)).unwrap();
        }
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", mock.bootstrap_servers())
            .create()
            .unwrap();
        let wanted = [("events", 0), ("events", 1), ("events", 2)];
        let timeout = Duration::from_secs(3);
        let answered = |r: &Result<Vec<Result<Watermarks, OpError>>, OpError>| -> Vec<bool> {
            r.as_ref()
                .map(|v| v.iter().map(Result::is_ok).collect())
                .unwrap_or_default()
        };
        for _ in 0..3 {
            let r = fetch_in_order(&consumer, &wanted, timeout);
            assert_eq!(answered(&r), [true, true, true], "{r:?}");
            std::thread::sleep(Duration::from_millis(700));
        }
        mock.broker_down(3).unwrap();
        let mut seen = vec![];
        for _ in 0..3 {
            let r = fetch_in_order(&consumer, &wanted, timeout);
            if answered(&r) == [true, true, false] {
                return;
            }
            seen.push(format!("{r:?}"));
            std::thread::sleep(Duration::from_millis(700));
        }
        panic!("three calls after broker 3 went down: {seen:#?}");
    }

    /// Offsets asked in an order of their own, over two topics, one
    /// partition named twice: each entry gets its own partition's end
    /// (the vendored librdkafka matches answers by binary search and skips
    /// the leaders' duplicate lookup when nothing can repeat).
    #[test]
    fn offsets_in_any_order_each_get_their_own_partition() {
        use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
        let mock = MockCluster::new(3).unwrap();
        mock.create_topic("a", 7, 1).unwrap();
        mock.create_topic("b", 5, 1).unwrap();
        let b = mock.bootstrap_servers();
        let producer: BaseProducer = ClientConfig::new()
            .set("bootstrap.servers", &b)
            .create()
            .unwrap();
        // Partition p of "a" holds p + 1 messages, of "b" 10 + p.
        let count = |topic: &str, p: i32| i64::from(if topic == "a" { p + 1 } else { 10 + p });
        for (topic, parts) in [("a", 7), ("b", 5)] {
            for p in 0..parts {
                for _ in 0..count(topic, p) {
                    producer
                        .send(BaseRecord::<(), _>::to(topic).partition(p).payload("x"))
                        .unwrap();
                }
            }
        }
        producer.flush(Duration::from_secs(10)).unwrap();
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &b)
            .create()
            .unwrap();
        let wanted = [
            ("b", 4),
            ("a", 6),
            ("a", 0),
            ("b", 0),
            ("a", 3),
            ("b", 2),
            ("a", 1),
            ("a", 5),
            ("b", 1),
            ("a", 2),
            ("b", 3),
            ("a", 4),
        ];
        let found = fetch_in_order(&consumer, &wanted, Duration::from_secs(10)).unwrap();
        for ((topic, p), w) in wanted.iter().zip(&found) {
            let w = w.as_ref().unwrap();
            assert_eq!((w.low, w.high), (0, count(topic, *p)), "{topic}/{p}");
        }
        // A list that names a partition twice: both entries answered.
        let mut tpl = TopicPartitionList::new();
        for (topic, p) in [("a", 3), ("b", 1), ("a", 3), ("a", 0)] {
            tpl.add_partition(topic, p);
        }
        tpl.set_all_offsets(Offset::End).unwrap();
        let answer = consumer
            .offsets_for_times(tpl, Duration::from_secs(10))
            .unwrap();
        let ends: Vec<(String, i32, Offset)> = answer
            .elements()
            .iter()
            .map(|e| (e.topic().to_string(), e.partition(), e.offset()))
            .collect();
        assert_eq!(
            ends,
            [
                ("a".to_string(), 3, Offset::Offset(4)),
                ("b".to_string(), 1, Offset::Offset(11)),
                ("a".to_string(), 3, Offset::Offset(4)),
                ("a".to_string(), 0, Offset::Offset(1)),
            ]
        );
    }
}
