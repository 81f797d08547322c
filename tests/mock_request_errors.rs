//! Requests failing with injected errors, retriable and fatal, one request
//! type at a time (librdkafka's mock cluster, in this process): each
//! surfaces as one clear line naming what creel was doing, and creel goes
//! on: once the errors stop, the same screen shows the cluster again.

mod common;

use std::time::Duration;

use creel::app::fixtures::sent;
use creel::app::{Action, App};
use creel::config::Settings;
use creel::kafka::{spawn_worker, WorkerHandle};
use creel::protocol::Command;
use rdkafka::mocking::MockCluster;
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};

async fn send(worker: &WorkerHandle, cmds: Vec<Command>) {
    for c in cmds {
        worker.commands.send(c).await.unwrap();
    }
}

fn produce(b: &str, topic: &str, n: usize) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let p: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", b)
        .create()
        .unwrap();
    for i in 0..n {
        let v = format!("order {i}");
        p.send(
            BaseRecord::<(), _>::to(topic)
                .payload(&v)
                .partition((i % 3) as i32),
        )
        .map_err(|(e, _)| e)
        .unwrap();
    }
    p.flush(Duration::from_secs(10)).unwrap();
}

fn screen(app: &mut App) -> String {
    creel::app::fixtures::render_text(app, 120, 16)
}

/// A cluster with `orders` (3 partitions, 30 messages) and creel's worker
/// refreshing every second, its first refresh applied.
async fn start() -> (
    MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    WorkerHandle,
    App,
) {
    let mock = MockCluster::new(1).unwrap();
    mock.create_topic("orders", 3, 1).unwrap();
    let b = mock.bootstrap_servers();
    produce(&b, "orders", 30);
    let mut settings = Settings::for_bootstrap(&b);
    settings.refresh = Duration::from_secs(1);
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("test", &b, chrono::Local::now());
    common::pump(&mut worker, &mut app, Duration::from_secs(3)).await;
    assert!(
        orders_row(&mut app).contains(" 30 "),
        "{}",
        screen(&mut app)
    );
    (mock, worker, app)
}

fn orders_row(app: &mut App) -> String {
    let s = screen(app);
    s.lines()
        .find(|l| l.contains("│orders"))
        .unwrap_or_default()
        .to_string()
}

fn header(app: &mut App) -> String {
    screen(app).lines().nth(1).unwrap_or_default().to_string()
}

/// Watermarks refused (an ACL, as the broker says it): each refusing
/// partition keeps its last count and the topic's row says its offsets
/// were refused (the detail names the broker's error); the other topics of
/// a refresh are not lost with them. When the broker answers again the
/// row is healthy by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_watermarks_keep_the_counts_and_say_why_until_they_return() {
    let (mock, mut worker, mut app) = start().await;
    mock.request_errors(
        RDKafkaApiKey::ListOffsets,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED; 500],
    );
    common::pump(&mut worker, &mut app, Duration::from_secs(3)).await;
    let row = orders_row(&mut app);
    assert!(row.contains("3 offsets refused"), "{row}");
    assert!(row.contains(" 30 "), "the counts stay: {row}");
    app.select_topic("orders");
    app.press(Action::Open);
    let detail = creel::app::fixtures::render_text(&mut app, 160, 16);
    assert!(
        detail.contains("│0 ") && detail.contains("not authorized"),
        "{detail}"
    );
    app.press(Action::Back);
    mock.clear_request_errors(RDKafkaApiKey::ListOffsets);
    common::pump(&mut worker, &mut app, Duration::from_secs(3)).await;
    let row = orders_row(&mut app);
    assert!(row.contains(" ok") && row.contains(" 30 "), "{row}");
    assert!(!header(&mut app).contains("failed"));
}

