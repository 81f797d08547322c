//! Building librdkafka clients from resolved settings.

use std::time::{Duration, Instant};

use rdkafka::config::{ClientConfig, RDKafkaLogLevel};
use rdkafka::consumer::{BaseConsumer, Consumer};

use super::context::CreelContext;
use crate::config::Settings;
use crate::protocol::{ErrorKind, Op, OpError};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot create a Kafka client: {0}")]
    Create(String),
    #[error("{reason}")]
    Config { reason: String },
}

impl ClientError {
    /// rust-rdkafka's text of a rejected property ends with the value: a
    /// mistyped `-X sasl.pasword=...` printed the password. Name the
    /// property, never its value.
    pub fn create(e: &rdkafka::error::KafkaError) -> ClientError {
        match e {
            rdkafka::error::KafkaError::ClientConfig(_, desc, key, _) => {
                ClientError::Create(format!("{} (property {key})", crate::redact::redact(desc)))
            }
            other => ClientError::Create(crate::redact::redact(&other.to_string()).into_owned()),
        }
    }
}

/// The properties every creel client starts from; the user's profile and
/// -X flags override any of them.
pub fn client_config(settings: &Settings) -> ClientConfig {
    super::msk_iam::configure(settings.msk_iam.as_ref());
    let mut cfg = ClientConfig::new();
    cfg.set("bootstrap.servers", &settings.bootstrap_servers)
        .set("client.id", "creel")
        // creel browses with assigned partitions; it never joins or commits
        // for a group. librdkafka wants a group.id to assign partitions, and
        // looks its coordinator up: a user without a group ACL sees that
        // lookup fail, which readers step over (fetching does not need it).
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
    // librdkafka's debug contexts (`-X debug=protocol`) log at debug level,
    // which would otherwise be filtered out before they reach --log.
    let level = if settings.properties.contains_key("debug") {
        RDKafkaLogLevel::Debug
    } else {
        RDKafkaLogLevel::Info
    };
    cfg.set_log_level(level);
    cfg
}

/// Whether a metadata client asks librdkafka for a statistics report each
/// second (the brokers' states in the header). Only a client that is
/// polled may: the reports queue up until served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Statistics {
    Polled,
    Off,
}

/// The worker's metadata and watermark client.
pub(crate) fn consumer(
    settings: &Settings,
    context: CreelContext,
    statistics: Statistics,
) -> Result<BaseConsumer<CreelContext>, ClientError> {
    let mut cfg = client_config(settings);
    // Message counts and lag want the high watermark, not the last stable
    // offset, whatever the readers use.
    cfg.set("isolation.level", "read_uncommitted");
    if statistics == Statistics::Off {
        cfg.set("statistics.interval.ms", "0");
    }
    let c: BaseConsumer<CreelContext> = cfg
        .create_with_context(context)
        .map_err(|e| ClientError::create(&e))?;
    super::msk_iam::authenticate(c.client());
    Ok(c)
}

/// Whether the cluster can be reached with these settings: a small
/// metadata request (one topic, never created), asked in short steps so a
/// refusal (a wrong password, an untrusted certificate) is said within a
/// second, in one sentence, instead of after the command's timeout.
pub fn check_connection(settings: &Settings, timeout: Duration) -> Result<(), OpError> {
    let op = Op::Connect;
    let mut cfg = client_config(settings);
    cfg.set("allow.auto.create.topics", "false")
        .set("statistics.interval.ms", "0");
    let c: BaseConsumer<CreelContext> = cfg
        .create_with_context(CreelContext::new(None))
        .map_err(|e| OpError::new(op, ErrorKind::Invalid, ClientError::create(&e).to_string()))?;
    super::msk_iam::authenticate(c.client());
    let deadline = Instant::now() + timeout;
    loop {
        let step =
            Duration::from_millis(500).min(deadline.saturating_duration_since(Instant::now()));
        match c.fetch_metadata(Some("__creel_connection_check"), step) {
            Ok(_) => return Ok(()),
            Err(e) => {
                // A consumer's error callbacks are served from poll.
                let _ = c.poll(Duration::from_millis(10));
                if let Some(why) = c.context().refusal() {
                    return Err(OpError::new(op, ErrorKind::Refused, why));
                }
                if Instant::now() >= deadline {
                    let why = c
                        .context()
                        .last_transport_error()
                        .unwrap_or_else(|| e.to_string());
                    return Err(OpError::new(op, ErrorKind::Unreachable, why));
                }
            }
        }
    }
}

/// The settings every message reader and search scanner uses, on top of
/// the client's.
pub fn reading_config(base: &ClientConfig) -> ClientConfig {
    let mut cfg = base.clone();
    let defaults = [
        // Fetches and a prefetch queue sized for throughput without holding
        // tens of megabytes: librdkafka's defaults (50 MB fetches, a 64 MB
        // queue per consumer) read no faster here and cost more memory than
        // kcat; these read 100,000 messages in the same time with ~25 MB
        // less (benches/tail_vs_kcat.rs). A fetch is bounded in compressed
        // bytes and each broker's answer is inflated whole: with 4 MB
        // fetches, a million lz4-compressed JSON events from three Kafka
        // brokers peaked at 277 MB; 1 MB reads them as fast with 99 MB
        // (benches/peers.py). A bigger message still arrives alone.
        ("fetch.max.bytes", "1048576"),
        ("max.partition.fetch.bytes", "1048576"),
        ("queued.max.messages.kbytes", "2048"),
        ("queued.min.messages", "10000"),
        // When the local queue is full, librdkafka waits this long before
        // fetching a partition again (1 s by default): a reader draining
        // the queue fast would sit idle most of that second.
        ("fetch.queue.backoff.ms", "10"),
        // A shorter long-poll at the end of a partition: closing a reader
        // waits for the fetch in flight.
        ("fetch.wait.max.ms", "100"),
        // What a transactional producer aborted, or has not committed yet,
        // is not shown (as Kafka's own consumers default to it); -X
        // isolation.level=read_uncommitted shows everything.
        ("isolation.level", "read_committed"),
    ];
    for (k, v) in defaults {
        // The user's -X and profile properties win.
        if cfg.get(k).is_none() {
            cfg.set(k, v);
        }
    }
    cfg.set("enable.partition.eof", "true")
        .set("auto.offset.reset", "earliest")
        .set("statistics.interval.ms", "0");
    cfg
}
