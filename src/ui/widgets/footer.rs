//! The prompt line (filter, command, status) and the key hints, both taken
//! from the keymap.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{Action, App, Prompt, Screen, StatusLevel};
use crate::config::Keymap;
use crate::ui::text::sanitize;
use crate::ui::theme;

pub fn draw_prompt(frame: &mut Frame, area: Rect, app: &App) {
    let line = match &app.prompt {
        Some(Prompt::Filter(input)) => {
            let mut spans = vec![
                Span::styled("/", theme::key()),
                Span::raw(input.text.clone()),
            ];
            if let Some(err) = app.list_filter().and_then(|f| f.error.as_ref()) {
                spans.push(Span::styled(
                    format!("   ✖ invalid regex: {err}"),
                    theme::bad(),
                ));
            }
            place_cursor(frame, area, 1 + input.cursor);
            Line::from(spans)
        }
        Some(Prompt::Start {
            line: input, error, ..
        }) => {
            let label = "start at: ";
            place_cursor(frame, area, label.len() + input.cursor);
            let mut spans = vec![
                Span::styled(label, theme::key()),
                Span::raw(input.text.clone()),
            ];
            if let Some(e) = error {
                spans.push(Span::styled(format!("   ✖ {e}"), theme::bad()));
            }
            Line::from(spans)
        }
        Some(Prompt::Search(form)) => Line::from(vec![
            Span::styled("search ", theme::key()),
            Span::raw(format!("/{}/", sanitize(&form.pattern.text))),
            Span::styled(
                "   tab/↓ next field · shift-tab/↑ previous · space changes a choice",
                theme::dim(),
            ),
        ]),
        Some(Prompt::Confirm(c)) => match c.op.typed_name() {
            Some(name) => {
                let label = format!("type {name} to confirm: ");
                place_cursor(frame, area, label.chars().count() + c.input.cursor);
                Line::from(vec![
                    Span::styled(label, theme::bad()),
                    Span::raw(sanitize(&c.input.text)),
                ])
            }
            None => Line::styled("send it? y / enter: yes   n / esc: no", theme::key()),
        },
        Some(Prompt::Command(input)) => {
            place_cursor(frame, area, 1 + input.cursor);
            Line::from(vec![
                Span::styled(":", theme::key()),
                Span::raw(input.text.clone()),
            ])
        }
        None => match &app.status {
            Some((StatusLevel::Error, msg)) => {
                Line::styled(format!(" ✖ {}", sanitize(msg)), theme::bad())
            }
            Some((StatusLevel::Info, msg)) => {
                Line::styled(format!(" {}", sanitize(msg)), theme::dim())
            }
            None => match app.list_filter().filter(|f| !f.text.is_empty()) {
                Some(f) => Line::from(vec![
                    Span::styled(" filter ", theme::dim()),
                    Span::raw(format!("/{}", f.text)),
                    Span::styled("  (esc clears)", theme::dim()),
                ]),
                None => Line::default(),
            },
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn place_cursor(frame: &mut Frame, area: Rect, col: usize) {
    let x = area
        .x
        .saturating_add(u16::try_from(col).unwrap_or(u16::MAX))
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, area.y));
}

/// The actions worth a hint on the current screen.
fn hints(app: &App) -> &'static [Action] {
    if app.help.is_some() {
        return &[Action::Back, Action::Quit];
    }
    if app.prompt.is_some() {
        return &[];
    }
    match app.screen {
        Screen::Topics if app.detail.is_some() => &[
            Action::NextTab,
            Action::Messages,
            Action::Back,
            Action::Refresh,
            Action::NextScreen,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
        Screen::Messages if app.explorer.as_ref().is_some_and(|e| e.detail.is_some()) => &[
            Action::Back,
            Action::Hex,
            Action::Copy,
            Action::Help,
            Action::Quit,
        ],
        Screen::Messages => &[
            Action::Open,
            Action::Pause,
            Action::Follow,
            Action::PartitionFilter,
            Action::Messages,
            Action::Copy,
            Action::Mark,
            Action::Export,
            Action::Replay,
            Action::Back,
            Action::Help,
            Action::Quit,
        ],
        Screen::Produce => &[],
        Screen::Search => &[
            Action::Open,
            Action::Messages,
            Action::Filter,
            Action::SortNext,
            Action::Back,
            Action::NextScreen,
            Action::Help,
            Action::Quit,
        ],
        Screen::Topics => &[
            Action::Open,
            Action::Messages,
            Action::Filter,
            Action::SortNext,
            Action::ToggleInternal,
            Action::Refresh,
            Action::NextScreen,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
        Screen::Groups if app.group_detail.is_some() => &[
            Action::NextTab,
            Action::Back,
            Action::Refresh,
            Action::NextScreen,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
        Screen::Groups => &[
            Action::Open,
            Action::Filter,
            Action::SortNext,
            Action::Refresh,
            Action::NextScreen,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
        Screen::Brokers => &[
            Action::NextScreen,
            Action::Refresh,
            Action::Command,
            Action::Help,
            Action::Quit,
        ],
    }
}

pub fn draw_keys(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap) {
    if app.screen == Screen::Produce
        && app.produce.is_some()
        && app.prompt.is_none()
        && app.help.is_none()
    {
        // The form's keys are fixed: it takes text, not the keymap.
        frame.render_widget(
            Paragraph::new(Line::styled(
                crate::ui::screens::produce::KEYS,
                theme::key(),
            )),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    if app.prompt.is_some() {
        spans.push(Span::styled("enter", theme::key()));
        spans.push(Span::raw(" accept  "));
        spans.push(Span::styled("esc", theme::key()));
        spans.push(Span::raw(" cancel"));
    }
    let mut items: Vec<(String, &str)> = hints(app)
        .iter()
        .filter_map(|a| {
            let word = match a {
                Action::Filter if app.searches_here() => "search",
                Action::Back
                    if app.search.as_ref().is_some_and(|s| s.running())
                        && app.screen == Screen::Search =>
                {
                    "cancel"
                }
                Action::Messages if app.screen == Screen::Search => "in stream",
                a => a.short(),
            };
            Some((keymap.keys(*a).first()?.to_string(), word))
        })
        .collect();
    // Help and quit are last and always shown: drop hints before them
    // until the line fits.
    let width = |items: &[(String, &str)]| -> usize {
        items
            .iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
            .sum::<usize>()
            + 1
    };
    while width(&items) > usize::from(area.width) && items.len() > 2 {
        items.remove(items.len() - 3);
    }
    for (key, word) in items {
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
