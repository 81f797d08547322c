//! Consumer groups: state, members, lag, its trend and a status; worst
//! first, so on-call sees what hurts at the top.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row};
use ratatui::Frame;

use super::group_detail::GroupDetail;
use crate::app::action::{Action, Mode};
use crate::app::chrome::status;
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::groups::{GroupSort, GroupsView};
use crate::app::overlays::Overlay;
use crate::app::shared::Shared;
use crate::app::topics::sort_arrow;
use crate::model::ConsumerGroup;
use crate::ui::text::{age, fit, sanitize, sparkline, thousands};
use crate::ui::theme;
use crate::ui::widgets::table::{column_widths, WindowedTable};

#[derive(Debug, Clone, Default)]
pub struct GroupsScreen {
    pub view: GroupsView,
    /// The group opened with Enter: it has the focus while open.
    pub detail: Option<GroupDetail>,
}

impl GroupsScreen {
    pub fn selected<'a>(&self, shared: &'a Shared) -> Option<&'a ConsumerGroup> {
        let idx = *self.view.visible.get(self.view.cursor.selected)?;
        shared.group_list().get(idx)
    }

    /// The group an action on this screen is about: the open one, else
    /// the one under the cursor.
    pub fn current(&self, shared: &Shared) -> Option<String> {
        self.detail
            .as_ref()
            .map(|d| d.group.clone())
            .or_else(|| self.selected(shared).map(|g| g.id.clone()))
    }

    /// New groups arrived: rebuild the rows, keeping the cursor's group.
    pub fn refreshed(&mut self, shared: &Shared) {
        self.view.rebuild(shared.group_list(), &shared.lag);
    }

    pub fn set_filter(&mut self, shared: &Shared, text: &str) {
        self.view.filter.set(text);
        self.refreshed(shared);
    }

    pub fn open(&mut self, group: &str) {
        self.detail = Some(GroupDetail::new(group));
    }
}

impl Component for GroupsScreen {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let len = self.view.visible.len();
        if self.view.cursor.apply(*action, len, shared.page_size) {
            self.view.remember(shared.group_list());
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => {
                if let Some(id) = self.selected(shared).map(|g| g.id.clone()) {
                    self.open(&id);
                }
                vec![]
            }
            Action::Back if !self.view.filter.text.is_empty() => {
                self.set_filter(shared, "");
                vec![]
            }
            Action::Filter => vec![Output::Nav(Nav::Open(Box::new(Overlay::filter(
                &self.view.filter.text,
            ))))],
            Action::SortNext => {
                self.view.sort = self.view.sort.next();
                self.refreshed(shared);
                vec![Output::info(format!(
                    "sorted by {}",
                    self.view.sort.label()
                ))]
            }
            Action::SortReverse => {
                self.view.reverse = !self.view.reverse;
                self.refreshed(shared);
                vec![]
            }
            _ => return None,
        })
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        draw(frame, area, shared, &self.view);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![
            hint(Action::Open, "open"),
            hint(Action::Filter, "filter"),
            hint(Action::SortNext, "sort"),
            hint(Action::Refresh, "refresh"),
            hint(Action::NextScreen, "screen"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Shared, view: &GroupsView) {
    let groups = app.group_list();
    let arrow = sort_arrow(view.sort.descending(), view.reverse);
    let head = |name: &'static str, key: GroupSort| -> String {
        if view.sort == key {
            format!("{name} {arrow}")
        } else {
            name.to_string()
        }
    };
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
    let list_error = app.groups.as_ref().and_then(|s| s.list_error.as_ref());
    let empty = if app.groups.is_none() {
        "Waiting for the first consumer-group refresh…".to_string()
    } else if let Some(e) = list_error {
        format!(
            "{}. Groups can still be watched by name: creel --group NAME, or groups = [...] in the profile.",
            sanitize(e)
        )
    } else if !view.filter.text.is_empty() {
        format!("No group matches /{}/.", view.filter.text)
    } else {
        "No consumer groups. Groups that cannot be listed can be watched: groups = [...] in the profile.".into()
    };
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let cols = if compact {
        column_widths(
            area,
            &[None, Some(11), Some(3), Some(10), Some(10), Some(14)],
            1,
        )
    } else {
        let mut c = column_widths(
            area,
            &[
                None,
                Some(18),
                Some(12),
                Some(7),
                None,
                Some(11),
                Some(10),
                Some(14),
            ],
            2,
        );
        // The two free columns share what is left, two to one.
        let free = c[0];
        c[0] = free * 2 / 3;
        c[4] = free - c[0];
        c
    };
    let widths: Vec<Constraint> = cols.iter().map(|w| Constraint::Length(*w)).collect();
    let id_width = usize::from(cols[0]);
    let header = if compact {
        Row::new([
            Cell::from(head("Group", GroupSort::Name)),
            Cell::from("State"),
            Cell::from("Mbr"),
            right(head("Lag", GroupSort::Lag)),
            Cell::from("Trend"),
            Cell::from(head("Status", GroupSort::Status)),
        ])
    } else {
        Row::new([
            Cell::from(head("Group", GroupSort::Name)),
            Cell::from("State"),
            Cell::from("Assignor"),
            right("Members".into()),
            Cell::from("Topics"),
            right(head("Lag", GroupSort::Lag)),
            Cell::from("Trend"),
            Cell::from(head("Status", GroupSort::Status)),
        ])
    };
    WindowedTable {
        block,
        header,
        widths: &widths,
        len: view.visible.len(),
        cursor: &view.cursor,
        row: |i: usize| {
            let g = &groups[view.visible[i]];
            let judged = app.lag.judged.get(&g.id);
            let lag = g.total_lag().map(thousands).unwrap_or_else(|| "-".into());
            let trend = judged
                .map(|j| sparkline(j.history.iter().map(|(_, v)| *v), 12))
                .unwrap_or_default();
            let st = status::group(judged);
            let state = if g.error.is_some() && g.state == crate::model::GroupState::Unknown {
                Span::styled("Unknown", theme::dim())
            } else {
                Span::raw(g.state.to_string())
            };
            if compact {
                Row::new([
                    Cell::from(fit(&g.id, id_width)),
                    Cell::from(state),
                    right(g.members.len().to_string()),
                    right(lag),
                    Cell::from(trend),
                    Cell::from(st),
                ])
            } else {
                Row::new([
                    Cell::from(fit(&g.id, id_width)),
                    Cell::from(state),
                    Cell::from(fit(&g.assignor, 12)),
                    right(g.members.len().to_string()),
                    Cell::from(fit(&g.topics().join(","), usize::from(cols[4]))),
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
