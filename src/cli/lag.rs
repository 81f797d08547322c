//! `creel lag`: the group lag table once (or `--watch`), with an exit code
//! a cron job or a monitoring check can use.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;

use super::exit;
use crate::app::{LagBook, LagStatus};
use crate::config::Settings;
use crate::kafka::GroupsClient;
use crate::model::{ConsumerGroup, GroupPartition, GroupState, GroupsSnapshot};

pub struct LagArgs {
    pub groups: Vec<String>,
    pub json: bool,
    pub watch: bool,
    pub samples: usize,
    pub interval: Duration,
}

pub fn run(settings: &Settings, args: LagArgs) -> anyhow::Result<ExitCode> {
    if let Err(code) = super::reach(settings) {
        return Ok(code);
    }
    let timeout = Duration::from_secs(10);
    let client =
        match GroupsClient::new(settings, timeout).and_then(|c| c.check_reachable().map(|_| c)) {
            Ok(c) => c,
            Err(e) => {
                eprintln!(
                    "creel: cannot read the cluster at {}: {e:#}",
                    settings.bootstrap_servers
                );
                return Ok(ExitCode::from(exit::CANNOT_TELL));
            }
        };
    let only = (!args.groups.is_empty()).then_some(args.groups.as_slice());
    let mut book = LagBook::new(args.samples);
    // The book's window (at least MIN_SAMPLES) is how many samples to take.
    let samples = book.window;
    let progress = super::print::Progress::stderr();
    let mut taken = 0;
    loop {
        let snap = match client.fetch(only) {
            Ok(s) => s,
            Err(e) => {
                progress.clear();
                let why = format!("cannot read consumer groups: {e:#}");
                if !args.watch {
                    eprintln!("creel: cannot tell: {why}");
                    return Ok(ExitCode::from(exit::CANNOT_TELL));
                }
                // A watch is kept open through the outage it is there to
                // see: the failed sample is said (with --json as a line of
                // its own, so a pipeline sees the gap instead of a silence)
                // and the next one is taken.
                eprintln!(
                    "creel: cannot tell: {why}; trying again in {} s",
                    args.interval.as_secs()
                );
                if args.json {
                    let nothing = GroupsSnapshot {
                        groups: vec![],
                        taken_at: chrono::Local::now(),
                        list_error: None,
                    };
                    print(&nothing, &book, &[why], Verdict::CannotTell, true)?;
                }
                std::thread::sleep(args.interval);
                continue;
            }
        };
        book.record(&snap);
        taken += 1;
        if taken < samples && !args.watch {
            progress.say(&format!(
                "sampling lag {taken}/{samples}, {} s apart…",
                args.interval.as_secs()
            ));
        } else {
            progress.clear();
            let mut unknown = cannot_tell(&snap, &args.groups);
            if !args.watch {
                // A group seen in fewer samples than the window (it
                // appeared mid-run) has no status: that is not green.
                for g in &snap.groups {
                    if let Some((have, need)) = book.judged.get(&g.id).and_then(|j| j.collecting) {
                        unknown.push(format!(
                            "group {:?} was seen in {have} of {need} samples: no status yet",
                            g.id
                        ));
                    }
                }
            }
            for why in &unknown {
                eprintln!("creel: cannot tell: {why}");
            }
            let verdict = Verdict::of(&snap, &book, &unknown);
            print(&snap, &book, &unknown, verdict, args.json)?;
            if !args.watch {
                return Ok(ExitCode::from(verdict.code()));
            }
        }
        std::thread::sleep(args.interval);
    }
}

