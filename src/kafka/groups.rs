//! One consumer-group refresh: list (or take the watched groups), describe
//! them all in one request, fetch committed offsets with bounded
//! concurrency, then the watermarks of every partition involved in batches.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};

use super::admin_ffi::{self, GroupDescription};
use super::context::CreelContext;
use super::error::op_error;
use super::watermarks;
use crate::model::{ConsumerGroup, GroupMember, GroupPartition, GroupsSnapshot};
use crate::protocol::{ErrorKind, Op, OpError};

/// ListConsumerGroupOffsets requests in flight at once.
const OFFSETS_IN_FLIGHT: usize = 64;

/// Blocking: call from a blocking thread.
pub fn fetch_groups(
    consumer: &BaseConsumer<CreelContext>,
    watched: &[String],
    only: Option<&[String]>,
    timeout: Duration,
) -> Result<GroupsSnapshot, OpError> {
    let client = consumer.client();
    let mut list_error = None;
    let mut ids: Vec<String> = watched.to_vec();
    match only {
        Some(only) => ids = only.to_vec(),
        None => match admin_ffi::list_consumer_groups(client, timeout) {
            Ok((listed, errors)) => {
                ids.extend(listed.into_iter().map(|g| g.id));
                if !errors.is_empty() {
                    let words: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                    list_error = Some(format!(
                        "could not list groups on every broker: {}",
                        words.join("; ")
                    ));
                }
            }
            Err(e) => {
                list_error = Some(format!("could not list groups: {}", e.message));
            }
        },
    }
    ids.sort();
    ids.dedup();

    let mut described: HashMap<String, GroupDescription> = HashMap::new();
    let mut describe_error = None;
    match admin_ffi::describe_consumer_groups(client, &ids, timeout) {
        Ok(v) => described.extend(v.into_iter().map(|d| (d.id.clone(), d))),
        Err(e) => {
            describe_error = Some(OpError {
                message: format!("cannot describe groups: {}", e.message),
                ..e
            })
        }
    }
    let mut offsets: HashMap<String, Result<Vec<admin_ffi::PartitionOffset>, OpError>> =
        admin_ffi::list_group_offsets(client, &ids, None, timeout, OFFSETS_IN_FLIGHT)
            .into_iter()
            .collect();
    // Brokers without "all topics" OffsetFetch answer nothing for a group
    // that has commits; ask those groups again with every partition named.
    let silent: Vec<String> = ids
        .iter()
        .filter(|id| matches!(offsets.get(*id), Some(Ok(v)) if v.is_empty()))
        .filter(|id| described.get(*id).is_none_or(|d| d.members.is_empty()))
        .cloned()
        .collect();
    if !silent.is_empty() {
        if let Ok(md) = consumer.fetch_metadata(None, timeout) {
            let all: Vec<(String, i32)> = md
                .topics()
                .iter()
                .filter(|t| !crate::model::Topic::is_internal_name(t.name()))
                .flat_map(|t| {
                    t.partitions()
                        .iter()
                        .map(move |p| (t.name().to_string(), p.id()))
                })
                .collect();
            for (id, r) in admin_ffi::list_group_offsets(
                client,
                &silent,
                Some(&all),
                timeout,
                OFFSETS_IN_FLIGHT,
            ) {
                // Named partitions come back even without a commit: keep the committed ones.
                let r = r.map(|v| v.into_iter().filter(|p| p.offset.is_some()).collect());
                offsets.insert(id, r);
            }
        }
    }

    let mut groups: Vec<ConsumerGroup> = ids
        .iter()
        .map(|id| {
            build_group(
                id,
                described.remove(id),
                offsets.get(id),
                describe_error.as_ref(),
            )
        })
        .collect();

    let mut wanted: Vec<(&str, i32)> = groups
        .iter()
        .flat_map(|g| g.partitions.iter().map(|p| (p.topic.as_str(), p.partition)))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let marks =
        watermarks::fetch(consumer, &wanted, timeout).map_err(|e| e.within(Op::GroupOffsets))?;
    for g in &mut groups {
        for p in &mut g.partitions {
            match marks.get(&(p.topic.clone(), p.partition)) {
                Some(Ok(w)) => {
                    p.log_start = Some(w.low);
                    p.log_end = Some(w.high);
                }
                Some(Err(e)) => p.error = Some(e.message.clone()),
                None => {}
            }
        }
    }
    Ok(GroupsSnapshot {
        groups,
        taken_at: chrono::Local::now(),
        list_error,
    })
}

