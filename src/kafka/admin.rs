//! Running admin work: each change is sent, then read back from the
//! cluster, and the answer says what the cluster now holds. Blocking: the
//! worker runs these as jobs, the CLI directly. Every error names the
//! operation that failed.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use rdkafka::admin::{
    AdminClient, AdminOptions, ConfigSource, NewPartitions, NewTopic, ResourceSpecifier,
    TopicReplication,
};
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

pub use super::admin_clients::AdminClients;
use super::admin_ffi;
use super::context::CreelContext;
use super::error::{code_error, op_error};
use super::reader::{offsets_at, partition_marks, topic_partitions};
use super::watermarks;
use crate::model::GroupState;
use crate::protocol::admin::{plan_rows, resettable, AdminOp, ConfigEdit, ResetPlan, ResetTarget};
use crate::protocol::{ErrorKind, Op, OpError};

pub const TIMEOUT: Duration = Duration::from_secs(15);

fn opts() -> AdminOptions {
    AdminOptions::new()
        .request_timeout(Some(TIMEOUT))
        .operation_timeout(Some(TIMEOUT))
}

/// The operation an admin action is.
pub fn op_of(op: &AdminOp) -> Op {
    match op {
        AdminOp::CreateTopic { .. } => Op::CreateTopic,
        AdminOp::DeleteTopic { .. } => Op::DeleteTopic,
        AdminOp::AddPartitions { .. } => Op::AddPartitions,
        AdminOp::AlterTopicConfigs { .. } => Op::AlterConfigs,
        AdminOp::ResetOffsets { .. } => Op::ResetOffsets,
        AdminOp::DeleteGroup { .. } => Op::DeleteGroup,
        AdminOp::DeleteGroupOffsets { .. } => Op::DeleteGroupOffsets,
        AdminOp::Purge { .. } => Op::Purge,
        AdminOp::DeleteSchemaVersion { .. } => Op::DeleteSchemaVersion,
    }
}

/// A failed request that goes to the controller: a timeout says the
/// likely reason (the demo's mock cluster names no controller).
fn controller_error(op: Op, e: &rdkafka::error::KafkaError) -> OpError {
    let err = op_error(op, e);
    if err.kind != ErrorKind::TimedOut {
        return err;
    }
    OpError {
        message: format!(
            "{e}: no answer within {} s. The request goes to the cluster's controller; a cluster that names none (such as creel demo's mock cluster) cannot create, delete or grow topics",
            TIMEOUT.as_secs()
        ),
        ..err
    }
}

pub(super) fn internal(op: Op, e: impl std::fmt::Display) -> OpError {
    OpError::new(op, ErrorKind::Internal, e.to_string())
}

/// Poll `check` until it holds or a few seconds pass: metadata after a
/// change takes a moment to reach every broker.
fn settle(mut check: impl FnMut() -> Result<bool, OpError>) -> Result<bool, OpError> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if check()? {
            return Ok(true);
        }
        if Instant::now() > deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn partition_count<C: ConsumerContext>(
    op: Op,
    c: &BaseConsumer<C>,
    topic: &str,
) -> Result<Option<usize>, OpError> {
    let md = c
        .fetch_metadata(Some(topic), TIMEOUT)
        .map_err(|e| op_error(Op::Metadata, &e).within(op))?;
    Ok(md
        .topics()
        .iter()
        .find(|t| t.name() == topic && t.error().is_none())
        .map(|t| t.partitions().len()))
}

/// A group's state, from DescribeConsumerGroups.
pub fn group_state<C: ConsumerContext>(
    op: Op,
    c: &BaseConsumer<C>,
    group: &str,
) -> Result<GroupState, OpError> {
    let d = admin_ffi::describe_consumer_groups(c.client(), &[group.to_string()], TIMEOUT)
        .map_err(|e| e.within(op))?;
    let g = d.into_iter().find(|g| g.id == group).ok_or_else(|| {
        OpError::new(
            op,
            ErrorKind::NotFound,
            format!("group {group} was not described"),
        )
    })?;
    if let Some(e) = g.error {
        return Err(e.within(op));
    }
    let state = GroupState::parse(&g.state);
    // Some brokers report a group with live members under a state they
    // do not name; a member is a member.
    if !g.members.is_empty() && state.is_idle() {
        return Ok(GroupState::Stable);
    }
    Ok(state)
}

