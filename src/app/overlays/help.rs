//! The help overlay: every key of every mode, from the keymap in use, and
//! every `:` command with its arguments. Nothing here is written twice:
//! rebinding a key changes what help says.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Row};
use ratatui::Frame;

use crate::app::action::{Action, Mode};
use crate::app::commands::COMMANDS;
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::cursor::Cursor;
use crate::app::keymap::Keymap;
use crate::app::shared::Shared;
use crate::ui::text::sanitize;
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    pub cursor: Cursor,
}

/// One line of help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Section(String),
    Key {
        keys: String,
        what: String,
        writes: bool,
    },
}

/// Everything help lists, in order.
pub fn rows(keymap: &Keymap) -> Vec<HelpRow> {
    let mut rows = vec![];
    for mode in Mode::ALL {
        rows.push(HelpRow::Section(mode.title().into()));
        for a in mode.actions() {
            rows.push(HelpRow::Key {
                keys: keymap.label(mode, *a),
                what: a.description().into(),
                writes: a.writes(),
            });
        }
    }
    rows.push(HelpRow::Section(
        "Commands: type : then the name (tab completes)".into(),
    ));
    for c in COMMANDS {
        let what = if c.args.is_empty() {
            c.help.to_string()
        } else {
            format!("{} · {}", c.args, c.help)
        };
        rows.push(HelpRow::Key {
            keys: format!(":{}", c.name),
            what,
            writes: c.writes,
        });
    }
    rows
}

impl Component for Help {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return Some(vec![]);
        };
        match action {
            Action::Help | Action::Back => Some(vec![Output::Nav(Nav::Close)]),
            Action::Quit | Action::Redraw => None,
            other => {
                let n = rows(&shared.keymap).len();
                self.cursor.apply(*other, n, shared.page_size);
                Some(vec![])
            }
        }
    }

    fn draw(&self, frame: &mut Frame, _area: Rect, shared: &Shared) {
        let area = frame.area();
        let rows = rows(&shared.keymap);
        // As wide as the longest line needs, up to the terminal's width: a
        // command's arguments are not cut on a wide terminal.
        let longest = rows
            .iter()
            .map(|r| match r {
                HelpRow::Key { keys, what, .. } => {
                    keys.chars().count().min(24) + what.chars().count() + 2
                }
                HelpRow::Section(t) => t.chars().count() + 4,
            })
            .max()
            .unwrap_or(60) as u16;
        let width = area.width.saturating_sub(4).min(longest.max(60) + 4);
        let height = area.height.saturating_sub(2).min(rows.len() as u16 + 3);
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
            .title(Line::styled(" Help: keys and commands ", theme::title()))
            .title_bottom(Line::styled(
                " ↑/↓ scroll · esc or ? closes · keys are set in config.toml [keys] ",
                theme::dim(),
            ));
        let keys_width = rows
            .iter()
            .map(|r| match r {
                HelpRow::Key { keys, .. } => keys.chars().count(),
                HelpRow::Section(_) => 0,
            })
            .max()
            .unwrap_or(10)
            .min(24) as u16;
        let read_only = shared.read_only;
        WindowedTable {
            block,
            header: Row::new(["Keys", "Action"]),
            widths: &[Constraint::Length(keys_width), Constraint::Fill(1)],
            len: rows.len(),
            cursor: &self.cursor,
            row: |i: usize| match &rows[i] {
                HelpRow::Section(title) => {
                    Row::new(["──".to_string(), title.clone()]).style(theme::title())
                }
                HelpRow::Key { keys, what, writes } if read_only && *writes => {
                    Row::new([sanitize(keys), format!("refused, read-only: {what}")])
                        .style(theme::dim())
                }
                HelpRow::Key { keys, what, .. } => Row::new([sanitize(keys), what.clone()]),
            },
            empty: "".into(),
            spacing: 2,
        }
        .draw(frame, popup);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![hint(Action::Back, "close"), hint(Action::Quit, "quit")]
    }
}
