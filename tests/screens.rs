//! Snapshot tests of every screen at 120x40 and 80x24, drawn from the
//! fixtures in `creel::app::fixtures` (no broker needed).

use creel::app::screens::topic_detail::DetailTab;
use creel::app::screens::Loadable;
use creel::app::{fixtures, Action, App};
use creel::protocol::Event;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn draw(app: &App, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| app.draw(f)).unwrap();
    terminal.backend().buffer().clone()
}

fn render(app: &App, w: u16, h: u16) -> String {
    let buf = draw(app, w, h);
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn both_sizes(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_120x40"), render(app, 120, 40));
    insta::assert_snapshot!(format!("{name}_80x24"), render(app, 80, 24));
}

#[test]
fn topics() {
    both_sizes("topics", &fixtures::connected());
}

#[test]
fn topics_with_internal_sorted_by_messages() {
    let mut app = fixtures::connected();
    app.press(Action::ToggleInternal);
    app.press(Action::SortNext);
    app.press(Action::SortNext);
    app.shared.status = None;
    both_sizes("topics_internal_by_messages", &app);
}

#[test]
fn topics_filter_with_invalid_regex() {
    let mut app = fixtures::connected();
    app.press(Action::Filter);
    app.type_text("pay|ship(");
    both_sizes("topics_filter_invalid", &app);
}

#[test]
fn topics_while_connecting() {
    let app = App::new("local", "127.0.0.1:9092", fixtures::fixed_now());
    both_sizes("topics_connecting", &app);
}

#[test]
fn all_brokers_down() {
    both_sizes("all_brokers_down", &fixtures::all_brokers_down());
}

#[test]
fn topic_detail_partitions() {
    both_sizes(
        "detail_partitions",
        &fixtures::detail(DetailTab::Partitions),
    );
}

#[test]
fn topic_detail_configs() {
    both_sizes("detail_configs", &fixtures::detail(DetailTab::Configs));
}

#[test]
fn topic_detail_configs_empty_and_failed() {
    let mut app = fixtures::detail(DetailTab::Configs);
    app.apply(Event::TopicConfigs {
        topic: "shipments".into(),
        result: Ok(vec![]),
    });
    insta::assert_snapshot!("detail_configs_empty_80x24", render(&app, 80, 24));
    if let Some(d) = &mut app.screens.topics.detail {
        d.configs = Loadable::Failed(creel::protocol::OpError::new(
            creel::protocol::Op::DescribeConfigs,
            creel::protocol::ErrorKind::Unsupported,
            "not supported by this cluster (Broker: Unsupported version)",
        ));
    }
    insta::assert_snapshot!("detail_configs_failed_80x24", render(&app, 80, 24));
}

#[test]
fn brokers() {
    let mut app = fixtures::connected();
    app.screen = creel::app::ScreenId::Brokers;
    both_sizes("brokers", &app);
}

#[test]
fn help() {
    let mut app = fixtures::connected();
    app.press(Action::Help);
    both_sizes("help", &app);
}

#[test]
fn too_small() {
    insta::assert_snapshot!("too_small_50x12", render(&fixtures::connected(), 50, 12));
}

#[test]
fn hostile_names_are_escaped() {
    let mut app = fixtures::connected();
    let mut snap = fixtures::snapshot();
    snap.topics[0].name = "evil\x1b]0;pwned\x07\x1b[2J".into();
    snap.brokers[0].host = "h\x1b[31mred".into();
    app.apply(Event::Snapshot {
        generation: 5,
        snapshot: snap,
    });
    let screen = render(&app, 120, 40);
    assert!(!screen.contains('\x1b'));
    assert!(screen.contains("evil\\x1b]0;pwned\\x07\\x1b[2J"));
}

/// Partitions whose leader refused its offsets (a new topic still settling)
/// have no count: the table says so instead of "…" (loading) forever, and
/// the detail names the broker's error on each such partition.
#[test]
fn refused_offsets_are_said_not_counted() {
    let mut app = fixtures::connected();
    let mut snap = fixtures::snapshot();
    // A topic the table has never counted (one it counted keeps its last
    // count while a refresh misses it, and the detail names the error).
    snap.topics[1].name = "newly-made".into();
    for p in snap.topics[1].partitions.iter_mut().take(2) {
        p.watermarks = None;
        p.error = Some("NotLeaderForPartition (Broker: Not leader for partition)".into());
    }
    app.apply(Event::Snapshot {
        generation: 5,
        snapshot: snap,
    });
    let screen = render(&app, 120, 30);
    let row = screen
        .lines()
        .find(|l| l.contains("newly-made"))
        .expect("newly-made listed");
    assert!(row.contains(" ? "), "{row}");
    assert!(row.contains("2 offsets refused"), "{row}");
    app.select_topic("newly-made");
    app.press(Action::Open);
    let detail = render(&app, 160, 30);
    let refused = detail
        .lines()
        .find(|l| l.starts_with("│0 "))
        .expect("partition 0 listed");
    assert!(refused.contains("NotLeaderForPartition"), "{refused}");
    assert!(
        !refused.contains('…') && refused.contains(" ? "),
        "{refused}"
    );
}

#[test]
fn ten_thousand_topics_draw_only_visible_rows() {
    let mut app = fixtures::connected();
    let mut snap = fixtures::snapshot();
    let template = snap.topics[0].clone();
    snap.topics = (0..10_000)
        .map(|i| {
            let mut t = template.clone();
            t.name = format!("topic-{i:05}");
            t
        })
        .collect();
    app.apply(Event::Snapshot {
        generation: 9,
        snapshot: snap,
    });
    app.press(Action::Bottom);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Topics (10000 of 10000)"), "{screen}");
    assert!(screen.contains("topic-09999"), "{screen}");
}

/// screenshots/ holds one picture per main screen, taken from the demo's
/// data by `cargo run --release -- demo --screenshots screenshots` (see
/// tests/demo.rs for the run that proves the command works): every name the
/// command writes is there, as an SVG of a creel screen, and nothing else.
#[test]
fn screenshots_cover_every_screen() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut want: Vec<String> = creel::demo::screenshots::NAMES
        .iter()
        .map(|n| format!("{n}.svg"))
        .collect();
    want.sort();
    assert_eq!(
        found, want,
        "regenerate with: cargo run --release -- demo --screenshots screenshots"
    );
    for f in &found {
        let svg = std::fs::read_to_string(dir.join(f)).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("creel"),
            "{f} is not a creel screen"
        );
        assert!(svg.contains("demo"), "{f} was not taken from the demo");
    }
}