/// Committed offsets of `group` on these partitions.
fn committed<C: ConsumerContext>(
    op: Op,
    c: &BaseConsumer<C>,
    group: &str,
    parts: Option<&[(String, i32)]>,
) -> Result<Vec<(String, i32, Option<i64>)>, OpError> {
    let r = admin_ffi::list_group_offsets(c.client(), &[group.to_string()], parts, TIMEOUT, 1);
    let (_, r) = r
        .into_iter()
        .next()
        .ok_or_else(|| internal(op, "no answer for the group's offsets"))?;
    Ok(r.map_err(|e| e.within(op))?
        .into_iter()
        .map(|p| (p.topic, p.partition, p.offset))
        .collect())
}

/// The preview of an offset reset: every partition in scope with its
/// committed offset, where it would go, and the lag before and after.
pub fn plan_reset<C: ConsumerContext>(
    c: &BaseConsumer<C>,
    group: &str,
    target: ResetTarget,
    topic: Option<&str>,
    partitions: Option<&[i32]>,
) -> Result<ResetPlan, OpError> {
    let op = Op::PlanReset;
    let state = group_state(op, c, group)?;
    // Scope: a topic's partitions (committed or not), or every partition
    // the group has committed.
    let scope: Vec<(String, i32)> = match topic {
        Some(t) => topic_partitions(op, c, t, partitions)?
            .into_iter()
            .map(|p| (t.to_string(), p))
            .collect(),
        None => committed(op, c, group, None)?
            .into_iter()
            .map(|(t, p, _)| (t, p))
            .collect(),
    };
    if scope.is_empty() {
        return Err(OpError::new(
            op,
            ErrorKind::NotFound,
            format!("group {group} has no committed offsets; name a topic (topic=NAME) to reset it there"),
        ));
    }
    let current = committed(op, c, group, Some(&scope))?;
    let wanted: Vec<(&str, i32)> = scope.iter().map(|(t, p)| (t.as_str(), *p)).collect();
    let marks = watermarks::fetch(c, &wanted, TIMEOUT).map_err(|e| e.within(op))?;
    let mut m = BTreeMap::new();
    for (t, p) in &scope {
        m.insert((t.clone(), *p), partition_marks(op, &marks, t, *p)?);
    }
    let mut at_time = BTreeMap::new();
    if let ResetTarget::Time(ms) = target {
        let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
        for (t, p) in &scope {
            by_topic.entry(t).or_default().push(*p);
        }
        for (t, ps) in by_topic {
            for (p, o) in offsets_at(op, c, t, &ps, ms)? {
                at_time.insert((t.to_string(), p), o);
            }
        }
    }
    let current: Vec<(String, i32, Option<i64>)> = scope
        .iter()
        .map(|(t, p)| {
            let cur = current
                .iter()
                .find(|(ct, cp, _)| ct == t && cp == p)
                .and_then(|(_, _, o)| *o);
            (t.clone(), *p, cur)
        })
        .collect();
    Ok(ResetPlan {
        group: group.into(),
        target,
        state,
        rows: plan_rows(target, &current, &m, &at_time).map_err(|e| internal(op, e))?,
    })
}

