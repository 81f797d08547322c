use super::*;
use crate::app::fixtures::{self, ProduceState};
use crate::app::{Action, Screen};
use crate::protocol::Command;
use ratatui_textarea::{Input, Key};

fn key(c: char) -> ProduceKey {
    ProduceKey::Input(Input {
        key: Key::Char(c),
        ..Input::default()
    })
}

#[test]
fn p_on_a_topic_opens_the_form_aimed_at_it_and_esc_goes_back() {
    let mut app = fixtures::produce(ProduceState::Empty);
    assert_eq!(app.screen, Screen::Produce);
    let v = app.produce.as_ref().unwrap();
    assert_eq!(v.topic.text, "orders");
    assert_eq!(v.focus, ProduceField::Value, "ready to type the value");
    app.produce_key(ProduceKey::Leave);
    assert_eq!(app.screen, Screen::Topics);
}

#[test]
fn send_checks_first_then_asks_the_worker_and_remembers_the_draft() {
    let mut app = fixtures::produce(ProduceState::Filled);
    let cmds = app.produce_key(ProduceKey::Send);
    let [Command::Produce(req)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(req.count, 1);
    assert_eq!(req.draft.topic, "orders");
    assert_eq!(req.draft.compression, "zstd");
    let v = app.produce.as_ref().unwrap();
    assert!(v.run.as_ref().unwrap().running());
    assert_eq!(v.history.len(), 1);
    // A second send while one runs is refused, not queued.
    assert!(app.produce_key(ProduceKey::Send).is_empty());
}

#[test]
fn a_bad_count_or_rate_points_at_its_field() {
    let mut app = fixtures::produce(ProduceState::Filled);
    app.produce.as_mut().unwrap().rate = crate::app::LineInput::with_text("fast");
    assert!(app.produce_key(ProduceKey::Send).is_empty());
    let v = app.produce.as_ref().unwrap();
    assert_eq!(v.focus, ProduceField::Rate);
    assert!(v.error.as_ref().unwrap().1.contains("per second"));
}

#[test]
fn templates_cycle_and_drafts_are_recalled() {
    let mut app = fixtures::produce(ProduceState::Empty);
    app.produce_key(ProduceKey::Template);
    let v = app.produce.as_ref().unwrap();
    assert_eq!(v.templates[v.template.unwrap()].name, "order.json");
    assert_eq!(v.mode, ValueMode::Json);
    assert!(v.draft().prepare().is_ok(), "a shipped template is valid");
    for _ in 0..3 {
        app.produce_key(ProduceKey::Template);
        let v = app.produce.as_ref().unwrap();
        let d = v.draft();
        assert!(
            d.prepare().is_ok(),
            "{} is valid",
            v.templates[v.template.unwrap()].name
        );
    }
    // Sent drafts come back with ctrl-r, newest first.
    let mut app = fixtures::produce(ProduceState::Filled);
    app.produce_key(ProduceKey::Send);
    let first = app.produce.as_ref().unwrap().draft();
    if let Some(v) = &mut app.produce {
        v.run = None;
        v.focus = ProduceField::Key;
    }
    app.produce_key(key('!'));
    let second = app.produce.as_ref().unwrap().draft();
    app.produce_key(ProduceKey::Send);
    if let Some(v) = &mut app.produce {
        v.run = None;
        v.load(&Draft::default());
    }
    app.produce_key(ProduceKey::Recall);
    assert_eq!(app.produce.as_ref().unwrap().draft(), second);
    app.produce_key(ProduceKey::Recall);
    assert_eq!(app.produce.as_ref().unwrap().draft(), first);
}

#[test]
fn choices_change_with_space_and_text_goes_where_the_focus_is() {
    let mut app = fixtures::produce(ProduceState::Empty);
    for c in "hi".chars() {
        app.produce_key(key(c));
    }
    assert_eq!(app.produce.as_ref().unwrap().draft().value, "hi");
    app.produce_key(ProduceKey::NextField);
    assert_eq!(app.produce.as_ref().unwrap().focus, ProduceField::Mode);
    app.produce_key(key(' '));
    app.produce_key(key(' '));
    assert_eq!(app.produce.as_ref().unwrap().mode, ValueMode::Hex);
    for _ in 0..4 {
        app.produce_key(ProduceKey::PrevField);
    }
    assert_eq!(app.produce.as_ref().unwrap().focus, ProduceField::Partition);
    app.produce_key(key('3'));
    assert_eq!(app.produce.as_ref().unwrap().draft().partition, "3");
}

#[test]
fn read_only_refuses_to_send() {
    let mut app = fixtures::produce(ProduceState::Filled);
    app.read_only = true;
    assert!(app.produce_key(ProduceKey::Send).is_empty());
    assert!(app.status.as_ref().unwrap().1.contains("read-only"));
}

#[test]
fn r_in_the_explorer_replays_the_selected_message() {
    let mut app = fixtures::message_detail(0, false);
    app.update(Action::Back);
    app.update(Action::Replay);
    assert_eq!(app.screen, Screen::Produce);
    let d = app.produce.as_ref().unwrap().draft();
    assert_eq!(d.topic, "orders");
    let m = app.explorer.as_ref().unwrap().selected().unwrap().clone();
    let r = d.prepare().unwrap().record(0).unwrap();
    assert_eq!((r.key, r.value, r.headers), (m.key, m.value, m.headers));
    app.produce_key(ProduceKey::Leave);
    assert_eq!(
        app.screen,
        Screen::Messages,
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
