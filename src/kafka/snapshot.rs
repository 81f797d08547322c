//! One refresh of the cluster view: metadata for every topic in one request,
//! then watermarks for every partition in two batched ListOffsets rounds.

use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::metadata::Metadata;

use super::admin_ffi;
use super::context::CreelContext;
use super::watermarks;
use crate::model::{Broker, Partition, Topic};

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

/// Low and high watermarks of every partition that has a leader.
pub fn fetch_watermarks(
    consumer: &BaseConsumer<CreelContext>,
    topics: &mut [Topic],
    timeout: Duration,
) -> Result<(), KafkaError> {
    let mut wanted: Vec<(&str, i32)> = Vec::new();
    for t in topics.iter() {
        for p in t.partitions.iter().filter(|p| p.leader >= 0) {
            wanted.push((t.name.as_str(), p.id));
        }
    }
    let found = watermarks::fetch(consumer, &wanted, timeout)?;
    for t in topics.iter_mut() {
        for p in t.partitions.iter_mut() {
            if p.leader < 0 {
                p.error.get_or_insert_with(|| "no leader".into());
                continue;
            }
            match found.get(&(t.name.clone(), p.id)) {
                Some(Ok(w)) => p.watermarks = Some(*w),
                Some(Err(e)) => p.error = Some(e.clone()),
                None => {}
            }
        }
    }
    Ok(())
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
