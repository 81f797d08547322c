use super::fixtures;
use super::fixtures::sent;
use super::screens::topic_detail::DetailTab;
use super::screens::Loadable;
use super::*;
use crate::app::ScreenId;
use crate::model::ConnectionState;

fn names(app: &App) -> Vec<String> {
    app.screens
        .topics
        .view
        .visible
        .iter()
        .map(|&i| app.shared.topic_list()[i].name.clone())
        .collect()
}

#[test]
fn snapshot_marks_connected_and_lists_non_internal_topics_by_name() {
    let app = fixtures::connected();
    assert_eq!(app.shared.connection, ConnectionState::Connected);
    assert_eq!(
        names(&app),
        [
            "audit-log",
            "clickstream",
            "inventory.changelog",
            "orders",
            "payments",
            "shipments"
        ]
    );
}

#[test]
fn stale_generation_is_ignored() {
    let mut app = fixtures::connected();
    app.apply(Event::Snapshot {
        generation: 2,
        snapshot: fixtures::snapshot(),
    });
    let mut old = fixtures::snapshot();
    old.topics.truncate(1);
    app.apply(Event::Snapshot {
        generation: 1,
        snapshot: old,
    });
    assert_eq!(app.shared.topic_list().len(), 8);
}

#[test]
fn failed_refresh_keeps_the_old_table() {
    let mut app = fixtures::connected();
    app.apply(Event::RefreshFailed {
        generation: 2,
        error: crate::protocol::OpError::new(
            crate::protocol::Op::Watermarks,
            crate::protocol::ErrorKind::TimedOut,
            "timed out",
        ),
        retry_at: fixtures::fixed_now(),
    });
    assert_eq!(app.shared.topic_list().len(), 8);
    assert_eq!(
        app.shared
            .last_error
            .as_ref()
            .map(|(e, _)| e.to_string())
            .as_deref(),
        Some("watermarks: timed out")
    );
    assert_eq!(app.shared.connection, ConnectionState::Connected);
}

#[test]
fn all_down_keeps_transport_reason_and_retry() {
    let app = fixtures::all_brokers_down();
    match &app.shared.connection {
        ConnectionState::AllBrokersDown { reason, retry_at } => {
            assert!(reason.contains("Connection refused"));
            assert!(retry_at.is_some());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn filter_prompt_filters_as_you_type_and_esc_clears() {
    let mut app = fixtures::connected();
    sent(app.press(Action::Filter));
    for c in "PAY|ship".chars() {
        app.type_text(&c.to_string());
    }
    assert_eq!(names(&app), ["payments", "shipments"]);
    app.type_text("(");
    assert!(app.screens.topics.view.filter.error.is_some());
    assert_eq!(names(&app), ["payments", "shipments"]);
    app.press(Action::Backspace);
    sent(app.press(Action::Submit));
    assert!(app.overlays.is_empty());
    assert_eq!(names(&app).len(), 2);
    // Esc in the list clears an accepted filter.
    sent(app.press(Action::Back));
    assert_eq!(names(&app).len(), 6);
    sent(app.press(Action::Filter));
    app.type_text("o");
    app.press(Action::Cancel);
    assert_eq!(names(&app).len(), 6);
}

#[test]
fn enter_opens_detail_and_asks_for_configs() {
    let mut app = fixtures::connected();
    sent(app.press(Action::Bottom));
    let cmds = sent(app.press(Action::Open));
    assert_eq!(
        cmds,
        vec![Command::DescribeTopicConfigs {
            topic: "shipments".into()
        }]
    );
    assert_eq!(
        app.screens
            .topics
            .detail
            .as_ref()
            .and_then(|d| app.shared.topic(&d.topic))
            .map(|t| t.partitions.len()),
        Some(3)
    );
    sent(app.press(Action::NextTab));
    assert_eq!(
        app.screens.topics.detail.as_ref().map(|d| d.tab),
        Some(DetailTab::Consumers)
    );
    sent(app.press(Action::NextTab));
    assert_eq!(
        app.screens.topics.detail.as_ref().map(|d| d.tab),
        Some(DetailTab::Configs)
    );
    app.apply(Event::TopicConfigs {
        topic: "shipments".into(),
        result: Ok(vec![]),
    });
    assert_eq!(
        app.screens
            .topics
            .detail
            .as_ref()
            .map(|d| d.configs.clone()),
        Some(Loadable::Loaded(vec![]))
    );
    // A late answer for another topic is ignored.
    app.apply(Event::TopicConfigs {
        topic: "orders".into(),
        result: Err(crate::protocol::OpError::new(
            crate::protocol::Op::DescribeConfigs,
            crate::protocol::ErrorKind::Broker,
            "x",
        )),
    });
    assert_eq!(
        app.screens
            .topics
            .detail
            .as_ref()
            .map(|d| d.configs.clone()),
        Some(Loadable::Loaded(vec![]))
    );
    sent(app.press(Action::Back));
    assert!(app.screens.topics.detail.is_none());
    assert_eq!(
        app.screens
            .topics
            .selected(&app.shared)
            .map(|t| t.name.as_str()),
        Some("shipments")
    );
}

#[test]
fn command_prompt_jumps_to_screens() {
    let mut app = fixtures::detail(DetailTab::Partitions);
    sent(app.press(Action::Command));
    for c in "brokers".chars() {
        app.type_text(&c.to_string());
    }
    sent(app.press(Action::Submit));
    assert_eq!(app.screen, ScreenId::Brokers);
    sent(app.press(Action::Command));
    app.type_text("t");
    sent(app.press(Action::Submit));
    assert_eq!(app.screen, ScreenId::Topics);
    assert!(app.screens.topics.detail.is_none());
    sent(app.press(Action::Command));
    for c in "nope".chars() {
        app.type_text(&c.to_string());
    }
    sent(app.press(Action::Submit));
    assert!(
        matches!(&app.shared.status, Some(s) if s.level == crate::app::component::StatusLevel::Error && s.text.contains(":nope"))
    );
    sent(app.press(Action::Command));
    app.type_text("q");
    sent(app.press(Action::Submit));
    assert!(app.should_quit);
}

#[test]
fn tab_cycles_screens_and_help_swallows_keys() {
    let mut app = fixtures::connected();
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Messages);
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Search);
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Produce);
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Groups);
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Brokers);
    // No registry: the Schemas screen is passed by.
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Topics);
    sent(app.press(Action::PrevScreen));
    assert_eq!(app.screen, ScreenId::Brokers);
    app.shared.decoders = Some(std::sync::Arc::new(crate::schema::Decoders::new(
        fixtures::registry(),
    )));
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Schemas);
    sent(app.press(Action::NextScreen));
    assert_eq!(app.screen, ScreenId::Topics);
    sent(app.press(Action::Help));
    sent(app.press(Action::Down));
    assert_eq!(app.screens.topics.view.cursor.selected, 0);
    sent(app.press(Action::Back));
    assert!(app.overlays.is_empty());
}

