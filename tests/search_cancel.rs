//! Esc during a search: the screen says "cancelled" at once, keeps the
//! matches found so far, and the worker's final report comes only after
//! every scanner consumer is closed. On the mock cluster with a slow
//! broker, so the search is still running when it is cancelled. (Alone in
//! its test binary: it counts the process's search consumers.)

use creel::app::fixtures::sent;
use std::time::Duration;

use creel::app::search::{SearchField, SearchForm, SearchOutcome};
use creel::app::{Action, App, Edit, Overlay, ScreenId};
use creel::config::Settings;
use creel::kafka::{live_search_consumers, spawn_worker};
use creel::protocol::Event;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_cancels_at_once_and_keeps_the_matches() {
    let mock = MockCluster::new(1).unwrap();
    mock.create_topic("events", 4, 1).unwrap();
    let b = mock.bootstrap_servers();
    let p: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .set("linger.ms", "5")
        .create()
        .unwrap();
    for i in 0..40_000 {
        let v = format!("event {i} {}", if i % 100 == 0 { "NEEDLE" } else { "hay" });
        p.send(
            BaseRecord::<(), _>::to("events")
                .payload(&v)
                .partition(i % 4),
        )
        .map_err(|(e, _)| e)
        .unwrap();
        if i % 1000 == 0 {
            p.poll(Duration::ZERO);
        }
    }
    p.flush(Duration::from_secs(30)).unwrap();
    // Every fetch now waits: the search takes many seconds.
    mock.broker_round_trip_time(1, Duration::from_millis(300))
        .unwrap();

    let mut settings = Settings::for_bootstrap(&b);
    // Small fetches (the user's properties win over creel's reading
    // defaults): each round trip brings a few messages.
    for (k, v) in [
        ("message.max.bytes", "1000"),
        ("fetch.max.bytes", "1000"),
        ("max.partition.fetch.bytes", "1000"),
    ] {
        settings.properties.insert(k.into(), v.into());
    }
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("test", &b, chrono::Local::now());
    // With no topic under the cursor, :search says what is missing.
    sent(app.press(Action::Command));
    for c in "search NEEDLE".chars() {
        app.type_text(&c.to_string());
    }
    assert!(sent(app.press(Action::Submit)).is_empty());
    assert!(app.overlays.is_empty());
    let msg = app.shared.status.clone().unwrap().text;
    assert!(msg.contains("no topic"), "{msg}");
    // The bar on the topic, typed as a user would.
    let mut form = SearchForm::new("events", None);
    for c in "NEEDLE".chars() {
        form.edit(Edit::Insert(c));
    }
    assert_eq!(form.focus, SearchField::Pattern);
    app.overlays.push(Overlay::SearchBar(Box::new(form)));
    run(&mut worker, &mut app).await;
}

async fn run(worker: &mut creel::kafka::WorkerHandle, app: &mut App) {
    for c in sent(app.press(Action::Submit)) {
        worker.commands.send(c).await.unwrap();
    }
    assert_eq!(app.screen, ScreenId::Search);
    // Wait for the first matches.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.screens.search.view.as_ref().unwrap().hits.is_empty() {
        let ev = tokio::time::timeout_at(deadline, worker.events.recv())
            .await
            .expect("first matches")
            .unwrap();
        app.apply(ev);
    }
    assert!(live_search_consumers() > 0, "the search is running");
    let before = app.screens.search.view.as_ref().unwrap().hits.len();
    for c in sent(app.press(Action::Back)) {
        worker.commands.send(c).await.unwrap();
    }
    let view = app.screens.search.view.as_ref().unwrap();
    assert_eq!(view.outcome, Some(SearchOutcome::Cancelled), "at once");
    assert_eq!(
        app.screen,
        ScreenId::Search,
        "Esc cancels; it does not leave"
    );
    // The worker's last word comes quickly, after its consumers closed.
    let t = std::time::Instant::now();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(5), worker.events.recv())
            .await
            .expect("a final report within seconds")
            .unwrap();
        let done = matches!(ev, Event::SearchDone { .. });
        if let Event::SearchDone {
            outcome, scanned, ..
        } = &ev
        {
            assert_eq!(*outcome, SearchOutcome::Cancelled);
            assert!(*scanned < 40_000, "cancelled before the end: {scanned}");
            assert_eq!(live_search_consumers(), 0, "no scanner left running");
        }
        app.apply(ev);
        if done {
            break;
        }
    }
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let view = app.screens.search.view.as_ref().unwrap();
    assert!(view.hits.len() >= before, "the matches found so far stay");
    assert!(view.hits.iter().all(|h| {
        let v = h.message.value.as_deref().unwrap();
        String::from_utf8_lossy(v).contains("NEEDLE")
    }));
    assert!(!view.running());
    // A second Esc leaves the screen.
    sent(app.press(Action::Back));
    assert_eq!(app.screen, ScreenId::Topics);
}
