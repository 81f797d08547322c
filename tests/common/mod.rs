//! Test harness: the brokers the integration tests run on (Apache Kafka,
//! one three-node cluster per test binary; tansu, one broker per test), and
//! helpers to create topics and produce known messages.
#![allow(dead_code)]

pub mod kafka;
pub mod registry;
pub mod tmux;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

pub const TANSU_VERSION: &str = "0.6.0";

/// The tansu binary: $TANSU_BIN, then PATH, then ~/.cargo/bin. A missing
/// broker fails the test with the way to get it; it never skips quietly.
pub fn tansu_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("TANSU_BIN") {
        return PathBuf::from(p);
    }
    let candidates = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join("tansu"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tansu")));
    for c in candidates {
        if c.is_file() {
            return c;
        }
    }
    panic!(
        "the tansu broker is not installed; these tests need it.\n\
         Install it with: cargo install tansu@{TANSU_VERSION} --locked --features dynostore\n\
         (.ci/run does this when it is missing), or set TANSU_BIN."
    );
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// A tansu broker with the memory engine, killed when dropped.
pub struct Tansu {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Tansu {
    pub fn start() -> Tansu {
        Tansu::start_advertising(None)
    }

    /// `advertised`: the port clients are told to connect to instead of
    /// the one tansu listens on (a proxy in front of it).
    pub fn start_advertising(advertised: Option<u16>) -> Tansu {
        let bin = tansu_bin();
        let port = free_port();
        let url = format!("tcp://127.0.0.1:{port}");
        let shown = format!("tcp://127.0.0.1:{}", advertised.unwrap_or(port));
        let log = std::env::temp_dir().join(format!("creel-tansu-{port}.log"));
        let out = std::fs::File::create(&log).expect("tansu log file");
        let child = Command::new(&bin)
            .args(["broker", "--storage-engine", "memory://tansu/"])
            .args(["--listener-url", &url, "--advertised-listener-url", &shown])
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log fd"))
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let t = Tansu { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tansu did not listen on {port} within 30 s; see {}",
                t.log.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        t
    }

    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Tansu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Which broker a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Kafka,
    Tansu,
}

/// A broker for one test: its own tansu, or a share of this binary's Kafka
/// cluster, where the test's topics and groups get a prefix of their own.
pub struct Broker {
    pub kind: Kind,
    bootstrap: String,
    prefix: String,
    _tansu: Option<Tansu>,
}

impl Broker {
    pub fn kafka() -> Broker {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Broker {
            kind: Kind::Kafka,
            bootstrap: kafka::cluster().bootstrap("PLAINTEXT").to_string(),
            prefix: format!("t{n}-"),
            _tansu: None,
        }
    }

    pub fn tansu() -> Broker {
        let t = Tansu::start();
        Broker {
            kind: Kind::Tansu,
            bootstrap: t.bootstrap(),
            prefix: String::new(),
            _tansu: Some(t),
        }
    }

    pub fn bootstrap(&self) -> String {
        self.bootstrap.clone()
    }

    /// A topic or group name of this test's own.
    pub fn name(&self, base: &str) -> String {
        format!("{}{base}", self.prefix)
    }

    pub fn is_kafka(&self) -> bool {
        self.kind == Kind::Kafka
    }

    pub fn brokers(&self) -> usize {
        match self.kind {
            Kind::Kafka => 3,
            Kind::Tansu => 1,
        }
    }

    pub fn settings(&self) -> creel::config::Settings {
        creel::config::Settings::for_bootstrap(&self.bootstrap)
    }
}

/// One test per broker, for test bodies `async fn name(b: Broker)`.
#[macro_export]
macro_rules! on_brokers {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn kafka() {
                super::$name($crate::common::Broker::kafka()).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn tansu() {
                super::$name($crate::common::Broker::tansu()).await
            }
        }
    )*};
}

/// One test per broker, for blocking test bodies `fn name(b: Broker)`.
#[macro_export]
macro_rules! on_brokers_sync {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn kafka() {
                super::$name($crate::common::Broker::kafka())
            }
            #[test]
            fn tansu() {
                super::$name($crate::common::Broker::tansu())
            }
        }
    )*};
}

pub async fn create_topics(bootstrap: &str, topics: &[(&str, i32)]) {
    create_topics_rf(bootstrap, topics, 1).await
}

