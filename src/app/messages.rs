//! What crosses the boundary between the UI and the Kafka worker.

use chrono::{DateTime, Local};

use crate::model::{BrokerCounts, ClusterSnapshot, ConfigEntry, GroupsSnapshot};

/// Requests from the UI to the worker. Sent with `try_send`: a full queue
/// drops the request rather than blocking a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Fetch metadata and watermarks of every topic now.
    RefreshTopics,
    /// Fetch consumer groups, their offsets and lag now.
    RefreshGroups,
    /// DescribeConfigs for one topic.
    DescribeTopicConfigs { topic: String },
}

/// Reports from the worker, applied to `App` in order.
#[derive(Debug, Clone)]
pub enum Event {
    /// A refresh started (the old snapshot stays on screen meanwhile).
    RefreshStarted { generation: u64 },
    /// A new snapshot; sent twice per refresh: metadata first, then with
    /// watermarks (`watermarks_complete`).
    Snapshot {
        generation: u64,
        snapshot: ClusterSnapshot,
    },
    /// The refresh failed; the old snapshot stays.
    RefreshFailed {
        generation: u64,
        error: String,
        /// True when no broker answered at all.
        unreachable: bool,
        retry_at: DateTime<Local>,
    },
    /// librdkafka reported every broker down, or a transport error.
    BrokerError { reason: String, all_down: bool },
    /// librdkafka's statistics: how many brokers it is connected to.
    BrokerCounts(BrokerCounts),
    /// A new view of every consumer group.
    Groups {
        generation: u64,
        snapshot: GroupsSnapshot,
    },
    /// The group refresh failed; the old table stays with its age.
    GroupsFailed {
        generation: u64,
        error: String,
        retry_at: DateTime<Local>,
    },
    TopicConfigs {
        topic: String,
        result: Result<Vec<ConfigEntry>, String>,
    },
}
