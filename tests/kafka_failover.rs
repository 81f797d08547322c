//! Brokers of a three-node Kafka cluster stop under a replicated topic and
//! come back, five times (each node in turn), while creel watches the
//! topic list, a live tail and a group's lag: each time the header counts
//! 2 of 3 brokers, the topic is under-replicated, leaders and ISR move
//! within a refresh, reading and producing go on, and after the return all
//! is healthy again with the right counts and the right lag; the tail holds
//! every message written exactly once, in offset order, and memory does
//! not grow from cycle to cycle. `creel lag --watch`'s own client counts
//! every partition after each return, and while a partition with one
//! replica has no leader, `creel lag` says its total is partial.
//!
//! The lag watch found two librdkafka 2.12.1 defects (vendor/README.md):
//! the process aborted when the group's coordinator came back after a
//! request to it had timed out, and the group's offsets never answered
//! again once its coordinator had left the metadata.
//! This binary has a cluster of its own: stopping a node would disturb the
//! tests sharing the other one.

mod common;

use std::time::{Duration, Instant};

use common::{create_topics_rf, kafka, produce};
use creel::app::App;
use creel::kafka::spawn_worker;
use creel::model::{ClusterSnapshot, StartAt};

fn complete(app: &App) -> Option<&ClusterSnapshot> {
    app.shared
        .snapshot
        .as_ref()
        .filter(|s| s.watermarks_complete)
}