/// Send `op`, read back what it did, and say so; a refusal or a broker
/// error is the error.
pub fn execute<A: ClientContext + 'static, C: ConsumerContext>(
    admin: &AdminClient<A>,
    c: &BaseConsumer<C>,
    base: &ClientConfig,
    action: &AdminOp,
) -> Result<String, OpError> {
    let op = op_of(action);
    // The broker's answer for each resource of a result list.
    let each = |r: Vec<Result<String, (String, rdkafka::types::RDKafkaErrorCode)>>| {
        r.into_iter()
            .try_for_each(|x| x.map(|_| ()).map_err(|(_, code)| code_error(op, code)))
    };
    match action {
        AdminOp::DeleteSchemaVersion { .. } => Err(OpError::new(
            op,
            ErrorKind::Invalid,
            "a schema version is deleted in the schema registry, not in Kafka",
        )),
        AdminOp::CreateTopic {
            name,
            partitions,
            replication,
            configs,
        } => {
            let mut t = NewTopic::new(name, *partitions, TopicReplication::Fixed(*replication));
            for (k, v) in configs {
                t = t.set(k, v);
            }
            each(
                block_on(admin.create_topics(&[t], &opts()))
                    .map_err(|e| controller_error(op, &e))?,
            )?;
            let want = *partitions as usize;
            let ok = settle(|| Ok(partition_count(op, c, name)? == Some(want)))?;
            Ok(if ok {
                format!("created {name} with {want} partitions (read back)")
            } else {
                format!("created {name}; the metadata does not show it yet")
            })
        }
        AdminOp::DeleteTopic { name } => {
            each(
                block_on(admin.delete_topics(&[name], &opts()))
                    .map_err(|e| controller_error(op, &e))?,
            )?;
            let gone = settle(|| Ok(partition_count(op, c, name)?.is_none()))?;
            Ok(if gone {
                format!("deleted {name} (read back: gone)")
            } else {
                format!("deleted {name}; the metadata still lists it")
            })
        }
        AdminOp::AddPartitions { topic, total } => {
            let p = NewPartitions::new(topic, *total as usize);
            each(
                block_on(admin.create_partitions(&[p], &opts()))
                    .map_err(|e| controller_error(op, &e))?,
            )?;
            let want = *total as usize;
            let ok = settle(|| Ok(partition_count(op, c, topic)? == Some(want)))?;
            if ok {
                Ok(format!("{topic} has {want} partitions (read back)"))
            } else {
                Err(OpError::new(
                    op,
                    ErrorKind::Broker,
                    format!("the broker accepted, but {topic} does not show {want} partitions"),
                ))
            }
        }
        AdminOp::AlterTopicConfigs { topic, edits } => {
            admin_ffi::incremental_alter_topic_configs(c.client(), topic, edits, TIMEOUT)?;
            read_back_configs(admin, topic, edits)
        }
        AdminOp::ResetOffsets { group, offsets } => {
            // Checked here, whatever the UI showed: a live member would
            // overwrite the reset, and some brokers accept it anyway.
            let state = group_state(op, c, group)?;
            resettable(&state).map_err(|e| OpError::new(op, ErrorKind::Invalid, e))?;
            let mut cfg = base.clone();
            cfg.set("group.id", group)
                .set("enable.auto.commit", "false")
                .set("statistics.interval.ms", "0");
            let committer: BaseConsumer<CreelContext> = cfg
                .create_with_context(CreelContext::new(None))
                .map_err(|e| internal(op, e))?;
            super::msk_iam::authenticate(committer.client());
            let mut tpl = TopicPartitionList::new();
            for (t, p, o) in offsets {
                tpl.add_partition_offset(t, *p, Offset::Offset(*o))
                    .map_err(|e| op_error(op, &e))?;
            }
            committer
                .commit(&tpl, CommitMode::Sync)
                .map_err(|e| op_error(op, &e))?;
            drop(committer);
            let parts: Vec<(String, i32)> =
                offsets.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
            let now = committed(op, c, group, Some(&parts))?;
            let wrong: Vec<String> = offsets
                .iter()
                .filter_map(|(t, p, o)| {
                    let got = now
                        .iter()
                        .find(|(nt, np, _)| nt == t && np == p)
                        .and_then(|(_, _, x)| *x);
                    (got != Some(*o)).then(|| format!("{t}/{p}: asked {o}, reads {got:?}"))
                })
                .collect();
            if wrong.is_empty() {
                Ok(format!(
                    "reset {} partitions of {group} (read back: every offset as asked)",
                    offsets.len()
                ))
            } else {
                Err(OpError::new(
                    op,
                    ErrorKind::Broker,
                    format!(
                        "the commit was accepted but {} partitions differ: {}",
                        wrong.len(),
                        wrong.join("; ")
                    ),
                ))
            }
        }
        AdminOp::DeleteGroup { group } => {
            each(block_on(admin.delete_groups(&[group], &opts())).map_err(|e| op_error(op, &e))?)?;
            Ok(format!("deleted group {group}"))
        }
        AdminOp::DeleteGroupOffsets {
            group,
            topic,
            partitions,
        } => {
            let parts: Vec<(String, i32)> =
                partitions.iter().map(|p| (topic.clone(), *p)).collect();
            let r = delete_group_offsets(base, group, &parts)?;
            let bad: Vec<String> = r
                .iter()
                .filter_map(|p| {
                    p.error
                        .as_ref()
                        .map(|e| format!("{}/{}: {}", p.topic, p.partition, e.message))
                })
                .collect();
            if bad.is_empty() {
                Ok(format!("deleted {group}'s offsets on {topic}"))
            } else {
                Err(OpError::new(op, ErrorKind::Broker, bad.join("; ")))
            }
        }
        AdminOp::Purge { topic, before } => {
            let mut tpl = TopicPartitionList::new();
            for (p, o, _) in before {
                tpl.add_partition_offset(topic, *p, Offset::Offset(*o))
                    .map_err(|e| op_error(op, &e))?;
            }
            let r = block_on(admin.delete_records(&tpl, &opts())).map_err(|e| op_error(op, &e))?;
            let bad: Vec<String> = r
                .elements()
                .iter()
                .filter_map(|e| {
                    e.error().err().map(|x| {
                        format!("partition {}: {}", e.partition(), op_error(op, &x).message)
                    })
                })
                .collect();
            if !bad.is_empty() {
                return Err(OpError::new(op, ErrorKind::Broker, bad.join("; ")));
            }
            // Read back where each partition now starts.
            let wanted: Vec<(&str, i32)> = before
                .iter()
                .map(|(p, _, _)| (topic.as_str(), *p))
                .collect();
            let marks = watermarks::fetch(c, &wanted, TIMEOUT).map_err(|e| e.within(op))?;
            let mut left = 0;
            for (p, o, _) in before {
                let w = partition_marks(op, &marks, topic, *p)?;
                if w.low < *o {
                    return Err(OpError::new(
                        op,
                        ErrorKind::Broker,
                        format!(
                            "the broker accepted, but partition {p} still starts at {}, not {o}",
                            w.low
                        ),
                    ));
                }
                left += w.high - w.low;
            }
            let gone: i64 = before.iter().map(|(_, _, n)| n).sum();
            Ok(format!(
                "purged {gone} messages from {} partitions of {topic} (read back: {left} left there)",
                before.len()
            ))
        }
    }
}