/// Why the answer cannot be trusted: a group list that failed somewhere,
/// a group asked for that does not exist, offsets that could not be read.
/// Any of these makes the exit code 2, never 0.
fn cannot_tell(snap: &GroupsSnapshot, asked: &[String]) -> Vec<String> {
    let mut why = vec![];
    if let Some(e) = &snap.list_error {
        why.push(e.clone());
    }
    for name in asked {
        match snap.groups.iter().find(|g| &g.id == name) {
            None => why.push(format!("group {name:?} was not reported")),
            Some(g) if g.state == GroupState::Dead => {
                why.push(format!("group {name:?} does not exist (Dead)"))
            }
            // Some brokers (tansu) describe any name as an empty group.
            Some(g)
                if g.members.is_empty() && g.partitions.iter().all(|p| p.committed.is_none()) =>
            {
                why.push(format!(
                    "group {name:?} has no members and no committed offsets: nothing to judge (does it exist?)"
                ))
            }
            _ => {}
        }
    }
    for g in &snap.groups {
        if let Some(e) = &g.error {
            why.push(format!("group {:?}: {e}", g.id));
        }
        if let Some(unread) = unread_sentence(g) {
            why.push(unread);
        }
    }
    why
}

/// Partitions named in a sentence before the rest are only counted.
const UNREAD_NAMED: usize = 3;

/// A group's partitions whose offsets or log end could not be read: its
/// lag is then the sum of the others, which must not pass for the whole.
fn unread_sentence(g: &ConsumerGroup) -> Option<String> {
    let unread: Vec<&GroupPartition> = g.unread_partitions().collect();
    if unread.is_empty() {
        return None;
    }
    let mut named: Vec<String> = unread
        .iter()
        .take(UNREAD_NAMED)
        .map(|p| {
            format!(
                "{}/{}: {}",
                crate::ui::text::sanitize(&p.topic),
                p.partition,
                p.error.as_deref().unwrap_or_default()
            )
        })
        .collect();
    if unread.len() > UNREAD_NAMED {
        named.push(format!("and {} more", unread.len() - UNREAD_NAMED));
    }
    Some(format!(
        "group {:?}: {} of {} partitions unread, its lag counts only the others: {}",
        g.id,
        unread.len(),
        g.partitions.len(),
        named.join("; ")
    ))
}

fn status_of(book: &LagBook, group: &str) -> Option<LagStatus> {
    book.judged.get(group).and_then(|j| j.status)
}

/// "OK", "WARN"..., or "collecting 2/6" while the window fills (--watch).
fn status_word(book: &LagBook, group: &str) -> String {
    book.judged
        .get(group)
        .map_or_else(|| "-".into(), |j| j.word())
}

/// The answer of a run, for the exit code and the JSON alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Lagging,
    CannotTell,
}

impl Verdict {
    fn of(snap: &GroupsSnapshot, book: &LagBook, unknown: &[String]) -> Verdict {
        let bad = snap
            .groups
            .iter()
            .any(|g| status_of(book, &g.id).is_some_and(|s| s != LagStatus::Ok));
        if !unknown.is_empty() {
            Verdict::CannotTell
        } else if bad {
            Verdict::Lagging
        } else {
            Verdict::Ok
        }
    }

    fn word(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Lagging => "lagging",
            Verdict::CannotTell => "cannot tell",
        }
    }

    fn code(self) -> u8 {
        match self {
            Verdict::Ok => 0,
            Verdict::Lagging => exit::NO,
            Verdict::CannotTell => exit::CANNOT_TELL,
        }
    }
}

