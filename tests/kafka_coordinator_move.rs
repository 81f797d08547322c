//! A consumer group's coordinator moves to another node while every node
//! stays up (what a preferred-leader election or a rolling restart does to
//! __consumer_offsets): a lag watch that read the group before must read it
//! again at once, from the new coordinator. The old one answers
//! NOT_COORDINATOR; librdkafka kept it cached (each use renewed the entry),
//! so every later request went back to it: vendored fixes 4 (offsets) and
//! 5 (describe), vendor/README.md.
//! This binary has a cluster of its own: moving leaders would disturb the
//! tests sharing the other one.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{commit, create_topics_rf, kafka, produce};
use creel::app::{LagBook, LagStatus};
use creel::model::{ConsumerGroup, GroupState};

fn move_coordinator(group: &str) -> String {
    let out = Command::new(kafka::script())
        .args(["move-coordinator", group, "--dir"])
        .arg(&kafka::cluster().dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "move-coordinator: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// What a sample says of the group: its state, its committed offsets,
/// its error.
fn seen(g: &ConsumerGroup) -> (GroupState, Vec<Option<i64>>, Option<String>) {
    (
        g.state.clone(),
        g.partitions.iter().map(|p| p.committed).collect(),
        g.error.clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lag_watch_reads_a_group_again_right_after_its_coordinator_moves() {
    let b = kafka::cluster().bootstrap("PLAINTEXT").to_string();
    create_topics_rf(&b, &[("moved", 2)], 3).await;
    produce(&b, "moved", 0, 10).await;
    let group = "mover";
    commit(&b, group, &[("moved", 0, 4), ("moved", 1, 0)]);
    let s = creel::config::Settings::for_bootstrap(&b);
    let client = creel::kafka::GroupsClient::new(&s, Duration::from_secs(10)).unwrap();
    let only = [group.to_string()];
    // The lag windows the watch judges from: a refused sample must not
    // send the group back to "collecting".
    let mut book = LagBook::new(3);
    let mut sample = |c: &creel::kafka::GroupsClient| {
        let snap = c.fetch(Some(&only)).expect("a sample");
        book.record(&snap);
        seen(
            snap.groups
                .iter()
                .find(|g| g.id == group)
                .expect("the group"),
        )
    };
    let whole = (GroupState::Empty, vec![Some(4), Some(0)], None);
    for _ in 0..3 {
        assert_eq!(sample(&client), whole, "read before the move");
    }
    for round in 1..=2 {
        let moved = move_coordinator(group);
        // The first sample may meet the old coordinator once; the next
        // must read the group whole. Before the fixes, every sample for the
        // rest of the client's life was refused.
        let answers: Vec<_> = (0..2).map(|_| sample(&client)).collect();
        eprintln!("round {round}: {moved}: {answers:?}");
        assert_eq!(answers[1], whole, "round {round} ({moved}): {answers:?}");
        // The first sample's describe may be refused, but that refusal
        // sends its offsets to the new coordinator (fix 5): they are read.
        assert_eq!(
            answers[0].1, whole.1,
            "round {round} ({moved}): offsets of the first sample: {answers:?}"
        );
    }
    let judged = &book.judged[group];
    assert_eq!(
        (judged.collecting, judged.status),
        (None, Some(LagStatus::Stop)),
        "the group's lag status through both moves"
    );
}
