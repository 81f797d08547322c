//! The worker task: receives commands, refreshes on a timer, and never lets
//! a slow broker reach the UI thread.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, ConfigSource, ResourceSpecifier};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::client::{client_config, consumer, ClientError};
use super::context::CreelContext;
use super::snapshot;
use crate::app::{Command, Event};
use crate::config::Settings;
use crate::model::{ClusterSnapshot, ConfigEntry};

/// The UI's end of the worker.
pub struct WorkerHandle {
    pub commands: mpsc::Sender<Command>,
    pub events: mpsc::Receiver<Event>,
    shutdown: CancellationToken,
}

impl WorkerHandle {
    /// Stop the worker; in-flight blocking calls are abandoned, not awaited.
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// How long one request to the cluster may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);

type Consumer_ = Arc<BaseConsumer<CreelContext>>;
type Admin = Arc<AdminClient<CreelContext>>;

/// Create the clients (fails fast on a bad property) and start the worker
/// on the current tokio runtime.
pub fn spawn_worker(settings: &Settings) -> Result<WorkerHandle, ClientError> {
    let (cmd_tx, cmd_rx) = mpsc::channel(32);
    let (ev_tx, ev_rx) = mpsc::channel(256);
    let consumer = Arc::new(consumer(settings, CreelContext::new(Some(ev_tx.clone())))?);
    let mut admin_cfg = client_config(settings);
    admin_cfg.set("statistics.interval.ms", "0");
    let admin: Admin = Arc::new(
        admin_cfg
            .create_with_context(CreelContext::new(None))
            .map_err(|e| ClientError::Create(e.to_string()))?,
    );
    let shutdown = CancellationToken::new();
    spawn_callback_poller(consumer.clone(), shutdown.clone());
    let worker = Worker {
        consumer,
        admin,
        events: ev_tx,
        refresh: settings.refresh,
        generation: 0,
        failures: 0,
        inflight: None,
        shutdown: shutdown.clone(),
    };
    tokio::spawn(worker.run(cmd_rx));
    Ok(WorkerHandle {
        commands: cmd_tx,
        events: ev_rx,
        shutdown,
    })
}

/// librdkafka delivers statistics and error callbacks of a consumer only
/// from `poll`; this thread serves them. The consumer is never assigned a
/// partition here, so poll returns no messages.
fn spawn_callback_poller(consumer: Consumer_, stop: CancellationToken) {
    let spawned = std::thread::Builder::new()
        .name("creel-rdkafka-poll".into())
        .spawn(move || {
            while !stop.is_cancelled() {
                let _ = consumer.poll(Duration::from_millis(100));
            }
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start the callback thread: {e}");
    }
}

struct Worker {
    consumer: Consumer_,
    admin: Admin,
    events: mpsc::Sender<Event>,
    refresh: Duration,
    generation: u64,
    failures: u32,
    /// Cancels the refresh in flight when a newer one supersedes it.
    inflight: Option<CancellationToken>,
    shutdown: CancellationToken,
}

impl Worker {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let (done_tx, mut done_rx) = mpsc::channel::<(u64, bool)>(8);
        // Far enough to mean "not scheduled" while a refresh runs.
        let idle = Duration::from_secs(86_400 * 365);
        let mut next = Instant::now();
        loop {
            tokio::select! {
                _ = self.shutdown.cancelled() => break,
                cmd = commands.recv() => match cmd {
                    None => break,
                    Some(Command::RefreshTopics) => {
                        self.start_refresh(&done_tx);
                        next = Instant::now() + idle;
                    }
                    Some(Command::DescribeTopicConfigs { topic }) => self.describe_configs(topic),
                },
                _ = tokio::time::sleep_until(next) => {
                    self.start_refresh(&done_tx);
                    next = Instant::now() + idle;
                }
                Some((generation, ok)) = done_rx.recv() => {
                    if generation == self.generation {
                        self.inflight = None;
                        self.failures = if ok { 0 } else { self.failures + 1 };
                        next = Instant::now() + if ok { self.refresh } else { backoff(self.failures, self.refresh) };
                    }
                }
            }
        }
        if let Some(t) = self.inflight.take() {
            t.cancel();
        }
    }

    fn start_refresh(&mut self, done: &mpsc::Sender<(u64, bool)>) {
        if let Some(old) = self.inflight.take() {
            old.cancel();
        }
        self.generation += 1;
        let cancel = self.shutdown.child_token();
        self.inflight = Some(cancel.clone());
        let job = Refresh {
            generation: self.generation,
            consumer: self.consumer.clone(),
            events: self.events.clone(),
            cancel,
            // The retry time a failure will announce, as run() will schedule it.
            retry_in: backoff(self.failures + 1, self.refresh),
        };
        let done = done.clone();
        tokio::spawn(async move {
            let generation = job.generation;
            let ok = job.run().await;
            let _ = done.send((generation, ok)).await;
        });
    }

    fn describe_configs(&self, topic: String) {
        let admin = self.admin.clone();
        let events = self.events.clone();
        let cancel = self.shutdown.child_token();
        tokio::spawn(async move {
            let opts = AdminOptions::new().request_timeout(Some(REQUEST_TIMEOUT));
            let spec = [ResourceSpecifier::Topic(&topic)];
            let call = admin.describe_configs(&spec, &opts);
            let result = tokio::select! {
                _ = cancel.cancelled() => return,
                r = tokio::time::timeout(REQUEST_TIMEOUT + Duration::from_secs(1), call) => r,
            };
            let result = match result {
                Err(_) => Err(format!("no answer within {}s", REQUEST_TIMEOUT.as_secs())),
                Ok(Err(e)) => Err(unsupported_hint(&e)),
                Ok(Ok(mut results)) => match results.pop() {
                    Some(Ok(res)) => Ok(res
                        .entries
                        .into_iter()
                        .map(|e| ConfigEntry {
                            name: e.name,
                            value: e.value,
                            is_default: e.is_default,
                            is_sensitive: e.is_sensitive,
                            is_read_only: e.is_read_only,
                            source: source_name(e.source).into(),
                        })
                        .collect()),
                    Some(Err(code)) => Err(format!("{code:?}: {code}")),
                    None => Ok(vec![]),
                },
            };
            let _ = events.send(Event::TopicConfigs { topic, result }).await;
        });
    }
}

/// Wait after `failures` failed refreshes in a row: 1 s, 2 s, 4 s... up
/// to the refresh interval.
fn backoff(failures: u32, refresh: Duration) -> Duration {
    let secs = 1u64 << failures.saturating_sub(1).min(6);
    Duration::from_secs(secs).min(refresh.max(Duration::from_secs(1)))
}

fn source_name(s: ConfigSource) -> &'static str {
    match s {
        ConfigSource::Unknown => "unknown",
        ConfigSource::Default => "default",
        ConfigSource::DynamicTopic => "topic",
        ConfigSource::DynamicBroker => "broker",
        ConfigSource::DynamicDefaultBroker => "cluster default",
        ConfigSource::StaticBroker => "broker file",
    }
}

