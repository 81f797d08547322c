//! What crosses between the app and the Kafka worker: the commands the app
//! sends, the events the worker reports, the requests they carry and their
//! results. Both sides depend on this module; neither on the other
//! (model <- protocol <- {app, kafka}).

pub mod admin;
pub mod error;
mod messages;
pub mod produce;
pub mod search;

pub use error::{ErrorCode, ErrorKind, Op, OpError};
pub use messages::{Command, Covered, Event, PartitionSpan, ReadKind, ReadRequest, ReadStart};
