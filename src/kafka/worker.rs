//! The worker task: receives commands, schedules the periodic refreshes,
//! and starts every piece of Kafka work as a job of the one job runtime.
//! It never waits on the network itself, so a slow broker never reaches
//! the UI.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rdkafka::admin::AdminClient;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::schema::Decoders;

use super::client::{client_config, consumer, ClientError, Statistics};
use super::context::CreelContext;
use super::jobs::{Finished, Job, JobKind, JobSpec, Jobs};
use super::reader::SkipList;
use super::refresh::{self, SharedConsumer, GROUPS_DEADLINE, REQUEST_TIMEOUT, TOPICS_DEADLINE};
use super::snapshot::DescribeMemo;
use crate::config::Settings;
use crate::protocol::admin::{AdminOp, ResetTarget};
use crate::protocol::{Command, ErrorKind, Event, Op, OpError, ReadKind, ReadRequest};

/// The UI's end of the worker.
pub struct WorkerHandle {
    pub commands: mpsc::Sender<Command>,
    pub events: mpsc::Receiver<Event>,
    /// Schemas by id, shared with the UI (which only looks them up).
    pub decoders: Option<Arc<Decoders>>,
    shutdown: CancellationToken,
}

impl WorkerHandle {
    /// Stop the worker; jobs in flight are cancelled and abandoned, not
    /// awaited.
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

/// Admin actions: each change and its read-back (several requests).
const ADMIN_DEADLINE: Duration = Duration::from_secs(90);
/// A reset's preview: the group, its offsets, watermarks, times.
const PLAN_DEADLINE: Duration = Duration::from_secs(60);
const CONFIGS_DEADLINE: Duration = Duration::from_secs(10);

/// Create the clients (fails fast on a bad property) and start the worker
/// on the current tokio runtime.
pub fn spawn_worker(settings: &Settings) -> Result<WorkerHandle, ClientError> {
    let (cmd_tx, cmd_rx) = mpsc::channel(32);
    let (ev_tx, ev_rx) = mpsc::channel(256);
    let consumer = Arc::new(consumer(
        settings,
        CreelContext::new(Some(ev_tx.clone())),
        Statistics::Polled,
    )?);
    let mut admin_cfg = client_config(settings);
    admin_cfg.set("statistics.interval.ms", "0");
    let admin: Admin = Arc::new(
        admin_cfg
            .create_with_context(CreelContext::new(None))
            .map_err(|e| ClientError::create(&e))?,
    );
    super::msk_iam::authenticate(admin.inner());
    let shutdown = CancellationToken::new();
    let (jobs, finished) = Jobs::new(shutdown.clone(), ev_tx.clone());
    let decoders =
        Decoders::for_settings(settings).map_err(|reason| ClientError::Config { reason })?;
    let worker = Worker {
        consumer,
        admin,
        events: ev_tx,
        watched_groups: settings.watched_groups.clone(),
        topics: Periodic::new(settings.refresh),
        describe: Default::default(),
        configs_refused: Default::default(),
        groups: Periodic::new(settings.groups_refresh),
        base_config: client_config(settings),
        readers: vec![],
        read_only: settings.read_only,
        shutdown: shutdown.clone(),
        jobs,
        decoders: decoders.clone(),
    };
    tokio::spawn(worker.run(cmd_rx, finished));
    Ok(WorkerHandle {
        commands: cmd_tx,
        events: ev_rx,
        decoders,
        shutdown,
    })
}

/// Wait after `failures` failed runs in a row: 1 s, 2 s, 4 s... up to the
/// interval.
fn backoff(failures: u32, every: Duration) -> Duration {
    let secs = 1u64 << failures.saturating_sub(1).min(6);
    Duration::from_secs(secs).min(every.max(Duration::from_secs(1)))
}

/// A job that runs every `every` and retries sooner after a failure.
struct Periodic {
    every: Duration,
    failures: u32,
    /// The generation of the run in flight.
    inflight: Option<u64>,
    next: Instant,
}

/// Far enough to mean "not scheduled" while a run is in flight.
const IDLE: Duration = Duration::from_secs(86_400 * 365);

impl Periodic {
    fn new(every: Duration) -> Periodic {
        Periodic {
            every,
            failures: 0,
            inflight: None,
            next: Instant::now(),
        }
    }

