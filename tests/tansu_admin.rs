//! Admin actions against tansu: changes are made and read back, an offset
//! reset lands exactly where its preview said, a group with a live member
//! is refused, and read-only mode refuses every write in the worker.

mod common;

use std::time::Duration;

use common::{commit, create_topics, produce, Tansu};
use creel::app::admin::{AdminOp, ConfigEdit, ResetPlan, ResetTarget};
use creel::app::produce::{Draft, ProduceRequest};
use creel::app::search::{Query, SearchRequest};
use creel::app::{Command, Event, ReadKind, ReadRequest, ReadStart};
use creel::config::Settings;
use creel::kafka::{spawn_worker, WorkerHandle};
use creel::model::StartAt;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::ClientConfig;

async fn next_admin(w: &mut WorkerHandle) -> Result<String, String> {
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

async fn admin(w: &mut WorkerHandle, op: AdminOp) -> Result<String, String> {
    w.commands.send(Command::Admin { id: 1, op }).await.unwrap();
    next_admin(w).await
}

async fn plan(
    w: &mut WorkerHandle,
    group: &str,
    target: ResetTarget,
    topic: Option<&str>,
) -> Result<ResetPlan, String> {
    w.commands
        .send(Command::PlanReset {
            group: group.into(),
            target,
            topic: topic.map(str::to_string),
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
            return result;
        }
    }
}

fn committed(b: &str, group: &str, topic: &str, parts: i32) -> Vec<Option<i64>> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", b)
        .set("group.id", group)
        .create()
        .unwrap();
    let mut tpl = rdkafka::TopicPartitionList::new();
    for p in 0..parts {
        tpl.add_partition(topic, p);
    }
    let r = c.committed_offsets(tpl, Duration::from_secs(10)).unwrap();
    r.elements()
        .iter()
        .map(|e| match e.offset() {
            rdkafka::Offset::Offset(o) => Some(o),
            _ => None,
        })
        .collect()
}