#[test]
fn groups_list_statuses_and_trend() {
    let app = fixtures::with_groups();
    let judged = |g: &str| app.shared.lag.judged[g].status.map(|s| s.word());
    assert_eq!(judged("order-service"), Some("OK"));
    assert_eq!(judged("analytics-loader"), Some("WARN"));
    assert_eq!(judged("audit-archiver"), Some("STALL"));
    assert_eq!(judged("email-sender"), Some("STOP"));
    both_sizes("groups", &app);
}

/// Before the window is full a group is "collecting n/N", never OK; a
/// list that failed is said, not "No consumer groups".
#[test]
fn groups_collecting_and_a_list_that_failed() {
    use creel::model::GroupsSnapshot;
    use creel::protocol::Event;
    let full = fixtures::with_groups();
    let mut app = fixtures::connected();
    app.screen = creel::app::ScreenId::Groups;
    app.apply(Event::Groups {
        generation: 1,
        snapshot: GroupsSnapshot {
            groups: full.shared.group_list().to_vec(),
            taken_at: fixtures::fixed_now(),
            list_error: None,
        },
    });
    let screen = render(&app, 120, 40);
    assert_eq!(screen.matches("collecting 1/6").count(), 4, "{screen}");
    assert!(!screen.contains(" OK "), "{screen}");

    app.apply(Event::Groups {
        generation: 2,
        snapshot: GroupsSnapshot {
            groups: vec![],
            taken_at: fixtures::fixed_now(),
            list_error: Some("could not list groups: Broker: Group authorization failed".into()),
        },
    });
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains("could not list groups: Broker: Group authorization failed."),
        "{screen}"
    );
    assert!(!screen.contains("No consumer groups"), "{screen}");
}

