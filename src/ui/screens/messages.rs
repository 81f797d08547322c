//! The messages list: partition, offset, time, key, value preview, size.

use chrono::{TimeZone, Utc};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};
use ratatui::Frame;

use crate::app::explorer::Explorer;
use crate::app::App;
use crate::model::Message;
use crate::protocol::ReadKind;
use crate::ui::bytes::{escaped, size};
use crate::ui::text::{sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;

pub fn draw_empty(frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(
            "No topic open. On the topics screen, put the cursor on a topic and press m.",
        )
        .style(theme::dim())
        .block(Block::bordered().title(Line::styled(" Messages ", theme::title()))),
        area,
    );
}

pub fn timestamp(ms: Option<i64>, utc: bool) -> String {
    let Some(ms) = ms else { return "-".into() };
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) if utc => t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string(),
        Some(t) => t
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string(),
        None => ms.to_string(),
    }
}

/// A key or value as the list shows it: null and empty said in words.
pub fn preview(b: Option<&[u8]>, max: usize) -> Span<'static> {
    match b {
        None => Span::styled("null", theme::dim()),
        Some([]) => Span::styled("(empty)", theme::dim()),
        Some(b) => Span::raw(escaped(b, max)),
    }
}

fn value_preview(m: &Message, max: usize) -> Span<'static> {
    match &m.value {
        None => Span::styled("null (tombstone)", theme::warn()),
        v => preview(v.as_deref(), max),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, ex: &Explorer) {
    let state = if ex.paused {
        Span::styled(
            format!(
                "paused, {} waiting (f follows) ",
                thousands(ex.pending.len() as i64)
            ),
            theme::warn(),
        )
    } else if ex.follow {
        Span::styled("following ", theme::ok())
    } else {
        Span::styled("browsing ", theme::dim())
    };
    let filter = ex
        .partition_filter
        .map(|p| format!("partition {p} · "))
        .unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(format!(" {} ", sanitize(&ex.topic)), theme::title()),
        Span::raw(format!(
            "({} of {} held · {} · {filter}",
            thousands(ex.visible.len() as i64),
            thousands(ex.messages.len() as i64),
            ex.start.label()
        )),
        state,
        Span::raw(")"),
    ]);
    let mut block = Block::bordered().title(title);
    let older = ex.ranges.values().any(|r| r.older_exist());
    let newer = ex.ranges.values().any(|r| r.newer_exist());
    let mut bottom = vec![];
    match ex.loading {
        Some(ReadKind::Initial) => bottom.push(Span::styled(" reading… ", theme::dim())),
        Some(ReadKind::Older) => bottom.push(Span::styled(" reading older… ", theme::dim())),
        Some(ReadKind::Newer) => bottom.push(Span::styled(" reading newer… ", theme::dim())),
        None => {
            if older {
                bottom.push(Span::styled(" ↑ older messages: scroll up ", theme::dim()));
            }
            if newer && !ex.follow {
                bottom.push(Span::styled(
                    " ↓ newer messages: scroll down ",
                    theme::dim(),
                ));
            }
        }
    }
    if let Some(e) = &ex.error {
        bottom.push(Span::styled(
            format!(" ✖ {} ", sanitize(&e.to_string())),
            theme::bad(),
        ));
    }
    if !bottom.is_empty() {
        block = block.title_bottom(Line::from(bottom));
    }
    let compact = area.width < 110;
    let ts_width = if ex.utc { 24 } else { 23 };
    let widths_wide = [
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Length(ts_width),
        Constraint::Length(20),
        Constraint::Fill(1),
        Constraint::Length(9),
    ];
    let widths_compact = [
        Constraint::Length(3),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let header = if compact {
        Row::new(["P", "Offset", "Time", "Key", "Value"])
    } else {
        Row::new([
            Cell::from("P"),
            right("Offset".into()),
            Cell::from("Timestamp"),
            Cell::from("Key"),
            Cell::from("Value"),
            right("Size".into()),
        ])
    };
    let empty = if ex.loading.is_some() {
        "Reading…"
    } else {
        "No messages here yet. New ones appear as they arrive."
    };
    let marked = ex.marked_rows();
    if let Some(r) = &marked {
        block = block.title(Line::styled(
            format!(" range: {} messages (e exports, v clears) ", r.len()),
            theme::key(),
        ));
    }
    // Stuck partitions come after the messages: their reading stops there.
    let rows = ex.visible.len() + ex.stalls.len();
    if !ex.skipped.is_empty() {
        block = block.title_bottom(Line::styled(
            format!(" skipped {} unreadable batch(es) ", ex.skipped.len()),
            theme::warn(),
        ));
    }
    WindowedTable {
        block,
        header,
        widths: if compact {
            &widths_compact
        } else {
            &widths_wide
        },
        len: rows,
        cursor: &ex.cursor,
        row: |i: usize| {
            if let Some((p, o, e)) = i.checked_sub(ex.visible.len()).and_then(|k| ex.stalls.get(k)) {
                let text = format!(
                    "✖ partition {p} is stuck: the batch at this offset cannot be decoded; n skips it ({})",
                    sanitize(&e.message)
                );
                let cells = if compact {
                    vec![
                        Cell::from(p.to_string()),
                        Cell::from(o.to_string()),
                        Cell::from(""),
                        Cell::from(""),
                        Cell::from(text),
                    ]
                } else {
                    vec![
                        Cell::from(p.to_string()),
                        right(o.to_string()),
                        Cell::from(""),
                        Cell::from(""),
                        Cell::from(text),
                        Cell::from(""),
                    ]
                };
                return Row::new(cells).style(theme::bad());
            }
            let m = &ex.messages[ex.visible[i]];
            let ts = timestamp(m.timestamp, ex.utc);
            let mut style = if m.value.is_none() {
                theme::dim()
            } else {
                Style::new()
            };
            if marked.as_ref().is_some_and(|r| r.contains(&i)) {
                style = style.patch(theme::marked());
            }
            if compact {
                Row::new([
                    Cell::from(m.partition.to_string()),
                    Cell::from(m.offset.to_string()),
                    Cell::from(ts.get(11..23).unwrap_or(&ts).to_string()),
                    Cell::from(preview(m.key.as_deref(), 40)),
                    Cell::from(value_preview(m, 200)),
                ])
            } else {
                Row::new([
                    Cell::from(m.partition.to_string()),
                    right(m.offset.to_string()),
                    Cell::from(ts),
                    Cell::from(preview(m.key.as_deref(), 60)),
                    Cell::from(value_preview(m, 300)),
                    right(size(m.value.as_ref().map_or(0, Vec::len))),
                ])
            }
            .style(style)
        },
        empty: empty.into(),
        spacing: 1,
    }
    .draw(frame, area);
    let _ = app;
}
