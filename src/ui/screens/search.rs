//! The search screen: how far the scan got (overall and per partition),
//! and the matches as they stream in.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};
use ratatui::Frame;

use crate::app::search::{Field, SearchHit, SearchOutcome, SearchView};
use crate::app::App;
use crate::ui::bytes::size;
use crate::ui::screens::messages::{preview, timestamp};
use crate::ui::text::{progress_bar, sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::highlight::around;
use crate::ui::widgets::table::WindowedTable;

pub fn draw_empty(frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(
            "No search yet. Open a topic (Enter) or its messages (m), then press / to search it; \
             or type :search PATTERN on the topic list.",
        )
        .style(theme::dim())
        .wrap(ratatui::widgets::Wrap { trim: true })
        .block(Block::bordered().title(Line::styled(" Search ", theme::title()))),
        area,
    );
}

fn percent(done: u64, total: u64) -> String {
    if total == 0 {
        return "100%".into();
    }
    format!("{:.0}%", done as f64 * 100.0 / total as f64)
}

fn rate(r: f64) -> String {
    if r >= 1_000_000.0 {
        format!("{:.1}M msg/s", r / 1_000_000.0)
    } else if r >= 1_000.0 {
        format!("{:.0}k msg/s", r / 1_000.0)
    } else {
        format!("{r:.0} msg/s")
    }
}

fn progress_lines(s: &SearchView, width: usize) -> Vec<Line<'static>> {
    let total = s.total();
    let status = match &s.outcome {
        None if s.spans.is_empty() => Span::styled("resolving scope… ", theme::dim()),
        None => Span::styled("searching ", theme::warn()),
        Some(SearchOutcome::Completed) => Span::styled("done ", theme::ok()),
        Some(SearchOutcome::Failed(e)) => {
            Span::styled(format!("failed: {} ", sanitize(&e.message)), theme::bad())
        }
        Some(o) => Span::styled(format!("{} ", o.label()), theme::warn()),
    };
    let matches = s.hits.len();
    let mut first = vec![
        Span::raw(" "),
        status,
        Span::raw(format!("{} ", percent(s.scanned.min(total), total))),
        Span::raw(progress_bar(s.scanned.min(total), total, 20)),
        Span::raw(" "),
        Span::styled(
            format!(
                "{} {}",
                thousands(matches as i64),
                if matches == 1 { "match" } else { "matches" }
            ),
            theme::title(),
        ),
        Span::raw(format!(
            " · {} of {} scanned",
            thousands(s.scanned as i64),
            thousands(total as i64),
        )),
    ];
    if let Some(r) = s.rate() {
        first.push(Span::raw(format!(" · {}", rate(r))));
    }
    match s.eta_secs() {
        Some(eta) => first.push(Span::raw(format!(" · {:.0}s left", eta.ceil()))),
        None if !s.running() => first.push(Span::raw(format!(
            " · {:.1}s",
            s.elapsed_ms as f64 / 1000.0
        ))),
        None => {}
    }
    let mut lines = vec![Line::from(first)];
    // Per partition: "p0 ███░ 75%", as many as fit on two lines.
    let mut line: Vec<Span> = vec![Span::raw(" ")];
    let mut used = 1usize;
    let mut shown = 0usize;
    for span in &s.spans {
        let (done, all) = s.partition_progress(span);
        let cell = format!(
            "p{} {} {:>4}  ",
            span.partition,
            progress_bar(done, all, 6),
            percent(done, all)
        );
        let w = cell.chars().count();
        if used + w > width {
            if lines.len() == 2 {
                break;
            }
            lines.push(Line::from(std::mem::take(&mut line)));
            line.push(Span::raw(" "));
            used = 1;
        }
        let style = if done >= all {
            theme::dim()
        } else {
            ratatui::style::Style::new()
        };
        line.push(Span::styled(cell, style));
        used += w;
        shown += 1;
    }
    if shown < s.spans.len() {
        line.push(Span::styled(
            format!("+{} partitions", s.spans.len() - shown),
            theme::dim(),
        ));
    }
    if lines.len() < 3 && line.len() > 1 {
        lines.push(Line::from(line));
    }
    lines
}

