//! Memory stays bounded in a soak: the TUI follows a busy topic (mock
//! cluster in this process, a writer as fast as it goes) well past its
//! 50,000-message window, while `creel lag --watch` watches a group falling
//! behind and a `creel search` runs on the same topic every SEARCH_EVERY
//! seconds. RSS is sampled from /proc: the TUI's must stop growing once its
//! window is full, the lag watch's must stay flat.
//!
//! Scaled for CI: SOAK_SECS (default 40) after the window fills, a search
//! every SEARCH_EVERY (default 10) seconds. The full run, thirty
//! minutes with a search a minute, is
//! `SOAK_SECS=1800 SEARCH_EVERY=60 cargo test --release --test mock_soak -- --nocapture`
//! (README). It prints RSS at start, peak and end.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::{rss_mb, wait_for, Writer};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

fn env_secs(name: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default),
    )
}

/// start, peak, end of a series of samples.
fn summary(samples: &[f64]) -> (f64, f64, f64) {
    let peak = samples.iter().copied().fold(0.0, f64::max);
    (samples[0], peak, samples[samples.len() - 1])
}

#[test]
fn memory_stays_bounded_following_a_busy_topic_with_a_lag_watch_and_searches() {
    let soak = env_secs("SOAK_SECS", 40);
    let search_every = env_secs("SEARCH_EVERY", 10);
    let mock = MockCluster::new(3).unwrap();
    mock.create_topic("busy", 6, 1).unwrap();
    let b = mock.bootstrap_servers();
    let pad = "x".repeat(400);
    let writer = Writer::start(&b, "busy", Duration::from_micros(400), move |i| {
        (
            Some(format!("user-{}", i % 500)),
            format!("{{\"seq\":{i},\"pad\":\"{pad}\"}}"),
            None,
        )
    });
    // A group that committed offset 0 everywhere and then stopped: its lag
    // grows with every message written.
    let group: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .set("group.id", "soak-watchers")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    for p in 0..6 {
        tpl.add_partition_offset("busy", p, Offset::Offset(0))
            .unwrap();
    }
    group
        .commit(&tpl, rdkafka::consumer::CommitMode::Sync)
        .unwrap();

    let creel = env!("CARGO_BIN_EXE_creel");
    let t = Tmux::start(&format!("{creel} -b {b}"));
    let tui: u32 = wait_for(Duration::from_secs(5), "the TUI's pid", || t.command_pid());
    t.wait_for("● connected", Duration::from_secs(20));
    t.keys(&["/"]);
    t.type_text("busy");
    t.keys(&["Enter"]);
    t.wait_for("Topics (1 of ", Duration::from_secs(10));
    t.keys(&["m"]);
    t.wait_for("Read busy from", Duration::from_secs(10));
    t.keys(&["Enter"]);
    t.wait_for("following", Duration::from_secs(30));

    let mut lag = Command::new(creel)
        .args(["-b", &b, "lag", "--watch", "--json", "--interval", "2"])
        .args(["--group", "soak-watchers"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // The window fills first; from then on nothing may grow.
    let started = Instant::now();
    let tui_start = rss_mb(tui).unwrap();
    t.wait_for("50,000 held", Duration::from_secs(120));
    let filled = started.elapsed();
    let mut tui_rss = vec![rss_mb(tui).unwrap()];
    let mut lag_rss = vec![rss_mb(lag.id()).unwrap()];
    let mut search_peaks = vec![];
    let soak_start = Instant::now();
    let mut next_search = Instant::now();
    while soak_start.elapsed() < soak {
        if Instant::now() >= next_search {
            next_search += search_every;
            let out = Command::new("/usr/bin/time")
                .args(["-f", "%M", creel, "-b", &b, "search", "-t", "busy"])
                // The mock cluster keeps about 5 MB per partition: search
                // what it still holds, the last 2,000 per partition.
                .args(["--from", "-2000", "-e", "\"seq\":[0-9]*77,", "--json"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "the search finds its matches: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let peak_kb: f64 = String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
                .unwrap_or(f64::NAN);
            search_peaks.push(peak_kb / 1024.0);
        }
        std::thread::sleep(Duration::from_secs(2));
        tui_rss.push(rss_mb(tui).expect("the TUI is still running"));
        lag_rss.push(rss_mb(lag.id()).expect("the lag watch is still running"));
    }
    let held = t.screen();
    let written = writer.stop();
    let _ = lag.kill();
    let _ = lag.wait();
    t.keys(&["q"]);

    let (t0, tpeak, tend) = summary(&tui_rss);
    let (l0, lpeak, lend) = summary(&lag_rss);
    let speak = search_peaks.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "soak: {written} messages written; TUI {tui_start:.1} MB at start, window full after {:.0} s",
        filled.as_secs_f64()
    );
    eprintln!(
        "  TUI over {} s after that: {t0:.1} MB, peak {tpeak:.1}, end {tend:.1}",
        soak.as_secs()
    );
    eprintln!("  creel lag --watch: {l0:.1} MB, peak {lpeak:.1}, end {lend:.1}");
    // One sample a minute (every 30th, 2 s apart): a plateau and a leak
    // look alike in start/peak/end.
    let per_minute: Vec<String> = lag_rss
        .iter()
        .step_by(30)
        .map(|m| format!("{m:.1}"))
        .collect();
    eprintln!(
        "  creel lag --watch each minute (MB): {}",
        per_minute.join(" ")
    );
    eprintln!(
        "  creel search, {} runs: peak {speak:.1} MB",
        search_peaks.len()
    );
    // Still following the live end at its cap (it used to stop after a
    // window's worth of messages: "browsing, N newer messages").
    assert!(
        held.contains("busy (50,000 held") && held.contains("following"),
        "the window stays at its cap, following: {held}"
    );
    // Once the window is full, more messages replace older ones: growth
    // past that point is allocator noise, not messages kept.
    assert!(
        tpeak - t0 < 24.0,
        "the TUI grew from {t0:.1} to {tpeak:.1} MB with its window full"
    );
    assert!(
        lpeak - l0 < 8.0,
        "the lag watch grew from {l0:.1} to {lpeak:.1} MB"
    );
}
