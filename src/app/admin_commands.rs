//! The admin `:` commands: each builds an action, a dialog shows exactly
//! what will be sent and asks for a y/n or the resource's name, and the
//! worker's answer lands in the status line.

use super::admin::{
    parse_config_edits, parse_create_topic, purge_plan, AdminOp, ResetPlan, ResetTarget,
};
use super::component::{Nav, Output};
use super::overlays::{Confirm, Overlay};
use super::screens::ScreenId;
use super::App;
use crate::protocol::{Command, OpError};

const WRITE_REFUSED: &str = "read-only mode: creel does not write to this cluster";

impl App {
    /// The topic an admin command acts on: the open one, else the one
    /// under the cursor.
    fn admin_topic(&self) -> Option<String> {
        match self.screen {
            ScreenId::Messages => self
                .screens
                .messages
                .explorer
                .as_ref()
                .map(|e| e.topic.clone()),
            _ => self.screens.topics.current(&self.shared),
        }
    }

    /// The group on screen: only on the groups screen, so a command typed
    /// elsewhere never lands on a group the user is not looking at.
    fn admin_group(&self) -> Option<String> {
        if self.screen != ScreenId::Groups {
            return None;
        }
        self.screens.groups.current(&self.shared)
    }

    fn confirm(&mut self, op: AdminOp) -> Vec<Output> {
        if self.shared.read_only {
            return vec![Output::error(WRITE_REFUSED)];
        }
        let needs_controller = matches!(
            op,
            AdminOp::CreateTopic { .. }
                | AdminOp::DeleteTopic { .. }
                | AdminOp::AddPartitions { .. }
        );
        let mut c = Confirm::new(op);
        if needs_controller && self.shared.no_controller() {
            c.note = Some(
                "This cluster names no controller (DescribeCluster failed): the request will likely time out."
                    .into(),
            );
        }
        vec![Output::Nav(Nav::Open(Box::new(Overlay::Confirm(
            Box::new(c),
        ))))]
    }