    /// When a run starting now would be retried if it failed.
    fn retry_in(&self) -> Duration {
        backoff(self.failures + 1, self.every)
    }

    fn started(&mut self, generation: u64) {
        self.inflight = Some(generation);
        self.next = Instant::now() + IDLE;
    }

    fn finished(&mut self, generation: u64, ok: bool) {
        if self.inflight != Some(generation) {
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
}

struct Worker {
    consumer: SharedConsumer,
    admin: Admin,
    events: mpsc::Sender<Event>,
    watched_groups: Vec<String>,
    topics: Periodic,
    groups: Periodic,
    describe: Arc<Mutex<DescribeMemo>>,
    /// DescribeConfigs answered "unsupported" (or never answered): said
    /// at once for every later topic instead of after seconds each time.
    /// A refresh (`r`) forgets it.
    configs_refused: Arc<Mutex<Option<OpError>>>,
    /// librdkafka settings every reader starts from.
    base_config: rdkafka::ClientConfig,
    /// Running reads and where each takes skips.
    readers: Vec<(u64, SkipList)>,
    /// Refuse every write, whatever the UI asks.
    read_only: bool,
    shutdown: CancellationToken,
    jobs: Jobs,
    decoders: Option<Arc<Decoders>>,
}

impl Worker {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut finished: mpsc::Receiver<Finished>,
    ) {
        self.serve_callbacks();
        loop {
            tokio::select! {
                _ = self.shutdown.cancelled() => break,
                cmd = commands.recv() => match cmd {
                    None => break,
                    Some(cmd) if self.read_only && cmd.writes() => self.refuse(cmd),
                    Some(cmd) => self.command(cmd),
                },
                _ = tokio::time::sleep_until(self.topics.next) => self.refresh_topics(),
                _ = tokio::time::sleep_until(self.groups.next) => self.refresh_groups(),
                Some(f) = finished.recv() => {
                    self.jobs.ended(&f);
                    match f.kind {
                        JobKind::Topics => self.topics.finished(f.generation, f.ok),
                        JobKind::Groups => self.groups.finished(f.generation, f.ok),
                        JobKind::Read => self.readers.retain(|(g, _)| *g != f.generation),
                        _ => {}
                    }
                }
            }
        }
        // Every job is a child of the shutdown token: cancelled with it.
        self.shutdown.cancel();
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::RefreshTopics => {
                if let Ok(mut m) = self.configs_refused.lock() {
                    *m = None;
                }
                self.refresh_topics()
            }
            Command::RefreshGroups => self.refresh_groups(),
            Command::DescribeTopicConfigs { topic } => self.describe_configs(topic),
            Command::ReadMessages(req) => self.read_messages(req),
            Command::StopMessages => {
                self.jobs.cancel(JobKind::Read);
                self.readers.clear();
            }
            Command::SkipBatch { partition, offset } => {
                for (_, skips) in &self.readers {
                    if let Ok(mut l) = skips.lock() {
                        l.push((partition, offset));
                    }
                }
            }
            Command::FetchSchema { id } => self.fetch_schema(id),
            Command::LoadSchemas => {
                let d = self.decoders.clone();
                self.registry_call(move || super::schemas::list(d));
            }
            Command::DescribeSubject { subject, version } => {
                let d = self.decoders.clone();
                self.registry_call(move || super::schemas::describe(d, &subject, version));
            }
            Command::Search(req) => {
                let (meta, base) = (self.consumer.clone(), self.base_config.clone());
                let decoders = self.decoders.clone();
                self.jobs.spawn(
                    JobSpec {
                        kind: JobKind::Search,
                        supersede: true,
                        deadline: None,
                        on_timeout: None,
                    },
                    move |job| {
                        super::search::search_job(job, &meta, &base, req, decoders.as_deref())
                    },
                );
            }
            Command::CancelSearch => self.jobs.cancel(JobKind::Search),
            Command::Produce(req) => {
                let base = self.base_config.clone();
                let decoders = self.decoders.clone();
                self.jobs.spawn(
                    JobSpec {
                        kind: JobKind::Produce,
                        supersede: true,
                        deadline: None,
                        on_timeout: None,
                    },
                    move |job| super::produce::produce_job(job, &base, *req, decoders.as_deref()),
                );
            }
            Command::StopProduce => self.jobs.cancel(JobKind::Produce),
            Command::Admin { id, op } => self.admin(id, op),
            Command::PlanReset {
                group,
                target,
                topic,
                partitions,
            } => self.plan_reset(group, target, topic, partitions),
        }
    }

