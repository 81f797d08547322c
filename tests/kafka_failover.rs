//! A broker of a three-node Kafka cluster stops under a replicated topic
//! and comes back, while creel watches: the header counts 2 of 3 brokers,
//! the topic is under-replicated, leaders and ISR move within a refresh,
//! reading and producing go on, and all is healthy again after the return.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_stops_and_returns_under_a_replicated_topic() {
    let k = kafka::cluster();
    let b = k.bootstrap("PLAINTEXT").to_string();
    let topic = "replicated";
    create_topics_rf(&b, &[(topic, 3)], 3).await;
    for p in 0..3 {
        produce(&b, topic, p, 5).await;
    }
    let mut s = creel::config::Settings::for_bootstrap(&b);
    s.refresh = Duration::from_secs(2);
    let mut worker = spawn_worker(&s).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "3 healthy brokers",
        |a| {
            a.shared
                .broker_health()
                .is_some_and(|c| c.up == 3 && c.total == 3)
                && leaders_and_isr(a, topic).len() == 3
                && leaders_and_isr(a, topic)
                    .iter()
                    .all(|(_, isr)| isr.len() == 3)
        },
    )
    .await;
    assert!(header(&app).contains("brokers 3/3 up"), "{}", header(&app));
    // A live tail, as a person watching the topic would have.
    for c in creel::app::commands_of(&app.open_messages(topic, None, StartAt::End)) {
        worker.commands.send(c).await.unwrap();
    }

    // Node 2 stops (an operator's clean shutdown).
    let stopped_at = Instant::now();
    k.stop_node(2);
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "node 2 seen gone",
        |a| {
            let parts = leaders_and_isr(a, topic);
            a.shared
                .broker_health()
                .is_some_and(|c| c.up == 2 && c.total == 3)
                && parts.len() == 3
                && parts.iter().all(|(l, isr)| *l != 2 && !isr.contains(&2))
        },
    )
    .await;
    eprintln!("node 2's loss shown after {:?}", stopped_at.elapsed());
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

    // Producing and reading go on with two brokers.
    for p in 0..3 {
        produce(&b, topic, p, 2).await;
    }
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the new messages tailed",
        |a| a.explorer().is_some_and(|e| e.messages.len() == 6),
    )
    .await;

    // Node 2 returns: healthy again within a bounded time.
    let started_at = Instant::now();
    k.start_node(2);
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(90),
        "node 2 back in every ISR",
        |a| {
            let parts = leaders_and_isr(a, topic);
            a.shared
                .broker_health()
                .is_some_and(|c| c.up == 3 && c.total == 3)
                && parts.len() == 3
                && parts.iter().all(|(_, isr)| isr.len() == 3)
        },
    )
    .await;
    eprintln!(
        "healthy again {:?} after node 2 started",
        started_at.elapsed()
    );
    assert!(header(&app).contains("brokers 3/3 up"));
    let t = complete(&app)
        .unwrap()
        .topics
        .iter()
        .find(|t| t.name == topic)
        .unwrap();
    assert_eq!(t.under_replicated(), 0);
    assert_eq!(t.messages(), Some(21));
}
