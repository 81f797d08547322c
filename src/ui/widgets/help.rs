//! The help overlay, listing every action with its keys from the keymap.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row};
use ratatui::Frame;

use crate::app::{Action, Cursor};
use crate::config::Keymap;
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;

/// `read_only` greys the actions that write and says they are refused.
pub fn draw(frame: &mut Frame, area: Rect, cursor: &Cursor, keymap: &Keymap, read_only: bool) {
    let width = area.width.saturating_sub(4).min(72);
    let height = area
        .height
        .saturating_sub(2)
        .min(Action::ALL.len() as u16 + 3);
    let [_, mid, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width),
        Constraint::Fill(1),
    ])
    .areas(mid);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Line::styled(" Help: keys ", theme::title()))
        .title_bottom(Line::styled(
            " esc or ? closes · keys are set in config.toml [keys] ",
            theme::dim(),
        ));
    WindowedTable {
        block,
        header: Row::new(["Keys", "Action"]),
        widths: &[Constraint::Length(20), Constraint::Fill(1)],
        len: Action::ALL.len(),
        cursor,
        row: |i: usize| {
            let a = Action::ALL[i];
            if read_only && matches!(a, Action::Produce | Action::Replay) {
                return Row::new([
                    keymap.label(a),
                    format!("refused, read-only: {}", a.description()),
                ])
                .style(theme::dim());
            }
            Row::new([keymap.label(a), a.description().to_string()])
        },
        empty: "".into(),
        spacing: 2,
    }
    .draw(frame, popup);
}
