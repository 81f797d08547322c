//! A selection within a list of known length, and the first row shown.

use std::cell::Cell;

use super::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    /// First visible row. Only the renderer knows the table height, so it
    /// keeps this up to date while drawing from `&App`.
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

    /// The rows to draw in a viewport of `height` rows, scrolling as little
    /// as possible to keep the selection visible.
    pub fn window(&self, len: usize, height: usize) -> std::ops::Range<usize> {
        let height = height.max(1);
        let selected = self.selected.min(len.saturating_sub(1));
        let mut offset = self.offset.get().min(len.saturating_sub(height));
        if selected < offset {
            offset = selected;
        } else if selected >= offset + height {
            offset = selected + 1 - height;
        }
        self.offset.set(offset);
        offset..(offset + height).min(len)
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
