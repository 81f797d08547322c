//! What every component may read: the cluster as the last refreshes saw
//! it, the lag book, the connection, the clock, the status line. Snapshots
//! are replaced whole; a failed refresh never blanks what is on screen.

use chrono::{DateTime, Local};

use super::component::Status;
use super::keymap::Keymap;
use super::lag::LagBook;
use super::produce::TemplateFile;
use crate::model::{
    BrokerCounts, ClusterSnapshot, ConnectionState, ConsumerGroup, GroupsSnapshot, Topic,
};
use crate::protocol::{ErrorKind, Event, OpError};

/// Header facts that do not change while creel runs.
#[derive(Debug, Clone)]
pub struct ClusterLabel {
    pub profile: String,
    pub bootstrap: String,
    /// The profile's word for the header ("prod") and its colour name.
    pub tag: Option<String>,
    pub color: Option<String>,
    pub tls_unverified: bool,
}

#[derive(Debug, Clone)]
pub struct Shared {
    pub label: ClusterLabel,
    pub now: DateTime<Local>,
    pub connection: ConnectionState,
    pub broker_counts: Option<BrokerCounts>,
    pub snapshot: Option<ClusterSnapshot>,
    /// Generation of the snapshot shown; older results are ignored.
    pub generation: u64,
    pub refreshing: bool,
    /// The last topic refresh failed: why, and when it is retried.
    pub last_error: Option<(OpError, DateTime<Local>)>,
    pub groups: Option<GroupsSnapshot>,
    pub groups_generation: u64,
    /// The last group refresh failed: why, and when it is retried.
    pub groups_error: Option<(OpError, DateTime<Local>)>,
    pub lag: LagBook,
    /// Writes are refused (the worker refuses them too).
    pub read_only: bool,
    /// Rows a page-up/down moves; the UI sets it from the table height.
    pub page_size: usize,
    /// Templates the produce screen offers (shipped ones, then the user's).
    pub templates: Vec<TemplateFile>,
    pub status: Option<Status>,
    /// Times in UTC rather than local time (`t`).
    pub utc: bool,
    /// The keys, per mode: help and the footer are drawn from them.
    pub keymap: Keymap,
    /// The admin action sent and not answered yet.
    pub admin_pending: Option<u64>,
    /// The last error said, kept to be read in full (`!`).
    pub last_said_error: Option<String>,
    /// Schemas by id, when the profile names a registry: looked up here,
    /// fetched by the worker.
    pub decoders: Option<std::sync::Arc<crate::schema::Decoders>>,
    /// The registry did not answer the last fetch: the header says so.
    pub registry_down: Option<String>,
    next_session: u64,
}

impl Shared {
    pub fn new(profile: &str, bootstrap: &str, now: DateTime<Local>) -> Shared {
        Shared {
            label: ClusterLabel {
                profile: profile.into(),
                tag: None,
                color: None,
                tls_unverified: false,
                bootstrap: bootstrap.into(),
            },
            now,
            connection: ConnectionState::Connecting,
            broker_counts: None,
            snapshot: None,
            generation: 0,
            refreshing: true,
            last_error: None,
            groups: None,
            groups_generation: 0,
            groups_error: None,
            lag: LagBook::new(6),
            read_only: false,
            page_size: 10,
            templates: super::produce::builtin_templates(),
            status: None,
            utc: false,
            keymap: Keymap::defaults(),
            admin_pending: None,
            last_said_error: None,
            decoders: None,
            registry_down: None,
            next_session: 0,
        }
    }

