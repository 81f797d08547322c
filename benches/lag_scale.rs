//! Time to a complete lag table, against librdkafka's mock cluster with
//! 10 ms injected round-trip time (one group on 5,000 partitions), and
//! against tansu (200 groups x 25 partitions, which needs group listing the
//! mock cluster lacks), on loopback and behind a proxy adding the same
//! 10 ms. Target: under 0.5 s for 5,000 partitions.
//!
//! Baseline, in the same run: what a naive tool does, one watermark request
//! per partition (on tansu, after each group's committed offsets), timed
//! over a sample and scaled to 5,000 partitions.
//!
//! Run: `cargo bench --bench lag_scale`. It prints figures; it asserts nothing.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/delay_proxy.rs"]
mod support;

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
        Ok(lines) => println!("{lines}"),
        Err(_) => println!("tansu: skipped (see the panic above; is tansu installed?)"),
    }
}

const GROUPS: usize = 200;
const GROUP_PARTITIONS: i32 = 25;
/// Groups the per-partition baseline is timed on, then scaled.
const BASELINE_GROUPS: usize = 10;

/// 200 groups, each on a topic of 25 partitions of its own (5,000
/// partitions), on tansu behind a proxy that adds the round trip: every
/// group listed, described, its offsets and the watermarks read.
fn tansu_many_groups() -> String {
    let proxy_port = common::free_port();
    let broker = common::Tansu::start_advertising(Some(proxy_port));
    let proxy = support::DelayProxy::start(proxy_port, broker.port);
    let b = format!("127.0.0.1:{}", proxy.port);
    let topics: Vec<String> = (0..GROUPS).map(|g| format!("many-{g:03}")).collect();
    let specs: Vec<(&str, i32)> = topics
        .iter()
        .map(|t| (t.as_str(), GROUP_PARTITIONS))
        .collect();
    tokio::runtime::Runtime::new()
        .expect("rt")
        .block_on(common::create_topics(&b, &specs));
    for (g, t) in topics.iter().enumerate() {
        let offsets: Vec<(&str, i32, i64)> =
            (0..GROUP_PARTITIONS).map(|p| (t.as_str(), p, 0)).collect();
        common::commit(&b, &format!("group-{g:03}"), &offsets);
    }
    let settings = Settings::for_bootstrap(&b);
    let mut out = vec![format!(
        "tansu behind a delay proxy, {GROUPS} groups x {GROUP_PARTITIONS} partitions (a topic each)"
    )];
    for rtt in [Duration::ZERO, RTT] {
        proxy.set_round_trip(rtt);
        let mut times = vec![];
        for _ in 0..3 {
            let t = Instant::now();
            let client = GroupsClient::new(&settings, Duration::from_secs(60)).expect("client");
            let snap = client.fetch(None).expect("groups");
            times.push(t.elapsed().as_secs_f64());
            let parts = snap
                .groups
                .iter()
                .flat_map(|g| &g.partitions)
                .filter(|p| p.log_end.is_some())
                .count();
            assert_eq!(snap.groups.len(), GROUPS, "every group");
            assert_eq!(
                parts,
                GROUPS * GROUP_PARTITIONS as usize,
                "complete lag table"
            );
        }
        times.sort_by(f64::total_cmp);
        out.push(format!(
            "  {rtt:>5?} round trip: creel, every group's lag table   {:>8.3} s (median of 3)",
            times[1]
        ));
    }
    // At RTT: a tool asking one group's offsets, then one partition's
    // watermarks at a time.
    let t = Instant::now();
    for (g, topic) in topics.iter().enumerate().take(BASELINE_GROUPS) {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &b)
            .set("group.id", format!("group-{g:03}"))
            .create()
            .expect("consumer");
        let mut tpl = TopicPartitionList::new();
        for p in 0..GROUP_PARTITIONS {
            tpl.add_partition(topic, p);
        }
        let committed = c
            .committed_offsets(tpl, Duration::from_secs(10))
            .expect("committed");
        assert_eq!(committed.count(), GROUP_PARTITIONS as usize);
        for p in 0..GROUP_PARTITIONS {
            c.fetch_watermarks(topic, p, Duration::from_secs(10))
                .expect("watermarks");
        }
    }
    let naive = t.elapsed().as_secs_f64() * GROUPS as f64 / BASELINE_GROUPS as f64;
    out.push(format!(
        "  {RTT:>5?} round trip: baseline, per group then per partition {naive:>8.2} s (measured on {BASELINE_GROUPS} groups, scaled)"
    ));
    out.join("\n")
}