fn print(
    snap: &GroupsSnapshot,
    book: &LagBook,
    unknown: &[String],
    verdict: Verdict,
    as_json: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if as_json {
        let groups: Vec<_> = snap
            .groups
            .iter()
            .map(|g| {
                let judged = book.judged.get(&g.id);
                json!({
                    "group": g.id,
                    "state": g.state.name(),
                    "assignor": g.assignor,
                    "members": g.members.len(),
                    "lag": g.total_lag(),
                    "status": status_word(book, &g.id),
                    "samples": book.samples(&g.id),
                    "error": g.error,
                    "partitions": g.partitions.iter().map(|p| {
                        let (st, rates) = judged
                            .and_then(|j| j.partitions.get(&(p.topic.clone(), p.partition)))
                            .copied()
                            .unwrap_or_default();
                        json!({
                            "topic": p.topic,
                            "partition": p.partition,
                            "committed": p.committed,
                            "log_start": p.log_start,
                            "log_end": p.log_end,
                            "lag": p.lag(),
                            "status": st.map(|s| s.word()),
                            "consume_per_sec": rates.consume,
                            "produce_per_sec": rates.produce,
                            "owner": p.owner,
                            "error": p.error,
                        })
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = json!({
            "taken_at": snap.taken_at.to_rfc3339(),
            "verdict": verdict.word(),
            "cannot_tell": unknown,
            "window": book.window,
            "groups": groups,
        });
        serde_json::to_writer(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(());
    }
    let width = snap
        .groups
        .iter()
        .map(|g| g.id.len())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{:width$}  {:19}  {:>7}  {:>12}  STATUS",
        "GROUP", "STATE", "MEMBERS", "LAG"
    )?;
    for g in &snap.groups {
        let st = status_of(book, &g.id);
        let lag = g
            .total_lag()
            .map(|l| l.to_string())
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:width$}  {:19}  {:>7}  {:>12}  {}",
            crate::ui::text::sanitize(&g.id),
            g.state.name(),
            g.members.len(),
            lag,
            status_word(book, &g.id)
        )?;
        // Spell out the partitions behind a bad status.
        if let (Some(s), Some(j)) = (st, book.judged.get(&g.id)) {
            if s != LagStatus::Ok {
                for p in &g.partitions {
                    let ps = j
                        .partitions
                        .get(&(p.topic.clone(), p.partition))
                        .and_then(|x| x.0);
                    if ps.is_some_and(|x| x != LagStatus::Ok) {
                        writeln!(
                            out,
                            "  {}/{}  committed {}  end {}  lag {}  {}",
                            crate::ui::text::sanitize(&p.topic),
                            p.partition,
                            p.committed
                                .map(|c| c.to_string())
                                .unwrap_or_else(|| "-".into()),
                            p.log_end
                                .map(|c| c.to_string())
                                .unwrap_or_else(|| "?".into()),
                            p.lag().map(|c| c.to_string()).unwrap_or_else(|| "-".into()),
                            ps.map(|x| x.word()).unwrap_or("-"),
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partition(p: i32, error: Option<&str>) -> GroupPartition {
        GroupPartition {
            topic: "orders".into(),
            partition: p,
            committed: Some(1),
            log_start: Some(0),
            log_end: error.is_none().then_some(4),
            owner: None,
            error: error.map(String::from),
        }
    }

    fn group(partitions: Vec<GroupPartition>) -> ConsumerGroup {
        ConsumerGroup {
            id: "billing".into(),
            state: GroupState::Empty,
            assignor: String::new(),
            members: vec![],
            partitions,
            error: None,
            sample_failed: false,
        }
    }

    #[test]
    fn a_lag_with_unread_partitions_is_said_partial() {
        let whole = group((0..3).map(|p| partition(p, None)).collect());
        assert_eq!(unread_sentence(&whole), None);

        let g = group(vec![
            partition(0, None),
            partition(1, Some("leader not available")),
            partition(2, None),
        ]);
        assert_eq!(g.total_lag(), Some(6), "the others' lag is still shown");
        assert_eq!(
            unread_sentence(&g).unwrap(),
            "group \"billing\": 1 of 3 partitions unread, its lag counts only the others: \
             orders/1: leader not available"
        );

        let many = group((0..5).map(|p| partition(p, Some("gone"))).collect());
        assert!(unread_sentence(&many).unwrap().ends_with(
            "5 of 5 partitions unread, its lag counts only the others: \
                        orders/0: gone; orders/1: gone; orders/2: gone; and 2 more"
        ));
    }
}
