//! The periodic jobs of the worker: the topic view and the group view.
//! Blocking: the job runtime runs them on its pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};

use super::context::CreelContext;
use super::jobs::Job;
use super::snapshot::DescribeMemo;
use super::{admin_ffi, groups, snapshot};
use crate::model::ClusterSnapshot;
use crate::protocol::{ErrorKind, Event, Op, OpError};

/// How long one request to the cluster may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);
/// A topic refresh: metadata, two rounds of watermarks, maybe
/// DescribeCluster.
pub const TOPICS_DEADLINE: Duration = Duration::from_secs(30);
/// A group refresh: list, describe, offsets, watermarks.
pub const GROUPS_DEADLINE: Duration = Duration::from_secs(4 * 8 + 2);

pub type SharedConsumer = Arc<BaseConsumer<CreelContext>>;

/// A poisoned lock only means another refresh panicked; its memo is still
/// a fine answer.
fn lock(m: &Mutex<DescribeMemo>) -> std::sync::MutexGuard<'_, DescribeMemo> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn retry_at(retry_in: Duration) -> chrono::DateTime<chrono::Local> {
    chrono::Local::now()
        + chrono::Duration::from_std(retry_in).unwrap_or_else(|_| chrono::Duration::seconds(1))
}

/// The failure of a refresh: when no broker answers, librdkafka's own
/// words for why (refused, TLS, SASL...) say more than "timed out".
pub fn topics_failed(
    job: &Job,
    consumer: &SharedConsumer,
    error: OpError,
    retry_in: Duration,
) -> bool {
    let ctx = consumer.context();
    let error = match (ctx.refusal(), ctx.last_transport_error()) {
        (Some(why), _) => OpError::new(error.op, ErrorKind::Refused, why),
        (None, Some(why)) if matches!(error.kind, ErrorKind::Unreachable | ErrorKind::TimedOut) => {
            OpError::new(error.op, ErrorKind::Unreachable, why)
        }
        // Brokers connected but slower than the deadline: not "this
        // cluster may not support the request", which is for admin calls.
        (None, None) if error.kind == ErrorKind::TimedOut => timed_out(error.op, REQUEST_TIMEOUT),
        _ => error,
    };
    tracing::warn!("refresh {} failed: {error}", job.generation);
    job.send(Event::RefreshFailed {
        generation: job.generation,
        error,
        retry_at: retry_at(retry_in),
    });
    false
}

/// One topic refresh: metadata first (the list appears), then the
/// watermarks (the counts), then racks and the controller when due.
pub fn topics(
    job: &Job,
    consumer: &SharedConsumer,
    memo: &Mutex<DescribeMemo>,
    retry_in: Duration,
) -> bool {
    let generation = job.generation;
    job.send(Event::RefreshStarted { generation });
    let started = std::time::Instant::now();
    let (mut brokers, topics) = match snapshot::fetch_metadata(consumer, REQUEST_TIMEOUT) {
        Ok(v) => v,
        Err(e) => return topics_failed(job, consumer, e, retry_in),
    };
    consumer.context().clear_transport_error();
    let cluster_note = lock(memo).apply(&mut brokers);
    let mut snap = ClusterSnapshot {
        brokers,
        topics,
        cluster_note,
        taken_at: chrono::Local::now(),
        watermarks_complete: false,
    };
    if !job.send(Event::Snapshot {
        generation,
        snapshot: snap.clone(),
    }) {
        return false;
    }
    let listed = started.elapsed();
    let marked = snapshot::fetch_watermarks(consumer, &mut snap.topics, REQUEST_TIMEOUT);
    snap.watermarks_complete = true;
    // Where a slow refresh spends its time (`--log=debug`).
    tracing::debug!(
        "refresh {generation}: {} topics listed in {listed:?}, counted {:?} later",
        snap.topics.len(),
        started.elapsed() - listed
    );
    if let Err(e) = marked {
        // The partitions that have no count keep the last one on screen
        // (the app carries it over); the failure is said.
        job.send(Event::Snapshot {
            generation,
            snapshot: snap,
        });
        return topics_failed(job, consumer, e, retry_in);
    }
    if !job.send(Event::Snapshot {
        generation,
        snapshot: snap.clone(),
    }) {
        return false;
    }
    // Racks and the controller, when the cluster can say; the memo is not
    // locked while the cluster is asked.
    if lock(memo).due() {
        let answer = admin_ffi::describe_cluster(consumer.client(), snapshot::DESCRIBE_TIMEOUT);
        let mut m = lock(memo);
        m.record(answer);
        snap.cluster_note = m.apply(&mut snap.brokers);
        drop(m);
        return job.send(Event::Snapshot {
            generation,
            snapshot: snap,
        });
    }
    true
}

/// One consumer-group refresh.
pub fn groups(
    job: &Job,
    consumer: &SharedConsumer,
    watched: &[String],
    retry_in: Duration,
) -> bool {
    match groups::fetch_groups(consumer, watched, None, REQUEST_TIMEOUT) {
        Ok(snapshot) => job.send(Event::Groups {
            generation: job.generation,
            snapshot,
        }),
        Err(error) => {
            tracing::warn!("group refresh {} failed: {error}", job.generation);
            job.send(Event::GroupsFailed {
                generation: job.generation,
                error,
                retry_at: retry_at(retry_in),
            });
            false
        }
    }
}

/// The event a refresh sends when it misses its deadline.
pub fn timed_out(op: Op, deadline: Duration) -> OpError {
    OpError::new(
        op,
        ErrorKind::TimedOut,
        format!("no answer within {} s", deadline.as_secs()),
    )
}
