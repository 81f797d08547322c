//! The embedded demo cluster, in process: seeded topics, live traffic, and
//! three consumer groups that reach OK, WARN and STOP.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use creel::app::{App, LagBook, LagStatus};
use creel::config::Settings;
use creel::demo::{Demo, GROUPS, GROUP_BEHIND, GROUP_OK, GROUP_STOPPED, SEED_ORDERS, TOPICS};
use creel::kafka::spawn_worker;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_seeds_topics_runs_traffic_and_groups_reach_every_status() {
    // The mock cluster is not Send: it lives on this test's thread.
    let demo = Demo::start().expect("demo starts");
    let mut settings = Settings::for_bootstrap(&demo.bootstrap);
    settings.watched_groups = GROUPS.iter().map(|g| g.to_string()).collect();
    settings.refresh = Duration::from_secs(1);
    settings.groups_refresh = Duration::from_secs(2);
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("demo", &demo.bootstrap, chrono::Local::now());
    app.shared.lag = LagBook::new(4);

    let mut seen: HashSet<(String, LagStatus)> = HashSet::new();
    let mut orders_counts = vec![];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let ev = tokio::time::timeout_at(deadline, worker.events.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "statuses seen so far: {seen:?}; groups: {:#?}",
                    app.shared.groups
                )
            })
            .expect("worker stopped");
        let groups_event = matches!(ev, creel::protocol::Event::Groups { .. });
        let snapshot_event = matches!(&ev, creel::protocol::Event::Snapshot { snapshot, .. } if snapshot.watermarks_complete);
        app.apply(ev);
        if snapshot_event {
            let orders = app
                .shared
                .topic_list()
                .iter()
                .find(|t| t.name == "orders")
                .and_then(|t| t.messages());
            orders_counts.push(orders.unwrap_or(0));
        }
        if groups_event {
            for (g, j) in &app.shared.lag.judged {
                if let Some(s) = j.status {
                    seen.insert((g.clone(), s));
                }
            }
        }
        let reached = |g: &str, s: LagStatus| seen.contains(&(g.to_string(), s));
        if reached(GROUP_OK, LagStatus::Ok)
            && reached(GROUP_BEHIND, LagStatus::Warn)
            && reached(GROUP_STOPPED, LagStatus::Stop)
            && orders_counts.len() >= 3
        {
            break;
        }
    }
    // Every topic of the shop, the seed in them, and live traffic growing it.
    let names: HashSet<&str> = app
        .shared
        .topic_list()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    for (t, parts) in TOPICS {
        assert!(names.contains(t), "{t} missing");
        let topic = app
            .shared
            .topic_list()
            .iter()
            .find(|x| x.name == t)
            .unwrap();
        assert_eq!(topic.partitions.len(), parts as usize);
    }
    assert!(
        orders_counts[0] as u64 > SEED_ORDERS,
        "seeded orders: {orders_counts:?}"
    );
    assert!(
        orders_counts.last() > orders_counts.first(),
        "live traffic: {orders_counts:?}"
    );
    // email-sender never moves: committed offsets stay where they were put.
    let stopped = app
        .shared
        .group_list()
        .iter()
        .find(|g| g.id == GROUP_STOPPED)
        .unwrap();
    assert!(stopped.total_lag().unwrap_or(0) > 0);

    drop(worker);
    let t = Instant::now();
    let took = demo.stop();
    eprintln!("demo stopped in {took:?} ({:?} in all)", t.elapsed());
    // A hang detector, not a benchmark (benches/ measure speed).
    assert!(took < Duration::from_secs(5), "demo took {took:?} to stop");
}

/// The command that makes screenshots/ works from a clean start: every
/// picture is written, from the demo's live data.
/// The demo serves its schemas over loopback: `creel -r URL tail --json`
/// (another process, as a user in another terminal) decodes every Avro and
/// Protobuf record, keys and values.
#[test]
fn demo_registry_decodes_its_avro_and_protobuf_topics_for_other_processes() {
    let demo = Demo::start().expect("demo starts");
    for (topic, kind, message) in [
        ("returns", "AVRO", None),
        (
            "loyalty-points",
            "PROTOBUF",
            Some("shop.loyalty.PointsEarned"),
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
            .args(["-b", &demo.bootstrap, "-r", &demo.registry_url])
            .args(["tail", "-t", topic, "-o", "beginning", "-n", "50", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 50);
        for l in &lines {
            assert_eq!(l["value_schema"]["type"], kind, "{l}");
            assert_eq!(l["value_schema"]["subject"], format!("{topic}-value"));
            assert_eq!(l["value_schema"]["message"].as_str(), message);
            assert!(l["value_decoded"].is_object(), "{l}");
            assert_eq!(l["key_schema"]["subject"], format!("{topic}-key"));
        }
    }
}

#[test]
fn demo_screenshots_are_taken_from_live_data() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["demo", "--screenshots"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for name in creel::demo::screenshots::NAMES {
        let svg = std::fs::read_to_string(dir.path().join(format!("{name}.svg")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(svg.contains("demo"), "{name}");
    }
    let read = |n: &str| std::fs::read_to_string(dir.path().join(format!("{n}.svg"))).unwrap();
    assert!(read("message-json").contains("ORD-PLANTED-7731"));
    assert!(read("search").contains("1 match"));
    assert!(read("produce").contains("delivered"));
    let groups = read("groups");
    for status in ["OK", "WARN", "STOP"] {
        assert!(
            groups.contains(&format!(">{status}<")) || groups.contains(status),
            "{status}"
        );
    }
    eprintln!("screenshots taken in {:?}", started.elapsed());
}
