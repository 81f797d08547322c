//! Running admin work: each change is sent, then read back from the
//! cluster, and the answer says what the cluster now holds. Blocking: the
//! worker calls these from blocking threads, the CLI directly.

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

use super::admin_ffi;
use super::reader::{offsets_at, topic_partitions};
use super::watermarks;
use crate::protocol::admin::{plan_rows, resettable, AdminOp, ConfigEdit, ResetPlan, ResetTarget};

pub const TIMEOUT: Duration = Duration::from_secs(15);

fn opts() -> AdminOptions {
    AdminOptions::new()
        .request_timeout(Some(TIMEOUT))
        .operation_timeout(Some(TIMEOUT))
}

/// A failed request that goes to the controller: a timeout says the
/// likely reason (the demo's mock cluster names no controller); anything
/// else is worded as every unsupported request is.
fn controller_hint(e: &rdkafka::error::KafkaError) -> String {
    match super::refresh::error_code(e) {
        Some(rdkafka::types::RDKafkaErrorCode::OperationTimedOut) => format!(
            "{e}: no answer within {} s. The request goes to the cluster's controller; a cluster that names none (such as creel demo's mock cluster) cannot create, delete or grow topics",
            TIMEOUT.as_secs()
        ),
        _ => super::refresh::unsupported_hint(e),
    }
}

/// The cluster's own words for a failure, with its code.
use super::diagnose::code_text;

/// Poll `check` until it holds or a few seconds pass: metadata after a
/// change takes a moment to reach every broker.
fn settle(mut check: impl FnMut() -> Result<bool, String>) -> Result<bool, String> {
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
    c: &BaseConsumer<C>,
    topic: &str,
) -> Result<Option<usize>, String> {
    let md = c
        .fetch_metadata(Some(topic), TIMEOUT)
        .map_err(|e| format!("reading back: {e}"))?;
    Ok(md
        .topics()
        .iter()
        .find(|t| t.name() == topic && t.error().is_none())
        .map(|t| t.partitions().len()))
}

/// A group's state, from DescribeConsumerGroups.
pub fn group_state<C: ConsumerContext>(c: &BaseConsumer<C>, group: &str) -> Result<String, String> {
    let d = admin_ffi::describe_consumer_groups(
        c.client().native_ptr(),
        &[group.to_string()],
        TIMEOUT,
    )?;
    let g = d
        .into_iter()
        .find(|g| g.id == group)
        .ok_or_else(|| format!("group {group} was not described"))?;
    if let Some(e) = g.error {
        return Err(e);
    }
    // Some brokers report a group with live members under a state they
    // do not name; a member is a member.
    if !g.members.is_empty() && g.state.eq_ignore_ascii_case("empty") {
        return Ok("Stable".into());
    }
    Ok(g.state)
}

