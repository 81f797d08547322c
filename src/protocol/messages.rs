//! What crosses the boundary between the UI and the Kafka worker.

use chrono::{DateTime, Local};

use super::error::OpError;
use super::search::{SearchHit, SearchOutcome, SearchRequest};
use crate::model::{
    BrokerCounts, ClusterSnapshot, ConfigEntry, GroupsSnapshot, Message, StartAt, Watermarks,
};

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
    /// Read messages; an Initial request cancels every earlier read.
    ReadMessages(ReadRequest),
    /// Stop every read (the messages view closed).
    StopMessages,
    /// Read past the batch at this offset that cannot be decoded.
    SkipBatch { partition: i32, offset: i64 },
    /// Fetch the schema with this id (the UI met it in a message).
    FetchSchema { id: u32 },
    /// List the registry's subjects (the Schemas screen).
    LoadSchemas,
    /// One version of a subject in full (the latest when None).
    DescribeSubject {
        subject: String,
        version: Option<i32>,
    },
    /// Scan a topic for a regex; a new search cancels the one running.
    Search(SearchRequest),
    /// Stop the running search; it still reports what it found.
    CancelSearch,
    /// Send messages (a write: refused in read-only mode).
    Produce(Box<super::produce::ProduceRequest>),
    /// Stop sending; messages in flight still get their report.
    StopProduce,
    /// A change to the cluster, sent once confirmed.
    Admin { id: u64, op: super::admin::AdminOp },
    /// Work out what an offset reset would do (reads only).
    PlanReset {
        group: String,
        target: super::admin::ResetTarget,
        topic: Option<String>,
        partitions: Option<Vec<i32>>,
    },
}

impl Command {
    /// Whether this command changes the cluster. Read-only mode refuses
    /// these in the worker. No wildcard arm: a new command does not
    /// compile until it is given a rule here.
    pub fn writes(&self) -> bool {
        match self {
            Command::RefreshTopics
            | Command::RefreshGroups
            | Command::DescribeTopicConfigs { .. }
            | Command::ReadMessages(_)
            | Command::StopMessages
            | Command::SkipBatch { .. }
            | Command::FetchSchema { .. }
            | Command::LoadSchemas
            | Command::DescribeSubject { .. }
            | Command::Search(_)
            | Command::CancelSearch
            | Command::StopProduce
            | Command::PlanReset { .. } => false,
            Command::Produce(_) | Command::Admin { .. } => true,
        }
    }
}

/// Why a read was asked for: the first load of a view, or a page before or
/// after what the view holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadKind {
    Initial,
    Older,
    Newer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadStart {
    /// Resolve a start position in every (chosen) partition.
    At(StartAt),
    /// (partition, from, to exclusive): exact ranges, for paging.
    Ranges(Vec<(i32, i64, Option<i64>)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRequest {
    /// Results of older sessions are ignored by the view.
    pub session: u64,
    pub topic: String,
    pub partitions: Option<Vec<i32>>,
    pub start: ReadStart,
    /// Stop after this many messages, unless every partition reached its
    /// end first (then `tail` decides).
    pub max: usize,
    /// Keep reading new messages once every partition reached its end.
    pub tail: bool,
    pub kind: ReadKind,
}

/// Where a read starts in one partition, and the partition's watermarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionSpan {
    pub partition: i32,
    pub from: i64,
    pub to: Option<i64>,
    pub marks: Watermarks,
}

/// The offsets a read went through in one partition, [from, to): every
/// message there was delivered. Offsets with no message to deliver (a
/// transaction's markers and aborted records, compacted-away keys) lie in
/// it too, so the view knows not to ask for them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered {
    pub partition: i32,
    pub from: i64,
    pub to: i64,
    /// The first offset delivered and one past the last, if any was.
    pub delivered: Option<(i64, i64)>,
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
    /// The refresh failed; the old snapshot stays. An `Unreachable` (or
    /// `Refused`) error means no broker answered at all.
    RefreshFailed {
        generation: u64,
        error: OpError,
        retry_at: DateTime<Local>,
    },
    /// librdkafka reported every broker down, or a transport error;
    /// `refused`: the cluster refused us (credentials, certificates).
    BrokerError {
        reason: String,
        all_down: bool,
        refused: bool,
    },
    /// A schema was fetched (`error: None`) or could not be.
    SchemaFetched { id: u32, error: Option<String> },
    /// The registry's subjects, or why they could not be listed.
    SchemaList(Result<Vec<crate::schema::SubjectRow>, String>),
    /// One subject version in full, or why it could not be read.
    SubjectDescribed(Result<crate::schema::SubjectDetail, String>),
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
        error: OpError,
        retry_at: DateTime<Local>,
    },
    /// The start asked for cannot be honoured here (a time, on a cluster
    /// that cannot look offsets up by time): the read starts at `start`.
    MessagesFellBack {
        session: u64,
        start: crate::model::StartAt,
        reason: String,
    },
    /// A read resolved its start: one span per partition.
    MessagesStarted {
        session: u64,
        kind: ReadKind,
        spans: Vec<PartitionSpan>,
    },
    Messages {
        session: u64,
        kind: ReadKind,
        batch: Vec<Message>,
    },
    /// A read hit an error (it may go on: an undecodable batch is skipped).
    MessagesFailed {
        session: u64,
        kind: ReadKind,
        error: OpError,
    },
    /// A partition cannot go past a batch it cannot decode (corrupt or an
    /// unknown codec): reading it is stuck at `offset` until skipped.
    MessagesStalled {
        session: u64,
        partition: i32,
        offset: i64,
        error: OpError,
    },
    /// Every partition of a tailing read reached its end; it goes on
    /// reading new messages as they come.
    MessagesCaughtUp {
        session: u64,
        kind: ReadKind,
        partitions: Vec<i32>,
        covered: Vec<Covered>,
    },
    /// A read ended; `reached_end` lists the partitions read to their end.
    MessagesDone {
        session: u64,
        kind: ReadKind,
        reached_end: Vec<i32>,
        covered: Vec<Covered>,
    },
    TopicConfigs {
        topic: String,
        result: Result<Vec<ConfigEntry>, OpError>,
    },
    /// A search resolved its scope: one span per partition (`to` set).
    SearchStarted {
        session: u64,
        spans: Vec<PartitionSpan>,
    },
    /// Matches found since the last report, and how far the scan got.
    SearchProgress {
        session: u64,
        /// Next offset to scan, for the partitions this report covers.
        positions: Vec<(i32, i64)>,
        /// Messages scanned so far, in every partition.
        scanned: u64,
        elapsed_ms: u64,
        hits: Vec<SearchHit>,
        /// A read error the scan went past (an undecodable batch).
        error: Option<OpError>,
    },
    /// How a send is going.
    ProduceProgress {
        session: u64,
        stats: crate::model::ProduceStats,
    },
    /// A send ended: every message acknowledged or failed, or it could not
    /// start (`error`).
    ProduceDone {
        session: u64,
        stats: crate::model::ProduceStats,
        error: Option<OpError>,
    },
    /// An admin action ended: what the cluster now holds, or why not.
    AdminDone {
        id: u64,
        title: String,
        result: Result<String, OpError>,
    },
    /// The preview of an offset reset.
    ResetPlanned {
        group: String,
        result: Result<super::admin::ResetPlan, OpError>,
    },
    /// The search ended; every consumer it used is closed by now.
    SearchDone {
        session: u64,
        outcome: SearchOutcome,
        scanned: u64,
        matched: u64,
        elapsed_ms: u64,
        /// This search's scanner consumers still open when it reported
        /// (none, unless closing one failed).
        scanners_open: usize,
    },
}