fn topics(b: &str) -> Vec<(String, usize)> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", b)
        .create()
        .unwrap();
    let md = c.fetch_metadata(None, Duration::from_secs(10)).unwrap();
    md.topics()
        .iter()
        .map(|t| (t.name().to_string(), t.partitions().len()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_are_created_changed_and_deleted_and_read_back() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let msg = admin(
        &mut w,
        AdminOp::CreateTopic {
            name: "audit".into(),
            partitions: 3,
            replication: 1,
            configs: vec![("retention.ms".into(), "86400000".into())],
        },
    )
    .await
    .unwrap();
    assert!(msg.contains("read back"), "{msg}");
    assert!(topics(&b).contains(&("audit".to_string(), 3)));
    // Creating it again: the broker's error, said as it is.
    let e = admin(
        &mut w,
        AdminOp::CreateTopic {
            name: "audit".into(),
            partitions: 1,
            replication: 1,
            configs: vec![],
        },
    )
    .await
    .unwrap_err();
    assert!(e.contains("TopicAlreadyExists"), "{e}");
    // One key changed, incrementally, and read back.
    let msg = admin(
        &mut w,
        AdminOp::AlterTopicConfigs {
            topic: "audit".into(),
            edits: vec![ConfigEdit::Set("cleanup.policy".into(), "compact".into())],
        },
    )
    .await
    .unwrap();
    assert!(msg.contains("changed 1 configs"), "{msg}");
    // tansu 0.6.0 has no CreatePartitions: the error path, and nothing changes.
    let e = admin(
        &mut w,
        AdminOp::AddPartitions {
            topic: "audit".into(),
            total: 5,
        },
    )
    .await
    .unwrap_err();
    assert!(
        e.contains("UnsupportedFeature") || e.contains("not supported"),
        "{e}"
    );
    assert!(topics(&b).contains(&("audit".to_string(), 3)));
    let msg = admin(
        &mut w,
        AdminOp::DeleteTopic {
            name: "audit".into(),
        },
    )
    .await
    .unwrap();
    assert!(msg.contains("gone"), "{msg}");
    assert!(!topics(&b).iter().any(|(n, _)| n == "audit"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offset_resets_land_exactly_where_the_preview_said() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("ledger", 2)]).await;
    produce(&b, "ledger", 0, 10).await;
    produce(&b, "ledger", 1, 6).await;
    commit(&b, "settler", &[("ledger", 0, 4), ("ledger", 1, 5)]);
    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let cases = [
        (ResetTarget::Earliest, [Some(0), Some(0)]),
        (ResetTarget::Latest, [Some(10), Some(6)]),
        (ResetTarget::Offset(7), [Some(7), Some(6)]),
        (ResetTarget::Shift(-3), [Some(4), Some(3)]),
        (ResetTarget::Shift(100), [Some(10), Some(6)]),
    ];
    for (target, want) in cases {
        let p = plan(&mut w, "settler", target, None).await.unwrap();
        assert!(p.state.eq_ignore_ascii_case("empty"), "{}", p.state);
        let news: Vec<Option<i64>> = p.rows.iter().map(|r| Some(r.new)).collect();
        assert_eq!(news, want, "{target:?} preview");
        let msg = admin(&mut w, p.op()).await.unwrap();
        assert!(msg.contains("every offset as asked"), "{msg}");
        assert_eq!(
            committed(&b, "settler", "ledger", 2),
            want,
            "{target:?} read back"
        );
    }
    // The preview's lag columns.
    let p = plan(&mut w, "settler", ResetTarget::Earliest, Some("ledger"))
        .await
        .unwrap();
    assert_eq!(p.rows[0].lag_before(), Some(0));
    assert_eq!(p.rows[0].lag_after(), 10);
    // A topic the group never read: planned from its partitions.
    create_topics(&b, &[("fresh", 1)]).await;
    produce(&b, "fresh", 0, 3).await;
    let p = plan(&mut w, "settler", ResetTarget::Latest, Some("fresh"))
        .await
        .unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!((p.rows[0].current, p.rows[0].new), (None, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_with_a_live_member_is_not_reset() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("live", 1)]).await;
    produce(&b, "live", 0, 5).await;
    commit(&b, "busy", &[("live", 0, 2)]);
    // A consumer that joins the group and keeps polling.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let s2 = stop.clone();
    let b2 = b.clone();
    let member = std::thread::spawn(move || {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &b2)
            .set("group.id", "busy")
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        c.subscribe(&["live"]).unwrap();
        while !s2.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = c.poll(Duration::from_millis(100));
        }
    });
    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    // Wait until the broker sees the member.
    let mut state = String::new();
    for _ in 0..60 {
        let p = plan(&mut w, "busy", ResetTarget::Earliest, Some("live"))
            .await
            .unwrap();
        state = p.state.clone();
        if !state.eq_ignore_ascii_case("empty") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        !state.eq_ignore_ascii_case("empty"),
        "the member joined: {state}"
    );
    let p = plan(&mut w, "busy", ResetTarget::Earliest, Some("live"))
        .await
        .unwrap();
    let e = admin(&mut w, p.op()).await.unwrap_err();
    assert!(e.contains("Stop every consumer"), "{e}");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    member.join().unwrap();
    assert_eq!(committed(&b, "busy", "live", 1), [Some(2)], "unchanged");
}

