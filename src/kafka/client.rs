//! Building librdkafka clients from resolved settings.

use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::consumer::BaseConsumer;

use super::context::CreelContext;
use crate::config::Settings;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot create a Kafka client: {0}")]
    Create(String),
}

/// The properties every creel client starts from; the user's profile and
/// -X flags override any of them.
pub fn client_config(settings: &Settings) -> ClientConfig {
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &settings.bootstrap_servers)
        .set("client.id", "creel")
        // creel browses; it never joins or commits for a group.
        .set("group.id", format!("creel-browse-{}", std::process::id()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("statistics.interval.ms", "1000")
        .set("socket.connection.setup.timeout.ms", "5000")
        .set("reconnect.backoff.max.ms", "5000")
        .set("topic.metadata.refresh.interval.ms", "-1");
    for (k, v) in &settings.properties {
        cfg.set(k, v);
    }
    cfg.set_log_level(RDKafkaLogLevel::Info);
    cfg
}

/// The worker's metadata and watermark client.
pub(crate) fn consumer(
    settings: &Settings,
    context: CreelContext,
) -> Result<BaseConsumer<CreelContext>, ClientError> {
    let mut cfg = client_config(settings);
    // Message counts and lag want the high watermark, not the last stable
    // offset, whatever the readers use.
    cfg.set("isolation.level", "read_uncommitted");
    cfg.create_with_context(context)
        .map_err(|e| ClientError::Create(e.to_string()))
}
