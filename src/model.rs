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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroup {
    pub id: String,
    /// Stable, PreparingRebalance, CompletingRebalance, Empty, Dead, or
    /// Unknown when the cluster cannot describe groups.
    pub state: String,
    pub assignor: String,
    pub members: Vec<GroupMember>,
    /// Sorted by topic, partition.
    pub partitions: Vec<GroupPartition>,
    pub error: Option<String>,
}

impl ConsumerGroup {
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
        !self.members.is_empty() || !matches!(self.state.as_str(), "Empty" | "Dead")
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
