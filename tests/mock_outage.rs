//! Every broker gone, then back, while the messages view follows a topic
//! that a producer keeps writing (librdkafka's mock cluster, in this
//! process; the outage is fifteen seconds here, a minute by hand changes
//! only the wait). What the user sees: the header says all brokers are
//! down within a refresh, every message already loaded stays on screen,
//! creel reconnects by itself, and the view goes on following with no
//! message missing or shown twice. A lag watch runs through the same
//! outages and says what it cannot count.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use creel::app::fixtures::{render_text, sent};
use creel::app::App;
use creel::config::Settings;
use creel::kafka::spawn_worker;
use creel::model::StartAt;
use rdkafka::mocking::{MockCluster, MockCoordinator};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};

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
    // Still there and in the same order; a message read late may sit
    // between them by its time (the view interleaves partitions by time),
    // so this is not a prefix check.
    let mut rest = before.iter().peekable();
    for m in &during {
        rest.next_if_eq(&m);
    }
    let missing: Vec<&(i32, i64)> = rest.collect();
    assert!(
        missing.is_empty(),
        "every loaded message stays on screen, in its order; gone or moved from {:?} on: {missing:?} (held {} before, {} during)",
        missing.first(),
        before.len(),
        during.len()
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

/// Three brokers, topic "events" with partition P led by broker P+1, and
/// group "billing"'s coordinator on broker 1: broker 3 down leaves the
/// committed offsets readable and partition 2's end offsets not.
fn pinned_cluster() -> (
    MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    String,
) {
    let mock = MockCluster::new(3).unwrap();
    mock.create_topic("events", 3, 3).unwrap();
    mock.coordinator(MockCoordinator::Group("billing".into()), 1)
        .unwrap();
    for p in 0..3 {
        mock.partition_leader("events", p, Some(p + 1)).unwrap();
    }
    let b = mock.bootstrap_servers();
    (mock, b)
}

/// `creel lag --watch` is what an on-call engineer leaves running through
/// an outage: every broker gone must be said ("cannot tell", a JSON line
/// per failed sample) and the watch must go on, and count the group again
/// once the brokers are back.
#[test]
fn a_lag_watch_says_cannot_tell_through_an_outage_and_goes_on() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;

    let (mock, b) = pinned_cluster();
    let writer = common::Writer::start(&b, "events", Duration::from_millis(5), |n| {
        (None, format!("event {n}"), None)
    });
    common::commit(
        &b,
        "billing",
        &[("events", 0, 0), ("events", 1, 0), ("events", 2, 0)],
    );
    let mut watch = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "lag", "--watch", "--json", "--interval", "1"])
        .args(["--group", "billing"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel::<serde_json::Value>();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            tx.send(serde_json::from_str(&line).expect("each line is JSON"))
                .unwrap();
        }
    });
    let stderr = watch.stderr.take().unwrap();
    let said = std::thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    // The group's total lag as a sample tells it, None when it cannot.
    let lag_of = |doc: &serde_json::Value| -> Option<i64> {
        doc["groups"]
            .as_array()?
            .iter()
            .find(|g| g["group"] == "billing")?["lag"]
            .as_i64()
    };
    let next_until = |what: &str, ok: &dyn Fn(&serde_json::Value) -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match lines.recv_timeout(left) {
                Ok(doc) if ok(&doc) => return doc,
                Ok(doc) => eprintln!("passed over: {doc}"),
                Err(_) => panic!("no sample with {what} within 60 s"),
            }
        }
    };

    // The mock cluster cannot describe groups, so every sample is "cannot
    // tell" for that; the committed offsets and the lag are read all the
    // same.
    let before = next_until("the group's lag", &|d| lag_of(d).is_some_and(|l| l > 0));

    // One partition's leader gone: that partition is named unread, the
    // others are still counted.
    mock.broker_down(3).unwrap();
    let partial = next_until("partition 2 unread", &|d| {
        d["groups"][0]["partitions"][2]["error"].is_string()
    });
    assert!(lag_of(&partial).is_some(), "{partial}");
    std::thread::sleep(Duration::from_secs(10));
    assert!(watch.try_wait().unwrap().is_none(), "the watch goes on");
    mock.broker_up(3).unwrap();
    let before = next_until("the group's lag again", &|d| {
        lag_of(d).is_some_and(|l| l > lag_of(&before).unwrap())
            && d["groups"][0]["partitions"][2]["error"].is_null()
    });

    // End offsets refused as a whole (not per partition): the sample cannot
    // be taken. It is a line saying so, and the next sample is taken.
    mock.request_errors(
        RDKafkaApiKey::ListOffsets,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED; 30],
    );
    let failed = next_until("a failed sample", &|d| d["groups"] == serde_json::json!([]));
    assert_eq!(failed["verdict"], "cannot tell", "{failed}");
    let why = failed["cannot_tell"][0].as_str().unwrap_or_default();
    assert!(why.contains("cannot read consumer groups"), "{failed}");
    std::thread::sleep(Duration::from_secs(5));
    assert!(watch.try_wait().unwrap().is_none(), "the watch goes on");
    mock.clear_request_errors(RDKafkaApiKey::ListOffsets);
    let before = next_until("the group's lag again", &|d| {
        lag_of(d).is_some_and(|l| l > lag_of(&before).unwrap())
    });

    // Every broker gone: nothing is counted, the watch waits them out.
    for id in 1..=3 {
        mock.broker_down(id).unwrap();
    }
    let gone = next_until("no lag figure", &|d| lag_of(d).is_none());
    assert_eq!(gone["verdict"], "cannot tell", "{gone}");
    std::thread::sleep(Duration::from_secs(15));
    assert!(watch.try_wait().unwrap().is_none(), "the watch goes on");
    for id in 1..=3 {
        mock.broker_up(id).unwrap();
    }
    next_until("the group's lag again", &|d| {
        lag_of(d).is_some_and(|l| l > lag_of(&before).unwrap())
    });
    assert!(watch.try_wait().unwrap().is_none(), "the watch goes on");
    writer.stop();
    watch.kill().unwrap();
    watch.wait().unwrap();
    let said = said.join().unwrap();
    assert!(
        said.iter().any(
            |l| l.starts_with("creel: cannot tell: cannot read consumer groups: ")
                && l.ends_with("trying again in 1 s")
        ),
        "the failed sample is said on stderr: {said:?}"
    );
}