/// Create topics and wait until every partition has a leader, so the
/// test's first produce does not meet a topic still being set up.
pub async fn create_topics_rf(bootstrap: &str, topics: &[(&str, i32)], rf: i32) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client");
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|(name, parts)| NewTopic::new(name, *parts, TopicReplication::Fixed(rf)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for r in admin
        .create_topics(&new, &opts)
        .await
        .expect("create_topics")
    {
        r.unwrap_or_else(|(t, e)| panic!("create topic {t}: {e}"));
    }
    let names: Vec<String> = topics.iter().map(|(n, _)| n.to_string()).collect();
    let b = bootstrap.to_string();
    let want: Vec<i32> = topics.iter().map(|(_, p)| *p).collect();
    tokio::task::spawn_blocking(move || {
        use rdkafka::consumer::{BaseConsumer, Consumer};
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &b)
            .create()
            .expect("metadata client");
        wait_for(
            Duration::from_secs(30),
            "new topics to have leaders",
            || {
                let md = c.fetch_metadata(None, Duration::from_secs(5)).ok()?;
                names
                    .iter()
                    .zip(&want)
                    .all(|(n, parts)| {
                        md.topics().iter().any(|t| {
                            t.name() == n
                                && t.partitions().len() == *parts as usize
                                && t.partitions().iter().all(|p| p.leader() >= 0)
                        })
                    })
                    .then_some(())
            },
        );
    })
    .await
    .expect("waiting for topics");
}

/// Produce `n` records to one partition, one record per batch (tansu 0.6.0
/// miscounts the high watermark of multi-record batches).
pub async fn produce(bootstrap: &str, topic: &str, partition: i32, n: usize) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("batch.num.messages", "1")
        .set("linger.ms", "0")
        .create()
        .expect("producer");
    for i in 0..n {
        let payload = format!("{{\"seq\":{i}}}");
        let key = format!("k{i}");
        producer
            .send(
                FutureRecord::to(topic)
                    .partition(partition)
                    .key(&key)
                    .payload(&payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap_or_else(|(e, _)| panic!("produce to {topic}/{partition}: {e}"));
    }
}

/// Poll `f` until it returns Some, or panic after `timeout`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Commit offsets for `group` without joining it, as a consumer with a
/// manual assignment would.
pub fn commit(bootstrap: &str, group: &str, offsets: &[(&str, i32, i64)]) {
    use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
    use rdkafka::{Offset, TopicPartitionList};
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    for (t, p, o) in offsets {
        tpl.add_partition_offset(t, *p, Offset::Offset(*o))
            .expect("tpl");
    }
    // Right after the cluster starts, the group coordinator may still be
    // moving (__consumer_offsets is created on first use): retry what a
    // real client retries.
    wait_for(
        Duration::from_secs(30),
        "a commit the coordinator takes",
        || match c.commit(&tpl, CommitMode::Sync) {
            Ok(()) => Some(()),
            Err(e) => {
                use rdkafka::types::RDKafkaErrorCode::*;
                match e.rdkafka_error_code() {
                    Some(NotCoordinator | CoordinatorLoadInProgress | CoordinatorNotAvailable) => {
                        None
                    }
                    _ => panic!("commit: {e}"),
                }
            }
        },
    );
}

/// Fold worker events into `app` until `done` holds; on timeout, panic
/// with what was awaited and what the app holds.
pub async fn drive(
    worker: &mut creel::kafka::WorkerHandle,
    app: &mut creel::app::App,
    timeout: Duration,
    what: &str,
    done: impl Fn(&creel::app::App) -> bool,
) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !done(app) {
        match tokio::time::timeout_at(deadline, worker.events.recv()).await {
            Ok(Some(ev)) => {
                // What the app asks for on its own (a refresh after an
                // admin action, the next page) goes out as the TUI sends it.
                for c in creel::app::commands_of(&app.apply(ev)) {
                    let _ = worker.commands.try_send(c);
                }
            }
            Ok(None) => panic!("worker stopped"),
            Err(_) => panic!(
                "timed out waiting for {what}; connection {:?}, last error {:?}, groups {:#?}, groups error {:?}",
                app.shared.connection, app.shared.last_error, app.shared.groups, app.shared.groups_error
            ),
        }
    }
}

