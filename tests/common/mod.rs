//! Test harness: a tansu broker of our own on a free loopback port, and
//! helpers to create topics and produce known messages.
#![allow(dead_code)]

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
        let bin = tansu_bin();
        let port = free_port();
        let url = format!("tcp://127.0.0.1:{port}");
        let log = std::env::temp_dir().join(format!("creel-tansu-{port}.log"));
        let out = std::fs::File::create(&log).expect("tansu log file");
        let child = Command::new(&bin)
            .args(["broker", "--storage-engine", "memory://tansu/"])
            .args(["--listener-url", &url, "--advertised-listener-url", &url])
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

pub async fn create_topics(bootstrap: &str, topics: &[(&str, i32)]) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("admin client");
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|(name, parts)| NewTopic::new(name, *parts, TopicReplication::Fixed(1)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for r in admin
        .create_topics(&new, &opts)
        .await
        .expect("create_topics")
    {
        r.unwrap_or_else(|(t, e)| panic!("create topic {t}: {e}"));
    }
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
    c.commit(&tpl, CommitMode::Sync).expect("commit");
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
            Ok(Some(ev)) => app.apply(ev),
            Ok(None) => panic!("worker stopped"),
            Err(_) => panic!(
                "timed out waiting for {what}; connection {:?}, last error {:?}, groups {:#?}, groups error {:?}",
                app.connection, app.last_error, app.groups, app.groups_error
            ),
        }
    }
}