/// A long-lived lag client (a watch) while the broker leading one
/// partition is down: the partitions that have a leader are counted, the
/// one without is named, and it is counted again after the return. (The
/// call underneath is checked against librdkafka's stale leader in
/// watermarks.rs's own test.)
#[test]
fn a_lag_client_counts_the_other_partitions_while_a_leader_is_down() {
    let (mock, b) = pinned_cluster();
    let producer = creel::kafka::mock::TrafficProducer::new(&b).unwrap();
    for p in 0..3 {
        for i in 0..10 {
            let v = format!("e{i}");
            producer
                .send(&creel::kafka::mock::Record {
                    topic: "events",
                    partition: Some(p),
                    key: None,
                    value: Some(v.as_bytes()),
                    headers: &[],
                    timestamp_ms: None,
                })
                .unwrap();
        }
    }
    producer.flush(Duration::from_secs(10)).unwrap();
    common::commit(
        &b,
        "billing",
        &[("events", 0, 0), ("events", 1, 0), ("events", 2, 0)],
    );
    let client =
        creel::kafka::GroupsClient::new(&Settings::for_bootstrap(&b), Duration::from_secs(3))
            .unwrap();
    let only = ["billing".to_string()];
    // Per partition: Some(lag), or None with the partition's error.
    let sample = || -> Result<Vec<Result<i64, String>>, String> {
        let snap = client.fetch(Some(&only)).map_err(|e| e.message)?;
        let g = snap.groups.iter().find(|g| g.id == "billing").unwrap();
        let mut parts: Vec<_> = g.partitions.iter().collect();
        parts.sort_by_key(|p| p.partition);
        Ok(parts
            .iter()
            .map(|p| p.lag().ok_or_else(|| p.error.clone().unwrap_or_default()))
            .collect())
    };
    for _ in 0..3 {
        assert_eq!(sample(), Ok(vec![Ok(10), Ok(10), Ok(10)]));
        std::thread::sleep(Duration::from_millis(500));
    }

    mock.broker_down(3).unwrap();
    let mut seen = vec![];
    let counted = (0..4).find_map(|_| {
        let s = sample();
        seen.push(format!("{s:?}"));
        std::thread::sleep(Duration::from_millis(500));
        match s {
            // A sample whose committed offsets did not come back in time
            // (no partitions) is not an answer yet.
            Ok(v) if v.len() == 3 && v[..2] == [Ok(10), Ok(10)] && v[2].is_err() => Some(v),
            _ => None,
        }
    });
    let counted = counted.unwrap_or_else(|| panic!("four samples: {seen:#?}"));
    assert!(!counted[2].as_ref().unwrap_err().is_empty(), "{counted:?}");

    mock.broker_up(3).unwrap();
    common::wait_for(Duration::from_secs(40), "partition 2 counted again", || {
        (sample() == Ok(vec![Ok(10), Ok(10), Ok(10)])).then_some(())
    });
}
