//! The standing targets for the topic table, measured against tansu on this
//! machine, with baselines taken in the same run:
//!
//! - 10,000 topics x 3 partitions: the TUI's topic table complete, with
//!   message counts (target: 1.5 s from start, under 80 MB resident);
//! - first frame within 100 ms of start, brokers up and down.
//!
//! Baselines: the plain way to get the same facts with librdkafka (one
//! metadata call, then one offsets_for_times call per end of the log for
//! every partition at once) in this process, and `kcat -L` (metadata only,
//! no counts) when kcat is installed.
//!
//! Run: `cargo bench --bench topics_scale` (TOPICS=N to change the size).
//! It prints figures; it asserts nothing.

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

const PARTITIONS: i32 = 3;
const RUNS: usize = 3;

fn main() {
    let n: usize = std::env::var("TOPICS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // BOOTSTRAP=HOST:PORT reuses a broker that already holds the topics.
    let own = std::env::var("BOOTSTRAP")
        .is_err()
        .then(common::Tansu::start);
    let b = match &own {
        Some(t) => t.bootstrap(),
        None => std::env::var("BOOTSTRAP").unwrap_or_default(),
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");

    let t = Instant::now();
    rt.block_on(create_topics(&b, n));
    if own.is_some() {
        // A hundred topics with messages, so counts are not all zero.
        rt.block_on(async {
            for i in 0..n.min(100) {
                common::produce(&b, &topic_name(i), 0, 1 + i % 3).await;
            }
        });
        println!(
            "setup: {n} topics x {PARTITIONS} partitions on tansu in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }

    let raw = median((0..RUNS).map(|_| raw_rdkafka(&b, n)).collect());
    let kcat = kcat_metadata(&b);
    let mut loaded = vec![];
    let mut first = vec![];
    let mut rss = vec![];
    for _ in 0..RUNS {
        let r = tui_report(&["-b", &b], "--exit-when-loaded");
        assert_eq!(
            r["topics"].as_u64(),
            Some(n as u64),
            "TUI saw {:?} topics",
            r["topics"]
        );
        loaded.push(r["loaded_ms"].as_f64().unwrap_or(f64::NAN) / 1000.0);
        first.push(r["first_frame_ms"].as_f64().unwrap_or(f64::NAN));
        rss.push(r["max_rss_kb"].as_f64().unwrap_or(f64::NAN) / 1024.0);
    }
    let down: Vec<f64> = (0..RUNS)
        .map(|_| {
            tui_report(&["-b", "127.0.0.1:1"], "--exit-after-first-frame")["first_frame_ms"]
                .as_f64()
                .unwrap_or(f64::NAN)
        })
        .collect();

    // `creel demo` starts a mock cluster in the process, which sometimes
    // takes whole seconds to create a topic: the worst of 15 starts.
    let demo: Vec<f64> = (0..15)
        .map(|_| {
            tui_report(&["demo"], "--exit-after-first-frame")["first_frame_ms"]
                .as_f64()
                .unwrap_or(f64::NAN)
        })
        .collect();
    let demo_worst = demo.iter().copied().fold(0.0, f64::max);
    let demo_median = median(demo);
    let (loaded, first, rss, down) = (median(loaded), median(first), median(rss), median(down));
    println!();
    println!("{n} topics x {PARTITIONS} partitions, median of {RUNS} runs");
    println!("  baseline: librdkafka metadata + 2 whole-cluster offsets_for_times  {raw:>7.3} s");
    if let Some(k) = kcat {
        println!(
            "  baseline: kcat -L (metadata only, no counts)                        {k:>7.3} s"
        );
    }
    println!(
        "  creel TUI: topic table complete with counts                         {loaded:>7.3} s  ({:.2}x baseline; target 1.5 s)",
        loaded / raw
    );
    println!("  creel TUI: peak resident memory                                     {rss:>7.1} MB (target 80 MB)");
    println!("  creel TUI: first frame, broker up                                   {first:>7.1} ms (target 100 ms)");
    println!("  creel TUI: first frame, no broker                                   {down:>7.1} ms (target 100 ms)");
    println!("  creel demo: first frame, median / worst of 15 starts         {demo_median:>7.1} / {demo_worst:>7.1} ms (target 100 ms)");
}

fn topic_name(i: usize) -> String {
    format!("bench-topic-{i:05}")
}

async fn create_topics(b: &str, n: usize) {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", b)
        .create()
        .expect("admin");
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(60)));
    let names: Vec<String> = (0..n).map(topic_name).collect();
    for chunk in names.chunks(500) {
        let new: Vec<NewTopic> = chunk
            .iter()
            .map(|t| NewTopic::new(t, PARTITIONS, TopicReplication::Fixed(1)))
            .collect();
        for r in admin
            .create_topics(&new, &opts)
            .await
            .expect("create_topics")
        {
            match r {
                Ok(_) => {}
                // A reused broker (BOOTSTRAP=...) may hold them already.
                Err((_, rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((t, e)) => panic!("create {t}: {e}"),
            }
        }
    }
}

/// What creel's refresh does, with nothing around it.
fn raw_rdkafka(b: &str, n: usize) -> f64 {
    let t = Instant::now();
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", b)
        .set("group.id", "bench-baseline")
        .create()
        .expect("consumer");
    let md = c
        .fetch_metadata(None, Duration::from_secs(30))
        .expect("metadata");
    let t_md = t.elapsed();
    let (mut lo, mut hi) = (TopicPartitionList::new(), TopicPartitionList::new());
    for t in md.topics() {
        for p in t.partitions() {
            lo.add_partition_offset(t.name(), p.id(), Offset::Beginning)
                .expect("tpl");
            hi.add_partition_offset(t.name(), p.id(), Offset::End)
                .expect("tpl");
        }
    }
    let t1 = Instant::now();
    let lo = c
        .offsets_for_times(lo, Duration::from_secs(60))
        .expect("low");
    let t_lo = t1.elapsed();
    let t2 = Instant::now();
    let hi = c
        .offsets_for_times(hi, Duration::from_secs(60))
        .expect("high");
    let t_hi = t2.elapsed();
    assert!(md.topics().len() >= n && lo.count() == hi.count());
    eprintln!(
        "  (bare librdkafka: metadata {:.3} s, earliest offsets {:.3} s, latest offsets {:.3} s)",
        t_md.as_secs_f64(),
        t_lo.as_secs_f64(),
        t_hi.as_secs_f64()
    );
    t.elapsed().as_secs_f64()
}

fn kcat_metadata(b: &str) -> Option<f64> {
    let t = Instant::now();
    let out = Command::new("kcat").args(["-L", "-b", b]).output().ok()?;
    out.status.success().then(|| t.elapsed().as_secs_f64())
}

/// Run the TUI in a tmux pane with a benchmark hook and read its report.
fn tui_report(args: &[&str], hook: &str) -> serde_json::Value {
    let report = std::env::temp_dir().join(format!("creel-bench-{}.json", common::free_port()));
    let _ = std::fs::remove_file(&report);
    let session = format!("creel-bench-{}", common::free_port());
    let cmd = format!(
        "{} {} {hook} {}",
        env!("CARGO_BIN_EXE_creel"),
        args.join(" "),
        report.display()
    );
    let ok = common::tmux_session(&session, 160, 45, &[&cmd]);
    assert!(ok, "tmux failed");
    let v = common::wait_for(Duration::from_secs(60), "the TUI's report", || {
        let text = std::fs::read_to_string(&report).ok()?;
        serde_json::from_str::<serde_json::Value>(&text).ok()
    });
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    v
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}
