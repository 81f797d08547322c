//! `creel demo`: a three-broker mock cluster inside the process, seeded with
//! a small shop's history, with live traffic and consumer groups that keep
//! up, fall behind and stop, so every screen has something true to show.

mod catalog;
mod events;
mod schemas;
pub mod screenshots;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::kafka::mock::{GroupReader, Mock, Record, TrafficProducer};
use catalog::Catalog;
use events::Event;

/// The topics of the shop, with their partition counts.
pub const TOPICS: [(&str, i32); 9] = [
    ("orders", 6),
    ("payments", 3),
    ("shipments", 3),
    ("clickstream", 12),
    ("binary-blobs", 2),
    ("inventory-snapshots", 3),
    ("tracing-spans", 2),
    // Avro and Protobuf in the Schema Registry wire format.
    (schemas::RETURNS, 3),
    (schemas::LOYALTY, 3),
];

/// The demo's consumer groups: one keeps up, one falls behind, one stopped.
pub const GROUP_OK: &str = "order-service";
pub const GROUP_BEHIND: &str = "analytics-loader";
pub const GROUP_STOPPED: &str = "email-sender";
pub const GROUPS: [&str; 3] = [GROUP_OK, GROUP_BEHIND, GROUP_STOPPED];

/// Orders in the seeded history (the other topics follow from it).
pub const SEED_ORDERS: u64 = 1_500;
/// How far back the seeded history reaches.
pub const SEED_HOURS: i64 = 6;
/// The planted order a search can find.
pub const PLANTED_ORDER: &str = "ORD-PLANTED-7731";

pub struct Demo {
    pub bootstrap: String,
    /// The demo's schema registry, served on loopback.
    pub registry_url: String,
    _registry: crate::schema::serve::Served,
    stop: Arc<AtomicBool>,
    /// The thread that owns the mock cluster (it is not Send): it writes
    /// the history, runs the traffic and the groups, and closes the
    /// cluster when told to stop.
    owner: Option<JoinHandle<()>>,
    /// Fires once the topics exist and hold their history.
    ready: Option<std::sync::mpsc::Receiver<()>>,
}

impl Demo {
    /// Start the cluster, seed it (about a second) and start the traffic.
    pub fn start() -> anyhow::Result<Demo> {
        let mut demo = Demo::start_in_background()?;
        if let Some(ready) = demo.ready.take() {
            ready
                .recv()
                .map_err(|_| anyhow::anyhow!("the demo cluster did not start (see --log)"))?;
        }
        Ok(demo)
    }

    /// Start the cluster and return as soon as its address is known (a
    /// millisecond): the topics, the history and the traffic follow on the
    /// cluster's own thread, so the first frame waits for none of them.
    /// librdkafka's mock cluster sometimes takes whole seconds to set a
    /// rack or create a topic. `take_ready` says when the history is in.
    pub fn start_in_background() -> anyhow::Result<Demo> {
        let catalog = Catalog::embedded()?;
        let schemas = Arc::new(schemas::Schemas::new()?);
        let registry = crate::schema::serve::Served::start(schemas.registry.clone())?;
        let stop = Arc::new(AtomicBool::new(false));
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let owner = spawn("creel-demo-cluster", {
            let stop = stop.clone();
            move || {
                let mock = Mock::start_bare(3)?;
                let bootstrap = mock.bootstrap();
                let _ = addr_tx.send(bootstrap.clone());
                mock.set_racks(3)?;
                for (topic, partitions) in TOPICS {
                    mock.create_topic(topic, partitions, 3)?;
                }
                seed(&bootstrap, &catalog, &schemas)?;
                let _ = ready_tx.send(());
                let traffic_thread = spawn("creel-demo-traffic", {
                    let (b, stop, catalog) = (bootstrap.clone(), stop.clone(), catalog.clone());
                    move || traffic(&b, &catalog, &schemas, &stop)
                })?;
                let groups_thread = spawn("creel-demo-groups", {
                    let (b, stop) = (bootstrap.clone(), stop.clone());
                    move || groups(&b, &stop)
                })?;
                let _ = traffic_thread.join();
                let _ = groups_thread.join();
                drop(mock);
                Ok(())
            }
        })?;
        let bootstrap = addr_rx
            .recv()
            .map_err(|_| anyhow::anyhow!("the demo cluster did not start (see --log)"))?;
        Ok(Demo {
            bootstrap,
            registry_url: registry.url.clone(),
            _registry: registry,
            stop,
            owner: Some(owner),
            ready: Some(ready_rx),
        })
    }

    /// Fires when the history is in: the TUI then refreshes at once.
    pub fn take_ready(&mut self) -> Option<std::sync::mpsc::Receiver<()>> {
        self.ready.take()
    }

