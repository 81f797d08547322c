//! A batch that cannot be decoded (flagged gzip, holding garbage), written
//! to the mock cluster with a raw Produce request: the explorer shows a row
//! at its offset saying the partition is stuck, and `n` reads past it.

use creel::app::fixtures::sent;
use std::io::{Read, Write};
use std::time::Duration;

use creel::app::{Action, App};
use creel::config::Settings;
use creel::kafka::spawn_worker;
use creel::model::StartAt;
use creel::protocol::Command;
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;

/// A Produce request (v3) written by hand: librdkafka will not send a
/// broken batch, so the test does.
fn produce_raw(addr: &str, topic: &str, partition: i32, batch: &[u8]) -> Vec<u8> {
    let mut body = vec![];
    body.extend_from_slice(&(-1i16).to_be_bytes()); // transactional id: null
    body.extend_from_slice(&1i16.to_be_bytes()); // acks
    body.extend_from_slice(&5000i32.to_be_bytes());
    body.extend_from_slice(&1i32.to_be_bytes());
    body.extend_from_slice(&(topic.len() as i16).to_be_bytes());
    body.extend_from_slice(topic.as_bytes());
    body.extend_from_slice(&1i32.to_be_bytes());
    body.extend_from_slice(&partition.to_be_bytes());
    body.extend_from_slice(&(batch.len() as i32).to_be_bytes());
    body.extend_from_slice(batch);
    let mut req = vec![];
    req.extend_from_slice(&0i16.to_be_bytes()); // Produce
    req.extend_from_slice(&3i16.to_be_bytes()); // v3
    req.extend_from_slice(&7i32.to_be_bytes());
    req.extend_from_slice(&(5i16).to_be_bytes());
    req.extend_from_slice(b"probe");
    req.extend_from_slice(&body);
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(&(req.len() as i32).to_be_bytes()).unwrap();
    s.write_all(&req).unwrap();
    let mut len = [0u8; 4];
    s.read_exact(&mut len).unwrap();
    let mut resp = vec![0u8; i32::from_be_bytes(len) as usize];
    s.read_exact(&mut resp).unwrap();
    resp
}

/// A RecordBatch (v2) flagged gzip whose body is not gzip.
fn batch(base_offset: i64, garbage: &[u8]) -> Vec<u8> {
    let mut after_crc = vec![];
    after_crc.extend_from_slice(&1i16.to_be_bytes()); // attributes: gzip
    after_crc.extend_from_slice(&0i32.to_be_bytes()); // last offset delta
    after_crc.extend_from_slice(&1_700_000_000_000i64.to_be_bytes());
    after_crc.extend_from_slice(&1_700_000_000_000i64.to_be_bytes());
    after_crc.extend_from_slice(&(-1i64).to_be_bytes());
    after_crc.extend_from_slice(&(-1i16).to_be_bytes());
    after_crc.extend_from_slice(&(-1i32).to_be_bytes());
    after_crc.extend_from_slice(&1i32.to_be_bytes()); // one record
    after_crc.extend_from_slice(garbage);
    let mut b = vec![];
    b.extend_from_slice(&base_offset.to_be_bytes());
    let batch_len = 4 + 1 + 4 + after_crc.len();
    b.extend_from_slice(&(batch_len as i32).to_be_bytes());
    b.extend_from_slice(&0i32.to_be_bytes()); // leader epoch
    b.push(2); // magic
    b.extend_from_slice(&0u32.to_be_bytes()); // crc (not checked by default)
    b.extend_from_slice(&after_crc);
    b
}

fn send(p: &BaseProducer, partition: i32, v: &str) {
    p.send(BaseRecord::<(), _>::to("t").payload(v).partition(partition))
        .unwrap();
    p.flush(Duration::from_secs(5)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_batch_is_a_row_at_its_offset_and_n_skips_it() {
    let mock = MockCluster::new(1).unwrap();
    mock.create_topic("t", 2, 1).unwrap();
    let b = mock.bootstrap_servers();
    let p: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .create()
        .unwrap();
    for i in 0..3 {
        send(&p, 0, &format!("before-{i}"));
    }
    let resp = produce_raw(&b, "t", 0, &batch(0, b"\x1f\x8b\x08\x00not gzip at all"));
    assert!(resp.len() > 8, "the broker answered");
    for i in 0..2 {
        send(&p, 0, &format!("after-{i}"));
        send(&p, 1, &format!("other-{i}"));
    }
    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    for c in creel::app::commands_of(&app.open_messages("t", None, StartAt::Beginning)) {
        w.commands.send(c).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.explorer().unwrap().stalls.is_empty() || app.explorer().unwrap().messages.len() < 5 {
        let ev = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .expect("a stall reported, not a silent stop")
            .unwrap();
        app.apply(ev);
    }
    let ex = app.explorer().unwrap();
    assert_eq!(ex.stalls.len(), 1);
    let (sp, so, e) = &ex.stalls[0];
    assert_eq!((*sp, *so), (0, 3), "the row sits at the batch's offset");
    assert!(
        e.message.contains("BadCompression") || e.message.contains("compress"),
        "{e}"
    );
    assert!(!ex.messages.iter().any(|m| m.partition == 0 && m.offset > 3));
    // The row is on screen, saying what to do.
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 30)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("cannot be decoded; n skips it"), "{screen}");

    let cmds = sent(app.press(Action::Skip));
    assert_eq!(
        cmds,
        vec![Command::SkipBatch {
            partition: 0,
            offset: 3
        }]
    );
    for c in cmds {
        w.commands.send(c).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let ex = app.explorer().unwrap();
        let after: Vec<i64> = ex
            .messages
            .iter()
            .filter(|m| m.partition == 0 && m.offset > 3)
            .map(|m| m.offset)
            .collect();
        if after.len() == 2 {
            assert_eq!(after, [4, 5]);
            break;
        }
        let ev = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .expect("the messages after the batch")
            .unwrap();
        app.apply(ev);
    }
    let ex = app.explorer().unwrap();
    assert!(ex.stalls.is_empty());
    assert_eq!(ex.skipped, [(0, 3)]);

    // A search reads past the batch by itself, says so, and finishes.
    let req = creel::protocol::search::SearchRequest {
        session: 99,
        topic: "t".into(),
        query: creel::protocol::search::Query {
            pattern: "after-".into(),
            ..Default::default()
        },
        partitions: None,
        from: StartAt::Beginning,
        to: None,
        max_scanned: None,
        max_matches: None,
        preview: Some(512),
    };
    let matcher = creel::protocol::search::Matcher::new(&req.query).unwrap();
    app.screens.search.view = Some(creel::app::search::SearchView::new(
        req.clone(),
        matcher,
        false,
    ));
    w.commands.send(Command::Search(req)).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut skipped_said = false;
    while app.screens.search.view.as_ref().unwrap().running() {
        let ev = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .expect("the search ends")
            .unwrap();
        if let creel::protocol::Event::SearchProgress { error: Some(e), .. } = &ev {
            skipped_said |= e.message.contains("skipped the batch at offset 3");
        }
        app.apply(ev);
    }
    let s = app.screens.search.view.as_ref().unwrap();
    assert_eq!(
        s.outcome,
        Some(creel::protocol::search::SearchOutcome::Completed)
    );
    let found: Vec<(i32, i64)> = s.hits.iter().map(|h| h.key()).collect();
    assert_eq!(found, [(0, 4), (0, 5)]);
    assert!(skipped_said, "the skip is reported");
}
