//! The FFI on librdkafka's mock cluster.
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::mocking::{MockCluster, MockCoordinator};
use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use super::*;
use crate::protocol::admin::ConfigEdit;

fn client(bootstrap: &str) -> BaseConsumer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .expect("client")
}

fn commit(bootstrap: &str, group: &str, offset: i64) {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .create()
        .expect("committer");
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset("t", 0, Offset::Offset(offset))
        .expect("tpl");
    c.commit(&tpl, CommitMode::Sync).expect("commit");
}

#[test]
fn each_answer_and_each_error_lands_on_its_own_group() {
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic("t", 1, 1).expect("topic");
    let b = mock.bootstrap_servers();
    let ids: Vec<String> = (0..6).map(|i| format!("g{i}")).collect();
    for (i, g) in ids.iter().enumerate() {
        commit(&b, g, 10 * (i as i64 + 1));
    }
    // The second OffsetFetch the cluster receives fails; every request
    // is in flight at once.
    mock.request_errors(
        RDKafkaApiKey::OffsetFetch,
        &[
            RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR,
            RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED,
        ],
    );
    let c = client(&b);
    let named = [("t".to_string(), 0)];
    let out = list_group_offsets(c.client(), &ids, Some(&named), Duration::from_secs(10), 6);
    let names: Vec<&str> = out.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(
        names,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "one answer per group, in order"
    );
    let failed: Vec<&OpError> = out.iter().filter_map(|(_, r)| r.as_ref().err()).collect();
    assert_eq!(failed.len(), 1, "{out:?}");
    assert_eq!(failed[0].op, Op::GroupOffsets);
    assert_eq!(failed[0].kind, ErrorKind::Unauthorized, "{}", failed[0]);
    for (i, (g, r)) in out.iter().enumerate() {
        if let Ok(parts) = r {
            let offsets: Vec<Option<i64>> = parts.iter().map(|p| p.offset).collect();
            assert_eq!(
                offsets,
                [Some(10 * (i as i64 + 1))],
                "{g} has its own offsets"
            );
        }
    }
}

#[test]
fn a_request_the_cluster_lacks_is_an_error_naming_its_operation() {
    let mock = MockCluster::new(1).expect("mock cluster");
    let c = client(&mock.bootstrap_servers());
    // librdkafka's mock cluster does not implement ListGroups: each
    // broker's refusal comes back, typed, beside an empty list.
    let (groups, errors) = list_consumer_groups(c.client(), Duration::from_secs(2)).unwrap();
    assert!(groups.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].op, errors[0].kind),
        (Op::ListGroups, ErrorKind::Unsupported)
    );
    assert_eq!(
        errors[0].code.as_ref().map(|c| c.name.as_str()),
        Some("UnsupportedFeature")
    );
    // Nor a controller: the change is never answered, and said so.
    let edit = [ConfigEdit::Set("retention.ms".into(), "1".into())];
    let e = incremental_alter_topic_configs(c.client(), "t", &edit, Duration::from_secs(2))
        .expect_err("no controller");
    assert_eq!(
        (e.op, e.kind),
        (Op::AlterConfigs, ErrorKind::TimedOut),
        "{e}"
    );
    // A NUL in a name is said before anything is sent.
    let e = describe_consumer_groups(c.client(), &["a\0b".to_string()], Duration::from_secs(2))
        .expect_err("invalid");
    assert_eq!((e.op, e.kind), (Op::DescribeGroups, ErrorKind::Invalid));
}

/// Ask for `g`'s committed offset on t/0 until it comes back or `within`
/// passes; returns the last answer and how long it took.
fn offset_within(c: &BaseConsumer, within: Duration) -> (Result<Option<i64>, OpError>, Duration) {
    let start = std::time::Instant::now();
    let named = [("t".to_string(), 0)];
    loop {
        let out = list_group_offsets(
            c.client(),
            &["g".into()],
            Some(&named),
            Duration::from_secs(2),
            1,
        );
        let answer = out[0].1.clone().map(|parts| parts[0].offset);
        if answer.is_ok() || start.elapsed() > within {
            return (answer, start.elapsed());
        }
    }
}

