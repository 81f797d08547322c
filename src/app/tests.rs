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
        error: "timed out".into(),
        unreachable: false,
        retry_at: fixtures::fixed_now(),
    });
    assert_eq!(app.topic_list().len(), 8);
    assert_eq!(app.last_error.as_deref(), Some("timed out"));
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
        result: Err("x".into()),
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