/// Clusters (by bootstrap servers) that answered OffsetDelete with
/// "unsupported".
static OFFSET_DELETE_UNSUPPORTED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// DeleteConsumerGroupOffsets on a client of its own. librdkafka 2.10
/// corrupts a queue's reference count when the broker lacks OffsetDelete
/// (KIP-496) and later aborts while destroying that client: such a client
/// is left alive (once per cluster; the answer is remembered) rather than
/// destroyed.
fn delete_group_offsets(
    base: &ClientConfig,
    group: &str,
    parts: &[(String, i32)],
) -> Result<Vec<admin_ffi::PartitionOffset>, OpError> {
    let op = Op::DeleteGroupOffsets;
    let unsupported = |why: Option<&str>| {
        let mut m =
            "the broker does not support deleting a group's offsets (OffsetDelete, Kafka 2.4+)"
                .to_string();
        if let Some(w) = why {
            m = format!("{m}: {w}");
        }
        OpError::new(op, ErrorKind::Unsupported, m)
    };
    let cluster = base
        .get("bootstrap.servers")
        .unwrap_or_default()
        .to_string();
    if OFFSET_DELETE_UNSUPPORTED
        .lock()
        .is_ok_and(|l| l.contains(&cluster))
    {
        return Err(unsupported(None));
    }
    let mut cfg = base.clone();
    cfg.set("statistics.interval.ms", "0");
    let client: BaseConsumer<CreelContext> = cfg
        .create_with_context(CreelContext::new(None))
        .map_err(|e| internal(op, e))?;
    super::msk_iam::authenticate(client.client());
    match admin_ffi::delete_group_offsets(client.client(), group, parts, TIMEOUT) {
        Err(e) if e.kind == ErrorKind::Unsupported => {
            if let Ok(mut l) = OFFSET_DELETE_UNSUPPORTED.lock() {
                l.push(cluster);
            }
            std::mem::forget(client);
            Err(unsupported(Some(&e.message)))
        }
        r => r,
    }
}