/// Committed offsets of `group` on these partitions.
fn committed<C: ConsumerContext>(
    c: &BaseConsumer<C>,
    group: &str,
    parts: Option<&[(String, i32)]>,
) -> Result<Vec<(String, i32, Option<i64>)>, String> {
    let r = admin_ffi::list_group_offsets(
        c.client().native_ptr(),
        &[group.to_string()],
        parts,
        TIMEOUT,
        1,
    );
    let (_, r) = r
        .into_iter()
        .next()
        .ok_or("no answer for the group's offsets")?;
    Ok(r?
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
) -> Result<ResetPlan, String> {
    let state = group_state(c, group)?;
    // Scope: a topic's partitions (committed or not), or every partition
    // the group has committed.
    let scope: Vec<(String, i32)> = match topic {
        Some(t) => topic_partitions(c, t, partitions)?
            .into_iter()
            .map(|p| (t.to_string(), p))
            .collect(),
        None => committed(c, group, None)?
            .into_iter()
            .map(|(t, p, _)| (t, p))
            .collect(),
    };
    if scope.is_empty() {
        return Err(format!(
            "group {group} has no committed offsets; name a topic (topic=NAME) to reset it there"
        ));
    }
    let current = committed(c, group, Some(&scope))?;
    let wanted: Vec<(&str, i32)> = scope.iter().map(|(t, p)| (t.as_str(), *p)).collect();
    let marks = watermarks::fetch(c, &wanted, TIMEOUT).map_err(|e| format!("watermarks: {e}"))?;
    let mut m = BTreeMap::new();
    for ((t, p), w) in marks {
        m.insert((t, p), w.map_err(|e| format!("watermarks: {e}"))?);
    }
    let mut at_time = BTreeMap::new();
    if let ResetTarget::Time(ms) = target {
        let mut by_topic: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
        for (t, p) in &scope {
            by_topic.entry(t).or_default().push(*p);
        }
        for (t, ps) in by_topic {
            for (p, o) in offsets_at(c, t, &ps, ms)? {
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
        rows: plan_rows(target, &current, &m, &at_time)?,
    })
}

/// Send `op`, read back what it did, and say so; a refusal or a broker
/// error is the error.
pub fn execute<A: ClientContext + 'static, C: ConsumerContext>(
    admin: &AdminClient<A>,
    c: &BaseConsumer<C>,
    base: &ClientConfig,
    op: &AdminOp,
) -> Result<String, String> {
    match op {
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
            let r =
                block_on(admin.create_topics(&[t], &opts())).map_err(|e| controller_hint(&e))?;
            for x in r {
                x.map_err(|(_, code)| code_text(code))?;
            }
            let want = *partitions as usize;
            let ok = settle(|| Ok(partition_count(c, name)? == Some(want)))?;
            Ok(if ok {
                format!("created {name} with {want} partitions (read back)")
            } else {
                format!("created {name}; the metadata does not show it yet")
            })
        }
        AdminOp::DeleteTopic { name } => {
            let r =
                block_on(admin.delete_topics(&[name], &opts())).map_err(|e| controller_hint(&e))?;
            for x in r {
                x.map_err(|(_, code)| code_text(code))?;
            }
            let gone = settle(|| Ok(partition_count(c, name)?.is_none()))?;
            Ok(if gone {
                format!("deleted {name} (read back: gone)")
            } else {
                format!("deleted {name}; the metadata still lists it")
            })
        }
        AdminOp::AddPartitions { topic, total } => {
            let p = NewPartitions::new(topic, *total as usize);
            let r = block_on(admin.create_partitions(&[p], &opts()))
                .map_err(|e| controller_hint(&e))?;
            for x in r {
                x.map_err(|(_, code)| code_text(code))?;
            }
            let want = *total as usize;
            let ok = settle(|| Ok(partition_count(c, topic)? == Some(want)))?;
            if ok {
                Ok(format!("{topic} has {want} partitions (read back)"))
            } else {
                Err(format!(
                    "the broker accepted, but {topic} does not show {want} partitions"
                ))
            }
        }
        AdminOp::AlterTopicConfigs { topic, edits } => {
            admin_ffi::incremental_alter_topic_configs(
                c.client().native_ptr(),
                topic,
                edits,
                TIMEOUT,
            )?;
            read_back_configs(admin, topic, edits)
        }
        AdminOp::ResetOffsets { group, offsets } => {
            // Checked here, whatever the UI showed: a live member would
            // overwrite the reset, and some brokers accept it anyway.
            resettable(&group_state(c, group)?)?;
            let mut cfg = base.clone();
            cfg.set("group.id", group)
                .set("enable.auto.commit", "false")
                .set("statistics.interval.ms", "0");
            let committer: BaseConsumer = cfg.create().map_err(|e| e.to_string())?;
            let mut tpl = TopicPartitionList::new();
            for (t, p, o) in offsets {
                tpl.add_partition_offset(t, *p, Offset::Offset(*o))
                    .map_err(|e| e.to_string())?;
            }
            committer
                .commit(&tpl, CommitMode::Sync)
                .map_err(|e| format!("commit: {e}"))?;
            drop(committer);
            let parts: Vec<(String, i32)> =
                offsets.iter().map(|(t, p, _)| (t.clone(), *p)).collect();
            let now = committed(c, group, Some(&parts))?;
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
                Err(format!(
                    "the commit was accepted but {} partitions differ: {}",
                    wrong.len(),
                    wrong.join("; ")
                ))
            }
        }
        AdminOp::DeleteGroup { group } => {
            let r = block_on(admin.delete_groups(&[group], &opts())).map_err(|e| e.to_string())?;
            for x in r {
                x.map_err(|(_, code)| code_text(code))?;
            }
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
                        .map(|e| format!("{}/{}: {e}", p.topic, p.partition))
                })
                .collect();
            if bad.is_empty() {
                Ok(format!("deleted {group}'s offsets on {topic}"))
            } else {
                Err(bad.join("; "))
            }
        }
        AdminOp::Purge { topic, before } => {
            let mut tpl = TopicPartitionList::new();
            for (p, o, _) in before {
                tpl.add_partition_offset(topic, *p, Offset::Offset(*o))
                    .map_err(|e| e.to_string())?;
            }
            let r = block_on(admin.delete_records(&tpl, &opts())).map_err(|e| e.to_string())?;
            let bad: Vec<String> = r
                .elements()
                .iter()
                .filter_map(|e| {
                    e.error()
                        .err()
                        .map(|x| format!("partition {}: {x}", e.partition()))
                })
                .collect();
            if !bad.is_empty() {
                return Err(bad.join("; "));
            }
            Ok(format!("purged {} partitions of {topic}", before.len()))
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
) -> Result<Vec<admin_ffi::PartitionOffset>, String> {
    const UNSUPPORTED: &str =
        "the broker does not support deleting a group's offsets (OffsetDelete, Kafka 2.4+)";
    let cluster = base
        .get("bootstrap.servers")
        .unwrap_or_default()
        .to_string();
    let known = |list: &Vec<String>| list.contains(&cluster);
    if OFFSET_DELETE_UNSUPPORTED.lock().is_ok_and(|l| known(&l)) {
        return Err(UNSUPPORTED.into());
    }
    let mut cfg = base.clone();
    cfg.set("statistics.interval.ms", "0");
    let client: BaseConsumer = cfg.create().map_err(|e| e.to_string())?;
    match admin_ffi::delete_group_offsets(client.client().native_ptr(), group, parts, TIMEOUT) {
        Err(e) if e.contains("not supported") => {
            if let Ok(mut l) = OFFSET_DELETE_UNSUPPORTED.lock() {
                l.push(cluster);
            }
            std::mem::forget(client);
            Err(format!("{UNSUPPORTED}: {e}"))
        }
        r => r,
    }
}

fn read_back_configs<A: ClientContext + 'static>(
    admin: &AdminClient<A>,
    topic: &str,
    edits: &[ConfigEdit],
) -> Result<String, String> {
    // Kafka applies a change through its metadata log: the broker asked
    // right after may still answer with the old value for a moment.
    let mut wrong = vec![];
    let mut empty = false;
    settle(|| {
        let spec = [ResourceSpecifier::Topic(topic)];
        let r = block_on(admin.describe_configs(&spec, &opts())).map_err(|e| e.to_string())?;
        let entries = match r.into_iter().next() {
            Some(Ok(res)) => res.entries,
            Some(Err(code)) => return Err(format!("reading back: {}", code_text(code))),
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
        Err(format!("accepted, but {}", wrong.join("; ")))
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
