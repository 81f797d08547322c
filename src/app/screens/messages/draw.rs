//! Drawing the messages screen: the table of held messages, their
//! columns, previews and the status line.

use crate::app::decoded::Slot;
use chrono::{TimeZone, Utc};
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::app::explorer::Explorer;
use crate::app::shared::Shared;
use crate::model::Message;
use crate::protocol::ReadKind;
use crate::ui::bytes::{escaped, hex_preview, size};
use crate::ui::text::{fit, sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::{column_widths, WindowedTable};

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

/// A key or value as the list shows it: decoded through its schema when
/// in the wire format.
pub fn shown(shared: &Shared, at: Slot<'_>, b: Option<&[u8]>, max: usize) -> Span<'static> {
    match b {
        Some(b) if !b.is_empty() => crate::app::decoded::preview(shared, at, b, max),
        b => preview(b, max),
    }
}

fn value_preview(
    shared: &Shared,
    topic: &str,
    m: &Message,
    max: usize,
    hex: bool,
) -> Span<'static> {
    match &m.value {
        None => Span::styled("null (tombstone)", theme::warn()),
        Some(v) if hex && !v.is_empty() => Span::raw(hex_preview(v, max)),
        v => shown(shared, Slot::value(topic), v.as_deref(), max),
    }
}

/// The list's column widths at this size: the key column grows with the
/// terminal, the offset column fits the largest offset held, and the value
/// takes the rest; previews are cut to exactly these widths.
struct Columns {
    widths: Vec<u16>,
}

impl Columns {
    fn new(area: Rect, ex: &Explorer, utc: bool, compact: bool) -> Columns {
        let inner = area.width.saturating_sub(2);
        let largest = ex.messages.iter().map(|m| m.offset).max().unwrap_or(0);
        let offset = (thousands(largest.max(0)).len() as u16).max(6);
        let widths = if compact {
            let key = (inner / 6).clamp(8, 24);
            column_widths(area, &[Some(3), Some(offset), Some(12), Some(key), None], 1)
        } else {
            let key = (inner / 6).clamp(12, 48);
            let ts = if utc { 24 } else { 23 };
            column_widths(
                area,
                &[Some(4), Some(offset), Some(ts), Some(key), None, Some(9)],
                1,
            )
        };
        Columns { widths }
    }

    fn key(&self) -> usize {
        usize::from(self.widths[3])
    }

    fn value(&self) -> usize {
        usize::from(self.widths[4])
    }
}

/// "5" when every held message is shown, "5 of 9" under a partition filter.
fn held(shown: usize, held: usize) -> String {
    if shown == held {
        thousands(held as i64)
    } else {
        format!("{} of {}", thousands(shown as i64), thousands(held as i64))
    }
}

pub(super) fn draw(frame: &mut Frame, area: Rect, app: &Shared, ex: &Explorer) {
    let high = |p: i32| {
        app.topic(&ex.topic)?
            .partitions
            .iter()
            .find(|x| x.id == p)?
            .watermarks
            .map(|w| w.high)
    };
    let newer = ex.newer_count(high);
    // The title says what the view does in words; on a narrow terminal
    // the start goes first, then the words get shorter: the state and
    // what `f` does stay readable.
    let (long, short, style) = if ex.paused {
        let n = thousands(ex.pending.len() as i64);
        (
            format!("paused, {n} waiting (f follows)"),
            format!("paused, {n} waiting"),
            theme::warn(),
        )
    } else if ex.following() {
        ("following".into(), "following".into(), theme::ok())
    } else if ex.follow && ex.loading.is_some() {
        ("catching up…".into(), "catching up…".into(), theme::warn())
    } else if newer > 0 {
        let n = thousands(newer);
        (
            format!("browsing, {n} newer messages, f to jump to the end"),
            format!("browsing, {n} newer, f: end"),
            theme::warn(),
        )
    } else {
        (
            "browsing, f follows".into(),
            "browsing, f follows".into(),
            theme::dim(),
        )
    };
    let filter = ex
        .partition_filter
        .map(|p| format!("partition {p} · "))
        .unwrap_or_default();
    let name = format!(" {} ", fit(&ex.topic, usize::from(area.width / 3)));
    let held = held(ex.visible.len(), ex.messages.len());
    let from = format!("from {} · ", ex.start.label());
    let room = usize::from(area.width.saturating_sub(4));
    let fits = |parts: &[&str]| parts.iter().map(|p| p.width()).sum::<usize>() <= room;
    let (from, state) = if fits(&[&name, "(", &held, " held · ", &from, &filter, &long, ") "]) {
        (from, long)
    } else if fits(&[&name, "(", &held, " held · ", &filter, &long, ") "]) {
        (String::new(), long)
    } else {
        (String::new(), short)
    };
    let title = Line::from(vec![
        Span::styled(name, theme::title()),
        Span::raw(format!("({held} held · {from}{filter}")),
        Span::styled(state, style),
        Span::raw(") "),
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
            if newer && !ex.following() {
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
    let cols = Columns::new(area, ex, app.utc, compact);
    let widths: Vec<Constraint> = cols.widths.iter().map(|w| Constraint::Length(*w)).collect();
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let value_title = if ex.hex { "Value (hex)" } else { "Value" };
    let header = if compact {
        Row::new([
            Cell::from("P"),
            right("Offset".into()),
            Cell::from("Time"),
            Cell::from("Key"),
            Cell::from(value_title),
        ])
    } else {
        Row::new([
            Cell::from("P"),
            right("Offset".into()),
            Cell::from("Timestamp"),
            Cell::from("Key"),
            Cell::from(value_title),
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
        block = block.title_bottom(Line::styled(
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
        widths: &widths,
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
                        right(o.to_string()),
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
            let ts = timestamp(m.timestamp, app.utc);
            let mut style = if m.value.is_none() {
                theme::dim()
            } else {
                Style::new()
            };
            if marked.as_ref().is_some_and(|r| r.contains(&i)) {
                style = style.patch(theme::marked());
            }
            let key = shown(app, Slot::key(&ex.topic), m.key.as_deref(), cols.key());
            let value = value_preview(app, &ex.topic, m, cols.value(), ex.hex);
            if compact {
                Row::new([
                    Cell::from(m.partition.to_string()),
                    right(thousands(m.offset)),
                    Cell::from(ts.get(11..23).unwrap_or(&ts).to_string()),
                    Cell::from(key),
                    Cell::from(value),
                ])
            } else {
                Row::new([
                    Cell::from(m.partition.to_string()),
                    right(thousands(m.offset)),
                    Cell::from(ts),
                    Cell::from(key),
                    Cell::from(value),
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
