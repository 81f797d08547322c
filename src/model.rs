//! Plain data the worker reports and the app renders. No rdkafka types here:
//! `kafka/` converts into these so that `app/` and `ui/` stay testable
//! without a broker.

use chrono::{DateTime, Local};

/// One broker as the cluster describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    pub id: i32,
    pub host: String,
    pub port: i32,
    pub rack: Option<String>,
    pub is_controller: bool,
    /// Named as a replica but absent from the metadata: the broker is down
    /// or gone (Kafka lists only live brokers, and librdkafka forgets the
    /// others, so this is the only sign of it).
    pub missing: bool,
}

/// Watermarks of one partition. `low..high` is what a consumer can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watermarks {
    pub low: i64,
    pub high: i64,
}

impl Watermarks {
    pub fn messages(&self) -> i64 {
        (self.high - self.low).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub id: i32,
    /// -1 when the partition has no leader.
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// None until the watermark request for this partition answered.
    pub watermarks: Option<Watermarks>,
    /// An error the broker reported for this partition (metadata or offsets).
    pub error: Option<String>,
}

impl Partition {
    pub fn under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub name: String,
    pub partitions: Vec<Partition>,
    pub internal: bool,
    pub error: Option<String>,
}

impl Topic {
    /// Replication factor as the first partition reports it (Kafka keeps it
    /// uniform per topic unless someone reassigned by hand).
    pub fn replication_factor(&self) -> usize {
        self.partitions
            .iter()
            .map(|p| p.replicas.len())
            .max()
            .unwrap_or(0)
    }

    pub fn under_replicated(&self) -> usize {
        self.partitions
            .iter()
            .filter(|p| p.under_replicated())
            .count()
    }

    /// Sum of high - low over partitions, or None while any watermark is
    /// still unknown (a partial sum would look like a real, wrong number).
    pub fn messages(&self) -> Option<i64> {
        self.partitions
            .iter()
            .map(|p| p.watermarks.map(|w| w.messages()))
            .sum()
    }

    /// Kafka's own internal topics plus the well-known ones of the ecosystem.
    pub fn is_internal_name(name: &str) -> bool {
        name.starts_with("__")
            || matches!(
                name,
                "_schemas" | "_confluent-metrics" | "_confluent-license" | "connect-configs"
            )
            || name.starts_with("_confluent")
    }
}

/// A whole view of the cluster's topics, replaced atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSnapshot {
    pub brokers: Vec<Broker>,
    pub topics: Vec<Topic>,
    /// Why controller/rack are unknown, when the cluster could not describe itself.
    pub cluster_note: Option<String>,
    pub taken_at: DateTime<Local>,
    /// False while watermarks are still being fetched.
    pub watermarks_complete: bool,
}

/// One entry of DescribeConfigs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub name: String,
    pub value: Option<String>,
    pub is_default: bool,
    pub is_sensitive: bool,
    pub is_read_only: bool,
    pub source: String,
}

impl ConfigEntry {
    /// Set on this topic. Kafka also reports broker-wide settings (the
    /// broker's file, dynamic broker configs) as not default; those are not
    /// the topic's own and an `:unset` would not change them.
    pub fn is_topic_override(&self) -> bool {
        self.source == "topic"
    }
}

/// Where the connection stands, always told truthfully in the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    Connecting,
    Connected,
    /// Every broker is unreachable. `retry_at` is the worker's next attempt
    /// once it is scheduled (librdkafka also reconnects on its own).
    AllBrokersDown {
        reason: String,
        retry_at: Option<DateTime<Local>>,
    },
    /// The cluster answers but refuses us: a wrong password, an untrusted
    /// certificate. Retrying will not help until the configuration does.
    Refused {
        reason: String,
    },
}

/// Broker connection counts librdkafka reports in its statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrokerCounts {
    pub up: usize,
    pub total: usize,
}

/// A member of a consumer group, as DescribeConsumerGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMember {
    pub member_id: String,
    pub client_id: String,
    pub host: String,
    pub assignment: Vec<(String, i32)>,
}

/// One partition a group has committed on, or is assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPartition {
    pub topic: String,
    pub partition: i32,
    /// None: the group has no committed offset here.
    pub committed: Option<i64>,
    pub log_start: Option<i64>,
    /// None when the log end could not be read (topic deleted, no leader).
    pub log_end: Option<i64>,
    /// client id of the member assigned this partition.
    pub owner: Option<String>,
    pub error: Option<String>,
}

impl GroupPartition {
    /// Lag = max(log end - max(committed, log start), 0); no commit means
    /// no lag figure at all, never zero.
    pub fn lag(&self) -> Option<i64> {
        let committed = self.committed?;
        let end = self.log_end?;
        let from = committed.max(self.log_start.unwrap_or(0));
        Some((end - from).max(0))
    }
}

/// A consumer group's state, as DescribeConsumerGroups names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupState {
    Stable,
    PreparingRebalance,
    CompletingRebalance,
    /// No member: offsets may be reset.
    Empty,
    Dead,
    /// KIP-848 groups.
    Assigning,
    Reconciling,
    /// The cluster could not describe the group.
    Unknown,
    /// A name creel does not know yet.
    Other(String),
}

