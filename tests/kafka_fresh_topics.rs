//! `creel topics` right after many topics are created on a three-node Kafka
//! cluster. The controller names the leaders at once, but each broker
//! refuses ListOffsets (NotLeaderForPartition) until it has applied the new
//! metadata, and librdkafka fails a whole batched request for one such
//! partition. Before the fix, the whole listing failed with exit 2 for a
//! minute after the topics were created; now every topic a broker knows is
//! listed, the partitions that refused say why, and the counts fill in as
//! they settle.
//! This binary has a cluster of its own: a thousand topics would slow the
//! tests sharing the other one.

mod common;

use std::process::Command;
use std::time::Duration;

use common::kafka;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::ClientConfig;

const TOPICS: usize = 1_000;

fn topics_json(b: &str) -> (std::process::ExitStatus, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", b, "topics", "--json"])
        .output()
        .expect("creel runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status, v, stderr)
}

/// (partitions with counts, partitions with an error) among the fresh topics.
fn tally(v: &serde_json::Value) -> (usize, usize) {
    let mut counted = 0;
    let mut refused = 0;
    for t in v.as_array().into_iter().flatten() {
        if !t["name"].as_str().unwrap_or("").starts_with("fresh-") {
            continue;
        }
        for p in t["partition_details"].as_array().into_iter().flatten() {
            match (p["high"].as_i64(), p["error"].as_str()) {
                (Some(_), None) => counted += 1,
                (None, Some(why)) => {
                    // What a broker answers while it applies new topics.
                    let settling = [
                        "NotLeader",
                        "LeaderNotAvailable",
                        "UnknownTopicOrPartition",
                        "UnknownLeaderEpoch",
                        "FencedLeaderEpoch",
                        "ReplicaNotAvailable",
                        "OffsetNotAvailable",
                    ];
                    assert!(
                        settling.iter().any(|s| why.contains(s)),
                        "a refused partition says why: {why}"
                    );
                    refused += 1;
                }
                other => panic!("partition {p} has counts and an error, or neither: {other:?}"),
            }
        }
    }
    (counted, refused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_listed_right_after_a_thousand_are_created() {
    let k = kafka::cluster();
    let b = k.bootstrap("PLAINTEXT").to_string();
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &b)
        .create()
        .expect("admin client");
    let names: Vec<String> = (0..TOPICS).map(|i| format!("fresh-{i:04}")).collect();
    let new: Vec<NewTopic> = names
        .iter()
        .map(|n| NewTopic::new(n, 3, TopicReplication::Fixed(1)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(60)));
    for r in admin.create_topics(&new, &opts).await.expect("create") {
        r.unwrap_or_else(|(t, e)| panic!("create {t}: {e}"));
    }

    // CreateTopics returns once the controller has committed the topics;
    // each broker applies them a moment later, so a listing in between
    // may not hold them yet (none did in one CI run). What must hold at
    // every moment: the listing succeeds, and each topic it holds has every
    // partition counted or refused with a reason. The whole list follows
    // within seconds.
    let b2 = b.clone();
    let (counted, refused, listings) = tokio::task::spawn_blocking(move || {
        let mut listings = 0;
        common::wait_for(
            Duration::from_secs(30),
            "every new topic to be listed",
            || {
                let (status, v, stderr) = topics_json(&b2);
                listings += 1;
                assert!(status.success(), "creel topics failed: {stderr}");
                let listed = v
                    .as_array()
                    .expect("a JSON array")
                    .iter()
                    .filter(|t| t["name"].as_str().unwrap_or("").starts_with("fresh-"))
                    .count();
                let (counted, refused) = tally(&v);
                assert_eq!(
                    counted + refused,
                    listed * 3,
                    "each listed partition is accounted for"
                );
                (listed == TOPICS).then_some((counted, refused, listings))
            },
        )
    })
    .await
    .unwrap();
    eprintln!(
        "first whole listing (try {listings}): {counted} partitions counted, {refused} refused"
    );

    // Then the counts fill in, with nothing refused.
    let b3 = b.clone();
    tokio::task::spawn_blocking(move || {
        common::wait_for(
            Duration::from_secs(120),
            "every fresh partition to have counts",
            || {
                let (status, v, _) = topics_json(&b3);
                (status.success() && tally(&v) == (TOPICS * 3, 0)).then_some(())
            },
        )
    })
    .await
    .unwrap();
}