/// One of each command the worker takes. The match in `covers` has no
/// wildcard: a new command does not compile here until the test knows it.
fn every_command() -> Vec<Command> {
    let draft = Draft {
        topic: "ro".into(),
        value: "x".into(),
        compression: "none".into(),
        ..Draft::default()
    };
    vec![
        Command::RefreshTopics,
        Command::RefreshGroups,
        Command::DescribeTopicConfigs { topic: "ro".into() },
        Command::ReadMessages(ReadRequest {
            session: 1,
            topic: "ro".into(),
            partitions: None,
            start: ReadStart::At(StartAt::End),
            max: 1,
            tail: false,
            kind: ReadKind::Initial,
        }),
        Command::StopMessages,
        Command::SkipBatch {
            partition: 0,
            offset: 0,
        },
        Command::Search(SearchRequest {
            session: 1,
            topic: "ro".into(),
            query: Query {
                pattern: "x".into(),
                ..Query::default()
            },
            partitions: None,
            from: StartAt::Beginning,
            to: None,
            max_scanned: None,
            max_matches: None,
            preview: None,
        }),
        Command::CancelSearch,
        Command::Produce(ProduceRequest {
            session: 1,
            draft,
            count: 3,
            rate: None,
            import: None,
        }),
        Command::StopProduce,
        Command::Admin {
            id: 1,
            op: AdminOp::CreateTopic {
                name: "ro-new".into(),
                partitions: 1,
                replication: 1,
                configs: vec![],
            },
        },
        Command::Admin {
            id: 2,
            op: AdminOp::DeleteTopic { name: "ro".into() },
        },
        Command::Admin {
            id: 3,
            op: AdminOp::AlterTopicConfigs {
                topic: "ro".into(),
                edits: vec![ConfigEdit::Set("retention.ms".into(), "1".into())],
            },
        },
        Command::Admin {
            id: 4,
            op: AdminOp::AddPartitions {
                topic: "ro".into(),
                total: 4,
            },
        },
        Command::Admin {
            id: 5,
            op: AdminOp::ResetOffsets {
                group: "ro-group".into(),
                offsets: vec![("ro".into(), 0, 0)],
            },
        },
        Command::Admin {
            id: 6,
            op: AdminOp::DeleteGroup {
                group: "ro-group".into(),
            },
        },
        Command::Admin {
            id: 7,
            op: AdminOp::DeleteGroupOffsets {
                group: "ro-group".into(),
                topic: "ro".into(),
                partitions: vec![0],
            },
        },
        Command::Admin {
            id: 8,
            op: AdminOp::Purge {
                topic: "ro".into(),
                before: vec![(0, 1, 1)],
            },
        },
        Command::PlanReset {
            group: "ro-group".into(),
            target: ResetTarget::Earliest,
            topic: None,
            partitions: None,
        },
    ]
}

/// Whether `cmd` is a write, said independently of `Command::writes`.
fn covers(cmd: &Command) -> bool {
    match cmd {
        Command::RefreshTopics
        | Command::RefreshGroups
        | Command::DescribeTopicConfigs { .. }
        | Command::ReadMessages(_)
        | Command::StopMessages
        | Command::SkipBatch { .. }
        | Command::Search(_)
        | Command::CancelSearch
        | Command::StopProduce
        | Command::PlanReset { .. } => false,
        Command::Produce(_) | Command::Admin { .. } => true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_write_in_the_worker() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("ro", 2)]).await;
    produce(&b, "ro", 0, 3).await;
    commit(&b, "ro-group", &[("ro", 0, 2)]);
    let mut settings = Settings::for_bootstrap(&b);
    settings.read_only = true;
    let mut w = spawn_worker(&settings).unwrap();
    let all = every_command();
    let writes: Vec<&Command> = all.iter().filter(|c| c.writes()).collect();
    assert_eq!(writes.len(), 9, "every write variant is in the table");
    for cmd in &all {
        assert_eq!(cmd.writes(), covers(cmd), "{cmd:?}");
    }
    for cmd in writes {
        w.commands.send(cmd.clone()).await.unwrap();
        let refusal = loop {
            let ev = tokio::time::timeout(Duration::from_secs(10), w.events.recv())
                .await
                .expect("a refusal")
                .unwrap();
            match ev {
                Event::AdminDone { result, .. } => break result.unwrap_err(),
                Event::ProduceDone { error, stats, .. } => {
                    assert_eq!(stats.sent, 0);
                    break error.unwrap();
                }
                _ => continue,
            }
        };
        assert!(refusal.contains("read-only"), "{cmd:?}: {refusal}");
    }
    // Nothing reached the broker.
    let t = topics(&b);
    assert!(t.contains(&("ro".to_string(), 2)), "{t:?}");
    assert!(!t.iter().any(|(n, _)| n == "ro-new"));
    assert_eq!(committed(&b, "ro-group", "ro", 1), [Some(2)]);
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .create()
        .unwrap();
    let (low, high) = c.fetch_watermarks("ro", 0, Duration::from_secs(5)).unwrap();
    assert_eq!((low, high), (0, 3), "no record produced or purged");
    // Reads still work in read-only mode.
    let p = plan(&mut w, "ro-group", ResetTarget::Earliest, Some("ro"))
        .await
        .unwrap();
    assert_eq!(p.rows.len(), 2);
}