    /// A registry request on a blocking thread; its event when it ends.
    fn registry_call(&self, f: impl FnOnce() -> Event + Send + 'static) {
        let events = self.events.clone();
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                r = tokio::task::spawn_blocking(f) => {
                    if let Ok(event) = r {
                        let _ = events.send(event).await;
                    }
                }
                _ = shutdown.cancelled() => {}
            }
        });
    }

    /// Fetch a schema off the UI thread; a registry that did not answer is
    /// asked again after the decoders' backoff, until it does.
    fn fetch_schema(&self, id: u32) {
        let Some(decoders) = self.decoders.clone() else {
            return;
        };
        let events = self.events.clone();
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            loop {
                let d = decoders.clone();
                let result = tokio::task::spawn_blocking(move || d.fetch(id).map(|_| ())).await;
                let error = match result {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e),
                    Err(_) => return,
                };
                let retry = decoders.retry_in(id);
                let _ = events.send(Event::SchemaFetched { id, error }).await;
                let Some(wait) = retry else { return };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.cancelled() => return,
                }
            }
        });
    }

    /// librdkafka delivers a consumer's statistics and error callbacks only
    /// from `poll`: this job serves them while the worker lives. The
    /// consumer is never assigned a partition, so poll returns no message.
    ///
    /// The admin client is never polled (rust-rdkafka's admin client reads
    /// only its own results): an MSK IAM token is set on it again each
    /// minute from the cache, which renews it well before it expires.
    fn serve_callbacks(&mut self) {
        let consumer = self.consumer.clone();
        let admin = self.admin.clone();
        self.jobs.spawn(
            JobSpec {
                kind: JobKind::Callbacks,
                supersede: true,
                deadline: None,
                on_timeout: None,
            },
            move |job| {
                let mut token_set = Instant::now();
                while !job.cancelled() {
                    let _ = consumer.poll(Duration::from_millis(100));
                    if token_set.elapsed() >= Duration::from_secs(60) {
                        super::msk_iam::authenticate(admin.inner());
                        token_set = Instant::now();
                    }
                }
                true
            },
        );
    }

    fn refresh_topics(&mut self) {
        let (consumer, memo) = (self.consumer.clone(), self.describe.clone());
        let retry_in = self.topics.retry_in();
        let generation = self.jobs.spawn(
            JobSpec {
                kind: JobKind::Topics,
                supersede: true,
                deadline: Some(TOPICS_DEADLINE),
                on_timeout: None,
            },
            move |job| refresh::topics(job, &consumer, &memo, retry_in),
        );
        self.topics.started(generation);
    }

    fn refresh_groups(&mut self) {
        let consumer = self.consumer.clone();
        let watched = self.watched_groups.clone();
        let retry_in = self.groups.retry_in();
        let generation = self.jobs.spawn(
            JobSpec {
                kind: JobKind::Groups,
                supersede: true,
                deadline: Some(GROUPS_DEADLINE),
                on_timeout: None,
            },
            move |job| refresh::groups(job, &consumer, &watched, retry_in),
        );
        self.groups.started(generation);
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
                error: Some(OpError::new(Op::Produce, ErrorKind::Refused, WHY)),
            },
            Command::Admin { id, op } => Event::AdminDone {
                id,
                title: op.title(),
                result: Err(OpError::new(
                    super::admin::op_of(&op),
                    ErrorKind::Refused,
                    WHY,
                )),
            },
            // Reads never come here.
            _ => return,
        };
        let events = self.events.clone();
        tokio::spawn(async move {
            let _ = events.send(ev).await;
        });
    }

    fn admin(&mut self, id: u64, op: AdminOp) {
        let (admin, consumer, base) = (
            self.admin.clone(),
            self.consumer.clone(),
            self.base_config.clone(),
        );
        let title = op.title();
        let decoders = self.decoders.clone();
        let timeout_error = refresh::timed_out(super::admin::op_of(&op), ADMIN_DEADLINE);
        self.jobs.spawn(
            JobSpec {
                kind: JobKind::Admin,
                supersede: false,
                deadline: Some(ADMIN_DEADLINE),
                on_timeout: Some(Event::AdminDone {
                    id,
                    title: title.clone(),
                    result: Err(timeout_error),
                }),
            },
            move |job: &Job| {
                tracing::info!("admin: {title}: {:?}", op.lines());
                let result = match &op {
                    AdminOp::DeleteSchemaVersion { subject, version } => {
                        super::schemas::delete_version(decoders.as_deref(), subject, *version)
                    }
                    op => super::admin::execute(&admin, &consumer, &base, op),
                };
                match &result {
                    Ok(msg) => tracing::info!("admin: {title}: {msg}"),
                    Err(e) => tracing::warn!("admin: {title}: {e}"),
                }
                let ok = result.is_ok();
                job.send(Event::AdminDone { id, title, result });
                ok
            },
        );
    }

    fn plan_reset(
        &mut self,
        group: String,
        target: ResetTarget,
        topic: Option<String>,
        partitions: Option<Vec<i32>>,
    ) {
        let consumer = self.consumer.clone();
        let on_timeout = Event::ResetPlanned {
            group: group.clone(),
            result: Err(refresh::timed_out(Op::PlanReset, PLAN_DEADLINE)),
        };
        self.jobs.spawn(
            JobSpec {
                kind: JobKind::PlanReset,
                supersede: true,
                deadline: Some(PLAN_DEADLINE),
                on_timeout: Some(on_timeout),
            },
            move |job| {
                let result = super::admin::plan_reset(
                    &consumer,
                    &group,
                    target,
                    topic.as_deref(),
                    partitions.as_deref(),
                );
                let ok = result.is_ok();
                job.send(Event::ResetPlanned { group, result });
                ok
            },
        );
    }

    fn read_messages(&mut self, req: ReadRequest) {
        // A first read replaces every earlier one; pages of the same view
        // run beside the live tail.
        let initial = req.kind == ReadKind::Initial;
        if initial {
            self.readers.clear();
        }
        let skips = SkipList::default();
        let (base, mine) = (self.base_config.clone(), skips.clone());
        let generation = self.jobs.spawn(
            JobSpec {
                kind: JobKind::Read,
                supersede: initial,
                deadline: None,
                on_timeout: None,
            },
            move |job| super::reader::read_job(job, &base, req, &mine),
        );
        self.readers.push((generation, skips));
    }

    fn describe_configs(&mut self, topic: String) {
        let known = self.configs_refused.lock().ok().and_then(|m| m.clone());
        if let Some(e) = known {
            let message = format!("{} (asked once; not asked again: r asks again)", e.message);
            let _ = self.events.try_send(Event::TopicConfigs {
                topic,
                result: Err(OpError { message, ..e }),
            });
            return;
        }
        let memo = self.configs_refused.clone();
        let admin = self.admin.clone();
        let on_timeout = Event::TopicConfigs {
            topic: topic.clone(),
            result: Err(refresh::timed_out(Op::DescribeConfigs, CONFIGS_DEADLINE)),
        };
        self.jobs.spawn(
            JobSpec {
                kind: JobKind::Configs,
                supersede: true,
                deadline: Some(CONFIGS_DEADLINE),
                on_timeout: Some(on_timeout),
            },
            move |job| {
                let result = super::admin::describe_topic_configs(&admin, &topic, REQUEST_TIMEOUT);
                if let Err(e) = &result {
                    if matches!(e.kind, ErrorKind::Unsupported | ErrorKind::TimedOut) {
                        if let Ok(mut m) = memo.lock() {
                            *m = Some(e.clone());
                        }
                    }
                }
                let ok = result.is_ok();
                job.send(Event::TopicConfigs { topic, result });
                ok
            },
        );
    }
}
