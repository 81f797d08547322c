use super::*;
use crate::model::{GroupMember, GroupPartition};
use chrono::{Local, TimeZone};

/// Samples 5 s apart from (committed, log_end) pairs; log start 0.
fn window(points: &[(Option<i64>, Option<i64>)]) -> Vec<Sample> {
    points
        .iter()
        .enumerate()
        .map(|(i, (c, e))| Sample {
            at_ms: i as i64 * 5_000,
            committed: *c,
            log_end: *e,
            lag: match (c, e) {
                (Some(c), Some(e)) => Some((e - c).max(0)),
                _ => None,
            },
        })
        .collect()
}

fn s(c: i64, e: i64) -> (Option<i64>, Option<i64>) {
    (Some(c), Some(e))
}

#[test]
fn keeping_up_is_ok() {
    let w = window(&[s(10, 12), s(20, 21), s(30, 33), s(40, 40)]);
    assert_eq!(evaluate(&w, true), Some(LagStatus::Ok));
}

#[test]
fn lag_growing_while_committing_is_warn() {
    let w = window(&[s(10, 20), s(15, 30), s(20, 40), s(25, 50)]);
    assert_eq!(evaluate(&w, true), Some(LagStatus::Warn));
}

#[test]
fn lag_growing_then_shrinking_is_ok() {
    let w = window(&[s(10, 20), s(15, 30), s(40, 45)]);
    assert_eq!(evaluate(&w, true), Some(LagStatus::Ok));
}

#[test]
fn offset_stuck_with_members_is_stall_without_members_is_stop() {
    let w = window(&[s(10, 20), s(10, 30), s(10, 40)]);
    assert_eq!(evaluate(&w, true), Some(LagStatus::Stall));
    assert_eq!(evaluate(&w, false), Some(LagStatus::Stop));
    // Stuck but nothing to read: OK, whatever the members.
    let idle = window(&[s(10, 10), s(10, 10), s(10, 10)]);
    assert_eq!(evaluate(&idle, false), Some(LagStatus::Ok));
}

#[test]
fn committed_moving_backwards_is_rewind() {
    let w = window(&[s(50, 60), s(55, 60), s(10, 60)]);
    assert_eq!(evaluate(&w, true), Some(LagStatus::Rewind));
}

#[test]
fn no_commit_is_not_judged_and_has_no_lag() {
    let w = window(&[(None, Some(10)), (None, Some(20)), (None, Some(30))]);
    assert_eq!(evaluate(&w, true), None);
    let p = GroupPartition {
        topic: "t".into(),
        partition: 0,
        committed: None,
        log_start: Some(0),
        log_end: Some(30),
        owner: None,
        error: None,
    };
    assert_eq!(p.lag(), None);
}

#[test]
fn too_few_samples_is_not_judged_even_when_stuck() {
    let w = window(&[s(10, 20), s(10, 30)]);
    assert_eq!(evaluate(&w, false), None);
}

#[test]
fn retention_past_committed_counts_from_log_start() {
    let p = GroupPartition {
        topic: "t".into(),
        partition: 0,
        committed: Some(5),
        log_start: Some(100),
        log_end: Some(130),
        owner: None,
        error: None,
    };
    assert_eq!(p.lag(), Some(30));
    let ahead = GroupPartition {
        committed: Some(140),
        ..p
    };
    assert_eq!(ahead.lag(), Some(0), "never negative");
}

#[test]
fn deleted_topic_has_unknown_end_and_no_lag_but_keeps_judging_rest() {
    // Log end unknown (topic deleted): lag None, status OK not a panic.
    let w = window(&[(Some(5), None), (Some(5), None), (Some(5), None)]);
    assert_eq!(evaluate(&w, false), Some(LagStatus::Ok));
}

#[test]
fn counters_at_zero() {
    let w = window(&[s(0, 0), s(0, 0), s(0, 0)]);
    assert_eq!(evaluate(&w, false), Some(LagStatus::Ok));
    assert_eq!(
        rates(&w),
        Rates {
            consume: Some(0.0),
            produce: Some(0.0)
        }
    );
    assert_eq!(eta(Some(0), rates(&w)), Eta::CaughtUp);
}

