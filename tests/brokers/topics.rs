//! Topics, partitions and watermarks through the worker and `creel topics`.

use creel::app::fixtures::sent;
use std::time::Duration;

use crate::common::{self, create_topics, produce, Broker};
use creel::app::App;
use creel::kafka::spawn_worker;
use creel::model::ClusterSnapshot;
use creel::protocol::{Command, Event};

fn complete(app: &App) -> Option<&ClusterSnapshot> {
    app.shared
        .snapshot
        .as_ref()
        .filter(|s| s.watermarks_complete)
}

crate::on_brokers!(
    worker_reports_topics_partitions_and_watermarks,
    topic_configs_are_described
);
crate::on_brokers_sync!(headless_topics_json_matches_the_broker);

async fn worker_reports_topics_partitions_and_watermarks(broker: Broker) {
    let b = broker.bootstrap();
    let (alpha, beta, empty) = (
        broker.name("alpha"),
        broker.name("beta"),
        broker.name("empty"),
    );
    create_topics(&b, &[(&alpha, 3), (&beta, 1), (&empty, 2)]).await;
    produce(&b, &alpha, 0, 5).await;
    produce(&b, &alpha, 2, 2).await;
    produce(&b, &beta, 0, 3).await;

    let mut worker = spawn_worker(&broker.settings()).expect("worker");
    let mut app = App::new("test", &b, chrono::Local::now());
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the topic list",
        |a| complete(a).is_some_and(|s| s.topics.iter().any(|t| t.name == alpha)),
    )
    .await;

    let snap = complete(&app).unwrap();
    let topic = |n: &str| {
        snap.topics
            .iter()
            .find(|t| t.name == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    let t = topic(&alpha);
    assert_eq!(t.partitions.len(), 3);
    let highs: Vec<i64> = t
        .partitions
        .iter()
        .map(|p| p.watermarks.unwrap().high)
        .collect();
    assert_eq!(highs, [5, 0, 2]);
    assert_eq!(t.messages(), Some(7));
    assert_eq!(topic(&beta).messages(), Some(3));
    assert_eq!(topic(&empty).messages(), Some(0));
    assert_eq!(topic(&empty).partitions.len(), 2);
    assert_eq!(snap.brokers.len(), broker.brokers());
    for br in &snap.brokers {
        assert!(
            b.contains(&format!("127.0.0.1:{}", br.port)),
            "broker {} at port {} is one of {b}",
            br.id,
            br.port
        );
    }
    assert_eq!(
        app.shared.connection,
        creel::model::ConnectionState::Connected
    );

    // The user sees the counts: the list shows this test's topics.
    let visible: Vec<String> = app
        .screens
        .topics
        .view
        .visible
        .iter()
        .map(|&i| app.shared.topic_list()[i].name.clone())
        .filter(|n| [&alpha, &beta, &empty].contains(&n))
        .collect();
    assert_eq!(visible, [alpha.clone(), beta.clone(), empty.clone()]);

    // New messages show up on `r`.
    produce(&b, &beta, 0, 4).await;
    let cmds = sent(app.press(creel::app::Action::Refresh));
    assert_eq!(cmds, vec![Command::RefreshTopics, Command::RefreshGroups]);
    worker.commands.try_send(Command::RefreshTopics).unwrap();
    common::drive(
        &mut worker,
        &mut app,
        Duration::from_secs(30),
        "the topic list",
        |a| {
            complete(a)
                .and_then(|s| s.topics.iter().find(|t| t.name == beta))
                .and_then(|t| t.messages())
                == Some(7)
        },
    )
    .await;
}

async fn topic_configs_are_described(broker: Broker) {
    let b = broker.bootstrap();
    let cfg = broker.name("cfg");
    create_topics(&b, &[(&cfg, 1)]).await;
    let mut worker = spawn_worker(&broker.settings()).expect("worker");
    worker
        .commands
        .try_send(Command::DescribeTopicConfigs { topic: cfg.clone() })
        .unwrap();
    let (topic, result) = tokio::time::timeout(Duration::from_secs(20), async {
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
    assert_eq!(topic, cfg);
    let entries = result.expect("DescribeConfigs answers");
    if broker.is_kafka() {
        // Kafka lists every config with its value and where it comes from.
        let get = |n: &str| {
            entries
                .iter()
                .find(|e| e.name == n)
                .unwrap_or_else(|| panic!("{n} listed"))
        };
        assert_eq!(get("cleanup.policy").value.as_deref(), Some("delete"));
        assert!(get("cleanup.policy").is_default);
        assert_eq!(get("retention.ms").value.as_deref(), Some("604800000"));
        assert!(entries.len() > 20, "{} entries", entries.len());
    } else {
        // tansu 0.6.0 lists no defaults: an empty list, said as such.
        assert!(entries.is_empty(), "{entries:?}");
    }
}

fn headless_topics_json_matches_the_broker(broker: Broker) {
    let b = broker.bootstrap();
    let orders = broker.name("orders");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topics(&b, &[(&orders, 4)]).await;
        produce(&b, &orders, 1, 6).await;
        produce(&b, &orders, 3, 1).await;
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
    let t = v
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == orders.as_str())
        .expect("orders listed");
    assert_eq!(t["partitions"], 4);
    assert_eq!(t["messages"], 7);
    assert_eq!(t["partition_details"][1]["high"], 6);

    let text = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &b, "topics"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with(orders.as_str()) && l.contains(" 7 ")),
        "{text}"
    );
}
