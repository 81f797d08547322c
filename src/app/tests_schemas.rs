//! The Schemas screen and decoded messages, against the fixture registry.

use super::admin::AdminOp;
use super::fixtures::{self, command, key, render_text};
use super::overlays::Overlay;
use super::*;
use crate::app::ScreenId;

#[test]
fn schemas_opens_by_command_and_asks_the_registry_once() {
    let mut app = fixtures::connected();
    app.shared.decoders = Some(std::sync::Arc::new(crate::schema::Decoders::new(
        fixtures::registry(),
    )));
    assert_eq!(command(&mut app, "schemas"), [Command::LoadSchemas]);
    assert_eq!(app.screen, ScreenId::Schemas);
    // Back and forth: the list is kept, not asked for again.
    key(&mut app, "tab");
    assert!(key(&mut app, "backtab").is_empty());
    assert_eq!(app.screen, ScreenId::Schemas);
    assert_eq!(key(&mut app, "r")[0], Command::LoadSchemas, "r reloads");
}

#[test]
fn a_subject_shows_its_versions_types_and_the_topics_using_it() {
    let mut app = fixtures::schemas_screen(true);
    let text = render_text(&mut app, 140, 70);
    assert!(text.contains("orders-value"), "{text}");
    assert!(text.contains("PROTOBUF"), "{text}");
    // orders-value: AVRO, latest v2 with id 3, two versions, topic orders.
    let row = text
        .lines()
        .find(|l| l.contains("│orders-value") || l.contains(" orders-value  "))
        .unwrap_or("");
    assert!(
        row.contains("AVRO") && row.contains("v2 · id 3") && row.contains("orders"),
        "{row}"
    );
    assert!(text.contains("compatibility BACKWARD"), "{text}");
    assert!(text.contains("\"placed_at\""), "the schema text: {text}");
    // h: the version before; l past the last says so.
    assert_eq!(
        key(&mut app, "h"),
        [Command::DescribeSubject {
            subject: "orders-value".into(),
            version: Some(1)
        }]
    );
    let mut app = fixtures::schemas_screen(true);
    assert!(key(&mut app, "l").is_empty());
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("no later version"));
    key(&mut app, "esc");
    assert!(
        app.screens.schemas.detail.is_none(),
        "esc closes the version"
    );
}

#[test]
fn deleting_a_version_asks_for_the_subject_typed_and_is_refused_read_only() {
    let mut app = fixtures::schemas_screen(true);
    command(&mut app, "delete-schema");
    let Some(Overlay::Confirm(c)) = app.overlays.last() else {
        panic!("a confirmation")
    };
    assert_eq!(
        c.op,
        AdminOp::DeleteSchemaVersion {
            subject: "orders-value".into(),
            version: 2
        }
    );
    assert_eq!(c.op.typed_name(), Some("orders-value"));
    app.press(Action::Cancel);
    command(&mut app, "delete-schema 7");
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("has versions [1, 2]"));
    let mut app = fixtures::schemas_screen(true);
    app.shared.read_only = true;
    command(&mut app, "delete-schema 1");
    assert!(app.overlays.is_empty());
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("read-only"));
    // Elsewhere it names where it works.
    let mut app = fixtures::connected();
    command(&mut app, "delete-schema");
    assert!(app
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains(":schemas"));
}

#[test]
fn decoded_rows_show_json_and_an_unknown_id_shows_raw_with_the_reason() {
    let mut app = fixtures::decoded_messages();
    let text = render_text(&mut app, 160, 30);
    assert!(
        text.contains(r#"{"order_id":"ORD-7731","total":"18.50","state":"NEW"}"#),
        "{text}"
    );
    assert!(
        // Each message with its own version: v2 has placed_at.
        text.contains(r#""state":"PAID","placed_at":"2026-11-30T11:59"#),
        "{text}"
    );
    assert!(text.contains("\"ORD-7732\""), "keys decoded too: {text}");
    assert!(text.contains("⚠ unknown schema id 999"), "{text}");
}
