use super::fixtures;
use super::*;
use crate::model::ConnectionState;

fn names(app: &App) -> Vec<String> {
    app.topics
        .visible
        .iter()
        .map(|&i| app.topic_list()[i].name.clone())
        .collect()
}

#[test]
fn snapshot_marks_connected_and_lists_non_internal_topics_by_name() {
    let app = fixtures::connected();
    assert_eq!(app.connection, ConnectionState::Connected);
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
    assert_eq!(app.topic_list().len(), 8);
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
    assert_eq!(app.topic_list().len(), 8);
    assert_eq!(
        app.last_error.as_ref().map(|e| e.to_string()).as_deref(),
        Some("watermarks: timed out")
    );
    assert_eq!(app.connection, ConnectionState::Connected);
}

#[test]
fn all_down_keeps_transport_reason_and_retry() {
    let app = fixtures::all_brokers_down();
    match &app.connection {
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
    app.update(Action::Filter);
    for c in "PAY|ship".chars() {
        app.edit_prompt(Edit::Insert(c));
    }
    assert_eq!(names(&app), ["payments", "shipments"]);
    app.edit_prompt(Edit::Insert('('));
    assert!(app.topics.filter.error.is_some());
    assert_eq!(names(&app), ["payments", "shipments"]);
    app.edit_prompt(Edit::Backspace);
    app.submit_prompt();
    assert!(app.prompt.is_none());
    assert_eq!(names(&app).len(), 2);
    // Esc in the list clears an accepted filter.
    app.update(Action::Back);
    assert_eq!(names(&app).len(), 6);
    app.update(Action::Filter);
    app.edit_prompt(Edit::Insert('o'));
    app.cancel_prompt();
    assert_eq!(names(&app).len(), 6);
}

#[test]
fn enter_opens_detail_and_asks_for_configs() {
    let mut app = fixtures::connected();
    app.update(Action::Bottom);
    let cmds = app.update(Action::Open);
    assert_eq!(
        cmds,
        vec![Command::DescribeTopicConfigs {
            topic: "shipments".into()
        }]
    );
    assert_eq!(app.detail_topic().map(|t| t.partitions.len()), Some(3));
    app.update(Action::NextTab);
    assert_eq!(
        app.detail.as_ref().map(|d| d.tab),
        Some(DetailTab::Consumers)
    );
    app.update(Action::NextTab);
    assert_eq!(app.detail.as_ref().map(|d| d.tab), Some(DetailTab::Configs));
    app.apply(Event::TopicConfigs {
        topic: "shipments".into(),
        result: Ok(vec![]),
    });
    assert_eq!(
        app.detail.as_ref().map(|d| d.configs.clone()),
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
        app.detail.as_ref().map(|d| d.configs.clone()),
        Some(Loadable::Loaded(vec![]))
    );
    app.update(Action::Back);
    assert!(app.detail.is_none());
    assert_eq!(
        app.selected_topic().map(|t| t.name.as_str()),
        Some("shipments")
    );
}

#[test]
fn command_prompt_jumps_to_screens() {
    let mut app = fixtures::detail(DetailTab::Partitions);
    app.update(Action::Command);
    for c in "brokers".chars() {
        app.edit_prompt(Edit::Insert(c));
    }
    app.submit_prompt();
    assert_eq!(app.screen, Screen::Brokers);
    app.update(Action::Command);
    app.edit_prompt(Edit::Insert('t'));
    app.submit_prompt();
    assert_eq!(app.screen, Screen::Topics);
    assert!(app.detail.is_none());
    app.update(Action::Command);
    for c in "nope".chars() {
        app.edit_prompt(Edit::Insert(c));
    }
    app.submit_prompt();
    assert!(matches!(&app.status, Some((StatusLevel::Error, m)) if m.contains(":nope")));
    app.update(Action::Command);
    app.edit_prompt(Edit::Insert('q'));
    app.submit_prompt();
    assert!(app.should_quit);
}

#[test]
fn tab_cycles_screens_and_help_swallows_keys() {
    let mut app = fixtures::connected();
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Messages);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Search);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Produce);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Groups);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Brokers);
    app.update(Action::NextScreen);
    assert_eq!(app.screen, Screen::Topics);
    app.update(Action::PrevScreen);
    assert_eq!(app.screen, Screen::Brokers);
    app.update(Action::NextScreen);
    app.update(Action::Help);
    app.update(Action::Down);
    assert_eq!(app.topics.cursor.selected, 0);
    app.update(Action::Back);
    assert!(app.help.is_none());
}

#[test]
fn sort_by_messages_puts_biggest_first() {
    let mut app = fixtures::connected();
    app.update(Action::SortNext);
    app.update(Action::SortNext);
    assert_eq!(app.topics.sort, SortKey::Messages);
    assert_eq!(names(&app)[0], "clickstream");
    app.update(Action::SortReverse);
    assert_eq!(names(&app)[0], "inventory.changelog");
}

mod admin {
    use crate::app::fixtures::{self, command};
    use crate::app::{Edit, Prompt};
    use crate::protocol::admin::AdminOp;
    use crate::protocol::{Command, Event};

    fn typed(app: &mut crate::app::App, text: &str) {
        for c in text.chars() {
            app.edit_prompt(Edit::Insert(c));
        }
    }