    /// Stop the traffic and close the cluster; returns how long it took.
    pub fn stop(mut self) -> Duration {
        let t = Instant::now();
        self.shutdown();
        t.elapsed()
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(owner) = self.owner.take() {
            let _ = owner.join();
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn spawn(
    name: &str,
    f: impl FnOnce() -> anyhow::Result<()> + Send + 'static,
) -> anyhow::Result<JoinHandle<()>> {
    let label = name.to_string();
    Ok(std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            if let Err(e) = f() {
                tracing::error!("{label}: {e:#}");
            }
        })?)
}

fn send(p: &TrafficProducer, e: &Event, timestamp_ms: Option<i64>) -> anyhow::Result<()> {
    let headers: Vec<(&str, &[u8])> = e.headers.iter().map(|(k, v)| (*k, v.as_slice())).collect();
    p.send(&Record {
        topic: e.topic,
        partition: None,
        key: e.key.as_deref(),
        value: e.value.as_deref(),
        headers: &headers,
        timestamp_ms,
    })
}

/// Hours of history, oldest first, with timestamps spread over the past
/// SEED_HOURS so time-based rewinds find something; plus planted events.
fn seed(bootstrap: &str, c: &Catalog, s: &schemas::Schemas) -> anyhow::Result<()> {
    let p = TrafficProducer::new(bootstrap)?;
    let mut rng = fastrand::Rng::with_seed(7731);
    let now = chrono::Utc::now();
    let span_ms = SEED_HOURS * 3_600_000;
    for seq in 0..SEED_ORDERS {
        let at = now
            - chrono::Duration::milliseconds(span_ms - span_ms * seq as i64 / SEED_ORDERS as i64);
        let ts = Some(at.timestamp_millis());
        send(&p, &events::order(&mut rng, c, seq, at), ts)?;
        send(&p, &events::payment(&mut rng, c, seq), ts)?;
        if seq % 2 == 0 {
            send(&p, &events::shipment(&mut rng, c, seq), ts)?;
        }
        for _ in 0..3 {
            send(&p, &events::click(&mut rng, c), ts)?;
        }
        if seq % 5 == 0 {
            send(&p, &events::blob(&mut rng), ts)?;
            send(&p, &events::inventory(&mut rng, c), ts)?;
            send(&p, &events::span(&mut rng), ts)?;
            send(&p, &s.a_return(&mut rng, seq, at.timestamp_millis()), ts)?;
        }
        if seq % 3 == 0 {
            send(&p, &s.loyalty(&mut rng, c, at.timestamp_millis()), ts)?;
        }
        if seq == SEED_ORDERS / 2 {
            let planted = serde_json::json!({
                "type": "order.created",
                "order_id": PLANTED_ORDER,
                "customer": "Ada Lovelace",
                "note": "gift wrap, deliver to the Analytical Engine room",
                "total": 1843.0,
                "currency": "EUR",
            });
            let e = Event {
                topic: "orders",
                key: Some(b"customer-ada-lovelace".to_vec()),
                value: Some(planted.to_string().into_bytes()),
                headers: vec![("content-type", b"application/json".to_vec())],
            };
            send(&p, &e, ts)?;
        }
    }
    p.flush(Duration::from_secs(10))?;
    Ok(())
}

/// Live traffic: orders and payments at a steady rate, clickstream steady
/// with a burst every 15 s, the rest now and then. Ticks every 100 ms.
fn traffic(
    bootstrap: &str,
    c: &Catalog,
    s: &schemas::Schemas,
    stop: &AtomicBool,
) -> anyhow::Result<()> {
    let p = TrafficProducer::new(bootstrap)?;
    let mut rng = fastrand::Rng::with_seed(42);
    let mut seq = SEED_ORDERS;
    let mut tick: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        let now = chrono::Utc::now();
        for _ in 0..2 {
            send(&p, &events::order(&mut rng, c, seq, now), None)?;
            send(&p, &events::payment(&mut rng, c, seq), None)?;
            seq += 1;
        }
        if tick % 3 == 0 {
            send(&p, &events::shipment(&mut rng, c, seq), None)?;
        }
        let clicks = if tick % 150 == 0 { 300 } else { 3 };
        for _ in 0..clicks {
            send(&p, &events::click(&mut rng, c), None)?;
        }
        if tick % 10 == 0 {
            send(&p, &events::blob(&mut rng), None)?;
            send(&p, &events::inventory(&mut rng, c), None)?;
            send(&p, &s.a_return(&mut rng, seq, now.timestamp_millis()), None)?;
        }
        if tick % 4 == 0 {
            send(&p, &s.loyalty(&mut rng, c, now.timestamp_millis()), None)?;
        }
        send(&p, &events::span(&mut rng), None)?;
        tick += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// The consumer groups: order-service reads everything and commits every
/// second (OK); analytics-loader reads clickstream at 10 msg/s while it is
/// written at 30 msg/s and more (WARN); email-sender committed once, half
/// way through payments, and never again (STOP).
fn groups(bootstrap: &str, stop: &AtomicBool) -> anyhow::Result<()> {
    let stopped = GroupReader::new(bootstrap, GROUP_STOPPED, "payments", 3)?;
    let half = (SEED_ORDERS / 3 / 2) as i64;
    stopped.commit_offsets("payments", &[(0, half), (1, half), (2, half)])?;
    drop(stopped);

    let ok = GroupReader::new(bootstrap, GROUP_OK, "orders", 6)?;
    let behind = GroupReader::new(bootstrap, GROUP_BEHIND, "clickstream", 12)?;
    let mut last_commit = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        ok.read(5_000, Duration::from_millis(50));
        behind.read(1, Duration::from_millis(50));
        if last_commit.elapsed() >= Duration::from_secs(1) {
            ok.commit();
            behind.commit();
            last_commit = Instant::now();
        }
    }
    Ok(())
}
