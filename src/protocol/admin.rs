//! Changes to the cluster, as data: what will be sent (shown before it is
//! sent) and how an offset reset is planned. The worker runs these and
//! enforces read-only mode.

use std::collections::BTreeMap;

use crate::model::{GroupState, Watermarks};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigEdit {
    Set(String, String),
    /// Remove the topic's override: back to the broker default.
    Delete(String),
}

/// A change to the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminOp {
    CreateTopic {
        name: String,
        partitions: i32,
        replication: i32,
        configs: Vec<(String, String)>,
    },
    DeleteTopic {
        name: String,
    },
    /// Grow the topic to `total` partitions.
    AddPartitions {
        topic: String,
        total: i32,
    },
    /// IncrementalAlterConfigs: only these keys change.
    AlterTopicConfigs {
        topic: String,
        edits: Vec<ConfigEdit>,
    },
    /// Commit these offsets for the group (after the preview).
    ResetOffsets {
        group: String,
        offsets: Vec<(String, i32, i64)>,
    },
    DeleteGroup {
        group: String,
    },
    /// Forget the group's committed offsets on one topic.
    DeleteGroupOffsets {
        group: String,
        topic: String,
        partitions: Vec<i32>,
    },
    /// DeleteRecords: everything before these offsets goes.
    Purge {
        topic: String,
        /// (partition, delete before this offset, messages that go).
        before: Vec<(i32, i64, i64)>,
    },
    /// Soft-delete one version of a Schema Registry subject.
    DeleteSchemaVersion {
        subject: String,
        version: i32,
    },
}

impl AdminOp {
    pub fn title(&self) -> String {
        match self {
            AdminOp::CreateTopic { name, .. } => format!("Create topic {name}"),
            AdminOp::DeleteTopic { name } => format!("Delete topic {name}"),
            AdminOp::AddPartitions { topic, total } => {
                format!("Grow {topic} to {total} partitions")
            }
            AdminOp::AlterTopicConfigs { topic, .. } => format!("Change configs of {topic}"),
            AdminOp::ResetOffsets { group, .. } => format!("Reset offsets of group {group}"),
            AdminOp::DeleteGroup { group } => format!("Delete consumer group {group}"),
            AdminOp::DeleteGroupOffsets { group, topic, .. } => {
                format!("Delete {group}'s offsets on {topic}")
            }
            AdminOp::Purge { topic, .. } => format!("Purge records of {topic}"),
            AdminOp::DeleteSchemaVersion { subject, version } => {
                format!("Delete version {version} of subject {subject}")
            }
        }
    }

    /// Exactly what will be sent, one line each.
    pub fn lines(&self) -> Vec<String> {
        match self {
            AdminOp::CreateTopic {
                name,
                partitions,
                replication,
                configs,
            } => {
                let mut v = vec![format!(
                    "CreateTopics {name}: {partitions} partitions, replication factor {replication}"
                )];
                v.extend(
                    configs
                        .iter()
                        .map(|(k, val)| format!("  config {k} = {val}")),
                );
                v
            }
            AdminOp::DeleteTopic { name } => vec![
                format!("DeleteTopics {name}"),
                "Every message in it is lost; consumers of it start failing.".into(),
            ],
            AdminOp::AddPartitions { topic, total } => vec![
                format!("CreatePartitions {topic}: total {total}"),
                "Partitions cannot be removed again; keys may map to other partitions.".into(),
            ],
            AdminOp::AlterTopicConfigs { topic, edits } => {
                let mut v = vec![format!(
                    "IncrementalAlterConfigs topic {topic} (other overrides stay as they are):"
                )];
                v.extend(edits.iter().map(|e| match e {
                    ConfigEdit::Set(k, val) => format!("  SET    {k} = {val}"),
                    ConfigEdit::Delete(k) => format!("  DELETE {k} (back to the default)"),
                }));
                v
            }
            AdminOp::ResetOffsets { group, offsets } => {
                let mut v = vec![format!(
                    "OffsetCommit for group {group}, {} partitions:",
                    offsets.len()
                )];
                v.extend(offsets.iter().map(|(t, p, o)| format!("  {t}/{p} -> {o}")));
                v
            }
            AdminOp::DeleteGroup { group } => vec![
                format!("DeleteGroups {group}"),
                "Its committed offsets are lost; its consumers start from their reset policy."
                    .into(),
            ],
            AdminOp::DeleteGroupOffsets {
                group,
                topic,
                partitions,
            } => vec![format!(
                "OffsetDelete group {group}, topic {topic}, partitions {}",
                partitions
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )],
            AdminOp::Purge { topic, before } => {
                let gone: i64 = before.iter().map(|(_, _, n)| n).sum();
                let mut v = vec![format!("DeleteRecords {topic}: {gone} messages go")];
                v.extend(before.iter().map(|(p, o, n)| {
                    format!("  partition {p}: every record before offset {o} ({n} messages)")
                }));
                v
            }
            AdminOp::DeleteSchemaVersion { subject, version } => vec![
                format!("DELETE /subjects/{subject}/versions/{version} (a soft delete)"),
                "Producers can no longer choose it; messages written with it still read by id."
                    .into(),
            ],
        }
    }