/// Requests slower than their deadline (a 10 s round trip against 8 s):
/// the header says the refresh timed out and when it is tried again, not
/// that the cluster lacks the request; the counts shown stay; once the
/// cluster is fast again the line goes away by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_deadline_is_said_timed_out_and_retried() {
    let (mock, mut worker, mut app) = start().await;
    mock.broker_round_trip_time(1, Duration::from_secs(10))
        .unwrap();
    let mut seen = String::new();
    for _ in 0..40 {
        common::pump(&mut worker, &mut app, Duration::from_millis(500)).await;
        seen = header(&mut app);
        if seen.contains("timed out") {
            break;
        }
    }
    assert!(
        seen.contains("last refresh timed out, retrying") && seen.contains("no answer within 8 s"),
        "{seen}"
    );
    assert!(!seen.contains("may not support"), "{seen}");
    assert!(orders_row(&mut app).contains(" 30 "), "the counts stay");
    mock.broker_round_trip_time(1, Duration::ZERO).unwrap();
    for _ in 0..60 {
        common::pump(&mut worker, &mut app, Duration::from_millis(500)).await;
        seen = header(&mut app);
        if !seen.contains("timed out") {
            break;
        }
    }
    assert!(
        !seen.contains("timed out") && !seen.contains("failed"),
        "{seen}"
    );
    assert!(orders_row(&mut app).contains(" 30 "));
}

/// A send refused for good says why and keeps the draft; one refused a
/// few times with a retriable error is retried by the client and lands;
/// after the refusals stop, the same draft goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_send_says_why_and_a_retriable_one_lands() {
    use creel::app::fixtures::key;
    let (mock, mut worker, mut app) = start().await;
    send(&worker, sent(app.press(Action::Produce))).await;
    app.type_text("hello");
    mock.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED; 5],
    );
    send(&worker, key(&mut app, "ctrl-s")).await;
    common::pump(&mut worker, &mut app, Duration::from_secs(3)).await;
    let s = creel::app::fixtures::render_text(&mut app, 120, 40);
    assert!(
        s.contains("✖ failed: not authorized") && s.contains("(the draft is kept)"),
        "{s}"
    );
    assert!(s.contains("│hello"), "{s}");
    mock.clear_request_errors(RDKafkaApiKey::Produce);
    mock.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS; 2],
    );
    send(&worker, key(&mut app, "ctrl-s")).await;
    common::pump(&mut worker, &mut app, Duration::from_secs(4)).await;
    let s = creel::app::fixtures::render_text(&mut app, 120, 40);
    assert!(!s.contains("✖"), "{s}");
    assert!(s.contains("✔"), "a delivery report: {s}");
    // Exactly one more message per partition it went to: 31 in all.
    key(&mut app, "esc");
    key(&mut app, "esc");
    common::pump(&mut worker, &mut app, Duration::from_secs(2)).await;
    assert!(
        orders_row(&mut app).contains(" 31 "),
        "{}",
        screen(&mut app)
    );
}

/// Fetches failing: a retriable error (a leader moving) is retried and
/// every message is read once; a refusal is said under the list, and the
/// read goes on when the broker answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_errors_lose_nothing_and_a_refusal_is_said() {
    let (mock, mut worker, mut app) = start().await;
    mock.request_errors(
        RDKafkaApiKey::Fetch,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION; 5],
    );
    let out = app.open_messages("orders", None, creel::model::StartAt::Beginning);
    send(&worker, sent(out)).await;
    common::pump(&mut worker, &mut app, Duration::from_secs(4)).await;
    let s = screen(&mut app);
    assert!(s.contains("(30 held"), "{s}");
    mock.clear_request_errors(RDKafkaApiKey::Fetch);
    // A new read, refused.
    mock.request_errors(
        RDKafkaApiKey::Fetch,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED; 5],
    );
    let out = app.open_messages("orders", None, creel::model::StartAt::Beginning);
    send(&worker, sent(out)).await;
    common::pump(&mut worker, &mut app, Duration::from_secs(4)).await;
    let s = screen(&mut app);
    assert!(s.contains("✖ read: not authorized"), "{s}");
    mock.clear_request_errors(RDKafkaApiKey::Fetch);
    common::pump(&mut worker, &mut app, Duration::from_secs(4)).await;
    let s = screen(&mut app);
    assert!(s.contains("(30 held"), "the read goes on: {s}");
    assert!(!s.contains('✖'), "and the error line is gone: {s}");
}
