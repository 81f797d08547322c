//! The worker task: receives commands, runs the periodic refreshes, and
//! never lets a slow broker reach the UI thread.

use std::sync::Arc;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, ConfigSource, ResourceSpecifier};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::client::{client_config, consumer, ClientError};
use super::context::CreelContext;
use super::refresh::{unsupported_hint, JobRun, SharedConsumer, REQUEST_TIMEOUT};
use crate::config::Settings;
use crate::model::ConfigEntry;
use crate::protocol::{Command, Event, ReadKind, ReadRequest};

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
        watched_groups: settings.watched_groups.clone(),
        topics: Periodic::new(settings.refresh),
        describe: Default::default(),
        groups: Periodic::new(settings.groups_refresh),
        base_config: client_config(settings),
        readers: vec![],
        search: None,
        producing: None,
        read_only: settings.read_only,
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
fn spawn_callback_poller(consumer: SharedConsumer, stop: CancellationToken) {
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

/// Wait after `failures` failed runs in a row: 1 s, 2 s, 4 s... up to the
/// interval.
fn backoff(failures: u32, every: Duration) -> Duration {
    let secs = 1u64 << failures.saturating_sub(1).min(6);
    Duration::from_secs(secs).min(every.max(Duration::from_secs(1)))
}

/// A job that runs every `every`, retries sooner after a failure, and whose
/// newest run supersedes any older one still in flight.
struct Periodic {
    every: Duration,
    failures: u32,
    generation: u64,
    inflight: Option<CancellationToken>,
    next: Instant,
}

/// Far enough to mean "not scheduled" while a run is in flight.
const IDLE: Duration = Duration::from_secs(86_400 * 365);

impl Periodic {
    fn new(every: Duration) -> Periodic {
        Periodic {
            every,
            failures: 0,
            generation: 0,
            inflight: None,
            next: Instant::now(),
        }
    }

    fn start(
        &mut self,
        consumer: &SharedConsumer,
        events: &mpsc::Sender<Event>,
        shutdown: &CancellationToken,
        describe: &Arc<std::sync::Mutex<super::snapshot::DescribeMemo>>,
    ) -> JobRun {
        if let Some(old) = self.inflight.take() {
            old.cancel();
        }
        self.generation += 1;
        let cancel = shutdown.child_token();
        self.inflight = Some(cancel.clone());
        self.next = Instant::now() + IDLE;
        JobRun {
            generation: self.generation,
            consumer: consumer.clone(),
            events: events.clone(),
            cancel,
            retry_in: backoff(self.failures + 1, self.every),
            describe: describe.clone(),
        }
    }

    fn finished(&mut self, generation: u64, ok: bool) {
        if generation != self.generation {
            return;
        }
        self.inflight = None;
        self.failures = if ok { 0 } else { self.failures + 1 };
        self.next = Instant::now()
            + if ok {
                self.every
            } else {
                backoff(self.failures, self.every)
            };
    }

    fn stop(&mut self) {
        if let Some(t) = self.inflight.take() {
            t.cancel();
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Job {
    Topics,
    Groups,
}

struct Worker {
    consumer: SharedConsumer,
    admin: Admin,
    events: mpsc::Sender<Event>,
    watched_groups: Vec<String>,
    topics: Periodic,
    groups: Periodic,
    describe: Arc<std::sync::Mutex<super::snapshot::DescribeMemo>>,
    /// librdkafka settings every reader starts from.
    base_config: rdkafka::ClientConfig,
    /// Cancel tokens of running readers, and where each takes skips.
    readers: Vec<(CancellationToken, super::reader::SkipList)>,
    /// The running search, if any.
    search: Option<CancellationToken>,
    /// The running send, if any.
    producing: Option<CancellationToken>,
    /// Refuse every write, whatever the UI asks.
    read_only: bool,
    shutdown: CancellationToken,
}

impl Worker {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let (done_tx, mut done_rx) = mpsc::channel::<(Job, u64, bool)>(8);
        loop {
            tokio::select! {
                _ = self.shutdown.cancelled() => break,
                cmd = commands.recv() => match cmd {
                    None => break,
                    Some(cmd) if self.read_only && cmd.writes() => self.refuse(cmd),
                    Some(Command::RefreshTopics) => self.start(Job::Topics, &done_tx),
                    Some(Command::RefreshGroups) => self.start(Job::Groups, &done_tx),
                    Some(Command::DescribeTopicConfigs { topic }) => self.describe_configs(topic),
                    Some(Command::ReadMessages(req)) => self.read_messages(req),
                    Some(Command::StopMessages) => self.stop_readers(),
                    Some(Command::SkipBatch { partition, offset }) => {
                        for (_, skips) in &self.readers {
                            if let Ok(mut l) = skips.lock() {
                                l.push((partition, offset));
                            }
                        }
                    }
                    Some(Command::Search(req)) => self.search(req),
                    Some(Command::CancelSearch) => self.cancel_search(),
                    Some(Command::Produce(req)) => self.produce(req),
                    Some(Command::Admin { id, op }) => self.admin(id, op),
                    Some(Command::PlanReset { group, target, topic, partitions }) => {
                        self.plan_reset(group, target, topic, partitions)
                    }
                    Some(Command::StopProduce) => {
                        if let Some(t) = self.producing.take() {
                            t.cancel();
                        }
                    }
                },
                _ = tokio::time::sleep_until(self.topics.next) => self.start(Job::Topics, &done_tx),
                _ = tokio::time::sleep_until(self.groups.next) => self.start(Job::Groups, &done_tx),
                Some((job, generation, ok)) = done_rx.recv() => match job {
                    Job::Topics => self.topics.finished(generation, ok),
                    Job::Groups => self.groups.finished(generation, ok),
                },
            }
        }
        self.topics.stop();
        self.groups.stop();
        self.stop_readers();
        self.cancel_search();
    }

    fn search(&mut self, req: crate::protocol::search::SearchRequest) {
        self.cancel_search();
        let cancel = self.shutdown.child_token();
        self.search = Some(cancel.clone());
        super::search::spawn_search(
            self.consumer.clone(),
            self.base_config.clone(),
            req,
            self.events.clone(),
            cancel,
        );
    }

    fn produce(&mut self, req: crate::protocol::produce::ProduceRequest) {
        if let Some(t) = self.producing.take() {
            t.cancel();
        }
        let cancel = self.shutdown.child_token();
        self.producing = Some(cancel.clone());
        let base = self.base_config.clone();
        let events = self.events.clone();
        let spawned = std::thread::Builder::new()
            .name("creel-produce".into())
            .spawn(move || super::produce::run_request(&base, req, &events, &cancel));
        if let Err(e) = spawned {
            tracing::error!("cannot start a producer thread: {e}");
        }
    }

    /// A write in read-only mode: nothing reaches the broker; the asker
    /// hears why.
    fn refuse(&self, cmd: Command) {
        const WHY: &str =
            "read-only mode: creel does not write to this cluster (started with --read-only or read_only = true in the profile)";
        tracing::warn!("refused in read-only mode: {cmd:?}");
        let ev = match cmd {
            Command::Produce(req) => Event::ProduceDone {
                session: req.session,
                stats: Default::default(),
                error: Some(WHY.into()),
            },
            Command::Admin { id, op } => Event::AdminDone {
                id,
                title: op.title(),
                result: Err(WHY.into()),
            },
            // Reads never come here.
            _ => return,
        };
        let events = self.events.clone();
        tokio::spawn(async move {
            let _ = events.send(ev).await;
        });
    }

    fn admin(&self, id: u64, op: crate::protocol::admin::AdminOp) {
        let admin = self.admin.clone();
        let consumer = self.consumer.clone();
        let base = self.base_config.clone();
        let events = self.events.clone();
        tokio::spawn(async move {
            let title = op.title();
            tracing::info!("admin: {title}: {:?}", op.lines());
            let result = tokio::task::spawn_blocking(move || {
                super::admin::execute(&admin, &consumer, &base, &op)
            })
            .await
            .unwrap_or_else(|e| Err(format!("the admin task failed: {e}")));
            match &result {
                Ok(msg) => tracing::info!("admin: {title}: {msg}"),
                Err(e) => tracing::warn!("admin: {title}: {e}"),
            }
            let _ = events.send(Event::AdminDone { id, title, result }).await;
        });
    }

    fn plan_reset(
        &self,
        group: String,
        target: crate::protocol::admin::ResetTarget,
        topic: Option<String>,
        partitions: Option<Vec<i32>>,
    ) {
        let consumer = self.consumer.clone();
        let events = self.events.clone();
        tokio::spawn(async move {
            let g = group.clone();
            let result = tokio::task::spawn_blocking(move || {
                super::admin::plan_reset(
                    &consumer,
                    &g,
                    target,
                    topic.as_deref(),
                    partitions.as_deref(),
                )
            })
            .await
            .unwrap_or_else(|e| Err(format!("the planning task failed: {e}")));
            let _ = events.send(Event::ResetPlanned { group, result }).await;
        });
    }

    fn cancel_search(&mut self) {
        if let Some(t) = self.search.take() {
            t.cancel();
        }
    }

    fn stop_readers(&mut self) {
        for (t, _) in self.readers.drain(..) {
            t.cancel();
        }
    }

    fn read_messages(&mut self, req: ReadRequest) {
        if req.kind == ReadKind::Initial {
            self.stop_readers();
        }
        self.readers.retain(|(t, _)| !t.is_cancelled());
        let cancel = self.shutdown.child_token();
        let skips = super::reader::SkipList::default();
        self.readers.push((cancel.clone(), skips.clone()));
        super::reader::spawn_reader(
            self.base_config.clone(),
            req,
            self.events.clone(),
            cancel,
            skips,
        );
    }

    fn start(&mut self, job: Job, done: &mpsc::Sender<(Job, u64, bool)>) {
        let periodic = match job {
            Job::Topics => &mut self.topics,
            Job::Groups => &mut self.groups,
        };
        let run = periodic.start(&self.consumer, &self.events, &self.shutdown, &self.describe);
        let generation = run.generation;
        let watched = self.watched_groups.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let ok = match job {
                Job::Topics => run.topics().await,
                Job::Groups => run.groups(watched).await,
            };
            let _ = done.send((job, generation, ok)).await;
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
