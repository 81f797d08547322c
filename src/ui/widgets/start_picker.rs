//! The start-position picker shown above the prompt: the forms kcat's -o
//! users know.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::ui::text::sanitize;
use crate::ui::theme;

const CHOICES: [(&str, &str); 7] = [
    ("-100", "the last 100 messages of each partition (default)"),
    ("beginning", "from the first message"),
    ("end", "only new messages (tail)"),
    ("1234", "from offset 1234 in each partition"),
    ("-15m  -2h  -1d", "from that long ago"),
    ("2026-11-27T09:00:00Z", "from a time (RFC 3339)"),
    ("", "then Enter; Esc cancels"),
];

pub fn draw(frame: &mut Frame, area: Rect, topic: &str, partitions: Option<&[i32]>) {
    let height = CHOICES.len() as u16 + 2;
    let [_, bottom] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height.min(area.height)),
    ])
    .areas(area);
    let [popup, _] =
        Layout::horizontal([Constraint::Length(area.width.min(76)), Constraint::Fill(1)])
            .areas(bottom);
    frame.render_widget(Clear, popup);
    let scope = match partitions {
        Some(ps) => format!(
            "{} partition {}",
            sanitize(topic),
            ps.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
        None => sanitize(topic),
    };
    let lines: Vec<Line> = CHOICES
        .iter()
        .map(|(form, what)| {
            Line::from(vec![
                Span::styled(format!(" {form:<22}"), theme::key()),
                Span::raw(*what),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Line::styled(
            format!(" Read {scope} from… "),
            theme::title(),
        ))),
        popup,
    );
}
