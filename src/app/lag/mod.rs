//! Judging consumer lag over a sliding window of samples, after Burrow's
//! rules, and keeping that window per partition. Pure code: it sees only
//! numbers and times.
//!
//! Kafka's OffsetFetch carries no commit timestamp, so "no commit" is read
//! as "committed offset unchanged over the window": with members joined the
//! group is STALL (consumers alive but not advancing), without members it is
//! STOP (nobody is consuming).

use std::collections::{HashMap, VecDeque};

use crate::model::{ConsumerGroup, GroupsSnapshot};

/// Worst last, so `max` of statuses is the group's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LagStatus {
    Ok,
    Warn,
    Rewind,
    Stall,
    Stop,
}

impl LagStatus {
    pub fn word(self) -> &'static str {
        match self {
            LagStatus::Ok => "OK",
            LagStatus::Warn => "WARN",
            LagStatus::Rewind => "REWIND",
            LagStatus::Stall => "STALL",
            LagStatus::Stop => "STOP",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            LagStatus::Ok => "keeping up",
            LagStatus::Warn => "lag growing over the whole window while committing",
            LagStatus::Rewind => "committed offset moved backwards",
            LagStatus::Stall => "members joined but the committed offset is not moving",
            LagStatus::Stop => "no member and no commit over the window",
        }
    }
}

/// One observation of one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub at_ms: i64,
    pub committed: Option<i64>,
    pub log_end: Option<i64>,
    pub lag: Option<i64>,
}

/// Fewer samples than this cannot show a trend: such a window is not judged.
pub const MIN_SAMPLES: usize = 3;

/// The status of a partition over `window` (oldest first), or None when the
/// group has no committed offset there.
pub fn evaluate(window: &[Sample], has_members: bool) -> Option<LagStatus> {
    let last = window.last()?;
    last.committed?;
    let rewound = window
        .windows(2)
        .any(|w| match (w[0].committed, w[1].committed) {
            (Some(a), Some(b)) => b < a,
            _ => false,
        });
    if rewound {
        return Some(LagStatus::Rewind);
    }
    if window.len() < MIN_SAMPLES {
        return None;
    }
    // Burrow's first rule: a consumer that was caught up at any point of the
    // window is keeping up. It is also what keeps a healthy consumer, whose
    // lag saws up between commits, from flapping to WARN.
    // Unknown lag (the topic is gone) is not judged either way.
    if last.lag.is_none() || window.iter().any(|s| s.lag == Some(0)) {
        return Some(LagStatus::Ok);
    }
    let first = window[0];
    if window.iter().all(|s| s.committed == last.committed) {
        return Some(if has_members {
            LagStatus::Stall
        } else {
            LagStatus::Stop
        });
    }
    if first.committed.is_some() && lag_grows(window) {
        return Some(LagStatus::Warn);
    }
    Some(LagStatus::Ok)
}

/// Lag known at every sample, never shrinking, and larger at the end.
fn lag_grows(window: &[Sample]) -> bool {
    let lags: Vec<i64> = window.iter().filter_map(|s| s.lag).collect();
    lags.len() == window.len()
        && lags.windows(2).all(|w| w[1] >= w[0])
        && lags.last() > lags.first()
}

/// WARN for the group as a whole: its total lag grew over a full window
/// while it committed. A consumer reads each partition in bursts, so one
/// partition's lag can dip while the group falls steadily behind.
pub fn group_warn(totals: &[Sample]) -> bool {
    let moved = matches!(
        (totals.first().and_then(|s| s.committed), totals.last().and_then(|s| s.committed)),
        (Some(a), Some(b)) if b > a
    );
    totals.len() >= MIN_SAMPLES
        && moved
        && !totals.iter().any(|s| s.lag == Some(0))
        && lag_grows(totals)
}

/// Messages per second over the window: consumed (commits) and produced (log end).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    pub consume: Option<f64>,
    pub produce: Option<f64>,
}

pub fn rates(window: &[Sample]) -> Rates {
    let (Some(first), Some(last)) = (window.first(), window.last()) else {
        return Rates::default();
    };
    let secs = (last.at_ms - first.at_ms) as f64 / 1000.0;
    if secs <= 0.0 {
        return Rates::default();
    }
    let per_sec = |a: Option<i64>, b: Option<i64>| Some((b? - a?) as f64 / secs);
    Rates {
        consume: per_sec(first.committed, last.committed).map(|r| r.max(0.0)),
        produce: per_sec(first.log_end, last.log_end).map(|r| r.max(0.0)),
    }
}

/// When the consumer will have caught up, at the current rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Eta {
    CaughtUp,
    Seconds(f64),
    FallingBehind,
    Unknown,
}

pub fn eta(lag: Option<i64>, rates: Rates) -> Eta {
    match (lag, rates.consume, rates.produce) {
        (Some(0), _, _) => Eta::CaughtUp,
        (Some(lag), Some(c), Some(p)) if c > p => Eta::Seconds(lag as f64 / (c - p)),
        (Some(_), Some(_), Some(_)) => Eta::FallingBehind,
        _ => Eta::Unknown,
    }
}