/// Each partition's leader and ISR, from the last complete snapshot (empty
/// while a refresh is half done).
fn leaders_and_isr(app: &App, topic: &str) -> Vec<(i32, Vec<i32>)> {
    complete(app)
        .and_then(|s| s.topics.iter().find(|t| t.name == topic))
        .map(|t| {
            t.partitions
                .iter()
                .map(|p| (p.leader, p.isr.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn header(app: &App) -> String {
    use ratatui::backend::TestBackend;
    let mut t = ratatui::Terminal::new(TestBackend::new(160, 20)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, 0)].symbol())
        .collect::<String>()
}

fn tailed(app: &App) -> Vec<(i32, i64)> {
    let mut seen: Vec<(i32, i64)> = app
        .explorer()
        .map(|e| e.messages.iter().map(|m| (m.partition, m.offset)).collect())
        .unwrap_or_default();
    seen.sort();
    seen
}

fn group_lag(app: &App, group: &str) -> Option<i64> {
    app.shared
        .group_list()
        .iter()
        .find(|g| g.id == group)
        .and_then(|g| g.total_lag())
}

fn healthy(app: &App, topic: &str) -> bool {
    let parts = leaders_and_isr(app, topic);
    app.shared
        .broker_health()
        .is_some_and(|c| c.up == 3 && c.total == 3)
        && parts.len() == 3
        && parts.iter().all(|(_, isr)| isr.len() == 3)
}

/// `creel lag` on a group whose `offline` partitions of `topic` have no
/// leader: not a verdict on the partitions it could read but "cannot
/// tell" (exit 2), naming the unread ones, with the lag of the others (3
/// behind on each). Asked again for a while: the group's coordinator may
/// have been on the stopped node too, and takes seconds to move.
fn lag_is_said_partial(bootstrap: &str, group: &str, topic: &str, offline: &[i32]) {
    let asked_at = Instant::now();
    let said = format!(
        "cannot tell: group {group:?}: {} of 3 partitions unread, its lag counts only the others: ",
        offline.len()
    );
    loop {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
            .args(["-b", bootstrap, "lag", "--group", group, "--json"])
            .args(["--samples", "3", "--interval", "1"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let g = &v["groups"][0];
        let unread: Vec<i64> = g["partitions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| !p["error"].is_null())
            .filter_map(|p| p["partition"].as_i64())
            .collect();
        let right = out.status.code() == Some(2)
            && err.contains(&said)
            && offline
                .iter()
                .all(|p| err.contains(&format!("{topic}/{p}: ")))
            && v["verdict"] == "cannot tell"
            && unread == offline.iter().map(|p| *p as i64).collect::<Vec<_>>()
            && g["lag"] == 3 * (3 - offline.len() as i64);
        if right {
            eprintln!("partial lag said after {:?}: {err}", asked_at.elapsed());
            return;
        }
        assert!(
            asked_at.elapsed() < Duration::from_secs(60),
            "partitions {offline:?} of {topic} offline: exit {:?}\n{err}\n{v}",
            out.status.code()
        );
        std::thread::sleep(Duration::from_secs(2));
    }
}

/// A topic of 3 partitions with `rf` replicas and `written` messages on
/// each, and a group that committed `committed` on each.
async fn three_partitions_read_to(
    b: &str,
    topic: &str,
    rf: i32,
    written: usize,
    group: &str,
    committed: i64,
) {
    create_topics_rf(b, &[(topic, 3)], rf).await;
    for p in 0..3 {
        produce(b, topic, p, written).await;
    }
    let offsets: Vec<(&str, i32, i64)> = (0..3).map(|p| (topic, p, committed)).collect();
    common::commit(b, group, &offsets);
}

const CYCLES: i64 = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brokers_stop_and_return_five_times_under_a_replicated_topic() {
    let k = kafka::cluster();
    let b = k.bootstrap("PLAINTEXT").to_string();
    let topic = "replicated";
    // A group that read 3 messages of each partition and stopped: its lag
    // is what was written after them.
    let group = "failover-watchers";
    three_partitions_read_to(&b, topic, 3, 5, group, 3).await;
    // One replica per partition: while its leader is down a partition
    // cannot be read at all, and `creel lag` must say its total is partial.
    let solo = "unreplicated";
    let solo_group = "unreplicated-readers";
    three_partitions_read_to(&b, solo, 1, 4, solo_group, 1).await;
    let mut s = creel::config::Settings::for_bootstrap(&b);
    s.refresh = Duration::from_secs(2);
    s.groups_refresh = Duration::from_secs(2);
    let mut worker = spawn_worker(&s).unwrap();
    // `creel lag --watch`'s own client beside the TUI's worker: one
    // long-lived client that asks only for groups and offsets.
    let headless =
        std::sync::Arc::new(creel::kafka::GroupsClient::new(&s, Duration::from_secs(10)).unwrap());
    let only = [group.to_string(), solo_group.to_string()];
    // It samples all along, through every outage, as `creel lag --watch`
    // does: a client that met a partition without a leader must find it
    // again after the return (the tmux trial found it stuck for good).
    let sampling = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (client, only, on) = (headless.clone(), only.clone(), sampling.clone());
        std::thread::spawn(move || {
            while on.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = client.fetch(Some(&only));
                std::thread::sleep(Duration::from_secs(2));
            }
        })
    };
    let mut app = App::new("t", &b, chrono::Local::now());
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "3 healthy brokers",
        |a| healthy(a, topic),
    )
    .await;
    assert!(header(&app).contains("brokers 3/3 up"), "{}", header(&app));
    let solo_leaders: Vec<i32> = leaders_and_isr(&app, solo)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(solo_leaders.len(), 3, "{solo_leaders:?}");
    let mut partial_lag_said = false;
    // The headless client knows both groups' partitions before any node
    // stops, as a watch started earlier would.
    let before = tokio::task::block_in_place(|| headless.fetch(Some(&only))).unwrap();
    assert_eq!(before.groups.len(), 2);
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the group's lag of 6",
        |a| group_lag(a, group) == Some(6),
    )
    .await;
    // A live tail, as a person watching the topic would have.
    for c in creel::app::commands_of(&app.open_messages(topic, None, StartAt::End)) {
        worker.commands.send(c).await.unwrap();
    }

    let mut rss = vec![];
    for cycle in 1..=CYCLES {
        // Each node in turn (an operator's clean shutdown).
        let node = (cycle as u32 - 1) % 3 + 1;
        let stopped_at = Instant::now();
        k.stop_node(node);
        common::drive(
            &mut worker,
            &mut app,
            Duration::from_secs(30),
            &format!("cycle {cycle}: node {node} seen gone"),
            |a| {
                let parts = leaders_and_isr(a, topic);
                a.shared
                    .broker_health()
                    .is_some_and(|c| c.up == 2 && c.total == 3)
                    && parts.len() == 3
                    && parts
                        .iter()
                        .all(|(l, isr)| *l != node as i32 && !isr.contains(&(node as i32)))
            },
        )
        .await;
        eprintln!(
            "cycle {cycle}: node {node}'s loss shown after {:?}",
            stopped_at.elapsed()
        );
        let h = header(&app);
        assert!(h.contains("brokers 2/3 up"), "{h}");
        let t = complete(&app)
            .unwrap()
            .topics
            .iter()
            .find(|t| t.name == topic)
            .unwrap();
        assert_eq!(t.under_replicated(), 3, "every partition lost a replica");
        assert!(t.partitions.iter().all(|p| p.replicas.len() == 3));
        let offline: Vec<i32> = (0..3)
            .filter(|p| solo_leaders[*p as usize] == node as i32)
            .collect();
        if !offline.is_empty() {
            tokio::task::block_in_place(|| lag_is_said_partial(&b, solo_group, solo, &offline));
            partial_lag_said = true;
        }

        // Producing and reading go on with two brokers.
        for p in 0..3 {
            produce(&b, topic, p, 2).await;
        }
        let written = 6 * cycle as usize;
        common::drive(
            &mut worker,
            &mut app,
            Duration::from_secs(30),
            &format!("cycle {cycle}: the new messages tailed"),
            |a| tailed(a).len() >= written,
        )
        .await;

        // The node returns: healthy again within a bounded time.
        let started_at = Instant::now();
        k.start_node(node);
        common::drive(
            &mut worker,
            &mut app,
            Duration::from_secs(90),
            &format!("cycle {cycle}: node {node} back in every ISR"),
            |a| healthy(a, topic),
        )
        .await;
        eprintln!(
            "cycle {cycle}: healthy again {:?} after node {node} started",
            started_at.elapsed()
        );
        assert!(header(&app).contains("brokers 3/3 up"));
        let messages = 15 + 6 * cycle;
        // The counts of a refresh after the return, not one from before.
        common::drive(
            &mut worker,
            &mut app,
            Duration::from_secs(30),
            &format!("cycle {cycle}: {messages} messages counted"),
            |a| {
                complete(a)
                    .and_then(|s| s.topics.iter().find(|t| t.name == topic))
                    .is_some_and(|t| t.under_replicated() == 0 && t.messages() == Some(messages))
            },
        )
        .await;
        // The lag watch after the return: 5 + 2 * cycle written on each
        // partition, 3 of them committed.
        let lag = 3 * (2 + 2 * cycle);
        common::drive(
            &mut worker,
            &mut app,
            Duration::from_secs(60),
            &format!("cycle {cycle}: the group's lag of {lag}"),
            |a| group_lag(a, group) == Some(lag),
        )
        .await;
        // And the headless watch, every partition counted (it used to keep
        // asking a partition's old leader, and summed the others as if
        // they were the whole lag).
        let asked_at = Instant::now();
        let mut last_answer;
        let headless_lag = loop {
            let snap = tokio::task::block_in_place(|| headless.fetch(Some(&only)));
            last_answer = describe_answer(&snap);
            let groups = snap.map(|s| s.groups).unwrap_or_default();
            let counted_of = |id: &str| {
                groups.iter().find(|g| g.id == id).map(|g| {
                    let complete =
                        g.partitions.len() == 3 && g.partitions.iter().all(|p| p.lag().is_some());
                    (complete, g.total_lag())
                })
            };
            // The unreplicated group: 3 behind on each partition, back in
            // full once its leader returned.
            let counted =
                counted_of(group).filter(|_| counted_of(solo_group) == Some((true, Some(9))));
            if counted == Some((true, Some(lag))) || asked_at.elapsed() > Duration::from_secs(60) {
                break counted;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        };
        if headless_lag != Some((true, Some(lag))) {
            // Whether a new client reads what the long-lived one cannot
            // tells a stuck client from a cluster that cannot answer.
            let fresh = creel::kafka::GroupsClient::new(&s, Duration::from_secs(10)).unwrap();
            let fresh_answer =
                describe_answer(&tokio::task::block_in_place(|| fresh.fetch(Some(&only))));
            panic!(
                "cycle {cycle}: the headless lag watch; its last answer: {last_answer}\n\
                 a new client's: {fresh_answer}"
            );
        }
        // Every message written since the tail began, once, in order: on
        // partition p the offsets 5 .. 5 + 2 * cycle.
        let expected: Vec<(i32, i64)> = (0..3)
            .flat_map(|p| (5..5 + 2 * cycle).map(move |o| (p, o)))
            .collect();
        assert_eq!(tailed(&app), expected, "cycle {cycle}: the tail");
        rss.push(common::rss_mb(std::process::id()).unwrap_or(0.0));
    }
    assert!(
        partial_lag_said,
        "no node led a partition of {solo}: {solo_leaders:?}"
    );
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    sampler.join().unwrap();
    eprintln!("RSS after each return (MB): {rss:?}");
    // The first cycle warms up clients and caches; after it, flat.
    let growth = rss.last().unwrap() - rss[1];
    assert!(
        growth < 16.0,
        "memory grew {growth:.1} MB over the cycles: {rss:?}"
    );
}

/// What a headless lag sample held, partition by partition, for a failure
/// message.
fn describe_answer(
    snap: &Result<creel::model::GroupsSnapshot, creel::protocol::OpError>,
) -> String {
    match snap {
        Err(e) => format!("error: {e}"),
        Ok(s) => s
            .groups
            .iter()
            .map(|g| {
                let parts: Vec<String> = g.partitions.iter().map(|p| format!("{p:?}")).collect();
                format!("{}: [{}] error {:?}", g.id, parts.join(", "), g.error)
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}