/// The broker's error, with a plain word when the cluster lacks the API.
pub(crate) fn unsupported_hint(e: &KafkaError) -> String {
    match e.rdkafka_error_code() {
        Some(RDKafkaErrorCode::UnsupportedVersion | RDKafkaErrorCode::UnsupportedFeature) => {
            format!("not supported by this cluster ({e})")
        }
        _ => e.to_string(),
    }
}

/// One refresh: metadata, then watermarks and cluster description.
struct Refresh {
    generation: u64,
    consumer: Consumer_,
    events: mpsc::Sender<Event>,
    cancel: CancellationToken,
    retry_in: Duration,
}

impl Refresh {
    async fn run(self) -> bool {
        let _ = self
            .events
            .send(Event::RefreshStarted {
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
                    .fail(format!("metadata: {}", unsupported_hint(&e)), unreachable)
                    .await;
            }
            Err(e) => return self.fail(format!("metadata: {e}"), true).await,
        };
        self.consumer.context().clear_transport_error();
        let mut snap = ClusterSnapshot {
            brokers,
            topics,
            cluster_note: None,
            taken_at: chrono::Local::now(),
            watermarks_complete: false,
        };
        if !self.send_snapshot(snap.clone()).await {
            return false;
        }

        let (c1, c2) = (self.consumer.clone(), self.consumer.clone());
        let mut brokers = std::mem::take(&mut snap.brokers);
        let mut topics = std::mem::take(&mut snap.topics);
        let describe = self.blocking(move || {
            let note = snapshot::describe_cluster(&c1, &mut brokers, REQUEST_TIMEOUT);
            (brokers, note)
        });
        let watermarks = self.blocking(move || {
            let r = snapshot::fetch_watermarks(&c2, &mut topics, REQUEST_TIMEOUT);
            (topics, r)
        });
        let (described, marked) = tokio::join!(describe, watermarks);
        let (Ok((brokers, note)), Ok((topics, wm))) = (described, marked) else {
            return self
                .fail("watermarks: no answer in time".into(), false)
                .await;
        };
        snap.brokers = brokers;
        snap.cluster_note = note;
        snap.topics = topics;
        snap.watermarks_complete = true;
        if let Err(e) = wm {
            self.send_snapshot(snap).await;
            return self.fail(format!("watermarks: {e}"), false).await;
        }
        self.send_snapshot(snap).await
    }

    async fn send_snapshot(&self, snapshot: ClusterSnapshot) -> bool {
        if self.cancel.is_cancelled() {
            return false;
        }
        self.events
            .send(Event::Snapshot {
                generation: self.generation,
                snapshot,
            })
            .await
            .is_ok()
    }

    async fn fail(&self, error: String, unreachable: bool) -> bool {
        let retry_at = chrono::Local::now()
            + chrono::Duration::from_std(self.retry_in)
                .unwrap_or_else(|_| chrono::Duration::seconds(1));
        let error = match self.consumer.context().last_transport_error() {
            Some(t) if unreachable => t,
            _ => error,
        };
        tracing::warn!("refresh {} failed: {error}", self.generation);
        let _ = self
            .events
            .send(Event::RefreshFailed {
                generation: self.generation,
                error,
                unreachable,
                retry_at,
            })
            .await;
        false
    }

    /// Run a blocking librdkafka call on the blocking pool with an outer
    /// deadline; a cancelled or late call is abandoned, its thread finishes
    /// on its own.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let task = tokio::task::spawn_blocking(f);
        let deadline = REQUEST_TIMEOUT + Duration::from_secs(2);
        tokio::select! {
            _ = self.cancel.cancelled() => Err("cancelled".into()),
            r = tokio::time::timeout(deadline, task) => match r {
                Err(_) => Err(format!("no answer within {}s", deadline.as_secs())),
                Ok(Err(e)) => Err(format!("internal error: {e}")),
                Ok(Ok(v)) => Ok(v),
            },
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
