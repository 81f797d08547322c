//! The admin part of `App`: `:` commands build an action, a dialog shows
//! exactly what will be sent and asks for a y/n or the resource's name,
//! and the worker's answer lands in the status line.

use super::admin::{
    parse_config_edits, parse_create_topic, purge_plan, resettable, AdminOp, ResetPlan, ResetTarget,
};
use super::{App, Command, LineInput, Prompt, Screen};

/// A confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub op: AdminOp,
    /// The resource's name, typed (destructive actions).
    pub input: LineInput,
    pub error: Option<String>,
    /// For an offset reset: the preview.
    pub plan: Option<ResetPlan>,
    /// Something worth knowing before saying yes.
    pub note: Option<String>,
}

impl Confirm {
    pub fn new(op: AdminOp) -> Confirm {
        Confirm {
            op,
            input: LineInput::default(),
            error: None,
            plan: None,
            note: None,
        }
    }

    /// Why Enter cannot send (yet), if it cannot.
    pub fn blocked(&self) -> Option<String> {
        if let Some(plan) = &self.plan {
            if let Err(e) = resettable(&plan.state) {
                return Some(format!("creel will not reset {}: {e}", plan.group));
            }
        }
        match self.op.typed_name() {
            Some(name) if self.input.text != name => {
                Some(format!("type {name} exactly to confirm; nothing was sent"))
            }
            _ => None,
        }
    }
}

const WRITE_REFUSED: &str = "read-only mode: creel does not write to this cluster";

impl App {
    /// The topic an admin command acts on: the open one, else the one
    /// under the cursor.
    fn admin_topic(&self) -> Option<String> {
        match self.screen {
            Screen::Messages => self.explorer.as_ref().map(|e| e.topic.clone()),
            _ => self
                .detail
                .as_ref()
                .map(|d| d.topic.clone())
                .or_else(|| self.selected_topic().map(|t| t.name.clone())),
        }
    }

    /// The group on screen: only on the groups screen, so a command typed
    /// elsewhere never lands on a group the user is not looking at.
    fn admin_group(&self) -> Option<String> {
        if self.screen != Screen::Groups {
            return None;
        }
        self.group_detail
            .as_ref()
            .map(|d| d.group.clone())
            .or_else(|| self.selected_group().map(|g| g.id.clone()))
    }

    fn confirm(&mut self, op: AdminOp) {
        if self.read_only {
            self.error(WRITE_REFUSED);
            return;
        }
        let needs_controller = matches!(
            op,
            AdminOp::CreateTopic { .. }
                | AdminOp::DeleteTopic { .. }
                | AdminOp::AddPartitions { .. }
        );
        let no_controller = self.snapshot.as_ref().is_some_and(|s| {
            s.cluster_note.is_some() && !s.brokers.iter().any(|b| b.is_controller)
        });
        let mut c = Confirm::new(op);
        if needs_controller && no_controller {
            c.note = Some(
                "This cluster names no controller (DescribeCluster failed): the request will likely time out."
                    .into(),
            );
        }
        self.prompt = Some(Prompt::Confirm(c));
    }

