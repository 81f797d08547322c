//! What only Apache Kafka does among the test brokers: transactions and
//! read_committed, compaction with gaps in the offsets, a real consumer
//! group coming and going, and a write the broker refuses.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::{self, create_topics, Broker};
use creel::app::App;
use creel::kafka::spawn_worker;
use creel::model::GroupState;
use creel::protocol::admin::ResetTarget;
use creel::protocol::{Command, Event};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{
    BaseProducer, BaseRecord, DefaultProducerContext, Producer, ThreadedProducer,
};
use rdkafka::ClientConfig;

/// Batches of 7 messages over two partitions; every third transaction is
/// aborted. Returns the values of the committed ones.
fn transactions(b: &str, topic: &str, txns: usize) -> BTreeSet<String> {
    let p: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", b)
        .set("transactional.id", format!("{topic}-tx"))
        .create()
        .unwrap();
    p.init_transactions(Duration::from_secs(30)).unwrap();
    let mut committed = BTreeSet::new();
    for t in 0..txns {
        p.begin_transaction().unwrap();
        let abort = t % 3 == 1;
        for i in 0..7 {
            let v = format!("{}-{t}-{i}", if abort { "aborted" } else { "kept" });
            p.send(BaseRecord::<(), _>::to(topic).partition(i % 2).payload(&v))
                .map_err(|(e, _)| e)
                .unwrap();
            if !abort {
                committed.insert(v);
            }
        }
        if abort {
            // Written to the log first, so there is something to abort.
            p.flush(Duration::from_secs(30)).unwrap();
            p.abort_transaction(Duration::from_secs(30)).unwrap();
        } else {
            p.commit_transaction(Duration::from_secs(30)).unwrap();
        }
    }
    committed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_read_committed_and_page_across_the_gaps() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("tx");
    create_topics(&b, &[(&topic, 2)]).await;
    let (b2, t2) = (b.clone(), topic.clone());
    let committed = tokio::task::spawn_blocking(move || transactions(&b2, &t2, 30))
        .await
        .unwrap();
    assert_eq!(committed.len(), 20 * 7);
    let plain = common::read_plain(&b, &topic, "read_committed");
    assert_eq!(plain.len(), committed.len(), "the reference read");

    let mut worker = spawn_worker(&broker.settings()).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    // A window of 16 messages: the walk pages many times over offset gaps
    // left by aborted batches and transaction markers.
    let (down, up) = common::walk(&mut worker, &mut app, &topic, 16, 1000).await;
    let want: Vec<(i32, i64)> = {
        let mut v: Vec<(i32, i64)> = plain.iter().map(|(p, o, _)| (*p, *o)).collect();
        v.sort();
        v
    };
    let mut got = down.clone();
    got.sort();
    assert_eq!(
        got, want,
        "every committed message once going down, no aborted one"
    );
    assert_eq!(up, down, "the same messages, once each, coming back up");
    let ex = app.explorer().unwrap();
    assert!(ex
        .messages
        .iter()
        .all(|m| m.value.as_deref().is_some_and(|v| v.starts_with(b"kept-"))));

    // Headless tail reads committed messages by default too...
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "tail", "-t", &topic, "-o", "beginning", "-e"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), committed.len(), "{text}");
    assert!(!text.contains("aborted-"), "{text}");
    // ...and everything with -X isolation.level=read_uncommitted.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "-X", "isolation.level=read_uncommitted"])
        .args(["tail", "-t", &topic, "-o", "beginning", "-e"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 30 * 7, "{text}");
    // A search does not match what was aborted.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "search", "-t", &topic, "-e", "aborted"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compacted_topic_pages_once_each_way_over_its_gaps() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("compacted");
    let admin: rdkafka::admin::AdminClient<_> = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .create()
        .unwrap();
    let new = rdkafka::admin::NewTopic::new(&topic, 2, rdkafka::admin::TopicReplication::Fixed(1))
        .set("cleanup.policy", "compact")
        .set("segment.ms", "100")
        .set("min.cleanable.dirty.ratio", "0.01")
        .set("min.compaction.lag.ms", "0")
        .set("delete.retention.ms", "0");
    for r in admin
        .create_topics(&[new], &rdkafka::admin::AdminOptions::new())
        .await
        .unwrap()
    {
        r.unwrap();
    }
    // 12 keys rewritten 25 times over two partitions, a pause to close the
    // segment, then one more record to roll it: the cleaner compacts.
    let p: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .set("linger.ms", "5")
        .create()
        .unwrap();
    for round in 0..25 {
        for k in 0..12 {
            let (key, v) = (format!("k{k}"), format!("v{round}"));
            loop {
                match p.send(
                    BaseRecord::to(&topic)
                        .partition(k % 2)
                        .key(&key)
                        .payload(&v),
                ) {
                    Ok(()) => break,
                    Err((_, _)) => {
                        p.poll(Duration::from_millis(10));
                    }
                }
            }
        }
    }
    p.flush(Duration::from_secs(30)).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for part in 0..2 {
        p.send(
            BaseRecord::to(&topic)
                .partition(part)
                .key("roll")
                .payload("x"),
        )
        .map_err(|(e, _)| e)
        .unwrap();
    }
    p.flush(Duration::from_secs(30)).unwrap();
    let total = 25 * 12 + 2;
    // Wait until the cleaner has run and the content stays put.
    let plain = common::wait_for(Duration::from_secs(60), "compaction", || {
        let a = common::read_plain(&b, &topic, "read_committed");
        std::thread::sleep(Duration::from_millis(700));
        let again = common::read_plain(&b, &topic, "read_committed");
        (a.len() < total / 2 && a == again).then_some(a)
    });

    let mut worker = spawn_worker(&broker.settings()).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    let (down, up) = common::walk(&mut worker, &mut app, &topic, 6, 1000).await;
    let mut want: Vec<(i32, i64)> = plain.iter().map(|(p, o, _)| (*p, *o)).collect();
    want.sort();
    let mut got = down.clone();
    got.sort();
    assert_eq!(got, want, "every surviving record once going down");
    assert_eq!(up, down, "the same records, once each, coming back up");
}

