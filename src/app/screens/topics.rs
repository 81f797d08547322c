//! The topic list, the start screen: filter, sort, internal topics, and a
//! selection that follows the topic across refreshes.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row};
use ratatui::Frame;

use super::topic_detail::TopicDetail;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::overlays::Overlay;
use crate::app::shared::Shared;
use crate::app::topics::{sort_arrow, SortKey, TopicsView};
use crate::model::Topic;
use crate::ui::text::{fit, sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::{column_widths, WindowedTable};

#[derive(Debug, Clone, Default)]
pub struct TopicsScreen {
    pub view: TopicsView,
    /// The topic opened with Enter: it has the focus while open.
    pub detail: Option<TopicDetail>,
}

impl TopicsScreen {
    pub fn selected<'a>(&self, shared: &'a Shared) -> Option<&'a Topic> {
        let idx = *self.view.visible.get(self.view.cursor.selected)?;
        shared.topic_list().get(idx)
    }

    /// The topic an action on this screen is about: the open one, else the
    /// one under the cursor.
    pub fn current(&self, shared: &Shared) -> Option<String> {
        self.detail
            .as_ref()
            .map(|d| d.topic.clone())
            .or_else(|| self.selected(shared).map(|t| t.name.clone()))
    }

    /// Put the cursor on the topic `name`, if the list shows it.
    pub fn select(&mut self, shared: &Shared, name: &str) {
        let topics = shared.topic_list();
        if let Some(pos) = self
            .view
            .visible
            .iter()
            .position(|&i| topics[i].name == name)
        {
            self.view.cursor.selected = pos;
            self.view.remember(topics);
        }
    }

    /// The snapshot changed: rebuild the rows, keeping the cursor's topic.
    pub fn refreshed(&mut self, shared: &Shared) {
        self.view.rebuild(shared.topic_list());
    }

    pub fn set_filter(&mut self, shared: &Shared, text: &str) {
        self.view.filter.set(text);
        self.view.rebuild(shared.topic_list());
    }
}

impl Component for TopicsScreen {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let len = self.view.visible.len();
        if self.view.cursor.apply(*action, len, shared.page_size) {
            self.view.remember(shared.topic_list());
            return Some(vec![]);
        }
        let out = match action {
            Action::Open => {
                let Some(topic) = self.selected(shared).map(|t| t.name.clone()) else {
                    return Some(vec![]);
                };
                self.detail = Some(TopicDetail::new(&topic));
                vec![Output::Command(
                    crate::protocol::Command::DescribeTopicConfigs { topic },
                )]
            }
            Action::Back if !self.view.filter.text.is_empty() => {
                self.set_filter(shared, "");
                vec![]
            }
            Action::SortNext => {
                self.view.sort = self.view.sort.next();
                self.view.rebuild(shared.topic_list());
                vec![Output::info(format!(
                    "sorted by {}",
                    self.view.sort.label()
                ))]
            }
            Action::SortReverse => {
                self.view.reverse = !self.view.reverse;
                self.view.rebuild(shared.topic_list());
                vec![]
            }
            Action::ToggleInternal => {
                self.view.show_internal = !self.view.show_internal;
                self.view.rebuild(shared.topic_list());
                let shown = if self.view.show_internal {
                    "shown"
                } else {
                    "hidden"
                };
                vec![Output::info(format!("internal topics {shown}"))]
            }
            Action::Filter => vec![Output::Nav(Nav::Open(Box::new(Overlay::filter(
                &self.view.filter.text,
            ))))],
            Action::Messages => match self.selected(shared) {
                Some(t) => vec![Output::Nav(Nav::Open(Box::new(Overlay::start_picker(
                    &t.name, None,
                ))))],
                None => vec![],
            },
            Action::Produce => vec![Output::Nav(Nav::Produce {
                topic: self.selected(shared).map(|t| t.name.clone()),
                replay: None,
            })],
            _ => return None,
        };
        Some(out)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        draw(frame, area, shared, &self.view);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![
            hint(Action::Open, "open"),
            hint(Action::Messages, "messages"),
            hint(Action::Filter, "filter"),
            hint(Action::SortNext, "sort"),
            hint(Action::ToggleInternal, "internal"),
            hint(Action::Refresh, "refresh"),
            hint(Action::NextScreen, "screen"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Shared, view: &TopicsView) {
    let topics = app.topic_list();
    let total = topics
        .iter()
        .filter(|t| view.show_internal || !t.internal)
        .count();
    let arrow = sort_arrow(view.sort.descending(), view.reverse);
    let head = |name: &'static str, key: SortKey| -> String {
        if view.sort == key {
            format!("{name} {arrow}")
        } else {
            name.to_string()
        }
    };
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
    let cols = column_widths(area, &[None, Some(12), Some(3), Some(15), Some(18)], 2);
    let widths: Vec<Constraint> = cols.iter().map(|w| Constraint::Length(*w)).collect();
    let name_width = usize::from(cols[0]);
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
            Cell::from(head("Name", SortKey::Name)),
            Cell::from(Line::from(head("Partitions", SortKey::Partitions)).right_aligned()),
            Cell::from(Line::from("RF").right_aligned()),
            Cell::from(Line::from(head("Messages", SortKey::Messages)).right_aligned()),
            Cell::from("Health"),
        ]),
        widths: &widths,
        len: view.visible.len(),
        cursor: &view.cursor,
        row: |i: usize| {
            let t = &topics[view.visible[i]];
            let urp = t.under_replicated();
            let no_leader = t.partitions.iter().filter(|p| p.leader < 0).count();
            // A leader that refused its offsets (NotLeaderForPartition
            // while a new topic settles, a missing ACL): no fresh count
            // (the last one stays if there was one), and not "loading".
            let refused = t
                .partitions
                .iter()
                .filter(|p| p.leader >= 0 && p.error.is_some())
                .count();
            let messages = match t.messages() {
                Some(m) => thousands(m),
                None if refused > 0 => "?".into(),
                None => "…".into(),
            };
            let health = if let Some(e) = &t.error {
                Span::styled(format!("error {}", sanitize(e)), theme::bad())
            } else if no_leader > 0 {
                Span::styled(format!("{no_leader} offline"), theme::bad())
            } else if refused > 0 {
                Span::styled(format!("{refused} offsets refused"), theme::warn())
            } else if urp > 0 {
                Span::styled(format!("{urp} under-replicated"), theme::warn())
            } else {
                Span::styled("ok", theme::dim())
            };
            let name = if t.internal {
                Span::styled(fit(&t.name, name_width), theme::dim())
            } else {
                Span::raw(fit(&t.name, name_width))
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
