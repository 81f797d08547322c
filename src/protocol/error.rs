//! Errors that cross from the worker to the app: which operation failed,
//! what kind of failure it was, the broker's or librdkafka's code when
//! there is one, and the words to show. The app decides by kind and code,
//! never by reading the words.

use std::fmt;

/// What creel asked the cluster to do. Every error names one, so a failed
/// purge never reads as "offset fetch error".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Connect,
    Metadata,
    Watermarks,
    DescribeCluster,
    DescribeConfigs,
    ListGroups,
    DescribeGroups,
    GroupOffsets,
    OffsetsForTimes,
    Read,
    Search,
    Produce,
    CreateTopic,
    DeleteTopic,
    AddPartitions,
    AlterConfigs,
    Purge,
    PlanReset,
    ResetOffsets,
    DeleteGroup,
    DeleteGroupOffsets,
    Schemas,
    DeleteSchemaVersion,
}

impl Op {
    pub fn label(self) -> &'static str {
        match self {
            Op::Connect => "connect",
            Op::Metadata => "metadata",
            Op::Watermarks => "watermarks",
            Op::DescribeCluster => "describe the cluster",
            Op::DescribeConfigs => "describe configs",
            Op::ListGroups => "list groups",
            Op::DescribeGroups => "describe groups",
            Op::GroupOffsets => "committed offsets",
            Op::OffsetsForTimes => "offsets for a time",
            Op::Read => "read",
            Op::Search => "search",
            Op::Produce => "produce",
            Op::CreateTopic => "create topic",
            Op::DeleteTopic => "delete topic",
            Op::AddPartitions => "add partitions",
            Op::AlterConfigs => "change configs",
            Op::Purge => "purge",
            Op::PlanReset => "plan the reset",
            Op::ResetOffsets => "reset offsets",
            Op::DeleteGroup => "delete group",
            Op::DeleteGroupOffsets => "delete group offsets",
            Op::Schemas => "schema registry",
            Op::DeleteSchemaVersion => "delete schema version",
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What went wrong, as far as deciding what to do goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The broker answered with an error.
    Broker,
    /// The cluster does not implement the request.
    Unsupported,
    /// No answer in time (which, on some clusters, also means unsupported).
    TimedOut,
    /// No ACL allows it.
    Unauthorized,
    /// No broker could be reached.
    Unreachable,
    /// The cluster refuses the connection (credentials, certificates).
    Refused,
    /// The thing asked about does not exist (topic, partition, group).
    NotFound,
    /// What was asked cannot be sent as it is (a name with a NUL byte...).
    Invalid,
    /// Stopped on request, or superseded by a newer request.
    Cancelled,
    /// Something in creel or librdkafka that should not happen.
    Internal,
}

/// librdkafka's (negative) or the broker's (positive) error code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    pub code: i32,
    /// Its name, as librdkafka spells it (TopicAuthorizationFailed).
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{op}: {message}")]
pub struct OpError {
    pub op: Op,
    pub kind: ErrorKind,
    pub code: Option<ErrorCode>,
    /// What to show, without the operation's name.
    pub message: String,
}

impl OpError {
    pub fn new(op: Op, kind: ErrorKind, message: impl Into<String>) -> OpError {
        // librdkafka sometimes quotes a property's value back (a rejected
        // sasl.jaas.config): no secret leaves through an error.
        let message: String = message.into();
        OpError {
            op,
            kind,
            code: None,
            message: crate::redact::redact(&message).into_owned(),
        }
    }

    pub fn with_code(mut self, code: ErrorCode) -> OpError {
        self.code = Some(code);
        self
    }

    /// The same failure, as part of another operation ("read back" after
    /// a change, the watermarks of a plan).
    pub fn within(mut self, op: Op) -> OpError {
        if self.op != op {
            self.message = format!("{}: {}", self.op, self.message);
            self.op = op;
        }
        self
    }
}
