//! Every broker gone, then back, while the messages view follows a topic
//! that a producer keeps writing (librdkafka's mock cluster, in this
//! process; the outage is fifteen seconds here, a minute by hand changes
//! only the wait). What the user sees: the header says all brokers are
//! down within a refresh, every message already loaded stays on screen,
//! creel reconnects by itself, and the view goes on following with no
//! message missing or shown twice.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use creel::app::fixtures::{render_text, sent};
use creel::app::App;
use creel::config::Settings;
use creel::kafka::spawn_worker;
use creel::model::StartAt;
use rdkafka::mocking::MockCluster;

/// (partition, offset) of every message the view holds, and their values.
fn held(app: &App) -> (Vec<(i32, i64)>, Vec<String>) {
    let ex = app.explorer().expect("the messages view");
    let keys = ex
        .messages
        .iter()
        .map(|m| (m.partition, m.offset))
        .collect();
    let values = ex
        .messages
        .iter()
        .map(|m| String::from_utf8_lossy(m.value.as_deref().unwrap_or_default()).into_owned())
        .collect();
    (keys, values)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_brokers_gone_then_back_keeps_the_view_and_follows_on() {
    let mock = MockCluster::new(3).unwrap();
    mock.create_topic("events", 3, 3).unwrap();
    let b = mock.bootstrap_servers();
    let writer = common::Writer::start(&b, "events", Duration::from_millis(20), |n| {
        (None, format!("event {n}"), None)
    });
    let mut settings = Settings::for_bootstrap(&b);
    settings.refresh = Duration::from_secs(2);
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("test", &b, chrono::Local::now());
    common::pump(&mut worker, &mut app, Duration::from_secs(3)).await;
    for c in sent(app.open_messages("events", None, StartAt::Beginning)) {
        worker.commands.send(c).await.unwrap();
    }
    common::pump(&mut worker, &mut app, Duration::from_secs(4)).await;
    let (before, _) = held(&app);
    assert!(before.len() > 50, "the view follows: {}", before.len());

    for id in 1..=3 {
        mock.broker_down(id).unwrap();
    }
    // Within a refresh (two seconds) and librdkafka noticing the sockets.
    common::pump(&mut worker, &mut app, Duration::from_secs(15)).await;
    let s = render_text(&mut app, 140, 20);
    assert!(s.contains("all brokers down"), "{s}");
    let (during, _) = held(&app);
    assert!(
        during.len() >= before.len() && during[..before.len()] == before[..],
        "every loaded message stays on screen"
    );

    for id in 1..=3 {
        mock.broker_up(id).unwrap();
    }
    common::pump(&mut worker, &mut app, Duration::from_secs(12)).await;
    let s = render_text(&mut app, 140, 20);
    assert!(
        !s.contains("all brokers down"),
        "reconnected by itself: {s}"
    );
    let written = writer.stop();
    common::pump(&mut worker, &mut app, Duration::from_secs(6)).await;

    // Every message written, once: per partition, offsets 0.. without a
    // gap, and each value once.
    let (after, values) = held(&app);
    let unique: BTreeSet<&(i32, i64)> = after.iter().collect();
    assert_eq!(unique.len(), after.len(), "no message twice");
    for p in 0..3 {
        let offsets: Vec<i64> = after.iter().filter(|m| m.0 == p).map(|m| m.1).collect();
        let want: Vec<i64> = (0..offsets.len() as i64).collect();
        let mut got = offsets.clone();
        got.sort_unstable();
        assert_eq!(got, want, "partition {p}: no gap");
    }
    let distinct: BTreeSet<&String> = values.iter().collect();
    assert_eq!(distinct.len(), values.len());
    assert_eq!(after.len() as u64, written, "all {written} messages held");
}
