//! Consumer groups: state, members, lag, its trend and a status.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row};
use ratatui::Frame;

use crate::app::App;
use crate::ui::text::{age, sanitize, sparkline, thousands};
use crate::ui::theme;
use crate::ui::widgets::status;
use crate::ui::widgets::table::WindowedTable;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let groups = app.group_list();
    let view = &app.groups_view;
    let arrow = if view.reverse { "↑" } else { "↓" };
    let mut title = vec![
        Span::styled(" Consumer groups ", theme::title()),
        Span::raw(format!("({} of {}) ", view.visible.len(), groups.len())),
    ];
    if let Some(snap) = &app.groups {
        title.push(Span::styled(
            format!("· refreshed {} ago ", age(snap.taken_at, app.now)),
            theme::dim(),
        ));
    }
    let mut block = Block::bordered().title(Line::from(title)).title(
        Line::styled(
            format!(" sort: {} {arrow} ", view.sort.label()),
            theme::dim(),
        )
        .right_aligned(),
    );
    let note = match (
        &app.groups_error,
        app.groups.as_ref().and_then(|s| s.list_error.as_ref()),
    ) {
        (Some((err, at)), _) => Some(Line::styled(
            format!(
                " ✖ refresh failed, retrying in {}: {} ",
                age(app.now, *at),
                sanitize(&err.to_string())
            ),
            theme::bad(),
        )),
        (None, Some(list)) => Some(Line::styled(format!(" {} ", sanitize(list)), theme::warn())),
        _ => None,
    };
    if let Some(note) = note {
        block = block.title_bottom(note);
    }
    let compact = area.width < 110;
    let empty = if app.groups.is_none() {
        "Waiting for the first consumer-group refresh…".to_string()
    } else if !view.filter.text.is_empty() {
        format!("No group matches /{}/.", view.filter.text)
    } else {
        "No consumer groups. Groups that cannot be listed can be watched: groups = [...] in the profile.".into()
    };
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let widths_wide = [
        Constraint::Fill(2),
        Constraint::Length(19),
        Constraint::Length(12),
        Constraint::Length(7),
        Constraint::Fill(1),
        Constraint::Length(12),
        Constraint::Length(16),
        Constraint::Length(6),
    ];
    let widths_compact = [
        Constraint::Fill(1),
        Constraint::Length(11),
        Constraint::Length(3),
        Constraint::Length(10),
        Constraint::Length(12),
        Constraint::Length(6),
    ];
    let header = if compact {
        Row::new([
            Cell::from("Group"),
            Cell::from("State"),
            Cell::from("Mbr"),
            right("Lag".into()),
            Cell::from("Trend"),
            Cell::from("Status"),
        ])
    } else {
        Row::new([
            Cell::from("Group"),
            Cell::from("State"),
            Cell::from("Assignor"),
            right("Members".into()),
            Cell::from("Topics"),
            right("Lag".into()),
            Cell::from("Trend"),
            Cell::from("Status"),
        ])
    };
    WindowedTable {
        block,
        header,
        widths: if compact {
            &widths_compact
        } else {
            &widths_wide
        },
        len: view.visible.len(),
        cursor: &view.cursor,
        row: |i: usize| {
            let g = &groups[view.visible[i]];
            let judged = app.lag.judged.get(&g.id);
            let lag = g.total_lag().map(thousands).unwrap_or_else(|| "-".into());
            let trend = judged
                .map(|j| sparkline(j.history.iter().map(|(_, v)| *v), 12))
                .unwrap_or_default();
            let st = status::span(judged.and_then(|j| j.status));
            let state = if g.error.is_some() && g.state == crate::model::GroupState::Unknown {
                Span::styled("Unknown", theme::dim())
            } else {
                Span::raw(g.state.to_string())
            };
            if compact {
                Row::new([
                    Cell::from(sanitize(&g.id)),
                    Cell::from(state),
                    right(g.members.len().to_string()),
                    right(lag),
                    Cell::from(trend),
                    Cell::from(st),
                ])
            } else {
                Row::new([
                    Cell::from(sanitize(&g.id)),
                    Cell::from(state),
                    Cell::from(sanitize(&g.assignor)),
                    right(g.members.len().to_string()),
                    Cell::from(sanitize(&g.topics().join(","))),
                    right(lag),
                    Cell::from(trend),
                    Cell::from(st),
                ])
            }
        },
        empty: empty.into(),
        spacing: if compact { 1 } else { 2 },
    }
    .draw(frame, area);
}
