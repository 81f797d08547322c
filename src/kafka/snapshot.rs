//! One refresh of the cluster view: metadata for every topic in one request,
//! then watermarks for every partition in two batched ListOffsets rounds.

use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::metadata::Metadata;

use super::admin_ffi;
use super::context::CreelContext;
use super::error::op_error;
use super::watermarks;
use crate::model::{Broker, Partition, Topic};
use crate::protocol::{Op, OpError};

/// Metadata of the whole cluster: brokers and topics, watermarks unknown.
pub fn fetch_metadata(
    consumer: &BaseConsumer<CreelContext>,
    timeout: Duration,
) -> Result<(Vec<Broker>, Vec<Topic>), OpError> {
    let md = consumer
        .fetch_metadata(None, timeout)
        .map_err(|e| op_error(Op::Metadata, &e))?;
    let topics = topics(&md);
    let mut brokers = brokers(&md);
    // A broker that is down still holds replicas: count it, as missing.
    let mut replicas: Vec<i32> = topics
        .iter()
        .flat_map(|t| t.partitions.iter().flat_map(|p| p.replicas.iter().copied()))
        .collect();
    replicas.sort_unstable();
    replicas.dedup();
    for id in replicas {
        if !brokers.iter().any(|b| b.id == id) {
            brokers.push(Broker {
                id,
                host: String::new(),
                port: 0,
                rack: None,
                is_controller: false,
                missing: true,
            });
        }
    }
    brokers.sort_by_key(|b| b.id);
    Ok((brokers, topics))
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
            missing: false,
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

/// DescribeCluster may wait for a controller the cluster never names (the
/// mock cluster does that): ask with a short deadline.
pub const DESCRIBE_TIMEOUT: Duration = Duration::from_secs(4);

/// What DescribeCluster said last, kept across refreshes so that a cluster
/// without the API is asked again only now and then.
#[derive(Debug, Default)]
pub struct DescribeMemo {
    pub last: Option<admin_ffi::ClusterDescription>,
    pub note: Option<String>,
    pub retry_after: Option<std::time::Instant>,
}

impl DescribeMemo {
    pub fn due(&self) -> bool {
        self.retry_after
            .is_none_or(|t| std::time::Instant::now() >= t)
    }

    /// Remember what DescribeCluster answered; after a failure, ask again
    /// only in five minutes. (The caller asks without holding the memo.)
    pub fn record(&mut self, answer: Result<admin_ffi::ClusterDescription, OpError>) {
        match answer {
            Ok(d) => {
                self.last = Some(d);
                self.note = None;
                self.retry_after = None;
            }
            Err(e) => {
                self.note = Some(format!(
                    "controller and racks unknown: DescribeCluster failed: {}",
                    e.message
                ));
                self.retry_after = Some(std::time::Instant::now() + Duration::from_secs(300));
            }
        }
    }

    /// Put rack and controller on the metadata's brokers.
    pub fn apply(&self, brokers: &mut [Broker]) -> Option<String> {
        if let Some(desc) = &self.last {
            for b in brokers.iter_mut() {
                if let Some(n) = desc.nodes.iter().find(|n| n.id == b.id) {
                    b.rack = n.rack.clone();
                }
                b.is_controller = desc.controller == Some(b.id);
            }
        }
        self.note.clone()
    }
}

/// Low and high watermarks of every partition that has a leader.
pub fn fetch_watermarks(
    consumer: &BaseConsumer<CreelContext>,
    topics: &mut [Topic],
    timeout: Duration,
) -> Result<(), OpError> {
    let mut wanted: Vec<(&str, i32)> = Vec::new();
    for t in topics.iter() {
        for p in t.partitions.iter().filter(|p| p.leader >= 0) {
            wanted.push((t.name.as_str(), p.id));
        }
    }
    let mut found = watermarks::fetch_in_order(consumer, &wanted, timeout)?.into_iter();
    // `wanted` holds the partitions with a leader, in this same order.
    for t in topics.iter_mut() {
        for p in t.partitions.iter_mut() {
            if p.leader < 0 {
                p.error.get_or_insert_with(|| "no leader".into());
                continue;
            }
            match found.next() {
                Some(Ok(w)) => p.watermarks = Some(w),
                Some(Err(e)) => p.error = Some(e.message),
                None => {}
            }
        }
    }
    Ok(())
}

/// Metadata and watermarks at once, for headless commands and benchmarks;
/// or, when `describe` asks for the brokers (`creel brokers`), metadata and
/// racks and the controller (DescribeCluster) without the watermarks that
/// list does not show. DescribeCluster waits at most 2 s: a cluster that
/// names no controller (the demo's mock) would otherwise hold the list.
pub fn fetch_snapshot_blocking(
    settings: &crate::config::Settings,
    timeout: Duration,
    describe: bool,
) -> Result<crate::model::ClusterSnapshot, OpError> {
    // One-shot and never polled: no statistics to queue.
    let statistics = super::client::Statistics::Off;
    let consumer =
        super::client::consumer(settings, CreelContext::new(None), statistics).map_err(|e| {
            OpError::new(
                Op::Connect,
                crate::protocol::ErrorKind::Invalid,
                e.to_string(),
            )
        })?;
    let (mut brokers, mut topics) = fetch_metadata(&consumer, timeout)?;
    let mut memo = DescribeMemo::default();
    if describe {
        memo.record(admin_ffi::describe_cluster(
            consumer.client(),
            DESCRIBE_TIMEOUT.min(Duration::from_secs(2)),
        ));
    }
    let cluster_note = memo.apply(&mut brokers);
    if !describe {
        fetch_watermarks(&consumer, &mut topics, timeout)?;
    }
    Ok(crate::model::ClusterSnapshot {
        brokers,
        topics,
        cluster_note,
        taken_at: chrono::Local::now(),
        watermarks_complete: true,
    })
}