#[test]
fn rates_and_eta() {
    let w = window(&[s(0, 100), s(50, 125), s(100, 150)]); // 10 s
    let r = rates(&w);
    assert_eq!(r.consume, Some(10.0));
    assert_eq!(r.produce, Some(5.0));
    assert_eq!(eta(Some(50), r), Eta::Seconds(10.0));
    let behind = window(&[s(0, 100), s(10, 200)]);
    assert_eq!(eta(Some(190), rates(&behind)), Eta::FallingBehind);
}

fn group(id: &str, parts: &[(i32, Option<i64>, i64)], members: usize) -> ConsumerGroup {
    ConsumerGroup {
        id: id.into(),
        state: if members > 0 {
            crate::model::GroupState::Stable
        } else {
            crate::model::GroupState::Empty
        },
        assignor: "range".into(),
        members: (0..members)
            .map(|i| GroupMember {
                member_id: format!("m{i}"),
                client_id: format!("c{i}"),
                host: "/127.0.0.1".into(),
                assignment: vec![],
            })
            .collect(),
        partitions: parts
            .iter()
            .map(|(p, c, e)| GroupPartition {
                topic: "orders".into(),
                partition: *p,
                committed: *c,
                log_start: Some(0),
                log_end: Some(*e),
                owner: None,
                error: None,
            })
            .collect(),
        error: None,
        sample_failed: false,
    }
}

fn snap(i: i64, groups: Vec<ConsumerGroup>) -> GroupsSnapshot {
    GroupsSnapshot {
        groups,
        taken_at: Local
            .timestamp_millis_opt(1_700_000_000_000 + i * 5_000)
            .unwrap(),
        list_error: None,
    }
}

#[test]
fn group_takes_its_worst_partition_and_window_is_bounded() {
    let mut book = LagBook::new(4);
    for i in 0..10 {
        // p0 keeps up; p1 is stuck at 3 while the log grows.
        book.record(&snap(
            i,
            vec![group(
                "g",
                &[(0, Some(10 * i), 10 * i), (1, Some(3), 10 + i)],
                0,
            )],
        ));
    }
    let j = &book.judged["g"];
    assert_eq!(j.status, Some(LagStatus::Stop));
    assert_eq!(
        j.partitions[&("orders".to_string(), 0)].0,
        Some(LagStatus::Ok)
    );
    assert_eq!(book.samples["g"][&("orders".to_string(), 1)].len(), 4);
    assert_eq!(j.history.len(), 10);
}

#[test]
fn partition_count_grew_and_group_vanished() {
    let mut book = LagBook::new(3);
    book.record(&snap(
        0,
        vec![
            group("g", &[(0, Some(1), 1)], 1),
            group("gone", &[(0, Some(1), 1)], 0),
        ],
    ));
    book.record(&snap(
        1,
        vec![group("g", &[(0, Some(2), 2), (1, Some(0), 5)], 1)],
    ));
    assert!(!book.judged.contains_key("gone"));
    let j = &book.judged["g"];
    assert_eq!(j.partitions.len(), 2);
    assert_eq!(
        j.partitions[&("orders".to_string(), 1)].0,
        None,
        "one sample: not judged yet"
    );
    assert_eq!(j.status, None);
    assert_eq!(j.collecting, Some((2, 3)));
}

#[test]
fn group_falling_behind_in_bursts_is_warn_though_no_partition_is() {
    let mut book = LagBook::new(4);
    // Two partitions; the consumer alternates between them, so each one's
    // lag dips every other sample, but the group's total keeps growing.
    for i in 0..6i64 {
        let end = 100 + 30 * i;
        // Each partition gets 30 new messages a step; the consumer takes 50
        // from one partition per step, alternating.
        let (c0, c1) = (50 * ((i + 1) / 2), 50 * (i / 2));
        book.record(&snap(
            i,
            vec![group("g", &[(0, Some(c0), end), (1, Some(c1), end)], 1)],
        ));
    }
    let j = &book.judged["g"];
    assert!(j
        .partitions
        .values()
        .all(|(s, _)| *s == Some(LagStatus::Ok)));
    assert_eq!(j.status, Some(LagStatus::Warn));
}