#[test]
fn group_detail_partitions_members_chart() {
    use creel::app::screens::group_detail::GroupTab;
    both_sizes(
        "group_partitions",
        &fixtures::group_detail(GroupTab::Partitions),
    );
    both_sizes("group_members", &fixtures::group_detail(GroupTab::Members));
    both_sizes("group_chart", &fixtures::group_detail(GroupTab::Chart));
}

/// A partition whose log end could not be read: the row says "unread"
/// and the summary that the total counts only the others.
#[test]
fn group_detail_with_an_unread_partition() {
    use creel::app::screens::group_detail::GroupTab;
    let mut app = fixtures::group_detail(GroupTab::Partitions);
    let g = app
        .shared
        .groups
        .as_mut()
        .unwrap()
        .groups
        .iter_mut()
        .find(|g| g.id == "analytics-loader")
        .unwrap();
    g.partitions[0].log_end = None;
    g.partitions[0].error = Some("Broker: Leader not available".into());
    let total = g.partitions.len();
    let screen = render(&app, 120, 40);
    assert!(
        screen.contains(&format!(
            "(1 of {total} partitions unread, lag counts the others)"
        )),
        "{screen}"
    );
    insta::assert_snapshot!("group_partitions_unread_120x40", screen);
}

#[test]
fn topic_consumers_tab() {
    let mut app = fixtures::with_groups();
    app.screen = creel::app::ScreenId::Topics;
    let orders = app
        .screens
        .topics
        .view
        .visible
        .iter()
        .position(|&i| app.shared.topic_list()[i].name == "orders")
        .unwrap();
    app.screens.topics.view.cursor.selected = orders;
    app.press(Action::Open);
    app.press(Action::NextTab);
    both_sizes("detail_consumers", &app);
}

#[test]
fn messages_list_and_picker() {
    both_sizes("messages", &fixtures::messages_view());
    let mut app = fixtures::connected();
    app.press(Action::Messages);
    both_sizes("start_picker", &app);
    // A start position that does not parse keeps the text and says why.
    app.type_text("x");
    assert!(app.press(Action::Submit).is_empty());
    insta::assert_snapshot!("start_picker_error_80x24", render(&app, 80, 24));
}

/// `x` on the list: the values as hex, in a column of the same width.
#[test]
fn messages_list_with_a_hex_column() {
    let mut app = fixtures::messages_view();
    creel::app::fixtures::key(&mut app, "x");
    assert!(app.screens.messages.explorer.as_ref().unwrap().hex);
    both_sizes("messages_hex", &app);
}

#[test]
fn message_detail_json_text_hex_tombstone_empty() {
    for (i, name) in [
        (0, "json"),
        (1, "text"),
        (2, "binary"),
        (3, "tombstone"),
        (4, "empty"),
    ] {
        insta::assert_snapshot!(
            format!("message_{name}_120x40"),
            render(&fixtures::message_detail(i, false), 120, 40)
        );
    }
    insta::assert_snapshot!(
        "message_hex_80x24",
        render(&fixtures::message_detail(0, true), 80, 24)
    );
}

/// Arbitrary bytes, biased towards what breaks terminals: C0/C1 controls,
/// format and zero-width characters, combining marks, wide characters,
/// invalid UTF-8. No backslash, so any on screen is one of creel's escapes.
fn hostile_bytes(max: usize) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        proptest::num::u8::ANY.prop_map(|b| vec![b]),
        proptest::sample::select(vec![
            "\u{ad}",
            "\u{200b}",
            "\u{200d}",
            "\u{200e}",
            "\u{202e}",
            "\u{2066}",
            "\u{feff}",
            "\u{301}",
            "e\u{301}",
            "\u{fe0f}",
            "中",
            "文",
            "😀",
            "👍🏽",
            "\u{9b}",
            "\u{85}",
            "\u{7f}",
            "\u{1b}[2J",
            "\t",
            "\r\n",
            "\u{2028}",
            "\u{e0001}",
            "\u{600}",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
    ];
    proptest::collection::vec(piece, 0..max)
        .prop_map(|v| v.concat().into_iter().filter(|b| *b != b'\\').collect())
}