/// The value column: the match and its context when it is in the value
/// or a header; the start of the value otherwise.
fn value_cell(h: &SearchHit, max: usize) -> Line<'static> {
    let m = &h.message;
    match h.span {
        Some(sp) if sp.field == Field::Value => Line::from(around(
            m.value.as_deref().unwrap_or_default(),
            sp.start,
            sp.end,
            max,
        )),
        Some(sp) => {
            let header = match sp.field {
                Field::HeaderName(i) | Field::HeaderValue(i) => m.headers.get(i),
                _ => None,
            };
            match (sp.field, header) {
                (Field::HeaderName(_), Some((k, _))) => {
                    let mut spans = vec![Span::styled("header ", theme::dim())];
                    spans.extend(around(k.as_bytes(), sp.start, sp.end, max));
                    Line::from(spans)
                }
                (Field::HeaderValue(_), Some((k, Some(v)))) => {
                    let mut spans = vec![Span::styled(
                        format!("header {}: ", sanitize(k)),
                        theme::dim(),
                    )];
                    spans.extend(around(v, sp.start, sp.end, max));
                    Line::from(spans)
                }
                _ => Line::from(preview(m.value.as_deref(), max)),
            }
        }
        None => Line::from(preview(m.value.as_deref(), max)),
    }
}

fn key_cell(h: &SearchHit, max: usize) -> Line<'static> {
    match (h.span, h.message.key.as_deref()) {
        (Some(sp), Some(k)) if sp.field == Field::Key => {
            Line::from(around(k, sp.start, sp.end, max))
        }
        (_, k) => Line::from(preview(k, max)),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, s: &SearchView) {
    let q = &s.request.query;
    let mut flags = vec![format!("in {}", q.target.label())];
    if q.case_insensitive {
        flags.push("ignore case".into());
    }
    if q.invert {
        flags.push("inverted".into());
    }
    let title = Line::from(vec![
        Span::styled(
            format!(" Search {} ", sanitize(&s.request.topic)),
            theme::title(),
        ),
        Span::styled(format!("/{}/ ", sanitize(&q.pattern)), theme::key()),
        Span::styled(format!("({}) ", flags.join(", ")), theme::dim()),
    ]);
    let width = usize::from(area.width.saturating_sub(2));
    let progress = progress_lines(s, width);
    let [top, list] = Layout::vertical([
        Constraint::Length(progress.len() as u16 + 2),
        Constraint::Min(3),
    ])
    .areas(area);
    let mut block = Block::bordered().title(title);
    if let Some(e) = &s.error {
        block = block.title_bottom(Line::styled(
            format!(" ✖ read error, skipped: {} ", sanitize(&e.message)),
            theme::bad(),
        ));
    }
    frame.render_widget(Paragraph::new(progress).block(block), top);

    let order = if s.newest_first {
        "newest first"
    } else {
        "oldest first"
    };
    let list_block = Block::bordered().title(Line::from(vec![
        Span::styled(" Matches ", theme::title()),
        Span::styled(
            format!("({order}; s: order · enter: open · m: show in the stream) "),
            theme::dim(),
        ),
    ]));
    let compact = area.width < 110;
    let utc = app.explorer.as_ref().is_some_and(|e| e.utc);
    let widths_wide = [
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Length(23),
        Constraint::Length(24),
        Constraint::Fill(1),
        Constraint::Length(9),
    ];
    let widths_compact = [
        Constraint::Length(3),
        Constraint::Length(8),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let header = if compact {
        Row::new(["P", "Offset", "Time", "Match"])
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
    let empty = if s.running() {
        "No matches yet…"
    } else {
        "No message matched."
    };
    WindowedTable {
        block: list_block,
        header,
        widths: if compact {
            &widths_compact
        } else {
            &widths_wide
        },
        len: s.hits.len(),
        cursor: &s.cursor,
        row: |i: usize| {
            let Some(h) = s.row(i) else {
                return Row::new([""]);
            };
            let m = &h.message;
            let ts = timestamp(m.timestamp, utc);
            if compact {
                let cell = match h.span {
                    Some(sp) if sp.field == Field::Key => key_cell(h, 120),
                    _ => value_cell(h, 200),
                };
                Row::new([
                    Cell::from(m.partition.to_string()),
                    Cell::from(m.offset.to_string()),
                    Cell::from(ts.get(11..23).unwrap_or(&ts).to_string()),
                    Cell::from(cell),
                ])
            } else {
                Row::new([
                    Cell::from(m.partition.to_string()),
                    right(m.offset.to_string()),
                    Cell::from(ts),
                    Cell::from(key_cell(h, 60)),
                    Cell::from(value_cell(h, 300)),
                    right(size(h.value_size)),
                ])
            }
        },
        empty: empty.into(),
        spacing: 1,
    }
    .draw(frame, list);
}
