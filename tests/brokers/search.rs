//! Search: a topic with known content over three partitions, searched on
//! each field, with each flag and scope; the exact set of (partition,
//! offset) found is compared with what the test planted.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::{create_topics, Broker};
use creel::app::search::{Query, SearchIn, SearchOutcome, SearchRequest, SearchView};
use creel::app::App;
use creel::kafka::spawn_worker;
use creel::model::StartAt;
use creel::protocol::Command;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::ClientConfig;

const N: usize = 60;

/// What was planted: index, partition, offset, and the fields.
struct Planted {
    i: usize,
    at: (i32, i64),
    key: String,
    value: Vec<u8>,
    headers: Vec<(String, String)>,
}

const KINDS: [&str; 3] = ["order", "click", "payment"];

/// tansu 0.6.0 answers a time lookup with the time a batch was stored, not
/// the record's timestamp: the test notes the clock between records 19 and
/// 20 and between 39 and 40, and searches between those times (on Kafka
/// the records' own timestamps fall on the same sides of those marks).
async fn plant(b: &str, topic: &str) -> (Vec<Planted>, i64, i64) {
    let mut marks = vec![];
    let p: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", b)
        .set("batch.num.messages", "1")
        .set("linger.ms", "0")
        .create()
        .unwrap();
    let mut out = vec![];
    for i in 0..=N {
        if i == 20 || i == 40 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            marks.push(chrono::Utc::now().timestamp_millis());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let partition = (i % 3) as i32;
        let key = format!("user-{}", i % 7);
        // The last one is binary: invalid UTF-8 around a byte pattern.
        let value = if i == N {
            b"\xff\xfe\x00\xde\xad\xbe\xef\x80 tail".to_vec()
        } else {
            let note = if i % 10 == 0 { "Refund asked" } else { "fine" };
            format!(r#"{{"seq":{i},"kind":"{}","note":"{note}"}}"#, KINDS[i % 3]).into_bytes()
        };
        let mut headers = vec![("trace".to_string(), format!("t-{i}"))];
        if i % 15 == 0 {
            headers.push(("x-debug".into(), "on".into()));
        }
        let mut h = OwnedHeaders::new();
        for (k, v) in &headers {
            h = h.insert(Header {
                key: k,
                value: Some(v),
            });
        }
        let rec = FutureRecord::to(topic)
            .partition(partition)
            .key(&key)
            .payload(&value)
            .headers(h);
        let d = p
            .send(rec, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| e)
            .unwrap();
        let (part, offset) = (d.partition, d.offset);
        out.push(Planted {
            i,
            at: (part, offset),
            key,
            value,
            headers,
        });
    }
    (out, marks[0], marks[1])
}

fn request(topic: &str, pattern: &str, target: SearchIn) -> SearchRequest {
    SearchRequest {
        session: 0,
        topic: topic.into(),
        query: Query {
            pattern: pattern.into(),
            target,
            case_insensitive: false,
            invert: false,
            decoded: false,
        },
        partitions: None,
        from: StartAt::Beginning,
        to: None,
        max_scanned: None,
        max_matches: None,
        preview: Some(512),
    }
}

/// Run one search through the app as the search screen does.
async fn run(
    worker: &mut creel::kafka::WorkerHandle,
    app: &mut App,
    mut req: SearchRequest,
) -> SearchView {
    let session = app
        .screens
        .search
        .view
        .as_ref()
        .map_or(0, |s| s.request.session)
        + 1;
    req.session = session;
    let matcher = creel::protocol::search::Matcher::new(&req.query).unwrap();
    app.screens.search.view = Some(SearchView::new(req.clone(), matcher, false));
    worker.commands.send(Command::Search(req)).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.screens.search.view.as_ref().unwrap().outcome.is_none() {
        match tokio::time::timeout_at(deadline, worker.events.recv()).await {
            Ok(Some(ev)) => {
                // Every scanner of this search is closed once it reports
                // its end.
                if let creel::protocol::Event::SearchDone { scanners_open, .. } = &ev {
                    assert_eq!(*scanners_open, 0, "scanners left open");
                }
                app.apply(ev);
            }
            _ => panic!("search did not finish"),
        }
    }
    app.screens.search.view.clone().unwrap()
}

fn found(v: &SearchView) -> BTreeSet<(i32, i64)> {
    v.hits.iter().map(|h| h.key()).collect()
}

fn expect(planted: &[Planted], f: impl Fn(&Planted) -> bool) -> BTreeSet<(i32, i64)> {
    planted.iter().filter(|p| f(p)).map(|p| p.at).collect()
}

fn text(p: &Planted) -> String {
    String::from_utf8_lossy(&p.value).into_owned()
}

crate::on_brokers!(
    searches_find_exactly_what_was_planted,
    a_missing_topic_or_partition_is_a_clear_failure
);
crate::on_brokers_sync!(creel_search_prints_matches_and_a_summary);

async fn searches_find_exactly_what_was_planted(broker: Broker) {
    let b = broker.bootstrap();
    let topic = broker.name("shop");
    create_topics(&b, &[(&topic, 3)]).await;
    let (planted, t20, t40) = plant(&b, &topic).await;
    let settings = broker.settings();
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("test", &b, chrono::Local::now());

    // Value.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, r#""kind":"click""#, SearchIn::Value),
    )
    .await;
    assert_eq!(v.outcome, Some(SearchOutcome::Completed));
    assert_eq!(v.scanned, (N + 1) as u64, "every message scanned once");
    let clicks = expect(&planted, |p| p.i < N && p.i % 3 == 1);
    assert_eq!(found(&v), clicks);
    assert_eq!(v.hits.len(), 20);

    // Key, anchored.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, "^user-3$", SearchIn::Key),
    )
    .await;
    assert_eq!(found(&v), expect(&planted, |p| p.key == "user-3"));

    // Header values and names.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, r"^t-1\d$", SearchIn::HeaderValues),
    )
    .await;
    assert_eq!(
        found(&v),
        expect(&planted, |p| p
            .headers
            .iter()
            .any(|(_, v)| v.len() == 4 && v.starts_with("t-1")))
    );
    assert_eq!(v.hits.len(), 10);
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, "x-debug", SearchIn::HeaderNames),
    )
    .await;
    assert_eq!(
        found(&v),
        expect(&planted, |p| p.headers.iter().any(|(k, _)| k == "x-debug"))
    );
    assert_eq!(v.hits.len(), 5);
    // A header name is not looked for among values, nor a value among keys.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, "x-debug", SearchIn::HeaderValues),
    )
    .await;
    assert!(v.hits.is_empty());

    // All fields at once.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, "^user-5$|^t-42$", SearchIn::All),
    )
    .await;
    assert_eq!(
        found(&v),
        expect(&planted, |p| p.key == "user-5" || p.i == 42)
    );

    // Case: without -i nothing, with -i every refund.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, "refund", SearchIn::Value),
    )
    .await;
    assert!(v.hits.is_empty());
    let mut req = request(&topic, "refund", SearchIn::Value);
    req.query.case_insensitive = true;
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(found(&v), expect(&planted, |p| p.i < N && p.i % 10 == 0));

    // Invert: every message that is not a click, the binary one included.
    let mut req = request(&topic, r#""kind":"click""#, SearchIn::Value);
    req.query.invert = true;
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(
        found(&v),
        expect(&planted, |p| !text(p).contains(r#""kind":"click""#))
    );

    // Scoped by partition.
    let mut req = request(&topic, r#""kind""#, SearchIn::Value);
    req.partitions = Some(vec![1]);
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(found(&v), expect(&planted, |p| p.at.0 == 1 && p.i < N));
    assert_eq!(v.total(), 20, "only partition 1 is in scope");

    // Scoped by offsets: from 5 to 9, both included, in every partition.
    let mut req = request(&topic, ".", SearchIn::Value);
    req.from = StartAt::Offset(5);
    req.to = Some(StartAt::Offset(9));
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(found(&v), expect(&planted, |p| (5..=9).contains(&p.at.1)));
    assert_eq!(v.scanned, 15);

    // Scoped by time: from the 20th record's time to the 40th's, excluded.
    let mut req = request(&topic, ".", SearchIn::Value);
    req.from = StartAt::Time(t20);
    req.to = Some(StartAt::Time(t40));
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(found(&v), expect(&planted, |p| (20..40).contains(&p.i)));

    // At most 5 matches: exactly 5, all of them real.
    let mut req = request(&topic, r#""kind""#, SearchIn::Value);
    req.max_matches = Some(5);
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(v.outcome, Some(SearchOutcome::MaxMatches));
    assert_eq!(v.hits.len(), 5);
    assert!(found(&v).is_subset(&expect(&planted, |p| p.i < N)));

    // At most 10 scanned.
    let mut req = request(&topic, ".", SearchIn::All);
    req.max_scanned = Some(10);
    let v = run(&mut worker, &mut app, req).await;
    assert_eq!(v.outcome, Some(SearchOutcome::MaxScanned));
    assert_eq!(v.scanned, 10);
    assert_eq!(v.hits.len(), 10);

    // Bytes: a pattern inside a value that is not UTF-8.
    let v = run(
        &mut worker,
        &mut app,
        request(&topic, r"(?-u)\xde\xad\xbe\xef", SearchIn::Value),
    )
    .await;
    assert_eq!(found(&v), expect(&planted, |p| p.i == N));
    let span = v.hits[0].span.unwrap();
    assert_eq!((span.start, span.end), (3, 7));
}

async fn a_missing_topic_or_partition_is_a_clear_failure(broker: Broker) {
    let b = broker.bootstrap();
    let topic = broker.name("shop");
    create_topics(&b, &[(&topic, 3)]).await;
    let settings = broker.settings();
    let mut worker = spawn_worker(&settings).unwrap();
    let mut app = App::new("test", &b, chrono::Local::now());
    let mut req = request(&topic, "x", SearchIn::All);
    req.partitions = Some(vec![7]);
    let v = run(&mut worker, &mut app, req).await;
    match v.outcome {
        Some(SearchOutcome::Failed(e)) => {
            assert_eq!(e.kind, creel::protocol::ErrorKind::NotFound, "{e}");
            assert!(e.message.contains("no partition 7"), "{e}")
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    let mut req = request(&topic, "x", SearchIn::All);
    req.topic = broker.name("nope");
    let v = run(&mut worker, &mut app, req).await;
    match v.outcome {
        Some(SearchOutcome::Failed(e)) => {
            assert_eq!(e.kind, creel::protocol::ErrorKind::NotFound, "{e}");
            assert_eq!(
                e.to_string(),
                format!("search: topic {} does not exist", broker.name("nope"))
            )
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn creel_search_prints_matches_and_a_summary(broker: Broker) {
    let b = broker.bootstrap();
    let topic = broker.name("shop");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topics(&b, &[(&topic, 3)]).await;
        plant(&b, &topic).await;
    });
    let bin = env!("CARGO_BIN_EXE_creel");
    let out = std::process::Command::new(bin)
        .args(["-b", &b, "search", "-t", &topic, "-e", "Refund", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert!(lines
        .iter()
        .all(|l| l["value"].as_str().unwrap().contains("Refund")));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("scanned 61 messages, matched 6"),
        "{stderr}"
    );
    // Nothing matched: exit 1, like grep.
    let out = std::process::Command::new(bin)
        .args(["-b", &b, "search", "-t", &topic, "-e", "nothing-like-this"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A bad regex: said before anything is sent, with its column.
    let out = std::process::Command::new(bin)
        .args(["-b", &b, "search", "-t", &topic, "-e", "a(b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("column 2: unclosed group"), "{stderr}");
}
