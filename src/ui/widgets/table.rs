//! A table that builds only the rows on screen, so a list of 10,000 topics
//! costs the same to draw as a list of 20.

use std::cell::Cell;

use ratatui::layout::{Constraint, Rect};
use ratatui::text::Text;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};
use ratatui::Frame;

use crate::ui::theme;

/// A list's selected row and the first row shown. Only the renderer knows
/// the table height, so it keeps the offset up to date while drawing.
pub trait ListState {
    fn selected(&self) -> usize;
    fn offset(&self) -> &Cell<usize>;

    /// The rows to draw in a viewport of `height` rows, scrolling as
    /// little as possible to keep the selection visible.
    fn window(&self, len: usize, height: usize) -> std::ops::Range<usize> {
        let height = height.max(1);
        let selected = self.selected().min(len.saturating_sub(1));
        let mut offset = self.offset().get().min(len.saturating_sub(height));
        if selected < offset {
            offset = selected;
        } else if selected >= offset + height {
            offset = selected + 1 - height;
        }
        self.offset().set(offset);
        offset..(offset + height).min(len)
    }
}

/// Widths for a table drawn in `area` (borders included): the columns
/// given a width keep it, the one without takes what is left after the
/// others and the spacing between columns. Knowing each width, a cell can
/// be cut to fit by its own rules (never inside an escape) rather than by
/// the table's.
pub fn column_widths(area: Rect, widths: &[Option<u16>], spacing: u16) -> Vec<u16> {
    let inner = area.width.saturating_sub(2);
    let fixed: u16 = widths.iter().flatten().sum();
    let gaps = spacing.saturating_mul(widths.len().saturating_sub(1) as u16);
    let rest = inner.saturating_sub(fixed).saturating_sub(gaps);
    widths.iter().map(|w| w.unwrap_or(rest)).collect()
}

pub struct WindowedTable<'a, F> {
    pub block: Block<'a>,
    pub header: Row<'a>,
    pub widths: &'a [Constraint],
    pub len: usize,
    pub cursor: &'a dyn ListState,
    pub row: F,
    /// Shown inside the block when there are no rows.
    pub empty: Text<'a>,
    pub spacing: u16,
}

impl<'a, F: Fn(usize) -> Row<'a>> WindowedTable<'a, F> {
    pub fn draw(self, frame: &mut Frame, area: Rect) {
        let inner = self.block.inner(area);
        if self.len == 0 {
            frame.render_widget(self.block, area);
            frame.render_widget(Paragraph::new(self.empty).style(theme::dim()), inner);
            return;
        }
        let height = usize::from(inner.height.saturating_sub(1));
        let range = self.cursor.window(self.len, height);
        let selected = self.cursor.selected().checked_sub(range.start);
        let rows: Vec<Row> = range.map(&self.row).collect();
        let table = Table::new(rows, self.widths)
            .header(self.header.style(theme::header_row()))
            .block(self.block)
            .column_spacing(self.spacing)
            .row_highlight_style(theme::selected());
        let mut state = TableState::default().with_selected(selected);
        frame.render_stateful_widget(table, area, &mut state);
    }
}
