//! The worker and the headless commands against a real broker (tansu).

mod common;

use std::time::Duration;

use common::{create_topics, produce, Tansu};
use creel::app::{App, Command, Event};
use creel::config::Settings;
use creel::kafka::spawn_worker;
use creel::model::ClusterSnapshot;

fn complete(app: &App) -> Option<&ClusterSnapshot> {
    app.snapshot.as_ref().filter(|s| s.watermarks_complete)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_reports_topics_partitions_and_watermarks() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("alpha", 3), ("beta", 1), ("empty", 2)]).await;
    produce(&b, "alpha", 0, 5).await;
    produce(&b, "alpha", 2, 2).await;
    produce(&b, "beta", 0, 3).await;

    let mut worker = spawn_worker(&Settings::for_bootstrap(&b)).expect("worker");
    let mut app = App::new("test", &b, chrono::Local::now());
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the topic list",
        |a| complete(a).is_some_and(|s| s.topics.iter().any(|t| t.name == "alpha")),
    )
    .await;

    let snap = complete(&app).unwrap();
    let topic = |n: &str| {
        snap.topics
            .iter()
            .find(|t| t.name == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    let alpha = topic("alpha");
    assert_eq!(alpha.partitions.len(), 3);
    let highs: Vec<i64> = alpha
        .partitions
        .iter()
        .map(|p| p.watermarks.unwrap().high)
        .collect();
    assert_eq!(highs, [5, 0, 2]);
    assert_eq!(alpha.messages(), Some(7));
    assert_eq!(topic("beta").messages(), Some(3));
    assert_eq!(topic("empty").messages(), Some(0));
    assert_eq!(topic("empty").partitions.len(), 2);
    assert_eq!(snap.brokers.len(), 1);
    assert_eq!(snap.brokers[0].port as u16, broker.port);
    assert_eq!(app.connection, creel::model::ConnectionState::Connected);

    // The user sees the counts: the list shows alpha with 7 messages.
    let visible: Vec<String> = app
        .topics
        .visible
        .iter()
        .map(|&i| app.topic_list()[i].name.clone())
        .collect();
    assert_eq!(visible, ["alpha", "beta", "empty"]);

    // New messages show up on `r`.
    produce(&b, "beta", 0, 4).await;
    let cmds = app.update(creel::app::Action::Refresh);
    assert_eq!(cmds, vec![Command::RefreshTopics, Command::RefreshGroups]);
    worker.commands.try_send(Command::RefreshTopics).unwrap();
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the topic list",
        |a| {
            complete(a)
                .and_then(|s| s.topics.iter().find(|t| t.name == "beta"))
                .and_then(|t| t.messages())
                == Some(7)
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_configs_answer_even_when_the_broker_returns_none() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    create_topics(&b, &[("cfg", 1)]).await;
    let mut worker = spawn_worker(&Settings::for_bootstrap(&b)).expect("worker");
    worker
        .commands
        .try_send(Command::DescribeTopicConfigs {
            topic: "cfg".into(),
        })
        .unwrap();
    let result = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match worker.events.recv().await {
                Some(Event::TopicConfigs { topic, result }) => break (topic, result),
                Some(_) => continue,
                None => panic!("worker stopped"),
            }
        }
    })
    .await
    .expect("no configs answer within 20 s");
    assert_eq!(result.0, "cfg");
    // tansu 0.6.0 answers DescribeConfigs with no entries: creel must say
    // so rather than hang; a real Kafka gives the list.
    match result.1 {
        Ok(entries) => assert!(entries.iter().all(|e| !e.name.is_empty())),
        Err(e) => assert!(!e.is_empty()),
    }
}

#[test]
fn headless_topics_json_matches_the_broker() {
    let broker = Tansu::start();
    let b = broker.bootstrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topics(&b, &[("orders", 4)]).await;
        produce(&b, "orders", 1, 6).await;
        produce(&b, "orders", 3, 1).await;
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "topics", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let orders = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "orders")
        .expect("orders listed");
    assert_eq!(orders["partitions"], 4);
    assert_eq!(orders["messages"], 7);
    assert_eq!(orders["partition_details"][1]["high"], 6);

    let text = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "topics"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("orders") && l.contains(" 7 ")),
        "{text}"
    );
}

#[test]
fn headless_unreachable_broker_exits_2_with_reason() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", "127.0.0.1:1", "topics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the cluster at 127.0.0.1:1"),
        "{err}"
    );
}

#[test]
fn bad_config_and_bad_property_fail_before_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[profiles.x]\nbootstrap_servers = [\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:2:", cfg.display())), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", "127.0.0.1:1", "-X", "no.such.property=1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no.such.property"), "{err}");
}
