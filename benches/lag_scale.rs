//! Time to a complete lag table, against librdkafka's mock cluster with
//! 10 ms injected round-trip time (one group on 5,000 partitions), and
//! against tansu (200 groups x 20 partitions, which needs group listing the
//! mock cluster lacks). Target: under 0.5 s for 5,000 partitions.
//!
//! Baseline, in the same run: what a naive tool does, one watermark request
//! per partition, timed over 200 partitions and scaled to 5,000.
//!
//! Run: `cargo bench --bench lag_scale`. It prints figures; it asserts nothing.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use creel::config::Settings;
use creel::kafka::GroupsClient;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

const PARTITIONS: i32 = 5_000;
const RTT: Duration = Duration::from_millis(10);

fn main() {
    let mock = MockCluster::new(3).expect("mock cluster");
    mock.create_topic("wide", PARTITIONS, 1).expect("topic");
    let b = mock.bootstrap_servers();
    let committer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .set("group.id", "wide-readers")
        .create()
        .expect("consumer");
    let mut tpl = TopicPartitionList::new();
    for p in 0..PARTITIONS {
        tpl.add_partition_offset("wide", p, Offset::Offset(0))
            .expect("tpl");
    }
    committer.commit(&tpl, CommitMode::Sync).expect("commit");
    for id in 1..=3 {
        mock.broker_round_trip_time(id, RTT).expect("rtt");
    }

    let mut settings = Settings::for_bootstrap(&b);
    settings.watched_groups = vec!["wide-readers".into()];
    let only = ["wide-readers".to_string()];
    let mut times = vec![];
    for _ in 0..3 {
        // A fresh client each run: start-up, metadata and coordinator
        // lookup are part of the time a user waits.
        let t = Instant::now();
        let client = GroupsClient::new(&settings, Duration::from_secs(30)).expect("client");
        let snap = client.fetch(Some(&only)).expect("groups");
        times.push(t.elapsed().as_secs_f64());
        let g = &snap.groups[0];
        let parts = g.partitions.iter().filter(|p| p.log_end.is_some()).count();
        assert_eq!(parts, PARTITIONS as usize, "complete lag table");
    }
    times.sort_by(f64::total_cmp);
    let creel = times[1];

    // Naive: one watermark request per partition.
    let naive: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .create()
        .expect("consumer");
    let sample = 200;
    let t = Instant::now();
    for p in 0..sample {
        naive
            .fetch_watermarks("wide", p, Duration::from_secs(10))
            .expect("watermarks");
    }
    let naive_total = t.elapsed().as_secs_f64() * f64::from(PARTITIONS) / f64::from(sample);

    println!(
        "mock cluster, {RTT:?} round trip, one group on {PARTITIONS} partitions (median of 3)"
    );
    println!("  baseline: one watermark request per partition   {naive_total:>8.2} s (measured on {sample}, scaled)");
    println!(
        "  creel: complete lag table                        {creel:>8.3} s ({:.0}x faster; target 0.5 s)",
        naive_total / creel
    );

    match std::panic::catch_unwind(tansu_many_groups) {
        Ok(line) => println!("{line}"),
        Err(_) => println!("tansu: skipped (see the panic above; is tansu installed?)"),
    }
}

/// 200 groups x 20 partitions on tansu, listed and described.
fn tansu_many_groups() -> String {
    let broker = common::Tansu::start();
    let b = broker.bootstrap();
    tokio::runtime::Runtime::new()
        .expect("rt")
        .block_on(common::create_topics(&b, &[("many", 20)]));
    let offsets: Vec<(&str, i32, i64)> = (0..20).map(|p| ("many", p, 0)).collect();
    for g in 0..200 {
        common::commit(&b, &format!("group-{g:03}"), &offsets);
    }
    let settings = Settings::for_bootstrap(&b);
    let t = Instant::now();
    let client = GroupsClient::new(&settings, Duration::from_secs(30)).expect("client");
    let snap = client.fetch(None).expect("groups");
    let secs = t.elapsed().as_secs_f64();
    let parts: usize = snap.groups.iter().map(|g| g.partitions.len()).sum();
    format!(
        "tansu (loopback), 200 groups x 20 partitions: {} groups, {parts} partitions in {secs:.3} s",
        snap.groups.len()
    )
}