impl GroupState {
    /// From the name librdkafka gives (case does not matter).
    pub fn parse(name: &str) -> GroupState {
        match name.to_ascii_lowercase().as_str() {
            "stable" => GroupState::Stable,
            "preparingrebalance" => GroupState::PreparingRebalance,
            "completingrebalance" => GroupState::CompletingRebalance,
            "empty" => GroupState::Empty,
            "dead" => GroupState::Dead,
            "assigning" => GroupState::Assigning,
            "reconciling" => GroupState::Reconciling,
            "unknown" | "" => GroupState::Unknown,
            _ => GroupState::Other(name.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            GroupState::Stable => "Stable",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Empty => "Empty",
            GroupState::Dead => "Dead",
            GroupState::Assigning => "Assigning",
            GroupState::Reconciling => "Reconciling",
            GroupState::Unknown => "Unknown",
            GroupState::Other(s) => s,
        }
    }

    /// Nobody consumes for the group: its offsets may be changed.
    pub fn is_idle(&self) -> bool {
        matches!(self, GroupState::Empty | GroupState::Dead)
    }
}

impl std::fmt::Display for GroupState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroup {
    pub id: String,
    pub state: GroupState,
    pub assignor: String,
    pub members: Vec<GroupMember>,
    /// Sorted by topic, partition.
    pub partitions: Vec<GroupPartition>,
    pub error: Option<String>,
    /// This sample could not read the group for a reason that passes (its
    /// offsets unread, its coordinator moving): its lag says nothing, and
    /// the lag windows skip it. A describe the cluster never answers (the
    /// mock's, an unsupported one) is an `error` but not this.
    pub sample_failed: bool,
}

impl ConsumerGroup {
    /// Partitions whose committed offset or log end could not be read:
    /// `total_lag` then counts only the others.
    pub fn unread_partitions(&self) -> impl Iterator<Item = &GroupPartition> {
        self.partitions.iter().filter(|p| p.error.is_some())
    }

    pub fn total_lag(&self) -> Option<i64> {
        let lags: Vec<i64> = self.partitions.iter().filter_map(|p| p.lag()).collect();
        (!lags.is_empty()).then(|| lags.iter().sum())
    }

    pub fn topics(&self) -> Vec<&str> {
        let mut t: Vec<&str> = self.partitions.iter().map(|p| p.topic.as_str()).collect();
        t.dedup();
        t
    }

    /// True while members are joined: offsets must not be reset then.
    pub fn has_active_members(&self) -> bool {
        !self.members.is_empty() || !self.state.is_idle()
    }
}

/// Every group creel can see, with their offsets, replaced atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupsSnapshot {
    pub groups: Vec<ConsumerGroup>,
    pub taken_at: DateTime<Local>,
    /// Why the full list is not shown (ListGroups denied or unsupported);
    /// the watched groups are shown regardless.
    pub list_error: Option<String>,
}

/// How a message's timestamp was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampKind {
    Create,
    LogAppend,
    None,
}

/// One record read from a partition, owned. Key and value are kept byte
/// for byte; nothing is decoded until it is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub partition: i32,
    pub offset: i64,
    /// Milliseconds since the epoch.
    pub timestamp: Option<i64>,
    pub timestamp_kind: TimestampKind,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Message {
    /// Bytes this message holds in memory (what the window's cap counts).
    pub fn size(&self) -> usize {
        let h: usize = self
            .headers
            .iter()
            .map(|(k, v)| k.len() + v.as_ref().map_or(0, Vec::len))
            .sum();
        self.key.as_ref().map_or(0, Vec::len) + self.value.as_ref().map_or(0, Vec::len) + h + 64
    }
}

/// Where to start reading, as kcat's -o says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    Beginning,
    /// Only new messages.
    End,
    /// The last N messages of each partition.
    LastN(i64),
    /// This offset in each partition (clamped to what exists).
    Offset(i64),
    /// The first message at or after this time (ms since the epoch).
    Time(i64),
}

