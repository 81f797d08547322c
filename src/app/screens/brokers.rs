//! The brokers: id, address, rack, controller, and the ones the metadata
//! no longer lists (down).

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Row};
use ratatui::Frame;

use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Output};
use crate::app::cursor::Cursor;
use crate::app::shared::Shared;
use crate::ui::text::sanitize;
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;

#[derive(Debug, Clone, Default)]
pub struct BrokersScreen {
    pub cursor: Cursor,
}

impl BrokersScreen {
    pub fn refreshed(&mut self, shared: &Shared) {
        let n = shared.snapshot.as_ref().map_or(0, |s| s.brokers.len());
        self.cursor.clamp(n);
    }
}

impl Component for BrokersScreen {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let n = shared.snapshot.as_ref().map_or(0, |s| s.brokers.len());
        self.cursor
            .apply(*action, n, shared.page_size)
            .then(Vec::new)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        draw(frame, area, shared, &self.cursor);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![
            hint(Action::NextScreen, "screen"),
            hint(Action::Refresh, "refresh"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Shared, cursor: &Cursor) {
    let brokers = app
        .snapshot
        .as_ref()
        .map(|s| s.brokers.as_slice())
        .unwrap_or(&[]);
    let mut block = Block::bordered().title(Line::from(vec![
        Span::styled(" Brokers ", theme::title()),
        Span::raw(format!("({}) ", brokers.len())),
    ]));
    if let Some(note) = app.snapshot.as_ref().and_then(|s| s.cluster_note.as_ref()) {
        block = block.title_bottom(Line::styled(format!(" {} ", sanitize(note)), theme::dim()));
    }
    let empty = if app.snapshot.is_none() {
        "Waiting for the cluster's metadata…"
    } else {
        "The cluster reported no brokers."
    };
    WindowedTable {
        block,
        header: Row::new(["ID", "Host:Port", "Rack", "Role"]),
        widths: &[
            Constraint::Length(6),
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(12),
        ],
        len: brokers.len(),
        cursor,
        row: |i: usize| {
            let b = &brokers[i];
            let role = if b.missing {
                Span::styled("✖ down", theme::bad())
            } else if b.is_controller {
                Span::styled("★ controller", theme::key())
            } else {
                Span::raw("")
            };
            let addr = if b.missing {
                Span::styled("not in the metadata (holds replicas)", theme::bad())
            } else {
                Span::raw(sanitize(&format!("{}:{}", b.host, b.port)))
            };
            Row::new(vec![
                ratatui::widgets::Cell::from(b.id.to_string()),
                ratatui::widgets::Cell::from(addr),
                ratatui::widgets::Cell::from(
                    b.rack
                        .as_deref()
                        .map(sanitize)
                        .unwrap_or_else(|| "-".into()),
                ),
                ratatui::widgets::Cell::from(role),
            ])
        },
        empty: empty.into(),
        spacing: 2,
    }
    .draw(frame, area);
}