    /// `:` admin commands; None when `word` is not one.
    pub(crate) fn admin_command(&mut self, word: &str, args: &[&str]) -> Option<Vec<Output>> {
        let no_topic = || {
            vec![Output::error(format!(
                "{word}: open a topic or put the cursor on one first"
            ))]
        };
        let no_group = || {
            vec![Output::error(format!(
                "{word}: open a group or put the cursor on one (:groups)"
            ))]
        };
        let out = match word {
            "create-topic" => match parse_create_topic(args) {
                Ok(op) => self.confirm(op),
                Err(e) => vec![Output::error(e)],
            },
            "delete-topic" => match args
                .first()
                .map(|s| s.to_string())
                .or_else(|| self.admin_topic())
            {
                Some(name) => self.confirm(AdminOp::DeleteTopic { name }),
                None => no_topic(),
            },
            "add-partitions" => {
                let Some(topic) = self.admin_topic() else {
                    return Some(no_topic());
                };
                let have = self.shared.topic(&topic).map(|t| t.partitions.len() as i32);
                match args.first().and_then(|n| n.parse::<i32>().ok()) {
                    Some(total) if have.is_some_and(|h| total <= h) => {
                        vec![Output::error(format!(
                            "{topic} has {} partitions: the new total must be more",
                            have.unwrap_or(0)
                        ))]
                    }
                    Some(total) if total > 0 => {
                        self.confirm(AdminOp::AddPartitions { topic, total })
                    }
                    _ => vec![Output::error(
                        "usage: :add-partitions TOTAL (the new number of partitions)",
                    )],
                }
            }
            "set" | "unset" => {
                let Some(topic) = self.admin_topic() else {
                    return Some(no_topic());
                };
                match parse_config_edits(&topic, word == "set", args) {
                    Ok(op) => self.confirm(op),
                    Err(e) => vec![Output::error(e)],
                }
            }
            "delete-schema" => {
                if self.screen != ScreenId::Schemas {
                    return Some(vec![Output::error(
                        ":delete-schema acts on the schemas screen (:schemas): choose a subject there",
                    )]);
                }
                let sc = &self.screens.schemas;
                let Some(row) = sc.current() else {
                    return Some(vec![Output::error("no subject under the cursor")]);
                };
                // The version shown below, else the latest.
                let shown = sc
                    .shown()
                    .filter(|d| d.subject == row.subject)
                    .map(|d| d.version)
                    .or(row.versions.last().copied());
                let version = match args.first() {
                    Some(v) => match v.parse::<i32>() {
                        Ok(v) if row.versions.contains(&v) => Some(v),
                        _ => {
                            return Some(vec![Output::error(format!(
                                "{v}: {} has versions {:?}",
                                row.subject, row.versions
                            ))])
                        }
                    },
                    None => shown,
                };
                match version {
                    Some(version) => self.confirm(AdminOp::DeleteSchemaVersion {
                        subject: row.subject.clone(),
                        version,
                    }),
                    None => vec![Output::error(format!("{} has no version", row.subject))],
                }
            }
            "delete-group" => match args
                .first()
                .map(|s| s.to_string())
                .or_else(|| self.admin_group())
            {
                Some(group) => self.confirm(AdminOp::DeleteGroup { group }),
                None => no_group(),
            },
            "delete-offsets" => {
                let Some(group) = self.admin_group() else {
                    return Some(no_group());
                };
                let Some(topic) = args.first().map(|s| s.to_string()) else {
                    return Some(vec![Output::error(
                        "usage: :delete-offsets TOPIC (on the group under the cursor)",
                    )]);
                };
                let partitions: Vec<i32> = self
                    .shared
                    .group(&group)
                    .map(|g| {
                        g.partitions
                            .iter()
                            .filter(|p| p.topic == topic && p.committed.is_some())
                            .map(|p| p.partition)
                            .collect()
                    })
                    .unwrap_or_default();
                if partitions.is_empty() {
                    vec![Output::error(format!(
                        "{group} has no committed offsets on {topic}"
                    ))]
                } else {
                    self.confirm(AdminOp::DeleteGroupOffsets {
                        group,
                        topic,
                        partitions,
                    })
                }
            }
            "purge" => {
                let Some(topic) = self.admin_topic() else {
                    return Some(no_topic());
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
                            return Some(vec![Output::error(
                                "usage: :purge [before=OFFSET] [partitions=0,1] (default: everything)",
                            )]);
                        }
                    }
                }
                let parts: Vec<(i32, crate::model::Watermarks)> = self
                    .shared
                    .topic(&topic)
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
                    vec![Output::error(format!(
                        "nothing to purge in {topic} (no records before that offset)"
                    ))]
                } else {
                    self.confirm(AdminOp::Purge {
                        topic,
                        before: plan,
                    })
                }
            }
            "reset-offsets" => {
                let Some(group) = self.admin_group() else {
                    return Some(no_group());
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
                        _ => match ResetTarget::parse(a, self.shared.now.timestamp_millis()) {
                            Ok(t) => target = Some(t),
                            Err(e) => return Some(vec![Output::error(e)]),
                        },
                    }
                }
                let Some(target) = target else {
                    return Some(vec![Output::error(
                        "usage: :reset-offsets earliest|latest|offset=N|shift=±N|time=... [topic=T] [partitions=0,1]",
                    )]);
                };
                if self.shared.read_only {
                    return Some(vec![Output::error(WRITE_REFUSED)]);
                }
                vec![
                    Output::info(format!("working out the reset of {group}…")),
                    Output::Command(Command::PlanReset {
                        group,
                        target,
                        topic,
                        partitions,
                    }),
                ]
            }
            _ => return None,
        };
        Some(out)
    }

    pub(crate) fn admin_done(
        &mut self,
        id: u64,
        title: String,
        result: Result<String, OpError>,
    ) -> Vec<Output> {
        if self.shared.admin_pending == Some(id) {
            self.shared.admin_pending = None;
        }
        match result {
            Ok(msg) => {
                let mut out = vec![
                    Output::info(format!("✔ {title}: {msg}")),
                    Output::Command(Command::RefreshTopics),
                    Output::Command(Command::RefreshGroups),
                ];
                if self.screen == ScreenId::Schemas {
                    self.screens.schemas.detail = None;
                    out.push(self.screens.schemas.load());
                }
                out
            }
            Err(e) => vec![Output::error(format!("{title} failed: {}", e.message))],
        }
    }

    pub(crate) fn reset_planned(
        &mut self,
        group: String,
        result: Result<ResetPlan, OpError>,
    ) -> Vec<Output> {
        match result {
            Ok(plan) => {
                self.shared.status = None;
                vec![Output::Nav(Nav::Open(Box::new(Overlay::Confirm(
                    Box::new(Confirm::reset(plan)),
                ))))]
            }
            Err(e) => vec![Output::error(format!(
                "cannot plan the reset of {group}: {}",
                e.message
            ))],
        }
    }
}
