use super::*;
use crate::app::fixtures::{self, key, sent, ProduceState};
use crate::app::{Action, Mode, ScreenId};
use crate::protocol::Command;

#[test]
fn p_on_a_topic_opens_the_form_aimed_at_it_and_esc_goes_back() {
    let mut app = fixtures::produce(ProduceState::Empty);
    assert_eq!(app.screen, ScreenId::Produce);
    let v = app.screens.produce.view.as_ref().unwrap();
    assert_eq!(v.topic.text, "orders");
    assert_eq!(v.focus, ProduceField::Value, "ready to type the value");
    assert_eq!(app.mode(), Mode::Form);
    // Esc stops editing; the form stays on screen.
    key(&mut app, "esc");
    assert_eq!((app.screen, app.mode()), (ScreenId::Produce, Mode::Normal));
    key(&mut app, "esc");
    assert_eq!(app.screen, ScreenId::Topics);
}

/// #13: once the form had the keyboard, Tab only moved between its fields
/// and no key left the screen.
#[test]
fn tab_moves_between_fields_while_editing_and_between_screens_after_esc() {
    let mut app = fixtures::produce(ProduceState::Empty);
    key(&mut app, "tab");
    assert_eq!(app.screen, ScreenId::Produce);
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().focus,
        ProduceField::Mode
    );
    key(&mut app, "esc");
    key(&mut app, "tab");
    assert_eq!(app.screen, ScreenId::Groups, "Tab cycles the screens again");
    key(&mut app, "backtab");
    key(&mut app, "enter");
    assert_eq!(app.mode(), Mode::Form, "Enter edits the form again");
    // In the form, ctrl-c quits as it does everywhere.
    key(&mut app, "ctrl-c");
    assert!(app.should_quit);
}

/// #13: in read-only mode `p` opened a form refused only at Ctrl-S.
#[test]
fn read_only_refuses_p_r_produce_and_import_at_once() {
    let mut app = fixtures::connected();
    app.shared.read_only = true;
    key(&mut app, "p");
    assert_eq!(app.screen, ScreenId::Topics);
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("read-only"));
    for cmd in ["produce", "import /tmp/x.jsonl"] {
        app.shared.status = None;
        assert!(fixtures::command(&mut app, cmd).is_empty());
        assert_eq!(app.screen, ScreenId::Topics, ":{cmd}");
        assert!(
            app.shared
                .status
                .as_ref()
                .unwrap()
                .text
                .contains("read-only"),
            ":{cmd}"
        );
    }
    let mut app = fixtures::messages_view();
    app.shared.read_only = true;
    key(&mut app, "R");
    assert_eq!(app.screen, ScreenId::Messages);
    assert!(app.screens.produce.view.is_none(), "no form was opened");
}

#[test]
fn send_checks_first_then_asks_the_worker_and_remembers_the_draft() {
    let mut app = fixtures::produce(ProduceState::Filled);
    let cmds = sent(app.press(Action::Send));
    let [Command::Produce(req)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(req.count, 1);
    assert_eq!(req.draft.topic, "orders");
    assert_eq!(req.draft.compression, "zstd");
    let v = app.screens.produce.view.as_ref().unwrap();
    assert!(v.run.as_ref().unwrap().running());
    assert_eq!(v.history.len(), 1);
    // A second send while one runs is refused, not queued.
    assert!(sent(app.press(Action::Send)).is_empty());
}

#[test]
fn a_bad_count_or_rate_points_at_its_field() {
    let mut app = fixtures::produce(ProduceState::Filled);
    app.screens.produce.view.as_mut().unwrap().rate = crate::app::LineInput::with_text("fast");
    assert!(sent(app.press(Action::Send)).is_empty());
    let v = app.screens.produce.view.as_ref().unwrap();
    assert_eq!(v.focus, ProduceField::Rate);
    assert!(v.error.as_ref().unwrap().1.contains("per second"));
}

#[test]
fn templates_cycle_and_drafts_are_recalled() {
    let mut app = fixtures::produce(ProduceState::Empty);
    sent(app.press(Action::Template));
    let v = app.screens.produce.view.as_ref().unwrap();
    assert_eq!(v.templates[v.template.unwrap()].name, "order.json");
    assert_eq!(v.mode, ValueMode::Json);
    assert!(v.draft().prepare().is_ok(), "a shipped template is valid");
    for _ in 0..3 {
        sent(app.press(Action::Template));
        let v = app.screens.produce.view.as_ref().unwrap();
        let d = v.draft();
        assert!(
            d.prepare().is_ok(),
            "{} is valid",
            v.templates[v.template.unwrap()].name
        );
    }
    // Sent drafts come back with ctrl-r, newest first.
    let mut app = fixtures::produce(ProduceState::Filled);
    sent(app.press(Action::Send));
    let first = app.screens.produce.view.as_ref().unwrap().draft();
    if let Some(v) = &mut app.screens.produce.view {
        v.run = None;
        v.focus = ProduceField::Key;
    }
    app.type_text(&'!'.to_string());
    let second = app.screens.produce.view.as_ref().unwrap().draft();
    sent(app.press(Action::Send));
    if let Some(v) = &mut app.screens.produce.view {
        v.run = None;
        v.load(&Draft::default());
    }
    sent(app.press(Action::Recall));
    assert_eq!(app.screens.produce.view.as_ref().unwrap().draft(), second);
    sent(app.press(Action::Recall));
    assert_eq!(app.screens.produce.view.as_ref().unwrap().draft(), first);
}

#[test]
fn choices_change_with_space_and_text_goes_where_the_focus_is() {
    let mut app = fixtures::produce(ProduceState::Empty);
    for c in "hi".chars() {
        app.type_text(&c.to_string());
    }
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().draft().value,
        "hi"
    );
    sent(app.press(Action::NextField));
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().focus,
        ProduceField::Mode
    );
    app.type_text(&' '.to_string());
    app.type_text(&' '.to_string());
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().mode,
        ValueMode::Schema
    );
    // The schema field follows the mode; empty, the topic's own subject.
    sent(app.press(Action::NextField));
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().focus,
        ProduceField::ValueSchema
    );
    for c in "orders-value@2".chars() {
        app.type_text(&c.to_string());
    }
    assert_eq!(
        app.screens
            .produce
            .view
            .as_ref()
            .unwrap()
            .draft()
            .value_schema,
        "orders-value@2"
    );
    sent(app.press(Action::PrevField));
    app.type_text(&' '.to_string());
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().mode,
        ValueMode::Hex
    );
    for _ in 0..5 {
        sent(app.press(Action::PrevField));
    }
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().focus,
        ProduceField::Partition
    );
    app.type_text(&'3'.to_string());
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().draft().partition,
        "3"
    );
}

