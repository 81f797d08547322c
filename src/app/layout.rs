//! One frame: the header, the screen shown (or its open detail), the
//! prompt line, the key hints of what has the focus, and the overlays on
//! top, oldest first.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::chrome::{footer, header};
use super::component::Component;
use super::screens::ScreenId;
use super::App;

/// Below this size the screens cannot be drawn legibly.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// Rows above and below the main table: header (2), table borders and
/// column header (3), prompt (1), footer (1).
const CHROME_ROWS: u16 = 7;

/// How many rows a page-up/down should move at this terminal height.
pub fn page_size(height: u16) -> usize {
    usize::from(height.saturating_sub(CHROME_ROWS).max(1))
}

impl App {
    pub fn draw(&self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            draw_too_small(frame, area);
            return;
        }
        let [head, body, prompt, keys] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        header::draw(frame, head, &self.shared);
        self.shown().draw(frame, body, &self.shared);
        let line_drawn = self
            .overlays
            .last()
            .is_some_and(|o| o.draw_line(frame, prompt));
        if !line_drawn {
            footer::draw_status(frame, prompt, &self.shared, self.list_filter());
        }
        let focused = self.focused();
        footer::draw_keys(
            frame,
            keys,
            &self.shared,
            focused.mode(),
            &focused.hints(&self.shared),
        );
        for o in &self.overlays {
            o.draw(frame, body, &self.shared);
        }
    }

    /// The filter of the list shown, when it is a filtered list.
    fn list_filter(&self) -> Option<&str> {
        let s = &self.screens;
        match self.screen {
            ScreenId::Topics if s.topics.detail.is_none() => Some(&s.topics.view.filter.text),
            ScreenId::Groups if s.groups.detail.is_none() => Some(&s.groups.view.filter.text),
            _ => None,
        }
    }
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let msg = format!(
        "Terminal too small: {}x{}.\ncreel needs at least {}x{}.\nEnlarge the window, or press q to quit.",
        area.width, area.height, MIN_WIDTH, MIN_HEIGHT
    );
    frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
}