fn build_group(
    id: &str,
    desc: Option<GroupDescription>,
    offsets: Option<&Result<Vec<admin_ffi::PartitionOffset>, OpError>>,
    describe_error: Option<&OpError>,
) -> ConsumerGroup {
    let describe_moving = desc
        .as_ref()
        .map_or(describe_error, |d| d.error.as_ref())
        .is_some_and(super::error::coordinator_moving);
    let (state, assignor, members, mut error) = match desc {
        Some(d) => (
            crate::model::GroupState::parse(&d.state),
            d.assignor,
            d.members
                .into_iter()
                .map(|m| GroupMember {
                    member_id: m.member_id,
                    client_id: m.client_id,
                    host: m.host,
                    assignment: m.assignment,
                })
                .collect::<Vec<_>>(),
            d.error.map(|e| format!("cannot describe: {}", e.message)),
        ),
        None => (
            crate::model::GroupState::Unknown,
            String::new(),
            vec![],
            describe_error.map(|e| e.message.clone()),
        ),
    };
    // Every partition with a commit, plus every assigned one (shown as "-").
    let mut parts: BTreeMap<(String, i32), GroupPartition> = BTreeMap::new();
    for m in &members {
        for (topic, partition) in &m.assignment {
            parts.insert(
                (topic.clone(), *partition),
                GroupPartition {
                    topic: topic.clone(),
                    partition: *partition,
                    committed: None,
                    log_start: None,
                    log_end: None,
                    owner: Some(m.client_id.clone()),
                    error: None,
                },
            );
        }
    }
    match offsets {
        Some(Ok(list)) => {
            for o in list {
                let entry = parts
                    .entry((o.topic.clone(), o.partition))
                    .or_insert_with(|| GroupPartition {
                        topic: o.topic.clone(),
                        partition: o.partition,
                        committed: None,
                        log_start: None,
                        log_end: None,
                        owner: None,
                        error: None,
                    });
                entry.committed = o.offset;
                if let Some(e) = &o.error {
                    entry.error = Some(e.message.clone());
                }
            }
        }
        Some(Err(e)) => error = Some(format!("cannot read committed offsets: {}", e.message)),
        None => {}
    }
    ConsumerGroup {
        id: id.to_string(),
        state,
        assignor,
        members,
        partitions: parts.into_values().collect(),
        error,
        sample_failed: describe_moving || matches!(offsets, Some(Err(_))),
    }
}

/// Events served after a sample at most, so a client flooded with them
/// still answers.
const EVENTS_PER_SAMPLE: usize = 10_000;

/// A client of its own for headless commands and benchmarks.
pub struct GroupsClient {
    consumer: BaseConsumer<CreelContext>,
    watched: Vec<String>,
    timeout: Duration,
}

impl GroupsClient {
    pub fn new(
        settings: &crate::config::Settings,
        timeout: Duration,
    ) -> Result<GroupsClient, OpError> {
        // No statistics: nothing here shows broker health, and `creel lag
        // --watch` would otherwise queue a report every second for as long
        // as it runs (the 30-minute soak saw it grow 18 MB).
        let statistics = super::client::Statistics::Off;
        Ok(GroupsClient {
            consumer: super::client::consumer(settings, CreelContext::new(None), statistics)
                .map_err(|e| OpError::new(Op::Connect, ErrorKind::Invalid, e.to_string()))?,
            watched: settings.watched_groups.clone(),
            timeout,
        })
    }

    /// Fail unless some broker answers (a group list can be empty on an
    /// unreachable cluster, which must not read as "all is well").
    pub fn check_reachable(&self) -> Result<(), OpError> {
        self.consumer
            .fetch_metadata(Some("__consumer_offsets"), self.timeout)
            .map(|_| ())
            .map_err(|e| op_error(Op::Connect, &e))
    }

    /// One snapshot; `only` limits it to those groups (no listing).
    pub fn fetch(&self, only: Option<&[String]>) -> Result<GroupsSnapshot, OpError> {
        let snapshot = fetch_groups(&self.consumer, &self.watched, only, self.timeout);
        self.serve_events();
        snapshot
    }

    /// Errors and log lines arrive as events on the client's queue, and
    /// nothing else polls this client. A poll serves one event; one per
    /// sample let them pile up whenever more came (every reconnect through
    /// an outage logs, `-X debug` logs each request), and the log got one
    /// line every two seconds.
    fn serve_events(&self) {
        for _ in 0..EVENTS_PER_SAMPLE {
            if self.pending_events() == 0 {
                break;
            }
            let _ = self.consumer.poll(Duration::ZERO);
        }
    }

    /// Events the client holds unserved (see `admin_ffi::pending_events`).
    pub fn pending_events(&self) -> usize {
        super::admin_ffi::pending_events(self.consumer.client())
    }
}