    /// Ask the worker for the schemas of these messages' keys and values
    /// that are in the wire format and not known yet.
    pub fn fetch_schemas<'a>(
        &self,
        messages: impl IntoIterator<Item = &'a crate::model::Message>,
    ) -> Vec<super::component::Output> {
        let Some(d) = &self.decoders else {
            return vec![];
        };
        let mut ids: Vec<u32> = messages
            .into_iter()
            .flat_map(|m| [m.key.as_deref(), m.value.as_deref()])
            .filter_map(|b| b.and_then(crate::schema::wire::split).map(|(id, _)| id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .filter(|id| d.claim(*id))
            .map(|id| {
                super::component::Output::Command(crate::protocol::Command::FetchSchema { id })
            })
            .collect()
    }

    /// A new session number for a read, search, send or admin action:
    /// results of older ones are told apart and ignored.
    pub fn session(&mut self) -> u64 {
        self.next_session += 1;
        self.next_session
    }

    pub fn say(&mut self, status: Status) {
        if status.level == super::component::StatusLevel::Error {
            self.last_said_error = Some(status.text.clone());
        }
        self.status = Some(status);
    }

    pub fn topic_list(&self) -> &[Topic] {
        self.snapshot
            .as_ref()
            .map(|s| s.topics.as_slice())
            .unwrap_or(&[])
    }

    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topic_list().iter().find(|t| t.name == name)
    }

    pub fn group_list(&self) -> &[ConsumerGroup] {
        self.groups
            .as_ref()
            .map(|s| s.groups.as_slice())
            .unwrap_or(&[])
    }

    pub fn group(&self, id: &str) -> Option<&ConsumerGroup> {
        self.group_list().iter().find(|g| g.id == id)
    }

    /// The groups with committed offsets on `topic`, with their lag there.
    pub fn consumers_of(&self, topic: &str) -> Vec<(&ConsumerGroup, Option<i64>)> {
        self.group_list()
            .iter()
            .filter_map(|g| {
                let parts: Vec<_> = g
                    .partitions
                    .iter()
                    .filter(|p| p.topic == topic && p.committed.is_some())
                    .collect();
                if parts.is_empty() {
                    return None;
                }
                let lags: Vec<i64> = parts.iter().filter_map(|p| p.lag()).collect();
                Some((g, (!lags.is_empty()).then(|| lags.iter().sum())))
            })
            .collect()
    }

    /// Brokers up and known. librdkafka counts only the brokers the
    /// metadata lists, and Kafka lists only live ones: a broker that holds
    /// replicas but is missing from the metadata counts as known and down.
    pub fn broker_health(&self) -> Option<BrokerCounts> {
        let c = self.broker_counts?;
        let Some(snap) = &self.snapshot else {
            return Some(c);
        };
        let missing = snap.brokers.iter().filter(|b| b.missing).count();
        let listed = snap.brokers.len() - missing;
        Some(BrokerCounts {
            up: c.up.min(listed),
            total: c.total.max(snap.brokers.len()),
        })
    }

    /// Whether the cluster names a controller (creating, deleting and
    /// growing topics go to it).
    pub fn no_controller(&self) -> bool {
        self.snapshot
            .as_ref()
            .is_some_and(|s| s.cluster_note.is_some() && !s.brokers.iter().any(|b| b.is_controller))
    }

    /// Fold in the events about the cluster as a whole, and say what
    /// changed; the events that belong to a component come back.
    pub fn apply(&mut self, event: Event) -> Result<Changed, Box<Event>> {
        let changed = match &event {
            Event::Snapshot { .. } => Changed::Topics,
            Event::Groups { .. } => Changed::Groups,
            _ => Changed::Nothing,
        };
        match event {
            Event::SchemaFetched { error, .. } => {
                self.registry_down = error.filter(|e| e.starts_with("schema registry unreachable"));
            }
            Event::RefreshStarted { generation } => {
                if generation >= self.generation {
                    self.refreshing = true;
                }
            }
            Event::Snapshot {
                generation,
                mut snapshot,
            } => {
                if generation < self.generation {
                    return Ok(Changed::Nothing);
                }
                self.generation = generation;
                self.refreshing = !snapshot.watermarks_complete;
                if snapshot.watermarks_complete
                    && self.status.as_ref().is_some_and(|s| s.refreshing)
                {
                    self.status = None;
                }
                self.connection = ConnectionState::Connected;
                self.last_error = None;
                // Stale-while-revalidate: a partition whose count did not
                // come (yet, or this time) keeps the last one.
                if let Some(old) = &self.snapshot {
                    carry_over_watermarks(old, &mut snapshot);
                }
                self.snapshot = Some(snapshot);
            }
            Event::RefreshFailed {
                generation,
                error,
                retry_at,
            } => {
                if generation < self.generation {
                    return Ok(Changed::Nothing);
                }
                self.refreshing = false;
                if error.kind == ErrorKind::Refused {
                    self.connection = ConnectionState::Refused {
                        reason: error.message.clone(),
                    };
                }
                let refused = matches!(self.connection, ConnectionState::Refused { .. });
                if error.kind == ErrorKind::Unreachable && !refused {
                    let reason = match &self.connection {
                        // Keep librdkafka's more specific transport error.
                        ConnectionState::AllBrokersDown { reason, .. } => reason.clone(),
                        _ => error.message.clone(),
                    };
                    self.connection = ConnectionState::AllBrokersDown {
                        reason,
                        retry_at: Some(retry_at),
                    };
                }
                self.last_error = Some((error, retry_at));
            }
            Event::BrokerError {
                reason,
                all_down,
                refused,
            } => {
                if refused {
                    self.connection = ConnectionState::Refused { reason };
                } else if all_down && !matches!(self.connection, ConnectionState::Refused { .. }) {
                    let retry_at = match &self.connection {
                        ConnectionState::AllBrokersDown { retry_at, .. } => *retry_at,
                        _ => None,
                    };
                    self.connection = ConnectionState::AllBrokersDown { reason, retry_at };
                }
            }
            Event::BrokerCounts(counts) => {
                self.broker_counts = Some(counts);
                if counts.up > 0 {
                    if let ConnectionState::AllBrokersDown { .. } = self.connection {
                        // Reconnected; the next snapshot confirms it.
                        self.connection = ConnectionState::Connecting;
                    }
                }
            }
            Event::Groups {
                generation,
                snapshot,
            } => {
                if generation < self.groups_generation {
                    return Ok(Changed::Nothing);
                }
                self.groups_generation = generation;
                self.groups_error = None;
                self.lag.record(&snapshot);
                self.groups = Some(snapshot);
            }
            Event::GroupsFailed {
                generation,
                error,
                retry_at,
            } => {
                if generation >= self.groups_generation {
                    self.groups_error = Some((error, retry_at));
                }
            }
            other => return Err(Box::new(other)),
        }
        Ok(changed)
    }
}

/// What a shared event changed, for the components that list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Nothing,
    Topics,
    Groups,
}

/// Until new watermarks arrive (or when they failed), show the last known
/// ones rather than blanking a count.
fn carry_over_watermarks(old: &ClusterSnapshot, new: &mut ClusterSnapshot) {
    let old_topics: std::collections::HashMap<&str, &Topic> =
        old.topics.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &mut new.topics {
        if let Some(o) = old_topics.get(t.name.as_str()) {
            for p in &mut t.partitions {
                if p.watermarks.is_none() {
                    p.watermarks = o
                        .partitions
                        .iter()
                        .find(|op| op.id == p.id)
                        .and_then(|op| op.watermarks);
                }
            }
        }
    }
}