impl StartAt {
    /// `beginning`, `end`, `-N` (last N), `N` (offset), `@RFC3339` or a
    /// bare RFC 3339 time, and relative times `-15m`, `-2h`, `-1d`, `-30s`.
    pub fn parse(s: &str, now_ms: i64) -> Result<StartAt, String> {
        let s = s.trim();
        // Offsets are shown with thousands separators: one copied from
        // the screen ("31,090") is read as typed without them.
        let plain: String;
        let s = if s.len() > 1
            && s.trim_start_matches('-')
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '_')
        {
            plain = s.replace([',', '_'], "");
            plain.as_str()
        } else {
            s
        };
        match s {
            "beginning" | "b" | "earliest" | "oldest" => return Ok(StartAt::Beginning),
            "end" | "e" | "latest" | "tail" => return Ok(StartAt::End),
            _ => {}
        }
        if let Some(rest) = s.strip_prefix('-') {
            if let Ok(n) = rest.parse::<i64>() {
                return Ok(StartAt::LastN(n.max(1)));
            }
            let (num, unit) = rest.split_at(
                rest.find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(rest.len()),
            );
            let n: i64 = num
                .parse()
                .map_err(|_| format!("cannot read {s:?}: {}", HELP))?;
            let ms = match unit {
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => return Err(format!("unknown unit in {s:?}: use s, m, h or d")),
            };
            // Before 1970 no message can be: such a start is a typo, and
            // the arithmetic would wrap far beyond that.
            return n
                .checked_mul(ms)
                .and_then(|back| now_ms.checked_sub(back))
                .filter(|t| *t >= 0)
                .map(StartAt::Time)
                .ok_or_else(|| format!("{s:?} reaches back before 1970: no message is that old"));
        }
        if let Ok(n) = s.parse::<i64>() {
            return Ok(StartAt::Offset(n));
        }
        let t = s
            .strip_prefix('@')
            .or_else(|| s.strip_prefix("s@"))
            .unwrap_or(s);
        if let Ok(ms) = t.parse::<i64>() {
            if ms < 0 || chrono::DateTime::from_timestamp_millis(ms).is_none() {
                return Err(format!(
                    "{s:?} is not a time creel can read: milliseconds since 1970"
                ));
            }
            return Ok(StartAt::Time(ms));
        }
        chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| StartAt::Time(d.timestamp_millis()))
            .map_err(|e| format!("cannot read {s:?} ({e}): {HELP}"))
    }

    pub fn label(&self) -> String {
        match self {
            StartAt::Beginning => "the beginning".into(),
            StartAt::End => "the end (new messages)".into(),
            StartAt::LastN(n) => format!("the last {n} per partition"),
            StartAt::Offset(o) => format!("offset {o}"),
            StartAt::Time(ms) => chrono::DateTime::from_timestamp_millis(*ms)
                .map(|d| {
                    d.with_timezone(&Local)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_else(|| format!("{ms} ms")),
        }
    }
}

/// Where a message was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub partition: i32,
    pub offset: i64,
    pub timestamp: Option<i64>,
}

/// How a send is going: every message sent ends acknowledged or failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProduceStats {
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    /// Per partition: (acknowledged, failed); -1 when none was assigned.
    pub per_partition: std::collections::BTreeMap<i32, (u64, u64)>,
    /// The last acknowledged message.
    pub last: Option<Delivered>,
    /// Each distinct failure reason and how often it happened.
    pub errors: std::collections::BTreeMap<String, u64>,
    pub elapsed_ms: u64,
}

impl ProduceStats {
    pub fn note_error(&mut self, reason: String) {
        // Bounded: a broker down for a million messages is one line.
        if self.errors.len() < 20 || self.errors.contains_key(&reason) {
            *self.errors.entry(reason).or_default() += 1;
        }
    }
}

const HELP: &str = "use beginning, end, -N (last N), N (offset), -15m/-2h/-1d, or an RFC 3339 time";

#[cfg(test)]
mod tests {
    use super::StartAt;

    #[test]
    fn start_positions_as_kcat_users_write_them() {
        let now = 1_800_000_000_000;
        assert_eq!(StartAt::parse("beginning", now), Ok(StartAt::Beginning));
        assert_eq!(StartAt::parse("end", now), Ok(StartAt::End));
        assert_eq!(StartAt::parse("-100", now), Ok(StartAt::LastN(100)));
        assert_eq!(StartAt::parse("42", now), Ok(StartAt::Offset(42)));
        assert_eq!(StartAt::parse("31,090", now), Ok(StartAt::Offset(31_090)));
        assert_eq!(StartAt::parse("-1,000", now), Ok(StartAt::LastN(1_000)));
        assert_eq!(
            StartAt::parse("-15m", now),
            Ok(StartAt::Time(now - 900_000))
        );
        assert_eq!(
            StartAt::parse("-2h", now),
            Ok(StartAt::Time(now - 7_200_000))
        );
        assert_eq!(
            StartAt::parse("-1d", now),
            Ok(StartAt::Time(now - 86_400_000))
        );
        assert_eq!(
            StartAt::parse("@2026-11-27T10:00:00Z", now),
            Ok(StartAt::Time(1_795_773_600_000))
        );
        assert_eq!(
            StartAt::parse("s@1700000000000", now),
            Ok(StartAt::Time(1_700_000_000_000))
        );
        assert!(StartAt::parse("-5y", now).unwrap_err().contains("unit"));
        assert!(StartAt::parse("yesterday", now)
            .unwrap_err()
            .contains("RFC 3339"));
    }

    /// Out-of-range starts are refused, never wrapped into some other time.
    #[test]
    fn starts_beyond_any_message_are_refused() {
        let now = 1_800_000_000_000;
        for s in [
            "-99999999999999999d",
            "-9223372036854775807s",
            "-60000d",
            "@-5",
            "@99999999999999999",
        ] {
            let e = StartAt::parse(s, now).expect_err(s);
            assert!(e.contains(s), "{s}: {e}");
        }
        assert_eq!(
            StartAt::parse("-20000d", now),
            Ok(StartAt::Time(now - 20_000 * 86_400_000))
        );
    }
}