    /// The name to type in full before a destructive action; None when a
    /// y/n answer is enough.
    pub fn typed_name(&self) -> Option<&str> {
        match self {
            AdminOp::DeleteTopic { name } => Some(name),
            AdminOp::Purge { topic, .. } => Some(topic),
            AdminOp::DeleteSchemaVersion { subject, .. } => Some(subject),
            AdminOp::ResetOffsets { group, .. }
            | AdminOp::DeleteGroup { group }
            | AdminOp::DeleteGroupOffsets { group, .. } => Some(group),
            AdminOp::CreateTopic { .. }
            | AdminOp::AddPartitions { .. }
            | AdminOp::AlterTopicConfigs { .. } => None,
        }
    }
}

/// Where a reset moves each partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetTarget {
    Earliest,
    Latest,
    Offset(i64),
    Shift(i64),
    /// The first offset at or after this time (ms).
    Time(i64),
}

impl ResetTarget {
    /// `earliest`, `latest`, `offset=N`, `shift=+N`/`shift=-N`, or
    /// `time=RFC3339|-15m|-2h`.
    pub fn parse(s: &str, now_ms: i64) -> Result<ResetTarget, String> {
        let s = s.trim();
        match s {
            "earliest" | "beginning" => return Ok(ResetTarget::Earliest),
            "latest" | "end" => return Ok(ResetTarget::Latest),
            _ => {}
        }
        let bad = || {
            format!("{s:?}: use earliest, latest, offset=N, shift=+N / shift=-N, or time=2026-11-27T09:00:00Z / time=-15m")
        };
        let (k, v) = s.split_once('=').ok_or_else(bad)?;
        match k {
            "offset" => v.parse().map(ResetTarget::Offset).map_err(|_| bad()),
            "shift" => v
                .trim_start_matches('+')
                .parse()
                .map(ResetTarget::Shift)
                .map_err(|_| bad()),
            "time" => match crate::model::StartAt::parse(v, now_ms) {
                Ok(crate::model::StartAt::Time(ms)) => Ok(ResetTarget::Time(ms)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    pub fn label(&self) -> String {
        match self {
            ResetTarget::Earliest => "earliest".into(),
            ResetTarget::Latest => "latest".into(),
            ResetTarget::Offset(o) => format!("offset {o}"),
            ResetTarget::Shift(n) => format!("shift by {n:+}"),
            ResetTarget::Time(ms) => chrono::DateTime::from_timestamp_millis(*ms)
                .map(|t| format!("time {}", t.to_rfc3339()))
                .unwrap_or_else(|| format!("time {ms}")),
        }
    }
}

/// One partition of a reset preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetRow {
    pub topic: String,
    pub partition: i32,
    pub current: Option<i64>,
    pub new: i64,
    pub marks: Watermarks,
}

impl ResetRow {
    pub fn lag_before(&self) -> Option<i64> {
        self.current
            .map(|c| (self.marks.high - c.max(self.marks.low)).max(0))
    }
    pub fn lag_after(&self) -> i64 {
        (self.marks.high - self.new).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetPlan {
    pub group: String,
    pub target: ResetTarget,
    /// The group's state when planned (a reset needs Empty or Dead).
    pub state: GroupState,
    pub rows: Vec<ResetRow>,
}

impl ResetPlan {
    pub fn op(&self) -> AdminOp {
        AdminOp::ResetOffsets {
            group: self.group.clone(),
            offsets: self
                .rows
                .iter()
                .map(|r| (r.topic.clone(), r.partition, r.new))
                .collect(),
        }
    }
}

/// A group may be reset only when nobody consumes for it.
pub fn resettable(state: &GroupState) -> Result<(), String> {
    if state.is_idle() {
        return Ok(());
    }
    Err(format!(
        "the group is {state}, not Empty: its members would overwrite the reset (and some brokers corrupt the group). Stop every consumer of the group, wait until it shows Empty, then reset."
    ))
}

/// The new offset of each partition, kept inside what exists.
pub fn plan_rows(
    target: ResetTarget,
    current: &[(String, i32, Option<i64>)],
    marks: &BTreeMap<(String, i32), Watermarks>,
    at_time: &BTreeMap<(String, i32), i64>,
) -> Result<Vec<ResetRow>, String> {
    let mut rows = vec![];
    for (t, p, cur) in current {
        let key = (t.clone(), *p);
        let m = *marks
            .get(&key)
            .ok_or_else(|| format!("{t}/{p}: no watermarks"))?;
        let new = match target {
            ResetTarget::Earliest => m.low,
            ResetTarget::Latest => m.high,
            ResetTarget::Offset(o) => o,
            ResetTarget::Shift(n) => cur.unwrap_or(m.low).saturating_add(n),
            ResetTarget::Time(_) => at_time.get(&key).copied().unwrap_or(m.high),
        }
        .clamp(m.low, m.high);
        rows.push(ResetRow {
            topic: t.clone(),
            partition: *p,
            current: *cur,
            new,
            marks: m,
        });
    }
    rows.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(low: i64, high: i64) -> Watermarks {
        Watermarks { low, high }
    }

    #[test]
    fn a_reset_plan_stays_inside_the_log_and_shows_lag_before_and_after() {
        let current = vec![
            ("orders".to_string(), 0, Some(50)),
            ("orders".to_string(), 1, None),
            ("orders".to_string(), 2, Some(5)),
        ];
        let m: BTreeMap<_, _> = [
            (("orders".to_string(), 0), marks(10, 100)),
            (("orders".to_string(), 1), marks(0, 40)),
            (("orders".to_string(), 2), marks(20, 30)),
        ]
        .into();
        let none = BTreeMap::new();
        let new = |t: ResetTarget| -> Vec<i64> {
            plan_rows(t, &current, &m, &none)
                .unwrap()
                .iter()
                .map(|r| r.new)
                .collect()
        };
        assert_eq!(new(ResetTarget::Earliest), [10, 0, 20]);
        assert_eq!(new(ResetTarget::Latest), [100, 40, 30]);
        assert_eq!(new(ResetTarget::Offset(35)), [35, 35, 30]);
        assert_eq!(new(ResetTarget::Shift(-60)), [10, 0, 20]);
        assert_eq!(new(ResetTarget::Shift(10)), [60, 10, 20]);
        let times: BTreeMap<_, _> = [(("orders".to_string(), 0), 70)].into();
        let rows = plan_rows(ResetTarget::Time(1), &current, &m, &times).unwrap();
        assert_eq!(rows.iter().map(|r| r.new).collect::<Vec<_>>(), [70, 40, 30]);
        assert_eq!(rows[0].lag_before(), Some(50));
        assert_eq!(rows[0].lag_after(), 30);
        assert_eq!(rows[1].lag_before(), None, "no commit is not lag 0");
        assert_eq!(
            rows[2].lag_before(),
            Some(10),
            "a commit below the log start"
        );
    }

    #[test]
    fn targets_as_typed() {
        let now = 1_800_000_000_000;
        assert_eq!(
            ResetTarget::parse("earliest", now),
            Ok(ResetTarget::Earliest)
        );
        assert_eq!(ResetTarget::parse("latest", now), Ok(ResetTarget::Latest));
        assert_eq!(
            ResetTarget::parse("offset=42", now),
            Ok(ResetTarget::Offset(42))
        );
        assert_eq!(
            ResetTarget::parse("shift=-5", now),
            Ok(ResetTarget::Shift(-5))
        );
        assert_eq!(
            ResetTarget::parse("shift=+5", now),
            Ok(ResetTarget::Shift(5))
        );
        assert_eq!(
            ResetTarget::parse("time=-15m", now),
            Ok(ResetTarget::Time(now - 900_000))
        );
        assert!(ResetTarget::parse("sometime", now).is_err());
        assert!(resettable(&GroupState::Empty).is_ok());
        assert!(resettable(&GroupState::Dead).is_ok());
        assert!(resettable(&GroupState::Unknown).is_err());
        let e = resettable(&GroupState::Stable).unwrap_err();
        assert!(e.contains("Stop every consumer"), "{e}");
    }
}
