//! One refresh of the cluster view: metadata for every topic in one request,
//! then watermarks for every partition in two batched ListOffsets rounds.

use std::collections::HashMap;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::metadata::Metadata;
use rdkafka::{Offset, TopicPartitionList};

use super::admin_ffi;
use super::context::CreelContext;
use crate::model::{Broker, Partition, Topic, Watermarks};

/// Metadata of the whole cluster: brokers and topics, watermarks unknown.
pub fn fetch_metadata(
    consumer: &BaseConsumer<CreelContext>,
    timeout: Duration,
) -> Result<(Vec<Broker>, Vec<Topic>), KafkaError> {
    let md = consumer.fetch_metadata(None, timeout)?;
    Ok((brokers(&md), topics(&md)))
}

fn brokers(md: &Metadata) -> Vec<Broker> {
    let mut v: Vec<Broker> = md
        .brokers()
        .iter()
        .map(|b| Broker {
            id: b.id(),
            host: b.host().to_string(),
            port: b.port(),
            rack: None,
            is_controller: false,
        })
        .collect();
    v.sort_by_key(|b| b.id);
    v
}

fn topics(md: &Metadata) -> Vec<Topic> {
    md.topics()
        .iter()
        .map(|t| {
            let mut partitions: Vec<Partition> = t
                .partitions()
                .iter()
                .map(|p| Partition {
                    id: p.id(),
                    leader: p.leader(),
                    replicas: p.replicas().to_vec(),
                    isr: p.isr().to_vec(),
                    watermarks: None,
                    error: p
                        .error()
                        .map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                })
                .collect();
            partitions.sort_by_key(|p| p.id);
            Topic {
                name: t.name().to_string(),
                internal: Topic::is_internal_name(t.name()),
                error: t
                    .error()
                    .map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                partitions,
            }
        })
        .collect()
}

/// Add rack and controller from DescribeCluster. A cluster without the API
/// keeps the metadata view and says why.
pub fn describe_cluster(
    consumer: &BaseConsumer<CreelContext>,
    brokers: &mut [Broker],
    timeout: Duration,
) -> Option<String> {
    let rk = consumer.client().native_ptr();
    match admin_ffi::describe_cluster(rk, timeout) {
        Ok(desc) => {
            for b in brokers.iter_mut() {
                if let Some(n) = desc.nodes.iter().find(|n| n.id == b.id) {
                    b.rack = n.rack.clone();
                }
                b.is_controller = desc.controller == Some(b.id);
            }
            None
        }
        Err(e) => Some(format!(
            "controller and racks unknown: DescribeCluster failed: {e}"
        )),
    }
}

/// Partitions per ListOffsets request. Some brokers answer one huge request
/// far slower than many small ones (tansu 0.6.0: 30,000 partitions take
/// 5.5 s in one request, 0.17 s as thirty concurrent requests of 1,000).
const OFFSETS_CHUNK: usize = 1_000;
/// ListOffsets requests in flight at once.
const OFFSETS_PARALLEL: usize = 8;

/// Low and high watermarks of every partition that has a leader, as batched
/// ListOffsets requests ("earliest" and "latest"), librdkafka grouping each
/// batch by leader broker.
pub fn fetch_watermarks(
    consumer: &BaseConsumer<CreelContext>,
    topics: &mut [Topic],
    timeout: Duration,
) -> Result<(), KafkaError> {
    let mut wanted: Vec<(&str, i32)> = Vec::new();
    for t in topics.iter_mut() {
        for p in t.partitions.iter_mut() {
            if p.leader < 0 {
                p.error.get_or_insert_with(|| "no leader".into());
            }
        }
    }
    for t in topics.iter() {
        for p in t.partitions.iter().filter(|p| p.leader >= 0) {
            wanted.push((t.name.as_str(), p.id));
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    // Each job is one request: a chunk of partitions at one end of the log.
    let jobs: Vec<(&[(&str, i32)], Offset)> = wanted
        .chunks(OFFSETS_CHUNK)
        .flat_map(|c| [(c, Offset::Beginning), (c, Offset::End)])
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Vec<(usize, Offset, OffsetMap)>, KafkaError>> =
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..OFFSETS_PARALLEL.min(jobs.len()))
                .map(|_| {
                    s.spawn(|| {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((chunk, at)) = jobs.get(i) else {
                                break;
                            };
                            let mut tpl = TopicPartitionList::with_capacity(chunk.len());
                            for (topic, partition) in chunk.iter() {
                                tpl.add_partition_offset(topic, *partition, *at)?;
                            }
                            let answer = consumer.offsets_for_times(tpl, timeout)?;
                            done.push((i, *at, offsets_by_partition(&answer)));
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
        for (_, at, map) in r? {
            if at == Offset::Beginning {
                low.extend(map);
            } else {
                high.extend(map);
            }
        }
    }
    for t in topics.iter_mut() {
        for p in t.partitions.iter_mut() {
            let key = (t.name.clone(), p.id);
            match (low.get(&key), high.get(&key)) {
                (Some(Ok(l)), Some(Ok(h))) => p.watermarks = Some(Watermarks { low: *l, high: *h }),
                (Some(Err(e)), _) | (_, Some(Err(e))) => p.error = Some(e.clone()),
                _ => {}
            }
        }
    }
    Ok(())
}

type OffsetMap = HashMap<(String, i32), Result<i64, String>>;

fn offsets_by_partition(tpl: &TopicPartitionList) -> OffsetMap {
    tpl.elements()
        .into_iter()
        .map(|e| {
            let v = match (e.error(), e.offset()) {
                (Err(err), _) => Err(err.to_string()),
                (Ok(()), Offset::Offset(o)) => Ok(o),
                (Ok(()), other) => Err(format!("unexpected offset {other:?}")),
            };
            ((e.topic().to_string(), e.partition()), v)
        })
        .collect()
}

/// Metadata and watermarks at once, for headless commands and benchmarks.
pub fn fetch_snapshot_blocking(
    settings: &crate::config::Settings,
    timeout: Duration,
) -> anyhow::Result<crate::model::ClusterSnapshot> {
    let consumer = super::client::consumer(settings, CreelContext::new(None))?;
    let (mut brokers, mut topics) = fetch_metadata(&consumer, timeout)?;
    let cluster_note = describe_cluster(&consumer, &mut brokers, timeout);
    fetch_watermarks(&consumer, &mut topics, timeout)?;
    Ok(crate::model::ClusterSnapshot {
        brokers,
        topics,
        cluster_note,
        taken_at: chrono::Local::now(),
        watermarks_complete: true,
    })
}
