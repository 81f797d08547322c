//! One consumer group: lag per partition with rate and time to catch up,
//! its members and their assignments, and a chart of its lag.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Cell, Chart, Dataset, GraphType, Paragraph, Row, Tabs};
use ratatui::Frame;

use super::cycle;
use crate::app::action::{Action, Mode};
use crate::app::chrome::status;
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::cursor::Cursor;
use crate::app::lag::{eta, Eta, Rates};
use crate::app::shared::Shared;
use crate::model::ConsumerGroup;
use crate::ui::text::{duration, fit, rate, sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupTab {
    Partitions,
    Members,
    Chart,
}

impl GroupTab {
    pub const ALL: [GroupTab; 3] = [GroupTab::Partitions, GroupTab::Members, GroupTab::Chart];

    pub fn title(self) -> &'static str {
        match self {
            GroupTab::Partitions => "Partitions",
            GroupTab::Members => "Members",
            GroupTab::Chart => "Lag chart",
        }
    }
}

/// One group, opened with Enter on the group list.
#[derive(Debug, Clone)]
pub struct GroupDetail {
    pub group: String,
    pub tab: GroupTab,
    pub partitions: Cursor,
    pub members: Cursor,
}

impl GroupDetail {
    pub fn new(group: &str) -> GroupDetail {
        GroupDetail {
            group: group.into(),
            tab: GroupTab::Partitions,
            partitions: Cursor::default(),
            members: Cursor::default(),
        }
    }
}

impl Component for GroupDetail {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let (parts, members) = shared
            .group(&self.group)
            .map(|g| (g.partitions.len(), g.members.len()))
            .unwrap_or((0, 0));
        let page = shared.page_size;
        Some(match action {
            Action::Back => vec![Output::Nav(Nav::Back { to: None })],
            Action::NextTab | Action::PrevTab => {
                self.tab = cycle(&GroupTab::ALL, self.tab, *action == Action::NextTab);
                vec![]
            }
            other => {
                let moved = match self.tab {
                    GroupTab::Partitions => self.partitions.apply(*other, parts, page),
                    GroupTab::Members => self.members.apply(*other, members, page),
                    GroupTab::Chart => false,
                };
                if !moved {
                    return None;
                }
                vec![]
            }
        })
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        draw(frame, area, shared, self);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![
            hint(Action::NextTab, "next tab"),
            hint(Action::Back, "back"),
            hint(Action::Refresh, "refresh"),
            hint(Action::NextScreen, "screen"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Shared, detail: &GroupDetail) {
    let [tabs_area, summary_area, body] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
    ])
    .areas(area);
    let selected = GroupTab::ALL
        .iter()
        .position(|t| *t == detail.tab)
        .unwrap_or(0);
    let name = fit(&detail.group, usize::from(area.width / 2));
    let [name_area, tabs_rest] = Layout::horizontal([
        Constraint::Length(name.width() as u16 + 4),
        Constraint::Fill(1),
    ])
    .areas(tabs_area);
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {name} "), theme::title())),
        name_area,
    );
    frame.render_widget(
        Tabs::new(GroupTab::ALL.iter().map(|t| t.title()))
            .select(selected)
            .style(theme::dim())
            .highlight_style(theme::key())
            .divider("│"),
        tabs_rest,
    );
    let Some(group) = app.group(&detail.group) else {
        let msg = if app.groups.is_some() {
            "This group is not reported any more (deleted, or expired). Esc goes back."
        } else {
            "Waiting for the first consumer-group refresh…"
        };
        frame.render_widget(Paragraph::new(msg).block(Block::bordered()), body);
        return;
    };
    let judged = app.lag.judged.get(&group.id);
    let group_status = judged.and_then(|j| j.status);
    let mut summary = vec![
        Span::raw(" state "),
        Span::styled(group.state.to_string(), theme::title()),
        Span::raw(format!(
            " · assignor {} · {} members · lag {} ",
            if group.assignor.is_empty() {
                "-"
            } else {
                &group.assignor
            },
            group.members.len(),
            group
                .total_lag()
                .map(thousands)
                .unwrap_or_else(|| "-".into()),
        )),
    ];
    // The total is then the others' sum: said next to it, as `creel lag`
    // says it.
    let unread = group.unread_partitions().count();
    if unread > 0 {
        summary.push(Span::styled(
            format!(
                "({unread} of {} partitions unread, lag counts the others) ",
                group.partitions.len()
            ),
            theme::warn(),
        ));
    }
    summary.push(Span::raw("· "));
    summary.push(status::group(judged));
    if let Some(s) = group_status {
        summary.push(Span::styled(format!(" {}", s.meaning()), theme::dim()));
    }
    if let Some(e) = &group.error {
        summary.push(Span::styled(format!(" · {}", sanitize(e)), theme::warn()));
    }
    frame.render_widget(Paragraph::new(Line::from(summary)), summary_area);
    match detail.tab {
        GroupTab::Partitions => draw_partitions(frame, body, app, group, detail),
        GroupTab::Members => draw_members(frame, body, group, detail),
        GroupTab::Chart => draw_chart(frame, body, app, group),
    }
}

