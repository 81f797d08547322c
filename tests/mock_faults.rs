//! Faults injected with librdkafka's mock cluster (three brokers, in this
//! process) while `creel tail` follows a topic that a producer keeps
//! writing: one broker goes down and comes back a hundred times. The tail
//! must end with exactly what the partitions hold: every record once, in
//! offset order, none missing and none repeated, checked against the
//! partitions' contents read afterwards by a plain consumer.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message as _;
use rdkafka::mocking::MockCluster;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

const TOPIC: &str = "faults";
const PARTITIONS: i32 = 3;
const CYCLES: usize = 100;

/// (partition, offset, value) of every record the partitions hold.
fn contents(bootstrap: &str) -> Vec<(i32, i64, String)> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "faults-check")
        .set("enable.auto.commit", "false")
        .set("enable.partition.eof", "true")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    let mut ends = BTreeMap::new();
    for p in 0..PARTITIONS {
        let (_, high) = c
            .fetch_watermarks(TOPIC, p, Duration::from_secs(10))
            .unwrap();
        ends.insert(p, high);
        tpl.add_partition_offset(TOPIC, p, Offset::Beginning)
            .unwrap();
    }
    c.assign(&tpl).unwrap();
    let mut out = vec![];
    let total: i64 = ends.values().sum();
    let deadline = Instant::now() + Duration::from_secs(60);
    while (out.len() as i64) < total && Instant::now() < deadline {
        if let Some(Ok(m)) = c.poll(Duration::from_millis(100)) {
            out.push((
                m.partition(),
                m.offset(),
                String::from_utf8_lossy(m.payload().unwrap_or_default()).into_owned(),
            ));
        }
    }
    assert_eq!(out.len() as i64, total, "the check read every record");
    out.sort();
    out
}

/// Run a live `creel tail` and a producer, apply `faults`, then check the
/// tail printed exactly what the partitions hold. Returns creel's stderr.
fn tail_through(
    faults: impl FnOnce(&MockCluster<rdkafka::producer::DefaultProducerContext>, u32),
) -> Vec<String> {
    let mock = MockCluster::new(3).unwrap();
    mock.create_topic(TOPIC, PARTITIONS, 1).unwrap();
    // One partition's leader goes down and up: broker 1 leads partition 0.
    mock.partition_leader(TOPIC, 0, Some(1)).unwrap();
    mock.partition_leader(TOPIC, 1, Some(2)).unwrap();
    mock.partition_leader(TOPIC, 2, Some(3)).unwrap();
    let b = mock.bootstrap_servers();

    let mut tail = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "tail", "-t", TOPIC, "-o", "beginning", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let errors = {
        let err = tail.stderr.take().unwrap();
        std::thread::spawn(move || {
            BufReader::new(err)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        })
    };
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let lines = lines.clone();
        let out = tail.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { break };
                lines.lock().unwrap().push(l);
            }
        })
    };

    let producer = common::Writer::start(&b, TOPIC, Duration::from_millis(2), |seq| {
        (
            Some(seq.to_string()),
            format!("{{\"seq\":{seq}}}"),
            Some((seq % PARTITIONS as u64) as i32),
        )
    });

    // Reading has begun before the first fault.
    let deadline = Instant::now() + Duration::from_secs(30);
    while lines.lock().unwrap().len() < 50 {
        assert!(Instant::now() < deadline, "the tail printed nothing");
        std::thread::sleep(Duration::from_millis(20));
    }
    faults(&mock, tail.id());
    let sent = producer.stop();
    assert!(sent > 100, "the producer kept writing: {sent}");

    let want = contents(&b);
    // The tail catches up with everything the partitions hold.
    let deadline = Instant::now() + Duration::from_secs(60);
    while lines.lock().unwrap().len() < want.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    // A moment more: anything repeated would arrive now.
    std::thread::sleep(Duration::from_millis(500));
    let _ = tail.kill();
    let _ = tail.wait();
    let _ = reader.join();
    let mut got: Vec<(i32, i64, String)> = lines
        .lock()
        .unwrap()
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["partition"].as_i64().unwrap() as i32,
                v["offset"].as_i64().unwrap(),
                v["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Per partition, the tail printed offsets in order.
    for p in 0..PARTITIONS {
        let offsets: Vec<i64> = got.iter().filter(|r| r.0 == p).map(|r| r.1).collect();
        assert!(
            offsets.windows(2).all(|w| w[0] < w[1]),
            "partition {p}: offsets out of order or repeated"
        );
    }
    got.sort();
    assert_eq!(
        got.len(),
        want.len(),
        "the tail printed {} records, the partitions hold {}",
        got.len(),
        want.len()
    );
    assert_eq!(got, want, "the tail shows exactly what the partitions hold");
    errors.join().unwrap()
}

#[test]
fn a_hundred_broker_cycles_lose_and_repeat_nothing_in_a_tail() {
    let mut rss = Vec::new();
    tail_through(|mock, pid| {
        for cycle in 1..=CYCLES {
            mock.broker_down(1).unwrap();
            std::thread::sleep(Duration::from_millis(40));
            mock.broker_up(1).unwrap();
            std::thread::sleep(Duration::from_millis(40));
            if cycle % 10 == 0 {
                rss.push(common::rss_mb(pid).expect("creel tail is running"));
            }
        }
    });
    // Memory does not grow from cycle to cycle: after the first ten
    // (connections, buffers and librdkafka's queues set up), it stays
    // within a few megabytes of where it was.
    eprintln!("creel tail RSS every 10 cycles (MB): {rss:.1?}");
    let settled = rss[0];
    let peak = rss.iter().copied().fold(0.0, f64::max);
    assert!(
        peak - settled < 8.0,
        "RSS grew from {settled:.1} MB to {peak:.1} MB over {CYCLES} cycles: {rss:.1?}"
    );
}

/// Every broker gone for a while (twelve seconds here; a minute by hand
/// changes nothing but the wait), then back: the tail resumes where it
/// left off, and says each failure once per outage, not once per
/// reconnection attempt (librdkafka retries every few seconds per broker).
#[test]
fn all_brokers_gone_then_back_the_tail_resumes_and_says_so_once() {
    let said = tail_through(|mock, _| {
        for b in 1..=3 {
            mock.broker_down(b).unwrap();
        }
        std::thread::sleep(Duration::from_secs(12));
        for b in 1..=3 {
            mock.broker_up(b).unwrap();
        }
        std::thread::sleep(Duration::from_secs(1));
    });
    assert!(!said.is_empty(), "the outage is said");
    // Brokers go and come one by one, so messages may flow between two of
    // them: a failure may be said again in each phase, never per retry.
    assert!(
        said.len() <= 4,
        "said once per phase, not per retry: {said:#?}"
    );
}
