//! A selection within a list of known length, and the first row shown.

use std::cell::Cell;

use super::Action;
use crate::ui::widgets::table::ListState;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    /// First visible row, kept by the renderer (see `ListState`).
    pub offset: Cell<usize>,
}

impl Cursor {
    /// Apply a movement action; returns true when the action was a movement.
    pub fn apply(&mut self, action: Action, len: usize, page: usize) -> bool {
        let last = len.saturating_sub(1);
        let page = page.max(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => return false,
        };
        true
    }

    pub fn clamp(&mut self, len: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
    }

    /// After a list was rebuilt: put the cursor back on the row named
    /// `selected` (or keep its place, clamped, when that row went away) and
    /// return the name now under it. `name(i)` names row `visible[i]`.
    pub fn follow_name<'a>(
        &mut self,
        visible: &[usize],
        selected: Option<&str>,
        name: impl Fn(usize) -> &'a str,
    ) -> Option<String> {
        if let Some(pos) = selected.and_then(|n| visible.iter().position(|&i| name(i) == n)) {
            self.selected = pos;
        }
        self.clamp(visible.len());
        visible.get(self.selected).map(|&i| name(i).to_string())
    }
}

impl ListState for Cursor {
    fn selected(&self) -> usize {
        self.selected
    }

    fn offset(&self) -> &Cell<usize> {
        &self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_scrolls_minimally() {
        let mut c = Cursor::default();
        assert_eq!(c.window(100, 10), 0..10);
        c.selected = 15;
        assert_eq!(c.window(100, 10), 6..16);
        c.selected = 10;
        assert_eq!(c.window(100, 10), 6..16);
        c.selected = 3;
        assert_eq!(c.window(100, 10), 3..13);
        c.apply(Action::Bottom, 100, 10);
        assert_eq!(c.window(100, 10), 90..100);
        assert_eq!(c.window(5, 10), 0..5);
    }
}
