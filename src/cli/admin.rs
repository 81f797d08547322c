//! `creel topic ...` and `creel group ...`: the TUI's admin actions,
//! headless. An offset reset is a dry run unless --execute is given, like
//! kafka-consumer-groups.sh; every change is read back.

use std::process::ExitCode;

use crate::app::admin::{check_topic_name, AdminOp, ConfigEdit, ResetPlan, ResetTarget};
use crate::config::Settings;
use crate::kafka::admin::AdminClients;
use crate::ui::text::thousands;

pub enum TopicCmd {
    Create {
        name: String,
        partitions: i32,
        replication: i32,
        configs: Vec<(String, String)>,
    },
    Delete {
        name: String,
    },
    Alter {
        name: String,
        set: Vec<(String, String)>,
        delete: Vec<String>,
    },
    AddPartitions {
        name: String,
        total: i32,
    },
}

pub enum GroupCmd {
    ResetOffsets {
        group: String,
        target: ResetTarget,
        topic: Option<String>,
        execute: bool,
    },
    Delete {
        group: String,
    },
    DeleteOffsets {
        group: String,
        topic: String,
    },
}

fn clients(settings: &Settings) -> Result<AdminClients, String> {
    AdminClients::connect(settings).map_err(|e| {
        format!(
            "cannot read the cluster at {}: {}",
            settings.bootstrap_servers, e.message
        )
    })
}

fn refuse_if_read_only(settings: &Settings) -> Option<ExitCode> {
    settings.read_only.then(|| {
        eprintln!("creel: read-only mode: creel does not write to this cluster");
        ExitCode::from(super::exit::USAGE)
    })
}

fn run_op(settings: &Settings, op: AdminOp) -> anyhow::Result<ExitCode> {
    if let Some(code) = refuse_if_read_only(settings) {
        return Ok(code);
    }
    let c = match clients(settings) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("creel: {e}");
            return Ok(ExitCode::from(super::exit::CANNOT_TELL));
        }
    };
    for l in op.lines() {
        eprintln!("creel: {l}");
    }
    match c.execute(&op) {
        Ok(msg) => {
            println!("{msg}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("creel: {} failed: {}", op.title(), e.message);
            Ok(ExitCode::from(super::exit::NO))
        }
    }
}

pub fn topic(settings: &Settings, cmd: TopicCmd) -> anyhow::Result<ExitCode> {
    let op = match cmd {
        TopicCmd::Create {
            name,
            partitions,
            replication,
            configs,
        } => {
            if let Err(e) = check_topic_name(&name) {
                eprintln!("creel: {e}");
                return Ok(ExitCode::from(super::exit::USAGE));
            }
            AdminOp::CreateTopic {
                name,
                partitions,
                replication,
                configs,
            }
        }
        TopicCmd::Delete { name } => AdminOp::DeleteTopic { name },
        TopicCmd::Alter { name, set, delete } => {
            let mut edits: Vec<ConfigEdit> = set
                .into_iter()
                .map(|(k, v)| ConfigEdit::Set(k, v))
                .collect();
            edits.extend(delete.into_iter().map(ConfigEdit::Delete));
            if edits.is_empty() {
                eprintln!("creel: nothing to change: give --set KEY=VALUE or --delete KEY");
                return Ok(ExitCode::from(super::exit::USAGE));
            }
            AdminOp::AlterTopicConfigs { topic: name, edits }
        }
        TopicCmd::AddPartitions { name, total } => AdminOp::AddPartitions { topic: name, total },
    };
    run_op(settings, op)
}

fn print_plan(plan: &ResetPlan) {
    println!(
        "{:<30} {:>5} {:>12} {:>12} {:>12} {:>12}",
        "TOPIC", "PART", "COMMITTED", "NEW", "LAG-BEFORE", "LAG-AFTER"
    );
    for r in &plan.rows {
        println!(
            "{:<30} {:>5} {:>12} {:>12} {:>12} {:>12}",
            r.topic,
            r.partition,
            r.current.map_or("-".into(), thousands),
            thousands(r.new),
            r.lag_before().map_or("-".into(), thousands),
            thousands(r.lag_after())
        );
    }
}

pub fn group(settings: &Settings, cmd: GroupCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        GroupCmd::Delete { group } => run_op(settings, AdminOp::DeleteGroup { group }),
        GroupCmd::DeleteOffsets { group, topic } => {
            let c = match clients(settings) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("creel: {e}");
                    return Ok(ExitCode::from(super::exit::CANNOT_TELL));
                }
            };
            let plan = c.plan_reset(&group, ResetTarget::Latest, Some(&topic), None);
            let partitions = match plan {
                Ok(p) => p
                    .rows
                    .iter()
                    .filter(|r| r.current.is_some())
                    .map(|r| r.partition)
                    .collect::<Vec<_>>(),
                Err(e) => {
                    eprintln!("creel: {e}");
                    return Ok(ExitCode::from(super::exit::NO));
                }
            };
            if partitions.is_empty() {
                eprintln!("creel: {group} has no committed offsets on {topic}");
                return Ok(ExitCode::from(super::exit::NO));
            }
            run_op(
                settings,
                AdminOp::DeleteGroupOffsets {
                    group,
                    topic,
                    partitions,
                },
            )
        }
        GroupCmd::ResetOffsets {
            group,
            target,
            topic,
            execute,
        } => {
            let c = match clients(settings) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("creel: {e}");
                    return Ok(ExitCode::from(super::exit::CANNOT_TELL));
                }
            };
            let plan = match c.plan_reset(&group, target, topic.as_deref(), None) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("creel: {e}");
                    return Ok(ExitCode::from(super::exit::NO));
                }
            };
            print_plan(&plan);
            if let Err(e) = crate::protocol::admin::resettable(&plan.state) {
                eprintln!("creel: will not reset {group}: {e}");
                return Ok(ExitCode::from(super::exit::NO));
            }
            if !execute {
                eprintln!(
                    "creel: dry run (group state {}); add --execute to commit these offsets",
                    plan.state
                );
                return Ok(ExitCode::SUCCESS);
            }
            run_op(settings, plan.op())
        }
    }
}
