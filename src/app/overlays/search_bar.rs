//! The search bar: one line per setting, the focused one marked, the
//! pattern's mistake shown under it as it is typed. Enter checks every
//! field and starts the search; nothing typed is lost on a mistake.

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Nav, Output, StartSearch};
use crate::app::input::edit_of;
use crate::app::search::{SearchField, SearchForm};
use crate::app::shared::Shared;
use crate::ui::text::{fit, sanitize};
use crate::ui::theme;

impl Component for SearchForm {
    fn mode(&self) -> Mode {
        Mode::Text
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        match input {
            Input::Action(Action::Submit) => {
                let session = shared.session();
                Some(match self.build(session, shared.now.timestamp_millis()) {
                    Ok((request, matcher)) => vec![
                        Output::Nav(Nav::Close),
                        Output::Nav(Nav::Search(Box::new(StartSearch {
                            form: self.clone(),
                            request,
                            matcher,
                        }))),
                    ],
                    Err((field, message)) => {
                        self.focus = field;
                        self.error = Some((field, message));
                        vec![]
                    }
                })
            }
            // What was typed stays for the next `/`.
            Input::Action(Action::Cancel) => Some(vec![
                Output::Nav(Nav::Close),
                Output::Nav(Nav::KeepSearchForm(Box::new(self.clone()))),
            ]),
            _ => {
                self.edit(edit_of(input)?);
                Some(vec![])
            }
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        draw(frame, area, self);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![
            hint(Action::Submit, "search"),
            hint(Action::NextField, "next field"),
            hint(Action::PrevField, "previous"),
            hint(Action::Cancel, "cancel"),
        ]
    }
}

impl SearchForm {
    /// The prompt line under the bar.
    pub fn draw_line(&self, frame: &mut Frame, area: Rect) {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("search ", theme::key()),
                Span::raw(format!("/{}/", sanitize(&self.pattern.text))),
                Span::styled("   space or ←/→ change a choice", theme::dim()),
            ])),
            area,
        );
    }
}

fn field_hint(field: SearchField) -> &'static str {
    match field {
        SearchField::Pattern => "regex over bytes; (?-u)\\xff matches a raw byte",
        SearchField::In => "space/←/→: all, key, value, header names, header values",
        SearchField::IgnoreCase | SearchField::Invert | SearchField::Decoded => "space toggles",
        SearchField::Partitions => "all, 0,2,5 or 0-3",
        SearchField::From => "beginning, N (offset), -N, -15m, RFC 3339",
        SearchField::To => "end (as it is now), N (offset, included), -5m, RFC 3339",
        SearchField::MaxScanned | SearchField::MaxMatches => "500, 10k, 2m; empty: no limit",
        SearchField::Order => "space toggles",
    }
}

fn value(form: &SearchForm, field: SearchField) -> String {
    let flag = |b: bool| if b { "[x]" } else { "[ ]" }.to_string();
    match field {
        SearchField::In => form.target.label().into(),
        SearchField::IgnoreCase => flag(form.ignore_case),
        SearchField::Invert => format!("{} show messages that do not match", flag(form.invert)),
        SearchField::Decoded => format!(
            "{} match the JSON a schema registry decodes (off: the raw bytes)",
            flag(form.decoded)
        ),
        SearchField::Order => if form.newest_first {
            "newest first"
        } else {
            "oldest first"
        }
        .into(),
        f => form.line(f).map(|l| l.text.clone()).unwrap_or_default(),
    }
}

fn draw(frame: &mut Frame, area: Rect, form: &SearchForm) {
    let mut lines: Vec<Line> = vec![];
    let mut cursor: Option<(u16, u16)> = None;
    const LABEL: usize = 14;
    for field in SearchField::ALL {
        let focused = field == form.focus;
        let marker = if focused { "▶ " } else { "  " };
        let label_style = if focused { theme::key() } else { theme::dim() };
        let mut spans = vec![
            Span::styled(marker, theme::key()),
            Span::styled(format!("{:<w$}", field.label(), w = LABEL - 2), label_style),
            Span::raw(sanitize(&value(form, field))),
        ];
        if focused {
            spans.push(Span::styled(
                format!("   {}", field_hint(field)),
                theme::dim(),
            ));
            if let Some(l) = form.line(field) {
                cursor = Some((lines.len() as u16, (LABEL + l.cursor) as u16));
            }
        }
        lines.push(Line::from(spans));
        let error = match (field, &form.pattern_error, &form.error) {
            (SearchField::Pattern, Some(e), _) => Some(format!("✖ invalid regex, {e}")),
            (f, _, Some((ef, e))) if *ef == f => Some(format!("✖ {e}")),
            _ => None,
        };
        if let Some(e) = error {
            lines.push(Line::styled(
                format!("{:w$}{}", "", sanitize(&e), w = LABEL),
                theme::bad(),
            ));
        }
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    let [_, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(area);
    let [popup, _] =
        Layout::horizontal([Constraint::Length(area.width.min(96)), Constraint::Fill(1)])
            .areas(bottom);
    frame.render_widget(Clear, popup);
    let title = Line::from(vec![
        Span::styled(
            format!(" Search {} ", fit(&form.topic, usize::from(area.width / 3))),
            theme::title(),
        ),
        Span::styled(
            "(tab: next field · enter: search · esc: cancel) ",
            theme::dim(),
        ),
    ]);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        popup,
    );
    if let Some((row, col)) = cursor {
        let x = (popup.x + 1 + col).min(popup.right().saturating_sub(2));
        let y = popup.y + 1 + row;
        if y < popup.bottom().saturating_sub(1) {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}