    #[test]
    fn deleting_a_topic_needs_its_name_typed_in_full() {
        let mut app = fixtures::connected();
        let name = app.selected_topic().unwrap().name.clone();
        assert!(command(&mut app, "delete-topic").is_empty());
        assert!(matches!(app.prompt, Some(Prompt::Confirm(_))));
        typed(&mut app, &name[..name.len() - 1]);
        assert!(app.submit_prompt().is_empty(), "a wrong name sends nothing");
        let Some(Prompt::Confirm(c)) = &app.prompt else {
            panic!("the dialog stays")
        };
        assert!(c.error.as_ref().unwrap().contains("exactly"));
        // Esc: nothing sent, and said so.
        app.cancel_prompt();
        assert!(app.prompt.is_none());
        assert!(app.status.as_ref().unwrap().1.contains("nothing was sent"));
        command(&mut app, "delete-topic");
        typed(&mut app, &name);
        assert_eq!(
            app.submit_prompt(),
            vec![Command::Admin {
                id: app.admin_pending.unwrap(),
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
        let Some(Prompt::Confirm(c)) = &app.prompt else {
            panic!("a dialog")
        };
        assert!(c.op.typed_name().is_none());
        assert!(c.op.lines().join("\n").contains("retention.ms = 60000"));
        let cmds = app.submit_prompt();
        assert!(matches!(
            cmds.as_slice(),
            [Command::Admin {
                op: AdminOp::CreateTopic { .. },
                ..
            }]
        ));
        // The answer: refresh, and say what the cluster holds now.
        let id = app.admin_pending.unwrap();
        app.apply(Event::AdminDone {
            id,
            title: "Create topic audit".into(),
            result: Ok("created audit with 3 partitions (read back)".into()),
        });
        assert_eq!(
            app.outbox,
            vec![Command::RefreshTopics, Command::RefreshGroups]
        );
        assert!(app.status.as_ref().unwrap().1.contains("read back"));
        // A mistake in the command: said, nothing asked.
        command(&mut app, "create-topic bad/name");
        assert!(app.prompt.is_none());
        assert!(app.status.as_ref().unwrap().1.contains("not allowed"));
    }

    #[test]
    fn read_only_hides_no_write_behind_a_dialog() {
        let mut app = fixtures::connected();
        app.read_only = true;
        for cmd in [
            "create-topic x",
            "delete-topic",
            "set retention.ms=1",
            "purge",
        ] {
            assert!(command(&mut app, cmd).is_empty(), "{cmd}");
            assert!(app.prompt.is_none(), "{cmd}");
            assert!(
                app.status.as_ref().unwrap().1.contains("read-only"),
                "{cmd}"
            );
        }
        let mut app = fixtures::with_groups();
        app.read_only = true;
        assert!(command(&mut app, "reset-offsets earliest").is_empty());
    }

    #[test]
    fn a_reset_is_previewed_and_refused_while_the_group_is_active() {
        let mut app = fixtures::with_groups();
        let cmds = command(&mut app, "reset-offsets shift=-10 topic=orders");
        assert!(matches!(cmds.as_slice(), [Command::PlanReset { .. }]));
        let app2 = fixtures::reset_preview("Stable");
        let mut app = app2;
        let group = app.selected_group().unwrap().id.clone();
        typed(&mut app, &group);
        assert!(
            app.submit_prompt().is_empty(),
            "an active group is not reset"
        );
        let Some(Prompt::Confirm(c)) = &app.prompt else {
            panic!("the preview stays")
        };
        assert!(c.error.as_ref().unwrap().contains("Stop every consumer"));
        let mut app = fixtures::reset_preview("Empty");
        typed(&mut app, &group);
        let cmds = app.submit_prompt();
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

#[test]
fn v_marks_a_range_and_e_exports_only_it() {
    use crate::app::Effect;
    let mut app = fixtures::messages_view();
    app.update(Action::Top);
    app.update(Action::Down);
    app.update(Action::Mark);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Export);
    let Some(Effect::Export { messages, .. }) = app.effects.pop() else {
        panic!("an export")
    };
    let ex = app.explorer.as_ref().unwrap();
    let want: Vec<_> = ex.visible[1..4]
        .iter()
        .map(|&i| ex.messages[i].offset)
        .collect();
    assert_eq!(messages.iter().map(|m| m.offset).collect::<Vec<_>>(), want);
    assert!(app.status.as_ref().unwrap().1.contains("3 messages marked"));
    // Upwards works the same; v again clears: everything loaded.
    app.update(Action::Top);
    app.update(Action::Export);
    let Some(Effect::Export { messages, .. }) = app.effects.pop() else {
        panic!("an export")
    };
    assert_eq!(messages.len(), 2, "from the top to the mark");
    app.update(Action::Mark);
    app.update(Action::Export);
    let Some(Effect::Export { messages, .. }) = app.effects.pop() else {
        panic!("an export")
    };
    assert_eq!(messages.len(), app.explorer.as_ref().unwrap().visible.len());
}

#[test]
fn group_commands_act_only_on_the_groups_screen() {
    let mut app = fixtures::with_groups();
    app.screen = Screen::Topics;
    assert!(fixtures::command(&mut app, "reset-offsets earliest").is_empty());
    assert!(app.status.as_ref().unwrap().1.contains(":groups"));
    app.screen = Screen::Groups;
    assert_eq!(
        fixtures::command(&mut app, "reset-offsets earliest").len(),
        1
    );
}
