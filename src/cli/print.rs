//! Headless `topics` and `brokers`: the same facts as the screens, as text
//! or JSON, for scripts.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use serde_json::json;

use crate::config::Settings;
use crate::kafka::fetch_snapshot_blocking;
use crate::model::ClusterSnapshot;

/// One topic of `creel topics --json`.
#[derive(serde::Serialize)]
struct TopicJson<'a> {
    name: &'a str,
    internal: bool,
    partitions: usize,
    replication_factor: usize,
    messages: Option<i64>,
    under_replicated: usize,
    partition_details: PartitionsJson<'a>,
}

impl<'a> TopicJson<'a> {
    fn of(t: &'a crate::model::Topic) -> Self {
        TopicJson {
            name: &t.name,
            internal: t.internal,
            partitions: t.partitions.len(),
            replication_factor: t.replication_factor(),
            messages: t.messages(),
            under_replicated: t.under_replicated(),
            partition_details: PartitionsJson(&t.partitions),
        }
    }
}

struct PartitionsJson<'a>(&'a [crate::model::Partition]);

impl serde::Serialize for PartitionsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct PartitionJson<'a> {
            id: i32,
            leader: i32,
            replicas: &'a [i32],
            isr: &'a [i32],
            low: Option<i64>,
            high: Option<i64>,
            error: &'a Option<String>,
        }
        s.collect_seq(self.0.iter().map(|p| PartitionJson {
            id: p.id,
            leader: p.leader,
            replicas: &p.replicas,
            isr: &p.isr,
            low: p.watermarks.map(|w| w.low),
            high: p.watermarks.map(|w| w.high),
            error: &p.error,
        }))
    }
}

fn snapshot(
    settings: &Settings,
    timeout: Duration,
    describe: bool,
) -> Result<ClusterSnapshot, ExitCode> {
    super::reach(settings)?;
    fetch_snapshot_blocking(settings, timeout, describe).map_err(|e| {
        eprintln!(
            "creel: cannot read the cluster at {}: {e:#}",
            settings.bootstrap_servers
        );
        ExitCode::from(super::exit::CANNOT_TELL)
    })
}

pub fn topics(
    settings: &Settings,
    as_json: bool,
    internal: bool,
    timeout: Duration,
) -> anyhow::Result<ExitCode> {
    // The topic list needs no controller: DescribeCluster is not asked.
    let snap = match snapshot(settings, timeout, false) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let mut topics: Vec<_> = snap
        .topics
        .iter()
        .filter(|t| internal || !t.internal)
        .collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = std::io::stdout().lock();
    if as_json {
        // Written as it is serialized, without a JSON tree of every
        // partition in memory first.
        let v: Vec<TopicJson> = topics.iter().map(|t| TopicJson::of(t)).collect();
        serde_json::to_writer(&mut out, &v)?;
        writeln!(out)?;
    } else {
        let width = topics
            .iter()
            .map(|t| t.name.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            out,
            "{:width$}  {:>10}  {:>3}  {:>14}  URP",
            "NAME", "PARTITIONS", "RF", "MESSAGES"
        )?;
        for t in topics {
            let msgs = t
                .messages()
                .map(|m| m.to_string())
                .unwrap_or_else(|| "?".into());
            writeln!(
                out,
                "{:width$}  {:>10}  {:>3}  {:>14}  {}",
                crate::ui::text::sanitize(&t.name),
                t.partitions.len(),
                t.replication_factor(),
                msgs,
                t.under_replicated()
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn brokers(settings: &Settings, as_json: bool, timeout: Duration) -> anyhow::Result<ExitCode> {
    let snap = match snapshot(settings, timeout, true) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        let v: Vec<_> = snap
            .brokers
            .iter()
            .map(|b| json!({"id": b.id, "host": b.host, "port": b.port, "rack": b.rack, "controller": b.is_controller, "down": b.missing}))
            .collect();
        serde_json::to_writer(&mut out, &v)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{:>4}  {:30}  {:12}  ROLE", "ID", "HOST:PORT", "RACK")?;
        for b in &snap.brokers {
            let (addr, role) = if b.missing {
                (
                    "-".to_string(),
                    "DOWN (holds replicas, not in the metadata)",
                )
            } else if b.is_controller {
                (format!("{}:{}", b.host, b.port), "controller")
            } else {
                (format!("{}:{}", b.host, b.port), "")
            };
            writeln!(
                out,
                "{:>4}  {:30}  {:12}  {}",
                b.id,
                addr,
                b.rack.as_deref().unwrap_or("-"),
                role
            )?;
        }
        if let Some(note) = &snap.cluster_note {
            eprintln!("creel: {note}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress line on stderr, rewritten in place with a carriage return
/// only when stderr is a terminal; piped or logged, progress is left out
/// and only final lines are written, so a log holds no `\r` debris.
pub struct Progress {
    tty: bool,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    pub fn stderr() -> Progress {
        use std::io::IsTerminal;
        Progress {
            tty: std::io::stderr().is_terminal(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn say(&self, line: &str) {
        if self.tty {
            eprint!("\r\x1b[K{line}");
            self.shown.set(true);
        }
    }

    /// Clear the line before anything final is written.
    pub fn clear(&self) {
        if self.shown.replace(false) {
            eprint!("\r\x1b[K");
        }
    }
}

/// `creel profiles`: name, bootstrap servers, label, read-only, default.
pub fn profiles(config: Option<&std::path::Path>, as_json: bool) -> anyhow::Result<ExitCode> {
    let (list, source) = crate::config::list_profiles(config)?;
    let mut out = std::io::stdout().lock();
    if as_json {
        let v: Vec<_> = list
            .iter()
            .map(|p| {
                json!({
                    "name": p.name,
                    "bootstrap_servers": p.bootstrap_servers,
                    "label": p.label,
                    "read_only": p.read_only,
                    "default": p.is_default,
                })
            })
            .collect();
        serde_json::to_writer(&mut out, &json!({ "config": source, "profiles": v }))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        match &source {
            Some(p) => writeln!(out, "{} defines no profile", p.display())?,
            None => writeln!(
                out,
                "no config file; see config/example.toml (creel --help says where it goes)"
            )?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    let width = list.iter().map(|p| p.name.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "  {:width$}  {:40}  {:8}  READ-ONLY",
        "NAME", "BOOTSTRAP", "LABEL"
    )?;
    for p in &list {
        writeln!(
            out,
            "{} {:width$}  {:40}  {:8}  {}",
            if p.is_default { "*" } else { " " },
            crate::ui::text::sanitize(&p.name),
            crate::ui::text::sanitize(p.bootstrap_servers.as_deref().unwrap_or("-")),
            crate::ui::text::sanitize(p.label.as_deref().unwrap_or("-")),
            if p.read_only { "yes" } else { "no" }
        )?;
    }
    if let Some(p) = &source {
        writeln!(out, "(from {}; * is the default)", p.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