/// Three brokers; group g committed `offset` on t/0 and is coordinated by
/// broker 2.
fn coordinated_by_broker_2(
    offset: i64,
) -> (
    MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    String,
) {
    let mock = MockCluster::new(3).expect("mock cluster");
    mock.create_topic("t", 1, 1).expect("topic");
    let b = mock.bootstrap_servers();
    commit(&b, "g", offset);
    mock.coordinator(MockCoordinator::Group("g".into()), 2)
        .expect("coordinator");
    (mock, b)
}

// Both tests below failed on the librdkafka that rdkafka-sys 4.10.0 bundles
// (vendor/README.md): the first aborted the process, the second never
// answered again.
#[test]
fn a_group_request_that_timed_out_while_its_coordinator_was_down_does_not_abort() {
    let (mock, b) = coordinated_by_broker_2(5);
    mock.broker_down(2).expect("down");
    let c = client(&b);
    let named = [("t".to_string(), 0)];
    let out = list_group_offsets(
        c.client(),
        &["g".into()],
        Some(&named),
        Duration::from_millis(800),
        1,
    );
    let err = out[0].1.as_ref().expect_err("the coordinator is down");
    assert_eq!(err.kind, ErrorKind::TimedOut, "{err}");
    // The request above is still waiting for its coordinator inside
    // librdkafka; its return used to free the request twice.
    mock.broker_up(2).expect("up");
    let (answer, took) = offset_within(&c, Duration::from_secs(20));
    assert_eq!(answer, Ok(Some(5)), "after {took:?}");
}

#[test]
fn group_offsets_come_back_when_the_coordinator_returns() {
    let (mock, b) = coordinated_by_broker_2(7);
    let c = client(&b);
    assert_eq!(offset_within(&c, Duration::ZERO).0, Ok(Some(7)));
    mock.broker_down(2).expect("down");
    // Long enough for the client to drop broker 2 from its metadata.
    std::thread::sleep(Duration::from_secs(3));
    mock.broker_up(2).expect("up");
    let (answer, took) = offset_within(&c, Duration::from_secs(20));
    assert_eq!(answer, Ok(Some(7)), "after {took:?}");
}

/// A one-broker mock where group "g" committed 3 on t/0, and the client
/// `creel lag --watch` uses, with these librdkafka properties added. The
/// mock must outlive the client.
fn lag_watch_client_on_group_g(
    properties: &[(&str, &str)],
) -> (
    MockCluster<'static, rdkafka::producer::DefaultProducerContext>,
    crate::kafka::groups::GroupsClient,
) {
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic("t", 1, 1).expect("topic");
    let b = mock.bootstrap_servers();
    commit(&b, "g", 3);
    let mut settings = crate::config::Settings::for_bootstrap(&b);
    for (k, v) in properties {
        settings.properties.insert(k.to_string(), v.to_string());
    }
    let c =
        crate::kafka::groups::GroupsClient::new(&settings, Duration::from_secs(5)).expect("client");
    (mock, c)
}

/// `creel lag --watch` runs for hours on one client that nothing else
/// polls: it must not keep librdkafka's events (statistics every second,
/// as the 30-minute soak found, 18 MB in half an hour).
#[test]
fn a_lag_watch_client_keeps_no_events_waiting() {
    let (_mock, c) = lag_watch_client_on_group_g(&[]);
    let only = ["g".to_string()];
    for _ in 0..4 {
        let snap = c.fetch(Some(&only)).expect("a snapshot");
        assert_eq!(snap.groups.len(), 1);
        std::thread::sleep(Duration::from_millis(1100));
    }
    assert_eq!(c.pending_events(), 0);
}