/// Every row of the screen is exactly as wide as the terminal, nothing on
/// it needs escaping, the table's right border is in its column, and every
/// escape on a row is whole.
fn check_rows(
    buf: &ratatui::buffer::Buffer,
    w: u16,
    h: u16,
) -> Result<(), proptest::test_runner::TestCaseError> {
    use unicode_width::UnicodeWidthStr;
    let escape = regex::Regex::new(r"\\(x[0-9a-f]{2}|u\{[0-9a-f]+\}|[ntr])").unwrap();
    for y in 0..h {
        let mut x = 0u16;
        let mut row = String::new();
        while x < w {
            let sym = buf[(x, y)].symbol();
            proptest::prop_assert!(
                !sym.chars().any(creel::ui::bytes::needs_escape),
                "{sym:?} drawn raw on row {y}"
            );
            row.push_str(sym);
            x += (sym.width() as u16).max(1);
        }
        proptest::prop_assert_eq!(x, w, "row {} is {} wide: {:?}", y, x, row);
        // (The search title holds the user's own regex.)
        let stripped = escape.replace_all(&row, "");
        proptest::prop_assert!(
            !stripped.contains('\\') || row.contains("Search orders /"),
            "a split escape on row {y}: {row:?}"
        );
    }
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(64))]
    /// Whatever bytes a message holds, in its key, value or a header, and
    /// whatever the topic is called: the list, the detail (text and hex)
    /// and a search match are drawn at their exact width, nothing reaches
    /// the terminal raw, and no escape is cut in half.
    #[test]
    fn any_bytes_are_drawn_at_their_exact_width(
        key in hostile_bytes(40),
        value in hostile_bytes(200),
        header in hostile_bytes(30),
        topic in hostile_bytes(20),
        width in proptest::sample::select(vec![80u16, 100, 109, 110, 131, 160]),
    ) {
        let mut app = fixtures::messages_view();
        let name = String::from_utf8_lossy(&topic).into_owned();
        if let Some(ex) = app.explorer_mut() {
            ex.topic = format!("t{name}");
            ex.messages[0].key = Some(key.clone());
            ex.messages[0].value = Some(value.clone());
            ex.messages[0].headers = vec![(String::from_utf8_lossy(&header).into_owned(), Some(header.clone()))];
            ex.follow = false;
            ex.cursor.selected = 0;
        }
        for hex in [false, true] {
            app.explorer_mut().unwrap().hex = hex;
            check_rows(&draw(&app, width, 30), width, 30)?;
        }
        app.press(Action::Open);
        for hex in [false, true] {
            if let Some(d) = &mut app.screens.messages.detail {
                d.hex = hex;
            }
            check_rows(&draw(&app, width, 30), width, 30)?;
        }
        let lines = creel::ui::bytes::hex_lines(&value);
        proptest::prop_assert_eq!(creel::ui::bytes::parse_hex_lines(&lines), value.clone());
        // A search match in the same bytes.
        let mut app = fixtures::search_running(true);
        if let Some(v) = &mut app.screens.search.view {
            let h = &mut v.hits[0];
            h.message.key = Some(key.clone());
            h.message.value = Some(value.clone());
            h.span = Some(creel::protocol::search::MatchSpan {
                field: creel::protocol::search::Field::Value,
                start: value.len() / 3,
                end: value.len() / 2,
            });
        }
        check_rows(&draw(&app, width, 30), width, 30)?;
    }
}

#[test]
fn search_bar_with_an_invalid_regex() {
    both_sizes("search_bar_invalid", &fixtures::search_bar("ORD-(\\d+"));
}

