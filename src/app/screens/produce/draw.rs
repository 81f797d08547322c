//! Drawing the produce screen: the form's fields, the headers and value
//! editors, and the last send's report.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use unicode_width::UnicodeWidthStr;

use crate::app::produce::{ProduceField, ProduceRun, ProduceView, ValueMode};
use crate::app::screens::messages::timestamp;
use crate::app::shared::Shared;
use crate::ui::text::{progress_bar, sanitize, thousands};
use crate::ui::theme;

pub fn draw_empty(frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new("Nothing to produce yet. Put the cursor on a topic and press p, or R on a message to replay it.")
            .style(theme::dim())
            .block(Block::bordered().title(Line::styled(" Produce ", theme::title()))),
        area,
    );
}

const KEY_EMPTY: &str = "(null)";
const KEY_SCHEMA_EMPTY: &str = "(none: the key as typed)";
const TIMESTAMP_EMPTY: &str = "(now)";

/// The subject an empty schema field stands for.
fn value_schema_empty(view: &ProduceView) -> String {
    match view.topic.text.trim() {
        "" => "(the topic's -value subject)".into(),
        t => format!("({t}-value, latest)"),
    }
}

fn field<'a>(
    view: &ProduceView,
    f: ProduceField,
    value: String,
    placeholder: &str,
) -> Vec<Span<'a>> {
    let focused = view.focus == f && view.editing;
    let label = Span::styled(
        format!("{}{:<12}", if focused { "▶ " } else { "  " }, f.label()),
        if focused { theme::key() } else { theme::dim() },
    );
    let selected = focused && view.line(f).is_some_and(|l| l.selected);
    let v = if value.is_empty() {
        Span::styled(placeholder.to_string(), theme::dim())
    } else if selected {
        Span::styled(sanitize(&value), theme::selected())
    } else {
        Span::raw(sanitize(&value))
    };
    vec![label, v]
}

fn result_lines(run: &ProduceRun, utc: bool) -> Vec<Line<'static>> {
    let s = &run.stats;
    let mut lines = vec![];
    if let Some(Some(e)) = &run.done {
        lines.push(Line::styled(
            format!(" ✖ not sent: {}", sanitize(&e.message)),
            theme::bad(),
        ));
        return lines;
    }
    if run.count == 1 && !run.running() && s.sent <= 1 {
        match (s.acked, s.last) {
            (1, Some(d)) => lines.push(Line::from(vec![
                Span::styled(" ✔ delivered ", theme::ok()),
                Span::raw(format!(
                    "to partition {} at offset {} · {}",
                    d.partition,
                    d.offset,
                    timestamp(d.timestamp, utc)
                )),
            ])),
            _ => {
                let why = s
                    .errors
                    .keys()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| "no delivery report".into());
                lines.push(Line::styled(
                    format!(" ✖ failed: {} (the draft is kept)", sanitize(&why)),
                    theme::bad(),
                ));
            }
        }
        return lines;
    }
    let state = if run.running() {
        Span::styled(" sending ", theme::warn())
    } else if run.stopped {
        Span::styled(" stopped ", theme::warn())
    } else if s.failed > 0 {
        Span::styled(" done, with failures ", theme::bad())
    } else {
        Span::styled(" done ", theme::ok())
    };
    let secs = (s.elapsed_ms as f64 / 1000.0).max(0.001);
    // An import does not know its size up front.
    let progress = if run.count == 0 {
        format!("{} sent · ", thousands(s.sent as i64))
    } else {
        format!(
            "{} {} of {} sent · ",
            progress_bar(s.sent, run.count, 20),
            thousands(s.sent as i64),
            thousands(run.count as i64)
        )
    };
    lines.push(Line::from(vec![
        state,
        Span::raw(progress),
        Span::styled(
            format!("{} acknowledged", thousands(s.acked as i64)),
            theme::ok(),
        ),
        Span::raw(" · "),
        Span::styled(
            format!("{} failed", thousands(s.failed as i64)),
            if s.failed > 0 {
                theme::bad()
            } else {
                theme::dim()
            },
        ),
        Span::raw(format!(
            " · {} msg/s",
            thousands((s.acked as f64 / secs) as i64)
        )),
    ]));
    let parts: Vec<String> = s
        .per_partition
        .iter()
        .map(|(p, (ok, bad))| {
            let p = if *p < 0 { "?".into() } else { p.to_string() };
            if *bad > 0 {
                format!(
                    "p{p} {} ok {} failed",
                    thousands(*ok as i64),
                    thousands(*bad as i64)
                )
            } else {
                format!("p{p} {}", thousands(*ok as i64))
            }
        })
        .collect();
    if !parts.is_empty() {
        lines.push(Line::styled(
            format!(" {}", parts.join(" · ")),
            theme::dim(),
        ));
    }
    for (reason, n) in s.errors.iter().take(2) {
        lines.push(Line::styled(
            format!(" ✖ {n}x {}", sanitize(reason)),
            theme::bad(),
        ));
    }
    lines
}

