//! librdkafka's callbacks: statistics become broker up/total counts, global
//! errors become connection state, log lines go to tracing (never the screen).

use std::sync::Mutex;

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use tokio::sync::mpsc;

use crate::model::BrokerCounts;
use crate::protocol::Event;

pub struct CreelContext {
    /// `None` for headless use, where nobody listens.
    events: Option<mpsc::Sender<Event>>,
    last_transport_error: Mutex<Option<String>>,
    /// Why the cluster refused us (credentials, certificates), if it did:
    /// retrying will not help until the configuration changes.
    refusal: Mutex<Option<String>>,
}

impl CreelContext {
    pub fn new(events: Option<mpsc::Sender<Event>>) -> CreelContext {
        CreelContext {
            events,
            last_transport_error: Mutex::new(None),
            refusal: Mutex::new(None),
        }
    }

    /// Why the cluster refused the connection, if it did.
    pub fn refusal(&self) -> Option<String> {
        self.refusal.lock().ok().and_then(|g| g.clone())
    }

    /// The most recent connection failure librdkafka reported, which says
    /// more than "timed out" (refused, DNS, TLS, SASL...).
    pub fn last_transport_error(&self) -> Option<String> {
        self.last_transport_error
            .lock()
            .ok()
            .and_then(|g| g.clone())
    }

    pub fn clear_transport_error(&self) {
        if let Ok(mut g) = self.last_transport_error.lock() {
            *g = None;
        }
        if let Ok(mut g) = self.refusal.lock() {
            *g = None;
        }
    }

    /// A connection failure, from the error callback or a FAIL log line:
    /// said in one sentence, remembered, and reported.
    fn note_transport(&self, raw: &str) {
        let (failure, reason) = super::diagnose::explain(raw, &short_reason(raw));
        let reason = crate::redact::redact(&reason).into_owned();
        let refused = failure == super::diagnose::Failure::Refused;
        if let Ok(mut g) = self.last_transport_error.lock() {
            *g = Some(reason.clone());
        }
        if refused {
            if let Ok(mut g) = self.refusal.lock() {
                *g = Some(reason.clone());
            }
        }
        self.send(Event::BrokerError {
            reason,
            all_down: false,
            refused,
        });
    }

    fn send(&self, event: Event) {
        // Called on librdkafka's threads: never block them. A full queue
        // loses a statistic, which the next one replaces.
        if let Some(tx) = &self.events {
            let _ = tx.try_send(event);
        }
    }
}

impl ClientContext for CreelContext {
    // A token creel makes (AWS MSK IAM), renewed when librdkafka asks on a
    // polled client; OIDC is librdkafka's own and never comes here.
    const ENABLE_REFRESH_OAUTH_TOKEN: bool = true;

    fn generate_oauth_token(
        &self,
        _config: Option<&str>,
    ) -> Result<rdkafka::client::OAuthToken, Box<dyn std::error::Error>> {
        super::msk_iam::token().map_err(Into::into)
    }

    fn log(&self, level: RDKafkaLogLevel, fac: &str, msg: &str) {
        // Some connection failures (a plaintext client at a TLS listener)
        // reach only the log, never the error callback.
        if fac == "FAIL" {
            self.note_transport(msg);
        }
        match level {
            RDKafkaLogLevel::Emerg
            | RDKafkaLogLevel::Alert
            | RDKafkaLogLevel::Critical
            | RDKafkaLogLevel::Error => tracing::error!(target: "librdkafka", "{fac} {msg}"),
            RDKafkaLogLevel::Warning => tracing::warn!(target: "librdkafka", "{fac} {msg}"),
            RDKafkaLogLevel::Notice | RDKafkaLogLevel::Info => {
                tracing::info!(target: "librdkafka", "{fac} {msg}")
            }
            RDKafkaLogLevel::Debug => tracing::debug!(target: "librdkafka", "{fac} {msg}"),
        }
    }

    /// Only the brokers' states are read. rust-rdkafka's default builds
    /// the whole `Statistics` (every topic and partition the client knows:
    /// tens of megabytes a second on a cluster of 10,000 topics).
    fn stats_raw(&self, statistics: &[u8]) {
        #[derive(serde::Deserialize)]
        struct Broker<'a> {
            nodeid: i32,
            #[serde(borrow)]
            state: std::borrow::Cow<'a, str>,
        }
        #[derive(serde::Deserialize)]
        struct Brokers<'a> {
            #[serde(borrow)]
            brokers: std::collections::HashMap<std::borrow::Cow<'a, str>, Broker<'a>>,
        }
        let Ok(stats) = serde_json::from_slice::<Brokers>(statistics) else {
            return;
        };
        // Bootstrap entries (nodeid -1) are addresses, not brokers.
        let brokers = stats.brokers.values().filter(|b| b.nodeid >= 0);
        let (mut up, mut total) = (0, 0);
        for b in brokers {
            total += 1;
            if b.state == "UP" {
                up += 1;
            }
        }
        if total > 0 {
            self.send(Event::BrokerCounts(BrokerCounts { up, total }));
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        tracing::warn!(target: "librdkafka", "error: {error}: {reason}");
        match error.rdkafka_error_code() {
            Some(RDKafkaErrorCode::AllBrokersDown) => {
                let reason = self
                    .last_transport_error()
                    .unwrap_or_else(|| crate::redact::redact(reason).into_owned());
                self.send(Event::BrokerError {
                    reason,
                    all_down: true,
                    refused: false,
                });
            }
            Some(
                RDKafkaErrorCode::BrokerTransportFailure
                | RDKafkaErrorCode::Resolve
                | RDKafkaErrorCode::Authentication
                | RDKafkaErrorCode::SSL,
            ) => self.note_transport(reason),
            _ => {}
        }
    }
}

impl ConsumerContext for CreelContext {}

/// "host:9092/bootstrap: Connect to ipv4#1.2.3.4:9092 failed: Connection
/// refused (after 0ms in state CONNECT)" -> "Connect to ipv4#1.2.3.4:9092
/// failed: Connection refused": the part a person acts on, short enough for
/// the header.
fn short_reason(reason: &str) -> String {
    let mut r = reason;
    if let Some((prefix, rest)) = r.split_once(": ") {
        if prefix.contains('/') && !prefix.contains(' ') {
            r = rest;
        }
    }
    if let Some(i) = r.rfind(" (after ") {
        if r.ends_with(')') {
            r = &r[..i];
        }
    }
    r.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_reason_keeps_what_matters() {
        assert_eq!(
            super::short_reason("127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)"),
            "Connect to ipv4#127.0.0.1:1 failed: Connection refused"
        );
        assert_eq!(super::short_reason("plain failure"), "plain failure");
    }
}