    /// `:` admin commands; None when `word` is not one.
    pub(crate) fn admin_command(&mut self, word: &str, args: &[&str]) -> Option<Vec<Command>> {
        let need_topic = |app: &mut App| -> Option<String> {
            let t = app.admin_topic();
            if t.is_none() {
                app.error(format!(
                    "{word}: open a topic or put the cursor on one first"
                ));
            }
            t
        };
        let need_group = |app: &mut App| -> Option<String> {
            let g = app.admin_group();
            if g.is_none() {
                app.error(format!(
                    "{word}: open a group or put the cursor on one (:groups)"
                ));
            }
            g
        };
        match word {
            "create-topic" => match parse_create_topic(args) {
                Ok(op) => self.confirm(op),
                Err(e) => self.error(e),
            },
            "delete-topic" => {
                let name = args
                    .first()
                    .map(|s| s.to_string())
                    .or_else(|| need_topic(self));
                if let Some(name) = name {
                    self.confirm(AdminOp::DeleteTopic { name });
                }
            }
            "add-partitions" => {
                let Some(topic) = need_topic(self) else {
                    return Some(vec![]);
                };
                let have = self
                    .topic_list()
                    .iter()
                    .find(|t| t.name == topic)
                    .map(|t| t.partitions.len() as i32);
                match args.first().and_then(|n| n.parse::<i32>().ok()) {
                    Some(total) if have.is_some_and(|h| total <= h) => self.error(format!(
                        "{topic} has {} partitions: the new total must be more",
                        have.unwrap_or(0)
                    )),
                    Some(total) if total > 0 => {
                        self.confirm(AdminOp::AddPartitions { topic, total })
                    }
                    _ => self.error("usage: :add-partitions TOTAL (the new number of partitions)"),
                }
            }
            "set" | "unset" => {
                let Some(topic) = need_topic(self) else {
                    return Some(vec![]);
                };
                match parse_config_edits(&topic, word == "set", args) {
                    Ok(op) => self.confirm(op),
                    Err(e) => self.error(e),
                }
            }
            "delete-group" => {
                let g = args
                    .first()
                    .map(|s| s.to_string())
                    .or_else(|| need_group(self));
                if let Some(group) = g {
                    self.confirm(AdminOp::DeleteGroup { group });
                }
            }
            "delete-offsets" => {
                let Some(group) = need_group(self) else {
                    return Some(vec![]);
                };
                let Some(topic) = args.first().map(|s| s.to_string()) else {
                    self.error("usage: :delete-offsets TOPIC (on the group under the cursor)");
                    return Some(vec![]);
                };
                let partitions: Vec<i32> = self
                    .group_list()
                    .iter()
                    .find(|g| g.id == group)
                    .map(|g| {
                        g.partitions
                            .iter()
                            .filter(|p| p.topic == topic && p.committed.is_some())
                            .map(|p| p.partition)
                            .collect()
                    })
                    .unwrap_or_default();
                if partitions.is_empty() {
                    self.error(format!("{group} has no committed offsets on {topic}"));
                } else {
                    self.confirm(AdminOp::DeleteGroupOffsets {
                        group,
                        topic,
                        partitions,
                    });
                }
            }
            "purge" => {
                let Some(topic) = need_topic(self) else {
                    return Some(vec![]);
                };
                let mut before = None;
                let mut only: Option<Vec<i32>> = None;
                for a in args {
                    match a.split_once('=') {
                        Some(("before", v)) => before = v.parse().ok(),
                        Some(("partitions", v)) => {
                            only = crate::app::search::parse_partitions(v).ok().flatten()
                        }
                        _ if *a == "all" => before = None,
                        _ => {
                            self.error("usage: :purge [before=OFFSET] [partitions=0,1] (default: everything)");
                            return Some(vec![]);
                        }
                    }
                }
                let parts: Vec<(i32, crate::model::Watermarks)> = self
                    .topic_list()
                    .iter()
                    .find(|t| t.name == topic)
                    .map(|t| {
                        t.partitions
                            .iter()
                            .filter_map(|p| p.watermarks.map(|w| (p.id, w)))
                            .collect()
                    })
                    .unwrap_or_default();
                let plan = purge_plan(&parts, only.as_deref(), before);
                let gone: i64 = plan.iter().map(|(_, _, n)| n).sum();
                if plan.is_empty() || gone == 0 {
                    self.error(format!(
                        "nothing to purge in {topic} (no records before that offset)"
                    ));
                } else {
                    self.confirm(AdminOp::Purge {
                        topic,
                        before: plan,
                    });
                }
            }
            "reset-offsets" => {
                let Some(group) = need_group(self) else {
                    return Some(vec![]);
                };
                let mut target = None;
                let mut topic = None;
                let mut partitions = None;
                for a in args {
                    match a.split_once('=') {
                        Some(("topic", t)) => topic = Some(t.to_string()),
                        Some(("partitions", v)) => {
                            partitions = crate::app::search::parse_partitions(v).ok().flatten()
                        }
                        _ => match ResetTarget::parse(a, self.now.timestamp_millis()) {
                            Ok(t) => target = Some(t),
                            Err(e) => {
                                self.error(e);
                                return Some(vec![]);
                            }
                        },
                    }
                }
                let Some(target) = target else {
                    self.error("usage: :reset-offsets earliest|latest|offset=N|shift=±N|time=... [topic=T] [partitions=0,1]");
                    return Some(vec![]);
                };
                if self.read_only {
                    self.error(WRITE_REFUSED);
                    return Some(vec![]);
                }
                self.info(format!("working out the reset of {group}…"));
                return Some(vec![Command::PlanReset {
                    group,
                    target,
                    topic,
                    partitions,
                }]);
            }
            _ => return None,
        }
        Some(vec![])
    }

    /// Enter in a confirmation dialog.
    pub(crate) fn submit_confirm(&mut self, mut c: Confirm) -> Vec<Command> {
        if let Some(why) = c.blocked() {
            c.error = Some(why);
            self.prompt = Some(Prompt::Confirm(c));
            return vec![];
        }
        self.next_session += 1;
        let id = self.next_session;
        self.admin_pending = Some(id);
        self.info(format!("{}…", c.op.title()));
        vec![Command::Admin { id, op: c.op }]
    }

    pub(crate) fn admin_done(
        &mut self,
        id: u64,
        title: String,
        result: Result<String, crate::protocol::OpError>,
    ) {
        if self.admin_pending == Some(id) {
            self.admin_pending = None;
        }
        match result {
            Ok(msg) => {
                self.info(format!("✔ {title}: {msg}"));
                self.outbox.push(Command::RefreshTopics);
                self.outbox.push(Command::RefreshGroups);
            }
            Err(e) => self.error(format!("{title} failed: {}", e.message)),
        }
    }

    pub(crate) fn reset_planned(
        &mut self,
        group: String,
        result: Result<ResetPlan, crate::protocol::OpError>,
    ) {
        match result {
            Ok(plan) => {
                let mut c = Confirm::new(plan.op());
                c.error = resettable(&plan.state)
                    .err()
                    .map(|e| format!("creel will not reset {group}: {e}"));
                c.plan = Some(plan);
                self.status = None;
                self.prompt = Some(Prompt::Confirm(c));
            }
            Err(e) => self.error(format!("cannot plan the reset of {group}: {}", e.message)),
        }
    }
}
