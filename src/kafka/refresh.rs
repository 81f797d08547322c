//! The periodic jobs of the worker: the topic view and the group view.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::blocking::run_blocking;
use super::context::CreelContext;
use super::snapshot::DescribeMemo;
use super::{groups, snapshot};
use crate::model::ClusterSnapshot;
use crate::protocol::Event;

/// How long one request to the cluster may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);

pub type SharedConsumer = Arc<BaseConsumer<CreelContext>>;

/// The librdkafka code of an error, admin errors included (rust-rdkafka's
/// `rdkafka_error_code` answers None for those).
pub(crate) fn error_code(e: &KafkaError) -> Option<RDKafkaErrorCode> {
    match e {
        KafkaError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    }
}

/// The brokers' error, with a plain word when the cluster lacks the API.
pub(crate) fn unsupported_hint(e: &KafkaError) -> String {
    match error_code(e) {
        Some(RDKafkaErrorCode::UnsupportedVersion | RDKafkaErrorCode::UnsupportedFeature) => {
            format!("not supported by this cluster ({e})")
        }
        Some(RDKafkaErrorCode::OperationTimedOut) => format!(
            "no answer: this cluster may not support the request (creel demo's mock cluster does not) ({e})"
        ),
        _ => e.to_string(),
    }
}

/// What every job run needs.
pub struct JobRun {
    pub generation: u64,
    pub consumer: SharedConsumer,
    pub events: mpsc::Sender<Event>,
    pub cancel: CancellationToken,
    /// When a failed run will be retried, announced with the failure.
    pub retry_in: Duration,
    pub describe: Arc<Mutex<DescribeMemo>>,
}

/// A poisoned lock only means another refresh panicked; its memo is still
/// a fine answer.
fn lock(m: &Mutex<DescribeMemo>) -> std::sync::MutexGuard<'_, DescribeMemo> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl JobRun {
    fn retry_at(&self) -> chrono::DateTime<chrono::Local> {
        chrono::Local::now()
            + chrono::Duration::from_std(self.retry_in)
                .unwrap_or_else(|_| chrono::Duration::seconds(1))
    }

    async fn send(&self, event: Event) -> bool {
        !self.cancel.is_cancelled() && self.events.send(event).await.is_ok()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        run_blocking(&self.cancel, REQUEST_TIMEOUT + Duration::from_secs(2), f).await
    }

    /// One topic refresh: metadata, then watermarks and the cluster
    /// description side by side.
    pub async fn topics(self) -> bool {
        self.send(Event::RefreshStarted {
            generation: self.generation,
        })
        .await;
        let c = self.consumer.clone();
        let md = self
            .blocking(move || snapshot::fetch_metadata(&c, REQUEST_TIMEOUT))
            .await;
        let (brokers, topics) = match md {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                let unreachable =
                    is_unreachable(&e) || self.consumer.context().last_transport_error().is_some();
                return self
                    .topics_failed(format!("metadata: {}", unsupported_hint(&e)), unreachable)
                    .await;
            }
            Err(e) => return self.topics_failed(format!("metadata: {e}"), true).await,
        };
        self.consumer.context().clear_transport_error();
        let mut brokers = brokers;
        let cluster_note = lock(&self.describe).apply(&mut brokers);
        let mut snap = ClusterSnapshot {
            brokers,
            topics,
            cluster_note,
            taken_at: chrono::Local::now(),
            watermarks_complete: false,
        };
        if !self.send_snapshot(snap.clone()).await {
            return false;
        }
        // Counts first: they are what the user waits for.
        let c = self.consumer.clone();
        let mut topics = std::mem::take(&mut snap.topics);
        let marked = self
            .blocking(move || {
                let r = snapshot::fetch_watermarks(&c, &mut topics, REQUEST_TIMEOUT);
                (topics, r)
            })
            .await;
        let Ok((topics, wm)) = marked else {
            return self
                .topics_failed("watermarks: no answer in time".into(), false)
                .await;
        };
        snap.topics = topics;
        snap.watermarks_complete = true;
        snap.cluster_note = lock(&self.describe).apply(&mut snap.brokers);
        if let Err(e) = wm {
            self.send_snapshot(snap).await;
            return self.topics_failed(format!("watermarks: {e}"), false).await;
        }
        if !self.send_snapshot(snap.clone()).await {
            return false;
        }
        // Then racks and the controller, when the cluster can say.
        if lock(&self.describe).due() {
            let (c, memo) = (self.consumer.clone(), self.describe.clone());
            let described = self.blocking(move || lock(&memo).refresh(&c)).await;
            if described.is_ok() {
                snap.cluster_note = lock(&self.describe).apply(&mut snap.brokers);
                return self.send_snapshot(snap).await;
            }
        }
        true
    }

    async fn send_snapshot(&self, snapshot: ClusterSnapshot) -> bool {
        self.send(Event::Snapshot {
            generation: self.generation,
            snapshot,
        })
        .await
    }

    async fn topics_failed(&self, error: String, unreachable: bool) -> bool {
        let error = match self.consumer.context().last_transport_error() {
            Some(t) if unreachable => t,
            _ => error,
        };
        tracing::warn!("refresh {} failed: {error}", self.generation);
        self.send(Event::RefreshFailed {
            generation: self.generation,
            error,
            unreachable,
            retry_at: self.retry_at(),
        })
        .await;
        false
    }

    /// One consumer-group refresh.
    pub async fn groups(self, watched: Vec<String>) -> bool {
        let c = self.consumer.clone();
        // Four rounds of requests (list, describe, offsets, watermarks).
        let deadline = REQUEST_TIMEOUT * 4 + Duration::from_secs(2);
        let r = run_blocking(&self.cancel, deadline, move || {
            groups::fetch_groups(&c, &watched, None, REQUEST_TIMEOUT)
        })
        .await;
        match r {
            Ok(Ok(snapshot)) => {
                self.send(Event::Groups {
                    generation: self.generation,
                    snapshot,
                })
                .await
            }
            Ok(Err(error)) | Err(error) => {
                tracing::warn!("group refresh {} failed: {error}", self.generation);
                self.send(Event::GroupsFailed {
                    generation: self.generation,
                    error,
                    retry_at: self.retry_at(),
                })
                .await;
                false
            }
        }
    }
}

fn is_unreachable(e: &KafkaError) -> bool {
    matches!(
        e.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::BrokerTransportFailure
                | RDKafkaErrorCode::AllBrokersDown
                | RDKafkaErrorCode::OperationTimedOut
                | RDKafkaErrorCode::RequestTimedOut
                | RDKafkaErrorCode::Resolve
        )
    )
}

#[cfg(test)]
mod hint_tests {
    use super::*;

    #[test]
    fn admin_errors_are_worded_by_their_code() {
        let timeout = KafkaError::AdminOp(RDKafkaErrorCode::OperationTimedOut);
        assert!(unsupported_hint(&timeout).starts_with("no answer: this cluster may not support"));
        let missing = KafkaError::AdminOp(RDKafkaErrorCode::UnsupportedFeature);
        assert!(unsupported_hint(&missing).starts_with("not supported by this cluster"));
        let other = KafkaError::AdminOp(RDKafkaErrorCode::TopicAlreadyExists);
        assert_eq!(unsupported_hint(&other), other.to_string());
    }
}