#[test]
fn search_progress_and_matches() {
    both_sizes("search_running", &fixtures::search_running(false));
    both_sizes("search_done", &fixtures::search_running(true));
}

#[test]
fn a_match_opened_is_marked_in_the_detail() {
    let mut app = fixtures::search_running(true);
    app.press(Action::Open);
    let session = app.explorer().unwrap().session;
    let hit = fixtures::search_running(true)
        .screens
        .search
        .view
        .unwrap()
        .hits[0]
        .clone();
    app.apply(creel::protocol::Event::Messages {
        session,
        kind: creel::protocol::ReadKind::Initial,
        batch: vec![hit.message],
    });
    let buf = draw(&app, 120, 30);
    // The matched text is drawn in the match style, in the value's JSON.
    let marked: String = buf
        .content()
        .iter()
        .filter(|c| c.bg == ratatui::style::Color::Yellow)
        .map(|c| c.symbol())
        .collect();
    assert!(marked.contains("ORD-1204"), "{marked:?}");
    insta::assert_snapshot!("search_match_detail_120x30", render(&app, 120, 30));
}

#[test]
fn produce_screen_states() {
    use fixtures::ProduceState::*;
    both_sizes("produce_empty", &fixtures::produce(Empty));
    both_sizes("produce_filled", &fixtures::produce(Filled));
    both_sizes("produce_json_error", &fixtures::produce(JsonError));
    both_sizes("produce_delivered", &fixtures::produce(Delivered));
    both_sizes("produce_bulk", &fixtures::produce(Bulk));
}

#[test]
fn admin_dialogs() {
    let mut app = fixtures::connected();
    fixtures::command(
        &mut app,
        "create-topic audit partitions=6 rf=3 retention.ms=604800000 cleanup.policy=compact",
    );
    both_sizes("confirm_create_topic", &app);
    let mut app = fixtures::connected();
    fixtures::command(&mut app, "delete-topic");
    app.type_text("audit-lo");
    app.press(Action::Submit);
    both_sizes("confirm_delete_topic_wrong_name", &app);
    both_sizes("reset_preview", &fixtures::reset_preview("Empty"));
    both_sizes(
        "reset_refused_active_group",
        &fixtures::reset_preview("Stable"),
    );
    let mut app = fixtures::connected();
    app.shared.read_only = true;
    insta::assert_snapshot!("read_only_header_80x24", render(&app, 80, 24));
}

#[test]
fn messages_with_a_marked_range() {
    let mut app = fixtures::messages_view();
    app.press(Action::Top);
    app.press(Action::Mark);
    app.press(Action::Down);
    app.press(Action::Down);
    insta::assert_snapshot!("messages_range_120x40", render(&app, 120, 40));
}

#[test]
fn help_in_read_only_mode_marks_the_writes_refused() {
    let mut app = fixtures::connected();
    app.shared.read_only = true;
    app.press(Action::Help);
    for _ in 0..40 {
        app.press(Action::Down);
    }
    let screen = render(&app, 120, 40);
    assert!(screen.contains("refused, read-only: produce"), "{screen}");
}

#[test]
fn a_stuck_partition_is_a_row_at_its_offset() {
    let mut app = fixtures::messages_view();
    let session = app.explorer().unwrap().session;
    app.apply(creel::protocol::Event::MessagesStalled {
        session,
        partition: 2,
        offset: 4,
        error: creel::protocol::OpError::new(
            creel::protocol::Op::Read,
            creel::protocol::ErrorKind::Broker,
            "Message consumption error: BadCompression (Local: Invalid compressed data)",
        ),
    });
    both_sizes("messages_stalled", &app);
}

#[test]
fn schemas_list_and_a_version() {
    both_sizes("schemas", &fixtures::schemas_screen(false));
    both_sizes("schemas_version", &fixtures::schemas_screen(true));
}

#[test]
fn messages_decoded_through_a_registry() {
    both_sizes("messages_decoded", &fixtures::decoded_messages());
}