pub fn draw(frame: &mut Frame, area: Rect, app: &Shared, view: &ProduceView, editing: bool) {
    let result = view
        .run
        .as_ref()
        .map(|r| result_lines(r, app.utc))
        .unwrap_or_else(|| {
            vec![Line::styled(
                " Nothing sent yet. Fill in the value, then ctrl-s.",
                theme::dim(),
            )]
        });
    let [form, headers, value, report] = Layout::vertical([
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Min(3),
        Constraint::Length(result.len() as u16 + 2),
    ])
    .areas(area);
    let title = Line::from(vec![
        Span::styled(" Produce ", theme::title()),
        Span::styled(
            if editing {
                ""
            } else {
                "(not editing: enter edits, esc leaves) "
            },
            theme::dim(),
        ),
        Span::styled(
            match (&view.template, view.history_pos) {
                (_, Some(p)) => format!(
                    "(recalled draft {} of {}: {}) ",
                    p + 1,
                    view.history.len(),
                    sanitize(&view.history[p].topic)
                ),
                (Some(i), None) => format!("(template {}) ", view.templates[*i].name),
                (None, None) => String::new(),
            },
            theme::dim(),
        ),
    ]);
    let lines = vec![
        Line::from(field(
            view,
            ProduceField::Topic,
            view.topic.text.clone(),
            "(required)",
        )),
        Line::from(field(
            view,
            ProduceField::Partition,
            view.partition.text.clone(),
            "(by key)",
        )),
        Line::from(
            [
                field(view, ProduceField::Key, view.key.text.clone(), KEY_EMPTY),
                vec![Span::raw("   ")],
                field(
                    view,
                    ProduceField::KeySchema,
                    view.key_schema.text.clone(),
                    KEY_SCHEMA_EMPTY,
                ),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(view, ProduceField::Mode, view.mode.label().into(), ""),
                vec![Span::raw("   ")],
                if view.mode == ValueMode::Schema {
                    field(
                        view,
                        ProduceField::ValueSchema,
                        view.value_schema.text.clone(),
                        &value_schema_empty(view),
                    )
                } else {
                    vec![]
                },
            ]
            .concat(),
        ),
        Line::from(
            [
                field(
                    view,
                    ProduceField::Timestamp,
                    view.timestamp.text.clone(),
                    TIMESTAMP_EMPTY,
                ),
                vec![Span::raw("   ")],
                field(view, ProduceField::Acks, view.acks.value().into(), ""),
                vec![Span::raw("   ")],
                field(
                    view,
                    ProduceField::Compression,
                    crate::protocol::produce::draft::COMPRESSIONS[view.compression].into(),
                    "",
                ),
            ]
            .concat(),
        ),
        Line::from(
            [
                field(view, ProduceField::Count, view.count.text.clone(), "1"),
                vec![Span::raw("   ")],
                field(
                    view,
                    ProduceField::Rate,
                    view.rate.text.clone(),
                    "(as fast as acknowledged)",
                ),
            ]
            .concat(),
        ),
    ];
    let mut block = Block::bordered().title(title);
    // An editor's error is shown under that editor, once.
    let in_editor = |f: &ProduceField| matches!(f, ProduceField::Headers | ProduceField::Value);
    if let Some((f, e)) = view.error.as_ref().filter(|(f, _)| !in_editor(f)) {
        block = block.title_bottom(Line::styled(
            format!(" ✖ {}: {} ", f.label(), sanitize(e)),
            theme::bad(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(block), form);
    // The cursor of a focused one-line field.
    if let Some(l) = view.line(view.focus).filter(|_| editing) {
        // A second field on a row starts after the first one's label,
        // its text (or placeholder) and three spaces.
        let after = |text: &str, empty: &str| {
            let shown = if text.is_empty() { empty } else { text };
            14 + shown.width() + 3 + 14
        };
        let (row, col) = match view.focus {
            ProduceField::Topic => (0, 14),
            ProduceField::Partition => (1, 14),
            ProduceField::Key => (2, 14),
            ProduceField::KeySchema => (2, after(&view.key.text, KEY_EMPTY)),
            ProduceField::ValueSchema => (3, after(view.mode.label(), "")),
            ProduceField::Timestamp => (4, 14),
            ProduceField::Count => (5, 14),
            _ => (5, after(&view.count.text, "1")),
        };
        let x = form.x + 1 + (col + l.cursor) as u16;
        if x < form.right().saturating_sub(1) {
            frame.set_cursor_position(Position::new(x, form.y + 1 + row));
        }
    }
    editor(
        frame,
        headers,
        view,
        ProduceField::Headers,
        "Headers (name: value, one per line)",
    );
    let value_title = format!(
        "Value ({}; placeholders like {{{{uuid}}}} are filled per message)",
        view.mode.label()
    );
    editor(frame, value, view, ProduceField::Value, &value_title);
    frame.render_widget(
        Paragraph::new(result)
            .block(Block::bordered().title(Line::styled(" Last send ", theme::title()))),
        report,
    );
}

fn editor(frame: &mut Frame, area: Rect, view: &ProduceView, f: ProduceField, title: &str) {
    let focused = view.focus == f && view.editing;
    let mut ta = match f {
        ProduceField::Headers => view.headers.clone(),
        _ => view.value.clone(),
    };
    let title_style = if focused {
        theme::key()
    } else {
        theme::title()
    };
    let mut block = Block::bordered().title(Line::styled(
        format!("{}{title} ", if focused { " ▶ " } else { " " }),
        title_style,
    ));
    if let Some((_, e)) = view.error.as_ref().filter(|(ef, _)| *ef == f) {
        block = block.title_bottom(Line::styled(format!(" ✖ {} ", sanitize(e)), theme::bad()));
    }
    ta.set_block(block);
    ta.set_cursor_line_style(Style::new());
    ta.set_cursor_style(if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    });
    frame.render_widget(&ta, area);
}
