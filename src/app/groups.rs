//! The consumer-group list: filter, sort, and a selection that follows the
//! group across refreshes.

use super::cursor::Cursor;
use super::lag::{LagBook, LagStatus};
use super::topics::Filter;
use crate::model::ConsumerGroup;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupSort {
    /// Worst status first, then most lag: what on-call wants to see first.
    #[default]
    Status,
    Lag,
    Name,
}

impl GroupSort {
    pub fn next(self) -> GroupSort {
        match self {
            GroupSort::Status => GroupSort::Lag,
            GroupSort::Lag => GroupSort::Name,
            GroupSort::Name => GroupSort::Status,
        }
    }

    /// Worst and most lag first; names A to Z.
    pub fn descending(self) -> bool {
        !matches!(self, GroupSort::Name)
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupSort::Status => "status",
            GroupSort::Lag => "lag",
            GroupSort::Name => "name",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct GroupsView {
    pub filter: Filter,
    pub sort: GroupSort,
    pub reverse: bool,
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    pub selected_name: Option<String>,
}

impl GroupsView {
    pub fn rebuild(&mut self, groups: &[ConsumerGroup], book: &LagBook) {
        let status = |g: &ConsumerGroup| book.judged.get(&g.id).and_then(|j| j.status);
        let lag = |g: &ConsumerGroup| g.total_lag().unwrap_or(-1);
        let mut visible: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| self.filter.matches(&g.id))
            .map(|(i, _)| i)
            .collect();
        let name = |a: &usize, b: &usize| groups[*a].id.cmp(&groups[*b].id);
        match self.sort {
            GroupSort::Name => visible.sort_by(name),
            GroupSort::Lag => visible.sort_by(|a, b| {
                lag(&groups[*b])
                    .cmp(&lag(&groups[*a]))
                    .then_with(|| name(a, b))
            }),
            GroupSort::Status => visible.sort_by(|a, b| {
                let s = |i: &usize| status(&groups[*i]).map(rank).unwrap_or(0);
                s(b).cmp(&s(a))
                    .then_with(|| lag(&groups[*b]).cmp(&lag(&groups[*a])))
                    .then_with(|| name(a, b))
            }),
        }
        if self.reverse {
            visible.reverse();
        }
        self.visible = visible;
        self.remember_from(groups, self.selected_name.clone().as_deref());
    }

    pub fn remember(&mut self, groups: &[ConsumerGroup]) {
        self.remember_from(groups, None);
    }

    fn remember_from(&mut self, groups: &[ConsumerGroup], selected: Option<&str>) {
        self.selected_name = self
            .cursor
            .follow_name(&self.visible, selected, |i| groups[i].id.as_str());
    }
}

/// Sort rank: unknown (no commits) below OK.
fn rank(s: LagStatus) -> u8 {
    s as u8 + 1
}
