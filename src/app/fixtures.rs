//! Fixed states of the app, shared by the snapshot tests and the screenshot
//! generator so that the pictures in screenshots/ are the tested screens.

use chrono::{DateTime, Local, TimeZone};

use super::{App, DetailTab, Event, Loadable};
use crate::model::{
    Broker, BrokerCounts, ClusterSnapshot, ConfigEntry, Partition, Topic, Watermarks,
};

/// 2026-11-27 10:42:01 local time, whatever the zone of the machine.
pub fn fixed_now() -> DateTime<Local> {
    Local
        .with_ymd_and_hms(2026, 11, 27, 10, 42, 1)
        .single()
        .unwrap_or_else(Local::now)
}

fn topic(name: &str, parts: i32, rf: i32, base: i64, under: &[i32]) -> Topic {
    let partitions = (0..parts)
        .map(|id| {
            let replicas: Vec<i32> = (0..rf).map(|r| 1 + (id + r) % 3).collect();
            let isr = if under.contains(&id) {
                replicas[..1].to_vec()
            } else {
                replicas.clone()
            };
            let low = if name == "audit-log" {
                1_000 * i64::from(id)
            } else {
                0
            };
            Partition {
                id,
                leader: replicas[0],
                replicas,
                isr,
                watermarks: Some(Watermarks {
                    low,
                    high: low + base + 37 * i64::from(id),
                }),
                error: None,
            }
        })
        .collect();
    Topic {
        name: name.into(),
        partitions,
        internal: Topic::is_internal_name(name),
        error: None,
    }
}

pub fn snapshot() -> ClusterSnapshot {
    let brokers = (1..=3)
        .map(|id| Broker {
            id,
            host: format!("kafka-{id}.shop.internal"),
            port: 9092,
            rack: Some(format!("eu-west-1{}", ['a', 'b', 'c'][(id - 1) as usize])),
            is_controller: id == 2,
            missing: false,
        })
        .collect();
    ClusterSnapshot {
        brokers,
        topics: vec![
            topic("orders", 6, 3, 12_480, &[]),
            topic("payments", 3, 3, 8_113, &[]),
            topic("shipments", 3, 3, 2_907, &[1]),
            topic("clickstream", 12, 2, 145_221, &[]),
            topic("audit-log", 4, 3, 500, &[]),
            topic("inventory.changelog", 8, 3, 0, &[]),
            topic("__consumer_offsets", 50, 3, 3, &[]),
            topic("_schemas", 1, 3, 42, &[]),
        ],
        cluster_note: None,
        taken_at: fixed_now(),
        watermarks_complete: true,
    }
}

/// Connected to the three-broker fixture cluster, topic list loaded.
pub fn connected() -> App {
    let mut app = App::new("shop-staging", "kafka-1.shop.internal:9092", fixed_now());
    app.apply(Event::BrokerCounts(BrokerCounts { up: 3, total: 3 }));
    app.apply(Event::Snapshot {
        generation: 1,
        snapshot: snapshot(),
    });
    app
}

/// The detail of "shipments" (one under-replicated partition).
pub fn detail(tab: DetailTab) -> App {
    let mut app = connected();
    app.select_topic("shipments");
    app.update(super::Action::Open);
    if let Some(d) = &mut app.detail {
        d.tab = tab;
        d.configs = Loadable::Loaded(configs());
    }
    app
}

pub fn configs() -> Vec<ConfigEntry> {
    let entry = |name: &str, value: Option<&str>, default: bool, sensitive: bool| ConfigEntry {
        name: name.into(),
        value: value.map(String::from),
        is_default: default,
        is_sensitive: sensitive,
        is_read_only: false,
        source: if default { "default" } else { "topic" }.into(),
    };
    vec![
        entry("cleanup.policy", Some("delete"), true, false),
        entry("compression.type", Some("zstd"), false, false),
        entry("max.message.bytes", Some("1048588"), true, false),
        entry("min.insync.replicas", Some("2"), false, false),
        entry("retention.bytes", Some("-1"), true, false),
        entry("retention.ms", Some("604800000"), false, false),
        entry("sasl.jaas.config", None, false, true),
        entry("segment.bytes", Some("1073741824"), true, false),
    ]
}

/// Nothing answers at the bootstrap address.
pub fn all_brokers_down() -> App {
    let now = fixed_now();
    let mut app = App::new("cli", "127.0.0.1:1", now);
    app.apply(Event::BrokerError {
        reason: "Connect to ipv4#127.0.0.1:1 failed: Connection refused".into(),
        all_down: true,
        refused: false,
    });
    app.apply(Event::RefreshFailed {
        generation: 1,
        error: crate::protocol::OpError::new(
            crate::protocol::Op::Metadata,
            crate::protocol::ErrorKind::Unreachable,
            "Meta data fetch error: BrokerTransportFailure (Local: Broker transport failure)",
        ),
        retry_at: now + chrono::Duration::seconds(4),
    });
    app
}