#[test]
fn read_only_refuses_to_send() {
    let mut app = fixtures::produce(ProduceState::Filled);
    app.shared.read_only = true;
    assert!(sent(app.press(Action::Send)).is_empty());
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("read-only"));
}

#[test]
fn r_in_the_explorer_replays_the_selected_message() {
    let mut app = fixtures::message_detail(0, false);
    sent(app.press(Action::Back));
    sent(app.press(Action::Replay));
    assert_eq!(app.screen, ScreenId::Produce);
    let d = app.screens.produce.view.as_ref().unwrap().draft();
    assert_eq!(d.topic, "orders");
    let m = app.explorer().unwrap().selected().unwrap().clone();
    let r = d.prepare().unwrap().record(0).unwrap();
    assert_eq!((r.key, r.value, r.headers), (m.key, m.value, m.headers));
    key(&mut app, "esc");
    key(&mut app, "esc");
    assert_eq!(
        app.screen,
        ScreenId::Messages,
        "Esc returns where R was pressed"
    );
}

#[test]
fn a_template_files_last_line_break_is_not_part_of_the_message() {
    let t = TemplateFile::from_file("evt.json", "{\"n\": {{seq}}}\n");
    assert_eq!(t.text, "{\"n\": {{seq}}}");
    let t = TemplateFile::from_file("crlf.txt", "line one\r\nline two\r\n");
    assert_eq!(t.text, "line one\r\nline two", "inner line breaks stay");
}

#[test]
fn the_form_gives_back_exactly_the_text_it_was_given() {
    for value in [
        "",
        "one line",
        "ends with a newline\n",
        "crlf\r\nlines\r\n",
        "\n\n",
    ] {
        let d = Draft {
            topic: "t".into(),
            value: value.into(),
            headers: "a: 1\n".into(),
            compression: "none".into(),
            ..Draft::default()
        };
        let v = ProduceView::new(&d, vec![]);
        assert_eq!(v.draft().value, value, "{value:?}");
        assert_eq!(v.draft().headers, "a: 1\n");
    }
}

/// Entering a number field selects what it holds: typing 500 over 1 sends
/// 500 messages, not 1,500; so does the start picker's prefilled -100.
#[test]
fn typing_into_a_number_field_replaces_what_it_held() {
    let mut app = fixtures::produce(ProduceState::Filled);
    app.screens.produce.view.as_mut().unwrap().count = crate::app::LineInput::with_text("1");
    while app.screens.produce.view.as_ref().unwrap().focus != ProduceField::Count {
        sent(app.press(Action::NextField));
    }
    assert!(app.screens.produce.view.as_ref().unwrap().count.selected);
    sent(app.type_text("500"));
    let v = app.screens.produce.view.as_ref().unwrap();
    assert_eq!(v.count.text, "500");
    assert_eq!(v.bulk().unwrap().0, 500);
    // A move keeps the text and ends the selection: typing then adds.
    sent(app.press(Action::NextField));
    sent(app.press(Action::PrevField));
    key(&mut app, "end");
    sent(app.type_text("0"));
    assert_eq!(
        app.screens.produce.view.as_ref().unwrap().count.text,
        "5000"
    );
}

/// Ctrl-R names the draft it recalled in the title; a JSON error is shown
/// once, under the value editor, with its line and column.
#[test]
fn recall_is_named_and_a_json_error_sits_under_the_editor() {
    let mut app = fixtures::produce(ProduceState::Filled);
    let v = app.screens.produce.view.as_mut().unwrap();
    v.remember(v.draft());
    sent(app.press(Action::Recall));
    let screen = fixtures::render_text(&mut app, 120, 40);
    assert!(
        screen.contains("(recalled draft 1 of 1: orders)"),
        "{screen}"
    );

    let v = app.screens.produce.view.as_mut().unwrap();
    v.mode = crate::protocol::produce::ValueMode::Json;
    v.value = ratatui_textarea::TextArea::from(["{", "  \"a\": 1,", "}"]);
    assert!(sent(app.press(Action::Send)).is_empty());
    let screen = fixtures::render_text(&mut app, 120, 40);
    let errors: Vec<&str> = screen.lines().filter(|l| l.contains('✖')).collect();
    assert_eq!(errors.len(), 1, "{screen}");
    assert!(
        errors[0].contains("line 3") && errors[0].contains("column"),
        "{screen}"
    );
    assert!(
        app.shared.status.is_none(),
        "not said twice: {:?}",
        app.shared.status
    );
}