/// What the UI shows for a group, derived once per snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupJudgement {
    /// None while collecting, or when the group has committed nothing.
    pub status: Option<LagStatus>,
    /// (samples held, samples needed) until the window is full: no status
    /// is given from a partial window (REWIND excepted: it needs two).
    pub collecting: Option<(usize, usize)>,
    /// (topic, partition) -> status, rates
    pub partitions: HashMap<(String, i32), (Option<LagStatus>, Rates)>,
    /// Total lag per refresh, oldest first, for the sparkline and chart.
    pub history: VecDeque<(i64, i64)>,
}

impl GroupJudgement {
    /// "OK", "WARN"..., "collecting 2/6" while the window fills, or "-".
    pub fn word(&self) -> String {
        match (self.collecting, self.status) {
            (Some((have, need)), _) => format!("collecting {have}/{need}"),
            (None, Some(s)) => s.word().to_string(),
            (None, None) => "-".into(),
        }
    }
}

/// Sliding windows for every partition of every group, and the judgements.
#[derive(Debug, Clone)]
pub struct LagBook {
    pub window: usize,
    /// How many total-lag points a group keeps for its chart.
    pub history_cap: usize,
    samples: HashMap<String, HashMap<(String, i32), VecDeque<Sample>>>,
    /// Per group: sums over its committed partitions (for `group_warn`).
    totals: HashMap<String, VecDeque<Sample>>,
    pub judged: HashMap<String, GroupJudgement>,
}

impl LagBook {
    pub fn new(window: usize) -> LagBook {
        LagBook {
            window: window.max(MIN_SAMPLES),
            history_cap: 720,
            samples: HashMap::new(),
            totals: HashMap::new(),
            judged: HashMap::new(),
        }
    }

    /// How many samples of `group`'s total lag the window holds.
    pub fn samples(&self, group: &str) -> usize {
        self.totals.get(group).map_or(0, VecDeque::len)
    }

    /// Add a snapshot's observations and re-judge every group in it. Groups
    /// and partitions no longer reported are forgotten, so memory follows
    /// the cluster, not the session's length.
    pub fn record(&mut self, snap: &GroupsSnapshot) {
        let at_ms = snap.taken_at.timestamp_millis();
        let live: std::collections::HashSet<&str> =
            snap.groups.iter().map(|g| g.id.as_str()).collect();
        self.samples.retain(|g, _| live.contains(g.as_str()));
        self.judged.retain(|g, _| live.contains(g.as_str()));
        self.totals.retain(|g, _| live.contains(g.as_str()));
        for group in &snap.groups {
            self.record_group(group, at_ms);
        }
    }

    fn record_group(&mut self, group: &ConsumerGroup, at_ms: i64) {
        // A group that could not be read in this sample (its coordinator
        // moving, its offsets unread) says nothing about its lag: its
        // windows and status stay as they were. Recorded, its missing
        // partitions and members wiped the windows, and after every
        // coordinator move each such group was "collecting" again for a
        // whole window.
        if group.sample_failed {
            return;
        }
        let windows = self.samples.entry(group.id.clone()).or_default();
        let keys: std::collections::HashSet<(String, i32)> = group
            .partitions
            .iter()
            .map(|p| (p.topic.clone(), p.partition))
            .collect();
        windows.retain(|k, _| keys.contains(k));
        let judged = self.judged.entry(group.id.clone()).or_default();
        judged.partitions.clear();
        let has_members = !group.members.is_empty();
        let mut worst: Option<LagStatus> = None;
        for p in &group.partitions {
            let w = windows.entry((p.topic.clone(), p.partition)).or_default();
            w.push_back(Sample {
                at_ms,
                committed: p.committed,
                log_end: p.log_end,
                lag: p.lag(),
            });
            while w.len() > self.window {
                w.pop_front();
            }
            let slice: Vec<Sample> = w.iter().copied().collect();
            let status = match evaluate(&slice, has_members) {
                Some(LagStatus::Rewind) => Some(LagStatus::Rewind),
                _ if slice.len() < self.window => None,
                s => s,
            };
            worst = worst.max(status);
            judged
                .partitions
                .insert((p.topic.clone(), p.partition), (status, rates(&slice)));
        }
        let committed: Vec<_> = group
            .partitions
            .iter()
            .filter(|p| p.committed.is_some())
            .collect();
        let total = Sample {
            at_ms,
            committed: (!committed.is_empty())
                .then(|| committed.iter().filter_map(|p| p.committed).sum()),
            log_end: committed.iter().map(|p| p.log_end).sum(),
            lag: group.total_lag(),
        };
        let totals = self.totals.entry(group.id.clone()).or_default();
        // A changed partition set makes sums incomparable: start over.
        if totals
            .back()
            .is_some_and(|b: &Sample| b.committed.is_some() != total.committed.is_some())
        {
            totals.clear();
        }
        totals.push_back(total);
        while totals.len() > self.window {
            totals.pop_front();
        }
        let totals: Vec<Sample> = totals.iter().copied().collect();
        if group_warn(&totals) {
            worst = worst.max(Some(LagStatus::Warn));
        }
        let full = totals.len() >= self.window;
        judged.collecting =
            (!full && worst != Some(LagStatus::Rewind)).then_some((totals.len(), self.window));
        judged.status = worst;
        if let Some(total) = group.total_lag() {
            judged.history.push_back((at_ms, total));
            while judged.history.len() > self.history_cap {
                judged.history.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests;
