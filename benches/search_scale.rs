//! Search throughput against the ceiling, on librdkafka's mock cluster
//! (in this process, one broker, 48 partitions): 1,000,000 JSON events of
//! about 200 bytes. In the same run it measures plain rdkafka consumers
//! reading every message and doing nothing else (librdkafka's defaults;
//! creel's reader settings with one consumer and with as many as the search
//! uses), and creel's search with a regex matching 0.1 % of messages and
//! with one matching nothing. It prints messages per second and the ratio
//! search/ceiling. Target: the search keeps at least 80 % of the ceiling.
//!
//! Run: `cargo bench --bench search_scale` (MESSAGES=N to change the size).
//! It prints figures; it asserts only that the searches found exactly what
//! was planted.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use creel::app::search::{Query, SearchIn, SearchOutcome, SearchRequest};
use creel::config::Settings;
use creel::model::StartAt;
use creel::protocol::{Command, Event};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

#[path = "../tests/common/mod.rs"]
mod common;

// The mock cluster keeps about 5 MB per partition (older segments are
// dropped), so 1,000,000 messages of 200 bytes need this many.
const PARTITIONS: i32 = 48;
const TOPIC: &str = "events";

fn load(bootstrap: &str, n: usize) -> usize {
    let kinds = [
        "page.view",
        "cart.add",
        "order.created",
        "payment.captured",
        "search",
    ];
    // One in a thousand carries the needle the search looks for.
    common::produce_generated(bootstrap, TOPIC, PARTITIONS, n, |i| {
        let note = if i % 1000 == 999 {
            format!("NEEDLE-{i}")
        } else {
            format!("note-{}", fastrand::u32(..))
        };
        format!(
            r#"{{"type":"{}","id":"evt-{i:08}","user":"user-{}","session":"{:016x}","amount":{}.{:02},"country":"{}","note":"{note}","ts":{}}}"#,
            kinds[i % kinds.len()],
            fastrand::u32(..100_000),
            fastrand::u64(..),
            fastrand::u32(..1000),
            fastrand::u32(..100),
            ["FR", "DE", "US", "JP", "BR"][fastrand::usize(..5)],
            1_800_000_000_000u64 + i as u64,
        )
    });
    n / 1000
}

