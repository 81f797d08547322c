//! App-level tests of keys and commands that reach across screens: help
//! and `:` commands, Enter from one screen into another, Ctrl-L, a start
//! that fell back.

use super::fixtures;
use super::fixtures::sent;
use super::*;
use crate::app::ScreenId;

/// #13: the help listed no admin, produce or search keys. It lists every
/// mode's keys from the keymap in use, and every `:` command with its
/// arguments.
#[test]
fn help_lists_every_mode_and_every_command_from_the_keymap_in_use() {
    use super::overlays::help::{rows, HelpRow};
    let keys = |rows: &[HelpRow], what: &str| -> Option<String> {
        rows.iter().find_map(|r| match r {
            HelpRow::Key { keys, what: w, .. } if w.contains(what) => Some(keys.clone()),
            _ => None,
        })
    };
    let mut app = fixtures::connected();
    let all = rows(&app.shared.keymap);
    for mode in Mode::ALL {
        assert!(
            all.contains(&HelpRow::Section(mode.title().into())),
            "{mode:?} has a section"
        );
    }
    assert_eq!(keys(&all, "send the draft").as_deref(), Some("ctrl-s"));
    assert_eq!(keys(&all, "pretty-print").as_deref(), Some("ctrl-p"));
    assert_eq!(keys(&all, "yes: send it").as_deref(), Some("y/Y"));
    assert_eq!(
        keys(&all, "move the group's offsets").as_deref(),
        Some(":reset-offsets")
    );
    assert_eq!(
        keys(&all, "[PATTERN] · search the current topic").as_deref(),
        Some(":search")
    );
    assert!(all.iter().any(|r| matches!(r,
        HelpRow::Key { keys, what, .. } if keys == ":reset-offsets" && what.starts_with("earliest|latest|offset=N"))));
    // Rebinding shows at once, in help and in the footer.
    let mut b = super::KeyBindings::default();
    b.form
        .insert(Action::Send, vec![super::keymap::Key::parse("f5").unwrap()]);
    app.shared.keymap.override_with(&b);
    let after = rows(&app.shared.keymap);
    assert!(after.iter().any(|r| matches!(r,
        HelpRow::Key { keys, what, .. } if keys == "f5" && what.contains("send the draft"))));
}

#[test]
fn unknown_commands_suggest_the_nearest_and_tab_completes() {
    let mut app = fixtures::connected();
    fixtures::command(&mut app, "grups");
    let said = app.shared.status.as_ref().unwrap().text.clone();
    assert!(said.contains("did you mean :groups"), "{said}");
    fixtures::key(&mut app, ":");
    app.type_text("bro");
    fixtures::key(&mut app, "tab");
    let Some(Overlay::Prompt(p)) = app.overlays.last() else {
        panic!("the : line")
    };
    assert_eq!(p.line.text, "brokers ");
    fixtures::key(&mut app, "enter");
    assert_eq!(app.screen, ScreenId::Brokers);
}

/// Enter on a group in a topic's Consumers tab opens that group's detail,
/// as Enter on the groups screen does.
#[test]
fn enter_on_a_consumer_group_of_a_topic_opens_the_group() {
    let mut app = fixtures::with_groups();
    app.screen = ScreenId::Topics;
    let orders = app
        .screens
        .topics
        .view
        .visible
        .iter()
        .position(|&i| app.shared.topic_list()[i].name == "clickstream")
        .unwrap();
    app.screens.topics.view.cursor.selected = orders;
    sent(app.press(Action::Open));
    sent(app.press(Action::NextTab));
    let consumers = app.shared.consumers_of("clickstream");
    assert_eq!(consumers.len(), 1, "{consumers:?}");
    sent(app.press(Action::Open));
    assert_eq!(app.screen, ScreenId::Groups);
    assert_eq!(
        app.screens.groups.detail.as_ref().map(|d| d.group.as_str()),
        Some("analytics-loader")
    );
}

/// A time start the cluster could not look up: the title names the start
/// actually taken, and the status line says why.
#[test]
fn a_start_that_fell_back_is_named_in_the_title_and_said() {
    let mut app = fixtures::messages_view();
    let session = app.screens.messages.explorer.as_ref().unwrap().session;
    app.apply(Event::MessagesFellBack {
        session,
        start: crate::model::StartAt::Beginning,
        reason: "this cluster cannot look offsets up by time; reading from the beginning instead"
            .into(),
    });
    let ex = app.screens.messages.explorer.as_ref().unwrap();
    assert_eq!(ex.start, crate::model::StartAt::Beginning);
    let status = app.shared.status.as_ref().map(|s| s.text.clone());
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.contains("cannot look offsets up by time")),
        "{status:?}"
    );
}

/// Ctrl-L draws the whole screen from scratch, whatever has the focus.
#[test]
fn ctrl_l_redraws_in_every_mode() {
    use crate::app::component::Effect;
    let redraws = |app: &mut App| {
        let k = crate::app::keymap::Key::parse("ctrl-l").unwrap();
        app.key(crossterm::event::KeyEvent::new(k.code, k.modifiers))
            .iter()
            .any(|o| matches!(o, Output::Effect(Effect::Redraw)))
    };
    let mut app = fixtures::connected();
    assert!(redraws(&mut app), "normal");
    fixtures::key(&mut app, ":");
    assert!(redraws(&mut app), "text");
    let mut app = fixtures::produce(fixtures::ProduceState::Filled);
    assert_eq!(app.mode(), Mode::Form);
    assert!(redraws(&mut app), "form");
    let mut app = fixtures::connected();
    fixtures::command(&mut app, "create-topic t 1 1");
    assert_eq!(app.mode(), Mode::Confirm);
    assert!(redraws(&mut app), "confirm");
}