fn member(id: &str, client: &str, assignment: &[(&str, i32)]) -> crate::model::GroupMember {
    crate::model::GroupMember {
        member_id: format!("{client}-{id}-6f1c2a9e"),
        client_id: client.into(),
        host: format!("/10.0.3.{}", 10 + id.len()),
        assignment: assignment
            .iter()
            .map(|(t, p)| (t.to_string(), *p))
            .collect(),
    }
}

/// Groups at refresh `i` (5 s apart): one keeping up, one falling behind,
/// one stalled with a member, one stopped with none.
fn groups_at(i: i64) -> Vec<crate::model::ConsumerGroup> {
    use crate::model::{ConsumerGroup, GroupPartition};
    let part = |topic: &str, p: i32, committed: Option<i64>, end: i64, owner: Option<&str>| {
        GroupPartition {
            topic: topic.into(),
            partition: p,
            committed,
            log_start: Some(0),
            log_end: Some(end),
            owner: owner.map(String::from),
            error: None,
        }
    };
    vec![
        ConsumerGroup {
            id: "order-service".into(),
            state: crate::model::GroupState::Stable,
            assignor: "range".into(),
            members: vec![
                member(
                    "a",
                    "order-service-1",
                    &[("orders", 0), ("orders", 1), ("orders", 2)],
                ),
                member(
                    "b",
                    "order-service-2",
                    &[("orders", 3), ("orders", 4), ("orders", 5)],
                ),
            ],
            partitions: (0..6)
                .map(|p| {
                    let end = 12_480 + 37 * i64::from(p) + 40 * i;
                    let owner = if p < 3 {
                        "order-service-1"
                    } else {
                        "order-service-2"
                    };
                    part(
                        "orders",
                        p,
                        Some(end - (i + p as i64) % 3),
                        end,
                        Some(owner),
                    )
                })
                .collect(),
            error: None,
        },
        ConsumerGroup {
            id: "analytics-loader".into(),
            state: crate::model::GroupState::Stable,
            assignor: "cooperative-sticky".into(),
            members: vec![member(
                "c",
                "analytics-loader-1",
                &[("clickstream", 0), ("clickstream", 1)],
            )],
            partitions: (0..2)
                .map(|p| {
                    let end = 145_221 + 900 * i;
                    part(
                        "clickstream",
                        p,
                        Some(140_000 + 500 * i),
                        end,
                        Some("analytics-loader-1"),
                    )
                })
                .collect(),
            error: None,
        },
        ConsumerGroup {
            id: "audit-archiver".into(),
            state: crate::model::GroupState::Stable,
            assignor: "range".into(),
            members: vec![member("d", "audit-archiver-1", &[("audit-log", 0)])],
            partitions: vec![part(
                "audit-log",
                0,
                Some(310),
                500 + 3 * i,
                Some("audit-archiver-1"),
            )],
            error: None,
        },
        ConsumerGroup {
            id: "email-sender".into(),
            state: crate::model::GroupState::Empty,
            assignor: String::new(),
            members: vec![],
            partitions: vec![
                part("orders", 0, Some(11_950), 12_480 + 40 * i, None),
                part("payments", 0, None, 8_113, None),
            ],
            error: None,
        },
    ]
}

/// The fixture cluster with eight group refreshes behind it.
pub fn with_groups() -> App {
    let mut app = connected();
    for i in 0..8 {
        let taken_at = fixed_now() - chrono::Duration::seconds(5 * (7 - i));
        app.apply(Event::Groups {
            generation: 1 + i as u64,
            snapshot: crate::model::GroupsSnapshot {
                groups: groups_at(i),
                taken_at,
                list_error: None,
            },
        });
    }
    app.screen = super::Screen::Groups;
    app
}

/// The detail of the group that falls behind.
pub fn group_detail(tab: super::GroupTab) -> App {
    let mut app = with_groups();
    app.groups_view.cursor.selected = app
        .groups_view
        .visible
        .iter()
        .position(|&i| app.group_list()[i].id == "analytics-loader")
        .unwrap_or(0);
    app.update(super::Action::Open);
    if let Some(d) = &mut app.group_detail {
        d.tab = tab;
    }
    app
}