/// Consumers over a share of the partitions each, reading everything.
fn ceiling(bootstrap: &str, consumers: usize, n: usize, tuned: bool) -> f64 {
    let t = Instant::now();
    let read = AtomicUsize::new(0);
    let read = &read;
    let last = std::sync::Mutex::new(None);
    let last = &last;
    let total: usize = std::thread::scope(|s| {
        let hs: Vec<_> = (0..consumers)
            .map(|k| {
                s.spawn(move || {
                    // Tuned: creel's own reader settings, so the ratio
                    // measures the engine, not the tuning.
                    let mut cfg = if tuned {
                        creel::kafka::reading_config(&creel::kafka::client_config(
                            &Settings::for_bootstrap(bootstrap),
                        ))
                    } else {
                        ClientConfig::new()
                    };
                    let c: BaseConsumer = cfg
                        .set("bootstrap.servers", bootstrap)
                        .set("statistics.interval.ms", "0")
                        .set("group.id", "ceiling")
                        .set("enable.auto.commit", "false")
                        .set("enable.partition.eof", "true")
                        .set("fetch.max.bytes", "52428800")
                        .set("max.partition.fetch.bytes", "10485760")
                        .create()
                        .expect("consumer");
                    let mut tpl = TopicPartitionList::new();
                    let mine: Vec<i32> = (0..PARTITIONS)
                        .filter(|p| *p as usize % consumers == k)
                        .collect();
                    for p in &mine {
                        tpl.add_partition_offset(TOPIC, *p, Offset::Offset(0))
                            .expect("tpl");
                    }
                    c.assign(&tpl).expect("assign");
                    // Stop at the last message, as the search does (it knows
                    // the end offsets), not at end-of-partition events that
                    // come a fetch wait later.
                    let mut count = 0usize;
                    while read.load(Ordering::Relaxed) < n {
                        if let Some(Ok(_)) = c.poll(Duration::from_millis(100)) {
                            count += 1;
                            if read.fetch_add(1, Ordering::Relaxed) + 1 == n {
                                *last.lock().unwrap() = Some(t.elapsed());
                            }
                        }
                    }
                    count
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("join")).sum()
    });
    assert_eq!(total, n, "the ceiling read every message");
    // Timed to the last message read: closing the consumers is not counted
    // for the ceiling (creel's figure includes closing its scanners).
    let secs = last
        .lock()
        .unwrap()
        .unwrap_or_else(|| t.elapsed())
        .as_secs_f64();
    n as f64 / secs
}

/// One search on a running worker (as in a creel session): from the
/// request to the final report, after which every scanner is closed.
fn search(
    rt: &tokio::runtime::Runtime,
    w: &mut creel::kafka::WorkerHandle,
    pattern: &str,
) -> (f64, u64, u64) {
    rt.block_on(async {
        let t = Instant::now();
        w.commands
            .send(Command::Search(SearchRequest {
                session: 1,
                topic: TOPIC.into(),
                query: Query {
                    pattern: pattern.into(),
                    target: SearchIn::Value,
                    ..Query::default()
                },
                partitions: None,
                from: StartAt::Beginning,
                to: None,
                max_scanned: None,
                max_matches: None,
                preview: Some(512),
            }))
            .await
            .expect("send");
        loop {
            match w.events.recv().await.expect("event") {
                Event::SearchDone {
                    outcome,
                    scanned,
                    matched,
                    ..
                } => {
                    assert_eq!(outcome, SearchOutcome::Completed);
                    let secs = t.elapsed().as_secs_f64();
                    return (scanned as f64 / secs, scanned, matched);
                }
                _ => continue,
            }
        }
    })
}

fn main() {
    let n: usize = std::env::var("MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic(TOPIC, PARTITIONS, 1).expect("topic");
    let b = mock.bootstrap_servers();
    let t = Instant::now();
    let planted = load(&b, n);
    println!(
        "loaded {n} messages ({PARTITIONS} partitions, mock cluster) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let scanners = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4);
    // The matching alone, on values in memory: what the regex costs.
    let values: Vec<Vec<u8>> = (0..100_000)
        .map(|i| format!(r#"{{"type":"page.view","id":"evt-{i:08}","user":"user-1","session":"{:016x}","amount":1.00,"country":"FR","note":"note-{}","ts":1800000000000}}"#, fastrand::u64(..), fastrand::u32(..)).into_bytes())
        .collect();
    let m = creel::protocol::search::Matcher::new(&Query {
        pattern: r#""note":"NEEDLE-\d+""#.into(),
        target: SearchIn::Value,
        ..Query::default()
    })
    .expect("regex");
    let t = Instant::now();
    let hits = values
        .iter()
        .filter(|v| m.test(None, Some(v), std::iter::empty()).is_some())
        .count();
    let ns = t.elapsed().as_nanos() as f64 / values.len() as f64;
    assert_eq!(hits, 0);
    // Warm up once, then interleave the runs so that noise from the two
    // cores being shared with the broker falls on all of them alike.
    let _ = ceiling(&b, 1, n, false);
    const ROUNDS: usize = 5;
    let mut worker = {
        let _rt = rt.enter();
        creel::kafka::spawn_worker(&Settings::for_bootstrap(&b)).expect("worker")
    };
    let (mut plain, mut one, mut par, mut rare, mut none) =
        (vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        plain.push(ceiling(&b, 1, n, false));
        one.push(ceiling(&b, 1, n, true));
        par.push(ceiling(&b, scanners, n, true));
        let (r, scanned, matched) = search(&rt, &mut worker, r#""note":"NEEDLE-\d+""#);
        assert_eq!(scanned as usize, n, "the search scanned every message");
        assert_eq!(matched as usize, planted, "the search found every needle");
        rare.push(r);
        let (r, scanned, matched) = search(&rt, &mut worker, r"ZZZ-NEVER-\d+");
        assert_eq!((scanned as usize, matched), (n, 0));
        none.push(r);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (plain, one, par, rare, none) = (
        median(&mut plain),
        median(&mut one),
        median(&mut par),
        median(&mut rare),
        median(&mut none),
    );
    let best = one.max(par);
    println!("medians of {ROUNDS} interleaved rounds:");
    println!("regex alone:                    {ns:>10.0} ns/msg");
    println!("plain consumer, librdkafka defaults: {:>10.0} msg/s", plain);
    println!("ceiling, 1 consumer, creel settings:  {:>10.0} msg/s", one);
    println!(
        "ceiling, {scanners} consumers, creel settings: {:>10.0} msg/s",
        par
    );
    println!(
        "creel search, 0.1 % match:      {:>10.0} msg/s  ratio {:.2} of the best ceiling",
        rare,
        rare / best
    );
    println!(
        "creel search, no match:         {:>10.0} msg/s  ratio {:.2} of the best ceiling",
        none,
        none / best
    );
}