/// With librdkafka's debug lines on, each sample brings dozens of log
/// events: all of them are served (to the log), none left waiting. A
/// sample used to serve one, so they piled up and the log of a watch got
/// a line every two seconds.
#[test]
fn a_lag_watch_client_serves_every_log_line() {
    let (_mock, c) = lag_watch_client_on_group_g(&[("debug", "protocol")]);
    let only = ["g".to_string()];
    let mut waiting = vec![];
    for _ in 0..4 {
        let snap = c.fetch(Some(&only)).expect("a snapshot");
        assert_eq!(snap.groups.len(), 1);
        waiting.push(c.pending_events());
    }
    // A line or two may land between the last one served and the count.
    assert!(
        waiting.iter().all(|n| *n <= 2),
        "events left waiting after each sample: {waiting:?}"
    );
}

/// A group's coordinator moves (a failover), and the broker librdkafka
/// has cached as the coordinator is up and answers NotCoordinator. The
/// cache entry used to survive that answer, kept alive by each use, so a
/// long-lived lag client never read the group again (found on Kafka: a
/// watch showed the group unread for minutes after a node came back,
/// while a new client read it at once); the vendored librdkafka now
/// drops it (vendor/README.md, fix 4). rust-rdkafka's mock wrapper cannot
/// make one broker refuse, hence the mock cluster through the C API.
#[test]
fn a_group_read_again_after_its_cached_coordinator_says_it_is_not() {
    use rdkafka::producer::Producer;
    use std::ffi::{CStr, CString};
    let host: rdkafka::producer::BaseProducer = ClientConfig::new()
        .set("test.mock.num.brokers", "3")
        .create()
        .expect("a client holding a mock cluster");
    let group_key = (CString::new("group").unwrap(), CString::new("g").unwrap());
    // SAFETY: the mock cluster belongs to `host`, which outlives every use
    // below; the strings outlive their calls.
    let (mcluster, b) = unsafe {
        let m = sys::rd_kafka_handle_mock_cluster(host.client().native_ptr());
        assert!(!m.is_null());
        let topic = CString::new("t").unwrap();
        sys::rd_kafka_mock_topic_create(m, topic.as_ptr(), 1, 1);
        sys::rd_kafka_mock_coordinator_set(m, group_key.0.as_ptr(), group_key.1.as_ptr(), 2);
        let b = CStr::from_ptr(sys::rd_kafka_mock_cluster_bootstraps(m))
            .to_string_lossy()
            .into_owned();
        (m, b)
    };
    commit(&b, "g", 7);
    let settings = crate::config::Settings::for_bootstrap(&b);
    let c =
        crate::kafka::groups::GroupsClient::new(&settings, Duration::from_secs(5)).expect("client");
    let only = ["g".to_string()];
    // (The mock cannot describe groups: only the offsets are compared.)
    let committed = |c: &crate::kafka::groups::GroupsClient| {
        let snap = c.fetch(Some(&only)).expect("a snapshot");
        let g = &snap.groups[0];
        g.partitions
            .first()
            .and_then(|p| p.committed)
            .ok_or_else(|| g.error.clone())
    };
    assert_eq!(committed(&c), Ok(7), "read from broker 2");
    // The coordinator moves to broker 3; broker 2 now refuses.
    unsafe {
        sys::rd_kafka_mock_coordinator_set(mcluster, group_key.0.as_ptr(), group_key.1.as_ptr(), 3);
        for _ in 0..50 {
            sys::rd_kafka_mock_broker_push_request_error_rtts(
                mcluster,
                2,
                RDKafkaApiKey::OffsetFetch as i16,
                1,
                RDKafkaRespErr::RD_KAFKA_RESP_ERR_NOT_COORDINATOR as std::os::raw::c_int,
                0 as std::os::raw::c_int,
            );
        }
    }
    let answers: Vec<_> = (0..5).map(|_| committed(&c)).collect();
    assert!(
        answers.contains(&Ok(7)),
        "the group is read again from its new coordinator: {answers:?}"
    );
    drop(c);
    drop(host);
}
