//! Paging through a long topic on librdkafka's mock cluster with a small
//! window: every offset seen exactly once each way, memory bounded.
//!
//! Four partitions whose clocks run at different speeds (partition p
//! covers p + 1 times the time of partition 0), so a page of equal offset
//! counts runs some partitions far ahead of others in time: the window
//! must still show every message once, in order, each way.
//! PAGING_PARTITIONS, PAGING_PER_PARTITION and PAGING_EVEN=1 (one clock)
//! change the shape.

use creel::app::fixtures::sent;
use std::collections::HashSet;
use std::time::Duration;

use creel::app::{Action, App};
use creel::config::Settings;
use creel::kafka::mock::{Mock, Record, TrafficProducer};
use creel::kafka::spawn_worker;
use creel::model::StartAt;
use creel::protocol::Command;

const PER_PARTITION: i64 = 50_000;
/// The window: a twentieth of the topic, so the walk pages many times.
const WINDOW: usize = 10_000;
const PARTITIONS: i32 = 4;
fn partitions() -> i32 {
    std::env::var("PAGING_PARTITIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PARTITIONS)
}

fn per_partition() -> i64 {
    std::env::var("PAGING_PER_PARTITION")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PER_PARTITION)
}

async fn settle(worker: &mut creel::kafka::WorkerHandle, app: &mut App) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while app.explorer().is_some_and(|e| e.loading.is_some()) {
        let ev = tokio::time::timeout_at(deadline, worker.events.recv())
            .await
            .expect("page within 60 s")
            .expect("worker");
        app.apply(ev);
    }
}

/// Press a key; true when it asked for a page (the cursor then stays put
/// until the next press, as it does for a person).
async fn press(worker: &mut creel::kafka::WorkerHandle, app: &mut App, action: Action) -> bool {
    let mut paged = false;
    for c in sent(app.press(action)) {
        if let Command::ReadMessages(r) = &c {
            if std::env::var_os("PAGING_DEBUG").is_some() {
                eprintln!("{:?} {:?} max {} tail {}", r.kind, r.start, r.max, r.tail);
            }
            worker.commands.send(c).await.unwrap();
            paged = true;
        }
    }
    settle(worker, app).await;
    paged
}

fn selected(app: &App) -> Option<(i32, i64)> {
    app.explorer()?.selected().map(|m| (m.partition, m.offset))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_thousand_messages_on_uneven_clocks_through_a_ten_thousand_window() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("long", partitions(), 1).unwrap();
    let b = mock.bootstrap();
    let p = TrafficProducer::new(&b).unwrap();
    let per = per_partition();
    for o in 0..per {
        for partition in 0..partitions() {
            let v = format!("m{partition}-{o}");
            p.send(&Record {
                topic: "long",
                partition: Some(partition),
                key: None,
                value: Some(v.as_bytes()),
                headers: &[],
                timestamp_ms: Some(
                    1_700_000_000_000 + o * 10 * spread(partition) + i64::from(partition),
                ),
            })
            .unwrap();
        }
    }
    p.flush(Duration::from_secs(60)).unwrap();

    let mut worker = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    app.shared.page_size = 40;
    let cmds = app.open_messages("long", None, StartAt::Beginning);
    if let Some(ex) = app.explorer_mut() {
        ex.cap_messages = WINDOW;
    }
    // The request was made with the default cap: ask again with ours.
    drop(cmds);
    let req = app.explorer().unwrap().initial_request();
    worker
        .commands
        .send(Command::ReadMessages(req))
        .await
        .unwrap();
    settle(&mut worker, &mut app).await;
    press(&mut worker, &mut app, Action::Top).await;

    let total = (i64::from(partitions()) * per) as usize;
    let mut down = Vec::with_capacity(total);
    let mut max_bytes = 0;
    let mut max_held = 0;
    let mut last_of: std::collections::HashMap<i32, i64> = Default::default();
    loop {
        let here = selected(&app);
        if let Some(k) = here {
            if down.last() != Some(&k) {
                down.push(k);
                if std::env::var_os("PAGING_DEBUG").is_some() {
                    if let Some(prev) = last_of.insert(k.0, k.1) {
                        if k.1 != prev + 1 {
                            let ex = app.explorer().unwrap();
                            eprintln!(
                                "jump in partition {}: {prev} -> {}; ranges {:?}; visible {} of {}; cursor {}",
                                k.0, k.1, ex.ranges, ex.visible.len(), ex.messages.len(), ex.cursor.selected
                            );
                        }
                    }
                }
            }
        }
        let ex = app.explorer().unwrap();
        max_bytes = max_bytes.max(ex.bytes);
        max_held = max_held.max(ex.messages.len());
        let paged = press(&mut worker, &mut app, Action::Down).await;
        if selected(&app) == here && !paged {
            let ex = app.explorer().unwrap();
            if down.len() < total {
                let seen: HashSet<_> = down.iter().copied().collect();
                let missing: Vec<(i32, i64)> = (0..partitions())
                    .flat_map(|p| (0..per).map(move |o| (p, o)))
                    .filter(|k| !seen.contains(k))
                    .collect();
                // Contiguous runs, to see where the walk skipped.
                let mut runs: Vec<(i32, i64, i64)> = vec![];
                for (p, o) in &missing {
                    match runs.last_mut() {
                        Some((rp, _, hi)) if rp == p && *hi + 1 == *o => *hi = *o,
                        _ => runs.push((*p, *o, *o)),
                    }
                }
                eprintln!(
                    "missing {} in runs {:?}",
                    missing.len(),
                    &runs[..runs.len().min(20)]
                );
            }
            assert!(
                down.len() >= total,
                "stuck at {here:?} after {} of {total}; ranges {:?}, loading {:?}, error {:?}, visible {} of {}",
                down.len(),
                ex.ranges,
                ex.loading,
                ex.error,
                ex.visible.len(),
                ex.messages.len()
            );
            break;
        }
        assert!(down.len() <= total, "walked past the end");
    }
    assert_eq!(down.len(), total);
    assert_eq!(
        down.iter().collect::<HashSet<_>>().len(),
        total,
        "each offset once going down"
    );
    assert!(max_held <= WINDOW, "held {max_held}");
    assert!(max_bytes <= WINDOW * 100, "held {max_bytes} bytes");

    let mut up = Vec::with_capacity(total);
    loop {
        let here = selected(&app);
        if let Some(k) = here {
            if up.last() != Some(&k) {
                up.push(k);
            }
        }
        let paged = press(&mut worker, &mut app, Action::Up).await;
        if selected(&app) == here && !paged {
            assert!(
                up.len() >= total,
                "stuck at {here:?} after {} of {total} going up",
                up.len()
            );
            break;
        }
        assert!(up.len() <= total, "walked past the start");
    }
    up.reverse();
    assert_eq!(up, down, "the same offsets, once each, coming back up");
    drop(worker);
}

/// How fast a partition's clock runs: partition p covers (p + 1) times the
/// time of partition 0 with as many messages (one clock with PAGING_EVEN).
fn spread(partition: i32) -> i64 {
    if std::env::var_os("PAGING_EVEN").is_some() {
        1
    } else {
        i64::from(partition) + 1
    }
}
