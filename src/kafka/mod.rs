//! The only module that talks to Kafka. It owns every rdkafka client, runs
//! blocking librdkafka calls off the async threads with deadlines, and
//! reports back with `protocol::Event`s.

pub mod admin;
mod admin_ffi;
mod blocking;
mod client;
mod context;
mod diagnose;
mod groups;
mod produce;
mod reader;
mod refresh;
mod search;
mod snapshot;
mod watermarks;
mod worker;

pub use client::{check_connection, client_config, ClientError};
pub use groups::GroupsClient;
pub use produce::{jsonl_records, produce_blocking, producer_config};
pub use reader::reading_config;
pub use search::live_search_consumers;
pub use snapshot::fetch_snapshot_blocking;
pub use worker::{spawn_worker, WorkerHandle};
pub mod mock;
