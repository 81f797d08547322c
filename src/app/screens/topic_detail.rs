//! One topic: its partitions, the groups consuming it, its configuration.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Tabs};
use ratatui::Frame;

use super::{cycle, Loadable};
use crate::app::action::{Action, Mode};
use crate::app::chrome::status;
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::cursor::Cursor;
use crate::app::overlays::Overlay;
use crate::app::shared::Shared;
use crate::model::{ConfigEntry, Topic};
use crate::protocol::Event;
use crate::ui::text::{fit, sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;
use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    Partitions,
    Consumers,
    Configs,
}

impl DetailTab {
    pub const ALL: [DetailTab; 3] = [
        DetailTab::Partitions,
        DetailTab::Consumers,
        DetailTab::Configs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Partitions => "Partitions",
            DetailTab::Consumers => "Consumers",
            DetailTab::Configs => "Configs",
        }
    }
}

/// The topic detail opened with Enter on the topic list.
#[derive(Debug, Clone)]
pub struct TopicDetail {
    pub topic: String,
    pub tab: DetailTab,
    pub partitions: Cursor,
    pub configs: Loadable<Vec<ConfigEntry>>,
    pub configs_cursor: Cursor,
    pub consumers: Cursor,
}

impl TopicDetail {
    pub fn new(topic: &str) -> TopicDetail {
        TopicDetail {
            topic: topic.into(),
            tab: DetailTab::Partitions,
            partitions: Cursor::default(),
            configs: Loadable::Loading,
            configs_cursor: Cursor::default(),
            consumers: Cursor::default(),
        }
    }

    /// The partition under the cursor, on the partitions tab.
    fn partition(&self, shared: &Shared) -> Option<i32> {
        (self.tab == DetailTab::Partitions)
            .then(|| {
                shared
                    .topic(&self.topic)?
                    .partitions
                    .get(self.partitions.selected)
                    .map(|p| p.id)
            })
            .flatten()
    }
}

impl Component for TopicDetail {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let page = shared.page_size;
        let out = match action {
            Action::Back => vec![Output::Nav(Nav::Back { to: None })],
            Action::NextTab | Action::PrevTab => {
                self.tab = cycle(&DetailTab::ALL, self.tab, *action == Action::NextTab);
                vec![]
            }
            Action::Filter => vec![Output::Nav(Nav::SearchBar { pattern: None })],
            Action::Messages => {
                let partitions = self.partition(shared).map(|p| vec![p]);
                vec![Output::Nav(Nav::Open(Box::new(Overlay::start_picker(
                    &self.topic,
                    partitions,
                ))))]
            }
            Action::Produce => vec![Output::Nav(Nav::Produce {
                topic: Some(self.topic.clone()),
                replay: None,
            })],
            Action::Open if self.tab == DetailTab::Consumers => {
                let consumers = shared.consumers_of(&self.topic);
                match consumers.get(self.consumers.selected) {
                    Some((g, _)) => vec![Output::Nav(Nav::Group(g.id.clone()))],
                    None => vec![],
                }
            }
            other => {
                let moved = match self.tab {
                    DetailTab::Partitions => {
                        let n = shared.topic(&self.topic).map_or(0, |t| t.partitions.len());
                        self.partitions.apply(*other, n, page)
                    }
                    DetailTab::Consumers => {
                        let n = shared.consumers_of(&self.topic).len();
                        self.consumers.apply(*other, n, page)
                    }
                    DetailTab::Configs => {
                        let n = match &self.configs {
                            Loadable::Loaded(v) => v.len(),
                            _ => 0,
                        };
                        self.configs_cursor.apply(*other, n, page)
                    }
                };
                if !moved {
                    return None;
                }
                vec![]
            }
        };
        Some(out)
    }

    fn apply(&mut self, event: &Event, _shared: &mut Shared) -> Vec<Output> {
        if let Event::TopicConfigs { topic, result } = event {
            if *topic == self.topic {
                self.configs = match result {
                    Ok(v) => Loadable::Loaded(v.clone()),
                    Err(e) => Loadable::Failed(e.clone()),
                };
                self.configs_cursor = Cursor::default();
            }
        }
        vec![]
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        draw(frame, area, shared, self);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        let mut v = vec![hint(Action::NextTab, "next tab")];
        v.extend([
            hint(Action::Messages, "messages"),
            hint(Action::Back, "back"),
            hint(Action::Refresh, "refresh"),
            hint(Action::NextScreen, "screen"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]);
        v
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Shared, detail: &TopicDetail) {
    let [tabs_area, body] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(2)]).areas(area);
    let selected = DetailTab::ALL
        .iter()
        .position(|t| *t == detail.tab)
        .unwrap_or(0);
    let tabs = Tabs::new(DetailTab::ALL.iter().map(|t| t.title()))
        .select(selected)
        .style(theme::dim())
        .highlight_style(theme::key())
        .divider("│");
    let name = fit(&detail.topic, usize::from(area.width / 2));
    let [name_area, tabs_rest] = Layout::horizontal([
        Constraint::Length(name.width() as u16 + 4),
        Constraint::Fill(1),
    ])
    .areas(tabs_area);
    frame.render_widget(
        Paragraph::new(Line::styled(format!(" {name} "), theme::title())),
        name_area,
    );
    frame.render_widget(tabs, tabs_rest);

    let Some(topic) = app.topic(&detail.topic) else {
        let msg = if app.snapshot.is_some() {
            "This topic is not in the cluster's metadata any more (deleted?). Esc goes back."
        } else {
            "Waiting for metadata…"
        };
        frame.render_widget(Paragraph::new(msg).block(Block::bordered()), body);
        return;
    };
    match detail.tab {
        DetailTab::Partitions => draw_partitions(frame, body, topic, detail),
        DetailTab::Consumers => draw_consumers(frame, body, app, detail),
        DetailTab::Configs => draw_configs(frame, body, detail),
    }
}