fn eta_text(e: Eta) -> Span<'static> {
    match e {
        Eta::CaughtUp => Span::styled("caught up", theme::dim()),
        Eta::Seconds(s) => Span::raw(duration(s)),
        Eta::FallingBehind => Span::styled("falling behind", theme::warn()),
        Eta::Unknown => Span::styled("-", theme::dim()),
    }
}

fn draw_partitions(
    frame: &mut Frame,
    area: Rect,
    app: &Shared,
    group: &ConsumerGroup,
    detail: &GroupDetail,
) {
    let judged = app.lag.judged.get(&group.id);
    let compact = area.width < 120;
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let header = if compact {
        Row::new([
            Cell::from("Topic"),
            Cell::from("P"),
            right("Committed".into()),
            right("End".into()),
            right("Lag".into()),
            right("In".into()),
            Cell::from("ETA"),
            Cell::from("Status"),
        ])
    } else {
        Row::new([
            Cell::from("Topic"),
            Cell::from("Part"),
            right("Committed".into()),
            right("Log end".into()),
            right("Lag".into()),
            right("Consume".into()),
            right("Produce".into()),
            Cell::from("Catch up"),
            Cell::from("Status"),
            Cell::from("Owner"),
        ])
    };
    let widths_compact = [
        Constraint::Fill(1),
        Constraint::Length(3),
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(14),
        Constraint::Length(6),
    ];
    let widths_wide = [
        Constraint::Fill(1),
        Constraint::Length(4),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(14),
        Constraint::Length(6),
        Constraint::Fill(1),
    ];
    let title = Line::from(vec![
        Span::styled(" Partitions ", theme::title()),
        Span::raw(format!("({}) ", group.partitions.len())),
    ]);
    WindowedTable {
        block: Block::bordered().title(title),
        header,
        widths: if compact {
            &widths_compact
        } else {
            &widths_wide
        },
        len: group.partitions.len(),
        cursor: &detail.partitions,
        row: |i: usize| {
            let p = &group.partitions[i];
            let (st, rates) = judged
                .and_then(|j| j.partitions.get(&(p.topic.clone(), p.partition)))
                .copied()
                .unwrap_or((None, Rates::default()));
            let committed = p.committed.map(thousands).unwrap_or_else(|| "-".into());
            let end = p.log_end.map(thousands).unwrap_or_else(|| "?".into());
            let lag = p.lag().map(thousands).unwrap_or_else(|| "-".into());
            let eta_span = if p.error.is_some() {
                Span::styled("unread", theme::warn())
            } else if p.committed.is_none() {
                Span::styled("no offset", theme::dim())
            } else {
                eta_text(eta(p.lag(), rates))
            };
            let style = if p.committed.is_none() {
                theme::dim()
            } else {
                Style::new()
            };
            let row = if compact {
                Row::new([
                    Cell::from(sanitize(&p.topic)),
                    Cell::from(p.partition.to_string()),
                    right(committed),
                    right(end),
                    right(lag),
                    right(rate(rates.consume)),
                    Cell::from(eta_span),
                    Cell::from(status::span(st)),
                ])
            } else {
                Row::new([
                    Cell::from(sanitize(&p.topic)),
                    Cell::from(p.partition.to_string()),
                    right(committed),
                    right(end),
                    right(lag),
                    right(rate(rates.consume)),
                    right(rate(rates.produce)),
                    Cell::from(eta_span),
                    Cell::from(status::span(st)),
                    Cell::from(
                        p.owner
                            .as_deref()
                            .map(sanitize)
                            .unwrap_or_else(|| "-".into()),
                    ),
                ])
            };
            row.style(style)
        },
        empty: "This group has no committed offsets and no assigned partitions.".into(),
        spacing: 1,
    }
    .draw(frame, area);
}

