//! "Following" means following: on a topic fifteen times the window, read
//! from the beginning, the view says it is browsing and how far behind it
//! is; `f` jumps to the live end at once, and new messages then arrive on
//! screen with the cursor on them. librdkafka's mock cluster, three
//! partitions.

use std::time::Duration;

use creel::app::fixtures::{key, sent};
use creel::app::App;
use creel::config::Settings;
use creel::kafka::mock::{Mock, Record, TrafficProducer};
use creel::kafka::{spawn_worker, WorkerHandle};
use creel::model::StartAt;
use creel::protocol::{Command, ReadStart};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const PARTITIONS: i32 = 3;
const PER_PARTITION: i64 = 50_000;
const WINDOW: usize = 10_000;

fn fill(p: &TrafficProducer, from: i64, to: i64) {
    for o in from..to {
        for partition in 0..PARTITIONS {
            let v = format!("m{partition}-{o}");
            p.send(&Record {
                topic: "live",
                partition: Some(partition),
                key: None,
                value: Some(v.as_bytes()),
                headers: &[],
                timestamp_ms: Some(1_700_000_000_000 + o * 10 + i64::from(partition)),
            })
            .unwrap();
        }
    }
    p.flush(Duration::from_secs(60)).unwrap();
}

/// Apply events until `done` holds, sending what the app asks for.
async fn until(w: &mut WorkerHandle, app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done(app) {
        let ev = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .unwrap_or_else(|_| panic!("no {what} within 60 s"))
            .expect("worker");
        for c in sent(app.apply(ev)) {
            w.commands.send(c).await.unwrap();
        }
    }
}

fn title(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(160, 30)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    let buf = t.backend().buffer();
    (0..160).map(|x| buf[(x, 2)].symbol().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f_jumps_to_the_live_end_and_new_messages_follow() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("live", PARTITIONS, 1).unwrap();
    let b = mock.bootstrap();
    let producer = TrafficProducer::new(&b).unwrap();
    fill(&producer, 0, PER_PARTITION);

    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    drop(app.open_messages("live", None, StartAt::Beginning));
    app.explorer_mut().unwrap().cap_messages = WINDOW;
    let req = app.explorer().unwrap().initial_request();
    w.commands.send(Command::ReadMessages(req)).await.unwrap();
    until(&mut w, &mut app, "the first window", |a| {
        a.explorer().is_some_and(|e| e.loading.is_none())
    })
    .await;

    // The window is full long before the end: browsing, and said so.
    let ex = app.explorer().unwrap();
    let held = ex.messages.len() as i64;
    assert!(held <= WINDOW as i64 && held > WINDOW as i64 / 2, "{held}");
    assert!(!ex.following());
    let newer = i64::from(PARTITIONS) * PER_PARTITION - held;
    let t = title(&app);
    let want = format!(
        "from the beginning · browsing, {} newer messages, f to jump to the end",
        creel::ui::text::thousands(newer)
    );
    assert!(t.contains(&want), "{t}");

    // `f`: a new read of the newest messages of every partition.
    let cmds = key(&mut app, "f");
    let [Command::ReadMessages(r)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(r.start, ReadStart::At(StartAt::LastN(100)));
    assert!(r.tail);
    for c in cmds {
        w.commands.send(c).await.unwrap();
    }
    until(&mut w, &mut app, "the live end", |a| {
        a.explorer().is_some_and(|e| e.following())
    })
    .await;
    let ex = app.explorer().unwrap();
    for p in 0..PARTITIONS {
        assert!(
            ex.messages
                .iter()
                .any(|m| m.partition == p && m.offset == PER_PARTITION - 1),
            "the newest of partition {p} is held"
        );
    }
    assert_eq!(
        ex.selected().map(|m| (m.partition, m.offset)),
        Some((2, PER_PARTITION - 1)),
        "the cursor is on the newest message"
    );
    assert!(title(&app).contains("· following) "), "{}", title(&app));

    // New messages arrive on screen, the cursor on the newest.
    fill(&producer, PER_PARTITION, PER_PARTITION + 20);
    until(&mut w, &mut app, "the new messages", |a| {
        a.explorer()
            .and_then(|e| e.selected())
            .is_some_and(|m| m.partition == 2 && m.offset == PER_PARTITION + 19)
    })
    .await;
    assert!(app.explorer().unwrap().following());
    // Paused, arrivals wait; `f` applies them and follows again.
    key(&mut app, "space");
    fill(&producer, PER_PARTITION + 20, PER_PARTITION + 30);
    until(&mut w, &mut app, "arrivals while paused", |a| {
        a.explorer().is_some_and(|e| e.pending.len() == 30)
    })
    .await;
    assert!(
        title(&app).contains("paused, 30 waiting"),
        "{}",
        title(&app)
    );
    assert!(key(&mut app, "f").is_empty(), "at the live end: no jump");
    let ex = app.explorer().unwrap();
    assert!(ex.following());
    assert_eq!(ex.selected().unwrap().offset, PER_PARTITION + 29);
}

/// A topic written to without pause is never at its end on every partition
/// in the same instant; a read that reached each partition's end once is
/// live all the same, and must say "following" while the writes go on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_written_to_without_pause_is_followed() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("busy", 6, 1).unwrap();
    let b = mock.bootstrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (b, stop) = (b.clone(), stop.clone());
        std::thread::spawn(move || {
            let p = TrafficProducer::new(&b).unwrap();
            let mut i = 0i64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Bursts across all six partitions, a burst every 2 ms: some
                // partition nearly always has something new.
                for partition in 0..6 {
                    let v = format!("m{i}");
                    p.send(&Record {
                        topic: "busy",
                        partition: Some(partition),
                        key: None,
                        value: Some(v.as_bytes()),
                        headers: &[],
                        timestamp_ms: None,
                    })
                    .unwrap();
                }
                i += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            p.flush(Duration::from_secs(10)).unwrap();
            i
        })
    };
    std::thread::sleep(Duration::from_secs(1));

    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    for c in sent(app.open_messages("busy", None, StartAt::LastN(100))) {
        w.commands.send(c).await.unwrap();
    }
    until(&mut w, &mut app, "following", |a| {
        a.explorer().is_some_and(|e| e.following())
    })
    .await;
    assert!(title(&app).contains("· following) "), "{}", title(&app));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let bursts = writer.join().unwrap();
    // Still following after the writes stop: the newest message arrives.
    let last = format!("m{}", bursts - 1).into_bytes();
    until(&mut w, &mut app, "the last message written", |a| {
        a.explorer().is_some_and(|e| {
            e.messages
                .iter()
                .filter(|m| m.value.as_ref() == Some(&last))
                .count()
                == 6
        })
    })
    .await;
}
