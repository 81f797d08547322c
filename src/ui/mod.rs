//! Drawing from `&App` only. Each screen has its module; widgets shared by
//! screens live in `widgets/`.

pub mod bytes;
mod screens;
pub mod svg;
pub mod text;
mod theme;
mod widgets;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Screen};
use crate::config::Keymap;

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

pub fn draw(frame: &mut Frame, app: &App, keymap: &Keymap) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, area);
        return;
    }
    let [header, body, prompt, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    widgets::header::draw(frame, header, app);
    match app.screen {
        Screen::Topics => match &app.detail {
            Some(detail) => screens::topic_detail::draw(frame, body, app, detail),
            None => screens::topics::draw(frame, body, app),
        },
        Screen::Messages => match app.explorer.as_ref() {
            Some(ex) if ex.detail.is_some() => screens::message_detail::draw(frame, body, app, ex),
            Some(ex) => screens::messages::draw(frame, body, app, ex),
            None => screens::messages::draw_empty(frame, body),
        },
        Screen::Search => match &app.search {
            Some(s) => screens::search::draw(frame, body, app, s),
            None => screens::search::draw_empty(frame, body),
        },
        Screen::Produce => match &app.produce {
            Some(v) => screens::produce::draw(frame, body, app, v),
            None => screens::produce::draw_empty(frame, body),
        },
        Screen::Groups => match &app.group_detail {
            Some(detail) => screens::group_detail::draw(frame, body, app, detail),
            None => screens::groups::draw(frame, body, app),
        },
        Screen::Brokers => screens::brokers::draw(frame, body, app),
    }
    widgets::footer::draw_prompt(frame, prompt, app);
    widgets::footer::draw_keys(frame, footer, app, keymap);
    if let Some(crate::app::Prompt::Start {
        topic, partitions, ..
    }) = &app.prompt
    {
        widgets::start_picker::draw(frame, body, topic, partitions.as_deref());
    }
    if let Some(crate::app::Prompt::Confirm(c)) = &app.prompt {
        widgets::confirm::draw(frame, body, c);
    }
    if let Some(crate::app::Prompt::Search(form)) = &app.prompt {
        widgets::search_bar::draw(frame, body, form);
    }
    if let Some(cursor) = &app.help {
        widgets::help::draw(frame, area, cursor, keymap, app.read_only);
    }
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    let msg = format!(
        "Terminal too small: {}x{}.\ncreel needs at least {}x{}.\nEnlarge the window, or press q to quit.",
        area.width, area.height, MIN_WIDTH, MIN_HEIGHT
    );
    frame.render_widget(
        Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}
