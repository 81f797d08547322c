//! Watermarks for many partitions at once, in batched ListOffsets requests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};

use super::error::{code_error, op_error, op_error_code};
use crate::model::Watermarks;
use crate::protocol::{ErrorKind, Op, OpError};

/// Partitions per ListOffsets request. Some brokers answer one huge request
/// far slower than many small ones (tansu 0.6.0: 30,000 partitions take
/// 5.5 s in one request, 0.17 s as thirty concurrent requests of 1,000).
const CHUNK: usize = 1_000;
/// ListOffsets requests in flight at once.
const PARALLEL: usize = 8;
/// Requests one round of narrowing may send. A cluster where most leaders
/// refuse (moving leadership, an overloaded controller) would otherwise
/// cost two requests per partition; past this, a refused chunk's
/// partitions all get its error and the next refresh asks again.
const NARROWING_BUDGET: usize = 64;

/// (topic, partition) -> watermarks, or the broker's error for that partition.
pub type WatermarkMap = HashMap<(String, i32), Result<Watermarks, OpError>>;
type OffsetMap = HashMap<(String, i32), Result<i64, OpError>>;

/// One request: a chunk of partitions at one end of the log.
type Job<'a> = (&'a [(&'a str, i32)], Offset);
/// A job and what the cluster answered to it.
type Answer<'a> = (Job<'a>, Result<OffsetMap, KafkaError>);

/// Low and high watermarks of `wanted`, as ListOffsets at "earliest" and
/// "latest" (offsets_for_times with the special -2/-1 timestamps), in chunks,
/// librdkafka grouping each chunk by leader broker. Blocking.
///
/// librdkafka fails a whole offsets_for_times call when one partition's
/// leader refuses it (NotLeaderForPartition right after topics are
/// created, or while leadership moves): such a chunk is asked again in
/// halves, down to the partitions that refuse, which get that error as
/// their own. The rest of the list keeps its counts. An error that is not
/// about a partition (no broker answers, a timeout) still fails the call.
pub fn fetch<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    wanted: &[(&str, i32)],
    timeout: Duration,
) -> Result<WatermarkMap, OpError> {
    if wanted.is_empty() {
        return Ok(WatermarkMap::new());
    }
    let mut jobs: Vec<Job> = wanted
        .chunks(CHUNK)
        .flat_map(|c| [(c, Offset::Beginning), (c, Offset::End)])
        .collect();
    let mut low = OffsetMap::new();
    let mut high = OffsetMap::new();
    while !jobs.is_empty() {
        let mut again = Vec::new();
        let answers =
            run_round(consumer, &jobs, timeout).map_err(|e| op_error(Op::Watermarks, &e))?;
        let refused = answers
            .iter()
            .filter(|(_, a)| a.as_ref().is_err_and(|e| partition_refusal(e).is_some()))
            .count();
        let narrow = refused * 2 <= NARROWING_BUDGET;
        for ((chunk, at), answer) in answers {
            let into = if at == Offset::Beginning {
                &mut low
            } else {
                &mut high
            };
            match answer {
                Ok(map) => into.extend(map),
                Err(e) => match partition_refusal(&e) {
                    Some(code) if chunk.len() == 1 || !narrow => {
                        for (topic, partition) in chunk {
                            into.insert(
                                (topic.to_string(), *partition),
                                Err(code_error(Op::Watermarks, code)),
                            );
                        }
                    }
                    Some(_) => {
                        let (a, b) = chunk.split_at(chunk.len() / 2);
                        again.extend([(a, at), (b, at)]);
                    }
                    None => return Err(op_error(Op::Watermarks, &e)),
                },
            }
        }
        jobs = again;
    }
    let mut out = WatermarkMap::with_capacity(high.len());
    for (key, h) in high {
        let l = low.remove(&key).unwrap_or_else(|| {
            Err(OpError::new(
                Op::Watermarks,
                ErrorKind::Internal,
                "no answer",
            ))
        });
        let v = match (l, h) {
            (Ok(low), Ok(high)) => Ok(Watermarks { low, high }),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        out.insert(key, v);
    }
    Ok(out)
}

/// Each job's answer, `PARALLEL` requests in flight at once; a thread that
/// panicked fails the round rather than leaving its jobs unanswered.
fn run_round<'a, C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    jobs: &[Job<'a>],
    timeout: Duration,
) -> Result<Vec<Answer<'a>>, KafkaError> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..PARALLEL.min(jobs.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(&(chunk, at)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        done.push(((chunk, at), ask(consumer, chunk, at, timeout)));
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

fn ask<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    chunk: &[(&str, i32)],
    at: Offset,
    timeout: Duration,
) -> Result<OffsetMap, KafkaError> {
    let mut tpl = TopicPartitionList::with_capacity(chunk.len());
    for (topic, partition) in chunk {
        tpl.add_partition_offset(topic, *partition, at)?;
    }
    let answer = consumer.offsets_for_times(tpl, timeout)?;
    Ok(offsets_by_partition(&answer))
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
    )
    .then_some(code)
}

fn offsets_by_partition(tpl: &TopicPartitionList) -> OffsetMap {
    tpl.elements()
        .into_iter()
        .map(|e| {
            let v = match (e.error(), e.offset()) {
                (Err(err), _) => Err(op_error_code(Op::Watermarks, &err)),
                (Ok(()), Offset::Offset(o)) => Ok(o),
                (Ok(()), other) => Err(OpError::new(
                    Op::Watermarks,
                    ErrorKind::Internal,
                    format!("unexpected offset {other:?}"),
                )),
            };
            ((e.topic().to_string(), e.partition()), v)
        })
        .collect()
}
