//! The topic list, the start screen.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row};
use ratatui::Frame;

use crate::app::App;
use crate::ui::text::{sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let topics = app.topic_list();
    let view = &app.topics;
    let total = topics
        .iter()
        .filter(|t| view.show_internal || !t.internal)
        .count();
    let arrow = if view.reverse { "↓" } else { "↑" };
    let internal = if view.show_internal {
        "internal shown"
    } else {
        "internal hidden"
    };
    let title = Line::from(vec![
        Span::styled(" Topics ", theme::title()),
        Span::raw(format!("({} of {}) ", view.visible.len(), total)),
    ]);
    let subtitle = Line::styled(
        format!(" sort: {} {arrow} · {internal} ", view.sort.label()),
        theme::dim(),
    )
    .right_aligned();
    let block = Block::bordered().title(title).title(subtitle);
    let empty = if app.snapshot.is_none() {
        "Waiting for the cluster's metadata…".into()
    } else if !view.filter.text.is_empty() {
        format!("No topic matches /{}/.", view.filter.text).into()
    } else {
        "The cluster has no topics (press i to show internal ones).".into()
    };
    WindowedTable {
        block,
        header: Row::new([
            Cell::from("Name"),
            Cell::from(Line::from("Partitions").right_aligned()),
            Cell::from(Line::from("RF").right_aligned()),
            Cell::from(Line::from("Messages").right_aligned()),
            Cell::from("Health"),
        ]),
        widths: &[
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(3),
            Constraint::Length(14),
            Constraint::Length(18),
        ],
        len: view.visible.len(),
        cursor: &view.cursor,
        row: |i: usize| {
            let t = &topics[view.visible[i]];
            let messages = match t.messages() {
                Some(m) => thousands(m),
                None => "…".into(),
            };
            let urp = t.under_replicated();
            let no_leader = t.partitions.iter().filter(|p| p.leader < 0).count();
            let health = if let Some(e) = &t.error {
                Span::styled(format!("error {}", sanitize(e)), theme::bad())
            } else if no_leader > 0 {
                Span::styled(format!("{no_leader} offline"), theme::bad())
            } else if urp > 0 {
                Span::styled(format!("{urp} under-replicated"), theme::warn())
            } else {
                Span::styled("ok", theme::dim())
            };
            let name = if t.internal {
                Span::styled(sanitize(&t.name), theme::dim())
            } else {
                Span::raw(sanitize(&t.name))
            };
            Row::new([
                Cell::from(name),
                Cell::from(Line::from(t.partitions.len().to_string()).right_aligned()),
                Cell::from(Line::from(t.replication_factor().to_string()).right_aligned()),
                Cell::from(Line::from(messages).right_aligned()),
                Cell::from(health),
            ])
        },
        empty,
        spacing: 2,
    }
    .draw(frame, area);
}
