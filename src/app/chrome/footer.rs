//! The two bottom lines: the prompt line (an overlay's line, else the
//! status, else the list filter) and the key hints of whatever has the
//! focus, with the keys its mode's keymap gives them.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::action::{Action, Mode};
use crate::app::component::{Hint, StatusLevel};
use crate::app::shared::Shared;
use crate::ui::text::sanitize;
use crate::ui::theme;

/// The status line, or the list filter in force when there is no status.
pub fn draw_status(frame: &mut Frame, area: Rect, shared: &Shared, filter: Option<&str>) {
    let line = match &shared.status {
        Some(s) if s.level == StatusLevel::Error => {
            Line::styled(format!(" ✖ {}", sanitize(&s.text)), theme::bad())
        }
        Some(s) => Line::styled(format!(" {}", sanitize(&s.text)), theme::dim()),
        None => match filter.filter(|f| !f.is_empty()) {
            Some(f) => Line::from(vec![
                Span::styled(" filter ", theme::dim()),
                Span::raw(format!("/{}", sanitize(f))),
                Span::styled("  (esc clears)", theme::dim()),
            ]),
            None => Line::default(),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The hints, with the first key of each in `mode`. Help and quit come
/// last and stay: hints before them are dropped until the line fits.
pub fn draw_keys(frame: &mut Frame, area: Rect, shared: &Shared, mode: Mode, hints: &[Hint]) {
    let mut items: Vec<(String, &str)> = hints
        .iter()
        .filter_map(|h| {
            let key = shared.keymap.keys(mode, h.action).first()?;
            Some((key.to_string(), h.word))
        })
        .collect();
    let width = |items: &[(String, &str)]| -> usize {
        items
            .iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
            .sum::<usize>()
            + 1
    };
    let keep = hints
        .iter()
        .rev()
        .take_while(|h| matches!(h.action, Action::Help | Action::Quit))
        .count()
        .max(1);
    while width(&items) > usize::from(area.width) && items.len() > keep {
        items.remove(items.len() - keep - 1);
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, word) in items {
        spans.push(Span::styled(key, theme::key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