#[test]
fn sort_by_messages_puts_biggest_first() {
    let mut app = fixtures::connected();
    sent(app.press(Action::SortNext));
    sent(app.press(Action::SortNext));
    assert_eq!(
        app.screens.topics.view.sort,
        crate::app::topics::SortKey::Messages
    );
    assert_eq!(names(&app)[0], "clickstream");
    sent(app.press(Action::SortReverse));
    assert_eq!(names(&app)[0], "inventory.changelog");
}

mod admin {
    use crate::app::fixtures::sent;
    use crate::app::fixtures::{self, command};
    use crate::app::{Action, Overlay};
    use crate::protocol::admin::AdminOp;
    use crate::protocol::{Command, Event};

    fn typed(app: &mut crate::app::App, text: &str) {
        for c in text.chars() {
            app.type_text(&c.to_string());
        }
    }

    #[test]
    fn deleting_a_topic_needs_its_name_typed_in_full() {
        let mut app = fixtures::connected();
        let name = app
            .screens
            .topics
            .selected(&app.shared)
            .unwrap()
            .name
            .clone();
        assert!(command(&mut app, "delete-topic").is_empty());
        assert!(matches!(app.overlays.last(), Some(Overlay::Confirm(_))));
        typed(&mut app, &name[..name.len() - 1]);
        assert!(
            sent(app.press(Action::Submit)).is_empty(),
            "a wrong name sends nothing"
        );
        let Some(Overlay::Confirm(c)) = app.overlays.last() else {
            panic!("the dialog stays")
        };
        assert!(c.error.as_ref().unwrap().contains("exactly"));
        // Esc: nothing sent, and said so.
        app.press(Action::Cancel);
        assert!(app.overlays.is_empty());
        assert!(app
            .shared
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was sent"));
        command(&mut app, "delete-topic");
        typed(&mut app, &name);
        assert_eq!(
            sent(app.press(Action::Submit)),
            vec![Command::Admin {
                id: app.shared.admin_pending.unwrap(),
                op: AdminOp::DeleteTopic { name }
            }]
        );
    }

    #[test]
    fn creating_asks_yes_or_no_and_shows_what_is_sent() {
        let mut app = fixtures::connected();
        command(
            &mut app,
            "create-topic audit partitions=3 retention.ms=60000",
        );
        let Some(Overlay::Confirm(c)) = app.overlays.last() else {
            panic!("a dialog")
        };
        assert!(c.op.typed_name().is_none());
        assert!(c.op.lines().join("\n").contains("retention.ms = 60000"));
        let cmds = sent(app.press(Action::Submit));
        assert!(matches!(
            cmds.as_slice(),
            [Command::Admin {
                op: AdminOp::CreateTopic { .. },
                ..
            }]
        ));
        // The answer: refresh, and say what the cluster holds now.
        let id = app.shared.admin_pending.unwrap();
        let out = app.apply(Event::AdminDone {
            id,
            title: "Create topic audit".into(),
            result: Ok("created audit with 3 partitions (read back)".into()),
        });
        assert_eq!(
            sent(out),
            vec![Command::RefreshTopics, Command::RefreshGroups]
        );
        assert!(app
            .shared
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("read back"));
        // A mistake in the command: said, nothing asked.
        command(&mut app, "create-topic bad/name");
        assert!(app.overlays.is_empty());
        assert!(app
            .shared
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("not allowed"));
    }

    #[test]
    fn read_only_hides_no_write_behind_a_dialog() {
        let mut app = fixtures::connected();
        app.shared.read_only = true;
        for cmd in [
            "create-topic x",
            "delete-topic",
            "set retention.ms=1",
            "purge",
        ] {
            assert!(command(&mut app, cmd).is_empty(), "{cmd}");
            assert!(app.overlays.is_empty(), "{cmd}");
            assert!(
                app.shared
                    .status
                    .as_ref()
                    .unwrap()
                    .text
                    .contains("read-only"),
                "{cmd}"
            );
        }
        let mut app = fixtures::with_groups();
        app.shared.read_only = true;
        assert!(command(&mut app, "reset-offsets earliest").is_empty());
    }

    #[test]
    fn a_reset_is_previewed_and_refused_while_the_group_is_active() {
        let mut app = fixtures::with_groups();
        let cmds = command(&mut app, "reset-offsets shift=-10 topic=orders");
        assert!(matches!(cmds.as_slice(), [Command::PlanReset { .. }]));
        let app2 = fixtures::reset_preview("Stable");
        let mut app = app2;
        let group = app.screens.groups.selected(&app.shared).unwrap().id.clone();
        typed(&mut app, &group);
        assert!(
            sent(app.press(Action::Submit)).is_empty(),
            "an active group is not reset"
        );
        let Some(Overlay::Confirm(c)) = app.overlays.last() else {
            panic!("the preview stays")
        };
        assert!(c.error.as_ref().unwrap().contains("Stop every consumer"));
        let mut app = fixtures::reset_preview("Empty");
        typed(&mut app, &group);
        let cmds = sent(app.press(Action::Submit));
        let [Command::Admin {
            op: AdminOp::ResetOffsets { offsets, .. },
            ..
        }] = cmds.as_slice()
        else {
            panic!("{cmds:?}")
        };
        assert_eq!(offsets.len(), 6);
        assert_eq!(offsets[2], ("orders".to_string(), 2, 200));
    }
}

/// `e`, then Enter on the name it offers (or typed instead): what goes to
/// the file and where.
fn export_now(
    app: &mut App,
    typed: Option<&str>,
) -> (Vec<crate::model::Message>, std::path::PathBuf) {
    use crate::app::{Effect, Output};
    assert!(
        app.press(Action::Export)
            .iter()
            .all(|o| !matches!(o, Output::Effect(_))),
        "e asks first"
    );
    if let Some(name) = typed {
        app.type_text(name);
    }
    let out = app.press(Action::Submit);
    let Some((messages, path)) = out.into_iter().find_map(|o| match o {
        Output::Effect(Effect::Export { messages, path, .. }) => Some((messages, path)),
        _ => None,
    }) else {
        panic!("an export")
    };
    (messages, path)
}

#[test]
fn v_marks_a_range_and_e_exports_only_it() {
    let mut app = fixtures::messages_view();
    sent(app.press(Action::Top));
    sent(app.press(Action::Down));
    sent(app.press(Action::Mark));
    sent(app.press(Action::Down));
    sent(app.press(Action::Down));
    let (messages, path) = export_now(&mut app, None);
    let ex = app.explorer().unwrap();
    let want: Vec<_> = ex.visible[1..4]
        .iter()
        .map(|&i| ex.messages[i].offset)
        .collect();
    assert_eq!(messages.iter().map(|m| m.offset).collect::<Vec<_>>(), want);
    let name = path.display().to_string();
    assert!(
        name.starts_with("creel-orders-") && name.ends_with(".jsonl"),
        "{name}"
    );
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("exporting 3 messages"));
    // Upwards works the same; v again clears: everything loaded.
    sent(app.press(Action::Top));
    let (messages, _) = export_now(&mut app, None);
    assert_eq!(messages.len(), 2, "from the top to the mark");
    sent(app.press(Action::Mark));
    // A name typed replaces the one offered.
    let (messages, path) = export_now(&mut app, Some("/tmp/mine.jsonl"));
    assert_eq!(messages.len(), app.explorer().unwrap().visible.len());
    assert_eq!(path, std::path::PathBuf::from("/tmp/mine.jsonl"));
}

#[test]
fn group_commands_act_only_on_the_groups_screen() {
    let mut app = fixtures::with_groups();
    app.screen = ScreenId::Topics;
    assert!(fixtures::command(&mut app, "reset-offsets earliest").is_empty());
    assert!(app.shared.status.as_ref().unwrap().text.contains(":groups"));
    app.screen = ScreenId::Groups;
    assert_eq!(
        fixtures::command(&mut app, "reset-offsets earliest").len(),
        1
    );
}
