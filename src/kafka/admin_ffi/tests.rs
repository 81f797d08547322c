//! The FFI on librdkafka's mock cluster.
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::mocking::MockCluster;
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
