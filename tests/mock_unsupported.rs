//! A request the cluster does not answer is asked once: the next topic's
//! Configs tab says so at once instead of after seconds, and `r` asks
//! again. librdkafka's mock cluster never answers DescribeConfigs.

use std::time::{Duration, Instant};

use creel::config::Settings;
use creel::kafka::mock::Mock;
use creel::kafka::spawn_worker;
use creel::protocol::{Command, ErrorKind, Event, OpError};

async fn configs(worker: &mut creel::kafka::WorkerHandle, topic: &str) -> (Duration, OpError) {
    let asked = Instant::now();
    worker
        .commands
        .send(Command::DescribeTopicConfigs {
            topic: topic.into(),
        })
        .await
        .unwrap();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), worker.events.recv())
            .await
            .expect("an answer within 30 s")
            .expect("worker running");
        if let Event::TopicConfigs { topic: t, result } = ev {
            if t == topic {
                return (
                    asked.elapsed(),
                    result.expect_err("the mock does not answer"),
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_cluster_does_not_answer_is_asked_once() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("a", 1, 1).unwrap();
    mock.create_topic("b", 1, 1).unwrap();
    let mut worker = spawn_worker(&Settings::for_bootstrap(&mock.bootstrap())).unwrap();
    let (first, e) = configs(&mut worker, "a").await;
    assert!(
        matches!(e.kind, ErrorKind::TimedOut | ErrorKind::Unsupported),
        "{e:?}"
    );
    assert!(
        first >= Duration::from_secs(2),
        "the first ask waits for an answer: {first:?}"
    );
    let (second, e) = configs(&mut worker, "b").await;
    assert!(
        second < Duration::from_millis(500),
        "said at once: {second:?}"
    );
    assert!(
        e.message.contains("not asked again: r asks again"),
        "{}",
        e.message
    );
    // A refresh forgets it: the next topic is asked for real.
    worker.commands.send(Command::RefreshTopics).await.unwrap();
    let (third, _) = configs(&mut worker, "a").await;
    assert!(
        third >= Duration::from_secs(2),
        "asked again after r: {third:?}"
    );
    worker.shutdown();
}