/// Open the messages view of `topic` from the beginning with a window of
/// `window` messages, then walk it with Down to the end and Up back to the
/// start, one key at a time as a person would. Returns each (partition,
/// offset) seen, in the order seen, down then up (up reversed).
pub async fn walk(
    worker: &mut creel::kafka::WorkerHandle,
    app: &mut creel::app::App,
    topic: &str,
    window: usize,
    limit: usize,
) -> (Vec<(i32, i64)>, Vec<(i32, i64)>) {
    use creel::app::Action;
    use creel::protocol::Command;
    app.shared.page_size = 5;
    drop(app.open_messages(topic, None, creel::model::StartAt::Beginning));
    if let Some(ex) = app.explorer_mut() {
        ex.cap_messages = window;
    }
    let req = app.explorer().expect("explorer").initial_request();
    worker
        .commands
        .send(Command::ReadMessages(req))
        .await
        .expect("worker");
    settle(worker, app).await;
    press(worker, app, Action::Top).await;
    let selected = |app: &creel::app::App| {
        app.explorer()
            .and_then(|e| e.selected())
            .map(|m| (m.partition, m.offset))
    };
    let mut runs = vec![];
    for action in [Action::Down, Action::Up] {
        let mut seen = vec![];
        let mut paged_in_place = 0;
        loop {
            let here = selected(app);
            if let Some(k) = here {
                if seen.last() != Some(&k) {
                    seen.push(k);
                }
            }
            let paged = press(worker, app, action).await;
            if std::env::var_os("WALK_TRACE").is_some() {
                let ex = app.explorer().expect("explorer");
                let held: Vec<(i32, i64)> = ex
                    .messages
                    .iter()
                    .map(|m| (m.partition, m.offset))
                    .collect();
                let vis: Vec<(i32, i64)> = ex
                    .visible
                    .iter()
                    .map(|&i| (ex.messages[i].partition, ex.messages[i].offset))
                    .collect();
                eprintln!("{action:?} at {here:?} -> {:?} paged {paged}; held {held:?} visible {vis:?} ranges {:?}", selected(app), ex.ranges.iter().map(|(p, r)| (*p, r.lo, r.hi, r.marks.high)).collect::<Vec<_>>());
            }
            if selected(app) == here && !paged {
                if std::env::var_os("WALK_DEBUG").is_some() {
                    let ex = app.explorer().expect("explorer");
                    eprintln!(
                        "walk {action:?} ends at {here:?}: ranges {:?}, visible {} of {}, tailing {}, loading {:?}",
                        ex.ranges,
                        ex.visible.len(),
                        ex.messages.len(),
                        ex.tailing,
                        ex.loading
                    );
                }
                break;
            }
            // A page that brings nothing new, asked for again and again,
            // is a walk that can never end.
            paged_in_place = if selected(app) == here {
                paged_in_place + 1
            } else {
                0
            };
            let ex = app.explorer().expect("explorer");
            assert!(
                paged_in_place < 20,
                "stuck at {here:?} going {action:?} after {} messages: every page brings nothing; ranges {:?}",
                seen.len(),
                ex.ranges
            );
            assert!(
                seen.len() <= limit,
                "walked past {limit} messages going {action:?}: {:?}",
                &seen[seen.len() - 10..]
            );
        }
        runs.push(seen);
    }
    let mut up = runs.pop().expect("up");
    up.reverse();
    (runs.pop().expect("down"), up)
}

async fn settle(worker: &mut creel::kafka::WorkerHandle, app: &mut creel::app::App) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.explorer().is_some_and(|e| e.loading.is_some()) {
        let ev = tokio::time::timeout_at(deadline, worker.events.recv())
            .await
            .expect("a page within 30 s")
            .expect("worker");
        // Pages the view asks for by itself (across offsets with no message).
        for c in creel::app::commands_of(&app.apply(ev)) {
            worker.commands.send(c).await.expect("worker");
        }
    }
}

/// Press a key; true when it asked for a page.
async fn press(
    worker: &mut creel::kafka::WorkerHandle,
    app: &mut creel::app::App,
    action: creel::app::Action,
) -> bool {
    let mut paged = false;
    for c in creel::app::commands_of(&app.press(action)) {
        if let creel::protocol::Command::ReadMessages(_) = &c {
            worker.commands.send(c).await.expect("worker");
            paged = true;
        }
    }
    settle(worker, app).await;
    paged
}

/// Every message of `topic` as a plain consumer with `isolation` reads it:
/// (partition, offset, value).
pub fn read_plain(bootstrap: &str, topic: &str, isolation: &str) -> Vec<(i32, i64, Vec<u8>)> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::Message as _;
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "creel-test-plain")
        .set("enable.partition.eof", "true")
        .set("auto.offset.reset", "earliest")
        .set("isolation.level", isolation)
        .create()
        .expect("consumer");
    let md = c
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("metadata");
    let parts = md.topics()[0].partitions().len();
    let mut tpl = rdkafka::TopicPartitionList::new();
    for p in 0..parts {
        tpl.add_partition_offset(topic, p as i32, rdkafka::Offset::Beginning)
            .expect("tpl");
    }
    c.assign(&tpl).expect("assign");
    let mut out = vec![];
    let mut eof = std::collections::HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while eof.len() < parts {
        assert!(Instant::now() < deadline, "plain read of {topic} timed out");
        match c.poll(Duration::from_millis(100)) {
            Some(Ok(m)) => out.push((
                m.partition(),
                m.offset(),
                m.payload().unwrap_or_default().to_vec(),
            )),
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(p))) => {
                eof.insert(p);
            }
            Some(Err(e)) => panic!("plain read of {topic}: {e}"),
            None => {}
        }
    }
    out
}