fn creel(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn headless_topic_and_group_commands() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    let out = creel(&[
        "-b",
        &b,
        "topic",
        "create",
        "jobs",
        "--partitions",
        "2",
        "--set",
        "retention.ms=3600000",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("created jobs with 2 partitions"));
    let out = creel(&[
        "-b",
        &b,
        "topic",
        "alter",
        "jobs",
        "--set",
        "retention.ms=7200000",
    ]);
    assert!(out.status.success(), "{out:?}");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        produce(&b, "jobs", 0, 8).await;
    });
    commit(&b, "worker", &[("jobs", 0, 8)]);
    // A dry run by default: the plan, nothing committed.
    let out = creel(&[
        "-b",
        &b,
        "group",
        "reset-offsets",
        "worker",
        "--to-earliest",
        "--topic",
        "jobs",
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("LAG-AFTER")
            && stdout
                .lines()
                .any(|l| l.starts_with("jobs") && l.contains(" 8 ")),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("dry run"));
    assert_eq!(committed(&b, "worker", "jobs", 1), [Some(8)]);
    let out = creel(&[
        "-b",
        &b,
        "group",
        "reset-offsets",
        "worker",
        "--shift-by",
        "-5",
        "--topic",
        "jobs",
        "--execute",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(committed(&b, "worker", "jobs", 1), [Some(3)]);
    // Read-only refuses before connecting.
    let out = creel(&["-b", &b, "--read-only", "topic", "delete", "jobs"]);
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    let out = creel(&["-b", &b, "topic", "delete", "jobs"]);
    assert!(out.status.success(), "{out:?}");
    assert!(!topics(&b).iter().any(|(n, _)| n == "jobs"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_by_time_and_group_deletes() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("clock", 1)]).await;
    produce(&b, "clock", 0, 4).await;
    // tansu 0.6.0 looks times up by when a batch was stored: mark the
    // clock between the 4th and 5th records.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mark = chrono::Utc::now().timestamp_millis();
    tokio::time::sleep(Duration::from_millis(100)).await;
    produce(&b, "clock", 0, 3).await;
    commit(&b, "timed", &[("clock", 0, 7)]);
    let mut w = spawn_worker(&Settings::for_bootstrap(&b)).unwrap();
    let p = plan(&mut w, "timed", ResetTarget::Time(mark), None)
        .await
        .unwrap();
    assert_eq!(p.rows[0].new, 4, "the first record at or after the time");
    admin(&mut w, p.op()).await.unwrap();
    assert_eq!(committed(&b, "timed", "clock", 1), [Some(4)]);

    // Forget the group's offsets on the topic, then the group itself.
    let r = admin(
        &mut w,
        AdminOp::DeleteGroupOffsets {
            group: "timed".into(),
            topic: "clock".into(),
            partitions: vec![0],
        },
    )
    .await;
    eprintln!("delete offsets on tansu: {r:?}");
    match r {
        Ok(msg) => {
            assert!(msg.contains("deleted timed's offsets"), "{msg}");
            assert_eq!(committed(&b, "timed", "clock", 1), [None]);
        }
        // tansu 0.6.0 may not know OffsetDelete: the broker's answer, said.
        Err(e) => assert!(!e.is_empty()),
    }
    let r = admin(
        &mut w,
        AdminOp::DeleteGroup {
            group: "timed".into(),
        },
    )
    .await;
    eprintln!("delete group on tansu: {r:?}");
    match r {
        Ok(msg) => assert!(msg.contains("deleted group timed"), "{msg}"),
        Err(e) => assert!(!e.is_empty()),
    }
}

/// tansu 0.6.0's memory engine panics on DeleteRecords: creel's error
/// path, with nothing lost. (librdkafka's mock cluster has no DeleteRecords
/// and no controller for CreatePartitions, so their success paths could not
/// be exercised on this machine.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_the_broker_fails_is_reported_and_changes_nothing() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("keep", 1)]).await;
    produce(&b, "keep", 0, 5).await;
    let mut settings = Settings::for_bootstrap(&b);
    settings
        .properties
        .insert("socket.timeout.ms".into(), "5000".into());
    let mut w = spawn_worker(&settings).unwrap();
    let r = admin(
        &mut w,
        AdminOp::Purge {
            topic: "keep".into(),
            before: vec![(0, 3, 3)],
        },
    )
    .await;
    eprintln!("purge on tansu: {r:?}");
    let e = r.expect_err("tansu cannot delete records");
    assert!(!e.is_empty());
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .create()
        .unwrap();
    let (low, high) = c
        .fetch_watermarks("keep", 0, Duration::from_secs(10))
        .unwrap();
    assert_eq!((low, high), (0, 5), "nothing was purged");
}