fn assignment_text(a: &[(String, i32)]) -> String {
    let mut by_topic: std::collections::BTreeMap<&str, Vec<i32>> = Default::default();
    for (t, p) in a {
        by_topic.entry(t.as_str()).or_default().push(*p);
    }
    by_topic
        .into_iter()
        .map(|(t, mut ps)| {
            ps.sort_unstable();
            let ps: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
            format!("{}[{}]", sanitize(t), ps.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn draw_members(frame: &mut Frame, area: Rect, group: &ConsumerGroup, detail: &GroupDetail) {
    let empty = if group.state == crate::model::GroupState::Unknown {
        "Members unknown: this cluster did not describe the group."
    } else {
        "No members: nobody is consuming with this group now."
    };
    WindowedTable {
        block: Block::bordered().title(Line::from(vec![
            Span::styled(" Members ", theme::title()),
            Span::raw(format!("({}) ", group.members.len())),
        ])),
        header: Row::new(["Client id", "Host", "Assigned", "Member id"]),
        // Member ids are long and rarely needed: only on wide terminals.
        widths: if area.width >= 110 {
            &[
                Constraint::Fill(1),
                Constraint::Length(16),
                Constraint::Fill(2),
                Constraint::Fill(1),
            ]
        } else {
            &[
                Constraint::Fill(1),
                Constraint::Length(16),
                Constraint::Fill(1),
                Constraint::Length(0),
            ]
        },
        len: group.members.len(),
        cursor: &detail.members,
        row: |i: usize| {
            let m = &group.members[i];
            Row::new([
                sanitize(&m.client_id),
                sanitize(&m.host),
                assignment_text(&m.assignment),
                sanitize(&m.member_id),
            ])
        },
        empty: empty.into(),
        spacing: 2,
    }
    .draw(frame, area);
}

fn draw_chart(frame: &mut Frame, area: Rect, app: &Shared, group: &ConsumerGroup) {
    let history = app.lag.judged.get(&group.id).map(|j| &j.history);
    let block = Block::bordered().title(Line::styled(
        " Total lag over this session ",
        theme::title(),
    ));
    let Some(history) = history.filter(|h| h.len() >= 2) else {
        frame.render_widget(
            Paragraph::new("The chart appears after two refreshes with a lag figure.")
                .style(theme::dim())
                .block(block),
            area,
        );
        return;
    };
    let t0 = history.front().map(|(t, _)| *t).unwrap_or(0);
    let points: Vec<(f64, f64)> = history
        .iter()
        .map(|(t, v)| ((t - t0) as f64 / 1000.0, *v as f64))
        .collect();
    let x_max = points.last().map(|p| p.0).unwrap_or(1.0).max(1.0);
    let y_max = points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.1;
    let at = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .map(|d| {
                d.with_timezone(&chrono::Local)
                    .format("%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let t_end = history.back().map(|(t, _)| *t).unwrap_or(t0);
    let dataset = Dataset::default()
        .name(format!("lag ({} samples)", points.len()))
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(theme::key())
        .data(&points);
    let chart = Chart::new(vec![dataset])
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels([at(t0), at(t_end)])
                .style(theme::dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                .labels([
                    "0".to_string(),
                    thousands((y_max / 2.0) as i64),
                    thousands(y_max as i64),
                ])
                .style(theme::dim()),
        );
    frame.render_widget(chart, area);
}
