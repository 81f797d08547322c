//! The only module that talks to Kafka. It owns every rdkafka client, runs
//! every piece of Kafka work as a job of one runtime (`jobs`), and reports
//! back with `protocol::Event`s. Nothing outside this module imports
//! rdkafka (tests/boundaries.rs checks it).

pub mod admin;
mod admin_clients;
mod admin_ffi;
mod client;
mod context;
mod diagnose;
mod error;
mod groups;
mod headless;
mod jobs;
pub mod mock;
mod msk_iam;
mod produce;
mod reader;
mod refresh;
mod schemas;
mod search;
mod snapshot;
mod watermarks;
mod worker;

pub use admin_ffi::return_freed_memory;
pub use client::reading_config;
pub use client::{check_connection, client_config, ClientError};
pub use groups::GroupsClient;
pub use headless::{read_headless, HeadlessRead};
pub use produce::{jsonl_records, open_jsonl, produce_blocking, producer_config};
pub use search::live_search_consumers;
pub use snapshot::fetch_snapshot_blocking;
pub use worker::{spawn_worker, WorkerHandle};

/// The MSK IAM token creel would send for `source`, for tests that check
/// it with another SigV4 implementation.
#[cfg(feature = "test-support")]
pub fn msk_iam_token(source: &crate::config::MskIam) -> Result<String, String> {
    msk_iam::token_for(source.clone()).map(|t| t.token)
}
