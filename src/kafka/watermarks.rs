//! Watermarks for many partitions at once, in batched ListOffsets requests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};

use super::error::{op_error, op_error_code};
use crate::model::Watermarks;
use crate::protocol::{ErrorKind, Op, OpError};

/// Partitions per ListOffsets request. Some brokers answer one huge request
/// far slower than many small ones (tansu 0.6.0: 30,000 partitions take
/// 5.5 s in one request, 0.17 s as thirty concurrent requests of 1,000).
const CHUNK: usize = 1_000;
/// ListOffsets requests in flight at once.
const PARALLEL: usize = 8;

/// (topic, partition) -> watermarks, or the broker's error for that partition.
pub type WatermarkMap = HashMap<(String, i32), Result<Watermarks, OpError>>;
type OffsetMap = HashMap<(String, i32), Result<i64, OpError>>;

/// Low and high watermarks of `wanted`, as ListOffsets at "earliest" and
/// "latest" (offsets_for_times with the special -2/-1 timestamps), in chunks,
/// librdkafka grouping each chunk by leader broker. Blocking.
pub fn fetch<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    wanted: &[(&str, i32)],
    timeout: Duration,
) -> Result<WatermarkMap, OpError> {
    if wanted.is_empty() {
        return Ok(WatermarkMap::new());
    }
    // Each job is one request: a chunk of partitions at one end of the log.
    let jobs: Vec<(&[(&str, i32)], Offset)> = wanted
        .chunks(CHUNK)
        .flat_map(|c| [(c, Offset::Beginning), (c, Offset::End)])
        .collect();
    let next = AtomicUsize::new(0);
    let results: Vec<Result<Vec<(Offset, OffsetMap)>, KafkaError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..PARALLEL.min(jobs.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    while let Some((chunk, at)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let mut tpl = TopicPartitionList::with_capacity(chunk.len());
                        for (topic, partition) in chunk.iter() {
                            tpl.add_partition_offset(topic, *partition, *at)?;
                        }
                        let answer = consumer.offsets_for_times(tpl, timeout)?;
                        done.push((*at, offsets_by_partition(&answer)));
                    }
                    Ok(done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(KafkaError::Canceled)))
            .collect()
    });
    let mut low = OffsetMap::new();
    let mut high = OffsetMap::new();
    for r in results {
        for (at, map) in r.map_err(|e| op_error(Op::Watermarks, &e))? {
            if at == Offset::Beginning {
                low.extend(map);
            } else {
                high.extend(map);
            }
        }
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
