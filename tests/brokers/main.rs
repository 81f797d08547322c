//! The worker and the headless commands against real brokers: every test
//! body runs on Apache Kafka (a three-node cluster shared by this binary,
//! each test with topics and groups of its own) and on tansu (a broker per
//! test), with the same assertions. What only Kafka can do (members and
//! assignments, CreatePartitions, DeleteRecords, OffsetDelete, configs read
//! back, transactions, compaction, SASL, TLS, ACLs) is in `kafka_*` modules.

#[path = "../common/mod.rs"]
mod common;

mod admin;
mod groups;
mod kafka_big_messages;
mod kafka_compression;
mod kafka_schema_files;
mod kafka_schemas;
mod kafka_secrets;
mod kafka_security;
mod kafka_semantics;
mod messages;
mod produce;
mod search;
mod topics;