#[test]
fn collecting_until_the_window_is_full_then_judged() {
    let mut book = LagBook::new(4);
    for i in 0..3 {
        book.record(&snap(i, vec![group("g", &[(0, Some(3), 10 + i)], 0)]));
        let j = &book.judged["g"];
        assert_eq!(j.status, None, "sample {i}");
        assert_eq!(j.collecting, Some((i as usize + 1, 4)));
    }
    book.record(&snap(3, vec![group("g", &[(0, Some(3), 13)], 0)]));
    assert_eq!(book.judged["g"].collecting, None);
    assert_eq!(book.judged["g"].status, Some(LagStatus::Stop));
}

/// A healthy consumer committing every 5 s, sampled every 2 s while a
/// producer writes 100 messages a second: its lag saws up between commits.
/// Every window the size of the TUI's (6) is OK; only a short window that
/// falls between two commits could see the lag grow.
#[test]
fn a_steady_consumer_never_flips_to_warn() {
    let at = |ms: i64| {
        let end = ms / 10; // 100 a second
        let committed = (ms / 5_000) * 500; // every 5 s, caught up then
        (committed, end)
    };
    let mut book = LagBook::new(6);
    let mut statuses = vec![];
    for i in 0..60i64 {
        let (c, e) = at(i * 2_000 + 700);
        let mut snapshot = snap(0, vec![group("g", &[(0, Some(c), e)], 1)]);
        snapshot.taken_at = Local.timestamp_millis_opt(i * 2_000 + 700).unwrap();
        book.record(&snapshot);
        statuses.push(book.judged["g"].status);
    }
    assert!(statuses[..5].iter().all(Option::is_none), "{statuses:?}");
    assert!(
        statuses[5..].iter().all(|s| *s == Some(LagStatus::Ok)),
        "{statuses:?}"
    );
    // What one-shot `creel lag` judged before: three samples, 4 s.
    let mut short = LagBook::new(3);
    let mut warned = false;
    for i in 0..60i64 {
        let (c, e) = at(i * 2_000 + 700);
        let mut snapshot = snap(0, vec![group("g", &[(0, Some(c), e)], 1)]);
        snapshot.taken_at = Local.timestamp_millis_opt(i * 2_000 + 700).unwrap();
        short.record(&snapshot);
        warned |= short.judged["g"].status.is_some_and(|s| s != LagStatus::Ok);
    }
    assert!(warned, "the short window was expected to flap");
}

/// A sample in which the group could not be read (its coordinator moving:
/// state unknown, no members, no offsets, an error) keeps the group's
/// windows and status: before, it wiped them, and the group was
/// "collecting" again for a whole window after every coordinator move.
#[test]
fn a_sample_that_could_not_read_the_group_keeps_its_status() {
    let mut book = LagBook::new(4);
    for i in 0..4 {
        book.record(&snap(i, vec![group("g", &[(0, Some(3), 10 + i)], 2)]));
    }
    assert_eq!(book.judged["g"].status, Some(LagStatus::Stall));
    let unread = ConsumerGroup {
        state: crate::model::GroupState::Unknown,
        members: vec![],
        partitions: vec![],
        error: Some("cannot describe: the group's coordinator is moving (NotCoordinator)".into()),
        sample_failed: true,
        ..group("g", &[], 0)
    };
    book.record(&snap(4, vec![unread]));
    let j = &book.judged["g"];
    assert_eq!(
        j.status,
        Some(LagStatus::Stall),
        "kept through the unread sample"
    );
    assert_eq!(book.samples("g"), 4);
    book.record(&snap(5, vec![group("g", &[(0, Some(3), 15)], 2)]));
    let j = &book.judged["g"];
    assert_eq!(j.collecting, None, "not collecting again");
    assert_eq!(j.status, Some(LagStatus::Stall));
}

/// A describe the cluster never answers (the demo's mock cluster, a
/// cluster without the request) is an error on every sample but not a
/// failed sample: the group is judged from its offsets, without members.
#[test]
fn a_group_that_can_never_be_described_is_still_judged() {
    let mut book = LagBook::new(3);
    for i in 0..3 {
        let g = ConsumerGroup {
            state: crate::model::GroupState::Unknown,
            error: Some("cannot describe: not supported by this cluster".into()),
            ..group("g", &[(0, Some(3), 10 + i)], 0)
        };
        book.record(&snap(i, vec![g]));
    }
    assert_eq!(book.judged["g"].status, Some(LagStatus::Stop));
}