/// A group of two real consumers: creel shows it Stable with both members,
/// their client ids, hosts and assignments; refuses to reset it; and once
/// they leave shows it Empty and resets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_group_comes_and_goes() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let (topic, group) = (broker.name("work"), broker.name("workers"));
    create_topics(&b, &[(&topic, 4)]).await;
    common::produce(&b, &topic, 0, 6).await;
    common::produce(&b, &topic, 3, 2).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let members: Vec<_> = (1..=2)
        .map(|n| {
            let (b, topic, group, stop) = (b.clone(), topic.clone(), group.clone(), stop.clone());
            std::thread::spawn(move || {
                let c: BaseConsumer = ClientConfig::new()
                    .set("bootstrap.servers", &b)
                    .set("group.id", &group)
                    .set("client.id", format!("worker-{n}"))
                    .set("auto.offset.reset", "earliest")
                    .set("enable.auto.commit", "true")
                    .set("auto.commit.interval.ms", "200")
                    .create()
                    .unwrap();
                c.subscribe(&[&topic]).unwrap();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = c.poll(Duration::from_millis(100));
                }
                c.unsubscribe();
                drop(c);
            })
        })
        .collect();
    let mut s = broker.settings();
    s.groups_refresh = Duration::from_secs(1);
    let mut worker = spawn_worker(&s).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(60),
        "two members, all partitions assigned and consumed",
        |a| {
            a.shared.group_list().iter().any(|g| {
                g.id == group
                    && g.state == GroupState::Stable
                    && g.members.len() == 2
                    && g.members.iter().map(|m| m.assignment.len()).sum::<usize>() == 4
                    && g.total_lag() == Some(0)
            })
        },
    )
    .await;
    let g = app
        .shared
        .group_list()
        .iter()
        .find(|g| g.id == group)
        .unwrap()
        .clone();
    let mut clients: Vec<&str> = g.members.iter().map(|m| m.client_id.as_str()).collect();
    clients.sort();
    assert_eq!(clients, ["worker-1", "worker-2"]);
    assert!(g
        .members
        .iter()
        .all(|m| m.host.trim_start_matches('/') == "127.0.0.1"));
    let mut assigned: Vec<(String, i32)> = g
        .members
        .iter()
        .flat_map(|m| m.assignment.clone())
        .collect();
    assigned.sort();
    assert_eq!(
        assigned,
        (0..4).map(|p| (topic.clone(), p)).collect::<Vec<_>>()
    );
    assert_eq!(g.assignor, "range", "librdkafka's default assignor");
    let p0 = g.partitions.iter().find(|p| p.partition == 0).unwrap();
    assert_eq!((p0.committed, p0.log_end), (Some(6), Some(6)));

    // Stable: the reset is refused, with the reason.
    let plan = plan_reset(&mut worker, &group, &topic).await;
    assert_eq!(plan.state, GroupState::Stable);
    worker
        .commands
        .send(Command::Admin {
            id: 7,
            op: plan.op(),
        })
        .await
        .unwrap();
    let refused = admin_result(&mut worker).await.unwrap_err();
    assert!(refused.message.contains("Stop every consumer"), "{refused}");

    // They leave: Empty, no members, and the reset goes through.
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for m in members {
        m.join().unwrap();
    }
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the group empty",
        |a| {
            a.shared
                .group_list()
                .iter()
                .any(|g| g.id == group && g.state == GroupState::Empty && g.members.is_empty())
        },
    )
    .await;
    let plan = plan_reset(&mut worker, &group, &topic).await;
    assert_eq!(plan.state, GroupState::Empty);
    worker
        .commands
        .send(Command::Admin {
            id: 8,
            op: plan.op(),
        })
        .await
        .unwrap();
    let done = admin_result(&mut worker).await.unwrap();
    assert!(done.contains("every offset as asked"), "{done}");
}