fn read_back_configs<A: ClientContext + 'static>(
    admin: &AdminClient<A>,
    topic: &str,
    edits: &[ConfigEdit],
) -> Result<String, OpError> {
    let op = Op::AlterConfigs;
    // Kafka applies a change through its metadata log: the broker asked
    // right after may still answer with the old value for a moment.
    let mut wrong = vec![];
    let mut empty = false;
    settle(|| {
        let spec = [ResourceSpecifier::Topic(topic)];
        let r = block_on(admin.describe_configs(&spec, &opts()))
            .map_err(|e| op_error(Op::DescribeConfigs, &e).within(op))?;
        let entries = match r.into_iter().next() {
            Some(Ok(res)) => res.entries,
            Some(Err(code)) => return Err(code_error(Op::DescribeConfigs, code).within(op)),
            None => vec![],
        };
        empty = entries.is_empty();
        wrong = config_mismatches(&entries, edits);
        Ok(empty || wrong.is_empty())
    })?;
    if empty {
        return Ok(format!(
            "changed {} configs of {topic}; the broker returned no configs to read back",
            edits.len()
        ));
    }
    if wrong.is_empty() {
        Ok(format!(
            "changed {} configs of {topic} (read back)",
            edits.len()
        ))
    } else {
        Err(OpError::new(
            op,
            ErrorKind::Broker,
            format!("accepted, but {}", wrong.join("; ")),
        ))
    }
}

/// What does not read back as asked: a key set to another value, or a
/// key unset that is still the topic's own.
fn config_mismatches(entries: &[rdkafka::admin::ConfigEntry], edits: &[ConfigEdit]) -> Vec<String> {
    let find = |k: &str| entries.iter().find(|x| x.name == k);
    edits
        .iter()
        .filter_map(|e| match e {
            ConfigEdit::Set(k, v) => {
                let now = find(k).and_then(|x| x.value.clone());
                (now.as_deref() != Some(v.as_str())).then(|| format!("{k} reads {now:?}, not {v}"))
            }
            ConfigEdit::Delete(k) => find(k)
                .filter(|x| x.source == ConfigSource::DynamicTopic)
                .map(|x| format!("{k} is still set on the topic ({:?})", x.value)),
        })
        .collect()
}

/// DescribeConfigs for one topic, as the configs tab shows it.
pub fn describe_topic_configs<A: ClientContext + 'static>(
    admin: &AdminClient<A>,
    topic: &str,
    timeout: Duration,
) -> Result<Vec<crate::model::ConfigEntry>, OpError> {
    let op = Op::DescribeConfigs;
    let o = AdminOptions::new().request_timeout(Some(timeout));
    let spec = [ResourceSpecifier::Topic(topic)];
    let results = block_on(admin.describe_configs(&spec, &o)).map_err(|e| op_error(op, &e))?;
    match results.into_iter().next() {
        Some(Ok(res)) => Ok(res
            .entries
            .into_iter()
            .map(|e| crate::model::ConfigEntry {
                name: e.name,
                value: e.value,
                is_default: e.is_default,
                is_sensitive: e.is_sensitive,
                is_read_only: e.is_read_only,
                source: source_name(e.source).into(),
            })
            .collect()),
        Some(Err(code)) => Err(code_error(op, code)),
        None => Ok(vec![]),
    }
}

fn source_name(s: ConfigSource) -> &'static str {
    match s {
        ConfigSource::Unknown => "unknown",
        ConfigSource::Default => "default",
        ConfigSource::DynamicTopic => "topic",
        ConfigSource::DynamicBroker => "broker",
        ConfigSource::DynamicDefaultBroker => "cluster default",
        ConfigSource::StaticBroker => "broker file",
    }
}