/// A messages view on "orders" holding one message of every kind.
pub fn messages_view() -> App {
    use crate::model::{Message, StartAt, TimestampKind};
    let mut app = connected();
    app.open_messages("orders", None, StartAt::LastN(100));
    let base = fixed_now().timestamp_millis() - 60_000;
    let msg = |p: i32,
               o: i64,
               key: Option<&[u8]>,
               value: Option<&[u8]>,
               headers: Vec<(String, Option<Vec<u8>>)>| Message {
        partition: p,
        offset: o,
        timestamp: Some(base + o * 1_000 + i64::from(p)),
        timestamp_kind: TimestampKind::Create,
        key: key.map(<[u8]>::to_vec),
        value: value.map(<[u8]>::to_vec),
        headers,
    };
    let batch = vec![
        msg(0, 1, Some(b"customer-ada-lovelace"), Some(br#"{"type":"order.created","order_id":"ORD-PLANTED-7731","customer":"Ada Lovelace","total":1843.0,"paid":true,"note":null}"#), vec![("content-type".into(), Some(b"application/json".to_vec()))]),
        msg(1, 2, Some(b"plain"), Some(b"a line of plain text\nand a second line"), vec![]),
        msg(2, 3, Some(b"blob-0042"), Some(b"\x1b]0;pwned\x07\x1b[2J\x00\xff\xfebytes"), vec![("x-raw".into(), Some(vec![0xde, 0xad, 0xbe, 0xef]))]),
        msg(0, 4, Some(b"SKU-1"), None, vec![]),
        msg(1, 5, None, Some(b""), vec![]),
    ];
    let session = app.explorer.as_ref().map(|e| e.session).unwrap_or(1);
    app.apply(Event::MessagesStarted {
        session,
        kind: super::ReadKind::Initial,
        // Each partition read from its first to its last message.
        spans: [(0, 1, 5), (1, 2, 6), (2, 3, 4)]
            .into_iter()
            .map(|(p, low, high)| super::PartitionSpan {
                partition: p,
                from: low,
                to: None,
                marks: crate::model::Watermarks { low, high },
            })
            .collect(),
    });
    app.apply(Event::Messages {
        session,
        kind: super::ReadKind::Initial,
        batch,
    });
    app.apply(Event::MessagesDone {
        session,
        kind: super::ReadKind::Initial,
        reached_end: vec![0, 1, 2],
        covered: vec![],
    });
    app
}

/// The detail of message `index` of `messages_view`, optionally in hex.
pub fn message_detail(index: usize, hex: bool) -> App {
    let mut app = messages_view();
    if let Some(ex) = &mut app.explorer {
        ex.follow = false;
        ex.cursor.selected = index;
        ex.detail = Some(super::explorer::MessageDetail { hex, scroll: 0 });
    }
    app
}

/// The search bar on `orders`, with `pattern` typed in.
pub fn search_bar(pattern: &str) -> App {
    let mut app = connected();
    app.select_topic("orders");
    app.update(super::Action::Command);
    for c in format!("search {pattern}").chars() {
        app.edit_prompt(super::Edit::Insert(c));
    }
    app.submit_prompt();
    app
}

/// A search of `orders` under way: half scanned, a few matches in.
pub fn search_running(finished: bool) -> App {
    use super::search::{Field, MatchSpan, SearchHit, SearchOutcome};
    use crate::model::{Message, TimestampKind};
    let mut app = search_bar(r"ORD-\d+");
    app.submit_prompt();
    let session = app.search.as_ref().map_or(1, |s| s.request.session);
    let spans = (0..6)
        .map(|p| super::PartitionSpan {
            partition: p,
            from: 0,
            to: Some(40_000),
            marks: crate::model::Watermarks {
                low: 0,
                high: 40_000,
            },
        })
        .collect();
    app.apply(Event::SearchStarted { session, spans });
    let base = fixed_now().timestamp_millis() - 3_600_000;
    let hit = |p: i32, o: i64, id: &str, key: &str| {
        let value = format!(
            r#"{{"type":"order.created","order_id":"{id}","customer":"{key}","total":12.5}}"#
        );
        let start = value.find("ORD-").unwrap_or(0);
        SearchHit {
            value_size: value.len(),
            span: Some(MatchSpan {
                field: Field::Value,
                start,
                end: start + id.len(),
            }),
            message: Message {
                partition: p,
                offset: o,
                timestamp: Some(base + o * 50 + i64::from(p)),
                timestamp_kind: TimestampKind::Create,
                key: Some(key.as_bytes().to_vec()),
                value: Some(value.into_bytes()),
                headers: vec![],
            },
        }
    };
    let hits = vec![
        hit(0, 1_204, "ORD-1204", "customer-ada"),
        hit(3, 8_812, "ORD-8812", "customer-grace"),
        hit(1, 20_377, "ORD-20377", "customer-alan"),
        hit(5, 31_090, "ORD-31090", "customer-edsger"),
    ];
    let positions: Vec<(i32, i64)> = if finished {
        (0..6).map(|p| (p, 40_000)).collect()
    } else {
        vec![
            (0, 40_000),
            (1, 30_000),
            (2, 22_000),
            (3, 12_000),
            (4, 8_000),
            (5, 32_000),
        ]
    };
    let scanned = positions.iter().map(|(_, o)| *o as u64).sum();
    app.apply(Event::SearchProgress {
        session,
        positions,
        scanned,
        elapsed_ms: if finished { 1_450 } else { 900 },
        hits,
        error: None,
    });
    if finished {
        app.apply(Event::SearchDone {
            session,
            outcome: SearchOutcome::Completed,
            scanned,
            matched: 4,
            elapsed_ms: 1_450,
            scanners_open: 0,
        });
    }
    app
}

/// The produce screen on `orders`: empty, filled, with a JSON mistake,
/// after a delivery, or during a bulk send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProduceState {
    Empty,
    Filled,
    JsonError,
    Delivered,
    Bulk,
}

pub fn produce(state: ProduceState) -> App {
    use super::produce::{Acks, Draft, ProduceKey, ProduceRun, ValueMode};
    use crate::model::{Delivered, ProduceStats};
    let mut app = connected();
    app.select_topic("orders");
    app.update(super::Action::Produce);
    if state == ProduceState::Empty {
        return app;
    }
    let draft = Draft {
        topic: "orders".into(),
        partition: String::new(),
        key: "customer-{{int 1 9}}".into(),
        headers: "source: creel\ntrace-id: {{uuid}}".into(),
        value: "{\n  \"type\": \"order.created\",\n  \"order_id\": \"ORD-{{int 10000 99999}}\",\n  \"total\": {{float 5 250}},\n  \"seq\": {{seq}}\n}".into(),
        mode: ValueMode::Json,
        timestamp: String::new(),
        acks: Acks::All,
        compression: "zstd".into(),
    };
    if let Some(v) = &mut app.produce {
        v.load(&draft);
    }
    match state {
        ProduceState::JsonError => {
            if let Some(v) = &mut app.produce {
                let mut d = draft.clone();
                d.value = "{\n  \"type\": \"order.created\",\n  \"total\": ,\n}".into();
                v.load(&d);
            }
            app.produce_key(ProduceKey::Send);
        }
        ProduceState::Delivered => {
            if let Some(v) = &mut app.produce {
                v.run = Some(ProduceRun {
                    session: 9,
                    count: 1,
                    stats: ProduceStats {
                        sent: 1,
                        acked: 1,
                        last: Some(Delivered {
                            partition: 4,
                            offset: 75_436,
                            timestamp: Some(fixed_now().timestamp_millis()),
                        }),
                        elapsed_ms: 12,
                        ..ProduceStats::default()
                    },
                    done: Some(None),
                    stopped: false,
                });
            }
        }
        ProduceState::Bulk => {
            if let Some(v) = &mut app.produce {
                v.count = super::LineInput::with_text("10000");
                v.rate = super::LineInput::with_text("500");
                let mut stats = ProduceStats {
                    sent: 6_200,
                    acked: 6_150,
                    failed: 3,
                    elapsed_ms: 12_400,
                    ..ProduceStats::default()
                };
                stats.per_partition.insert(0, (1_020, 0));
                stats.per_partition.insert(1, (1_041, 3));
                stats.per_partition.insert(2, (1_018, 0));
                stats.per_partition.insert(3, (1_030, 0));
                stats.per_partition.insert(4, (1_019, 0));
                stats.per_partition.insert(5, (1_022, 0));
                stats
                    .errors
                    .insert("MsgSizeTooLarge (Broker: Message size too large)".into(), 3);
                v.run = Some(ProduceRun {
                    session: 9,
                    count: 10_000,
                    stats,
                    done: None,
                    stopped: false,
                });
            }
        }
        _ => {}
    }
    app
}

/// Type `:cmd` and press Enter; returns what would go to the worker.
pub fn command(app: &mut App, cmd: &str) -> Vec<super::Command> {
    app.update(super::Action::Command);
    for c in cmd.chars() {
        app.edit_prompt(super::Edit::Insert(c));
    }
    app.submit_prompt()
}

/// The preview of resetting the first group of `with_groups` to earliest.
pub fn reset_preview(state: &str) -> App {
    use super::admin::{ResetPlan, ResetRow, ResetTarget};
    let mut app = with_groups();
    let group = app
        .selected_group()
        .map(|g| g.id.clone())
        .unwrap_or_default();
    command(&mut app, "reset-offsets earliest topic=orders");
    let rows = (0..6)
        .map(|p| ResetRow {
            topic: "orders".into(),
            partition: p,
            current: Some(12_000 + i64::from(p) * 100),
            new: 100 * i64::from(p),
            marks: crate::model::Watermarks {
                low: 100 * i64::from(p),
                high: 12_600,
            },
        })
        .collect();
    app.apply(Event::ResetPlanned {
        group: group.clone(),
        result: Ok(ResetPlan {
            group,
            target: ResetTarget::Earliest,
            state: crate::model::GroupState::parse(state),
            rows,
        }),
    });
    app
}
