//! The confirmation dialog: exactly what will be sent, the reset preview
//! when there is one, and what must be typed.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::Confirm;
use crate::ui::text::{sanitize, thousands};
use crate::ui::theme;

pub fn draw(frame: &mut Frame, area: Rect, c: &Confirm) {
    let mut lines: Vec<Line> = vec![];
    match &c.plan {
        Some(plan) => {
            lines.push(Line::from(vec![
                Span::styled(" target ", theme::dim()),
                Span::raw(plan.target.label()),
                Span::styled("   group state ", theme::dim()),
                Span::styled(
                    sanitize(plan.state.name()),
                    if crate::protocol::admin::resettable(&plan.state).is_ok() {
                        theme::ok()
                    } else {
                        theme::bad()
                    },
                ),
            ]));
            lines.push(Line::styled(
                format!(
                    " {:<28} {:>5} {:>12} {:>12} {:>12} {:>12}",
                    "Topic", "Part", "Committed", "New", "Lag before", "Lag after"
                ),
                theme::header_row(),
            ));
            let show = usize::from(area.height.saturating_sub(10)).max(3);
            for r in plan.rows.iter().take(show) {
                let cur = r.current.map_or("-".to_string(), thousands);
                let before = r.lag_before().map_or("-".to_string(), thousands);
                lines.push(Line::raw(format!(
                    " {:<28} {:>5} {:>12} {:>12} {:>12} {:>12}",
                    sanitize(&r.topic),
                    r.partition,
                    cur,
                    thousands(r.new),
                    before,
                    thousands(r.lag_after())
                )));
            }
            if plan.rows.len() > show {
                lines.push(Line::styled(
                    format!(" … and {} more partitions", plan.rows.len() - show),
                    theme::dim(),
                ));
            }
        }
        None => {
            for l in c.op.lines() {
                lines.push(Line::raw(format!(" {}", sanitize(&l))));
            }
        }
    }
    if let Some(n) = &c.note {
        lines.push(Line::styled(format!(" ⚠ {}", sanitize(n)), theme::warn()));
    }
    lines.push(Line::raw(""));
    match c.op.typed_name() {
        Some(name) => lines.push(Line::styled(
            format!(
                " This cannot be undone. Type {} below, then Enter; Esc cancels.",
                sanitize(name)
            ),
            theme::warn(),
        )),
        None => lines.push(Line::styled(
            " y or Enter sends it; n or Esc cancels.",
            theme::dim(),
        )),
    }
    if let Some(e) = &c.error {
        lines.push(Line::styled(format!(" ✖ {}", sanitize(e)), theme::bad()));
    }
    // Long lines wrap: count the rows they take.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let height = (rows as u16 + 2).min(area.height);
    let [_, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(area);
    frame.render_widget(Clear, bottom);
    let style = if c.op.typed_name().is_some() {
        theme::bad()
    } else {
        theme::title()
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered().border_style(style).title(Line::styled(
                format!(" {} ", sanitize(&c.op.title())),
                style,
            )),
        ),
        bottom,
    );
}
