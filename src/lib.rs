//! creel: a terminal stream explorer and admin console for Kafka-compatible
//! clusters. See the README for the user's view and `../shared/design.md`
//! for the shape of the code.

// All unsafe code is in kafka::admin_ffi, which allows it for itself.
#![deny(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod envelope;
pub mod files;
pub mod kafka;
pub mod model;
pub mod protocol;
pub mod redact;
pub mod schema;
pub mod signals;
pub mod tui;
pub mod ui;