/// Start a detached tmux session running `command` (`-x COLS -y ROWS`).
/// A session started while the last one's server is exiting fails with
/// "server exited unexpectedly": tried again, three times in all.
pub fn tmux_session(name: &str, cols: u16, rows: u16, command: &[&str]) -> bool {
    let (cols, rows) = (cols.to_string(), rows.to_string());
    (0..3).any(|attempt| {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(300));
        }
        Command::new("tmux")
            .args(["new-session", "-d", "-s", name, "-x", &cols, "-y", &rows])
            .args(command)
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Write `n` messages to `topic`, message i to partition i % partitions,
/// keyed `user-(i % 5000)`, its value made by `value(i)`; fast (batched,
/// retried when the local queue is full) and flushed before returning.
pub fn produce_generated<V: AsRef<[u8]>>(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
    n: usize,
    value: impl Fn(usize) -> V,
) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let p: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "20")
        .set("batch.num.messages", "10000")
        .set("queue.buffering.max.messages", "1000000")
        .create()
        .expect("producer");
    for i in 0..n {
        let v = value(i);
        let key = format!("user-{}", i % 5000);
        loop {
            let r = BaseRecord::to(topic)
                .key(&key)
                .payload(v.as_ref())
                .partition((i % partitions as usize) as i32);
            match p.send(r) {
                Ok(()) => break,
                Err(_) => {
                    p.poll(Duration::from_millis(5));
                }
            }
        }
        if i % 10_000 == 0 {
            p.poll(Duration::ZERO);
        }
    }
    p.flush(Duration::from_secs(120)).expect("flush");
}

/// A child's output once it ends, and how long it took from this call;
/// a child still running after `limit` is killed and the test fails,
/// naming `what` and quoting its stderr.
pub fn ended_within(
    mut child: Child,
    limit: Duration,
    what: &str,
) -> (std::process::Output, Duration) {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return (child.wait_with_output().unwrap(), started.elapsed());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{what}: still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `creel -b BOOTSTRAP ARGS...`, run to its end.
pub fn creel_at(bootstrap: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", bootstrap])
        .args(args)
        .output()
        .expect("run creel")
}

/// Each line of a `--json` output (tail, search), parsed.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// A producer writing `record(seq)` (key, value, partition) to `topic`
/// until stopped, polling for `pause` after each send: the live traffic
/// of the fault tests and benches.
pub struct Writer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<u64>,
}

impl Writer {
    pub fn start(
        bootstrap: &str,
        topic: &str,
        pause: Duration,
        mut record: impl FnMut(u64) -> (Option<String>, String, Option<i32>) + Send + 'static,
    ) -> Writer {
        use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (bootstrap, topic, flag) = (bootstrap.to_string(), topic.to_string(), stop.clone());
        let handle = std::thread::spawn(move || {
            let p: BaseProducer = ClientConfig::new()
                .set("bootstrap.servers", &bootstrap)
                .set("linger.ms", "5")
                // Messages written during an outage wait for its end.
                .set("message.timeout.ms", "300000")
                .create()
                .unwrap();
            let mut seq = 0u64;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let (key, value, partition) = record(seq);
                let mut r = BaseRecord::<String, String>::to(&topic).payload(&value);
                if let Some(k) = &key {
                    r = r.key(k);
                }
                if let Some(p) = partition {
                    r = r.partition(p);
                }
                if p.send(r).is_ok() {
                    seq += 1;
                }
                p.poll(pause);
            }
            p.flush(Duration::from_secs(60)).unwrap();
            seq
        });
        Writer { stop, handle }
    }

    /// Stop writing, wait for every message to be delivered; how many
    /// were written.
    pub fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().unwrap()
    }
}

/// Apply the worker's events to `app` for `d`, sending the worker what the
/// app asks on the way: the TUI's loop without a terminal.
pub async fn pump(worker: &mut creel::kafka::WorkerHandle, app: &mut creel::app::App, d: Duration) {
    let deadline = tokio::time::Instant::now() + d;
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, worker.events.recv()).await {
        for c in creel::app::fixtures::sent(app.apply(ev)) {
            worker.commands.send(c).await.unwrap();
        }
    }
}

/// Resident memory of a running process, in MB (None once it is gone).
pub fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}