async fn plan_reset(
    w: &mut creel::kafka::WorkerHandle,
    group: &str,
    topic: &str,
) -> creel::protocol::admin::ResetPlan {
    w.commands
        .send(Command::PlanReset {
            group: group.into(),
            target: ResetTarget::Earliest,
            topic: Some(topic.into()),
            partitions: None,
        })
        .await
        .unwrap();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), w.events.recv())
            .await
            .expect("a plan")
            .unwrap();
        if let Event::ResetPlanned { result, .. } = ev {
            return result.unwrap();
        }
    }
}

async fn admin_result(
    w: &mut creel::kafka::WorkerHandle,
) -> Result<String, creel::protocol::OpError> {
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), w.events.recv())
            .await
            .expect("an admin answer")
            .unwrap();
        if let Event::AdminDone { result, .. } = ev {
            return result;
        }
    }
}

/// Kafka 4 refuses a record more than an hour ahead of its clock: the
/// user sees the broker's reason with the count, and every message is
/// accounted for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_broker_refuses_is_said_with_its_reason() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("future");
    create_topics(&b, &[(&topic, 1)]).await;
    let draft = creel::protocol::produce::Draft {
        topic: topic.clone(),
        value: "from the future {{seq}}".into(),
        timestamp: (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339(),
        compression: "none".into(),
        ..Default::default()
    };
    let mut w = spawn_worker(&broker.settings()).unwrap();
    w.commands
        .send(Command::Produce(Box::new(
            creel::protocol::produce::ProduceRequest {
                session: 1,
                draft,
                count: 3,
                rate: None,
                import: None,
                exact: None,
            },
        )))
        .await
        .unwrap();
    let (stats, error) = loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), w.events.recv())
            .await
            .expect("the send ends")
            .unwrap();
        if let Event::ProduceDone { stats, error, .. } = ev {
            break (stats, error);
        }
    };
    assert_eq!(error, None);
    assert_eq!((stats.sent, stats.acked, stats.failed), (3, 0, 3));
    let reasons: Vec<(&String, &u64)> = stats.errors.iter().collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].0.contains("InvalidRecord")
            && reasons[0].0.contains("timestamp is 48.0 h ahead of now"),
        "{reasons:?}"
    );
    assert_eq!(*reasons[0].1, 3);
}