fn ids(v: &[i32]) -> String {
    v.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn draw_partitions(frame: &mut Frame, area: Rect, topic: &Topic, detail: &TopicDetail) {
    let total = topic
        .messages()
        .map(thousands)
        .unwrap_or_else(|| "…".into());
    let title = Line::from(vec![
        Span::styled(" Partitions ", theme::title()),
        Span::raw(format!(
            "({} · RF {} · {} messages) ",
            topic.partitions.len(),
            topic.replication_factor(),
            total
        )),
    ]);
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    // Below 100 columns the numbers get narrower columns and less air.
    let compact = area.width < 100;
    let (num, spacing) = if compact { (9, 1) } else { (12, 2) };
    let widths = [
        Constraint::Length(if compact { 4 } else { 9 }),
        Constraint::Length(6),
        Constraint::Min(8),
        Constraint::Min(8),
        Constraint::Length(num),
        Constraint::Length(num),
        Constraint::Length(num),
        // A broker's error (NotLeaderForPartition while a topic settles)
        // is longer than "under-replicated": it shares the spare width.
        Constraint::Min(16),
    ];
    WindowedTable {
        block: Block::bordered().title(title),
        header: Row::new([
            Cell::from(if compact { "Part" } else { "Partition" }),
            Cell::from("Leader"),
            Cell::from("Replicas"),
            Cell::from("ISR"),
            right("Low".into()),
            right("High".into()),
            right("Messages".into()),
            Cell::from("Status"),
        ]),
        widths: &widths,
        len: topic.partitions.len(),
        cursor: &detail.partitions,
        row: |i: usize| {
            let p = &topic.partitions[i];
            let (low, high, msgs) = match p.watermarks {
                Some(w) => (thousands(w.low), thousands(w.high), thousands(w.messages())),
                // Refused, not on its way.
                None if p.error.is_some() => ("?".into(), "?".into(), "?".into()),
                None => ("…".into(), "…".into(), "…".into()),
            };
            let (status, style) = if p.leader < 0 {
                ("offline".to_string(), theme::bad())
            } else if p.under_replicated() {
                ("under-replicated".to_string(), theme::warn())
            } else if let Some(e) = &p.error {
                (sanitize(e), theme::warn())
            } else {
                ("ok".to_string(), Style::new())
            };
            let leader = if p.leader < 0 {
                "none".to_string()
            } else {
                p.leader.to_string()
            };
            Row::new([
                Cell::from(p.id.to_string()),
                Cell::from(leader),
                Cell::from(ids(&p.replicas)),
                Cell::from(ids(&p.isr)),
                right(low),
                right(high),
                right(msgs),
                Cell::from(status),
            ])
            .style(if style == Style::new() {
                style
            } else {
                style.remove_modifier(ratatui::style::Modifier::BOLD)
            })
        },
        empty: "This topic has no partitions.".into(),
        spacing,
    }
    .draw(frame, area);
}

fn draw_configs(frame: &mut Frame, area: Rect, detail: &TopicDetail) {
    let block = Block::bordered().title(Line::styled(" Configs ", theme::title()));
    let entries = match &detail.configs {
        Loadable::Loading => {
            frame.render_widget(
                Paragraph::new("Loading configs (DescribeConfigs)…")
                    .style(theme::dim())
                    .block(block),
                area,
            );
            return;
        }
        Loadable::Failed(e) => {
            frame.render_widget(
                Paragraph::new(format!("DescribeConfigs failed: {}", sanitize(&e.message)))
                    .style(theme::bad())
                    .wrap(ratatui::widgets::Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        }
        Loadable::Loaded(entries) => entries,
    };
    let overridden = entries.iter().filter(|e| e.is_topic_override()).count();
    let block = Block::bordered().title(Line::from(vec![
        Span::styled(" Configs ", theme::title()),
        Span::raw(format!(
            "({} entries, {} overridden) ",
            entries.len(),
            overridden
        )),
    ]));
    WindowedTable {
        block,
        header: Row::new(["Name", "Value", "Source"]),
        widths: &[
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Length(16),
        ],
        len: entries.len(),
        cursor: &detail.configs_cursor,
        row: |i: usize| {
            let e = &entries[i];
            let value = if e.is_sensitive {
                "•••••• (sensitive)".to_string()
            } else {
                e.value
                    .as_deref()
                    .map(sanitize)
                    .unwrap_or_else(|| "(null)".into())
            };
            let source = if e.is_topic_override() {
                format!("{} *", e.source)
            } else {
                e.source.clone()
            };
            let style = if e.is_default {
                theme::dim()
            } else {
                Style::new()
            };
            Row::new([sanitize(&e.name), value, source]).style(style)
        },
        empty: "The broker returned no config entries for this topic.\n\
                (Some Kafka-compatible brokers do not implement DescribeConfigs.)"
            .into(),
        spacing: 2,
    }
    .draw(frame, area);
}

fn draw_consumers(frame: &mut Frame, area: Rect, app: &Shared, detail: &TopicDetail) {
    let consumers = app.consumers_of(&detail.topic);
    let empty = if app.groups.is_none() {
        "Waiting for the first consumer-group refresh…"
    } else {
        "No consumer group has committed offsets on this topic."
    };
    WindowedTable {
        block: Block::bordered().title(Line::from(vec![
            Span::styled(" Consumers ", theme::title()),
            Span::raw(format!("({} groups with offsets here) ", consumers.len())),
        ])),
        header: Row::new([
            Cell::from("Group"),
            Cell::from("State"),
            Cell::from(Line::from("Members").right_aligned()),
            Cell::from(Line::from("Lag here").right_aligned()),
            Cell::from("Status"),
        ]),
        widths: &[
            Constraint::Fill(1),
            Constraint::Length(19),
            Constraint::Length(7),
            Constraint::Length(12),
            Constraint::Length(6),
        ],
        len: consumers.len(),
        cursor: &detail.consumers,
        row: |i: usize| {
            let (g, lag) = consumers[i];
            let st = app.lag.judged.get(&g.id).and_then(|j| j.status);
            Row::new([
                Cell::from(sanitize(&g.id)),
                Cell::from(g.state.to_string()),
                Cell::from(Line::from(g.members.len().to_string()).right_aligned()),
                Cell::from(
                    Line::from(lag.map(thousands).unwrap_or_else(|| "-".into())).right_aligned(),
                ),
                Cell::from(status::span(st)),
            ])
        },
        empty: empty.into(),
        spacing: 2,
    }
    .draw(frame, area);
}
